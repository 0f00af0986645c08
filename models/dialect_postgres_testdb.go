package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Throw-away databases for tests. Under `go test` with a PostgreSQL URL
// (ONEWINDOW_DB), every data folder gets its own database on that server,
// named after the folder, so that a test opening a fresh t.TempDir() gets
// an empty store and one reopening the same folder gets the same data, as
// with SQLite. The databases are copies of a template migrated once per
// set of migrations; a database whose folder is gone is dropped by the
// next test process that makes one.

// testDBPrefix and testTemplatePrefix name the databases made here.
const (
	testDBPrefix       = "ow_t_"
	testTemplatePrefix = "ow_tmpl_"
)

// testDBLock serialises, across processes, the making and dropping of test databases.
const testDBLock = 7_204_911

var testDBMu sync.Mutex // the same within one process

// testDatabase returns the URL of dir's own database on base's server,
// making it (from the template) when it does not exist.
func testDatabase(ctx context.Context, base, dir string) (string, error) {
	abs, name, err := testDBName(dir)
	if err != nil {
		return "", err
	}
	admin, err := openAdmin(base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("models: test database: %w", err)
	}
	defer conn.Close()
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("models: test database: %w", err)
	}
	target := withDatabase(base, name)
	if exists {
		return target, nil
	}
	tmpl, err := lockedTemplate(ctx, conn, base)
	if err != nil {
		return "", err
	}
	// Copies of one template may be made concurrently.
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		if pgCode(err) == "42P04" { // made meanwhile by another open of the same folder
			return target, nil
		}
		return "", fmt.Errorf("models: test database %s: %w", name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMENT ON DATABASE "+pgx.Identifier{name}.Sanitize()+" IS "+quoteLiteral(abs)); err != nil {
		return "", fmt.Errorf("models: test database %s: %w", name, err)
	}
	return target, nil
}

// testDBName is the name of dir's database, and dir made absolute.
func testDBName(dir string) (abs, name string, err error) {
	if abs, err = filepath.Abs(dir); err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return abs, testDBPrefix + hex.EncodeToString(sum[:10]), nil
}

// CloneTestFolder makes the data folder to a copy of the data folder from,
// whose store must be closed: its database (the SQLite file, or under
// ONEWINDOW_DB a copy of from's PostgreSQL database made by the server)
// and its key file. Tests use it to give each test its own copy of a
// seeded database; it works only under go test.
func CloneTestFolder(ctx context.Context, from, to string) error {
	if !testing.Testing() {
		return errors.New("models: CloneTestFolder is for tests")
	}
	if err := os.MkdirAll(to, 0o750); err != nil {
		return err
	}
	files := []string{KeyFileName}
	base := os.Getenv(DBEnv)
	if !isPostgresURL(base) {
		files = append(files, DatabaseFile)
	}
	for _, f := range files {
		if err := copyPlain(filepath.Join(from, f), filepath.Join(to, f)); err != nil {
			return err
		}
	}
	if !isPostgresURL(base) {
		return nil
	}
	_, src, err := testDBName(from)
	if err != nil {
		return err
	}
	abs, dst, err := testDBName(to)
	if err != nil {
		return err
	}
	admin, err := openAdmin(base)
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{dst}.Sanitize()+" TEMPLATE "+pgx.Identifier{src}.Sanitize()); err != nil {
		return fmt.Errorf("models: copy test database: %w", err)
	}
	if _, err := admin.ExecContext(ctx, "COMMENT ON DATABASE "+pgx.Identifier{dst}.Sanitize()+" IS "+quoteLiteral(abs)); err != nil {
		return fmt.Errorf("models: copy test database: %w", err)
	}
	return nil
}

// copyPlain copies one file.
func copyPlain(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lockedTemplate is testTemplate under the lock that serialises making
// templates (in this process and across processes), and drops the
// databases of folders that are gone.
func lockedTemplate(ctx context.Context, conn *sql.Conn, base string) (string, error) {
	testDBMu.Lock()
	defer testDBMu.Unlock()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", testDBLock); err != nil {
		return "", fmt.Errorf("models: test database: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", testDBLock) //nolint:errcheck // the connection closes next
	tmpl, err := testTemplate(ctx, conn, base)
	if err != nil {
		return "", err
	}
	dropGoneTestDatabases(ctx, conn)
	return tmpl, nil
}

// testTemplate returns the template database holding the current
// migrations, making it when needed (under the advisory lock).
func testTemplate(ctx context.Context, conn *sql.Conn, base string) (string, error) {
	h := sha256.New()
	ms, err := migrationsFor(postgresDialect{})
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		h.Write([]byte(m.SQL))
	}
	name := testTemplatePrefix + hex.EncodeToString(h.Sum(nil)[:10])
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("models: test template: %w", err)
	}
	if exists {
		return name, nil
	}
	// Templates of older migrations are kept: test processes of another
	// checkout may still be copying them.
	building := name + "_new"
	_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)")
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", fmt.Errorf("models: test template: %w", err)
	}
	d := postgresDialect{url: withDatabase(base, building)}
	db, err := d.open("", Options{}, false)
	if err != nil {
		return "", err
	}
	err = migrateDB(ctx, db, d)
	db.Close()
	if err != nil {
		return "", fmt.Errorf("models: test template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("models: test template: %w", err)
	}
	return name, nil
}

// dropGoneTestDatabases drops the test databases whose data folder no longer exists.
func dropGoneTestDatabases(ctx context.Context, conn *sql.Conn) {
	rows, err := conn.QueryContext(ctx, `SELECT d.datname, COALESCE(shobj_description(d.oid, 'pg_database'), '')
		FROM pg_database d WHERE starts_with(d.datname, $1)`, testDBPrefix)
	if err != nil {
		return
	}
	var gone []string
	for rows.Next() {
		var name, dir string
		if rows.Scan(&name, &dir) != nil {
			continue
		}
		// A database without its folder's name is being made right now.
		if _, err := os.Stat(dir); dir != "" && errors.Is(err, os.ErrNotExist) {
			gone = append(gone, name)
		}
	}
	rows.Close()
	for _, n := range gone {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
	}
}

// openAdmin opens one connection to base's own database, for CREATE DATABASE.
func openAdmin(base string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		return nil, fmt.Errorf("models: the database URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(1)
	return db, nil
}

// withDatabase is the URL base with its database name replaced.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// redactURL is u without its password, for messages.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	return p.Redacted()
}
