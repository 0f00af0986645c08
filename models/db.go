package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write lost a race or breaks a uniqueness rule.
var ErrConflict = errors.New("conflict")

// Options configures how the store opens its database.
type Options struct {
	// Synchronous is SQLite's synchronous setting: FULL (default) makes every
	// acknowledged commit survive a power cut.
	Synchronous string
	// BusyTimeout is how long a connection waits for a lock before failing.
	BusyTimeout time.Duration
	// Readers is the size of the read-only connection pool.
	Readers int
	// NoGroupCommit gives every application write its own commit (for
	// measuring what group commit buys).
	NoGroupCommit bool
}

func (o Options) withDefaults() Options {
	if o.Synchronous == "" {
		o.Synchronous = "FULL"
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.Readers <= 0 {
		o.Readers = 4
	}
	return o
}

// Store is the application's persistent state: one writer connection and a
// pool of readers on the same SQLite file.
type Store struct {
	db       *gorm.DB // the single writer
	read     *gorm.DB // read-only pool
	path     string
	commits  *committer // group commit of application writes; nil when off
	defs     sync.Map   // definition id → Definition (rows are immutable)
	status   lazyStatus // prepared statements of the status lookup
	work     workGenerations
	sessions sessionCache // sessions with their users, for a moment
	changes  changeWatch  // the change signal as this process has seen it
}

// DatabaseFile is the name of the SQLite file inside the data folder.
const DatabaseFile = "onewindow.db"

// Open opens (creating if needed) the database in dir and applies pending
// migrations. It refuses a database written by a newer binary.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	opt = opt.withDefaults()
	switch opt.Synchronous {
	case "OFF", "NORMAL", "FULL", "EXTRA":
	default:
		return nil, fmt.Errorf("models: open: synchronous must be OFF, NORMAL, FULL or EXTRA, not %q", opt.Synchronous)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("models: open: %w", err)
	}
	path := filepath.Join(dir, DatabaseFile)
	writer, err := openGorm(dsn(path, opt, false), 1)
	if err != nil {
		return nil, err
	}
	s := &Store{db: writer, path: path}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	reader, err := openGorm(dsn(path, opt, true), opt.Readers)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.read = reader
	if !opt.NoGroupCommit {
		s.startCommitter()
	}
	return s, nil
}

// dsn builds a mattn/go-sqlite3 connection string. The driver applies
// _busy_timeout before the other pragmas, so a locked file never fails the
// journal-mode switch.
func dsn(path string, opt Options, readOnly bool) string {
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

func openGorm(dsn string, conns int) (*gorm.DB, error) {
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("models: open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("models: open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxIdleTime(0)
	sqlDB.SetConnMaxLifetime(0)
	return db, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.changes.close()
	s.stopCommitter()
	if st := s.status.stmts; st != nil {
		st.app.Close()
		st.events.Close()
		st.materials.Close()
	}
	var errs []error
	for _, db := range []*gorm.DB{s.db, s.read} {
		if db == nil {
			continue
		}
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
	}
	return errors.Join(errs...)
}

// Path is the database file's location.
func (s *Store) Path() string { return s.path }

// Maintain runs a WAL checkpoint and PRAGMA optimize; call it periodically.
// It goes around gorm's statement cache and reads the checkpoint's result
// row, so that no statement stays open on the writer connection.
func (s *Store) Maintain(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("models: checkpoint: %w", err)
	}
	var busy, logFrames, done int
	if err := sqlDB.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("models: checkpoint: %w", err)
	}
	if _, err := sqlDB.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("models: optimize: %w", err)
	}
	return nil
}

// Pragma reads one pragma's value through the writer connection (for checks and tests).
func (s *Store) Pragma(ctx context.Context, name string) (string, error) {
	switch name {
	case "journal_mode", "synchronous", "foreign_keys", "busy_timeout":
	default:
		return "", fmt.Errorf("models: pragma %q is not readable here", name)
	}
	var v string
	err := s.db.WithContext(ctx).Raw("PRAGMA " + name).Scan(&v).Error
	return v, err
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		return fmt.Errorf("models: ping: %w", err)
	}
	return nil
}

// SQL returns the writer's database/sql handle, for maintenance commands and
// tests that must look under the models (or tamper with them on purpose).
func (s *Store) SQL() (*sql.DB, error) { return s.db.DB() }
