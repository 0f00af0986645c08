package s3files

import (
	"onewindow/models"

	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 serves an in-memory S3-compatible store with bucket "uploads" for the test and
// returns the options that reach it.
func fakeS3(t testing.TB) Options {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("uploads"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(srv.Close)
	return Options{Endpoint: strings.TrimPrefix(srv.URL, "http://"), AccessKey: "test-access",
		SecretKey: "test-secret-key", Region: "us-east-1", Insecure: true}
}

// Both file stores keep the same contract: content addressed, the size limit refuses and
// stores nothing, the same content stored twice is one file, a missing or malformed
// address is models.ErrNotFound, and a walk lists what was stored.
func TestFileStoreContract(t *testing.T) {
	ctx := context.Background()
	stores := map[string]func(t *testing.T) models.FileStore{
		"folder": func(t *testing.T) models.FileStore {
			f, err := OpenFileStore(ctx, "", t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
		"s3": func(t *testing.T) models.FileStore {
			f, err := OpenFileStore(ctx, "s3://uploads/county/files/", "", fakeS3(t))
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			fs := open(t)
			body := []byte("%PDF-1.4 营业执照 scan")
			want := sha256.Sum256(body)
			sum, size, err := fs.Put(ctx, bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			if sum != hex.EncodeToString(want[:]) || size != int64(len(body)) {
				t.Fatalf("put: %s %d, want %x %d", sum, size, want, len(body))
			}
			r, info, err := fs.Open(ctx, sum)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || !bytes.Equal(got, body) || info.Size != size || info.Sum != sum {
				t.Fatalf("open: %q %+v %v", got, info, err)
			}
			if st, err := fs.Stat(ctx, sum); err != nil || st.Size != size {
				t.Fatalf("stat: %+v %v", st, err)
			}
			// The same content again is the same file.
			if again, _, err := fs.Put(ctx, bytes.NewReader(body), 1<<20); err != nil || again != sum {
				t.Fatalf("put again: %s %v", again, err)
			}
			// One byte over the limit stores nothing.
			big := bytes.Repeat([]byte("x"), 101)
			if _, _, err := fs.Put(ctx, bytes.NewReader(big), 100); !errors.Is(err, models.ErrTooLarge) {
				t.Fatalf("over the limit: %v, want models.ErrTooLarge", err)
			}
			bigSum := sha256.Sum256(big)
			if _, err := fs.Stat(ctx, hex.EncodeToString(bigSum[:])); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("the refused upload is there: %v", err)
			}
			exact := bytes.Repeat([]byte("y"), 100)
			if _, size, err := fs.Put(ctx, bytes.NewReader(exact), 100); err != nil || size != 100 {
				t.Fatalf("exactly the limit: %d %v", size, err)
			}
			for _, bad := range []string{strings.Repeat("0", 64), "../../etc/passwd", strings.ToUpper(sum), ""} {
				if _, _, err := fs.Open(ctx, bad); !errors.Is(err, models.ErrNotFound) {
					t.Fatalf("open %q: %v, want models.ErrNotFound", bad, err)
				}
			}
			seen := map[string]int64{}
			if err := fs.Walk(ctx, func(fi models.FileInfo) error { seen[fi.Sum] = fi.Size; return nil }); err != nil {
				t.Fatal(err)
			}
			if len(seen) != 2 || seen[sum] != int64(len(body)) {
				t.Fatalf("walk: %v", seen)
			}
			stop := errors.New("stop")
			if err := fs.Walk(ctx, func(models.FileInfo) error { return stop }); !errors.Is(err, stop) {
				t.Fatalf("a walk stopped by its function: %v", err)
			}
		})
	}
}

// A --files setting names a folder, an s3:// store, or is refused with the reason.
func TestOpenFileStoreRefusesBadSettings(t *testing.T) {
	ctx := context.Background()
	s3 := fakeS3(t)
	for _, c := range []struct {
		spec string
		opt  Options
		want string
	}{
		{"s3://", s3, "needs a bucket"},
		{"s3://uploads/x", Options{}, "ONEWINDOW_S3_ENDPOINT"},
		{"s3://uploads/x", Options{Endpoint: "http://" + s3.Endpoint, AccessKey: "a", SecretKey: "b"}, "without a scheme"},
		{"s3://uploads/x", Options{Endpoint: s3.Endpoint}, "ONEWINDOW_S3_ACCESS_KEY"},
		{"s3://missing/x", s3, `bucket "missing" does not exist`},
		{"ftp://host/x", s3, "give a folder or s3://"},
	} {
		if _, err := OpenFileStore(ctx, c.spec, t.TempDir(), c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.spec, err, c.want)
		}
	}
}
