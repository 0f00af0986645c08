package handlers_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/web"
)

// newConfiguredEnv is a private demo server with the demo accounts and the settings set
// changes in its configuration.
func newConfiguredEnv(t *testing.T, set func(*handlers.Config)) *demoEnv {
	t.Helper()
	store, err := openSeeded(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	return serveStore(t, store, set)
}

// serveStore serves the store (closed when the test ends) with the demo settings, changed
// by each set.
func serveStore(t *testing.T, store *models.Store, set ...func(*handlers.Config)) *demoEnv {
	t.Helper()
	t.Cleanup(func() { store.Close() })
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := handlers.Config{Store: store, Site: site, Demo: true}
	for _, f := range set {
		f(&cfg)
	}
	srv, err := handlers.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(env.http.Close)
	return env
}

// TestOnlineFilingsAreCappedPerClientAddress: behind a trusted proxy, the real client
// address may file three times an hour (single items and 一件事 alike, API and pages); the
// fourth answers 429 with Retry-After and a message naming the cap, and files nothing;
// another address files on, and a window clerk at the capped address is not counted. The
// page keeps what the applicant typed and says why nothing was filed.
func TestOnlineFilingsAreCappedPerClientAddress(t *testing.T) {
	env := newConfiguredEnv(t, func(c *handlers.Config) {
		c.FilingsPerHour = 3
		c.TrustedProxies = []string{"127.0.0.1"}
	})
	code := singleItem(t).Code
	const capped, other = "203.0.113.7", "198.51.100.9"
	for i := range 3 {
		if s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(code, citizenID), "X-Forwarded-For", capped); s != http.StatusCreated {
			t.Fatalf("filing %d: %d %s", i+1, s, b)
		}
	}
	before := filedCount(t, env)
	req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/v1/applications", strings.NewReader(mustJSON(t, applyBody(code, citizenID))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", capped)
	resp, body := checkedDo(t, http.DefaultClient, req, nil)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "too_many_filings") ||
		!strings.Contains(string(body), "at most 3 online filings an hour") || retry < 1 || retry > 3600 {
		t.Fatalf("the fourth filing: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	bundle := map[string]any{"bundle_code": restaurantBundle, "form": answers, "applicant": map[string]string{"kind": orgProfile["kind"],
		"name": orgProfile["org_name"], "id_number": orgProfile["credit_code"], "phone": orgProfile["phone"]}}
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", bundle, "X-Forwarded-For", capped); s != http.StatusTooManyRequests {
		t.Fatalf("a bundle from the capped address: %d %s", s, b)
	}
	if n := filedCount(t, env); n != before {
		t.Fatalf("refused filings stored %d applications", n-before)
	}
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", bundle, "X-Forwarded-For", other); s != http.StatusCreated {
		t.Fatalf("a bundle from another address: %d %s", s, b)
	}
	window := loginToken(t, env, "window1")
	for i := range 4 {
		if s, b := call(t, env, http.MethodPost, "/api/v1/applications", window, applyBody(code, citizenID), "X-Forwarded-For", capped); s != http.StatusCreated {
			t.Fatalf("window registration %d at the capped address: %d %s", i+1, s, b)
		}
	}

	// The online form: refused with the applicant's answers kept, in Chinese and English.
	before = filedCount(t, env)
	g := citizenItem(t, env)
	for _, lang := range []struct{ q, want string }{{"", "每小时最多在线提交 3 件申请"}, {"?lang=en", "At most 3 online applications an hour"}} {
		fields := applyFields(t, g.Code, citizenID, "tok-cap"+lang.q)
		fields.Set("address", "集宁区新华街 99 号")
		b, ctype := formBody(t, fields, requiredFiles(g, "scan.pdf"), tinyPDF)
		req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/items/"+g.Code+"/apply"+lang.q, b)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("X-Forwarded-For", capped)
		resp, page := doPage(t, browserClient(t), req)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(page, `id="filing-limit"`) || !strings.Contains(page, lang.want) ||
			!strings.Contains(page, `value="集宁区新华街 99 号"`) || !strings.Contains(page, `value="王小明"`) {
			t.Errorf("apply page%s at the cap: %d %.300s", lang.q, resp.StatusCode, page[strings.Index(page, "<main"):])
		}
	}
	if n := filedCount(t, env); n != before {
		t.Fatalf("the capped pages filed %d applications", n-before)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// doPage sends a prepared request with the client and returns the answer and its body.
func doPage(t *testing.T, cl *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	if req.Header.Get("Origin") == "" {
		req.Header.Set("Origin", (&url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host}).String())
	}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestBundlePageAtTheFilingCap: without a trusted proxy the connection's address is the
// client, so a forged X-Forwarded-For does not escape the cap; the 一件事 page refused at
// the cap says why (429, Retry-After) and keeps the applicant's answers.
func TestBundlePageAtTheFilingCap(t *testing.T) {
	env := newConfiguredEnv(t, func(c *handlers.Config) { c.FilingsPerHour = 1 })
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(singleItem(t).Code, citizenID)); s != http.StatusCreated {
		t.Fatalf("first filing: %d %s", s, b)
	}
	if s, b := call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(singleItem(t).Code, citizenID),
		"X-Forwarded-For", "192.0.2.44"); s != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For escaped the cap: %d %s", s, b)
	}
	anon := browserClient(t)
	_, body, _ := fetch(t, anon, http.MethodGet, env.http.URL+"/bundles/restaurant/apply", nil)
	m := formTokenInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no form token on the bundle page")
	}
	_, answers := bundleAnswers(t, env, restaurantBundle, orgProfile)
	post := answersPost(t, answers)
	post.Set("form_token", m[1])
	post.Set("kind", "organisation")
	post.Set("name", orgProfile["org_name"])
	post.Set("id_number", orgProfile["credit_code"])
	post.Set("phone", orgProfile["phone"])
	required := requiredBundleFiles(body)
	before := filedCount(t, env)
	status, page, resp := postBundleMultipart(t, anon, env.http.URL+"/bundles/restaurant/apply", post, required...)
	if status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(page, "每小时最多在线提交 1 件申请") || !strings.Contains(page, `value="`+orgProfile["org_name"]+`"`) {
		t.Fatalf("bundle page at the cap: %d %s", status, page)
	}
	if n := filedCount(t, env); n != before {
		t.Fatalf("the capped bundle page filed %d applications", n-before)
	}
}
