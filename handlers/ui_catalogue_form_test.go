package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"onewindow/models"
)

// fullGuide is the public guide with the rows these tests look at.
type fullGuide struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Version  int    `json:"version"`
	IsFee    bool   `json:"is_fee"`
	FeeBasis string `json:"fee_basis"`
	Fees     []struct {
		Name     string `json:"name"`
		Standard string `json:"standard"`
	} `json:"fees"`
	Steps []struct {
		Name       string `json:"name"`
		Days       int    `json:"days"`
		CountsTime bool   `json:"counts_toward_limit"`
	} `json:"steps"`
	HandlingKind string `json:"handling_kind"`
	Workflow     struct {
		Joint       bool `json:"joint"`
		Immediate   bool `json:"immediate"`
		Departments []struct {
			Code   string   `json:"code"`
			Stages []string `json:"stages"`
		} `json:"departments"`
	} `json:"workflow"`
}

// newItemForm is the create form filled in for a joint licence with a fee and two steps.
func newItemForm(token, code string) url.Values {
	it := &models.Item{Code: code, CatalogCode: "010220000901", Name: "户外广告设施设置许可", TypeCode: "01",
		DepartmentCode: "scj", OnApplication: true, PowerSource: "statutory", UseLevel: "district",
		// Joint (scj with zjj): the statutory limit is the joint limit of 45 working days.
		HandlingKind: models.KindPromised, StatutoryDays: models.IntPtr(45), PromisedDays: models.IntPtr(10), Visits: models.IntPtr(1), OnlineDepth: models.IntPtr(2),
		ServiceObjects: models.StringList{"enterprise"}, HandleForms: models.StringList{"window", "online"},
		IsFee: models.BoolPtr(true), FeeBasis: "《行政事业性收费标准》", ResultType: "licence", ResultName: "户外广告设置许可证",
		Area: "集宁区", EffectiveOn: "2026-03-01", Location: "政务服务中心一楼", Hours: "工作日", Phone: "0474-1234567",
		Materials: []models.Material{{Name: "设置申请书", Necessity: models.NecessityRequired, Copies: models.IntPtr(1)}},
		Fees:      []models.Fee{{Name: "审查费", Standard: "100 元/件", Basis: "内发改费字〔2020〕1号"}},
		Steps: []models.Step{{Name: "受理", Actor: "综合窗口", Days: 1, CountsTime: true},
			{Name: "审查决定", Actor: "审批科", Days: 9, CountsTime: true}},
		Departments: []models.ItemDepartment{{DepartmentCode: "scj", Stages: models.StringList{"review", "decide"}},
			{DepartmentCode: "zjj", Stages: models.StringList{"review"}}},
	}
	v := editForm(it, token)
	v.Set("reason", "新增户外广告设施设置许可")
	return v
}

func itemCount(t *testing.T, env *demoEnv) int {
	t.Helper()
	items, err := env.store.ItemsForExport(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

func TestCreateItemInTheForm(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/new", nil)
	if status != http.StatusOK || !strings.Contains(body, `name="code"`) || !strings.Contains(body, `id="edit-workflow"`) {
		t.Fatalf("GET new = %d", status)
	}
	const code = "150902010220000901000"
	status, _, resp := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/new", newItemForm(token, code))
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/items/"+code+"/edit?saved=published" {
		t.Fatalf("create = %d %s", status, resp.Header.Get("Location"))
	}
	var g fullGuide
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if g.Name != "户外广告设施设置许可" || !g.IsFee || len(g.Fees) != 1 || g.Fees[0].Standard != "100 元/件" {
		t.Errorf("published guide fees: %+v", g)
	}
	if len(g.Steps) != 2 || g.Steps[1].Name != "审查决定" || !g.Steps[1].CountsTime {
		t.Errorf("published steps: %+v", g.Steps)
	}
	if !g.Workflow.Joint || len(g.Workflow.Departments) != 2 || g.Workflow.Departments[1].Code != "zjj" ||
		!slices.Equal(g.Workflow.Departments[1].Stages, []string{"review"}) {
		t.Errorf("workflow: %+v", g.Workflow)
	}
	_, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/items/"+code, nil)
	for _, want := range []string{"审查费", "100 元/件", "审查决定", "住房和城乡建设"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public guide lacks %q", want)
		}
	}
	revs, err := env.store.Revisions(context.Background(), code)
	if err != nil || len(revs) != 2 || revs[1].Action != models.RevisionCreate || revs[0].Action != models.RevisionPublish ||
		revs[1].Reason != "新增户外广告设施设置许可" {
		t.Errorf("revisions: %+v %v", revs, err)
	}
	// "Create" without publishing leaves it invisible to the public.
	v := newItemForm(token, "150902010220000902000")
	v.Set("action", "create")
	status, _, resp = fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/new", v)
	if status != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "saved=created") {
		t.Fatalf("create unpublished = %d %s", status, resp.Header.Get("Location"))
	}
	if status, _ := call(t, env, "GET", "/api/v1/items/150902010220000902000", "", nil); status != 404 {
		t.Errorf("an unpublished item is public: %d", status)
	}
	_, body, _ = fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/150902010220000902000/edit", nil)
	if !strings.Contains(body, `id="publish-new"`) {
		t.Error("the edit page of an unpublished item offers no publish button")
	}
}

