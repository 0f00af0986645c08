package handlers_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/models/form"
	"onewindow/workflow"
)

// The item's application form on the pages: the online application, the
// window's intake, the staff pages, the receipt, the status page and the
// printed 申请表.

const foodLicence = "食品经营许可（新办）" // a demo item with a real form: dictionaries, a table, conditions

// foodOrg is the organisation applying for the food licence, as the
// form's example answers name it.
var foodOrg = struct{ name, code, phone, address string }{"集宁区好味道餐饮有限公司", "91150902MA0N3K7T1C", "13904741234", "集宁区新华街18号一层"}

// sampleCreditCode is a valid unified social credit code.
const sampleCreditCode = "91350100M000100Y43"

// namedItem is the demo item with the exact name.
func namedItem(t testing.TB, name string) models.Item {
	t.Helper()
	for _, it := range demoByCode() {
		if it.Name == name {
			return it
		}
	}
	t.Fatalf("no demo item named %s", name)
	return models.Item{}
}

// itemSchema is the application form of a demo item.
func itemSchema(t testing.TB, code string) *form.Schema {
	t.Helper()
	it, ok := demoByCode()[code]
	if !ok {
		t.Fatalf("no demo item %s", code)
	}
	sc, _, err := it.ApplicationForm()
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// sampleValues are answers the demo item's form accepts for the applicant:
// the form's example, or a sample of the default form. A sample has no
// identity number it was not given: a person applying for an item that
// serves organisations only gives the organisation's code.
func sampleValues(t testing.TB, code, kind, name, id string) (*form.Schema, form.Values) {
	t.Helper()
	sc := itemSchema(t, code)
	v, err := form.FromJSON(sc, sampleAnswers(code, kind, name, id))
	if err != nil {
		t.Fatal(err)
	}
	vis := form.Visible(sc, v)
	for _, f := range sc.Fields {
		if f.Type == form.TypeIDNumber && f.Required && vis[f.Key] && v[f.Key] == nil {
			v[f.Key] = sampleCreditCode
		}
	}
	return sc, v
}

// apiAnswers are sampleValues as the API's "form" object.
func apiAnswers(t testing.TB, code, kind, name, id string) json.RawMessage {
	t.Helper()
	sc, v := sampleValues(t, code, kind, name, id)
	b, err := form.ToJSON(sc, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pageAnswers returns sampleValues as a browser posts them; the questions
// the page's applicant block asks (prefilled from the applicant's kind,
// name, identity number, phone or address) are left out, as the page
// leaves them out.
func pageAnswers(t testing.TB, code, kind, name, id string) url.Values {
	t.Helper()
	sc, v := sampleValues(t, code, kind, name, id)
	asked := map[string]bool{"kind": true, "phone": true, "address": true, "name": true, "id_number": true}
	if kind == models.ApplicantOrganisation {
		asked = map[string]bool{"kind": true, "phone": true, "address": true, "org_name": true, "credit_code": true}
	}
	return postInputs(sc, v, func(f *form.Field) bool { return asked[f.Prefill] })
}

// postInputs are answers as a page's inputs: "form.<key>", a multiselect's
// key repeated, a ticked checkbox "true" (an unticked one is not posted),
// table cells "form.<key>.<row>.<column>"; fields skip names are left out.
func postInputs(sc *form.Schema, v form.Values, skip func(*form.Field) bool) url.Values {
	out := url.Values{}
	for _, f := range sc.Fields {
		if skip(&f) {
			continue
		}
		name := form.PostPrefix + f.Key
		switch x := v[f.Key].(type) {
		case string:
			if f.Type != form.TypeCheckbox || x == "true" {
				out.Set(name, x)
			}
		case []string:
			out[name] = x
		case []map[string]string:
			for r, row := range x {
				for col, cell := range row {
					out.Set(name+"."+strconv.Itoa(r)+"."+col, cell)
				}
			}
		}
	}
	return out
}

// foodApply is a complete online application for the food licence by its
// organisation, with its form's example answers.
func foodApply(t *testing.T, code, token string) url.Values {
	t.Helper()
	v := pageAnswers(t, code, models.ApplicantOrganisation, foodOrg.name, foodOrg.code)
	v.Set("kind", models.ApplicantOrganisation)
	v.Set("name", foodOrg.name)
	v.Set("id_number", foodOrg.code)
	v.Set("phone", foodOrg.phone)
	v.Set("address", foodOrg.address)
	v.Set("form_token", token)
	return v
}

func TestApplyPageRendersTheItemsOwnForm(t *testing.T) {
	parallel(t)
	it := namedItem(t, foodLicence)
	status, page := get(t, "/items/"+it.Code+"/apply")
	if status != 200 {
		t.Fatalf("apply page: %d", status)
	}
	for _, want := range []string{
		`id="apply-fields"`, "申请表",
		`<select id="f-business_form" name="form.business_form"`, `<option value="catering">餐饮服务经营者</option>`, // a dictionary's options
		`name="form.business_items" value="hot"`, "热食类食品制售", // a multiselect as checkboxes
		`name="form.area" type="number" value="" step="any" min="1" max="100000"`,
		`name="form.staff.0.name"`, `name="form.staff.1.health_cert"`, // a table with blank rows to fill
		`type="checkbox" id="f-online" name="form.online" value="true"`,
		"仅当「是否网络经营」选择「是」时填写", "仅当「经营项目」选择「冷食类食品制售」时填写", // conditions, shown without scripts
		`data-if-name="form.online" data-if-equals="true"`,
		"经营场所", "与营业执照登记的住所一致，写明门牌号和楼层", // labels and help
		`name="form.legal_rep_id" type="text" value="" maxlength="18" autocomplete="off" spellcheck="false"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the apply page lacks %q", want)
		}
	}
	// The applicant block asks the phone once; the operator's name and code
	// it asks of an organisation, so they are the form's for a person.
	for _, asked := range []string{`name="form.phone"`, `name="content"`, `name="delivery"`} {
		if strings.Contains(page, asked) {
			t.Errorf("the apply page asks %s twice or still has the old inputs", asked)
		}
	}
	if !strings.Contains(page, `data-name="form.org_name" data-asked-of="organisation">`) {
		t.Error("the operator's name is not asked of a person applying")
	}
	if n := strings.Count(page, `name="form.staff.`); n != 2*3 {
		t.Errorf("the staff table offers %d cells, want 2 blank rows of 3", n)
	}
	status, page = get(t, "/items/"+it.Code+"/apply?lang=en")
	for _, want := range []string{"Application form", "Business form", "Catering service", "Only when “Sells online” is “Yes”", "Add a row"} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("the English apply page (%d) lacks %q", status, want)
		}
	}
}

var fieldError = regexp.MustCompile(`<p class="field-error" id="([^"]+)-err">([^<]*)</p>`)

// fieldErrors are the messages next to the page's inputs, by input id.
func fieldErrors(page string) map[string]string {
	out := map[string]string{}
	for _, m := range fieldError.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func TestApplyWithTheItemsFormShowsEachProblemByItsFieldAndFilesTheCorrectedForm(t *testing.T) {
	env := newDemoEnv(t)
	it := namedItem(t, foodLicence)
	g := guide{}
	getJSONFrom(t, env, "/api/v1/items/"+it.Code, &g)
	files := requiredFiles(g, "scan.pdf")
	cl := browserClient(t)
	u := env.http.URL + "/items/" + it.Code + "/apply"

	v := foodApply(t, it.Code, "tok-food")
	v.Del("form.food_safety_manager")     // required, left blank
	v.Set("form.area", "0.5")             // below the minimum of 1
	v.Set("form.staff.0.health_cert", "") // a required cell of an answered row
	v.Set("form.cold_room_area", "8")     // not asked: 冷食 is not chosen
	body, ctype := formBody(t, v, files, tinyPDF)
	resp, page := send(t, cl, "POST", u, body, ctype)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a form with problems: %d, want 422", resp.StatusCode)
	}
	errs := fieldErrors(page)
	for id, want := range map[string]string{
		"f-food_safety_manager": "请填写此项",
		"f-area":                "不能小于 1",
		"f-staff-0-health_cert": "请填写此项",
		"f-cold_room_area":      "此项在当前选择下不需填写，请清空",
	} {
		if errs[id] != want {
			t.Errorf("next to %s: %q, want %q", id, errs[id], want)
		}
	}
	for _, want := range []string{`id="form-errors"`, `<a href="#f-food_safety_manager">食品安全管理人员</a>：请填写此项`,
		`<a href="#f-area">经营场所面积（平方米）</a>：不能小于 1`} {
		if !strings.Contains(page, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	// Every answer typed is still there.
	for _, kept := range []string{`value="集宁区新华街18号一层"`, `value="0.5"`, `value="王芳"`, `value="https://haoweidao.example.com"`,
		`<option value="catering" selected>`, `name="form.business_items" value="hot" checked`, `name="form.online" value="true" checked`,
		`value="` + foodOrg.name + `"`} {
		if !strings.Contains(page, kept) {
			t.Errorf("the refused form lost %s", kept)
		}
	}
	if strings.Contains(page, "is required") || strings.Contains(page, "must be at least") {
		t.Error("the page shows the core's English message")
	}
	if n := filedCount(t, env); n != 0 {
		t.Fatalf("%d applications filed from a refused form", n)
	}

	// Corrected, it files; the receipt and the status page show the answers in words.
	body, ctype = formBody(t, foodApply(t, it.Code, "tok-food-2"), files, tinyPDF)
	resp, _ = send(t, cl, "POST", u, body, ctype)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the corrected form: %d", resp.StatusCode)
	}
	resp, page = send(t, cl, "GET", env.http.URL+resp.Header.Get("Location"), nil, "")
	number, code := receiptNumber.FindStringSubmatch(page), receiptCode.FindStringSubmatch(page)
	if resp.StatusCode != 200 || number == nil || code == nil {
		t.Fatalf("receipt: %d", resp.StatusCode)
	}
	wantAnswers(t, "receipt", answersSection(t, page), map[string]string{
		"主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售、自制饮品制售", "是否网络经营": "是", "是否设中央厨房": "否",
		"经营场所面积（平方米）": "120.5", "经营者名称": foodOrg.name, "仓库地址": "未填写",
	})
	app, err := env.store.Application(context.Background(), number[1])
	if err != nil || app.Form["food_safety_manager"] != "李四" || app.Definition.Form == nil {
		t.Fatalf("stored answers %v (%v)", app.Form, err)
	}
	resp, page = postForm(t, cl, env.http.URL+"/status", url.Values{"number": {number[1]}, "code": {code[1]}})
	if resp.StatusCode != 200 {
		t.Fatalf("status: %d", resp.StatusCode)
	}
	section := answersSection(t, page)
	wantAnswers(t, "status", section, map[string]string{"主体业态": "餐饮服务经营者", "网址": "https://haoweidao.example.com"})
	for _, cell := range []string{"<th scope=\"col\">健康证明编号</th>", "<td>JK2026-0012</td>"} {
		if !strings.Contains(section, cell) {
			t.Errorf("the status page's staff table lacks %s", cell)
		}
	}
	if strings.Contains(section, "冷食类专间面积") {
		t.Error("the status page lists a question that was not asked")
	}
}

// answersSection is the answers part of a page.
func answersSection(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `id="answers"`)
	if i < 0 {
		t.Fatal("the page shows no answers")
	}
	rest := page[i:]
	return rest[:strings.Index(rest, "</section>")]
}

var answerRowText = regexp.MustCompile(`(?s)<tr data-key="[^"]*"><th scope="row">([^<]*)</th><td>(.*?)</td></tr>`)

// wantAnswers checks answers shown as label → text.
func wantAnswers(t *testing.T, where, section string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, m := range answerRowText.FindAllStringSubmatch(section, -1) {
		got[m[1]] = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[2], "")
	}
	for label, text := range want {
		if got[label] != text {
			t.Errorf("%s: %s = %q, want %q", where, label, got[label], text)
		}
	}
}

