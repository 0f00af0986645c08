package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/web"
)

// demoHash is the demo accounts' password hash in the test databases, at
// bcrypt's lowest cost: the tests sign in hundreds of times, and checking a
// password at the production cost (handlers.HashPassword) costs a tenth of a
// second each under the race detector. Sign-in tests that create accounts
// still go through HashPassword.
var demoHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

// newStaffEnv is a private demo server with the demo accounts.
func newStaffEnv(t *testing.T) *demoEnv {
	t.Helper()
	parallel(t)
	env, err := buildEnv(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.http.Close(); env.store.Close() })
	return env
}

func TestCrossDepartmentEditIsForbiddenAndChangesNothing(t *testing.T) {
	env := newStaffEnv(t)
	var l itemList
	getJSONFrom(t, env, "/api/v1/items?department=zjj&on_application=true", &l)
	code := l.Items[0].Code
	var before guide
	getJSONFrom(t, env, "/api/v1/items/"+code, &before)
	for _, user := range []string{"scj.review", "scj.approve", "window1", "citizen1"} {
		tok := loginToken(t, env, user)
		edit := map[string]any{"name": "篡改", "type": "01", "department": "zjj", "statutory_days": 20, "promised_days": 1,
			"reason": "test", "version": before.Version}
		status, body := call(t, env, "PUT", "/api/v1/items/"+code, tok, edit)
		if status != 403 {
			t.Errorf("%s editing a zjj item: %d %s", user, status, body)
		}
		status, _ = call(t, env, "POST", "/api/v1/items/"+code+"/disposition", tok,
			map[string]any{"disposition": "cancelled", "reason": "x", "legal_basis": "y", "version": before.Version})
		if status != 403 {
			t.Errorf("%s cancelling a zjj item: %d", user, status)
		}
	}
	var after guide
	getJSONFrom(t, env, "/api/v1/items/"+code, &after)
	if after.Name != before.Name || after.Version != before.Version {
		t.Fatalf("the item changed: %+v", after)
	}
}

func TestCatalogueAdminEditsAndCancelsWithHistory(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	var l itemList
	getJSONFrom(t, env, "/api/v1/items?department=scj&on_application=true", &l)
	code := l.Items[0].Code
	var g map[string]any
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	promised := int(g["promised_days"].(float64))
	g["promised_days"] = promised - 1
	g["reason"] = "压缩承诺时限"
	g["name"] = g["name"].(string) + "（修订）"
	status, body := call(t, env, "PUT", "/api/v1/items/"+code, tok, g)
	if status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	// The list answer asked before the edit is not served again.
	var relisted itemList
	getJSONFrom(t, env, "/api/v1/items?department=scj&on_application=true", &relisted)
	if relisted.Items[0].Code != code || relisted.Items[0].Name != g["name"] {
		t.Errorf("the list after the edit shows %+v, want the new name %s", relisted.Items[0], g["name"])
	}
	// The same version again is stale.
	status, _ = call(t, env, "PUT", "/api/v1/items/"+code, tok, g)
	if status != 409 {
		t.Errorf("stale edit = %d, want 409", status)
	}
	// Promised above statutory is a field error.
	g["version"] = g["version"].(float64) + 1
	g["promised_days"] = int(g["statutory_days"].(float64)) + 1
	status, body = call(t, env, "PUT", "/api/v1/items/"+code, tok, g)
	if status != 422 || !strings.Contains(string(body), "promised_days") {
		t.Errorf("promised > statutory = %d %s", status, body)
	}
	status, body = call(t, env, "GET", "/api/v1/items/"+code+"/revisions", tok, nil)
	if status != 200 || !strings.Contains(string(body), "压缩承诺时限") || !strings.Contains(string(body), `"field":"promised_days"`) {
		t.Errorf("revisions: %d %s", status, body)
	}
	status, body = call(t, env, "POST", "/api/v1/items/"+code+"/disposition", tok,
		map[string]any{"disposition": "cancelled", "reason": "上级取消", "legal_basis": "国发〔2026〕1号", "version": g["version"]})
	if status != 200 {
		t.Fatalf("cancel: %d %s", status, body)
	}
	getJSONFrom(t, env, "/api/v1/items?department=scj&on_application=true", &relisted)
	for _, it := range relisted.Items {
		if it.Code == code {
			t.Errorf("the cancelled item is still listed as retained")
		}
	}
	var st stats
	getJSONFrom(t, env, "/api/v1/catalogue/stats", &st)
	if st.Retained != 3803 || st.Reduced != 296 || st.Reviewed != 4099 {
		t.Errorf("after cancelling one item: %+v, want 3803 / 296", st)
	}
}