// The same bad input is refused with the same field in the form and the API.
func TestCreateItemRefusesBadInputInFormAndAPI(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	tok := loginToken(t, env, "catalog")
	existing := firstItem(t, env, "scj")
	before := itemCount(t, env)
	const code = "150902010220000903000"
	cases := []struct {
		name, field string
		form        func(url.Values)
		api         func(map[string]any)
	}{
		{"duplicate code", "code", func(v url.Values) { v.Set("code", existing) }, func(m map[string]any) { m["code"] = existing }},
		{"unknown department", "department", func(v url.Values) { v.Set("department", "nosuch") },
			func(m map[string]any) { m["department"] = "nosuch" }},
		{"promised above statutory", "promised_days", func(v url.Values) { v.Set("promised_days", "46") },
			func(m map[string]any) { m["promised_days"] = 46 }},
		{"empty name", "name", func(v url.Values) { v.Set("name", " ") }, func(m map[string]any) { m["name"] = " " }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newItemForm(token, code)
			tc.form(v)
			status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/new", v)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-`+tc.field+`"`) {
				t.Errorf("form = %d, want 422 with err-%s", status, tc.field)
			}
			if !strings.Contains(body, "户外广告设施设置许可") && tc.field != "name" {
				t.Error("the form lost the user's input")
			}
			in := map[string]any{"code": code, "catalog_code": "010220000901", "name": "户外广告设施设置许可", "type": "01",
				"department": "scj", "statutory_days": 20, "promised_days": 10, "reason": "新增"}
			tc.api(in)
			status, raw := call(t, env, "POST", "/api/v1/items", tok, in)
			var e apiError
			json.Unmarshal(raw, &e)
			if status != 422 || e.Error.Fields[tc.field] == "" {
				t.Errorf("API = %d %s, want 422 naming %s", status, raw, tc.field)
			}
		})
	}
	if n := itemCount(t, env); n != before {
		t.Errorf("refused input changed the catalogue: %d items, was %d", n, before)
	}
	if _, _, err := env.store.AdminItem(context.Background(), code); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("refused item exists: %v", err)
	}
}

func TestEditFeesStepsAndJointDepartments(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	if len(before.Steps) < 2 {
		t.Fatalf("item %s has %d steps", code, len(before.Steps))
	}
	v := editForm(before, token)
	v.Set("is_fee", "1")
	v.Set("fee_basis", "《行政事业性收费标准》")
	n := len(before.Fees) // the first blank fee row
	v.Set("f"+strconv.Itoa(n)+"_name", "证书工本费")
	v.Set("f"+strconv.Itoa(n)+"_standard", "10 元/本")
	// Swap the first two steps by their order numbers; the second no longer counts toward the limit.
	v.Set("s0_order", "2")
	v.Set("s1_order", "1")
	v.Del("s0_counts")
	v.Set("handling_kind", models.KindImmediate)
	d := len(before.Departments)
	v.Set("d"+strconv.Itoa(d)+"_code", "zjj")
	v["d"+strconv.Itoa(d)+"_stages"] = []string{"review", "decide"}
	v.Set("statutory_days", "45") // joint now: the joint limit (行政许可法 Art. 42)
	v.Set("reason", "增加收费、调整流程并与住建局并联审批")
	status, body, resp := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v)
	if status != http.StatusSeeOther {
		t.Fatalf("save = %d %s", status, body)
	}
	_ = resp
	var g fullGuide
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if !g.IsFee || len(g.Fees) != n+1 || g.Fees[n].Name != "证书工本费" {
		t.Errorf("fees: %+v", g.Fees)
	}
	if g.Steps[0].Name != before.Steps[1].Name || g.Steps[1].Name != before.Steps[0].Name || g.Steps[1].CountsTime {
		t.Errorf("steps: %+v", g.Steps)
	}
	if !g.Workflow.Joint || !g.Workflow.Immediate || g.Workflow.Departments[len(g.Workflow.Departments)-1].Code != "zjj" {
		t.Errorf("workflow: %+v", g.Workflow)
	}
	_, hist, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history", nil)
	for _, f := range []string{"fees[+]", "steps[0].name", "steps[1].counts_toward_limit", "departments[+]", "handling_kind", "is_fee"} {
		// html/template writes "+" in an attribute as "&#43;".
		if !strings.Contains(hist, `data-field="`+strings.ReplaceAll(f, "+", "&#43;")+`"`) {
			t.Errorf("history lacks the change of %s", f)
		}
	}
	// Removing the fee and the joint department takes them out again.
	after := adminItem(t, env, code)
	v = editForm(after, token)
	v.Set("f"+strconv.Itoa(n)+"_remove", "1")
	v.Set("d"+strconv.Itoa(d)+"_remove", "1")
	v.Set("reason", "取消收费与并联")
	if status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v); status != http.StatusSeeOther {
		t.Fatalf("remove rows = %d %s", status, body)
	}
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if len(g.Fees) != n || len(g.Workflow.Departments) != d {
		t.Errorf("after removing: %d fees, %d departments", len(g.Fees), len(g.Workflow.Departments))
	}
}

