package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

// deptGrantBoth makes <dept>.review the department's approver as well, the
// way a small department's one official holds both roles.
func deptGrantBoth(t *testing.T, env *demoEnv, dept string) {
	t.Helper()
	u, err := env.store.UserByName(context.Background(), dept+".review")
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]any{"roles": []map[string]string{{"role": "reviewer", "domain": dept}, {"role": "approver", "domain": dept}}}
	if status, body := call(t, env, "PUT", fmt.Sprintf("/api/v1/admin/users/%d/roles", u.ID), loginToken(t, env, "admin"), roles); status != 200 {
		t.Fatalf("grant both roles in %s: %d %s", dept, status, body)
	}
}

// deptLastEvents are the actions and actors of the application's last n events.
func deptLastEvents(t *testing.T, env *demoEnv, number string, n int) []string {
	t.Helper()
	app, err := env.store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range app.Events[max(0, len(app.Events)-n):] {
		out = append(out, string(e.Action)+" "+e.Actor+" "+e.Department)
	}
	return out
}

func TestDeptOneStepDecisionOnTheTaskPage(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	n := officeFile(t, env, single.Code)
	other := officeFile(t, env, single.Code)
	appr := loginToken(t, env, "scj.approve")

	// Before: a reviewer alone, or an approver alone, is not offered the one step.
	rev := loginToken(t, env, "scj.review")
	if _, html := officePage(t, env, rev, "/tasks/"+n); strings.Contains(html, `id="form-one_step"`) {
		t.Fatal("a reviewer alone is offered 审核并决定")
	}
	if _, html := officePage(t, env, appr, "/tasks/"+n); strings.Contains(html, `id="form-one_step"`) {
		t.Fatal("an approver alone is offered 审核并决定")
	}
	v, _ := officeVersion(t, env, n)
	form := url.Values{"version": {fmt.Sprint(v)}, "department": {"scj"}, "decision": {"approve"}}
	if status, _ := officePost(t, env, rev, "/tasks/"+n+"/one-step", form); status != 403 {
		t.Fatalf("a reviewer alone decides in one step: %d", status)
	}

	deptGrantBoth(t, env, "scj")
	both := loginToken(t, env, "scj.review")
	if status, html := officePage(t, env, both, "/tasks/"+n); status != 200 || !strings.Contains(html, `id="form-one_step"`) ||
		!strings.Contains(html, "审核并决定") {
		t.Fatalf("one who holds both roles is not offered 审核并决定: %d", status)
	}
	if _, html := officePage(t, env, loginToken(t, env, "zjj.review"), "/tasks/"+n); strings.Contains(html, `id="form-one_step"`) {
		t.Error("another department is offered 审核并决定")
	}

	// Refusals change nothing: a stale version (409), a denial without a reason (422), a wrong decision.
	stale := url.Values{"version": {fmt.Sprint(v - 1)}, "department": {"scj"}, "decision": {"approve"}}
	if status, body := officePost(t, env, both, "/tasks/"+n+"/one-step", stale); status != 409 || !strings.Contains(body, `id="problem"`) {
		t.Fatalf("stale one step: %d", status)
	}
	deny := url.Values{"version": {fmt.Sprint(v)}, "department": {"scj"}, "decision": {"deny"}, "comment": {"先看看"}}
	status, body := officePost(t, env, both, "/tasks/"+n+"/one-step", deny)
	if status != 422 || !strings.Contains(body, `id="one_step-reason-error"`) || !strings.Contains(body, "先看看") {
		t.Fatalf("deny in one step without a reason: %d", status)
	}
	if status, _ := officePost(t, env, both, "/tasks/"+n+"/one-step", url.Values{"version": {fmt.Sprint(v)}, "department": {"scj"},
		"decision": {"claim"}}); status != 422 {
		t.Fatalf("a decision that is none: %d", status)
	}
	if v2, st := officeVersion(t, env, n); v2 != v || st != workflow.Accepted {
		t.Fatalf("refusals changed the application: version %d, state %s", v2, st)
	}

	// One submission: 签收, 审核通过, 签收 and 准予 in the chain; back to the list, the next task focused.
	form.Set("comment", "材料齐全，准予许可")
	status, loc := officePost(t, env, both, "/tasks/"+n+"/one-step", form)
	if status != 303 || !strings.HasPrefix(loc, "/tasks?") || !strings.Contains(loc, "done="+n) {
		t.Fatalf("one step: %d %s", status, loc)
	}
	want := []string{"claim scj.review scj", "review_pass scj.review scj", "claim scj.review scj", "approve scj.review scj"}
	if got := deptLastEvents(t, env, n, 4); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("events of the one step: %v, want %v", got, want)
	}
	if v2, st := officeVersion(t, env, n); v2 != v+4 || st != workflow.Approved {
		t.Fatalf("after the one step: version %d, state %s", v2, st)
	}
	_, list := officePage(t, env, both, loc)
	if !strings.Contains(list, `id="next-task"`) || !strings.Contains(taskRow(list, other), "next-task") || strings.Contains(list, `data-number="`+n+`"`) {
		t.Fatalf("the list after the decision does not focus the next task:\n%s", list)
	}
	if _, html := officePage(t, env, both, "/tasks/"+n); strings.Contains(html, `id="form-one_step"`) {
		t.Error("a decided task still offers 审核并决定")
	}
	// A second one step on the decided task is illegal.
	form.Set("version", fmt.Sprint(v+4))
	if status, _ := officePost(t, env, both, "/tasks/"+n+"/one-step", form); status != 409 {
		t.Fatalf("one step on a decided task: %d", status)
	}
}

