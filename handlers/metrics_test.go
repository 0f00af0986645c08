package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"onewindow/handlers"
)

// scrape reads /metrics over the test server's loopback connection and parses it
// as Prometheus' own text parser does; a family that does not parse fails the test.
func scrape(t *testing.T, env *demoEnv) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(env.http.URL + handlers.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics from loopback: %d %q\n%.400s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the scrape does not parse: %v", err)
	}
	return families
}

// sample returns the value of the family's series with exactly these labels, and
// whether there is one.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), true
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), true
		case m.GetHistogram() != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsScrapeCleanlyAndCountByRouteTemplate: after a few requests, a filing
// online and one at the window, an acceptance, a completion and a 差评, the scrape
// parses; requests are counted under their route template (two item codes, one
// series), never a raw path, and no label holds an application number or an item
// code; the filings, actions, commit batches, open work, the 好差评 level and the
// open rectification case (overdue once its due day has passed) are there.
func TestMetricsScrapeCleanlyAndCountByRouteTemplate(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	before := scrape(t, env)
	itemRoute := map[string]string{"route": "/api/v1/items/:code", "method": "GET", "code": "200"}
	was, _ := sample(before, "onewindow_http_requests_total", itemRoute)

	other := singleItem(t)
	for _, code := range []string{single.Code, other.Code} {
		if status, body := call(t, env, "GET", "/api/v1/items/"+code, "", nil); status != 200 {
			t.Fatalf("GET item %s: %d %s", code, status, body)
		}
	}
	status, body := call(t, env, "POST", "/api/v1/applications", "", applyBody(other.Code, citizenID))
	var online filedAnswer
	if json.Unmarshal(body, &online); status != 201 {
		t.Fatalf("online filing: %d %s", status, body)
	}
	number, code := fileAtWindow(t, env, single.Code, handledApplicants[0])
	completeAccepted(t, env, number, "scj", clock.Now())
	if status, body := call(t, env, "POST", "/api/v1/status/"+number+"/evaluation", "", map[string]any{"code": code, "level": 1}); status != 201 {
		t.Fatalf("rating: %d %s", status, body)
	}
	if status, _ := fetchPage(t, env.http.URL+"/no-such-page/"+number); status != 404 {
		t.Fatalf("an unknown page: %d", status)
	}
	clock.Set(time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)) // past the case's 15 working days; the gauges are read again

	got := scrape(t, env)
	if now, _ := sample(got, "onewindow_http_requests_total", itemRoute); now-was != 2 {
		t.Errorf("GET /api/v1/items/:code 200 moved by %v, want 2", now-was)
	}
	for _, label := range allLabelValues(got) {
		for _, secret := range []string{number, online.Number, single.Code, other.Code} {
			if strings.Contains(label, secret) {
				t.Errorf("a label holds %q: %q", secret, label)
			}
		}
	}
	want := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"onewindow_filings_total", map[string]string{"kind": "single", "channel": "online"}, 1},
		{"onewindow_filings_total", map[string]string{"kind": "single", "channel": "window"}, 1},
		{"onewindow_workflow_actions_total", map[string]string{"target": "application", "action": "accept"}, 1},
		{"onewindow_workflow_actions_total", map[string]string{"target": "application", "action": "issue"}, 1},
		{"onewindow_commit_batch_size", map[string]string{}, 6},
		{"onewindow_open_work_up", map[string]string{}, 1},
		{"onewindow_applications_open", map[string]string{"state": "submitted"}, 1},
		{"onewindow_evaluations_total", map[string]string{"level": "1"}, 1},
		{"onewindow_rectification_cases_open", map[string]string{"department": "scj", "state": "open"}, 1},
		{"onewindow_rectification_cases_overdue", map[string]string{"department": "scj"}, 1},
		{"onewindow_http_request_duration_seconds", map[string]string{"route": "/api/v1/applications", "method": "POST"}, 2},
		{"onewindow_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "code": "404"}, 1},
	}
	for _, w := range want {
		if v, ok := sample(got, w.name, w.labels); !ok || v < w.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", w.name, w.labels, v, ok, w.min)
		}
	}
	for _, zero := range []map[string]string{{"level": "5"}, {"level": "3"}} {
		if v, ok := sample(got, "onewindow_evaluations_total", zero); !ok || v != 0 {
			t.Errorf("evaluations%v = %v (present %v): a level nobody gave is a known zero", zero, v, ok)
		}
	}
	for _, family := range []string{"go_goroutines", "process_resident_memory_bytes", "onewindow_tasks_open", "onewindow_tasks_overdue", "onewindow_commit_queue_depth"} {
		if got[family] == nil {
			t.Errorf("family %s is missing", family)
		}
	}
}

