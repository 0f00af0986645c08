package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"onewindow/models/demo"
)

// uploadCalendar posts a multipart calendar import with a bearer token (or with a
// cookie session when s is given) and returns the status and body.
func uploadCalendar(t *testing.T, env *demoEnv, s *sysSession, path, token, year, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if s != nil {
		w.WriteField("csrf_token", s.csrf)
	}
	w.WriteField("year", year)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.http.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if s != nil {
		code, body, _ := s.do(req)
		return code, body
	}
	resp, b := checkedDo(t, http.DefaultClient, req, nil)
	return resp.StatusCode, string(b)
}

type calendarYear struct {
	Year int `json:"year"`
	Days []struct {
		Date, Kind, Name string
	} `json:"days"`
}

func deadline(t *testing.T, env *demoEnv, start string, days int) string {
	t.Helper()
	var out struct{ Deadline string }
	getJSONFrom(t, env, "/api/v1/calendar/deadline?start="+start+"&days="+strconv.Itoa(days), &out)
	return out.Deadline
}

func calendarOf(t *testing.T, env *demoEnv, token, year string) calendarYear {
	t.Helper()
	status, body := call(t, env, "GET", "/api/v1/admin/calendar?year="+year, token, nil)
	if status != http.StatusOK {
		t.Fatalf("calendar %s = %d %s", year, status, body)
	}
	var out calendarYear
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNonSysadminIsRefusedEveryAdminRoute(t *testing.T) {
	env := newStaffEnv(t)
	ctx := t.Context()
	before, _ := env.store.CalendarDays(ctx)
	depts, _ := env.store.Departments(ctx)
	scj, _ := env.store.UserByName(ctx, "scj.review")
	uid := "/admin/users/" + strconv.Itoa(int(scj.ID))
	for _, user := range []string{"catalog", "scj.review", "window1", "supervisor", "citizen1"} {
		s := loginSession(t, env, user, demo.Password)
		for _, path := range []string{"/admin/users", "/admin/users/new", uid, "/admin/login-log", "/admin/departments",
			"/admin/departments/scj", "/admin/calendar"} {
			if status, _, _ := s.get(path); status != http.StatusForbidden {
				t.Errorf("%s GET %s = %d, want 403", user, path, status)
			}
		}
		posts := map[string]url.Values{
			"/admin/users":           {"username": {"intruder"}, "display_name": {"x"}, "password": {"long-enough-1"}},
			uid + "/active":          {"active": {"0"}},
			uid + "/password":        {"password": {"long-enough-1"}, "password2": {"long-enough-1"}},
			uid + "/roles":           {"action": {"add"}, "role": {"sysadmin"}, "domain": {"*"}},
			"/admin/departments":     {"code": {"xxj"}, "name": {"入侵局"}},
			"/admin/departments/scj": {"name": {"改名"}},
			"/admin/calendar":        {"date": {"2026-03-10"}, "kind": {"holiday"}, "name": {"x"}},
			"/admin/calendar/remove": {"date": {"2026-01-01"}},
			"/admin/calendar/import": {"year": {"2026"}},
		}
		for path, form := range posts {
			if status, _, _ := s.post(path, form); status != http.StatusForbidden {
				t.Errorf("%s POST %s = %d, want 403", user, path, status)
			}
		}
		tok := loginToken(t, env, user)
		apis := []struct {
			method, path string
			body         any
		}{
			{"POST", "/api/v1/admin/departments", map[string]string{"code": "xxj", "name": "入侵局"}},
			{"PUT", "/api/v1/admin/departments/scj", map[string]string{"name": "改名"}},
			{"GET", "/api/v1/admin/calendar?year=2026", nil},
			{"POST", "/api/v1/admin/calendar", map[string]string{"date": "2026-03-10", "kind": "holiday", "name": "x"}},
			{"DELETE", "/api/v1/admin/calendar/2026-01-01", nil},
			{"PUT", "/api/v1/admin/users" + uid[len("/admin/users"):] + "/roles", map[string]any{"roles": []map[string]string{{"role": "sysadmin", "domain": "*"}}}},
		}
		for _, a := range apis {
			if status, body := call(t, env, a.method, a.path, tok, a.body); status != http.StatusForbidden {
				t.Errorf("%s %s %s = %d %s, want 403", user, a.method, a.path, status, body)
			}
		}
		if status, _ := uploadCalendar(t, env, nil, "/api/v1/admin/calendar/import", tok, "2026", "c.csv", []byte("date,kind,name\n")); status != http.StatusForbidden {
			t.Errorf("%s calendar import = %d, want 403", user, status)
		}
	}
	after, _ := env.store.CalendarDays(ctx)
	if len(after) != len(before) {
		t.Errorf("the calendar changed: %d → %d entries", len(before), len(after))
	}
	deptsAfter, _ := env.store.Departments(ctx)
	if len(deptsAfter) != len(depts) || deptsAfter[0].Name != depts[0].Name {
		t.Error("the departments changed")
	}
	if u, _ := env.store.UserByName(ctx, "scj.review"); !u.Active || len(u.Roles) != 1 || u.Roles[0].Role != "reviewer" {
		t.Errorf("scj.review changed: %+v", u)
	}
	if _, err := env.store.UserByName(ctx, "intruder"); err == nil {
		t.Error("an account was created")
	}
}

func TestForgedAdminFormsAreRefused(t *testing.T) {
	env := newStaffEnv(t)
	admin := loginSession(t, env, "admin", demo.Password)
	// A cookie session without the form token.
	status, _, _ := admin.post("/admin/departments", url.Values{"csrf_token": {"forged"}, "code": {"xxj"}, "name": {"伪造局"}})
	if status != http.StatusForbidden {
		t.Errorf("POST without the right token = %d, want 403", status)
	}
	// A cross-site browser request, even with the token.
	form := url.Values{"csrf_token": {admin.csrf}, "date": {"2026-03-10"}, "kind": {"holiday"}, "name": {"伪造"}}
	req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/admin/calendar", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if status, _, _ := admin.do(req); status != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", status)
	}
	if _, err := env.store.Department(t.Context(), "xxj"); err == nil {
		t.Error("the forged form created a department")
	}
	days, _ := env.store.CalendarYear(t.Context(), 2026)
	for _, d := range days {
		if d.Date == "2026-03-10" {
			t.Error("the cross-site form added a holiday")
		}
	}
}

