package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/models/form"
)

// The application form editor, driven the way a browser without JavaScript drives it: read
// the page's form, change some inputs, press one of its buttons, read the page again.

var (
	editorFormRe = regexp.MustCompile(`(?s)<form [^>]*id="form-editor"[^>]*>(.*?)</form>`)
	inputTagRe   = regexp.MustCompile(`<input\b([^>]*)>`)
	textareaRe   = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectRe     = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionTagRe  = regexp.MustCompile(`<option\b([^>]*)>`)
	attrRe       = regexp.MustCompile(`([a-z_-]+)(?:="([^"]*)")?`)
)

func tagAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// editorValues reads what the editor page's form would post: its inputs (checked boxes
// only; no buttons or files), textareas and each select's chosen option.
func editorValues(t *testing.T, page string) url.Values {
	t.Helper()
	m := editorFormRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no editor form on the page:\n%.2000s", page)
	}
	body := m[1]
	v := url.Values{}
	for _, in := range inputTagRe.FindAllStringSubmatch(body, -1) {
		a := tagAttrs(in[1])
		_, checked := a["checked"]
		switch {
		case a["name"] == "", a["type"] == "file", a["type"] == "submit":
		case a["type"] == "checkbox" && !checked:
		default:
			v.Add(a["name"], a["value"])
		}
	}
	for _, ta := range textareaRe.FindAllStringSubmatch(body, -1) {
		v.Add(tagAttrs(ta[1])["name"], html.UnescapeString(ta[2]))
	}
	for _, sel := range selectRe.FindAllStringSubmatch(body, -1) {
		name, chosen := tagAttrs(sel[1])["name"], ""
		for i, o := range optionTagRe.FindAllStringSubmatch(sel[2], -1) {
			a := tagAttrs(o[1])
			if _, ok := a["selected"]; ok || i == 0 {
				chosen = a["value"]
			}
		}
		v.Add(name, chosen)
	}
	return v
}

