package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"onewindow/models"
)

// editGuide changes a published item's guide through the store, as a
// catalogue administrator's save-and-publish would.
func editGuide(t *testing.T, env *demoEnv, code string, change func(it *models.Item)) {
	t.Helper()
	ctx := context.Background()
	it, _, err := env.store.AdminItem(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	change(it)
	if _, err := env.store.UpdateItem(ctx, code, *it, "catalog", "测试：未公布的数值", it.Version); err != nil {
		t.Fatalf("update %s: %v", code, err)
	}
}

// envPage fetches a page of env's server and returns status and body.
func envPage(t *testing.T, env *demoEnv, path string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
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

// guideStats is the guides part of /api/v1/catalogue/stats.
type guideStats struct {
	Guides struct {
		OnApplication    int      `json:"on_application"`
		Incomplete       int      `json:"incomplete"`
		VisitsUnknown    int      `json:"visits_unknown"`
		FeeUnknown       int      `json:"fee_unknown"`
		StatutoryUnknown int      `json:"statutory_days_unknown"`
		AvgStatutoryDays *float64 `json:"avg_statutory_days"`
	} `json:"guides"`
}

func statsOf(t *testing.T, env *demoEnv) guideStats {
	t.Helper()
	status, body := call(t, env, http.MethodGet, "/api/v1/catalogue/stats", "", nil)
	var g guideStats
	if status != http.StatusOK || json.Unmarshal(body, &g) != nil {
		t.Fatalf("stats: %d %s", status, body)
	}
	return g
}

func TestUnknownValuesReadAsUnknownOnGuideAPIAndStatistics(t *testing.T) {
	env := newDemoEnv(t)
	code := firstItemCode(t, "q="+url.QueryEscape("食品经营许可"))
	before := statsOf(t, env)
	editGuide(t, env, code, func(it *models.Item) {
		it.Visits, it.OnlineDepth, it.IsFee = nil, nil, nil
		it.Materials[0].Copies = nil
	})
	_, zh := envPage(t, env, "/items/"+code)
	_, en := envPage(t, env, "/items/"+code+"?lang=en")
	if n := strings.Count(zh, "未公布"); n < 4 { // visits, depth, fee, copies
		t.Errorf("zh guide shows 未公布 %d times, want 4 or more", n)
	}
	if n := strings.Count(en, "Not published"); n < 4 {
		t.Errorf("en guide shows Not published %d times, want 4 or more", n)
	}
	for _, wrong := range []string{"不收费", "0 次", "0次"} {
		if strings.Contains(zh, wrong) {
			t.Errorf("zh guide shows %q for an unknown value", wrong)
		}
	}
	status, body := call(t, env, http.MethodGet, "/api/v1/items/"+code, "", nil)
	var g map[string]any
	if status != 200 || json.Unmarshal(body, &g) != nil {
		t.Fatalf("guide: %d %s", status, body)
	}
	for _, f := range []string{"visits", "online_depth", "is_fee"} {
		if v, ok := g[f]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null", f, v, ok)
		}
	}
	if m := g["materials"].([]any)[0].(map[string]any); m["copies"] != nil {
		t.Errorf("copies = %v, want null", m["copies"])
	}
	after := statsOf(t, env)
	if after.Guides.VisitsUnknown != before.Guides.VisitsUnknown+1 || after.Guides.FeeUnknown != before.Guides.FeeUnknown+1 {
		t.Errorf("stats unknown counts: before %+v after %+v", before.Guides, after.Guides)
	}
	if after.Guides.OnApplication != before.Guides.OnApplication {
		t.Errorf("on application count moved: %d → %d", before.Guides.OnApplication, after.Guides.OnApplication)
	}
	_, cat := envPage(t, env, "/catalogue")
	if !strings.Contains(cat, `id="guide-stats"`) || !strings.Contains(cat, "办事指南完整度") {
		t.Error("catalogue page lacks the guide completeness table")
	}
}

func TestAverageLimitIgnoresUnknownLimits(t *testing.T) {
	env := newDemoEnv(t)
	code := firstItemCode(t, "q="+url.QueryEscape("食品经营许可"))
	before := statsOf(t, env)
	editGuide(t, env, code, func(it *models.Item) { it.StatutoryDays, it.PromisedDays = nil, nil })
	after := statsOf(t, env)
	if after.Guides.StatutoryUnknown != before.Guides.StatutoryUnknown+1 || after.Guides.Incomplete != before.Guides.Incomplete+1 {
		t.Errorf("unknown limit not counted as unknown: before %+v after %+v", before.Guides, after.Guides)
	}
	if after.Guides.AvgStatutoryDays == nil || before.Guides.AvgStatutoryDays == nil {
		t.Fatal("demo catalogue has no average statutory limit")
	}
}
