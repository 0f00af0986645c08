package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// stagesPlan gives department i of the stored item code the plan plans[i], through the catalogue model.
func stagesPlan(t *testing.T, env *demoEnv, code string, plans ...models.StagePlan) *models.Item {
	t.Helper()
	it := adminItem(t, env, code)
	edited := *it
	edited.Departments = append([]models.ItemDepartment(nil), it.Departments...)
	for i, p := range plans {
		edited.Departments[i].Plan = p
	}
	out, err := env.store.UpdateItem(context.Background(), code, edited, "catalog", "调整审批环节", it.Version)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type stagesTaskList struct {
	Tasks []struct {
		Number     string `json:"number"`
		Department string `json:"department"`
		StageLabel string `json:"stage_label"`
		StageName  string `json:"stage_name"`
		StageDue   string `json:"stage_due"`
		Overdue    bool   `json:"stage_overdue"`
	} `json:"tasks"`
}

// stagesOfList is the stage label and due date the work list shows for number.
func stagesOfList(t *testing.T, env *demoEnv, tok, number string) (string, string) {
	label, due, _ := stagesListed(t, env, tok, number)
	return label, due
}

// stagesListed is stagesOfList with the stage's overdue mark.
func stagesListed(t *testing.T, env *demoEnv, tok, number string) (string, string, bool) {
	t.Helper()
	status, body := call(t, env, "GET", "/api/v1/tasks", tok, nil)
	if status != http.StatusOK {
		t.Fatalf("tasks: %d %s", status, body)
	}
	var l stagesTaskList
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	for _, w := range l.Tasks {
		if w.Number == number {
			return w.StageLabel, w.StageDue, w.Overdue
		}
	}
	return "", "", false
}

func TestStagesThreeStageItemRunsWithItsRolesThroughTheAPI(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Mon 2 Mar 2026
	env := newOfficeEnv(t, clock)
	single, _ := officeItems(t, env.store)
	it := stagesPlan(t, env, single.Code, models.StagePlan{{Name: "初审", Role: "reviewer", Share: 40},
		{Name: "复审", Role: "reviewer"}, {Name: "决定", Role: "approver"}})
	n, code := officeFileWithCode(t, env, it.Code)
	// Mid-flight the item goes back to the default sequence: the filed application keeps its three stages.
	stagesPlan(t, env, it.Code, nil)

	rev, appr := loginToken(t, env, "scj.review"), loginToken(t, env, "scj.approve")
	cal, _ := workflow.NewCalendar(workflow.DefaultCalendarDays())
	due := models.FormatDay(cal.AddWorkdays(models.CentreDay(clock.Now()), workflow.ShareDays(40, models.Days(it.PromisedDays))))
	if label, got, late := stagesListed(t, env, rev, n); label != "初审" || got != due || late {
		t.Fatalf("work list shows %q due %q (overdue %v), want 初审 due %s", label, got, late, due)
	}
	// The day after the stage's own due date, the list marks the stage overdue.
	dueDay, _ := workflow.ParseDate(due)
	clock.Set(dueDay.AddDate(0, 0, 1).Add(2 * time.Hour))
	if _, _, late := stagesListed(t, env, rev, n); !late {
		t.Error("a stage past its own due date is not marked overdue")
	}
	// The approver may not take the reviewer's 初审: 403 naming the stage, and nothing changes.
	status, body := actAPI(t, env, appr, n, "claim", nil)
	if status != http.StatusForbidden || !strings.Contains(body, "初审") || !strings.Contains(body, `"stage"`) {
		t.Fatalf("approver claiming 初审: %d %s", status, body)
	}
	if app, _ := env.store.Application(context.Background(), n); app.Tasks[0].ClaimedBy != "" || app.Tasks[0].StageName != "初审" {
		t.Fatalf("a refused claim changed the task: %+v", app.Tasks[0])
	}
	mustActAPI(t, env, rev, n, "claim", nil)
	mustActAPI(t, env, rev, n, "review_pass", nil)
	if label, got := stagesOfList(t, env, rev, n); label != "复审" || got != "" {
		t.Fatalf("after 初审 the work list shows %q due %q, want 复审 without a due date", label, got)
	}
	_, page := officePage(t, env, rev, "/tasks/"+n)
	if !strings.Contains(page, "复审") || !strings.Contains(page, "初审 → 复审 → 决定") {
		t.Error("the task page does not name the stage 复审 and the sequence it belongs to")
	}
	mustActAPI(t, env, rev, n, "claim", nil)
	mustActAPI(t, env, rev, n, "review_pass", nil)
	// At 决定 a reviewer's decision is refused naming the stage; the approver decides.
	if status, body := actAPI(t, env, rev, n, "approve", nil); status != http.StatusForbidden || !strings.Contains(body, "决定") {
		t.Fatalf("reviewer approving at 决定: %d %s", status, body)
	}
	mustActAPI(t, env, appr, n, "claim", nil)
	mustActAPI(t, env, appr, n, "approve", nil)
	app, _ := env.store.Application(context.Background(), n)
	if app.State != workflow.Approved {
		t.Fatalf("state %s, want approved", app.State)
	}
	// The applicant's timeline names the stages and leaves out 签收.
	var st struct {
		Timeline []struct {
			Action string `json:"action"`
			Label  string `json:"label"`
		} `json:"timeline"`
	}
	status, b := call(t, env, "GET", "/api/v1/status/"+n+"?code="+code, "", nil)
	if status != http.StatusOK {
		t.Fatalf("status: %d %s", status, b)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, e := range st.Timeline {
		if e.Action == "claim" {
			t.Errorf("the timeline shows 签收: %+v", e)
		}
		labels = append(labels, e.Label)
	}
	got := strings.Join(labels, " | ")
	for _, want := range []string{"初审 通过", "复审 通过", "决定："} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline %q lacks %q", got, want)
		}
	}
	if page := statusPage(t, env, n, code); !strings.Contains(page, "初审 通过") || strings.Contains(page, "签收") {
		t.Error("the status page does not name the stages or shows 签收")
	}
}

