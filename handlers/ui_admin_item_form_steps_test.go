package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The editor on a long form: each step lands where the field it acted on now is, a field can
// be moved to a position in one step, and problems wait for the preview or the save instead of
// shouting at a field that was only just added.

// buttonAction is the formaction of the button with the id, or "" when it has none.
func buttonAction(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<button\b[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(page)
	if m == "" {
		t.Fatalf("no button %s on the page", id)
	}
	return tagAttrs(m[len("<button") : len(m)-1])["formaction"]
}

func TestFormEditorStepsLandAtTheFieldAndMoveToAPosition(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	code := firstItem(t, env, "scj")
	action := "/admin/items/" + code + "/form"
	page, v := openEditor(t, env, client, code)
	n := fieldCount(t, v)
	if n < 5 {
		t.Fatalf("the default form has only %d fields", n)
	}
	for i := 1; i <= n; i++ {
		if !strings.Contains(page, `id="fe-field-`+strconv.Itoa(i)+`"`) {
			t.Errorf("field %d has no anchor", i)
		}
	}
	// Field 4 (index 3): up lands on the third box, down on the fifth, remove on the fourth,
	// which the next field then is; add lands on the field it appends.
	for id, want := range map[string]string{"f3-up": "#fe-field-3", "f3-down": "#fe-field-5", "f3-remove": "#fe-field-4",
		"f" + strconv.Itoa(n-1) + "-remove": "#fe-field-" + strconv.Itoa(n-1), "op-add": "#fe-field-" + strconv.Itoa(n+1)} {
		if got := buttonAction(t, page, id); got != action+want {
			t.Errorf("%s posts to %q, want %q", id, got, action+want)
		}
	}

	// A field just added is not yet wrong.
	status, page, _ := editorPost(t, env, client, code, v, "add")
	v = editorValues(t, page)
	if status != http.StatusOK || fieldCount(t, v) != n+1 || !strings.Contains(page, `id="fe-field-`+strconv.Itoa(n+1)+`"`) {
		t.Fatalf("add = %d, %d fields", status, fieldCount(t, v))
	}
	if strings.Contains(page, "请填写字段标识") || strings.Contains(page, "请填写中文标签") || strings.Contains(page, `id="problems"`) {
		t.Error("a freshly added field is shown with problems before anything was typed")
	}

	// Move the new (last) field to position 2 in one step; the page focuses it there.
	last := "f" + strconv.Itoa(n) + "."
	firstKey, secondKey := v.Get("f0.key"), v.Get("f1.key")
	v.Set(last+"move_to", "2")
	status, page, _ = editorPost(t, env, client, code, v, "move:"+strconv.Itoa(n))
	v = editorValues(t, page)
	if status != http.StatusOK || v.Get("f0.key") != firstKey || v.Get("f1.key") != "" || v.Get("f2.key") != secondKey || fieldCount(t, v) != n+1 {
		t.Fatalf("move to 2 = %d; keys %q %q %q", status, v.Get("f0.key"), v.Get("f1.key"), v.Get("f2.key"))
	}
	if !regexp.MustCompile(`<input id="f1-move_to"[^>]*autofocus`).MatchString(page) {
		t.Error("the moved field is not focused at its new position")
	}
	if strings.Contains(page, "请填写字段标识") {
		t.Error("moving a blank field shows its problems")
	}
	// A position outside the form is refused beside the field and moves nothing.
	for _, bad := range []string{"0", strconv.Itoa(n + 2), "二", ""} {
		w := cloneValues(v)
		w.Set("f4.move_to", bad)
		status, page, _ = editorPost(t, env, client, code, w, "move:4")
		got := editorValues(t, page)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f4-move_to-error"`) ||
			!strings.Contains(page, "请填写要移到的位置：1 到 "+strconv.Itoa(n+1)+" 之间的整数") || got.Get("f4.key") != v.Get("f4.key") {
			t.Errorf("move to %q = %d", bad, status)
		}
	}

	// A step shows the problems of the field it acted on, not those of the others.
	movedKey := v.Get("f3.key")
	v.Set("f3.label_zh", "")
	v.Set("f5.key", "Bad Key")
	status, page, _ = editorPost(t, env, client, code, v, "down:3")
	v = editorValues(t, page)
	if status != http.StatusOK || v.Get("f4.key") != movedKey {
		t.Fatalf("down = %d; field 5 is %q", status, v.Get("f4.key"))
	}
	if !strings.Contains(page, `id="f4-label_zh-error"`) {
		t.Error("the moved field's missing label is not shown after the move")
	}
	if strings.Contains(page, `-key-error"`) {
		t.Error("a step shows the problems of a field it did not act on")
	}
	// The preview checks the whole form, the blank field included.
	status, page, _ = editorPost(t, env, client, code, v, "preview")
	page = html.UnescapeString(page)
	for _, want := range []string{`id="f1-key-error"`, `id="f1-label_zh-error"`, `id="f4-label_zh-error"`, `id="f5-key-error"`, `id="problems"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview (%d) lacks %s", status, want)
		}
	}
}

// editorWith is the editor's post of a working copy of the given fields (name → value per
// field, "key", "type" …), started from the item's current version.
func editorWith(t *testing.T, env *demoEnv, client *http.Client, code string, fields ...map[string]string) url.Values {
	t.Helper()
	_, v := openEditor(t, env, client, code)
	out := url.Values{"csrf_token": {v.Get("csrf_token")}, "version": {v.Get("version")}, "form_version": {"1"},
		"fields": {strconv.Itoa(len(fields))}}
	for i, f := range fields {
		for k, x := range f {
			out.Set("f"+strconv.Itoa(i)+"."+k, x)
		}
	}
	return out
}

func TestFormEditorPreviewSaysConditionsAndPatternsInThePageLanguage(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	code := firstItem(t, env, "scj")
	v := editorWith(t, env, client, code,
		map[string]string{"key": "online", "label_zh": "是否网络经营", "label_en": "Sells online", "type": "checkbox"},
		map[string]string{"key": "website", "label_zh": "网店地址", "type": "text", "if_field": "online", "if_equals": "true"},
		map[string]string{"key": "offline", "label_zh": "实体店说明", "type": "text", "if_field": "online", "if_equals": "false"},
		map[string]string{"key": "kind", "label_zh": "经营类别", "label_en": "Kind", "type": "select", "options": "retail=零售|Retail\ncatering=餐饮|Catering"},
		map[string]string{"key": "seats", "label_zh": "就餐座位数", "type": "number", "if_field": "kind", "if_equals": "catering"},
		map[string]string{"key": "licence", "label_zh": "许可证号", "type": "text", "pattern": "[A-Z]{2}(\\d+"},
	)
	status, page, _ := editorPost(t, env, client, code, v, "preview")
	page = html.UnescapeString(page)
	for _, want := range []string{"仅当「是否网络经营」选择「是」时填写", "仅当「是否网络经营」选择「否」时填写", "仅当「经营类别」选择「餐饮」时填写",
		"正则表达式有误：缺少右括号 )", `id="f5-pattern-error"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview (%d) lacks %q", status, want)
		}
	}
	if strings.Contains(page, "缺少右括号 )（") || strings.Contains(page, "“true”") || strings.Contains(page, "error parsing regexp") {
		t.Error("the preview shows a raw condition value or Go's regexp message")
	}

	fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/form?lang=en", nil)
	defer fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/form?lang=zh-CN", nil)
	v.Set("f5.pattern", "[a-z")
	_, page, _ = editorPost(t, env, client, code, v, "preview")
	page = html.UnescapeString(page)
	for _, want := range []string{"Only when “Sells online” is “Yes”", "Only when “Kind” is “Catering”",
		"The regular expression is wrong: a closing bracket ] is missing (at character 1, “[a-z”)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the English preview lacks %q", want)
		}
	}
}