func TestCalendarEntriesMoveDeadlines(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "admin")
	// Monday 2026-03-09 + 1 working day is Tuesday the 10th.
	if got := deadline(t, env, "2026-03-09", 1); got != "2026-03-10" {
		t.Fatalf("deadline before = %s", got)
	}
	status, body := call(t, env, "POST", "/api/v1/admin/calendar", tok, map[string]string{"date": "2026-03-10", "kind": "holiday", "name": "测试假日"})
	if status != http.StatusCreated {
		t.Fatalf("add holiday = %d %s", status, body)
	}
	if got := deadline(t, env, "2026-03-09", 1); got != "2026-03-11" {
		t.Errorf("deadline after the holiday = %s, want 2026-03-11", got)
	}
	status, _ = call(t, env, "POST", "/api/v1/admin/calendar", tok, map[string]string{"date": "2026-03-10", "kind": "holiday", "name": "again"})
	if status != http.StatusConflict {
		t.Errorf("second entry for a date = %d, want 409", status)
	}
	var e apiError
	status, body = call(t, env, "POST", "/api/v1/admin/calendar", tok, map[string]string{"date": "2026-03-11", "kind": "workday", "name": "周三"})
	json.Unmarshal(body, &e)
	if status != http.StatusUnprocessableEntity || e.Error.Fields["kind"] == "" {
		t.Errorf("workday on a Wednesday = %d %s", status, body)
	}
	status, body = call(t, env, "POST", "/api/v1/admin/calendar", tok, map[string]string{"date": "2026-3-1", "kind": "holiday", "name": "x"})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"date"`) {
		t.Errorf("malformed date = %d %s", status, body)
	}
	// An adjusted working Saturday shortens the wait: Fri 2026-03-13 + 1 is then Sat the 14th.
	if status, body = call(t, env, "POST", "/api/v1/admin/calendar", tok, map[string]string{"date": "2026-03-14", "kind": "workday", "name": "调休"}); status != 201 {
		t.Fatalf("add workday = %d %s", status, body)
	}
	if got := deadline(t, env, "2026-03-13", 1); got != "2026-03-14" {
		t.Errorf("deadline with a worked Saturday = %s", got)
	}
	if status, _ = call(t, env, "DELETE", "/api/v1/admin/calendar/2026-03-10", tok, nil); status != http.StatusNoContent {
		t.Errorf("remove = %d", status)
	}
	if got := deadline(t, env, "2026-03-09", 1); got != "2026-03-10" {
		t.Errorf("deadline after removing the holiday = %s", got)
	}
	if status, _ = call(t, env, "DELETE", "/api/v1/admin/calendar/2026-03-10", tok, nil); status != http.StatusNotFound {
		t.Errorf("removing again = %d, want 404", status)
	}

	// The page does the same, with PRG and a message.
	admin := loginSession(t, env, "admin", demo.Password)
	page := admin.follow(admin.post("/admin/calendar", url.Values{"date": {"2026-03-17"}, "kind": {"holiday"}, "name": {"页面假日"}}))
	if !strings.Contains(page, `data-date="2026-03-17" data-kind="holiday"`) || !strings.Contains(page, `id="flash"`) {
		t.Error("calendar page does not show the added day")
	}
	if got := deadline(t, env, "2026-03-16", 1); got != "2026-03-18" {
		t.Errorf("deadline after the page's holiday = %s", got)
	}
	status, page, _ = admin.post("/admin/calendar", url.Values{"date": {"2026-03-17"}, "kind": {"holiday"}, "name": {"重复"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-date"`) || !strings.Contains(page, `value="重复"`) {
		t.Errorf("duplicate day on the page = %d", status)
	}
	admin.follow(admin.post("/admin/calendar/remove", url.Values{"date": {"2026-03-17"}}))
	if got := deadline(t, env, "2026-03-16", 1); got != "2026-03-17" {
		t.Errorf("deadline after the page removed the holiday = %s", got)
	}
}