// lostAnswers lists the posted answers of the item's form that a page
// showing the form again does not show.
func lostAnswers(page string, posted url.Values) []string {
	var lost []string
	for name, vals := range posted {
		if !strings.HasPrefix(name, form.PostPrefix) {
			continue
		}
		for _, v := range vals {
			esc := html.EscapeString(v)
			if !strings.Contains(page, `value="`+esc+`"`) && !strings.Contains(page, ">"+esc+"</textarea>") {
				lost = append(lost, name+"="+v)
			}
		}
	}
	return lost
}

func TestWindowIntakeRegistersTheFormAndStaffPagesShowAndPrintTheAnswers(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "window1")
	it, err := env.store.Item(context.Background(), namedItem(t, foodLicence).Code)
	if err != nil {
		t.Fatal(err)
	}
	v := intakeForm(t, env, client, it)
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/new?item="+it.Code, nil)
	for _, want := range []string{`id="intake-fields"`, `name="form.business_form"`, "仅当「是否网络经营」选择「是」时填写", `name="form.staff.0.name"`} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the intake page (%d) lacks %q", status, want)
		}
	}
	v.Del("form.legal_rep")
	status, body, _ = fetch(t, client, http.MethodPost, env.http.URL+"/window/new", v)
	if status != http.StatusUnprocessableEntity || fieldErrors(body)["f-legal_rep"] != "请填写此项" ||
		!strings.Contains(body, `<a href="#f-legal_rep">法定代表人（负责人）</a>：请填写此项`) {
		t.Fatalf("intake without a required answer = %d; want 422 naming the field", status)
	}
	if lost := lostAnswers(body, v); len(lost) > 0 {
		t.Errorf("the refused intake lost %v", lost)
	}
	v.Set("form.legal_rep", "张三")
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/window/new", v)
	m := filedLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("register with the form = %d", status)
	}
	number := m[1]
	if app := application(t, env, number); app.Form["business_form"] != "catering" || app.Form["legal_rep"] != "张三" || app.Channel != models.ChannelWindow {
		t.Fatalf("stored answers %v, channel %s", app.Form, app.Channel)
	}
	staffAnswers := map[string]string{"主体业态": "餐饮服务经营者", "经营项目": "热食类食品制售、自制饮品制售", "法定代表人（负责人）": "张三", "是否网络经营": "是"}

	// The window's page of the application, and its printed form.
	_, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+number, nil)
	wantAnswers(t, "window page", answersSection(t, body), staffAnswers)
	printURL := "/applications/" + number + "/form/print"
	if !strings.Contains(body, `href="`+printURL+`"`) {
		t.Error("the window page does not link the printed form")
	}
	status, body, _ = fetch(t, client, http.MethodGet, env.http.URL+printURL, nil)
	if status != http.StatusOK {
		t.Fatalf("print = %d", status)
	}
	for _, want := range []string{"食品经营许可（新办）申请表", `id="form-number">` + number + `<`, "王窗口", workflow.MaskID(walkInID), "申请人（签名或盖章）", "申请人声明",
		"<td>王芳</td>", "<td>JK2026-0012</td>", "演示系统打印件"} {
		if !strings.Contains(body, want) {
			t.Errorf("the printed form lacks %q", want)
		}
	}
	wantAnswers(t, "printed form", body[strings.Index(body, `id="form-answers"`):], staffAnswers)
	_, body, _ = fetch(t, client, http.MethodGet, env.http.URL+printURL+"?lang=en", nil)
	wantAnswers(t, "English printed form", body[strings.Index(body, `id="form-answers"`):], map[string]string{
		"Business form": "Catering service", "Business items": "Hot food, Home-made drinks", "Sells online": "Yes", "Has a central kitchen": "No"})
	if !strings.Contains(body, `Application form: <span lang="zh-CN">食品经营许可（新办）</span>`) || !strings.Contains(body, "Applicant (signature or seal):") {
		t.Error("the English printed form lacks its title or signature line")
	}

	// The department's page shows the answers; printing is the window's.
	reviewer := staffClient(t, env, it.DepartmentCode+".review")
	status, body, _ = fetch(t, reviewer, http.MethodGet, env.http.URL+"/tasks/"+number, nil)
	if status != http.StatusOK {
		t.Fatalf("task page = %d", status)
	}
	wantAnswers(t, "task page", answersSection(t, body), staffAnswers)
	if strings.Contains(body, `href="`+printURL+`"`) {
		t.Error("the task page links a print the reviewer may not open")
	}
	if status, _, _ := fetch(t, reviewer, http.MethodGet, env.http.URL+printURL, nil); status != http.StatusForbidden {
		t.Errorf("print by a reviewer = %d, want 403", status)
	}
	if status, _, _ := fetch(t, staffClientless(), http.MethodGet, env.http.URL+printURL, nil); status != http.StatusSeeOther {
		t.Errorf("print without a login = %d, want the login redirect", status)
	}
}

