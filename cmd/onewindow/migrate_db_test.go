package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"onewindow/models"
)

func TestMigrateRefusesBadArgumentsAndAnOldSchema(t *testing.T) {
	ctx := context.Background()
	getenv := func(string) string { return "" }
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "--from", dir, "--to", "postgres://localhost/x"}, "--from must be sqlite:DIR"},
		{[]string{"migrate", "--from", "sqlite:" + dir, "--to", "mysql://localhost/x"}, "--to must be a postgres:// URL"},
		{[]string{"migrate", "--from", "sqlite:" + dir + "/none", "--to", "postgres://localhost/x"}, "onewindow.db"},
	} {
		var out, errOut bytes.Buffer
		if err := run(ctx, c.args, getenv, &out, &errOut); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	// A folder last opened by an older binary: the copy asks for serve first
	// and never reaches the target (no server is needed to tell).
	s, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := s.SQL()
	if _, err := db.Exec("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out, errOut bytes.Buffer
	err = run(ctx, []string{"migrate", "--from", "sqlite:" + dir, "--to", "postgres://nobody@127.0.0.1:1/none"}, getenv, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "onewindow serve") || !strings.Contains(err.Error(), "version") {
		t.Fatalf("an old schema: %v", err)
	}
}

func TestMigrateCommandCopiesTheDemoFolder(t *testing.T) {
	base := os.Getenv(models.DBEnv)
	if u, err := url.Parse(base); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		base = "postgres://postgres@127.0.0.1:5432/postgres"
	}
	ctx := context.Background()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	admin, err := pgx.Connect(cctx, base)
	cancel()
	if err != nil {
		if os.Getenv("ONEWINDOW_REQUIRE_POSTGRES") != "" {
			t.Fatalf("no PostgreSQL server at %s: %v", base, err)
		}
		t.Skipf("no PostgreSQL server answers (%v)", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "ow_mig_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	target := u.String()

	dir := t.TempDir()
	store, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(ctx, store, true, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	store.Close()

	getenv := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"migrate", "--quiet", "--from", "sqlite:" + dir, "--to", target}, getenv, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v\n%s%s", err, out.String(), errOut.String())
	}
	got := out.String()
	for _, want := range []string{"items ", "inspection_plans ", "verified: every table has its rows", "the key file stays with the data folder " + dir} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "MISMATCH") || strings.Contains(got, "schema_migrations") {
		t.Errorf("summary:\n%s", got)
	}
	out.Reset()
	err = run(ctx, []string{"migrate", "--quiet", "--from", "sqlite:" + dir, "--to", target}, getenv, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Fatalf("a second copy into the same database: %v", err)
	}
}