func TestCalendarImportIsAllOrNothing(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "admin")
	before := calendarOf(t, env, tok, "2026")
	if len(before.Days) == 0 {
		t.Fatal("no seeded 2026 calendar")
	}
	bad := "date,kind,name\n" +
		"2026-01-01,holiday,元旦\n" + // line 2: fine
		"2026-02-30,holiday,春节\n" + // line 3: no such day
		"2025-10-01,holiday,国庆节\n" + // line 4: other year
		"2026-03-04,workday,调休\n" + // line 5: a Wednesday
		"2026-05-01,vacation,\n" + // line 6: kind and name
		"2026-05-02,holiday\n" // line 7: a column short
	admin := loginSession(t, env, "admin", demo.Password)
	status, page := uploadCalendar(t, env, admin, "/admin/calendar/import", "", "2026", "2026.csv", []byte(bad))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("malformed import page = %d", status)
	}
	for _, want := range []string{`data-row="3" data-column="date" data-code="bad_date"`, `data-row="4" data-column="date" data-code="wrong_year"`,
		`data-row="5" data-column="kind" data-code="weekday_workday"`, `data-row="6" data-column="kind" data-code="bad_kind"`,
		`data-row="6" data-column="name" data-code="no_name"`, `data-row="7" data-column="file" data-code="columns"`} {
		if !strings.Contains(page, want) {
			t.Errorf("problem list lacks %s", want)
		}
	}
	status, body := uploadCalendar(t, env, nil, "/api/v1/admin/calendar/import", tok, "2026", "2026.csv", []byte(bad))
	var e apiError
	json.Unmarshal([]byte(body), &e)
	if status != http.StatusUnprocessableEntity || e.Error.Fields["rows[3].date"] == "" || e.Error.Fields["rows[7].file"] == "" {
		t.Errorf("malformed import API = %d %s", status, body)
	}
	if after := calendarOf(t, env, tok, "2026"); len(after.Days) != len(before.Days) {
		t.Fatalf("a refused import changed 2026: %d → %d entries", len(before.Days), len(after.Days))
	}

	// A valid file replaces the year, and deadlines follow it.
	good := "\xef\xbb\xbfdate,kind,name\n2026-01-01,holiday,元旦\n2026-03-09,holiday,测试\n2026-03-14,workday,测试调休\n"
	status, body = uploadCalendar(t, env, nil, "/api/v1/admin/calendar/import", tok, "2026", "2026.csv", []byte(good))
	if status != http.StatusOK {
		t.Fatalf("valid import = %d %s", status, body)
	}
	after := calendarOf(t, env, tok, "2026")
	if len(after.Days) != 3 || after.Days[1].Date != "2026-03-09" || after.Days[2].Kind != "workday" {
		t.Errorf("2026 after import: %+v", after.Days)
	}
	if y25 := calendarOf(t, env, tok, "2025"); len(y25.Days) == 0 {
		t.Error("importing 2026 removed 2025")
	}
	if got := deadline(t, env, "2026-02-16", 1); got != "2026-02-17" {
		t.Errorf("the old Spring Festival still counts: %s", got)
	}

	// JSON through the page, with PRG.
	js := `[{"date":"2027-01-01","kind":"holiday","name":"元旦"},{"date":"2027-02-06","kind":"workday","name":"春节"}]`
	status, page = uploadCalendar(t, env, admin, "/admin/calendar/import", "", "2027", "2027.json", []byte(js))
	if status != http.StatusSeeOther {
		t.Fatalf("JSON import page = %d", status)
	}
	if y27 := calendarOf(t, env, tok, "2027"); len(y27.Days) != 2 {
		t.Errorf("2027 after JSON import: %+v", y27.Days)
	}

	// Too large and of the wrong kind.
	big := append([]byte("date,kind,name\n"), bytes.Repeat([]byte("2026-01-01,holiday,x\n"), 60000)...)
	if status, _ = uploadCalendar(t, env, nil, "/api/v1/admin/calendar/import", tok, "2026", "big.csv", big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("1.2 MB import = %d, want 413", status)
	}
	status, page = uploadCalendar(t, env, admin, "/admin/calendar/import", "", "2026", "big.csv", big)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, `id="err-import"`) {
		t.Errorf("1.2 MB import page = %d", status)
	}
	if status, _ = uploadCalendar(t, env, nil, "/api/v1/admin/calendar/import", tok, "2026", "cal.xlsx", []byte("PK\x03\x04\x00\xff")); status != http.StatusUnsupportedMediaType {
		t.Errorf("xlsx import = %d, want 415", status)
	}
	if after2 := calendarOf(t, env, tok, "2026"); len(after2.Days) != 3 {
		t.Errorf("a refused upload changed 2026: %+v", after2.Days)
	}
}

