package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	loadseed "onewindow/cmd/owload/seed"
	"onewindow/workflow"
)

// loadedEnv is a demo server whose database holds generated applications:
// ONEWINDOW_BENCH_APPLICATIONS of them (100,000 unless set; CI sets fewer).
var (
	loadedOnce    sync.Once
	loadedEnv     *demoEnv
	loadedSamples []loadseed.Sample
	loadedErr     error
)

func loaded(b *testing.B) (*demoEnv, []loadseed.Sample) {
	b.Helper()
	loadedOnce.Do(func() {
		n := 100_000
		if v, err := strconv.Atoi(os.Getenv("ONEWINDOW_BENCH_APPLICATIONS")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.MkdirTemp("", "onewindow-bench-")
		if err != nil {
			loadedErr = err
			return
		}
		if loadedEnv, loadedErr = buildDemoEnv(dir); loadedErr != nil {
			return
		}
		cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
		start := time.Now()
		loadedSamples, loadedErr = loadseed.Applications(context.Background(), loadedEnv.store,
			loadseed.Options{Applications: n, Seed: 1, Now: time.Now(), Cal: cal})
		fmt.Fprintf(os.Stderr, "generated %d applications in %v\n", n, time.Since(start).Round(time.Millisecond))
	})
	if loadedErr != nil {
		b.Fatal(loadedErr)
	}
	return loadedEnv, loadedSamples
}

// BenchmarkFileApplication files online applications through the whole API
// stack from parallel clients, each commit durable (synchronous=FULL).
func BenchmarkFileApplication(b *testing.B) {
	env, _ := loaded(b)
	h := env.srv.Handler()
	it := benchItem(b, env)
	answers := sampleAnswers(it, "person", "张三", "11010519491231002X")
	var seq atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, _ := json.Marshal(map[string]any{"item_code": it, "applicant": map[string]any{"kind": "person", "name": "张三",
				"id_number": "11010519491231002X", "phone": fmt.Sprintf("138%08d", seq.Add(1))}, "form": answers})
			req := httptest.NewRequest(http.MethodPost, "/api/v1/applications", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusCreated {
				b.Fatalf("status %d %s", w.Code, w.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "filings/s")
}

// BenchmarkStatusLookup looks up generated applications by number and query
// code through the whole API stack from parallel clients.
func BenchmarkStatusLookup(b *testing.B) {
	env, samples := loaded(b)
	h := env.srv.Handler()
	var i atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := samples[int(i.Add(1))%len(samples)]
			req := httptest.NewRequest(http.MethodGet, "/api/v1/status/"+s.Number+"?code="+s.Code, nil)
			req.RemoteAddr = fmt.Sprintf("10.0.%d.%d:1234", i.Load()%200, i.Load()%250)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d %s", w.Code, w.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

func benchItem(b *testing.B, env *demoEnv) string {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/items?on_application=true&status=retained&page_size=1", nil)
	w := httptest.NewRecorder()
	env.srv.Handler().ServeHTTP(w, req)
	var list struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
		b.Fatalf("no item: %v", err)
	}
	return list.Items[0].Code
}