// editorPost presses the button op of the editor with the working copy v.
func editorPost(t *testing.T, env *demoEnv, client *http.Client, code string, v url.Values, op string) (int, string, *http.Response) {
	t.Helper()
	v = cloneValues(v)
	v.Set("op", op)
	return fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/form", v)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// fieldCount is the number of fields of the working copy on a page.
func fieldCount(t *testing.T, v url.Values) int {
	t.Helper()
	n, err := strconv.Atoi(v.Get("fields"))
	if err != nil {
		t.Fatalf("no field count: %v", v)
	}
	return n
}

// formDefinition reads an item's form through the public API.
func formDefinition(t *testing.T, env *demoEnv, code string) (custom bool, version int, s form.Schema) {
	t.Helper()
	var def struct {
		Custom      bool        `json:"custom"`
		ItemVersion int         `json:"item_version"`
		Form        form.Schema `json:"form"`
	}
	getJSONFrom(t, env, "/api/v1/items/"+code+"/form/definition", &def)
	return def.Custom, def.ItemVersion, def.Form
}

func openEditor(t *testing.T, env *demoEnv, client *http.Client, code string) (string, url.Values) {
	t.Helper()
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/form", nil)
	if status != http.StatusOK {
		t.Fatalf("editor of %s = %d\n%.1500s", code, status, body)
	}
	return body, editorValues(t, body)
}

func TestFormEditorAddsMovesAndSavesAField(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	page, v := openEditor(t, env, client, code)
	if !strings.Contains(page, "使用默认表单") || !strings.Contains(page, "第 "+strconv.Itoa(before.Version)+" 版") {
		t.Errorf("the editor does not say which form and version the item has")
	}
	n := fieldCount(t, v)

	status, page, _ := editorPost(t, env, client, code, v, "add")
	v = editorValues(t, page)
	if status != http.StatusOK || fieldCount(t, v) != n+1 || v.Get("f"+strconv.Itoa(n)+".type") != "text" {
		t.Fatalf("add = %d, %d fields", status, fieldCount(t, v))
	}
	p := "f" + strconv.Itoa(n) + "."
	v.Set(p+"key", "shop_kind")
	v.Set(p+"label_zh", "经营类别")
	v.Set(p+"label_en", "Kind of business")
	v.Set(p+"type", "select")
	v.Set(p+"required", "1")
	v.Set(p+"options", "retail=零售|Retail\ncatering=餐饮|Catering")
	status, page, _ = editorPost(t, env, client, code, v, "up:"+strconv.Itoa(n))
	v = editorValues(t, page)
	moved := "f" + strconv.Itoa(n-1) + "."
	if status != http.StatusOK || v.Get(moved+"key") != "shop_kind" || v.Get(moved+"options") != "retail=零售|Retail\ncatering=餐饮|Catering" {
		t.Fatalf("up = %d; field %d is %q", status, n-1, v.Get(moved+"key"))
	}
	if after := adminItem(t, env, code); after.Version != before.Version {
		t.Fatal("an editing step stored the form")
	}

	// Without a reason nothing is saved.
	status, page, _ = editorPost(t, env, client, code, v, "save")
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "请填写修改原因") {
		t.Errorf("save without a reason = %d", status)
	}
	v.Set("reason", "按新版申请书增加经营类别")
	status, _, resp := editorPost(t, env, client, code, v, "save")
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/items/"+code+"/form?saved=1" {
		t.Fatalf("save = %d %s", status, resp.Header.Get("Location"))
	}
	_, page, _ = fetch(t, client, http.MethodGet, env.http.URL+resp.Header.Get("Location"), nil)
	if !strings.Contains(page, "申请表单已保存") || !strings.Contains(page, "使用本事项自有表单") {
		t.Error("after the save the editor does not say it was saved and that the item has its own form")
	}

	custom, version, s := formDefinition(t, env, code)
	if !custom || version != before.Version+1 || len(s.Fields) != n+1 {
		t.Fatalf("definition: custom %v, version %d, %d fields", custom, version, len(s.Fields))
	}
	f := s.Fields[n-1]
	if f.Key != "shop_kind" || f.Type != form.TypeSelect || !f.Required || len(f.Options) != 2 ||
		f.Options[1] != (form.Option{Value: "catering", Label: form.Text{Zh: "餐饮", En: "Catering"}}) {
		t.Errorf("saved field = %+v", f)
	}

	_, hist, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history", nil)
	for _, want := range []string{"申请表单修改", "新增字段「经营类别」（shop_kind）：单选，必填，选项：零售、餐饮，第 " + strconv.Itoa(n) + " 项",
		"按新版申请书增加经营类别", "改用本事项自有的申请表单"} {
		if !strings.Contains(hist, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	if strings.Contains(hist, "调整字段顺序") || strings.Contains(hist, `"fields":[`) {
		t.Error("the history reports a move that did not happen, or the form's JSON")
	}
	_, hist, _ = fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history?lang=en", nil)
	if !strings.Contains(hist, "Added field “Kind of business” (shop_kind): Single choice, required, options: Retail, Catering, item "+strconv.Itoa(n)) || !strings.Contains(hist, "Application form changed") {
		t.Error("the English history does not read the form's change in English")
	}

	// Back to the default form: load it, save it, and the item follows its guide again.
	fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history?lang=zh-CN", nil)
	_, v = openEditor(t, env, client, code)
	status, page, _ = editorPost(t, env, client, code, v, "reset_default")
	v = editorValues(t, page)
	if status != http.StatusOK || fieldCount(t, v) != n || !strings.Contains(page, `id="is-default"`) {
		t.Fatalf("reset to the default form = %d, %d fields", status, fieldCount(t, v))
	}
	v.Set("reason", "恢复默认表单")
	if status, _, _ := editorPost(t, env, client, code, v, "save"); status != http.StatusSeeOther {
		t.Fatalf("save the default form = %d", status)
	}
	if custom, version, _ := formDefinition(t, env, code); custom || version != before.Version+2 {
		t.Errorf("after the reset: custom %v, version %d", custom, version)
	}
	_, hist, _ = fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history", nil)
	if !strings.Contains(hist, "恢复为按办事指南生成的默认表单") || !strings.Contains(hist, "删除字段「经营类别」（shop_kind）：原为单选，必填，第 "+strconv.Itoa(n)+" 项") {
		t.Error("the history does not say the item went back to the default form")
	}
	// Saving what is already stored stores nothing and says so.
	_, v = openEditor(t, env, client, code)
	v.Set("reason", "无修改")
	status, page, _ = editorPost(t, env, client, code, v, "save")
	if status != http.StatusOK || !strings.Contains(page, "没有需要保存的修改") {
		t.Errorf("save unchanged = %d", status)
	}
	if it := adminItem(t, env, code); it.Version != before.Version+2 {
		t.Errorf("an unchanged save wrote version %d", it.Version)
	}
}

func TestFormEditorRefusesADuplicateKeyAndStoresNothing(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	_, v := openEditor(t, env, client, code)
	first := v.Get("f0.key")
	v.Set("f2.key", first)
	v.Set("f3.min", "很多")
	v.Set("reason", "测试")
	status, page, _ := editorPost(t, env, client, code, v, "save")
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("save with a duplicate key = %d", status)
	}
	for _, want := range []string{`id="f2-key-error"`, "字段标识“" + first + "”与第 1 个字段重复", "第 3 个字段", "“很多”不是数字", `id="f3-min-error"`} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the refusal lacks %q", want)
		}
	}
	if got := editorValues(t, page); got.Get("f2.key") != first || got.Get("f3.min") != "很多" {
		t.Error("the refusal lost the working copy")
	}
	if after := adminItem(t, env, code); after.Version != before.Version || after.FormSchema != before.FormSchema {
		t.Error("a refused form was stored")
	}
}

