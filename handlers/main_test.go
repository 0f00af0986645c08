package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/web"
)

// demoEnv is a server on a freshly migrated and seeded demo database.
type demoEnv struct {
	store *models.Store
	srv   *handlers.Server
	http  *httptest.Server
}

// shared is the read-only demo server most tests use; tests that change data
// build their own with newDemoEnv.
var shared *demoEnv

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onewindow-handlers-")
	if err != nil {
		panic(err)
	}
	env, err := buildDemoEnv(dir)
	if err != nil {
		panic(err)
	}
	shared = env
	code := m.Run()
	stopChromium()
	env.http.Close()
	env.store.Close()
	os.RemoveAll(dir)
	removeTemplates()
	os.Exit(code)
}

func buildDemoEnv(dir string) (*demoEnv, error) {
	// With the demo accounts: an item whose department nobody handles takes
	// no application.
	return buildEnv(dir, true)
}

// buildEnv serves a copy of the seeded demo database, with or without the
// demo accounts.
func buildEnv(dir string, withUsers bool) (*demoEnv, error) {
	ctx := context.Background()
	store, err := openSeeded(dir, withUsers)
	if err != nil {
		return nil, err
	}
	site, err := web.New()
	if err != nil {
		return nil, err
	}
	srv, err := handlers.New(ctx, handlers.Config{Store: store, Site: site, Demo: true})
	if err != nil {
		return nil, err
	}
	return &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}, nil
}

// parallelTests remembers the tests already marked parallel (a test that
// builds two servers, or a server and a browser, calls parallel twice).
var parallelTests sync.Map

// parallel lets a top-level test that works on its own server and database
// (newDemoEnv, newStaffEnv, newOfficeEnv, newBrowser) run alongside the
// other such tests: under the race detector most of them keep one CPU busy,
// and the machine has two. Subtests and benchmarks are left as they are.
func parallel(tb testing.TB) {
	t, ok := tb.(*testing.T)
	if !ok || strings.Contains(t.Name(), "/") {
		return
	}
	if _, again := parallelTests.LoadOrStore(t, true); !again {
		t.Parallel()
	}
}

// newDemoEnv builds a private demo server for a test that changes data.
func newDemoEnv(t *testing.T) *demoEnv {
	t.Helper()
	parallel(t)
	env, err := buildDemoEnv(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.http.Close(); env.store.Close() })
	return env
}

// get fetches path from the shared server and returns status and body.
func get(t *testing.T, path string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, shared.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if strings.HasPrefix(path, "/api/") || path == "/healthz" {
		resp, b := checkedDo(t, http.DefaultClient, req, nil)
		return resp.StatusCode, string(b)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// getJSON fetches path, checks the status and decodes the body into v.
func getJSON(t *testing.T, path string, wantStatus int, v any) {
	t.Helper()
	status, body := get(t, path)
	if status != wantStatus {
		t.Fatalf("GET %s = %d, want %d; body %s", path, status, wantStatus, body)
	}
	if err := json.NewDecoder(strings.NewReader(body)).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v; body %s", path, err, body)
	}
}

// apiError is the API's error shape.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}
