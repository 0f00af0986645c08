package handlers_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/models/demo"
)

// wantIn fails when body lacks any of the strings.
func wantIn(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestAliasPagesAddEditDelete(t *testing.T) {
	env := newStaffEnv(t)
	s := loginSession(t, env, "catalog", demo.Password)
	_, home, _ := s.get("/admin")
	wantIn(t, "the landing page", home, `id="tool-aliases"`, `href="/admin/search/aliases"`)

	status, body, _ := s.get("/admin/search/aliases?q=" + url.QueryEscape("狗证"))
	if status != http.StatusOK {
		t.Fatalf("GET the list = %d", status)
	}
	wantIn(t, "the filtered list", body, `data-term="狗证"`, "犬只登记", "搜索同义词库")

	// Add (PRG), edit, delete with a reason.
	body = s.follow(s.post("/admin/search/aliases", url.Values{"term": {"办暂住"}, "targets": {"居住证\n居住登记"}, "note": {"户籍办理"}}))
	wantIn(t, "the list after adding", body, `id="flash"`, "词语已新增", `data-term="办暂住"`, "居住证、居住登记")

	page := "/admin/search/aliases/" + url.PathEscape("办暂住")
	status, body, _ = s.get(page)
	if status != http.StatusOK {
		t.Fatalf("GET the word's page = %d", status)
	}
	wantIn(t, "the edit page", body, "居住证\n居住登记</textarea>", `action="`+page+`/delete"`)

	body = s.follow(s.post(page, url.Values{"targets": {"居住证"}, "note": {"户籍办理"}, "reason": {"居住登记已并入居住证"}}))
	wantIn(t, "the list after editing", body, "词语已修改")
	if a, err := env.store.SearchAlias(t.Context(), "办暂住"); err != nil || len(a.Targets) != 1 {
		t.Errorf("after the edit: %+v, %v", a, err)
	}
	status, body, _ = s.post(page, url.Values{"targets": {""}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("an edit without targets = %d, want 422", status)
	}
	wantIn(t, "the refused edit", body, `id="err-targets"`)

	status, body, _ = s.post(page+"/delete", url.Values{"delete_reason": {" "}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("a delete without a reason = %d, want 422", status)
	}
	wantIn(t, "the refused delete", body, `id="err-delete_reason"`, "删除词语须说明原因")
	body = s.follow(s.post(page+"/delete", url.Values{"delete_reason": {"与暂住证重复"}}))
	wantIn(t, "the list after deleting", body, "词语已删除")
	if status, _, _ := s.get(page); status != http.StatusNotFound {
		t.Errorf("the deleted word's page = %d, want 404", status)
	}

	_, body, _ = s.get("/admin/search/alias-changes?term=" + url.QueryEscape("办暂住"))
	wantIn(t, "the change log", body, `data-action="create"`, `data-action="edit"`, `data-action="delete"`,
		"居住登记已并入居住证", "与暂住证重复", "<del>居住证（户籍办理）</del>")
	_, body, _ = s.get("/admin/search/alias-changes?term=" + url.QueryEscape("低保"))
	wantIn(t, "the default's log", body, "系统（默认词库）")
}

func TestAliasFormErrorsKeepTheInput(t *testing.T) {
	env := newStaffEnv(t)
	s := loginSession(t, env, "catalog", demo.Password)
	// Field errors re-render the form with the input and change nothing.
	errs := []struct {
		form  url.Values
		id    string
		msg   string
		input string
	}{
		{url.Values{"term": {""}, "targets": {""}}, "err-term", "请填写群众说法", ""},
		{url.Values{"term": {"办暂住"}, "targets": {"\n \n"}}, "err-targets", "请至少填写一个事项用语", `value="办暂住"`},
		{url.Values{"term": {strings.Repeat("字", 21)}, "targets": {"居住证"}}, "err-term", "不能超过 20 个字", "居住证</textarea>"},
		{url.Values{"term": {"办暂住"}, "targets": {"居住证\n办暂住"}}, "err-targets", "不能与群众说法相同", "居住证\n办暂住</textarea>"},
		{url.Values{"term": {"低保"}, "targets": {"最低生活保障"}}, "err-term", "词库中已有这个词语", `value="低保"`},
	}
	for _, e := range errs {
		status, body, _ := s.post("/admin/search/aliases", e.form)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("POST %v = %d, want 422", e.form, status)
			continue
		}
		wantIn(t, "the re-rendered form", body, `id="`+e.id+`"`, e.msg, e.input)
	}
	if _, err := env.store.SearchAlias(t.Context(), "办暂住"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a refused form stored the word: %v", err)
	}

}

func TestAliasPagesAreForCatalogueAdministrators(t *testing.T) {
	env := newStaffEnv(t)
	clerk := loginSession(t, env, "window1", demo.Password)
	if status, _, _ := clerk.get("/admin/search/aliases"); status != http.StatusForbidden {
		t.Errorf("a window clerk's GET = %d, want 403", status)
	}
	_, home, _ := clerk.get("/admin")
	if strings.Contains(home, "tool-aliases") {
		t.Error("a window clerk's landing page links the alias dictionary")
	}
	cat := loginSession(t, env, "catalog", demo.Password)
	status, _, _ := cat.post("/admin/search/aliases", url.Values{"csrf_token": {"forged"}, "term": {"伪造"}, "targets": {"居住证"}})
	if status != http.StatusForbidden {
		t.Errorf("a forged form = %d, want 403", status)
	}
	if _, err := env.store.SearchAlias(t.Context(), "伪造"); err == nil {
		t.Error("the forged form stored a word")
	}
}

func TestShippedAliasesNameTheDefaultDictionaryNotAnAccount(t *testing.T) {
	env := newStaffEnv(t)
	s := loginSession(t, env, "catalog", demo.Password)
	for _, l := range []struct{ q, want string }{{"", "系统（默认词库）"}, {"&lang=en", "System (default dictionary)"}} {
		_, body, _ := s.get("/admin/search/aliases?q=" + url.QueryEscape("狗证") + l.q)
		row := body[strings.Index(body, `data-term="狗证"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `<td class="updated-by">`+l.want+`</td>`) || strings.Contains(row, ">system<") {
			t.Errorf("list%s: the shipped row's updater reads:\n%s", l.q, row)
		}
		if strings.Contains(row, `class="meta"`) {
			t.Errorf("list%s: a table cell carries the flex .meta layout", l.q)
		}
		_, body, _ = s.get("/admin/search/aliases/" + url.PathEscape("狗证") + "?" + strings.TrimPrefix(l.q, "&"))
		line := body[strings.Index(body, `id="alias-updated-by"`):]
		line = line[:strings.Index(line, "</p>")]
		if !strings.Contains(line, l.want) || strings.Contains(line, "system") {
			t.Errorf("word page%s: %s", l.q, line)
		}
	}
}