func TestDepartmentsAreCreatedAndRenamed(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "admin")
	status, body := call(t, env, "POST", "/api/v1/admin/departments", tok, map[string]string{"code": "dsj", "name": "集宁区数据局", "short_name": "区数据局"})
	if status != http.StatusCreated || !strings.Contains(string(body), `"short_name":"区数据局"`) {
		t.Fatalf("create = %d %s", status, body)
	}
	var list struct {
		Departments []struct{ Code, Name string } `json:"departments"`
	}
	getJSONFrom(t, env, "/api/v1/departments", &list)
	if last := list.Departments[len(list.Departments)-1]; last.Code != "dsj" || len(list.Departments) != 35 {
		t.Errorf("departments after create: %d, last %+v", len(list.Departments), last)
	}
	// The reference data knows the new code at once: the item filter accepts it.
	if status, _ = call(t, env, "GET", "/api/v1/items?department=dsj", "", nil); status != http.StatusOK {
		t.Errorf("filtering by the new department = %d", status)
	}
	var e apiError
	status, body = call(t, env, "POST", "/api/v1/admin/departments", tok, map[string]string{"code": "scj", "name": "重复"})
	json.Unmarshal(body, &e)
	if status != http.StatusUnprocessableEntity || e.Error.Fields["code"] == "" {
		t.Errorf("duplicate code = %d %s", status, body)
	}
	status, _ = call(t, env, "POST", "/api/v1/admin/departments", tok, map[string]string{"code": "SJ-1", "name": "x"})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("bad code = %d", status)
	}
	status, body = call(t, env, "PUT", "/api/v1/admin/departments/dsj", tok, map[string]string{"name": "集宁区大数据中心"})
	if status != http.StatusOK || !strings.Contains(string(body), `"short_name":"集宁区大数据中心"`) {
		t.Errorf("rename = %d %s", status, body)
	}
	if status, _ = call(t, env, "PUT", "/api/v1/admin/departments/nope", tok, map[string]string{"name": "x"}); status != http.StatusNotFound {
		t.Errorf("rename missing = %d, want 404", status)
	}

	// The pages: create with a field error first, then rename.
	admin := loginSession(t, env, "admin", demo.Password)
	status, page, _ := admin.post("/admin/departments", url.Values{"code": {"zjj"}, "name": {"住建重复"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-code"`) || !strings.Contains(page, `value="住建重复"`) {
		t.Errorf("duplicate code on the page = %d", status)
	}
	page = admin.follow(admin.post("/admin/departments", url.Values{"code": {"kfq"}, "name": {"集宁经济开发区管委会"}}))
	if !strings.Contains(page, `data-code="kfq"`) || !strings.Contains(page, `id="flash"`) {
		t.Error("departments page does not list the new one")
	}
	page = admin.follow(admin.post("/admin/departments/scj", url.Values{"name": {"集宁区市场监督管理局（知识产权局）"}, "short_name": {"区市场监管局"}}))
	if !strings.Contains(page, "集宁区市场监督管理局（知识产权局）") {
		t.Error("rename page does not show the new name")
	}
	getJSONFrom(t, env, "/api/v1/departments", &list)
	for _, d := range list.Departments {
		if d.Code == "scj" && d.Name != "集宁区市场监督管理局（知识产权局）" {
			t.Errorf("public list still has %q", d.Name)
		}
	}
	status, _, _ = admin.post("/admin/departments/scj", url.Values{"name": {""}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("empty name = %d, want 422", status)
	}
}

// TestTheLastSysadminKeepsTheRole: the only active system administrator cannot take the
// role from its own account; once a second account holds it, the first may give it up, and
// the last one left cannot be disabled by the other.
func TestTheLastSysadminKeepsTheRole(t *testing.T) {
	env := newStaffEnv(t)
	ctx := t.Context()
	admin, err := env.store.UserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	token := loginToken(t, env, "admin")
	rolesPath := fmt.Sprintf("/api/v1/admin/users/%d/roles", admin.ID)
	status, body := call(t, env, http.MethodPut, rolesPath, token, map[string]any{"roles": []map[string]string{{"role": "supervisor", "domain": "*"}}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "roles.sysadmin") {
		t.Fatalf("the last sysadmin drops the role: %d %s", status, body)
	}
	other, err := env.store.UserByName(ctx, "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	otherRoles := fmt.Sprintf("/api/v1/admin/users/%d/roles", other.ID)
	if status, body = call(t, env, http.MethodPut, otherRoles, token, map[string]any{"roles": []map[string]string{{"role": "sysadmin", "domain": "*"}}}); status != http.StatusOK {
		t.Fatalf("a second sysadmin: %d %s", status, body)
	}
	if status, body = call(t, env, http.MethodPut, rolesPath, token, map[string]any{"roles": []map[string]string{{"role": "supervisor", "domain": "*"}}}); status != http.StatusOK {
		t.Fatalf("no longer the last: %d %s", status, body)
	}
	otherToken := loginToken(t, env, "supervisor")
	status, body = call(t, env, http.MethodPost, fmt.Sprintf("/api/v1/admin/users/%d/active", other.ID), otherToken, map[string]any{"active": false})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("disabling oneself: %d %s", status, body)
	}
	if status, body = call(t, env, http.MethodPut, otherRoles, otherToken, map[string]any{"roles": []map[string]string{}}); status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "roles.sysadmin") {
		t.Fatalf("the new last sysadmin drops the role: %d %s", status, body)
	}
}
