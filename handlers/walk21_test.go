package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// Findings of walking issue 21's pages in a browser as new users.

// The generated blank 申请表 names the item in its heading: on an English page
// the Chinese name is marked as data, never shown as escaped markup.
func TestWalk21BlankFormHeadingInEnglishShowsTheItemName(t *testing.T) {
	parallel(t)
	it := foodLicenceItem(t)
	status, page := envPage(t, shared, "/items/"+it.Code+"/blank-form?lang=en")
	if status != http.StatusOK {
		t.Fatalf("blank 申请表 in English: %d", status)
	}
	want := `<h1 id="form-title">Application form: <span lang="zh-CN">` + it.Name + `</span></h1>`
	if !strings.Contains(page, want) {
		i := strings.Index(page, `id="form-title"`)
		t.Errorf("the heading is not %q: %.200s", want, page[max(i, 0):])
	}
}

// The printed application form names the item in its heading; on an English
// page the Chinese name is marked as data (lang="zh-CN").
func TestWalk21PrintedFormHeadingInEnglishMarksTheItemName(t *testing.T) {
	env := newStaffEnv(t)
	it := windowItem(t, env, false)
	client := staffClient(t, env, "window1")
	number := registerWalkIn(t, env, client, it)
	status, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/applications/"+number+"/form/print?lang=en", nil)
	if status != http.StatusOK {
		t.Fatalf("printed form in English: %d", status)
	}
	want := `<h1 id="form-title">Application form: <span lang="zh-CN">` + it.Name + `</span></h1>`
	if !strings.Contains(page, want) {
		i := strings.Index(page, `id="form-title"`)
		t.Errorf("the heading is not %q: %.200s", want, page[max(i, 0):])
	}
}

// The catalogue administrator's attachments page, the item's history, its editor and its form editor, in
// English, mark the Chinese item and material names as data.
func TestWalk21AttachmentsAndHistoryInEnglishMarkChineseNames(t *testing.T) {
	parallel(t)
	it := foodLicenceItem(t)
	client := staffClient(t, shared, "catalog")
	for _, path := range []string{"/admin/items/" + it.Code + "/attachments", "/admin/items/" + it.Code + "/history",
		"/admin/items/" + it.Code + "/edit", "/admin/items/" + it.Code + "/form"} {
		status, page, _ := fetch(t, client, http.MethodGet, shared.http.URL+path+"?lang=en", nil)
		if status != http.StatusOK {
			t.Fatalf("%s in English: %d", path, status)
		}
		if !strings.Contains(page, `<span lang="zh-CN">`+it.Name+`</span></h1>`) {
			t.Errorf("%s: the heading does not mark the item's name as Chinese data", path)
		}
	}
	_, page, _ := fetch(t, client, http.MethodGet, shared.http.URL+"/admin/items/"+it.Code+"/attachments?lang=en", nil)
	if !strings.Contains(page, `<legend><span lang="zh-CN">`+it.Materials[0].Name+`</span>`) {
		t.Errorf("the attachments page does not mark the material %q as Chinese data", it.Materials[0].Name)
	}
}
