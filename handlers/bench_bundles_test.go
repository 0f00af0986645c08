package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/web"
)

// durableEnv serves a copy of the seeded demo database opened as the
// server opens it: synchronous=FULL, every acknowledged filing on disk.
func durableEnv(b *testing.B) *demoEnv {
	b.Helper()
	src, err := staffDB.build(true)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, name := range []string{models.DatabaseFile, models.KeyFileName} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	store, err := models.Open(ctx, dir, models.Options{})
	if err != nil {
		b.Fatal(err)
	}
	site, err := web.New()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := handlers.New(ctx, handlers.Config{Store: store, Site: site, Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	b.Cleanup(func() { env.http.Close(); store.Close() })
	return env
}

// BenchmarkFileBundle files the four-item restaurant bundle (four departments)
// through the whole API stack from 64 parallel clients, each commit durable
// (synchronous=FULL): one bundle filing and four child applications per request.
func BenchmarkFileBundle(b *testing.B) {
	env := durableEnv(b)
	h := env.srv.Handler()
	ctx := context.Background()
	bundle, err := env.store.Bundle(ctx, restaurantBundle)
	if err != nil {
		b.Fatal(err)
	}
	var items []models.Item
	for _, c := range bundle.Items {
		it, err := env.store.Item(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, *it)
	}
	_, answers, err := demo.BundleSample(items, bundle.Mapping, orgProfile, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	file := func() {
		body, _ := json.Marshal(map[string]any{"bundle_code": restaurantBundle, "form": answers,
			"applicant": map[string]any{"kind": "organisation", "name": orgProfile["org_name"],
				"id_number": orgProfile["credit_code"], "phone": fmt.Sprintf("138%08d", seq.Add(1))}})
		req := httptest.NewRequest(http.MethodPost, "/api/v1/applications", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatalf("status %d %s", w.Code, w.Body)
		}
	}
	for range 20 { // the caches: published items, forms, the merged form
		file()
	}
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			file()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bundles/s")
}