func TestFormEditorRefusesAStaleVersionAndKeepsTheWorkingCopy(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	code := firstItem(t, env, "scj")
	_, v := openEditor(t, env, client, code)
	// Someone else saves a form meanwhile.
	_, _, s := formDefinition(t, env, code)
	s.Fields = append(s.Fields, form.Field{Key: "other_change", Type: form.TypeText, Label: form.Text{Zh: "他人修改"}})
	it := adminItem(t, env, code)
	if status, body := call(t, env, "PUT", "/api/v1/items/"+code+"/form", loginToken(t, env, "catalog"),
		map[string]any{"form": s, "reason": "他人修改", "version": it.Version}); status != http.StatusOK {
		t.Fatalf("concurrent save = %d %s", status, body)
	}
	v.Set("f0.label_zh", "我的修改")
	v.Set("reason", "迟到的修改")
	status, page, _ := editorPost(t, env, client, code, v, "save")
	if status != http.StatusConflict || !strings.Contains(page, "他人已将事项改到第 "+strconv.Itoa(it.Version+1)+" 版") {
		t.Fatalf("stale save = %d", status)
	}
	if editorValues(t, page).Get("f0.label_zh") != "我的修改" {
		t.Error("the stale save lost the working copy")
	}
	_, _, now := formDefinition(t, env, code)
	if now.Fields[0].Label.Zh == "我的修改" || now.Field("other_change") == nil {
		t.Error("the stale save overwrote the other change")
	}
}

func TestFormEditorOfAnotherDepartmentIsForbidden(t *testing.T) {
	env := newStaffEnv(t)
	if _, err := env.store.CreateUser(context.Background(), models.NewUser{Username: "scj.catalog", DisplayName: "市场监管局事项管理员",
		DepartmentCode: "scj", PasswordHash: demoHash(), Roles: []models.RoleAssignment{{Role: "catalogue_admin", Domain: "scj"}}}); err != nil {
		t.Fatal(err)
	}
	scoped := staffClient(t, env, "scj.catalog")
	other := firstItem(t, env, "zjj")
	before := adminItem(t, env, other)
	if status, _, _ := fetch(t, scoped, http.MethodGet, env.http.URL+"/admin/items/"+other+"/form", nil); status != http.StatusForbidden {
		t.Errorf("editor of a zjj item = %d, want 403", status)
	}
	// The working copy of an allowed editor, posted by the scoped one.
	_, v := openEditor(t, env, staffClient(t, env, "catalog"), other)
	v.Set("csrf_token", csrfToken(t, scoped, env))
	v.Set("f0.label_zh", "越权修改")
	v.Set("reason", "越权")
	if status, _, _ := editorPost(t, env, scoped, other, v, "save"); status != http.StatusForbidden {
		t.Errorf("save of a zjj item's form = %d, want 403", status)
	}
	if after := adminItem(t, env, other); after.Version != before.Version || after.FormSchema != before.FormSchema {
		t.Error("a forbidden save changed the item")
	}
	own := firstItem(t, env, "scj")
	if status, _, _ := fetch(t, scoped, http.MethodGet, env.http.URL+"/admin/items/"+own+"/form", nil); status != http.StatusOK {
		t.Errorf("editor of an own item = %d", status)
	}
	// The dictionaries serve every department: a department's administrator may not edit them.
	if status, _, _ := fetch(t, scoped, http.MethodGet, env.http.URL+"/admin/forms/dictionaries", nil); status != http.StatusForbidden {
		t.Errorf("dictionaries for a department's administrator = %d, want 403", status)
	}
}

