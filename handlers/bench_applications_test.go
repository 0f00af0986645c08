package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	loadseed "onewindow/cmd/owload/seed"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/models/form"
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

// BenchmarkFileWithForm compares filing with an empty application form and with a 20-field
// one (the demo's 食品经营许可 form and two more fields: every answer read, prefilled,
// validated and stored) in the same sitting. Two copies of the food licence item, equal but
// for their forms, are filed for in alternating windows of 300 ms from 8 parallel clients
// per CPU, so that a busy machine slows both alike; it reports each rate and their ratio
// (the median of the windows' ratios; target ≥ 0.8).
func BenchmarkFileWithForm(b *testing.B) {
	env, _ := loaded(b)
	ctx := context.Background()
	_, _, items := demo.Catalogue()
	var food models.Item
	for _, it := range items {
		if it.Name == "食品经营许可（新办）" {
			food = it
		}
	}
	full, _, err := food.ApplicationForm()
	if err != nil || full.Field("business_form") == nil {
		b.Fatalf("the demo food licence form: %v", err)
	}
	var answers map[string]any
	if err := json.Unmarshal(sampleAnswers(food.Code, "organisation", "集宁区好味道餐饮有限公司", "91150902MA0N3K7T1C"), &answers); err != nil {
		b.Fatal(err)
	}
	for i := len(full.Fields); i < 20; i++ {
		key := fmt.Sprintf("extra_%d", i)
		full.Fields = append(full.Fields, form.Field{Key: key, Label: form.Text{Zh: "补充说明"}, Type: form.TypeText})
		answers[key] = "补充说明" + strconv.Itoa(i)
	}
	copyWith := func(code string, s *form.Schema) string {
		b.Helper()
		if _, err := env.store.Item(ctx, code); err == nil {
			return code // made by an earlier run of this benchmark
		}
		it := food
		it.ID, it.Code, it.Name = 0, code, food.Name+"（表单基准"+code[len(code)-1:]+"）"
		it.Materials = slices.Clone(food.Materials)
		for i := range it.Materials {
			it.Materials[i].ID, it.Materials[i].ItemID = 0, 0
		}
		it.Departments = slices.Clone(food.Departments)
		for i := range it.Departments {
			it.Departments[i].ID, it.Departments[i].ItemID = 0, 0
		}
		it.Fees, it.Steps = nil, nil
		created, err := env.store.CreateItem(ctx, it, "catalog", "benchmark")
		if err != nil {
			b.Fatal(err)
		}
		pub, err := env.store.PublishItem(ctx, code, "catalog", "benchmark", created.Version)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.store.SetItemForm(ctx, code, s, "catalog", "benchmark", pub.Version); err != nil {
			b.Fatal(err)
		}
		return code
	}
	empty := copyWith(food.Code+"-E", &form.Schema{Version: 1, Fields: []form.Field{}})
	twenty := copyWith(food.Code+"-T", full)
	time.Sleep(100 * time.Millisecond) // the item caches follow the catalogue's change signal
	h := env.srv.Handler()
	var seq atomic.Int64
	window := func(code string, ans map[string]any) float64 {
		var n atomic.Int64
		stop := time.Now().Add(300 * time.Millisecond)
		var wg sync.WaitGroup
		for range 8 * runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					body, _ := json.Marshal(map[string]any{"item_code": code, "applicant": map[string]any{"kind": "organisation",
						"name": "集宁区好味道餐饮有限公司", "id_number": "91150902MA0N3K7T1C", "phone": fmt.Sprintf("138%08d", seq.Add(1))},
						"form": ans})
					req := httptest.NewRequest(http.MethodPost, "/api/v1/applications", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != http.StatusCreated {
						b.Errorf("%s: status %d %s", code, w.Code, w.Body)
						return
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(n.Load()) / 0.3
	}
	b.ResetTimer()
	var ratios []float64
	var sumEmpty, sumTwenty float64
	for range b.N {
		for range 5 {
			e, t := window(empty, map[string]any{}), window(twenty, answers)
			sumEmpty, sumTwenty = sumEmpty+e, sumTwenty+t
			ratios = append(ratios, t/e)
		}
	}
	slices.Sort(ratios)
	b.ReportMetric(sumEmpty/float64(len(ratios)), "empty-filings/s")
	b.ReportMetric(sumTwenty/float64(len(ratios)), "20field-filings/s")
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
}
