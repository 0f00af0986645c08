package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"onewindow/models/form"
)

// A dictionary's page names the items whose forms take it, warns before an edit takes out an
// option a form's condition waits on, and asks why it is changed.

func TestFormDictionaryPageShowsItsUsesAndGuardsConditions(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	base := env.http.URL + "/admin/forms/dictionaries"
	page := base + "/" + url.PathEscape("车辆类型")

	// A dictionary without any title is refused; the Chinese title is required.
	create := url.Values{"csrf_token": {token}, "name": {"车辆类型"}, "options": {"small=小型汽车\nlarge=大型汽车\nbus=客车"}}
	if status, body, _ := fetch(t, client, http.MethodPost, base, create); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="label_zh-error"`) || !strings.Contains(body, "请填写中文标题") {
		t.Fatalf("create without a Chinese title = %d", status)
	}
	create.Set("label_zh", "机动车类型")
	if status, _, _ := fetch(t, client, http.MethodPost, base, create); status != http.StatusSeeOther {
		t.Fatalf("create = %d", status)
	}

	if _, body, _ := fetch(t, client, http.MethodGet, page, nil); !strings.Contains(body, `id="no-uses"`) {
		t.Error("a new dictionary does not say that no form uses it")
	}

	// An item's form takes it, with a question asked only for buses.
	code := firstItem(t, env, "scj")
	_, _, s := formDefinition(t, env, code)
	s.Fields = append(s.Fields,
		form.Field{Key: "vehicle", Type: form.TypeSelect, Label: form.Text{Zh: "车型"}, Dictionary: "车辆类型"},
		form.Field{Key: "bus_seats", Type: form.TypeNumber, Label: form.Text{Zh: "客车座位数"}, VisibleIf: &form.Condition{Field: "vehicle", Equals: "bus"}})
	it := adminItem(t, env, code)
	if status, body := call(t, env, "PUT", "/api/v1/items/"+code+"/form", loginToken(t, env, "catalog"),
		map[string]any{"form": s, "reason": "按车型收取材料", "version": it.Version}); status != http.StatusOK {
		t.Fatalf("save the form = %d %s", status, body)
	}

	start := time.Now()
	status, body, _ := fetch(t, client, http.MethodGet, page, nil)
	t.Logf("the dictionary page took %v", time.Since(start))
	body = html.UnescapeString(body)
	if status != http.StatusOK || !strings.Contains(body, "使用本字典的事项（1 个）") ||
		!strings.Contains(body, `<a href="/admin/items/`+code+`/form">`+it.Name+`</a> <code>`+code+`</code>`) || !strings.Contains(body, "「车型」") {
		t.Errorf("the dictionary page (%d) does not list the item using it", status)
	}
	if !strings.Contains(body, "最后修改：catalog，") {
		t.Error("the dictionary page does not say who changed it last and when")
	}
	_, other, _ := fetch(t, client, http.MethodGet, base+"/"+url.PathEscape("民族"), nil)
	if strings.Contains(other, `id="no-uses"`) || !strings.Contains(other, "最后修改：系统（默认字典），") {
		t.Error("a shipped dictionary the demo forms take does not list them, or does not say who changed it")
	}

	// Taking out "bus" needs a reason and a confirmation; until then nothing changes.
	edit := url.Values{"csrf_token": {token}, "label_zh": {"机动车类型"}, "options": {"small=小型汽车\nlarge=大型汽车"}}
	status, body, _ = fetch(t, client, http.MethodPost, page, edit)
	body = html.UnescapeString(body)
	for _, want := range []string{`id="reason-error"`, "请填写修改原因", `id="blocked"`, "「客车座位数」仅当「车型」选择“bus”时填写", `id="confirm-error"`} {
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("the edit without reason or confirmation (%d) lacks %q", status, want)
		}
	}
	edit.Set("reason", "不再办理客车")
	if status, body, _ = fetch(t, client, http.MethodPost, page, edit); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="confirm-error"`) ||
		strings.Contains(body, `id="reason-error"`) {
		t.Errorf("the edit without confirmation = %d", status)
	}
	if n := dictOptions(t, env, "车辆类型"); n != 3 {
		t.Fatalf("a refused edit changed the dictionary: %d options", n)
	}
	edit.Set("confirm_removal", "1")
	if status, _, _ = fetch(t, client, http.MethodPost, page, edit); status != http.StatusSeeOther {
		t.Fatalf("the confirmed edit = %d", status)
	}
	if n := dictOptions(t, env, "车辆类型"); n != 2 {
		t.Errorf("the confirmed edit left %d options", n)
	}
	// Relabelling keeps every option: no confirmation needed.
	edit.Del("confirm_removal")
	edit.Set("options", "small=小型汽车|Small car\nlarge=大型汽车|Large car")
	if status, _, _ = fetch(t, client, http.MethodPost, page, edit); status != http.StatusSeeOther {
		t.Errorf("a relabelling edit = %d", status)
	}

	// The shipped dictionaries have no titles: the list shows their names, in either language.
	_, list, _ := fetch(t, client, http.MethodGet, base+"?lang=en", nil)
	defer fetch(t, client, http.MethodGet, base+"?lang=zh-CN", nil)
	if !strings.Contains(list, `<tr data-name="民族"><th scope="row">民族</th><td>民族</td>`) ||
		!strings.Contains(list, `<tr data-name="车辆类型"><th scope="row">车辆类型</th><td>车辆类型</td>`) {
		t.Error("the English list does not show a dictionary's name where it has no English title")
	}
}

// dictOptions is the number of options of a dictionary, read through the API.
func dictOptions(t *testing.T, env *demoEnv, name string) int {
	t.Helper()
	var dicts struct {
		Dictionaries []struct {
			Name    string
			Options []struct{ Value string }
		}
	}
	getJSONFrom(t, env, "/api/v1/form-dictionaries", &dicts)
	for _, d := range dicts.Dictionaries {
		if d.Name == name {
			return len(d.Options)
		}
	}
	return -1
}
