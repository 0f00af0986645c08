package handlers_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/web"
)

// corruptTable writes garbage over the root page of table in the (closed) database file of
// dir, as a failing disk or a stray write would.
func corruptTable(t *testing.T, dir, table string) {
	t.Helper()
	path := filepath.Join(dir, models.DatabaseFile)
	db, err := models.OpenSQL(path, models.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int64
	err = db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&root)
	if err == nil {
		err = db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	}
	db.Close()
	if err != nil || root < 2 {
		t.Fatalf("root page of %s: %d %v", table, root, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5, 0x5A, 0xFF, 0x13}, int(pageSize)/4), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestHealthzReportsADamagedDatabasePage: a page of a table that no health check writes is
// damaged; /healthz says ok until the integrity probe has run, then 503 naming the
// integrity probe, from the cached result; a sound copy passes its probe.
func TestHealthzReportsADamagedDatabasePage(t *testing.T) {
	if db := os.Getenv(models.DBEnv); db != "" && db != "sqlite" {
		t.Skip("SQLite only: damages a page of the database file")
	}
	dir := t.TempDir()
	seeded, err := openSeeded(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := seeded.ProbeIntegrity(t.Context(), time.Now()); err != nil {
		t.Fatalf("the sound database fails its probe: %v", err)
	}
	if err := seeded.Close(); err != nil { // the WAL goes into the file
		t.Fatal(err)
	}
	corruptTable(t, dir, "item_revisions")
	store, err := models.Open(t.Context(), dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(t.Context(), handlers.Config{Store: store, Site: site, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(env.http.Close)
	if status, body := call(t, env, http.MethodGet, "/healthz", "", nil); status != http.StatusOK {
		t.Fatalf("healthz before any probe: %d %s", status, body)
	}
	perr := store.ProbeIntegrity(t.Context(), time.Now())
	if perr == nil {
		t.Fatal("the probe passed a damaged page")
	}
	if at, err := store.Integrity(); at.IsZero() || err == nil {
		t.Fatalf("the probe's result was not kept: %v %v", at, err)
	}
	status, body := call(t, env, http.MethodGet, "/healthz", "", nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(string(body), "integrity") {
		t.Fatalf("healthz after a failed probe: %d %s (probe: %v)", status, body, perr)
	}
}