func TestForgedCrossSitePostIsRefused(t *testing.T) {
	env := newStaffEnv(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(env.http.URL+"/login", url.Values{"username": {"admin"}, "password": {demo.Password}})
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("login: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	body := strings.NewReader(`{"username":"evil","display_name":"x","password":"longpassword","roles":[{"role":"sysadmin","domain":"*"}]}`)
	// A cookie session without the CSRF token is refused.
	req, _ := http.NewRequest("POST", env.http.URL+"/api/v1/admin/users", body)
	req.Header.Set("Content-Type", "application/json")
	resp, _ = checkedDo(t, client, req, nil)
	if resp.StatusCode != 403 {
		t.Errorf("cookie POST without CSRF token = %d, want 403", resp.StatusCode)
	}
	// A cross-site browser request is refused before anything else.
	req, _ = http.NewRequest("POST", env.http.URL+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, _ = client.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("cross-site logout = %d, want 403", resp.StatusCode)
	}
	if _, err := env.store.UserByName(context.Background(), "evil"); err == nil {
		t.Fatal("the forged request created an account")
	}
}

func TestRepeatedWrongPasswordsSlowGuessingWithoutTellingNames(t *testing.T) {
	// The server's clock stands still: the sixth try comes "at once" after the fifth
	// failure however slowly a busy machine runs the test.
	at := time.Now()
	env := newConfiguredEnv(t, func(c *handlers.Config) { c.Now = func() time.Time { return at } })
	try := func(user, password string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/v1/login",
			strings.NewReader(`{"username":"`+user+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp.StatusCode, b.String(), resp.Header
	}
	// An existing name and a name nobody has answer alike, try after try.
	for _, user := range []string{"window1", "nobody-here"} {
		for i := range 5 {
			if status, body, _ := try(user, "wrong-"+string(rune('a'+i))); status != 401 || !strings.Contains(body, "invalid_credentials") {
				t.Fatalf("%s, wrong password %d = %d %s, want 401", user, i, status, body)
			}
		}
		status, body, h := try(user, demo.Password)
		if status != 429 || !strings.Contains(body, "too_many_attempts") || h.Get("Retry-After") == "" {
			t.Fatalf("%s, sixth try at once = %d %s (Retry-After %q), want 429 with Retry-After", user, status, body, h.Get("Retry-After"))
		}
	}
	// Another account is not held up by the guessing at window1.
	if status, body, _ := try("admin", demo.Password); status != 200 {
		t.Fatalf("admin after someone guessed at window1: %d %s", status, body)
	}
	tok := loginToken(t, env, "admin")
	status, body := call(t, env, "GET", "/api/v1/admin/login-log?username=window1", tok, nil)
	if status != 200 || strings.Count(string(body), "bad_password") != 5 || !strings.Contains(string(body), `"result":"locked"`) {
		t.Errorf("login log: %d %s", status, body)
	}
}

func getJSONFrom(t *testing.T, env *demoEnv, path string, v any) {
	t.Helper()
	status, body := call(t, env, "GET", path, "", nil)
	if status != 200 {
		t.Fatalf("GET %s = %d %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatal(err)
	}
}

// Someone already signed in can sign in as another account from the login
// page (a shared counter PC), and a citizen lands on its own applications.
func TestLoginPageWorksWhenSignedInAndSendsCitizensHome(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	status, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/login", nil)
	if status != http.StatusOK || !strings.Contains(page, `name="csrf_token"`) {
		t.Fatalf("login page when signed in: %d, has no CSRF token", status)
	}
	token := csrfToken(t, client, env)
	form := url.Values{"csrf_token": {token}, "username": {"citizen1"}, "password": {demo.Password}, "next": {""}}
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/login", form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/my" {
		t.Errorf("signing in as citizen1 from window1's session: %d to %q, want 303 to /my", status, resp.Header.Get("Location"))
	}
}

// TestLoginNeverRedirectsOffTheSite: a next that a browser would read as another site
// (a tab or line break it drops, a backslash it reads as a slash, a scheme, a host) sends
// the account where it goes by default; a local path is kept.
func TestLoginNeverRedirectsOffTheSite(t *testing.T) {
	env := newStaffEnv(t)
	for _, tc := range []struct{ next, want string }{
		{"/\t/evil.example", "/window"},
		{"/\n/evil.example", "/window"},
		{"/\\evil.example", "/window"},
		{"//evil.example", "/window"},
		{"https://evil.example/", "/window"},
		{"/%09/evil.example", "/%09/evil.example"}, // stays a path on this site
		{"/ /evil.example", "/window"},
		{"/window?x=1", "/window?x=1"},
	} {
		form := url.Values{"username": {"window1"}, "password": {demo.Password}, "next": {tc.next}}
		status, _, resp := fetch(t, staffClientless(), http.MethodPost, env.http.URL+"/login", form)
		if status != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
			t.Errorf("next %q: %d to %q, want %q", tc.next, status, resp.Header.Get("Location"), tc.want)
		}
	}
}

// TestPublicHTTPSMakesCookiesSecure: behind a TLS proxy (the public URL is https), the
// session cookie is Secure and every answer carries Strict-Transport-Security; without it
// (plain http on a desk machine) neither.
func TestPublicHTTPSMakesCookiesSecure(t *testing.T) {
	store, err := openSeeded(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		public string
		secure bool
	}{{"https://zwfw.example.gov.cn", true}, {"", false}} {
		srv, err := handlers.New(t.Context(), handlers.Config{Store: store, Site: site, Demo: true, PublicURL: tc.public})
		if err != nil {
			t.Fatal(err)
		}
		h := httptest.NewServer(srv.Handler())
		resp, err := staffClientless().PostForm(h.URL+"/login", url.Values{"username": {"window1"}, "password": {demo.Password}})
		h.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Value != "" {
				session = c
			}
		}
		if session == nil || session.Secure != tc.secure {
			t.Errorf("public %q: session cookie %+v, want Secure %v", tc.public, session, tc.secure)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); (hsts != "") != tc.secure {
			t.Errorf("public %q: Strict-Transport-Security %q", tc.public, hsts)
		}
	}
	if _, err := handlers.New(t.Context(), handlers.Config{Store: store, Site: site, PublicURL: "zwfw.example"}); err == nil {
		t.Error("a public URL without a scheme was taken")
	}
}

// TestNearlyFullDiskPausesFilingsAndHealth: below the disk floor a filing answers 507 with a
// clear message and stores nothing, and /healthz says the server is not ready.
func TestNearlyFullDiskPausesFilingsAndHealth(t *testing.T) {
	dir := t.TempDir()
	seeded, err := openSeeded(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	seeded.Close()
	store, err := models.Open(t.Context(), dir, models.Options{DiskFloor: 1 << 60})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(t.Context(), handlers.Config{Store: store, Site: site, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(env.http.Close)
	status, body := call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(singleItem(t).Code, "11010519491231002X"))
	if status != http.StatusInsufficientStorage || !strings.Contains(string(body), "insufficient_storage") {
		t.Fatalf("filing on a full disk: %d %s", status, body)
	}
	if n, err := count(t, env, "applications"); err != nil || n != 0 {
		t.Fatalf("%d applications stored (%v)", n, err)
	}
	if status, body = call(t, env, http.MethodGet, "/healthz", "", nil); status != http.StatusServiceUnavailable {
		t.Fatalf("healthz on a full disk: %d %s", status, body)
	}
}
