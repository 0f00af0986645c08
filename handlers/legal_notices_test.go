package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// deferredLicence is a demo licence one department decides, with a 容缺后补 material.
func deferredLicence(t *testing.T) models.Item {
	return demoItem(t, func(it models.Item) bool {
		if it.TypeCode != "01" || it.HandlingKind != models.KindPromised || len(it.Departments) > 1 {
			return false
		}
		for _, m := range it.Materials {
			if m.Necessity == models.NecessityDeferred {
				return true
			}
		}
		return false
	})
}

// actAPI takes an action through the API at the application's current version.
func actAPI(t *testing.T, env *demoEnv, token, number, action string, body map[string]any) (int, string) {
	t.Helper()
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		body = map[string]any{}
	}
	body["version"] = app.Version
	status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+number+"/actions/"+action, token, body)
	return status, string(b)
}

func mustActAPI(t *testing.T, env *demoEnv, token, number, action string, body map[string]any) {
	t.Helper()
	if status, b := actAPI(t, env, token, number, action, body); status != http.StatusOK {
		t.Fatalf("%s: %d %s", action, status, b)
	}
}

// registerPending registers a walk-in for it and accepts it with its 容缺后补 material to follow.
func registerPending(t *testing.T, env *demoEnv, it models.Item) (number, code string) {
	t.Helper()
	clerk := loginToken(t, env, "window1")
	status, body := call(t, env, "POST", "/api/v1/applications", clerk, map[string]any{"item_code": it.Code,
		"applicant": map[string]string{"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"},
		"form":      sampleAnswers(it.Code, "person", "张三", "11010519491231002X")})
	if status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	var f filedAnswer
	_ = json.Unmarshal(body, &f)
	materials := map[string]any{}
	var pending string
	for _, m := range it.Materials {
		if m.Necessity == models.NecessityDeferred {
			pending = m.Key
			continue
		}
		materials[m.Key] = map[string]any{"provided": true, "kind": "original", "copies": 1}
	}
	// The required material cannot be the one to follow.
	if s, b := actAPI(t, env, clerk, f.Number, "accept_pending", map[string]any{"materials": materials,
		"pending": []string{it.Materials[0].Key}}); s != http.StatusUnprocessableEntity || !strings.Contains(b, `"materials.`+it.Materials[0].Key+`"`) {
		t.Fatalf("a required material as 容缺: %d %s", s, b)
	}
	mustActAPI(t, env, clerk, f.Number, "accept_pending", map[string]any{"materials": materials, "pending": []string{pending},
		"comment": "申请人承诺在期限内补齐"})
	return f.Number, f.QueryCode
}

func statusPage(t *testing.T, env *demoEnv, number, code string) string {
	t.Helper()
	resp, err := http.Get(env.http.URL + "/status/" + number + "?code=" + code)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status page: %d", resp.StatusCode)
	}
	return string(b)
}