// postMultipart posts v and one file as the editor's multipart form.
func postMultipart(t *testing.T, env *demoEnv, client *http.Client, path string, v url.Values, file string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, x := range vs {
			_ = w.WriteField(k, x)
		}
	}
	if file != "" {
		fw, err := w.CreateFormFile("import_file", file)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	w.Close()
	resp, err := client.Post(env.http.URL+path, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFormEditorExportsAndImportsTheWorkingCopy(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	_, v := openEditor(t, env, client, code)
	v.Set("f0.help_zh", "导出前的修改")
	status, body, resp := editorPost(t, env, client, code, v, "export")
	if status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export = %d, %q", status, resp.Header.Get("Content-Disposition"))
	}
	var def struct {
		ItemCode string      `json:"item_code"`
		Form     form.Schema `json:"form"`
	}
	if err := json.Unmarshal([]byte(body), &def); err != nil || def.ItemCode != code || def.Form.Fields[0].Help.Zh != "导出前的修改" {
		t.Fatalf("export body: %v %+v", err, def)
	}

	// Import it into a fresh editor: the working copy shows it, nothing is stored.
	_, fresh := openEditor(t, env, client, code)
	fresh.Set("op", "import")
	status, page := postMultipart(t, env, client, "/admin/items/"+code+"/form", fresh, "form.json", []byte(body))
	if status != http.StatusOK || !strings.Contains(page, "已将导入的表单载入工作副本") || editorValues(t, page).Get("f0.help_zh") != "导出前的修改" {
		t.Fatalf("import = %d", status)
	}
	// A bare schema imports too.
	bare, _ := json.Marshal(form.Schema{Version: 1, Fields: []form.Field{{Key: "only", Type: form.TypeText, Label: form.Text{Zh: "唯一字段"}}}})
	status, page = postMultipart(t, env, client, "/admin/items/"+code+"/form", fresh, "bare.json", bare)
	if got := editorValues(t, page); status != http.StatusOK || got.Get("fields") != "1" || got.Get("f0.key") != "only" {
		t.Errorf("bare import = %d, %s fields", status, got.Get("fields"))
	}
	// What form.Check refuses is imported for review, named, and kept through the next step.
	odd, _ := json.Marshal(map[string]any{"form": form.Schema{Version: 1, Fields: []form.Field{{Key: "t", Type: form.TypeTable, MaxRows: 2,
		Label: form.Text{Zh: "表"}, Columns: []form.Field{{Key: "c", Type: form.TypeText, Prefill: "name", Label: form.Text{Zh: "列"}}}}}}})
	status, page = postMultipart(t, env, client, "/admin/items/"+code+"/form", fresh, "odd.json", odd)
	if status != http.StatusOK || !strings.Contains(page, `id="f0-c0-prefill-error"`) {
		t.Errorf("import of a prefilled column = %d, or its problem is not shown at the column", status)
	}
	status, page, _ = editorPost(t, env, client, code, editorValues(t, page), "refresh")
	if status != http.StatusOK || !strings.Contains(page, "表格的列不能从申请人信息带出") {
		t.Errorf("the next step lost the column's prefill (%d)", status)
	}
	// What is not a form definition is refused with the reason, and keeps the working copy.
	status, page = postMultipart(t, env, client, "/admin/items/"+code+"/form", fresh, "bad.json", []byte(`{"form":{"fields":[{"kee":"x"}]}}`))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="import-error"`) || !strings.Contains(page, "kee") ||
		editorValues(t, page).Get("fields") != fresh.Get("fields") {
		t.Errorf("bad import = %d", status)
	}
	status, page = postMultipart(t, env, client, "/admin/items/"+code+"/form", fresh, "", nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "请先选择要导入的 JSON 文件") {
		t.Errorf("import without a file = %d", status)
	}
	if after := adminItem(t, env, code); after.Version != before.Version {
		t.Error("export or import stored the form")
	}
}
