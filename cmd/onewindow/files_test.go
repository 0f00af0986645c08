package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"onewindow/models"
)

// A backup of a data folder whose uploads are in an S3 store carries them; a restore with
// --files s3://… puts them into the store named and leaves no files folder behind; a bad
// S3 setting is refused naming it, before anything is written.
func TestBackupAndRestoreWithAnS3Store(t *testing.T) {
	ctx := context.Background()
	backend := s3mem.New()
	if err := backend.CreateBucket("uploads"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	defer srv.Close()
	env := map[string]string{"ONEWINDOW_S3_ENDPOINT": strings.TrimPrefix(srv.URL, "http://"),
		"ONEWINDOW_S3_ACCESS_KEY": "test-access", "ONEWINDOW_S3_SECRET_KEY": "test-secret-key",
		"ONEWINDOW_S3_INSECURE": "true"}
	getenv := func(k string) string { return env[k] }

	dir := t.TempDir()
	store, err := models.Open(ctx, dir, models.Options{DB: "sqlite"}) // backup and restore work on a SQLite folder
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	from, err := openFiles(ctx, "s3://uploads/live", dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	scan := []byte("%PDF-1.4 身份证 scan")
	sum, _, err := from.Put(ctx, bytes.NewReader(scan), 1<<20)
	if err != nil {
		t.Fatal(err)
	}

	backup := filepath.Join(t.TempDir(), "backup.tar.gz")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--data", dir, "--files", "s3://uploads/live", "-o", backup}, getenv, &out, &out); err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "1 files") {
		t.Fatalf("backup output: %s", out.String())
	}

	restored := filepath.Join(t.TempDir(), "restored")
	key := filepath.Join(dir, models.KeyFileName)
	out.Reset()
	if err := run(ctx, []string{"restore", "--data", restored, "--key-file", key, "--files", "s3://uploads/copy", backup}, getenv, &out, &out); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "copied 1 files to s3://uploads/copy") {
		t.Fatalf("restore output: %s", out.String())
	}
	to, err := openFiles(ctx, "s3://uploads/copy", restored, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := to.Stat(ctx, sum); err != nil || fi.Size != int64(len(scan)) {
		t.Fatalf("the restored store holds %+v (%v)", fi, err)
	}
	if _, err := os.Stat(filepath.Join(restored, models.FilesDir)); !os.IsNotExist(err) {
		t.Fatalf("the restore left a files folder: %v", err)
	}

	env["ONEWINDOW_S3_INSECURE"] = "maybe"
	out.Reset()
	err = run(ctx, []string{"backup", "--data", dir, "--files", "s3://uploads/live", "-o", backup + "2"}, getenv, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "ONEWINDOW_S3_INSECURE") {
		t.Fatalf("a bad ONEWINDOW_S3_INSECURE: %v", err)
	}
	if _, err := os.Stat(backup + "2"); !os.IsNotExist(err) {
		t.Fatalf("a refused backup wrote a file: %v", err)
	}
}