func allLabelValues(families map[string]*dto.MetricFamily) []string {
	var out []string
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				out = append(out, l.GetValue())
			}
		}
	}
	return out
}

// TestMetricsAreForLoopbackOrTheToken: without a token /metrics answers loopback
// connections only, judged by the connection's address (a forwarded header does not
// make a request local, and a proxied loopback request is not local); with a token it
// answers only a request bearing it. Everyone else gets the site's ordinary 404, the
// same answer as a page that does not exist, for any method.
func TestMetricsAreForLoopbackOrTheToken(t *testing.T) {
	open := newConfiguredEnv(t, func(*handlers.Config) {})
	guarded := newConfiguredEnv(t, func(c *handlers.Config) { c.MetricsToken = "s3cret-scrape-token" })
	// The site's 404 for a page that does not exist at the same address (the page links
	// its own address in the language switch).
	notFound := func(env *demoEnv) *httptest.ResponseRecorder {
		rec := answer(env, "GET", "/no-such-page", "192.0.2.1:4321", nil)
		body := strings.ReplaceAll(rec.Body.String(), "/no-such-page", handlers.MetricsPath)
		rec.Body.Reset()
		rec.Body.WriteString(body)
		return rec
	}
	cases := []struct {
		name   string
		env    *demoEnv
		method string
		remote string
		header []string
		want   int
	}{
		{"loopback", open, "GET", "127.0.0.1:5555", nil, 200},
		{"loopback IPv6", open, "GET", "[::1]:5555", nil, 200},
		{"another address", open, "GET", "192.0.2.1:4321", nil, 404},
		{"another address naming loopback", open, "GET", "192.0.2.1:4321", []string{"X-Forwarded-For", "127.0.0.1"}, 404},
		{"a proxy on the same host", open, "GET", "127.0.0.1:5555", []string{"X-Forwarded-For", "203.0.113.9"}, 404},
		{"loopback posting", open, "POST", "127.0.0.1:5555", nil, 404},
		{"with the token", guarded, "GET", "192.0.2.1:4321", []string{"Authorization", "Bearer s3cret-scrape-token"}, 200},
		{"with a wrong token", guarded, "GET", "192.0.2.1:4321", []string{"Authorization", "Bearer s3cret-scrape-tokem"}, 404},
		{"with no token", guarded, "GET", "192.0.2.1:4321", nil, 404},
		{"loopback without the token", guarded, "GET", "127.0.0.1:5555", nil, 404},
	}
	for _, tc := range cases {
		rec := answer(tc.env, tc.method, handlers.MetricsPath, tc.remote, tc.header)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
			continue
		}
		switch tc.want {
		case 200:
			if !strings.Contains(rec.Body.String(), "go_goroutines") {
				t.Errorf("%s: no metrics in the answer", tc.name)
			}
		case 404:
			if want := notFound(tc.env); tc.method == "GET" && (rec.Body.String() != want.Body.String() ||
				rec.Header().Get("Content-Type") != want.Header().Get("Content-Type")) {
				t.Errorf("%s: the 404 differs from the site's ordinary one:\n%s\n----\n%s", tc.name, rec.Body.String(), want.Body.String())
			}
			if strings.Contains(rec.Body.String(), "onewindow_") {
				t.Errorf("%s: metrics leaked in a 404", tc.name)
			}
		}
	}
}

// answer serves one request straight through the server's handler from the remote address.
func answer(env *demoEnv, method, path, remote string, header []string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	env.srv.Handler().ServeHTTP(rec, req)
	return rec
}
