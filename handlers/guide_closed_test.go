package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"onewindow/models"
)

// closeGuide makes a complete demo guide incomplete: no limits, no materials.
func closeGuide(t *testing.T, env *demoEnv, code string) {
	t.Helper()
	editGuide(t, env, code, func(it *models.Item) {
		it.HandlingKind = models.KindPromised
		it.StatutoryDays, it.PromisedDays, it.Materials = nil, nil, nil
	})
}

// itemGuideJSON is the part of GET /api/v1/items/{code} these tests read.
type itemGuideJSON struct {
	OnApplication      bool     `json:"on_application"`
	OpenForApplication bool     `json:"open_for_application"`
	Missing            []string `json:"missing"`
	MainItem           *string  `json:"main_item"`
	SubItems           []string `json:"sub_items"`
	StatutoryDays      *int     `json:"statutory_days"`
	PromisedDays       *int     `json:"promised_days"`
}

func guideOf(t *testing.T, env *demoEnv, code string) itemGuideJSON {
	t.Helper()
	status, body := call(t, env, http.MethodGet, "/api/v1/items/"+url.PathEscape(code), "", nil)
	var g itemGuideJSON
	if status != http.StatusOK || json.Unmarshal(body, &g) != nil {
		t.Fatalf("guide %s: %d %s", code, status, body)
	}
	return g
}

