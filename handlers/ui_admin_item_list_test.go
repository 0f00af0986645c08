package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestAdminItemListFiltersIncompleteGuides(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	closeGuide(t, env, it.Code)
	client := staffClient(t, env, "catalog")
	base := env.http.URL + "/admin/items"

	status, page, _ := fetch(t, client, http.MethodGet, base+"?incomplete=1", nil)
	if status != 200 || !strings.Contains(page, `data-code="`+it.Code+`"`) || !strings.Contains(page, "法定办结时限、承诺办结时限、申请材料") {
		t.Fatalf("incomplete filter: status %d, the closed item or its gaps are missing", status)
	}
	want := statsOf(t, env).Guides.Incomplete
	if !strings.Contains(page, "共 "+strconv.Itoa(want)+" 项") {
		t.Errorf("incomplete list total differs from the statistics' %d incomplete guides", want)
	}
	if !strings.Contains(page, `href="/admin/items/`+it.Code+`/edit"`) || !strings.Contains(page, `href="/admin/items/`+it.Code+`/history"`) {
		t.Error("the row does not link the editor and the history")
	}
	// Text and department narrow the list; the English page speaks English.
	q := url.Values{"q": {it.Code}, "department": {it.DepartmentCode}, "status": {"published"}, "lang": {"en"}}
	status, page, _ = fetch(t, client, http.MethodGet, base+"?"+q.Encode(), nil)
	if status != 200 || strings.Count(page, "data-code=") != 1 || !strings.Contains(page, "statutory time limit") || !strings.Contains(page, "1 items") {
		t.Errorf("text filter: status %d, want exactly the one item with its gaps in English", status)
	}
	status, page, _ = fetch(t, client, http.MethodGet, base+"?status=draft&q="+url.QueryEscape(it.Code), nil)
	if status != 200 || strings.Contains(page, `data-code="`+it.Code+`"`) {
		t.Errorf("status filter: a published item is listed as a draft (%d)", status)
	}
	if status, _, _ = fetch(t, client, http.MethodGet, base+"?status=bogus", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("bad status = %d, want 422", status)
	}
	// The list pages through everything.
	status, page, _ = fetch(t, client, http.MethodGet, base, nil)
	if status != 200 || strings.Count(page, "data-code=") != 50 || !strings.Contains(page, `id="admin-items-next"`) {
		t.Errorf("first page: status %d, want 50 rows and a next link", status)
	}
	// The admin home links it; people who edit no item may not see it.
	if _, home, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin", nil); !strings.Contains(home, `href="/admin/items"`) {
		t.Error("the admin home does not link the item list")
	}
	if status, _, _ := fetch(t, staffClient(t, env, "window1"), http.MethodGet, base, nil); status != http.StatusForbidden {
		t.Errorf("a window clerk gets the item list: %d", status)
	}
}
