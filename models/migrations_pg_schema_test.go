package models

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestPostgresMigrationsMatchSQLite applies migrations/postgres/*.sql to a
// throw-away PostgreSQL database and checks that the schema they build has
// every table, column, explicit index, trigger and uniqueness of the schema
// the SQLite migrations build, with the same nullability and a matching type.
// It runs only when ONEWINDOW_TEST_PG holds a PostgreSQL URL whose user may
// create databases; it talks to the server through psql.
func TestPostgresMigrationsMatchSQLite(t *testing.T) {
	pg := pgMigrated(t, pgBase(t))

	// SQLite's schema, whatever ONEWINDOW_DB says.
	s, err := Open(context.Background(), t.TempDir(), Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	db, err := s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	lite := sqliteSchema(t, db)
	post := postgresSchema(t, pg)

	for _, table := range sortedKeys(lite.columns) {
		if table == "schema_migrations" { // the migration runner's own table
			continue
		}
		pgCols, ok := post.columns[table]
		if !ok {
			t.Errorf("table %s is missing in PostgreSQL", table)
			continue
		}
		for _, col := range sortedKeys(lite.columns[table]) {
			lc := lite.columns[table][col]
			pc, ok := pgCols[col]
			if !ok {
				t.Errorf("column %s.%s is missing in PostgreSQL", table, col)
				continue
			}
			if lc.notNull != pc.notNull {
				t.Errorf("column %s.%s: NOT NULL is %v in SQLite, %v in PostgreSQL", table, col, lc.notNull, pc.notNull)
			}
			if !pgTypeMatches(lc.typ, pc.typ) {
				t.Errorf("column %s.%s: SQLite %s became PostgreSQL %s", table, col, lc.typ, pc.typ)
			}
		}
		for _, col := range sortedKeys(pgCols) {
			if _, ok := lite.columns[table][col]; !ok {
				t.Errorf("column %s.%s is in PostgreSQL only", table, col)
			}
		}
	}
	for _, table := range sortedKeys(post.columns) {
		if _, ok := lite.columns[table]; !ok {
			t.Errorf("table %s is in PostgreSQL only", table)
		}
	}
	for _, name := range sortedKeys(lite.indexes) {
		if !post.indexes[name] {
			t.Errorf("index %s is missing in PostgreSQL", name)
		}
	}
	for _, name := range sortedKeys(lite.triggers) {
		if !post.triggers[name] {
			t.Errorf("trigger %s is missing in PostgreSQL", name)
		}
	}
	for _, u := range sortedKeys(lite.unique) {
		if !post.unique[u] {
			t.Errorf("uniqueness %s is missing in PostgreSQL", u)
		}
	}
	for _, u := range sortedKeys(post.unique) {
		if !lite.unique[u] {
			t.Errorf("uniqueness %s is in PostgreSQL only", u)
		}
	}
}

// pgBase is the server URL of ONEWINDOW_TEST_PG; the test is skipped
// without it.
func pgBase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("ONEWINDOW_TEST_PG")
	if base == "" {
		t.Skip("ONEWINDOW_TEST_PG is not set")
	}
	if _, err := exec.LookPath("psql"); err != nil {
		t.Fatalf("ONEWINDOW_TEST_PG is set but psql is not installed: %v", err)
	}
	return base
}

// pgMigrated creates a throw-away database on the server of base and applies
// migrations/postgres/*.sql to it in order, one transaction each; the
// database is dropped when the test ends.
func pgMigrated(t *testing.T, base string) string {
	t.Helper()
	pg, drop, err := migratedPostgres(base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return pg
}

// migratedPostgres creates and migrates a throw-away database and returns
// its URL and the function that drops it.
func migratedPostgres(base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("ONEWINDOW_TEST_PG: %w", err)
	}
	name := fmt.Sprintf("onewindow_schema_%d_%d", os.Getpid(), time.Now().UnixNano())
	if out, err := exec.Command("psql", "-X", "-q", "-d", base, "-c", "CREATE DATABASE "+name).CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("create database: %w\n%s", err, out)
	}
	drop := func() { _ = exec.Command("psql", "-X", "-q", "-d", base, "-c", "DROP DATABASE IF EXISTS "+name).Run() }
	u.Path = "/" + name
	pg := u.String()
	files, err := filepath.Glob(filepath.Join("migrations", "postgres", "*.sql"))
	if err != nil {
		drop()
		return "", nil, err
	}
	if len(files) != SchemaVersion() {
		drop()
		return "", nil, fmt.Errorf("%d PostgreSQL migrations, %d SQLite migrations", len(files), SchemaVersion())
	}
	sort.Strings(files)
	for i, f := range files {
		if want := fmt.Sprintf("%04d_", i+1); !strings.HasPrefix(filepath.Base(f), want) {
			drop()
			return "", nil, fmt.Errorf("PostgreSQL migration %s is out of sequence: want %s…", f, want)
		}
		if out, err := exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", pg, "-f", f).CombinedOutput(); err != nil {
			drop()
			return "", nil, fmt.Errorf("apply %s: %w\n%s", f, err, out)
		}
	}
	return pg, drop, nil
}

// pgTypeMatches tells whether a PostgreSQL column type is the agreed
// translation of a SQLite declared type.
func pgTypeMatches(sqliteType, pgType string) bool {
	switch strings.ToUpper(sqliteType) {
	case "INTEGER":
		// Counts, ids and enums are bigint or integer; Go bools are boolean.
		return pgType == "bigint" || pgType == "integer" || pgType == "boolean"
	case "BOOLEAN":
		return pgType == "boolean"
	case "DATETIME":
		return pgType == "timestamp with time zone"
	case "TEXT":
		return pgType == "text" || pgType == "jsonb"
	case "BLOB":
		return pgType == "bytea"
	case "REAL":
		return pgType == "double precision"
	}
	return false
}

type schemaColumn struct {
	typ     string
	notNull bool
}

// schemaFacts is what the comparison reads of one database: columns per
// table, explicitly named indexes, triggers, and every uniqueness (primary
// keys, UNIQUE constraints and unique indexes) as "table(col,…)" with
// " WHERE" appended for a partial one.
type schemaFacts struct {
	columns  map[string]map[string]schemaColumn
	indexes  map[string]bool
	triggers map[string]bool
	unique   map[string]bool
}

func sqliteSchema(t *testing.T, db *sql.DB) schemaFacts {
	t.Helper()
	ctx := context.Background()
	f := schemaFacts{columns: map[string]map[string]schemaColumn{}, indexes: map[string]bool{},
		triggers: map[string]bool{}, unique: map[string]bool{}}
	rows, err := db.QueryContext(ctx, "SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			t.Fatal(err)
		}
		switch typ {
		case "table":
			tables = append(tables, name)
		case "index":
			if text != "" {
				f.indexes[name] = true
			}
		case "trigger":
			f.triggers[name] = true
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		if table == "schema_migrations" {
			continue
		}
		cols := map[string]schemaColumn{}
		var pk []string
		rows := sqliteQuery(t, db, fmt.Sprintf("SELECT name, type, \"notnull\", pk FROM pragma_table_info('%s') ORDER BY pk", table), 4)
		for _, r := range rows {
			notNull := r[2] == "1"
			if r[3] != "0" {
				pk = append(pk, r[0])
				// SQLite lets a non-INTEGER primary key column hold NULL;
				// PostgreSQL never does, and neither does the code.
				notNull = true
			}
			cols[r[0]] = schemaColumn{typ: r[1], notNull: notNull}
		}
		f.columns[table] = cols
		if len(pk) > 0 {
			f.unique[table+"("+strings.Join(pk, ",")+")"] = true
		}
		for _, ix := range sqliteQuery(t, db, fmt.Sprintf("SELECT name, \"unique\", origin, partial FROM pragma_index_list('%s')", table), 4) {
			if ix[1] != "1" || ix[2] == "pk" {
				continue
			}
			var names []string
			for _, c := range sqliteQuery(t, db, fmt.Sprintf("SELECT name FROM pragma_index_info('%s') ORDER BY seqno", ix[0]), 1) {
				names = append(names, c[0])
			}
			key := table + "(" + strings.Join(names, ",") + ")"
			if ix[3] == "1" {
				key += " WHERE"
			}
			f.unique[key] = true
		}
	}
	return f
}

func sqliteQuery(t *testing.T, db *sql.DB, q string, n int) [][]string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, n)
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func postgresSchema(t *testing.T, pg string) schemaFacts {
	t.Helper()
	f := schemaFacts{columns: map[string]map[string]schemaColumn{}, indexes: map[string]bool{},
		triggers: map[string]bool{}, unique: map[string]bool{}}
	for _, r := range psqlRows(t, pg, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`, 4) {
		if f.columns[r[0]] == nil {
			f.columns[r[0]] = map[string]schemaColumn{}
		}
		f.columns[r[0]][r[1]] = schemaColumn{typ: r[2], notNull: r[3] == "NO"}
	}
	for _, r := range psqlRows(t, pg, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`, 1) {
		f.indexes[r[0]] = true
	}
	for _, r := range psqlRows(t, pg, `SELECT DISTINCT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'public'`, 1) {
		f.triggers[r[0]] = true
	}
	for _, r := range psqlRows(t, pg, `SELECT tc.relname,
			string_agg(a.attname, ',' ORDER BY k.n),
			CASE WHEN i.indpred IS NULL THEN '' ELSE ' WHERE' END
		FROM pg_index i
		JOIN pg_class tc ON tc.oid = i.indrelid
		JOIN pg_namespace ns ON ns.oid = tc.relnamespace
		CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum
		WHERE ns.nspname = 'public' AND i.indisunique
		GROUP BY tc.relname, i.indexrelid, i.indpred`, 3) {
		f.unique[r[0]+"("+r[1]+")"+r[2]] = true
	}
	return f
}

// psqlRows runs one query through psql and returns its rows of n fields.
func psqlRows(t *testing.T, dsn, q string, n int) [][]string {
	t.Helper()
	cmd := exec.Command("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-d", dsn, "-c", q)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", q, err, stderr.String())
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line == "" || n == 0 {
			continue
		}
		fields := strings.Split(line, "\x1f")
		if len(fields) != n {
			t.Fatalf("psql %q: row %q has %d fields, want %d", q, line, len(fields), n)
		}
		rows = append(rows, fields)
	}
	return rows
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
