package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// postgresDialect is PostgreSQL through pgx v5. Unlike SQLite it has many
// writers: the writer pool holds several connections whose transactions
// run concurrently at SERIALIZABLE isolation, so that every write
// transaction sees the database as if the writes had run one after
// another, as SQLite's single writer does; a transaction that loses a race
// is retried (see writeDirect).
type postgresDialect struct {
	url string
	// writers holds the server process ids of this store's writer
	// connections, so that the change watcher can tell its own notices.
	writers *sync.Map
	// numbers: open the pool that draws application numbers (drawNumbers).
	numbers bool
}

// writerConns is the size of the writer pool on PostgreSQL.
const writerConns = 8

// isPostgresURL tells whether s names a PostgreSQL database.
func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// postgresNamesDatabase refuses a URL that names no database (nor does
// PGDATABASE): the server would otherwise take the user's name, often the
// shared "postgres" database, and the migrations would fill it.
func postgresNamesDatabase(url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("models: open: the database URL: %w", err)
	}
	if cfg.Database == "" {
		return fmt.Errorf("models: open: the database URL %q names no database: add it after the host, e.g. postgres://USER@HOST:5432/onewindow", redactURL(url))
	}
	return nil
}

func (d postgresDialect) open(_ string, opt Options, readOnly bool) (*sql.DB, error) {
	opt = opt.withDefaults()
	cfg, err := pgx.ParseConfig(d.url)
	if err != nil {
		return nil, fmt.Errorf("models: open: the database URL: %w", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["lock_timeout"] = strconv.FormatInt(opt.BusyTimeout.Milliseconds(), 10)
	conns := writerConns
	if d.numbers {
		cfg.RuntimeParams["default_transaction_isolation"] = "read committed"
		conns = 2
	} else if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		conns = opt.Readers
	} else {
		cfg.RuntimeParams["default_transaction_isolation"] = "serializable"
	}
	var opts []stdlib.OptionOpenDB
	if !readOnly && !d.numbers && d.writers != nil {
		opts = append(opts, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
			d.writers.Store(c.PgConn().PID(), true)
			return nil
		}))
	}
	db := stdlib.OpenDB(*cfg, opts...)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	return db, nil
}

func (postgresDialect) gorm(conn gorm.ConnPool) gorm.Dialector {
	return postgres.New(postgres.Config{Conn: conn})
}

// rebind numbers the ? placeholders of a fixed statement ($1, $2, …),
// leaving those inside quotes and comments alone.
func (postgresDialect) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (postgresDialect) name() string { return "postgres" }

// maintain refreshes the planner's statistics (autovacuum does the rest).
func (postgresDialect) maintain(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("models: analyze: %w", err)
	}
	return nil
}

func (postgresDialect) setting(ctx context.Context, db *sql.DB, name string) (string, error) {
	switch name {
	case "default_transaction_isolation", "TimeZone", "server_version", "lock_timeout":
	default:
		return "", fmt.Errorf("models: setting %q is not readable here", name)
	}
	var v string
	err := db.QueryRowContext(ctx, "SHOW "+name).Scan(&v)
	return v, err
}

// pgCode is the SQLSTATE of a PostgreSQL error in err's chain, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable tells whether a transaction failed only because it lost a race
// with another (serialization failure or deadlock), so that running it
// again may succeed.
func retryable(err error) bool {
	switch pgCode(err) {
	case "40001", "40P01", "53200": // 53200: the server's table of read/write conflicts ran full
		return true
	}
	return false
}

// retry runs a transaction until it does not fail for losing a race (only
// PostgreSQL reports such failures; on SQLite run is called once).
//
// A hot row (the day's application number, one application's row that
// three departments decide at once) lets one of its racers commit per
// round, so a loser may lose many rounds in a row: it keeps trying for
// retryFor, as a SQLite writer waits that long for the lock, and not only
// maxRetries times (with twenty attempts a burst of filings or decisions
// on two instances lost some of them). The pause grows and is drawn at
// random, so that the losers of one round do not meet again in the next.
func (s *Store) retry(run func() error) error {
	start := time.Now()
	pause := time.Millisecond
	for attempt := 0; ; attempt++ {
		err := run()
		if err == nil || !retryable(err) || (attempt >= maxRetries && time.Since(start) >= retryFor) {
			return err
		}
		time.Sleep(100*time.Microsecond + rand.N(pause))
		pause = min(2*pause, maxRetryPause)
	}
}

// retryFor is how long retry keeps running a transaction that loses races
// (the default Options.BusyTimeout), and maxRetryPause its longest pause.
const (
	retryFor      = 5 * time.Second
	maxRetryPause = 50 * time.Millisecond
)