func TestRowErrorsStayOnTheirRows(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	v := editForm(before, token)
	n := len(before.Fees)
	v.Set("f"+strconv.Itoa(n)+"_standard", "5 元") // a fee without a name
	v.Set("s0_days", "-3")
	v.Set("d0_order", "x")
	v.Set("reason", "test")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("POST = %d, want 422", status)
	}
	for _, want := range []string{`id="err-fees"`, `id="err-departments"`, `value="5 元"`, `value="-3"`, `value="x"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// "More blank rows" saves nothing and keeps the input.
	v = editForm(before, token)
	v.Set("action", "rows")
	v.Set("hours", "输入保留")
	status, body, _ = fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v)
	if status != http.StatusOK || !strings.Contains(body, "输入保留") ||
		!strings.Contains(body, `name="fee_rows" value="`+strconv.Itoa(len(before.Fees)+2+2)+`"`) {
		t.Errorf("more rows = %d", status)
	}
	if after := adminItem(t, env, code); after.Version != before.Version {
		t.Error("the item changed")
	}
}

func TestScopedCatalogueAdminStaysInTheDepartment(t *testing.T) {
	env := newStaffEnv(t)
	ctx := context.Background()
	if _, err := env.store.CreateUser(ctx, models.NewUser{Username: "scj.catalog", DisplayName: "市场监管局事项管理员",
		DepartmentCode: "scj", PasswordHash: demoHash(), Roles: []models.RoleAssignment{{Role: "catalogue_admin", Domain: "scj"}}}); err != nil {
		t.Fatal(err)
	}
	client := staffClient(t, env, "scj.catalog")
	token := csrfToken(t, client, env)
	status, body, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/new", nil)
	if status != http.StatusOK || strings.Contains(body, `<option value="zjj"`) {
		t.Errorf("new form = %d; offers other departments: %v", status, strings.Contains(body, `<option value="zjj"`))
	}
	before := itemCount(t, env)
	v := newItemForm(token, "150902010220000904000")
	v.Set("department", "zjj")
	v.Del("d1_code")
	v.Set("d0_code", "zjj")
	if status, _, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/new", v); status != http.StatusForbidden {
		t.Errorf("create in zjj = %d, want 403", status)
	}
	status, _ = call(t, env, "POST", "/api/v1/items", loginToken(t, env, "scj.catalog"), map[string]any{
		"code": "150902010220000904000", "catalog_code": "010220000901", "name": "越权新增", "type": "01",
		"department": "zjj", "statutory_days": 20, "promised_days": 10, "reason": "x"})
	if status != 403 {
		t.Errorf("API create in zjj = %d, want 403", status)
	}
	if n := itemCount(t, env); n != before {
		t.Errorf("a forbidden create changed the catalogue: %d, was %d", n, before)
	}
	// Editing another department's item, or moving an own item there, is forbidden too.
	other := adminItem(t, env, firstItem(t, env, "zjj"))
	v = editForm(other, token)
	v.Set("reason", "越权")
	if status, _, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+other.Code+"/edit", v); status != http.StatusForbidden {
		t.Errorf("edit a zjj item = %d, want 403", status)
	}
	own := adminItem(t, env, firstItem(t, env, "scj"))
	v = editForm(own, token)
	v.Set("department", "zjj")
	v.Set("reason", "移交")
	if status, _, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+own.Code+"/edit", v); status != http.StatusForbidden {
		t.Errorf("move an scj item to zjj = %d, want 403", status)
	}
	if after := adminItem(t, env, own.Code); after.Version != own.Version || after.DepartmentCode != "scj" {
		t.Error("a forbidden edit changed the item")
	}
	// In its own department it creates.
	v = newItemForm(token, "150902010220000905000")
	v.Del("d1_code")
	if status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/new", v); status != http.StatusSeeOther {
		t.Errorf("create in scj = %d %s", status, body)
	}
	// A reviewer may not even open the form.
	rc := staffClient(t, env, "scj.review")
	if status, _, _ := fetch(t, rc, http.MethodGet, env.http.URL+"/admin/items/new", nil); status != http.StatusForbidden {
		t.Errorf("reviewer new form = %d, want 403", status)
	}
}

// A field the form could not read is named alone: the rest of the new item
// is checked as the draft it would become, not as an item of no status.
func TestNewItemFormNamesOnlyTheUnreadableField(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	v := newItemForm(csrfToken(t, client, env), "150902010220000904000")
	v.Set("promised_days", "1.5")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/new", v)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-promised_days"`) {
		t.Fatalf("form = %d, want 422 naming promised_days", status)
	}
	if strings.Contains(body, `id="err-status"`) || strings.Contains(body, "status：") {
		t.Error("the form reports the status, which it does not show")
	}
}