func TestStatusPageShowsTheNoticesOfTheLegalClock(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026, 10:00
	env := newOfficeEnv(t, clock)
	ctx := context.Background()
	site, _ := env.store.Site(ctx)
	site.District, site.Centre, site.ReviewBody, site.Court = "示例区", "示例区政务服务中心", "示例区人民政府", "示例区人民法院"
	if _, err := env.store.SetSite(ctx, site, "admin", clock.Now()); err != nil {
		t.Fatal(err)
	}
	it := deferredLicence(t)
	dept := it.DepartmentCode
	n, code := registerPending(t, env, it)
	app, _ := env.store.Application(ctx, n)
	page := statusPage(t, env, n, code)
	for _, want := range []string{`id="notice-acceptance"`, `id="notice-pending"`, "容缺受理通知书", `id="pending-reminder"`, app.PendingDue} {
		if !strings.Contains(page, want) {
			t.Errorf("after 容缺受理 the status page lacks %q", want)
		}
	}
	if strings.Contains(page, "申请材料齐全、符合法定形式") {
		t.Error("a 容缺 acceptance is told its materials are complete")
	}
	if strings.Contains(page, "11010519491231002X") {
		t.Error("the status page shows the identity number")
	}

	rev, appr := loginToken(t, env, dept+".review"), loginToken(t, env, dept+".approve")
	mustActAPI(t, env, rev, n, "claim", nil)
	// A special procedure from Tue 3 Mar to Fri 6 Mar stops the clock for exactly the working days between.
	clock.Set(time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC))
	before, _ := env.store.Application(ctx, n)
	mustActAPI(t, env, rev, n, "suspend", map[string]any{"kind": "inspection", "reason": "需对场所进行检验", "expected_days": 3})
	clock.Set(time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC))
	mustActAPI(t, env, rev, n, "resume", nil)
	after, _ := env.store.Application(ctx, n)
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	start, _ := workflow.ParseDate(before.StatutoryDeadline)
	if want := models.FormatDay(cal.AddWorkdays(start, 3)); after.StatutoryDeadline != want || after.StoppedDays != 3 {
		t.Fatalf("after the stop: deadline %s stopped %d, want %s and 3", after.StatutoryDeadline, after.StoppedDays, want)
	}
	mustActAPI(t, env, rev, n, "review_pass", nil)
	mustActAPI(t, env, appr, n, "claim", nil)
	// One extension, by the approver, bounded; a second is refused naming the field.
	if s, b := actAPI(t, env, appr, n, "extend", map[string]any{"days": 11, "reason": "情况复杂"}); s != http.StatusUnprocessableEntity || !strings.Contains(b, `"days"`) {
		t.Fatalf("an extension beyond ten days: %d %s", s, b)
	}
	mustActAPI(t, env, appr, n, "extend", map[string]any{"days": 10, "reason": "需要补充现场核查"})
	if s, b := actAPI(t, env, appr, n, "extend", map[string]any{"days": 1, "reason": "再延"}); s != http.StatusUnprocessableEntity || !strings.Contains(b, "extended once") {
		t.Fatalf("a second extension: %d %s", s, b)
	}
	extended, _ := env.store.Application(ctx, n)
	mustActAPI(t, env, appr, n, "deny", map[string]any{"reason": "经营场所不符合卫生要求"})

	// The department's record names the moved deadline for what it is, and speaks no field keys.
	_, task := officePage(t, env, appr, "/tasks/"+n+"?lang=zh-CN")
	if !strings.Contains(task, "法定办结期限") || !strings.Contains(task, "不计入时限的工作日数") ||
		!strings.Contains(task, "容缺材料："+deferredMaterial(&it).Name) {
		t.Errorf("the task record does not name the statutory deadline, the days not counted and the delivery due date: %.3000s", task[strings.Index(task, "办理记录"):])
	}
	for _, raw := range []string{"stopped_days", "容缺材料：m"} {
		if strings.Contains(task, raw+"：") || strings.Contains(task, raw+"<") {
			t.Errorf("the task record shows the field key %s", raw)
		}
	}

	page = statusPage(t, env, n, code)
	for _, want := range []string{
		`id="notice-special"`, "特别程序告知书", "检验", "2026-03-03", "2026-03-06 恢复计时，本次特别程序 3 个工作日不计入办理期限",
		`id="notice-extension"`, "延期通知书", "需要补充现场核查", "延长 10 个工作日", extended.StatutoryDeadline,
		`id="notice-denial"`, "不予行政许可决定书", "经营场所不符合卫生要求", "第三十八条第二款",
		"六十日内向示例区人民政府申请行政复议", "六个月内向示例区人民法院提起行政诉讼",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	// The acceptance notice tells the limits as they stood on acceptance, not as extended later.
	accepted := page[strings.Index(page, `id="notice-acceptance"`):]
	accepted = accepted[:strings.Index(accepted, `data-kind="pending"`)]
	if !strings.Contains(accepted, app.StatutoryDeadline) || strings.Contains(accepted, extended.StatutoryDeadline) {
		t.Errorf("the acceptance notice does not keep the statutory deadline %s of its day (extended: %s): %s", app.StatutoryDeadline, extended.StatutoryDeadline, accepted)
	}
	var status struct {
		ResultLabel string `json:"result_label"`
		Decision    struct {
			Vocabulary string `json:"vocabulary"`
		} `json:"decision"`
	}
	getJSONFrom(t, env, "/api/v1/status/"+n+"?code="+code, &status)
	if status.ResultLabel != "不予许可" || status.Decision.Vocabulary != "licence" {
		t.Errorf("the status answer: %+v", status)
	}
}

