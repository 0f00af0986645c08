package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/models"
)

// lockedBuffer is an io.Writer read by another goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestRefusesANonLoopbackAddressAndAMissingDatabase(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8081"} {
		err := run(context.Background(), []string{"-addr", addr, "-data", t.TempDir()}, getenv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("-addr %s: %v", addr, err)
		}
	}
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("empty folder: %v", err)
	}
}

func TestServesTheBaselinesOnAStoresDatabase(t *testing.T) {
	dir := t.TempDir()
	store, err := models.Open(context.Background(), dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", dir}, func(string) string { return "" }, &out, io.Discard)
	}()
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, rest, ok := strings.Cut(out.String(), "http://"); ok {
			base = "http://" + strings.Fields(rest)[0]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("no listener: %v %q", <-done, out.String())
	}
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{http.MethodGet, "/baseline/bare", "", http.StatusOK},
		{http.MethodGet, "/baseline/sql/status?number=20260101000001&code=ABCDEFGH", "", http.StatusNotFound},
		{http.MethodPost, "/baseline/sql/file", `{"id_number":"11010519491231002X","name":"张三"}`, http.StatusCreated},
		{http.MethodPost, "/baseline/sql/file", `{}`, http.StatusBadRequest},
	} {
		req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, res.StatusCode, c.want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
