package models

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrations/ holds SQLite's migrations, migrations/postgres/ the same
// numbered changes in PostgreSQL's dialect.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Migration is one numbered, forward-only schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded (SQLite) migrations in order.
func Migrations() ([]Migration, error) { return migrationsFor(sqliteDialect{}) }

// migrationsFor returns the embedded migrations of d's engine in order.
func migrationsFor(d dialect) ([]Migration, error) {
	dir := "migrations"
	if d.name() != "sqlite" {
		dir += "/" + d.name()
	}
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("models: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("models: migration file %q is not NNNN_name.sql", name)
		}
		body, err := migrationFiles.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, fmt.Errorf("models: read migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("models: migration %d is missing (found %d)", i+1, m.Version)
		}
	}
	return out, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, err := Migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

func (s *Store) migrate(ctx context.Context) error {
	// Plain database/sql: a migration file holds several statements, which a
	// prepared statement cannot.
	db, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("models: migrate: %w", err)
	}
	return migrateDB(ctx, db, s.dialect)
}

// migrationLock serialises migrations of one PostgreSQL database by several
// instances starting at once.
const migrationLock = 7_204_910

// migrateDB applies d's pending migrations to db.
func migrateDB(ctx context.Context, db *sql.DB, d dialect) error {
	ms, err := migrationsFor(d)
	if err != nil {
		return err
	}
	stamp := "DATETIME"
	if d.name() == "postgres" {
		stamp = "TIMESTAMPTZ"
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck // the connection closes next
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at `+stamp+` NOT NULL)`); err != nil {
		return fmt.Errorf("models: create schema_migrations: %w", err)
	}
	var current int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("models: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("models: database schema version %d is newer than this binary's %d; use a newer onewindow", current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := applyMigration(ctx, db, d, m); err != nil {
			return fmt.Errorf("models: apply migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// foreignKeysOff marks a migration that rebuilds a table other tables refer
// to: SQLite would cascade the DROP of the old table into the child rows, so
// such a migration runs with foreign keys off on its own connection and is
// checked with foreign_key_check before it commits.
const foreignKeysOff = "-- migrate: foreign_keys off"

// applyMigration runs one migration and records it in the same transaction.
func applyMigration(ctx context.Context, db *sql.DB, d dialect, m Migration) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if strings.HasPrefix(m.SQL, foreignKeysOff) {
		// The pragma is a no-op inside a transaction, so it is set before one.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON") //nolint:errcheck // the connection is closed next either way
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if d.name() == "sqlite" {
		// PostgreSQL checks foreign keys as it goes.
		if err := checkForeignKeys(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, d.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.Version, m.Name, time.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// checkForeignKeys fails when any row refers to a row that does not exist.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("row %d of %s refers to a missing %s row", rowid.Int64, table, parent)
	}
	return rows.Err()
}
