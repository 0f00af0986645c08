package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/web"
)

type siteAnswer struct {
	District, Centre, Address, Hotline, Hours, Footer string
}

// walkIn registers a walk-in application at the window through the API and
// returns its number.
func walkIn(t *testing.T, env *demoEnv) string {
	t.Helper()
	it := windowItem(t, env, false)
	status, body := call(t, env, "POST", "/api/v1/applications", loginToken(t, env, "window1"), applyBody(it.Code, "11010519491231002X"))
	if status != http.StatusCreated {
		t.Fatalf("walk-in = %d %s", status, body)
	}
	var f filedAnswer
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	return f.Number
}

func TestSiteSettingsChangeEveryPageAndPrintedNotice(t *testing.T) {
	env := newStaffEnv(t)
	var st siteAnswer
	getJSONFrom(t, env, "/api/v1/site", &st)
	if st.District != "集宁区" || st.Centre != "集宁区政务服务中心" {
		t.Fatalf("the demo's settings = %+v, want 集宁区", st)
	}
	number := walkIn(t, env)
	window := staffClient(t, env, "window1")
	noticeURL := env.http.URL + "/window/applications/" + number + "/notice/receipt"
	if _, body, _ := fetch(t, window, http.MethodGet, noticeURL, nil); !strings.Contains(body, "受理窗口：集宁区政务服务中心") {
		t.Fatal("the printed receipt does not name the demo's centre")
	}

	admin := loginToken(t, env, "admin")
	want := map[string]string{"district": "某某区", "centre": "某某区便民服务中心", "address": "人民路 8 号",
		"hotline": "0000-12345", "hours": "工作日 8:30–17:00", "footer": "某某区人民政府主办"}
	status, body := call(t, env, "PUT", "/api/v1/site", admin, want)
	if status != http.StatusOK || !strings.Contains(string(body), `"centre":"某某区便民服务中心"`) {
		t.Fatalf("PUT /api/v1/site = %d %s", status, body)
	}
	_, home := getBody(t, env, "/")
	for _, s := range []string{"<title>某某区政务服务网</title>", `id="centre-h">某某区便民服务中心<`, "人民路 8 号", "0000-12345", "某某区人民政府主办"} {
		if !strings.Contains(home, s) {
			t.Errorf("the home page lacks %q after the change", s)
		}
	}
	if strings.Contains(home, "集宁区政务服务中心") {
		t.Error("the home page still names the old centre")
	}
	_, body2, _ := fetch(t, window, http.MethodGet, noticeURL, nil)
	if !strings.Contains(body2, "受理窗口：某某区便民服务中心") || !strings.Contains(body2, "人民路 8 号") {
		t.Error("the printed receipt does not show the new centre and address")
	}
	_, en := getBody(t, env, "/items?lang=en")
	if !strings.Contains(en, "某某区 · Government Services") {
		t.Error("the English pages do not name the new district")
	}
}

func TestSiteSettingsRefusedNamingTheFieldAndForbiddenToOthers(t *testing.T) {
	env := newStaffEnv(t)
	admin := loginToken(t, env, "admin")
	var e apiError
	status, body := call(t, env, "PUT", "/api/v1/site", admin, map[string]string{"district": " ", "centre": "某中心", "hotline": "call 12345"})
	if err := json.Unmarshal(body, &e); err != nil || status != http.StatusUnprocessableEntity ||
		e.Error.Fields["district"] == "" || e.Error.Fields["hotline"] == "" {
		t.Errorf("bad settings = %d %s, want 422 naming district and hotline", status, body)
	}
	if status, _ := call(t, env, "PUT", "/api/v1/site", loginToken(t, env, "catalog"), map[string]string{"district": "x", "centre": "y"}); status != http.StatusForbidden {
		t.Errorf("a catalogue administrator's PUT = %d, want 403", status)
	}
	if status, _ := call(t, env, "PUT", "/api/v1/site", "", map[string]string{"district": "x", "centre": "y"}); status != http.StatusUnauthorized {
		t.Errorf("an anonymous PUT = %d, want 401", status)
	}
	var st siteAnswer
	getJSONFrom(t, env, "/api/v1/site", &st)
	if st.District != "集宁区" || st.Hotline != "0474-12345" {
		t.Errorf("refused changes changed the settings: %+v", st)
	}
}

func TestAdminSitePage(t *testing.T) {
	env := newStaffEnv(t)
	admin := loginSession(t, env, "admin", "demo1234")
	if _, home, _ := admin.get("/admin"); !strings.Contains(home, `id="tool-site" href="/admin/site"`) {
		t.Error("the admin home does not link the site settings")
	}
	status, page, _ := admin.get("/admin/site")
	if status != http.StatusOK || !strings.Contains(page, `value="集宁区政务服务中心"`) {
		t.Fatalf("/admin/site = %d, want the form with the current centre", status)
	}
	form := url.Values{"district": {"某某县"}, "centre": {"某某县政务服务中心"}, "hotline": {"热线"}, "address": {"县府路 1 号"}}
	status, page, _ = admin.post("/admin/site", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-hotline"`) || !strings.Contains(page, "服务热线只能包含数字") ||
		!strings.Contains(page, `value="县府路 1 号"`) || strings.Contains(page, `id="err-district"`) {
		t.Errorf("a bad hotline on the page = %d, want 422 naming the hotline and keeping the input", status)
	}
	form.Set("hotline", "0000 12345")
	page = admin.follow(admin.post("/admin/site", form))
	if !strings.Contains(page, `id="flash"`) || !strings.Contains(page, "某某县政务服务网") || !strings.Contains(page, `id="site-updated"`) {
		t.Error("a saved form does not show the new settings")
	}
	catalog := loginSession(t, env, "catalog", "demo1234")
	if status, _, _ := catalog.get("/admin/site"); status != http.StatusForbidden {
		t.Errorf("a catalogue administrator on /admin/site = %d, want 403", status)
	}
}

func TestNewDatabaseNamesNoDistrict(t *testing.T) {
	ctx := context.Background()
	store, err := models.Open(ctx, t.TempDir(), models.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.SeedItemTypes(ctx, models.DefaultItemTypes()); err != nil {
		t.Fatal(err)
	}
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(ctx, handlers.Config{Store: store, Site: site})
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	defer env.http.Close()
	for _, path := range []string{"/", "/items", "/?lang=en"} {
		_, page := getBody(t, env, path)
		if strings.Contains(page, "集宁") || strings.Contains(page, "Jining") {
			t.Errorf("%s of a new database names a district", path)
		}
		if !strings.Contains(page, `id="site-unset"`) {
			t.Errorf("%s of a new database does not ask the administrator for the settings", path)
		}
	}
	if _, page := getBody(t, env, "/"); !strings.Contains(page, "（未设置地区）政务服务网") || !strings.Contains(page, "（未设置服务中心名称）") {
		t.Error("the home page lacks the placeholders")
	}
}
