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
