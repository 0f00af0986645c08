package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type departmentAnswer struct {
	Code, Name, Phone, Address, Hours, Website, Description string
}

// firstItemOf returns the code of a retained item filed on application of dept.
func firstItemOf(t *testing.T, env *demoEnv, dept string) string {
	t.Helper()
	var l itemList
	getJSONFrom(t, env, "/api/v1/items?department="+dept+"&on_application=true", &l)
	if len(l.Items) == 0 {
		t.Fatalf("no item of %s", dept)
	}
	return l.Items[0].Code
}

func TestDepartmentOfficeThroughTheAPIAndOnGuides(t *testing.T) {
	env := newStaffEnv(t)
	admin := loginToken(t, env, "admin")
	office := map[string]string{"name": "集宁区市场监督管理局", "short_name": "区市场监督管理局", "address": "新华街 9 号市场监管综合楼",
		"phone": "0474-8237315 0474-8237316", "hours": "", "website": "https://scj.example.gov.cn/", "description": "负责市场主体登记注册。"}
	status, body := call(t, env, "PUT", "/api/v1/admin/departments/scj", admin, office)
	var d departmentAnswer
	if err := json.Unmarshal(body, &d); err != nil || status != http.StatusOK || d.Address != office["address"] ||
		d.Website != office["website"] || d.Hours != "" {
		t.Fatalf("PUT office = %d %s", status, body)
	}
	// A detail left out stays; the public list carries the details.
	if status, body := call(t, env, "PUT", "/api/v1/admin/departments/scj", admin, map[string]string{"name": "集宁区市场监督管理局"}); status != http.StatusOK ||
		!strings.Contains(string(body), `"address":"新华街 9 号市场监管综合楼"`) {
		t.Errorf("a rename without details = %d %s, want the address kept", status, body)
	}
	var list struct{ Departments []departmentAnswer }
	getJSONFrom(t, env, "/api/v1/departments", &list)
	for _, d := range list.Departments {
		if d.Code == "scj" && (d.Description != "负责市场主体登记注册。" || d.Phone != office["phone"]) {
			t.Errorf("the public list has scj as %+v", d)
		}
	}

	code := firstItemOf(t, env, "scj")
	_, guide := getBody(t, env, "/items/"+code)
	block := guide[strings.Index(guide, `id="implementing-department"`):]
	block = block[:strings.Index(block, "</section>")]
	for _, s := range []string{"实施主体", `href="/departments/scj"`, "新华街 9 号市场监管综合楼", "0474-8237315 0474-8237316", "未公布"} {
		if !strings.Contains(block, s) {
			t.Errorf("the guide's 实施主体 block lacks %q:\n%s", s, block)
		}
	}

	_, page := getBody(t, env, "/departments/scj")
	for _, s := range []string{"<h1>集宁区市场监督管理局</h1>", `href="https://scj.example.gov.cn/"`, "负责市场主体登记注册。",
		`href="/items/` + code + `"`, `id="office-hours">未公布<`} {
		if !strings.Contains(page, s) {
			t.Errorf("the department page lacks %q", s)
		}
	}
	if status, _ := getBody(t, env, "/departments/nosuch"); status != http.StatusNotFound {
		t.Errorf("an unknown department's page = %d, want 404", status)
	}
}

func TestDepartmentOfficeRefusedNamingTheField(t *testing.T) {
	env := newStaffEnv(t)
	admin := loginToken(t, env, "admin")
	for field, v := range map[string]string{"phone": "电话 8237315", "website": "scj.example.gov.cn", "address": strings.Repeat("路", 201)} {
		var e apiError
		status, body := call(t, env, "PUT", "/api/v1/admin/departments/scj", admin, map[string]string{"name": "集宁区市场监督管理局", field: v})
		if err := json.Unmarshal(body, &e); err != nil || status != http.StatusUnprocessableEntity || e.Error.Fields[field] == "" {
			t.Errorf("a bad %s = %d %s, want 422 naming it", field, status, body)
		}
	}
	status, body := call(t, env, "POST", "/api/v1/admin/departments", admin, map[string]string{"code": "sjzx", "name": "集宁区数据中心", "website": "www.example.cn"})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"website"`) {
		t.Errorf("a new department with a bad website = %d %s, want 422 naming it", status, body)
	}
	status, body = call(t, env, "POST", "/api/v1/admin/departments", admin, map[string]string{"code": "sjzx", "name": "集宁区数据中心", "phone": "0474-1234567"})
	if status != http.StatusCreated || !strings.Contains(string(body), `"phone":"0474-1234567"`) {
		t.Errorf("a new department with a phone = %d %s", status, body)
	}
	var list struct{ Departments []departmentAnswer }
	getJSONFrom(t, env, "/api/v1/departments", &list)
	for _, d := range list.Departments {
		if d.Code == "scj" && (d.Phone != "0474-8237315" || d.Website != "") {
			t.Errorf("refused changes changed scj: %+v", d)
		}
	}

	// The admin page: a bad website is named beside the field, the input kept.
	s := loginSession(t, env, "admin", "demo1234")
	form := url.Values{"name": {"集宁区市场监督管理局"}, "short_name": {"区市场监督管理局"}, "address": {"新华街 9 号"},
		"phone": {"0474-8237315"}, "hours": {"工作日"}, "website": {"ftp://scj"}, "description": {""}}
	status, page, _ := s.post("/admin/departments/scj", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-website"`) || !strings.Contains(page, `value="新华街 9 号"`) {
		t.Errorf("a bad website on the page = %d, want 422 naming it with the input kept", status)
	}
	form.Set("website", "http://scj.example.gov.cn")
	page = s.follow(s.post("/admin/departments/scj", form))
	if !strings.Contains(page, "部门信息已保存") || !strings.Contains(page, `value="http://scj.example.gov.cn"`) {
		t.Error("the saved department page does not show the office")
	}
}