func TestDeptReleaseThroughTheAPIAndThePage(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	n := officeFile(t, env, single.Code)
	rev, appr := loginToken(t, env, "scj.review"), loginToken(t, env, "scj.approve")
	v, _ := officeVersion(t, env, n)
	if status, body := call(t, env, "POST", "/api/v1/applications/"+n+"/actions/claim", rev,
		map[string]any{"version": v, "department": "scj"}); status != 200 {
		t.Fatalf("claim: %d %s", status, body)
	}
	// 签收 disappears once claimed; 退回待签收 takes its place.
	if _, html := officePage(t, env, rev, "/tasks/"+n); strings.Contains(html, `id="form-claim"`) || !strings.Contains(html, `id="form-release-scj"`) {
		t.Fatal("after 签收 the task page still offers 签收, or no 退回待签收")
	}
	if _, html := officePage(t, env, appr, "/tasks/"+n); strings.Contains(html, `id="form-release-scj"`) {
		t.Fatal("one who does not hold the task is offered 退回待签收")
	}
	var list struct {
		Tasks []struct {
			TaskID uint   `json:"task_id"`
			Number string `json:"number"`
		} `json:"tasks"`
	}
	if status, body := call(t, env, "GET", "/api/v1/tasks?department=scj", rev, nil); status != 200 || json.Unmarshal(body, &list) != nil {
		t.Fatalf("work list: %d %s", status, body)
	}
	var id uint
	for _, task := range list.Tasks {
		if task.Number == n {
			id = task.TaskID
		}
	}
	if id == 0 {
		t.Fatalf("no task_id for %s in %+v", n, list.Tasks)
	}
	path := fmt.Sprintf("/api/v1/tasks/%d/release", id)
	for _, who := range []string{"scj.approve", "zjj.review", "window1", "supervisor"} {
		if status, body := call(t, env, "POST", path, loginToken(t, env, who), map[string]any{}); status != 403 {
			t.Fatalf("release by %s, who does not hold the task: %d %s", who, status, body)
		}
	}
	if status, _ := call(t, env, "POST", path, "", map[string]any{}); status != 401 {
		t.Fatalf("release without a login: %d", status)
	}
	if status, _ := call(t, env, "POST", "/api/v1/tasks/99999999/release", rev, map[string]any{}); status != 404 {
		t.Fatalf("release of no task: %d", status)
	}
	if status, _ := call(t, env, "POST", path, rev, map[string]any{"version": v}); status != 409 {
		t.Fatalf("release at a stale version: %d", status)
	}
	if v2, _ := officeVersion(t, env, n); v2 != v+1 {
		t.Fatalf("refused releases changed the version: %d", v2)
	}
	status, body := call(t, env, "POST", path, rev, map[string]any{"version": v + 1, "comment": "出差，请他人办理"})
	var out struct {
		ClaimedBy string `json:"claimed_by"`
		Version   int    `json:"version"`
		State     string `json:"state"`
	}
	if status != 200 || json.Unmarshal(body, &out) != nil || out.ClaimedBy != "" || out.Version != v+2 || out.State != "in_review" {
		t.Fatalf("release: %d %s", status, body)
	}
	if got := deptLastEvents(t, env, n, 1); got[0] != "release scj.review scj" {
		t.Fatalf("the release's event: %v", got)
	}
	app, _ := env.store.Application(context.Background(), n)
	if e := app.Events[len(app.Events)-1]; e.Role != "reviewer" || e.Comment != "出差，请他人办理" || e.FromState != e.ToState {
		t.Fatalf("the release's event: %+v", e)
	}
	// The timeline of the office names it; the applicant's status does not show it.
	if _, html := officePage(t, env, rev, "/tasks/"+n); !strings.Contains(html, "退回待签收") || !strings.Contains(html, `id="form-claim"`) {
		t.Fatal("after the release the page does not show it, or does not offer 签收 again")
	}
	if status, _ := call(t, env, "POST", path, rev, map[string]any{}); status != 409 {
		t.Fatalf("release of a task nobody holds: %d", status)
	}
	// After the decision the approver still holds the task: a release is 409.
	for _, st := range []struct {
		tok string
		act workflow.Action
	}{{rev, workflow.Claim}, {rev, workflow.ReviewPass}, {appr, workflow.Claim}, {appr, workflow.Approve}} {
		v, _ := officeVersion(t, env, n)
		if status, body := call(t, env, "POST", "/api/v1/applications/"+n+"/actions/"+string(st.act), st.tok,
			map[string]any{"version": v, "department": "scj"}); status != 200 {
			t.Fatalf("%s: %d %s", st.act, status, body)
		}
	}
	if status, body := call(t, env, "POST", path, appr, map[string]any{}); status != 409 {
		t.Fatalf("release after the decision: %d %s", status, body)
	}
	if status, _ := officePost(t, env, appr, "/tasks/"+n+"/release", url.Values{"department": {"scj"}}); status != 409 {
		t.Fatalf("release from the page after the decision: %d", status)
	}
}
