package models

import (
	"context"
	"strings"
	"testing"
)

// A PostgreSQL URL without a database name is refused before anything
// connects, naming what is missing; nothing is created in the data folder.
func TestOpenPostgresURLWithoutDatabaseRefused(t *testing.T) {
	t.Setenv("PGDATABASE", "")
	for _, url := range []string{
		"postgres://postgres@127.0.0.1:1",
		"postgres://postgres@127.0.0.1:1/",
	} {
		dir := t.TempDir()
		_, err := OpenExact(context.Background(), dir, Options{DB: url})
		if err == nil || !strings.Contains(err.Error(), "names no database") {
			t.Fatalf("%s: error %v, want one saying the URL names no database", url, err)
		}
	}
	// With the name given, the URL passes this check (the server on port 1
	// is not there, so the open fails later, on connecting).
	if err := postgresNamesDatabase("postgres://postgres@127.0.0.1:1/onewindow"); err != nil {
		t.Fatalf("a URL naming its database: %v", err)
	}
}

// migrate refuses a target URL without a database name before it copies
// anything (it would otherwise fill the user's default database).
func TestTransferToPostgresTargetWithoutDatabaseRefused(t *testing.T) {
	t.Setenv("PGDATABASE", "")
	_, err := TransferToPostgres(context.Background(), t.TempDir(), "postgres://postgres@127.0.0.1:1/", TransferOptions{})
	if err == nil || !strings.Contains(err.Error(), "names no database") {
		t.Fatalf("error %v, want one saying the target names no database", err)
	}
}

// A server that is not there (here: a port nothing listens on) is reported
// as a failed connection to the named database, not as a failed migration.
func TestOpenPostgresServerDownSaysCannotConnect(t *testing.T) {
	_, err := OpenExact(context.Background(), t.TempDir(), Options{DB: "postgres://postgres@127.0.0.1:1/onewindow"})
	if err == nil || !strings.Contains(err.Error(), "cannot connect to the database postgres://postgres@127.0.0.1:1/onewindow") || strings.Contains(err.Error(), "migrate") {
		t.Fatalf("error %v, want one saying it cannot connect to the database, without migrate", err)
	}
}
