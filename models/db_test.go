package models

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	recordStatements(t, s)
	return s
}

// sqliteOnly skips a test of something only the SQLite engine has (when
// ONEWINDOW_DB runs the tests on PostgreSQL).
func sqliteOnly(t testing.TB, s *Store, what string) {
	t.Helper()
	if s.Engine() != "sqlite" {
		t.Skip("SQLite only: " + what)
	}
}

// onPostgres tells whether the tests run on PostgreSQL (ONEWINDOW_DB).
func onPostgres() bool { return isPostgresURL(os.Getenv(DBEnv)) }

// tableColumns lists the columns of table on either engine.
func tableColumns(t testing.TB, s *Store, table string) []string {
	t.Helper()
	q := "SELECT name FROM pragma_table_info(?)"
	if s.Engine() == "postgres" {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
	}
	var cols []string
	if err := s.db.Raw(q, table).Scan(&cols).Error; err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	return cols
}

// dropTrigger drops a trigger of table on either engine.
func dropTrigger(t testing.TB, s *Store, name, table string) {
	t.Helper()
	q := "DROP TRIGGER " + name
	if s.Engine() == "postgres" {
		q += " ON " + table
	}
	if err := s.db.Exec(q).Error; err != nil {
		t.Fatal(err)
	}
}

// refuseInserts makes every insert into table fail with msg, on either engine.
func refuseInserts(t testing.TB, s *Store, table, msg string) {
	t.Helper()
	qs := []string{`CREATE TRIGGER refuse_` + table + ` BEFORE INSERT ON ` + table + ` BEGIN SELECT RAISE(ABORT, '` + msg + `'); END`}
	if s.Engine() == "postgres" {
		qs = []string{`CREATE FUNCTION refuse_` + table + `() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '` + msg + `'; END $$`,
			`CREATE TRIGGER refuse_` + table + ` BEFORE INSERT ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION refuse_` + table + `()`}
	}
	for _, q := range qs {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// allModels lists every gorm model the migrations must cover.
func allModels() []any {
	return []any{&Department{}, &ItemType{}, &Item{}, &Material{}, &Fee{}, &Step{}, &ItemDepartment{}, &CalendarDay{},
		&SiteSettings{}, &User{}, &RoleAssignment{}, &Session{}, &LoginEvent{}, &Revision{}, &Draft{},
		&Applicant{}, &Application{}, &AppMaterial{}, &AppFile{}, &Task{}, &Event{}, &BundleFiling{}, &BundleEvent{},
		&Evaluation{}, &RectificationCase{}, &RectificationStep{}, &Card{},
		&InspectionListItem{}, &InspectionEntity{}, &Inspector{}, &InspectionConflict{}, &InspectionRules{}, &InspectionPlan{},
		&InspectionCandidate{}, &InspectionTask{}, &MaterialAttachment{}}
}

func TestMigrationsCoverEveryModelField(t *testing.T) {
	s := openTest(t)
	var cache sync.Map
	for _, m := range allModels() {
		sch, err := schema.Parse(m, &cache, s.db.NamingStrategy)
		if err != nil {
			t.Fatalf("parse %T: %v", m, err)
		}
		cols := map[string]bool{}
		names := tableColumns(t, s, sch.Table)
		if len(names) == 0 {
			t.Errorf("table %s for %T does not exist", sch.Table, m)
			continue
		}
		for _, n := range names {
			cols[n] = true
		}
		for _, f := range sch.Fields {
			if f.DBName != "" && !cols[f.DBName] {
				t.Errorf("%T.%s: column %s.%s missing from the migrations", m, f.Name, sch.Table, f.DBName)
			}
		}
	}
}

func TestOpenSetsDurablePragmas(t *testing.T) {
	s := openTest(t)
	if s.Engine() == "postgres" {
		// Every write transaction is SERIALIZABLE (dialect_postgres.go).
		if got, err := s.Pragma(context.Background(), "default_transaction_isolation"); err != nil || got != "serializable" {
			t.Fatalf("default_transaction_isolation = %q, %v", got, err)
		}
		return
	}
	ctx := context.Background()
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000"}
	for name, v := range want {
		got, err := s.Pragma(ctx, name)
		if err != nil {
			t.Fatalf("pragma %s: %v", name, err)
		}
		if got != v {
			t.Errorf("pragma %s = %q, want %q", name, got, v)
		}
	}
}

func TestMigrationsRecordedOnceAndReopenIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for range 2 {
		s, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		var n int
		s.db.Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
		if n != SchemaVersion() {
			t.Errorf("schema_migrations has %d rows, want %d", n, SchemaVersion())
		}
		s.Close()
	}
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)").Error; err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("Open on a newer database: err = %v, want a refusal", err)
	}
}

func TestOpenRejectsUnknownSynchronous(t *testing.T) {
	if onPostgres() {
		t.Skip("SQLite only: synchronous is SQLite's setting")
	}
	_, err := Open(context.Background(), t.TempDir(), Options{Synchronous: "FULL; DROP TABLE items"})
	if err == nil {
		t.Fatal("Open accepted a malformed synchronous setting")
	}
}

func TestReadersCannotWrite(t *testing.T) {
	s := openTest(t)
	err := s.read.Exec("INSERT INTO item_types (code, name, power_list, on_application, sort) VALUES ('99', 'x', FALSE, FALSE, 99)").Error
	if err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

func TestPromisedAboveStatutoryRefusedByTheSchema(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	dept := []Department{{Code: "scj", Name: "集宁区市场监督管理局", ShortName: "区市场监督管理局", Sort: 1}}
	item := Item{Code: "X1", CatalogCode: "010010000001", Name: "食品经营许可", TypeCode: "01", DepartmentCode: "scj",
		Disposition: DispositionRetained, OnApplication: true, StatutoryDays: IntPtr(10), PromisedDays: IntPtr(20), Status: ItemPublished, Version: 1}
	if _, err := s.SeedCatalogue(ctx, dept, DefaultItemTypes(), []Item{item}); err == nil {
		t.Fatal("an item promising more days than the statutory limit was stored")
	}
	var n int64
	s.db.Model(&Department{}).Count(&n)
	if n != 0 {
		t.Errorf("failed seed left %d departments behind", n)
	}
}
