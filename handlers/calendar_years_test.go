package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

// registerAt registers a walk-in application as window1 and returns its
// number and query code, not yet accepted.
func registerAt(t *testing.T, env *demoEnv, item string) (string, string) {
	t.Helper()
	a := handledApplicants[0]
	status, body := call(t, env, "POST", "/api/v1/applications", loginToken(t, env, "window1"), map[string]any{"item_code": item,
		"applicant": map[string]string{"kind": a.kind, "name": a.name, "id_number": a.id, "phone": a.phone},
		"form":      sampleAnswers(item, a.kind, a.name, a.id)})
	var f filedAnswer
	if status != 201 || json.Unmarshal(body, &f) != nil {
		t.Fatalf("register: %d %s", status, body)
	}
	return f.Number, f.QueryCode
}

// With 2025-2026 loaded, an acceptance on 10 Dec 2026 whose statutory
// deadline falls in 2027 is refused with a 422 naming the deadline, and
// supervisors are warned that the calendar ends on 31 Dec; once the 2027
// schedule is imported from an iCalendar file the same acceptance goes
// through and the warning is gone.
func TestCalendarRefusesADeadlineBeyondItsYearsUntilTheYearIsImported(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	ctx := context.Background()
	if err := env.store.SeedCalendarYears(ctx, []workflow.CalendarYear{{Year: 2025, Status: workflow.YearOfficial},
		{Year: 2026, Status: workflow.YearOfficial}}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	single, _ := officeItems(t, env.store)
	number, _ := registerAt(t, env, single.Code)
	tok := loginToken(t, env, "window1")
	var e apiError
	status, body := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/accept", tok, acceptBody(t, env, number, 1))
	if json.Unmarshal(body, &e); status != 422 || !strings.Contains(e.Error.Fields["deadline"], "calendar") {
		t.Fatalf("accepting with a deadline in 2027 unloaded: %d %s", status, body)
	}
	if app, _ := env.store.Application(ctx, number); app.State != workflow.Submitted || app.AcceptedOn != "" {
		t.Fatalf("the refused acceptance changed the application: %s %s", app.State, app.AcceptedOn)
	}
	// The window's page says why.
	clerk := loginSession(t, env, "window1", "demo1234")
	form := url.Values{"action": {"accept"}, "version": {"1"}}
	app, _ := env.store.Application(ctx, number)
	for _, m := range app.Materials {
		form.Set("m_"+m.MaterialKey+"_provided", "1")
		form.Set("m_"+m.MaterialKey+"_kind", "original")
		form.Set("m_"+m.MaterialKey+"_copies", "1")
	}
	if status, page, _ := clerk.post("/window/applications/"+number+"?lang=zh-CN", form); status != 422 || !strings.Contains(page, "期限落在工作日历尚未加载的年度") {
		t.Fatalf("the window's refusal: %d", status)
	}
	sup := loginSession(t, env, "supervisor", "demo1234")
	if _, page, _ := sup.get("/supervise?lang=zh-CN"); !strings.Contains(page, `id="calendar-warning"`) || !strings.Contains(page, "2026-12-31，还剩 21 天") {
		t.Fatal("the supervisor is not warned that the calendar runs out in 21 days")
	}

	admin := loginToken(t, env, "admin")
	ics := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:元旦\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270205\r\nDTEND;VALUE=DATE:20270213\r\nSUMMARY:春节\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if status, body := uploadCalendar(t, env, nil, "/api/v1/admin/calendar/import", admin, "2027", "2027.ics", []byte(ics)); status != 200 ||
		!strings.Contains(body, `"date":"2027-02-12"`) {
		t.Fatalf("import 2027: %d %s", status, body)
	}
	status, body = call(t, env, "POST", "/api/v1/applications/"+number+"/actions/accept", tok, acceptBody(t, env, number, 1))
	if status != 200 {
		t.Fatalf("accepting once 2027 is loaded: %d %s", status, body)
	}
	if _, page, _ := sup.get("/supervise?lang=zh-CN"); strings.Contains(page, `id="calendar-warning"`) {
		t.Fatal("still warned with 2027 loaded")
	}
	adm := loginSession(t, env, "admin", "demo1234")
	if _, page, _ := adm.get("/admin/calendar?year=2027&lang=zh-CN"); !strings.Contains(page, `id="year-status" data-status="official"`) {
		t.Fatal("the calendar page does not show 2027 as official")
	}
	// 2028 is not loaded: the page says so and loads it with weekends only.
	if _, page, _ := adm.get("/admin/calendar?year=2028&lang=zh-CN"); !strings.Contains(page, `data-status="none"`) || !strings.Contains(page, `id="add-provisional"`) {
		t.Fatal("the calendar page does not offer to load 2028")
	}
	// A year not loaded counts no working days, so the page must not claim any.
	if _, page, _ := adm.get("/admin/calendar?year=2028&lang=zh-CN"); strings.Contains(page, `id="cal-summary"`) || strings.Contains(page, "周一至周五均按工作日计算") || !strings.Contains(page, "该年度尚未加载") {
		t.Fatal("the page for an unloaded 2028 claims working days it does not count")
	}
	if status, _, loc := adm.post("/admin/calendar/provisional", url.Values{"year": {"2028"}}); status != http.StatusSeeOther || !strings.Contains(loc, "year=2028") {
		t.Fatalf("load 2028 provisionally: %d %s", status, loc)
	}
	if _, page, _ := adm.get("/admin/calendar?year=2028&lang=zh-CN"); !strings.Contains(page, `id="year-status" data-status="provisional"`) {
		t.Fatal("2028 is not shown as provisional")
	}
	if status, _, _ := adm.post("/admin/calendar/provisional", url.Values{"year": {"2028"}}); status != http.StatusConflict {
		t.Fatalf("load 2028 twice: %d", status)
	}
}

// With 2027 provisional (weekends only), a deadline in it is computed but
// marked as such on the applicant's status (API and page), the work lists
// and the acceptance notice; supervisors are told the coming year is provisional.
func TestProvisionalYearIsMarkedWhereverADeadlineFallsInIt(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 12, 28, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	ctx := context.Background()
	if err := env.store.SeedCalendarYears(ctx, workflow.DefaultCalendarYears(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	single, _ := officeItems(t, env.store)
	number, code := fileAtWindow(t, env, single.Code, handledApplicants[0])
	var st struct {
		Promised    string `json:"deadline"`
		Statutory   string `json:"statutory_deadline"`
		Provisional bool   `json:"deadline_provisional"`
		Evaluation  any    `json:"evaluation"`
	}
	status, body := call(t, env, "GET", "/api/v1/status/"+number+"?code="+code, "", nil)
	if json.Unmarshal(body, &st); status != 200 || !strings.HasPrefix(st.Promised, "2027-") || !st.Provisional || st.Evaluation != nil {
		t.Fatalf("the status: %d %s", status, body)
	}
	resp, err := http.Get(env.http.URL + "/status/" + number + "?code=" + code + "&lang=zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "按周末推算，待公布节假日安排后可能调整") {
		t.Fatalf("the status page: %d, no provisional note", resp.StatusCode)
	}
	clerk := loginSession(t, env, "window1", "demo1234")
	if _, page, _ := clerk.get("/window/applications/" + number + "?lang=zh-CN"); !strings.Contains(page, `id="deadline-provisional"`) {
		t.Fatal("the window's page has no provisional note")
	}
	if _, page, _ := clerk.get("/window/applications/" + number + "/notice/acceptance?lang=zh-CN"); !strings.Contains(page, `id="notice-provisional"`) {
		t.Fatal("the acceptance notice does not say the deadline is provisional")
	}
	if _, page, _ := loginSession(t, env, "scj.review", "demo1234").get("/tasks?lang=zh-CN"); !strings.Contains(page, "（暂按周末推算）") {
		t.Fatal("the reviewer's work list does not mark the provisional deadline")
	}
	sup := loginSession(t, env, "supervisor", "demo1234")
	_, page, _ := sup.get("/supervise?lang=zh-CN")
	if !strings.Contains(page, `id="calendar-provisional-warning"`) || !strings.Contains(page, "2027 年的节假日安排尚未导入") {
		t.Fatal("the supervisor is not told 2027 is provisional")
	}
	if strings.Contains(page, `id="calendar-warning"`) {
		t.Fatal("warned that the calendar runs out, a year ahead")
	}
}