func TestOverduePendingMaterialsTerminateTheApplicationOnce(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	env := newOfficeEnv(t, clock)
	ctx := context.Background()
	it := deferredLicence(t)
	n, code := registerPending(t, env, it)
	app, _ := env.store.Application(ctx, n)
	if app.PendingDue != "2026-03-09" { // five working days
		t.Fatalf("due %s", app.PendingDue)
	}
	// The window's list shows it with its due date; on the due date nothing is terminated.
	win := staffClient(t, env, "window1")
	clock.Set(time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC))
	if _, body, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window", nil); !strings.Contains(body, `id="pending"`) ||
		!strings.Contains(body, n) || strings.Contains(body, "已逾期") {
		t.Fatalf("the window's pending list before the due date passed: %s", body)
	}
	if done, err := env.srv.SweepPending(ctx); err != nil || len(done) != 0 {
		t.Fatalf("sweep on the due date: %v %v", done, err)
	}
	// The next day it is overdue: shown so, then terminated exactly once.
	clock.Set(time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	if _, body, _ := fetch(t, win, http.MethodGet, env.http.URL+"/window", nil); !strings.Contains(body, "已逾期") {
		t.Fatal("the window's pending list does not mark the overdue 容缺")
	}
	if page := statusPage(t, env, n, code); !strings.Contains(page, `id="pending-overdue"`) {
		t.Error("the status page does not mark the overdue 容缺")
	}
	done, err := env.srv.SweepPending(ctx)
	if err != nil || len(done) != 1 || done[0] != n {
		t.Fatalf("sweep after the due date: %v %v", done, err)
	}
	if again, err := env.srv.SweepPending(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second sweep: %v %v", again, err)
	}
	page := statusPage(t, env, n, code)
	for _, want := range []string{`id="notice-termination"`, "终止办理通知书", "2026-03-09", "已终止"} {
		if !strings.Contains(page, want) {
			t.Errorf("after the termination the status page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="pending-reminder"`) {
		t.Error("a terminated application still asks for its materials")
	}
}

func TestConfirmationIsDecidedInItsOwnWords(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	it := demoItem(t, func(it models.Item) bool {
		return it.TypeCode == "07" && it.HandlingKind == models.KindPromised && len(it.Departments) <= 1
	})
	n, code := officeFileWithCode(t, env, it.Code)
	dept := it.DepartmentCode
	rev, appr := loginToken(t, env, dept+".review"), loginToken(t, env, dept+".approve")
	mustActAPI(t, env, rev, n, "claim", nil)
	mustActAPI(t, env, rev, n, "review_pass", nil)
	mustActAPI(t, env, appr, n, "claim", nil)
	if _, html := officePage(t, env, appr, "/tasks/"+n); !strings.Contains(html, ">确认</button>") || strings.Contains(html, "准予许可") {
		t.Error("the task page's decision buttons do not speak 行政确认")
	}
	mustActAPI(t, env, appr, n, "approve", nil)
	var v struct {
		ResultLabel string `json:"result_label"`
		StateLabel  string `json:"state_label"`
		Decision    struct {
			Vocabulary, Approve, Deny, ApprovalDocument string
		} `json:"decision"`
	}
	status, b := call(t, env, http.MethodGet, "/api/v1/applications/"+n, appr, nil)
	if err := json.Unmarshal(b, &v); status != http.StatusOK || err != nil {
		t.Fatalf("read: %d %v", status, err)
	}
	if v.Decision.Vocabulary != "confirmation" || v.ResultLabel != "予以确认" || v.StateLabel != "已确认，待出件" {
		t.Fatalf("the API speaks %+v", v)
	}
	_, doc := officePage(t, env, appr, "/tasks/"+n+"/document/approval")
	if !strings.Contains(doc, "行政确认决定书") || strings.Contains(doc, "行政许可法") || strings.Contains(doc, "准予行政许可") {
		t.Error("the confirmation's decision document speaks the licensing law")
	}
	if page := statusPage(t, env, n, code); !strings.Contains(page, "已确认，待出件") || !strings.Contains(page, `id="result">予以确认`) {
		t.Error("the status page does not speak 行政确认")
	}
}
