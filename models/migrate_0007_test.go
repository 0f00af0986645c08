package models

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// migrateTo applies the embedded migrations up to version n on a new
// database file in dir, as an older binary would have left it.
func migrateTo(t *testing.T, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := OpenSQL(filepath.Join(dir, DatabaseFile), Options{Synchronous: "NORMAL"}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
		name TEXT NOT NULL, applied_at DATETIME NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:n] {
		if err := applyMigration(ctx, db, sqliteDialect{}, m); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
	}
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO departments (code, name, short_name, sort) VALUES ('scj', '区市场监督管理局', '区市场监管局', 1), ('zjj', '区住房和城乡建设局', '区住建局', 2)`, nil},
		{`INSERT INTO item_types (code, name, power_list, on_application, sort) VALUES ('01', '行政许可', 1, 1, 1)`, nil},
		{`INSERT INTO items (id, code, catalog_code, name, type_code, department_code, disposition, on_application,
			handling_kind, statutory_days, promised_days, visits, is_fee, online_depth, created_at, updated_at)
			VALUES (1, 'A1', '000101001000', '食品经营许可', '01', 'scj', 'retained', 1, 'promised', 20, 10, 1, 1, 4, ?, ?),
			       (2, 'A2', '000101002000', '建筑工程施工许可', '01', 'zjj', 'retained', 1, 'promised', 15, 7, 2, 0, 3, ?, ?)`,
			[]any{now, now, now, now}},
		{`INSERT INTO materials (id, item_id, key, sort, name, necessity, copies) VALUES
			(11, 1, 'm1', 1, '申请书', 'required', 2), (12, 1, 'm2', 2, '营业执照', 'required', 1), (21, 2, 'm1', 1, '施工合同', 'required', 3)`, nil},
		{`INSERT INTO fees (id, item_id, sort, name, standard) VALUES (31, 1, 1, '工本费', '不收费')`, nil},
		{`INSERT INTO steps (id, item_id, sort, name, days) VALUES (41, 1, 1, '受理', 1), (42, 1, 2, '决定', 9), (43, 2, 1, '受理', 1)`, nil},
		{`INSERT INTO item_departments (id, item_id, sort, department_code, stages) VALUES
			(51, 1, 1, 'scj', '["review","decide"]'), (52, 2, 1, 'zjj', '["review"]'), (53, 2, 2, 'scj', '["review"]')`, nil},
		{`INSERT INTO item_revisions (id, item_id, item_code, version, actor, action, reason, snapshot, created_at)
			VALUES (61, 1, 'A1', 1, 'catalog', 'import', '导入', '{}', ?)`, []any{now}},
		{`INSERT INTO applicants (id, kind, id_kind, id_number, name, created_at, updated_at)
			VALUES (71, 'person', 'resident_id', '11010519491231002X', '王小明', ?, ?)`, []any{now, now}},
		{`INSERT INTO application_definitions (id, item_code, item_version, sha256, definition) VALUES (81, 'A1', 1, 'x', '{}')`, nil},
		{`INSERT INTO applications (id, number, query_code_hash, item_code, item_version, item_name, department_code,
			definition_id, applicant_id, applicant_kind, applicant_name, applicant_id_number, channel, state, version,
			submitted_at, statutory_days, promised_days, updated_at)
			VALUES (91, '20260302000001', 'h', 'A1', 1, '食品经营许可', 'scj', 81, 71, 'person', '王小明', '11010519491231002X',
			'online', 'submitted', 1, ?, 20, 10, ?)`, []any{now, now}},
		{`INSERT INTO application_materials (id, application_id, material_key, sort, name, necessity, copies, provided)
			VALUES (101, 91, 'm1', 1, '申请书', 'required', 2, 1)`, nil},
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s.q, s.args...); err != nil {
			t.Fatalf("seed version %d: %v\n%s", n, err, s.q)
		}
	}
}

// TestMigration0007KeepsEveryChildRow: the items and materials rebuild runs
// with foreign keys off, so no cascade may take fees, steps, workflow
// departments, revisions or applications with it, and every value stays.
func TestMigration0007KeepsEveryChildRow(t *testing.T) {
	if onPostgres() {
		t.Skip("SQLite only: migration 0007 rebuilt SQLite tables of databases older than PostgreSQL")
	}
	dir := t.TempDir()
	migrateTo(t, dir, 6)
	s, err := Open(context.Background(), dir, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := s.read.DB()
	if err != nil {
		t.Fatal(err)
	}
	count := func(table string) int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for table, want := range map[string]int{"items": 2, "materials": 3, "fees": 1, "steps": 3, "item_departments": 3,
		"item_revisions": 1, "applications": 1, "application_materials": 1, "departments": 2, "item_types": 1} {
		if got := count(table); got != want {
			t.Errorf("%s: %d rows after migration, want %d", table, got, want)
		}
	}
	it, err := s.Item(context.Background(), "A1")
	if err != nil {
		t.Fatal(err)
	}
	if Days(it.StatutoryDays) != 20 || Days(it.PromisedDays) != 10 || Days(it.Visits) != 1 || Days(it.OnlineDepth) != 4 ||
		it.IsFee == nil || !*it.IsFee || len(it.Materials) != 2 || Days(it.Materials[0].Copies) != 2 ||
		len(it.Fees) != 1 || len(it.Steps) != 2 || len(it.Departments) != 1 {
		t.Errorf("A1 after migration: %+v", it)
	}
	a2, err := s.Item(context.Background(), "A2")
	if err != nil {
		t.Fatal(err)
	}
	if a2.IsFee == nil || *a2.IsFee || !a2.Joint() || Days(a2.Materials[0].Copies) != 3 || len(a2.FilingGaps()) != 0 {
		t.Errorf("A2 after migration: %+v", a2)
	}
	if g, err := s.ItemGroup(context.Background(), it); err != nil || g.Main != nil || len(g.Subs) != 0 {
		t.Errorf("a migrated item with a blank main name: %+v %v", g, err)
	}
	assertForeignKeysClean(t, db)
	var version int
	if err := db.QueryRow("SELECT MAX(version) FROM schema_migrations").Scan(&version); err != nil || version != SchemaVersion() {
		t.Errorf("schema version %d (%v), want %d", version, err, SchemaVersion())
	}
}

func assertForeignKeysClean(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign_key_check reports dangling rows after the migration")
	}
}
