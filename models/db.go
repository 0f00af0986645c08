package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	// DiskFloor is the free space the data folder's disk keeps: below it filings are
	// refused (ErrDiskLow) and Health reports the store not ready. 0 means 256 MiB; a
	// negative value turns the check off.
	DiskFloor int64
	// FilesPerApplication and BytesPerApplication cap the uploads one application holds
	// (0: 100 files, 500 MB), so that one filing cannot fill the disk.
	FilesPerApplication int
	BytesPerApplication int64
	// KeyFile is the key file that seals personal data (default: onewindow.key in the data
	// folder); Keyring, when set, is used instead of any file.
	KeyFile string
	Keyring *Keyring
	// DB is a PostgreSQL URL (postgres://…) to keep the data in instead of
	// the SQLite file in the data folder; empty means ONEWINDOW_DB, and
	// when that is empty too, SQLite. The data folder still holds the
	// uploaded files and the key file.
	DB string
	// exactDB opens the database DB names as it is, even under `go test`
	// (where a PostgreSQL URL otherwise stands for a database of the data
	// folder's own): for copying into a given database and checking it.
	exactDB bool
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
	if o.DiskFloor == 0 {
		o.DiskFloor = 256 << 20
	}
	if o.FilesPerApplication <= 0 {
		o.FilesPerApplication = 100
	}
	if o.BytesPerApplication <= 0 {
		o.BytesPerApplication = 500 << 20
	}
	return o
}

// fileCaps are Options.FilesPerApplication and Options.BytesPerApplication.
type fileCaps struct {
	files int
	bytes int64
}

// Store is the application's persistent state: one writer connection and a
// pool of readers on the same SQLite file.
type Store struct {
	db       *gorm.DB   // the single writer, through the statement layer
	read     *gorm.DB   // read-only pool
	writes   *stmtCache // the writer's statements
	reads    *stmtCache // the readers' fixed statements
	dialect  dialect
	path     string
	commits  *committer // group commit of application writes
	defs     sync.Map   // definition id → Definition (rows are immutable)
	encDefs  sync.Map   // definitionKey → encodedDefinition of a filing's item version and form
	encCount atomic.Int64
	// diskFloor is Options.DiskFloor; health caches the last readiness probe.
	diskFloor int64
	health    healthCache
	integrity integrityProbe // the last PRAGMA quick_check's result (WatchIntegrity)
	fileCaps  fileCaps
	work      workGenerations
	sessions  sessionCache // sessions with their users, for a moment
	changes   changeWatch  // the change signal as this process has seen it
	keys      *Keyring     // seals personal data (personal_data.go)
	keyFile   string
	counters  storeCounters // filings, actions and commit batches for the metrics page
	levels    levelTally    // evaluations by level, counted as they are added (metrics.go)
	cards     cardTally     // 黄牌 / 红牌 by colour, counted as they are added (card_store.go)
}

// DatabaseFile is the name of the SQLite file inside the data folder.
const DatabaseFile = "onewindow.db"

// DBEnv names the environment variable that Options.DB defaults to.
const DBEnv = "ONEWINDOW_DB"

