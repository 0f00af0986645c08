package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/web"
	"onewindow/workflow"
)

// officeClock is a clock a test moves forward.
type officeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *officeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *officeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// newOfficeEnv is a private demo server with the demo accounts whose clock
// the test sets (handlers.Config.Now).
func newOfficeEnv(t testing.TB, clock *officeClock) *demoEnv {
	t.Helper()
	parallel(t)
	ctx := context.Background()
	store, err := openSeeded(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(ctx, handlers.Config{Store: store, Site: site, Demo: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	env := &demoEnv{store: store, srv: srv, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(func() { env.http.Close(); env.store.Close() })
	return env
}

// officeItems finds, in the demo catalogue, a licence of scj decided by scj
// alone with review and decision stages, and a joint item scj takes part in
// (not as the lead).
func officeItems(t *testing.T, store *models.Store) (single, joint *models.Item) {
	t.Helper()
	ctx := context.Background()
	_, _, items := demo.Catalogue()
	for _, it := range items {
		if !it.OnApplication || it.Disposition != models.DispositionRetained || it.HandlingKind == models.KindImmediate ||
			isMainItem(items, it) {
			continue
		}
		full, err := store.Item(ctx, it.Code)
		if err != nil {
			continue
		}
		depts := []string{}
		for _, d := range full.Departments {
			depts = append(depts, d.DepartmentCode)
		}
		switch {
		case single == nil && full.DepartmentCode == "scj" && len(depts) <= 1 && models.Days(full.PromisedDays) >= 5:
			single = full
		case joint == nil && len(depts) > 1 && slices.Contains(depts, "scj") && depts[0] != "scj":
			joint = full
		}
		if single != nil && joint != nil {
			return single, joint
		}
	}
	t.Fatalf("demo catalogue: single %v joint %v", single != nil, joint != nil)
	return nil, nil
}

// officeTwoDepartments publishes a joint item with only its first two
// departments (the demo's joint items have three or four), through the
// catalogue model, and returns it.
func officeTwoDepartments(t *testing.T, env *demoEnv, it *models.Item) *models.Item {
	t.Helper()
	edited := *it
	edited.Departments = it.Departments[:2]
	out, err := env.store.UpdateItem(context.Background(), it.Code, edited, "catalog", "两个部门并联审批", it.Version)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Departments) != 2 {
		t.Fatalf("departments after the edit: %+v", out.Departments)
	}
	return out
}

// officeFile registers a walk-in application as window1 and accepts it.
func officeFile(t *testing.T, env *demoEnv, code string) string {
	t.Helper()
	number, _ := officeFileWithCode(t, env, code)
	return number
}

// officeFileWithCode is officeFile that also returns the query code.
func officeFileWithCode(t *testing.T, env *demoEnv, code string) (string, string) {
	t.Helper()
	tok := loginToken(t, env, "window1")
	status, body := call(t, env, "POST", "/api/v1/applications", tok, map[string]any{"item_code": code,
		"applicant": map[string]string{"kind": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"},
		"form":      sampleAnswers(code, "person", "张三", "11010519491231002X")})
	if status != 201 {
		t.Fatalf("file %s: %d %s", code, status, body)
	}
	var f struct {
		Number    string `json:"number"`
		QueryCode string `json:"query_code"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	status, body = call(t, env, "POST", "/api/v1/applications/"+f.Number+"/actions/accept", tok, acceptBody(t, env, f.Number, 1))
	if status != 200 {
		t.Fatalf("accept %s: %d %s", f.Number, status, body)
	}
	return f.Number, f.QueryCode
}

// officePrepare moves an application forward through the models layer.
func officePrepare(t *testing.T, env *demoEnv, number, dept string, now time.Time, steps ...workflow.Action) {
	t.Helper()
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	fields := map[string]string{"kind": "testing", "reason": "检测", "expected_days": "5"}
	for _, a := range steps {
		if _, err := env.store.Act(context.Background(), models.ActionRequest{Number: number, Action: a, Actor: "setup",
			Department: dept, Fields: fields, Cal: cal, Now: now}); err != nil {
			t.Fatalf("officePrepare %s: %v", a, err)
		}
	}
}

func officeVersion(t *testing.T, env *demoEnv, number string) (int, workflow.State) {
	t.Helper()
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return app.Version, app.State
}

func TestPermissionTableForEveryTaskAction(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	roles := []string{"scj.review", "scj.approve", "zjj.review", "zjj.approve", "window1", "supervisor", "citizen1"}
	tokens := map[string]string{}
	for _, r := range roles {
		tokens[r] = loginToken(t, env, r)
	}
	C, RP, S := workflow.Claim, workflow.ReviewPass, workflow.Suspend
	cases := []struct {
		act     workflow.Action
		setup   []workflow.Action // taken by scj before the action
		fields  map[string]any
		allowed []string
	}{
		{workflow.Claim, nil, nil, []string{"scj.review", "scj.approve"}},
		{workflow.ReviewPass, []workflow.Action{C}, nil, []string{"scj.review"}},
		{workflow.SendBack, []workflow.Action{C}, map[string]any{"reason": "缺材料", "missing": []string{"m1"}}, []string{"scj.review"}},
		{workflow.Approve, []workflow.Action{C, RP}, nil, []string{"scj.approve"}},
		{workflow.Deny, []workflow.Action{C, RP}, map[string]any{"reason": "不符合条件"}, []string{"scj.approve"}},
		{workflow.Suspend, []workflow.Action{C}, map[string]any{"kind": "hearing", "reason": "听证", "expected_days": 5}, []string{"scj.review", "scj.approve"}},
		{workflow.Resume, []workflow.Action{C, S}, nil, []string{"scj.review", "scj.approve"}},
		{workflow.Extend, []workflow.Action{C}, map[string]any{"days": 3, "reason": "情况复杂"}, []string{"scj.approve"}},
		{workflow.Terminate, []workflow.Action{C}, map[string]any{"reason": "申请人死亡"}, []string{"scj.approve", "window1"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.act), func(t *testing.T) {
			fresh := func() string {
				n := officeFile(t, env, single.Code)
				officePrepare(t, env, n, "scj", clock.Now(), tc.setup...)
				return n
			}
			body := func(number string) map[string]any {
				v, _ := officeVersion(t, env, number)
				b := map[string]any{"version": v, "department": "scj"}
				for k, x := range tc.fields {
					b[k] = x
				}
				return b
			}
			number := fresh()
			before, state := officeVersion(t, env, number)
			for _, role := range roles {
				if slices.Contains(tc.allowed, role) {
					continue
				}
				status, out := call(t, env, "POST", "/api/v1/applications/"+number+"/actions/"+string(tc.act), tokens[role], body(number))
				if status != 403 {
					t.Errorf("%s may not %s in %s: %d %s", role, tc.act, state, status, out)
				}
			}
			if after, _ := officeVersion(t, env, number); after != before {
				t.Fatalf("refused actions changed the application: version %d → %d", before, after)
			}
			for _, role := range tc.allowed {
				n := fresh()
				status, out := call(t, env, "POST", "/api/v1/applications/"+n+"/actions/"+string(tc.act), tokens[role], body(n))
				if status != 200 {
					t.Errorf("%s may %s: %d %s", role, tc.act, status, out)
				}
			}
		})
	}
}

type officeTaskList struct {
	Tasks []struct {
		Number     string `json:"number"`
		Department string `json:"department"`
		Remaining  int    `json:"remaining"`
		Overdue    bool   `json:"overdue"`
		DueSoon    bool   `json:"due_soon"`
		Mark       string `json:"mark"`
		Version    int    `json:"version"`
	} `json:"tasks"`
	Next string `json:"next"`
}

func officeTasks(t *testing.T, env *demoEnv, tok, query string) officeTaskList {
	t.Helper()
	status, body := call(t, env, "GET", "/api/v1/tasks"+query, tok, nil)
	if status != 200 {
		t.Fatalf("GET /api/v1/tasks%s: %d %s", query, status, body)
	}
	var l officeTaskList
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// officePage fetches a staff officePage with a bearer token and returns status and body.
func officePage(t *testing.T, env *demoEnv, tok, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", env.http.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// officePost posts a officePage form with a bearer token (no CSRF token needed) and
// returns the status and the redirect target or body.
func officePost(t *testing.T, env *demoEnv, tok, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", env.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+tok)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, loc
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestWorklistShowsOwnDepartmentAndMarksDueSoonAndOverdue(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026, 10:00 in the centre
	env := newOfficeEnv(t, clock)
	single, joint := officeItems(t, env.store)
	a := officeFile(t, env, single.Code)
	j := officeFile(t, env, joint.Code)
	scj, zjjTok := loginToken(t, env, "scj.review"), loginToken(t, env, "zjj.review")
	other := joint.Departments[0].DepartmentCode
	otherTok := loginToken(t, env, other+".review")

	l := officeTasks(t, env, scj, "")
	if len(l.Tasks) != 2 {
		t.Fatalf("scj sees %+v", l.Tasks)
	}
	for _, task := range l.Tasks {
		if task.Department != "scj" || task.Mark != "" {
			t.Errorf("scj list line %+v", task)
		}
	}
	ol := officeTasks(t, env, otherTok, "")
	if len(ol.Tasks) != 1 || ol.Tasks[0].Number != j || ol.Tasks[0].Department != other {
		t.Fatalf("%s sees %+v", other, ol.Tasks)
	}
	if other != "zjj" {
		if zl := officeTasks(t, env, zjjTok, ""); len(zl.Tasks) != 0 {
			t.Fatalf("zjj sees %+v", zl.Tasks)
		}
	}
	// Another department's reviewer cannot open or act on the scj-only application.
	if status, _ := officePage(t, env, otherTok, "/tasks/"+a); status != 403 {
		t.Errorf("%s opens the scj application: %d", other, status)
	}
	if status, _ := call(t, env, "GET", "/api/v1/applications/"+a, otherTok, nil); status != 403 {
		t.Errorf("%s reads the scj application through the API: %d", other, status)
	}
	if status, _ := call(t, env, "GET", "/api/v1/tasks?department=scj", otherTok, nil); status != 403 {
		t.Errorf("%s lists scj tasks: %d", other, status)
	}
	if status, _ := officePage(t, env, loginToken(t, env, "citizen1"), "/tasks"); status != 403 {
		t.Errorf("a citizen opens the work list: %d", status)
	}
	// The officePage lists scj's tasks with claim buttons and nothing of others.
	status, html := officePage(t, env, scj, "/tasks")
	if status != 200 || !strings.Contains(html, a) || !strings.Contains(html, j) || !strings.Contains(html, `action="/tasks/`+a+`/actions/claim"`) {
		t.Fatalf("work list page: %d", status)
	}
	// Promised days from the guide: one working day before the deadline it is due soon.
	deadline := l.Tasks[0].Remaining
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	accepted := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	clock.Set(cal.AddWorkdays(accepted, deadline-1).Add(2 * time.Hour))
	l = officeTasks(t, env, scj, "?due=due_soon")
	if len(l.Tasks) == 0 || !l.Tasks[0].DueSoon || l.Tasks[0].Mark != "due_soon" || l.Tasks[0].Remaining != 1 {
		t.Fatalf("due soon: %+v", l.Tasks)
	}
	if _, html = officePage(t, env, scj, "/tasks"); !strings.Contains(html, "mark-due_soon") || !strings.Contains(html, "即将到期") {
		t.Error("the work list officePage does not mark due-soon work in colour and words")
	}
	clock.Set(cal.AddWorkdays(accepted, deadline+2).Add(2 * time.Hour))
	l = officeTasks(t, env, scj, "?due=overdue")
	if len(l.Tasks) == 0 || !l.Tasks[0].Overdue || l.Tasks[0].Remaining != -2 {
		t.Fatalf("overdue: %+v", l.Tasks)
	}
	if _, html = officePage(t, env, scj, "/tasks"); !strings.Contains(html, "mark-overdue") || !strings.Contains(html, "已超期") {
		t.Error("the work list officePage does not mark overdue work in colour and words")
	}
	// The supervisor sees it across departments, counted per department.
	status, html = officePage(t, env, loginToken(t, env, "supervisor"), "/supervise")
	if status != 200 || !strings.Contains(html, `data-department="scj"`) || !strings.Contains(html, a) {
		t.Fatalf("supervise: %d", status)
	}
	if status, _ := officePage(t, env, scj, "/supervise"); status != 403 {
		t.Errorf("a reviewer opens the supervisor page: %d", status)
	}
}

func TestTaskPageFormsClaimReleaseStaleAndDocuments(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	n := officeFile(t, env, single.Code)
	rev, appr := loginToken(t, env, "scj.review"), loginToken(t, env, "scj.approve")
	status, html := officePage(t, env, rev, "/tasks/"+n)
	if status != 200 || !strings.Contains(html, `id="form-claim"`) || strings.Contains(html, `id="form-approve"`) {
		t.Fatalf("reviewer's officePage before claiming: %d", status)
	}
	v, _ := officeVersion(t, env, n)
	form := url.Values{"version": {fmt.Sprint(v)}, "department": {"scj"}}
	if status, loc := officePost(t, env, rev, "/tasks/"+n+"/actions/claim", form); status != 303 || !strings.Contains(loc, "done=claim") {
		t.Fatalf("claim: %d %s", status, loc)
	}
	// The reviewer now holds the task: 签收 is not offered to them again.
	if _, html := officePage(t, env, rev, "/tasks/"+n); strings.Contains(html, `id="form-claim"`) || !strings.Contains(html, `id="form-review_pass"`) {
		t.Fatal("the reviewer who claimed the task is offered 签收 again")
	}
	// The same version again is stale: 409 and nothing changes.
	if status, body := officePost(t, env, rev, "/tasks/"+n+"/actions/review_pass", form); status != 409 || !strings.Contains(body, `id="problem"`) {
		t.Fatalf("stale review_pass: %d", status)
	}
	if v2, _ := officeVersion(t, env, n); v2 != v+1 {
		t.Fatalf("version %d after a stale post, want %d", v2, v+1)
	}
	// Release gives the claim back, as an event: the version moves on.
	if status, _ := officePost(t, env, rev, "/tasks/"+n+"/release", url.Values{"department": {"scj"}}); status != 303 {
		t.Fatalf("release: %d", status)
	}
	if status, _ := officePost(t, env, rev, "/tasks/"+n+"/release", url.Values{"department": {"scj"}}); status != 409 {
		t.Fatalf("second release: %d", status)
	}
	form.Set("version", fmt.Sprint(v+2))
	if status, loc := officePost(t, env, rev, "/tasks/"+n+"/actions/review_pass", form); status != 303 {
		t.Fatalf("review_pass: %d %s", status, loc)
	}
	// Deny without a reason shows the form again with the message.
	form.Set("version", fmt.Sprint(v+3))
	status, body := officePost(t, env, appr, "/tasks/"+n+"/actions/deny", form)
	if status != 422 || !strings.Contains(body, "field-error") {
		t.Fatalf("deny without reason: %d", status)
	}
	if status, _ := officePage(t, env, appr, "/tasks/"+n+"/document/denial"); status != 404 {
		t.Fatalf("document before the decision: %d", status)
	}
	form.Set("reason", "经营场所不符合食品安全要求")
	if status, _ := officePost(t, env, appr, "/tasks/"+n+"/actions/deny", form); status != 303 {
		t.Fatalf("deny: %d", status)
	}
	status, doc := officePage(t, env, appr, "/tasks/"+n+"/document/denial")
	if status != 200 || !strings.Contains(doc, "不予行政许可决定书") || !strings.Contains(doc, "经营场所不符合食品安全要求") ||
		!strings.Contains(doc, "六十日") || !strings.Contains(doc, "六个月") {
		t.Fatalf("denial decision: %d", status)
	}
	if status, _ := officePage(t, env, appr, "/tasks/"+n+"/document/approval"); status != 404 {
		t.Errorf("approval document of a denied application: %d", status)
	}
	if status, doc := officePage(t, env, appr, "/tasks/"+n+"/document/receipt"); status != 200 || !strings.Contains(doc, "送达回证") {
		t.Errorf("receipt: %d", status)
	}
	if status, _ := officePage(t, env, loginToken(t, env, "zjj.review"), "/tasks/"+n+"/document/denial"); status != 403 {
		t.Errorf("another department reads the decision: %d", status)
	}
}