func TestIncompleteGuideIsReadableButClosed(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	if g := guideOf(t, env, it.Code); !g.OpenForApplication || len(g.Missing) != 0 {
		t.Fatalf("complete guide: open %v missing %v", g.OpenForApplication, g.Missing)
	}
	closeGuide(t, env, it.Code)

	g := guideOf(t, env, it.Code)
	if g.OpenForApplication || strings.Join(g.Missing, ",") != "statutory_days,promised_days,materials" {
		t.Errorf("API: open %v missing %v", g.OpenForApplication, g.Missing)
	}
	if g.StatutoryDays != nil || g.PromisedDays != nil {
		t.Errorf("API: unknown limits are %v %v, want null", g.StatutoryDays, g.PromisedDays)
	}
	dept, err := env.store.Department(context.Background(), it.DepartmentCode)
	if err != nil {
		t.Fatal(err)
	}
	langs := []struct{ q, body, missing, noApply string }{
		{"", "暂不受理网上和窗口申请", "法定办结时限、承诺办结时限、申请材料", "请联系实施部门：" + dept.Name},
		{"?lang=en", "no online or window applications", "statutory time limit, promised time limit, materials list", "Please contact the implementing department: " + dept.Name},
	}
	for _, l := range langs {
		status, page := envPage(t, env, "/items/"+it.Code+l.q)
		if status != 200 || !strings.Contains(page, `id="closed-box"`) || !strings.Contains(page, l.body) ||
			!strings.Contains(page, l.missing) || !strings.Contains(page, l.noApply) {
			t.Errorf("guide%s: status %d, closed box missing or incomplete", l.q, status)
		}
		if strings.Contains(page, `id="apply-online"`) {
			t.Errorf("guide%s: an incomplete guide shows the apply button", l.q)
		}
		if dept.Phone != "" && !strings.Contains(page, dept.Phone) {
			t.Errorf("guide%s: the closed box lacks the department's phone %s", l.q, dept.Phone)
		}
		// The apply routes show the same page, never the form, a 500 or a bare 422.
		status, page = envPage(t, env, "/items/"+it.Code+"/apply"+l.q)
		if status != http.StatusConflict || !strings.Contains(page, `id="closed-box"`) || strings.Contains(page, `name="id_number"`) {
			t.Errorf("GET apply%s = %d, want 409 with the closed box and no form", l.q, status)
		}
	}
	before := filedCount(t, env)
	body, ctype := formBody(t, applyFields(t, it.Code, walkInID, "tok-closed"), nil, tinyPDF)
	resp, page := send(t, browserClient(t), "POST", env.http.URL+"/items/"+it.Code+"/apply", body, ctype)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="closed-box"`) {
		t.Errorf("POST apply = %d, want 409 with the closed box", resp.StatusCode)
	}
	if filedCount(t, env) != before {
		t.Error("an application was filed for an incomplete guide")
	}

	// The window refuses it with the same reason on the item field.
	client := staffClient(t, env, "window1")
	for _, l := range langs {
		status, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/new?item="+url.QueryEscape(it.Code)+strings.Replace(l.q, "?", "&", 1), nil)
		if status != 200 || !strings.Contains(page, `id="err-item_code"`) || !strings.Contains(page, l.missing) ||
			!strings.Contains(page, l.noApply) || strings.Contains(page, `id="intake-form"`) {
			t.Errorf("window GET%s: status %d, no refusal on the item field", l.q, status)
		}
	}
	form := url.Values{"csrf_token": {csrfToken(t, client, env)}, "form_token": {"tok-window-closed"}, "item_code": {it.Code},
		"kind": {"person"}, "id_number": {walkInID}, "name": {"王窗口"}, "op": {"register"}}
	status, page, _ := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "no online or window applications") { // the lang cookie says en
		t.Errorf("window POST = %d, want 422 with the reason", status)
	}
	if filedCount(t, env) != before {
		t.Error("the window filed an application for an incomplete guide")
	}
}

func TestMainItemListsItsSubItemsAndSubItemsLinkTheirMain(t *testing.T) {
	env := newDemoEnv(t)
	// The demo's 食品经营许可 is a main item with its 子项 (新办, 变更, 延续 …).
	var l itemList
	status, body := call(t, env, http.MethodGet, "/api/v1/items?department=scj&type=01&scope=all&page_size=100", "", nil)
	if status != 200 || json.Unmarshal(body, &l) != nil {
		t.Fatalf("items: %d %s", status, body)
	}
	mainCode, subs := "", map[string]bool{}
	for _, e := range l.Items {
		it, err := env.store.Item(context.Background(), e.Code)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case it.Name == "食品经营许可":
			mainCode = it.Code
		case it.MainName == "食品经营许可":
			subs[it.Code] = true
		}
	}
	if mainCode == "" || len(subs) < 2 {
		t.Fatalf("the demo has no 食品经营许可 group: main %q, %d sub-items", mainCode, len(subs))
	}
	g := guideOf(t, env, mainCode)
	if g.MainItem != nil || len(g.SubItems) != len(subs) {
		t.Errorf("main item: main_item %v, sub_items %v, want %d", g.MainItem, g.SubItems, len(subs))
	}
	for _, c := range g.SubItems {
		if !subs[c] {
			t.Errorf("sub_items lists %s, not a sub-item of 食品经营许可", c)
		}
	}
	var subCode string
	for c := range subs {
		subCode = c
		break
	}
	sub := guideOf(t, env, subCode)
	if sub.MainItem == nil || *sub.MainItem != mainCode || len(sub.SubItems) != 0 || sub.SubItems == nil {
		t.Errorf("sub-item: main_item %v, sub_items %v", sub.MainItem, sub.SubItems)
	}
	_, page := envPage(t, env, "/items/"+mainCode)
	for c := range subs {
		if !strings.Contains(page, `id="sub-items"`) || !strings.Contains(page, `href="/items/`+c+`"`) {
			t.Errorf("main guide does not link sub-item %s", c)
		}
	}
	_, page = envPage(t, env, "/items/"+subCode+"?lang=en")
	if !strings.Contains(page, `id="main-item"`) || !strings.Contains(page, `href="/items/`+mainCode+`"`) || !strings.Contains(page, "Main item") {
		t.Error("sub-item guide does not link its main item")
	}
	// At the window the main item is refused and its sub-items are offered, each
	// leading to the intake form of that sub-item.
	clerk := staffClient(t, env, "window1")
	status, page, _ = fetch(t, clerk, http.MethodGet, env.http.URL+"/window/new?item="+mainCode, nil)
	if status != 200 || !strings.Contains(page, `id="err-item_code"`) || strings.Contains(page, `id="intake-form"`) {
		t.Errorf("window, main item: status %d, want the refusal and no intake form", status)
	}
	for c := range subs {
		if !strings.Contains(page, `id="window-sub-items"`) || !strings.Contains(page, `href="/window/new?item=`+c+`"`) {
			t.Errorf("window, main item: sub-item %s is not offered", c)
		}
	}
	if _, page, _ = fetch(t, clerk, http.MethodGet, env.http.URL+"/window/new?item="+subCode, nil); !strings.Contains(page, `id="intake-form"`) ||
		strings.Contains(page, `id="window-sub-items"`) {
		t.Errorf("window, sub-item %s: no intake form, or sub-items offered", subCode)
	}
	// An item that is no group's main item lists no sub-items, as [] rather than null.
	var single itemList
	_, body = call(t, env, http.MethodGet, "/api/v1/items?department=scj&type=02&scope=all&page_size=1", "", nil)
	if json.Unmarshal(body, &single) != nil || len(single.Items) == 0 {
		t.Fatalf("penalty items: %s", body)
	}
	if g := guideOf(t, env, single.Items[0].Code); g.SubItems == nil || len(g.SubItems) != 0 {
		t.Errorf("sub_items of a single item = %v, want []", g.SubItems)
	}
}
