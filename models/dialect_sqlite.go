package models

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// dialect is everything the store does that is particular to one database
// engine. The rest of models/ writes portable SQL: gorm, and the statement
// layer's fixed statements with ? placeholders, INSERT … ON CONFLICT and
// RETURNING, which PostgreSQL runs as well once rebound. A PostgreSQL
// dialect implements the same methods.
type dialect interface {
	// open opens a database/sql handle with the store's connection settings:
	// one connection for the writer, opt.Readers for a read-only pool.
	open(path string, opt Options, readOnly bool) (*sql.DB, error)
	// gorm lets gorm run its statements on conn.
	gorm(conn gorm.ConnPool) gorm.Dialector
	// rebind writes the ? placeholders of a fixed statement in the engine's form.
	rebind(q string) string
	// maintain checkpoints the write-ahead log and refreshes the planner's statistics.
	maintain(ctx context.Context, db *sql.DB) error
	// setting reads one connection setting (for checks and tests).
	setting(ctx context.Context, db *sql.DB, name string) (string, error)
	// name is the engine's name, which is also the folder of its own
	// migrations under migrations/ ("" for SQLite's, the first).
	name() string
}

// sqliteDriver is the database/sql driver that gorm.io/driver/sqlite registers (mattn/go-sqlite3).
const sqliteDriver = "sqlite3"

// sqliteDialect is SQLite through mattn/go-sqlite3: WAL, one writer.
type sqliteDialect struct{}

func (sqliteDialect) open(path string, opt Options, readOnly bool) (*sql.DB, error) {
	opt = opt.withDefaults()
	switch opt.Synchronous {
	case "OFF", "NORMAL", "FULL", "EXTRA":
	default:
		return nil, fmt.Errorf("models: open: synchronous must be OFF, NORMAL, FULL or EXTRA, not %q", opt.Synchronous)
	}
	db, err := sql.Open(sqliteDriver, sqliteDSN(path, opt, readOnly))
	if err != nil {
		return nil, fmt.Errorf("models: open database: %w", err)
	}
	conns := 1
	if readOnly {
		conns = opt.Readers
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// sqliteDSN builds a mattn/go-sqlite3 connection string. The driver applies
// _busy_timeout before the other pragmas, so a locked file never fails the
// journal-mode switch; _txlock=immediate makes every write transaction
// BEGIN IMMEDIATE, which takes the write lock at once instead of failing
// on upgrade.
func sqliteDSN(path string, opt Options, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(opt.BusyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", opt.Synchronous)
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("_query_only", "on")
	}
	return "file:" + path + "?" + q.Encode()
}

func (sqliteDialect) gorm(conn gorm.ConnPool) gorm.Dialector {
	return sqlite.New(sqlite.Config{DriverName: sqliteDriver, Conn: conn})
}

func (sqliteDialect) rebind(q string) string { return q }

func (sqliteDialect) name() string { return "sqlite" }

// maintain reads the checkpoint's result row, so that no statement stays
// open on the connection.
func (sqliteDialect) maintain(ctx context.Context, db *sql.DB) error {
	var busy, logFrames, done int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("models: checkpoint: %w", err)
	}
	if _, err := db.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("models: optimize: %w", err)
	}
	return nil
}

func (sqliteDialect) setting(ctx context.Context, db *sql.DB, name string) (string, error) {
	switch name {
	case "journal_mode", "synchronous", "foreign_keys", "busy_timeout":
	default:
		return "", fmt.Errorf("models: pragma %q is not readable here", name)
	}
	var v string
	err := db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// isUniqueViolation tells whether err is a broken UNIQUE constraint. On
// SQLite it reads the driver's message (the extended code would need the
// driver package itself); on PostgreSQL it is SQLSTATE 23505.
func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || pgCode(err) == "23505")
}
