package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFormDictionaryPagesListCreateAndEdit(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	base := env.http.URL + "/admin/forms/dictionaries"

	_, home, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin", nil)
	if !strings.Contains(home, `id="tool-form-dicts" href="/admin/forms/dictionaries"`) {
		t.Error("the admin home does not link the dictionaries")
	}
	status, list, _ := fetch(t, client, http.MethodGet, base, nil)
	if status != http.StatusOK || !strings.Contains(list, `<tr data-name="民族"><th scope="row">民族</th>`) ||
		!strings.Contains(list, `<td class="count">56</td>`) || !strings.Contains(list, "系统（默认字典）") {
		t.Fatalf("list = %d", status)
	}

	create := url.Values{"csrf_token": {token}, "name": {"车辆类型"}, "label_zh": {"车辆类型"}, "label_en": {"Vehicle type"},
		"options": {"small=小型汽车|Small car\r\nlarge=大型汽车"}}
	status, _, resp := fetch(t, client, http.MethodPost, base, create)
	page := base + "/" + url.PathEscape("车辆类型")
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/forms/dictionaries/"+url.PathEscape("车辆类型")+"?saved=created" {
		t.Fatalf("create = %d %s", status, resp.Header.Get("Location"))
	}
	status, body, _ := fetch(t, client, http.MethodGet, page+"?saved=created", nil)
	if status != http.StatusOK || !strings.Contains(body, "字典已新建") || !strings.Contains(body, "small=小型汽车|Small car\nlarge=大型汽车") {
		t.Errorf("new dictionary page = %d", status)
	}
	var dicts struct {
		Dictionaries []struct {
			Name    string
			Options []struct{ Value string }
		}
	}
	getJSONFrom(t, env, "/api/v1/form-dictionaries", &dicts)
	found := false
	for _, d := range dicts.Dictionaries {
		found = found || d.Name == "车辆类型" && len(d.Options) == 2
	}
	if !found {
		t.Error("the API does not list the new dictionary with its two options")
	}

	// A name that exists is refused, not replaced.
	again := url.Values{"csrf_token": {token}, "name": {"车辆类型"}, "options": {"x=替换"}}
	if status, body, _ := fetch(t, client, http.MethodPost, base, again); status != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(body), "字典“车辆类型”已存在") {
		t.Errorf("create again = %d", status)
	}
	for _, bad := range []url.Values{
		{"csrf_token": {token}, "name": {"a/b"}, "options": {"x=甲"}},
		{"csrf_token": {token}, "name": {" "}, "options": {"x=甲"}},
		{"csrf_token": {token}, "name": {"空字典"}, "options": {"\n \n"}},
	} {
		if status, body, _ := fetch(t, client, http.MethodPost, base, bad); status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) {
			t.Errorf("create %v = %d", bad, status)
		}
	}

	// An edit with a repeated value or a missing label names the option and stores nothing.
	edit := url.Values{"csrf_token": {token}, "label_zh": {"车辆类型"}, "reason": {"增加客车"}, "options": {"small=小型汽车\nlarge=大型汽车\nsmall=微型汽车\nbus="}}
	status, body, _ = fetch(t, client, http.MethodPost, page, edit)
	body = html.UnescapeString(body)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "第 3 个选项的值“small”与第 1 个重复") ||
		!strings.Contains(body, "第 4 个选项缺少中文标签") || !strings.Contains(body, "small=微型汽车") {
		t.Errorf("bad edit = %d", status)
	}
	edit.Set("options", "small=小型汽车|Small car\nlarge=大型汽车|Large car\nbus=客车|Bus")
	status, _, resp = fetch(t, client, http.MethodPost, page, edit)
	if status != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?saved=updated") {
		t.Fatalf("edit = %d", status)
	}
	_, list, _ = fetch(t, client, http.MethodGet, base, nil)
	if !strings.Contains(list, `<tr data-name="车辆类型"><th scope="row">车辆类型</th><td>车辆类型</td><td class="count">3</td>
    <td>catalog</td>`) {
		t.Error("the list does not show the edited dictionary with 3 options, changed by catalog")
	}
	if status, _, _ := fetch(t, client, http.MethodGet, base+"/"+url.PathEscape("无此字典"), nil); status != http.StatusNotFound {
		t.Errorf("unknown dictionary = %d", status)
	}
	// The form editor offers it.
	_, editor, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+firstItem(t, env, "scj")+"/form", nil)
	if !strings.Contains(editor, `<option value="车辆类型">车辆类型（3 项）</option>`) {
		t.Error("the form editor does not offer the new dictionary")
	}
}