func TestApplicationsFiledBeforeFormsShowTheirAnswersAsStored(t *testing.T) {
	env := newStaffEnv(t)
	it, err := env.store.Item(context.Background(), namedItem(t, foodLicence).Code)
	if err != nil {
		t.Fatal(err)
	}
	filed, err := env.store.CreateApplication(context.Background(), models.NewApplication{Item: it, Channel: models.ChannelOnline,
		Actor: "applicant", Now: time.Now(), Form: models.FormData{"content": "申请开办小型餐饮店"},
		Applicant: models.Applicant{Kind: "person", IDKind: "resident_id", IDNumber: walkInID, Name: "王旧表"}})
	if err != nil {
		t.Fatal(err)
	}
	client := staffClient(t, env, "window1")
	_, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/window/applications/"+filed.Number, nil)
	section := answersSection(t, body)
	wantAnswers(t, "window page", section, map[string]string{"content": "申请开办小型餐饮店"})
	if !strings.Contains(section, "本申请提交时尚无申请表定义") {
		t.Error("the page does not say the answers are shown as stored")
	}
}

// openItem is a demo item taking applications now whose form is the
// default one, serving the applicant kinds serves accepts.
func openItem(t *testing.T, env *demoEnv, serves func(objs []string) bool) models.Item {
	t.Helper()
	return demoItem(t, func(it models.Item) bool {
		if it.FormSchema != "" || !serves(it.ServiceObjects) {
			return false
		}
		var g guide
		getJSONFrom(t, env, "/api/v1/items/"+it.Code, &g)
		return g.Open
	})
}