// Open opens (creating if needed) the database of the data folder dir —
// the SQLite file in it, or the PostgreSQL database opt.DB names — and
// applies pending migrations. It refuses a database written by a newer
// binary.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	opt = opt.withDefaults()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("models: open: %w", err)
	}
	d, err := chooseDialect(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	s := &Store{path: filepath.Join(dir, DatabaseFile), dialect: d, diskFloor: opt.DiskFloor,
		fileCaps: fileCaps{files: opt.FilesPerApplication, bytes: opt.BytesPerApplication}}
	writer, err := s.dialect.open(s.path, opt, false)
	if err != nil {
		return nil, err
	}
	s.writes = newStmtCache(writer, s.dialect)
	if pg, ok := d.(postgresDialect); ok {
		// Connect once here, so that a server that is down or a wrong
		// address is reported as such, not as a failed migration.
		if err := writer.PingContext(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("models: open: cannot connect to the database %s: %w", redactURL(pg.url), err), s.Close())
		}
		pg.numbers = true
		if s.writes.numbers, err = pg.open("", opt, false); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	// The writer's statements are kept by the statement layer, not by gorm.
	if s.db, err = openGorm(s.dialect, writerPool{pool{s.writes}}, false); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.loadKeys(ctx, dir, opt); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	// The database holds personal data: readable by the service's account only.
	if s.dialect.name() == "sqlite" {
		if err := os.Chmod(s.path, 0o600); err != nil {
			return nil, errors.Join(fmt.Errorf("models: open: %w", err), s.Close())
		}
	}
	reader, err := s.dialect.open(s.path, opt, true)
	if err != nil {
		return nil, errors.Join(err, s.Close())
	}
	s.reads = newStmtCache(reader, s.dialect)
	if s.read, err = openGorm(s.dialect, reader, true); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	s.startCommitter()
	if err := s.seedDefaultAliases(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.seedDefaultFormDictionaries(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// OpenSQL opens a database/sql handle on the SQLite file at path with the
// store's connection settings (the same pragmas; one connection, or
// opt.Readers read-only ones when readOnly), for tools that work on a
// store's database from a process of their own.
func OpenSQL(path string, opt Options, readOnly bool) (*sql.DB, error) {
	return sqliteDialect{}.open(path, opt.withDefaults(), readOnly)
}

func openGorm(d dialect, conn gorm.ConnPool, prepare bool) (*gorm.DB, error) {
	db, err := gorm.Open(d.gorm(conn), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            prepare,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("models: open database: %w", err)
	}
	return db, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.changes.close()
	s.stopCommitter()
	var errs []error
	for _, c := range []*stmtCache{s.writes, s.reads} {
		if c != nil {
			errs = append(errs, c.close(), c.db.Close())
			if c.numbers != nil {
				errs = append(errs, c.numbers.Close())
			}
		}
	}
	return errors.Join(errs...)
}

// Path is the database file's location in the data folder (on PostgreSQL
// there is no file there, but its folder is still the data folder).
func (s *Store) Path() string { return s.path }

// Rebind writes the ? placeholders of a statement for SQL()'s handle in the
// engine's form ($1, $2, … on PostgreSQL).
func (s *Store) Rebind(q string) string { return s.dialect.rebind(q) }

// Engine is the database engine's name: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.dialect.name() }

// chooseDialect picks the engine for dir from opt.DB or ONEWINDOW_DB.
func chooseDialect(ctx context.Context, dir string, opt Options) (dialect, error) {
	url := opt.DB
	if url == "" {
		url = os.Getenv(DBEnv)
	}
	switch {
	case url == "" || url == "sqlite" || strings.HasPrefix(url, "sqlite:"):
		return sqliteDialect{}, nil
	case isPostgresURL(url):
		if testing.Testing() && !opt.exactDB {
			// Tests open a fresh data folder for a fresh store: each
			// folder gets a database of its own on the server.
			var err error
			if url, err = testDatabase(ctx, url, dir); err != nil {
				return nil, err
			}
		}
		if err := postgresNamesDatabase(url); err != nil {
			return nil, err
		}
		return postgresDialect{url: url, writers: &sync.Map{}}, nil
	default:
		return nil, fmt.Errorf("models: open: the database %q is neither a postgres:// URL nor sqlite", redactURL(url))
	}
}

// Maintain checkpoints the write-ahead log and refreshes the planner's
// statistics; call it periodically.
func (s *Store) Maintain(ctx context.Context) error {
	return s.dialect.maintain(ctx, s.writes.db)
}

// Pragma reads one connection setting through the writer connection (for checks and tests).
func (s *Store) Pragma(ctx context.Context, name string) (string, error) {
	return s.dialect.setting(ctx, s.writes.db, name)
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
func (s *Store) SQL() (*sql.DB, error) { return s.writes.db, nil }
