package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/s3files"
)

// s3Files serves an in-memory S3-compatible store inside the test and opens the file
// store on its bucket "uploads" under prefix.
func s3Files(t *testing.T, prefix string) models.FileStore {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("uploads"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(srv.Close)
	files, err := s3files.OpenFileStore(context.Background(), "s3://uploads/"+prefix, "", s3files.Options{
		Endpoint: strings.TrimPrefix(srv.URL, "http://"), AccessKey: "test-access", SecretKey: "test-secret-key",
		Region: "us-east-1", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// With the uploads in an S3 store, an applicant files online and uploads a material on one
// instance, and the file downloads back, byte for byte, from another instance on the same
// database and store; nothing is kept in the data folder, and an upload over the limit
// reaches neither the bucket nor the application.
func TestUploadToS3StoreDownloadsFromAnotherInstance(t *testing.T) {
	parallel(t)
	dir := t.TempDir()
	storeA, err := openSeeded(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	storeB, err := models.Open(t.Context(), dir, models.Options{Synchronous: "NORMAL"})
	if err != nil {
		storeA.Close()
		t.Fatal(err)
	}
	files := s3Files(t, "county")
	useS3 := func(c *handlers.Config) { c.Files = files }
	a, b := serveStore(t, storeA, useS3), serveStore(t, storeB, useS3)

	it := singleItem(t)
	f := fileOnline(t, a, it.Code)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n营业执照")
	status, body := uploadMaterial(t, a, f.Number, f.QueryCode, it.Materials[0].Key, "licence.pdf", pdf)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	var got struct {
		ID     int    `json:"id"`
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	status, back := call(t, b, http.MethodGet, fmt.Sprintf("/api/v1/applications/%s/files/%d?code=%s", f.Number, got.ID, f.QueryCode), "", nil)
	if status != http.StatusOK || !bytes.Equal(back, pdf) {
		t.Fatalf("download from the other instance: %d %q", status, back)
	}
	if fi, err := files.Stat(t.Context(), got.SHA256); err != nil || fi.Size != int64(len(pdf)) {
		t.Fatalf("the bucket holds %+v (%v)", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, models.FilesDir)); !os.IsNotExist(err) {
		t.Fatalf("a files folder was made in the data folder: %v", err)
	}

	big := append([]byte("%PDF-1.4\n"), make([]byte, 11<<20)...)
	if status, _ := uploadMaterial(t, b, f.Number, f.QueryCode, it.Materials[0].Key, "big.pdf", big); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize: %d", status)
	}
	n := 0
	if err := files.Walk(t.Context(), func(models.FileInfo) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("the bucket holds %d files (%v), want the one PDF", n, err)
	}
	if n, _ := count(t, a, "application_files"); n != 1 {
		t.Fatalf("%d files recorded", n)
	}
}