func TestApplyPageFillsWhatTheCitizenAccountKnows(t *testing.T) {
	env := newDemoEnv(t)
	citizen := staffClient(t, env, "citizen1")
	personal := openItem(t, env, func(objs []string) bool { return len(objs) == 1 && objs[0] == "person" })
	_, body, _ := fetch(t, citizen, http.MethodGet, env.http.URL+"/items/"+personal.Code+"/apply", nil)
	for _, want := range []string{`id="name" name="name" type="text" value="演示市民"`, `value="` + demo.CitizenID + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("a person's application lacks %s from the account", want)
		}
	}
	for _, key := range []string{"name", "id_number"} {
		if !strings.Contains(body, `data-name="form.`+key+`" data-asked-of="person" hidden>`) {
			t.Errorf("the form asks again for the %s the applicant block asks", key)
		}
	}
	// Applying for an organisation, the account's holder is its agent.
	org := openItem(t, env, func(objs []string) bool { return len(objs) > 0 && !slices.Contains(objs, "person") })
	_, body, _ = fetch(t, citizen, http.MethodGet, env.http.URL+"/items/"+org.Code+"/apply", nil)
	if !strings.Contains(body, `name="form.agent_name" type="text" value="演示市民"`) || strings.Contains(body, `id="name" name="name" type="text" value="演示市民"`) {
		t.Error("an organisation's application does not name the account's holder as its agent, or names them the applicant")
	}
	// A visitor gets an empty form.
	_, body = get(t, "/items/"+org.Code+"/apply")
	if strings.Contains(body, "演示市民") {
		t.Error("a visitor's form is filled from an account")
	}
}