func TestStagesJointItemRunsEachDepartmentsSequenceAndJoinsOnce(t *testing.T) {
	clock := &officeClock{t: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	env := newOfficeEnv(t, clock)
	_, joint := officeItems(t, env.store)
	joint = officeTwoDepartments(t, env, joint)
	first, second := joint.Departments[0].DepartmentCode, joint.Departments[1].DepartmentCode
	stagesPlan(t, env, joint.Code, models.StagePlan{{Name: "受理审查", Role: "reviewer"}, {Name: "现场核查", Role: "reviewer", Share: 30},
		{Name: "决定", Role: "approver"}}, models.StagePlan{{Name: "会签", Role: "approver"}})
	n := officeFile(t, env, joint.Code)
	r1, a1, a2 := loginToken(t, env, first+".review"), loginToken(t, env, first+".approve"), loginToken(t, env, second+".approve")
	if label, _ := stagesOfList(t, env, a2, n); label != "会签" {
		t.Fatalf("%s's list shows %q, want 会签", second, label)
	}
	mustActAPI(t, env, a2, n, "claim", nil)
	mustActAPI(t, env, a2, n, "approve", nil)
	for range 2 {
		mustActAPI(t, env, r1, n, "claim", nil)
		mustActAPI(t, env, r1, n, "review_pass", nil)
		if app, _ := env.store.Application(context.Background(), n); app.State != workflow.InReview {
			t.Fatalf("state %s before %s decides", app.State, first)
		}
	}
	mustActAPI(t, env, a1, n, "claim", nil)
	mustActAPI(t, env, a1, n, "approve", nil)
	app, _ := env.store.Application(context.Background(), n)
	joins := 0
	for _, e := range app.Events {
		if e.ToState == workflow.Approved {
			joins++
		}
	}
	if app.State != workflow.Approved || joins != 1 {
		t.Fatalf("state %s, approved %d times; want approved once", app.State, joins)
	}
}

func TestStagesItemFormRoundTripIsVersionedAndRefusesBadStages(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	code := firstItem(t, env, "scj")
	before := adminItem(t, env, code)
	v := editForm(before, token)
	// Three stages typed in the order 决定, 初审, 复审 and put right by their order numbers.
	for j, st := range []struct{ order, name, role, share string }{{"3", "决定", "approver", ""}, {"1", "初审", "reviewer", "30"}, {"2", "复审", "reviewer", "20"}} {
		p := "d0p" + strconv.Itoa(j) + "_"
		v.Set(p+"order", st.order)
		v.Set(p+"name", st.name)
		v.Set(p+"role", st.role)
		v.Set(p+"share", st.share)
	}
	v.Set("d0p_rows", "3")
	v.Set("reason", "按实施清单设置三级审批")
	if status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", v); status != http.StatusSeeOther {
		t.Fatalf("save = %d %.600s", status, body)
	}
	after := adminItem(t, env, code)
	plan := after.Departments[0].Plan
	if after.Version != before.Version+1 || len(plan) != 3 || plan[0].Name != "初审" || plan[0].Share != 30 || plan[2].Role != "approver" {
		t.Fatalf("stored v%d plan %+v", after.Version, plan)
	}
	var g struct {
		Workflow struct {
			Departments []struct {
				Plan []workflow.StageStep `json:"plan"`
			} `json:"departments"`
		} `json:"workflow"`
	}
	getJSONFrom(t, env, "/api/v1/items/"+code, &g)
	if len(g.Workflow.Departments[0].Plan) != 3 || g.Workflow.Departments[0].Plan[1].Name != "复审" {
		t.Fatalf("guide API plan %+v", g.Workflow.Departments)
	}
	_, hist, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/history", nil)
	if !strings.Contains(hist, `data-field="departments[0].plan[&#43;]"`) {
		t.Error("the history does not show the added stages")
	}
	// The page shows the stored stages again for the next edit.
	_, page, _ := fetch(t, client, http.MethodGet, env.http.URL+"/admin/items/"+code+"/edit", nil)
	if !strings.Contains(page, `name="d0p1_name" type="text" value="复审"`) {
		t.Error("the edit page does not show the stored stage 复审 in its row")
	}
	// A reviewer cannot decide, and the shares may not pass 100: 422, nothing saved, errors on the rows.
	bad := editForm(after, token)
	bad.Set("d0p2_role", "reviewer")
	bad.Set("d0p1_share", "90")
	bad.Set("reason", "错误的设置")
	status, body, _ := fetch(t, client, http.MethodPost, env.http.URL+"/admin/items/"+code+"/edit", bad)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-departments"`) {
		t.Fatalf("bad stages = %d", status)
	}
	for _, want := range []string{"该角色不能承担此环节", "各环节占时限合计超过 100%"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if again := adminItem(t, env, code); again.Version != after.Version {
		t.Error("a refused edit changed the item")
	}
	// The API refuses the same, naming the field.
	tok := loginToken(t, env, "catalog")
	status, b := call(t, env, http.MethodPut, "/api/v1/items/"+code, tok, stagesItemBody(t, env, code, after.Version,
		[]workflow.StageStep{{Name: "初审", Role: "approver"}, {Name: "决定", Role: "approver"}}))
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(b), "departments[0].plan[0].role") {
		t.Fatalf("API with an approver passing 初审: %d %s", status, b)
	}
}

// stagesItemBody is the item's guide as the API takes it, with the first department's plan.
func stagesItemBody(t *testing.T, env *demoEnv, code string, version int, plan []workflow.StageStep) map[string]any {
	t.Helper()
	status, b := call(t, env, http.MethodGet, "/api/v1/items/"+code, "", nil)
	if status != http.StatusOK {
		t.Fatalf("guide: %d", status)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	wf := body["workflow"].(map[string]any)
	depts := wf["departments"].([]any)
	depts[0].(map[string]any)["plan"] = plan
	body["version"], body["reason"] = version, "API 修改环节"
	return body
}
