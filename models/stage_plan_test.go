package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

// threeStages is 初审 → 复审 → 决定 with a share of the limit for the first two.
func threeStages() StagePlan {
	return StagePlan{{Name: "初审", Role: "reviewer", Share: 30}, {Name: "复审", Role: "reviewer", Share: 20},
		{Name: "决定", Role: "approver"}}
}

// withPlans publishes an edit of item code giving department i the plan plans[i] (nil keeps the default).
func withPlans(t *testing.T, s *Store, code string, plans ...StagePlan) *Item {
	t.Helper()
	it := adminItem(t, s, code)
	for i, p := range plans {
		it.Departments[i].Plan = p
	}
	out, err := s.UpdateItem(context.Background(), code, *it, "catalog", "按实施清单调整审批环节", it.Version)
	if err != nil {
		t.Fatalf("edit %s: %v", code, err)
	}
	return out
}

var stageTestRoles = StageRoles{Pass: map[string]bool{"reviewer": true}, Decide: map[string]bool{"approver": true}}

func TestStagePlanRunsEachStageWithItsRoleAndKeepsTheFiledSequence(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC) // Friday
	withPlans(t, s, "A1", threeStages())
	f := file(t, s, "A1", now, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	task := app.Tasks[0]
	// 30% of the promised 10 working days: 3 working days after Friday 4 December.
	if task.Stage != "review" || task.StageName != "初审" || task.Step != 0 || task.StageDue != "2026-12-09" {
		t.Fatalf("first task %+v, want review at 初审 due 2026-12-09", task)
	}
	// The item is edited mid-flight to two stages: the filed application keeps three.
	withPlans(t, s, "A1", StagePlan{{Name: "受理", Role: "reviewer"}, {Name: "决定", Role: "approver"}})

	// An approver may not pass 初审: the refusal names the stage.
	approver := &workflow.Caller{Permissions: []workflow.Permission{
		{Role: "approver", Domain: "scj", Obj: "task", Verb: "claim"}, {Role: "approver", Domain: "scj", Obj: "task", Verb: "approve"}}}
	_, err = s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.Claim, Version: app.Version,
		Actor: "scj.approve", Cal: cal, Now: now, Caller: approver})
	var fe *workflow.ForbiddenError
	if !errors.As(err, &fe) || fe.Stage != "初审" || fe.Role != "reviewer" {
		t.Fatalf("approver claiming 初审: %v, want forbidden naming 初审", err)
	}
	reviewer := &workflow.Caller{Permissions: []workflow.Permission{
		{Role: "reviewer", Domain: "scj", Obj: "task", Verb: "claim"}, {Role: "reviewer", Domain: "scj", Obj: "task", Verb: "review_pass"}}}
	later := now.Add(72 * time.Hour) // Monday 7 December
	app, err = s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.Claim, Version: app.Version,
		Actor: "scj.review", Cal: cal, Now: later, Caller: reviewer})
	if err != nil || app.Tasks[0].ClaimedBy != "scj.review" {
		t.Fatalf("reviewer claiming 初审: %v", err)
	}
	for _, want := range []struct{ name, stage, due string }{{"复审", "review", "2026-12-09"}, {"决定", "decide", ""}} {
		app, err = s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.ReviewPass, Version: app.Version,
			Actor: "scj.review", Cal: cal, Now: later, Caller: reviewer})
		if err != nil {
			t.Fatalf("pass to %s: %v", want.name, err)
		}
		if got := app.Tasks[0]; got.StageName != want.name || got.Stage != want.stage || got.StageDue != want.due {
			t.Fatalf("after passing: %+v, want %s (%s) due %q", got, want.name, want.stage, want.due)
		}
	}
	// A reviewer may not decide at 决定.
	_, err = s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.Approve, Version: app.Version,
		Actor: "scj.review", Cal: cal, Now: later, Caller: reviewer})
	if !errors.As(err, &fe) || fe.Stage != "决定" {
		t.Fatalf("reviewer approving at 决定: %v, want forbidden naming 决定", err)
	}
	app, err = s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.Approve, Version: app.Version,
		Actor: "scj.approve", Cal: cal, Now: later, Caller: approver})
	if err != nil || app.State != workflow.Approved {
		t.Fatalf("approve at 决定: %v %v", app, err)
	}
	var stages []string
	for _, e := range eventsOf(t, s, f.Number) {
		if st := e.Fields()["stage"]; st != "" {
			stages = append(stages, string(e.Action)+":"+st)
		}
	}
	if got := strings.Join(stages, " "); got != "review_pass:初审 review_pass:复审 approve:决定" {
		t.Fatalf("events name the stages %q", got)
	}
	// A new filing runs the edited sequence.
	g := file(t, s, "A1", later, nil)
	app, err = act(s, cal, g.Number, workflow.Accept, "", 1, later, nil)
	if err != nil || app.Tasks[0].StageName != "受理" || app.Tasks[0].StageDue != "" {
		t.Fatalf("new filing's first stage %+v %v, want 受理 without a due date", app.Tasks, err)
	}
}

func eventsOf(t *testing.T, s *Store, number string) []Event {
	t.Helper()
	app, err := s.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	if err := s.db.Where("application_id = ?", app.ID).Order("seq").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestStagePlanJointDepartmentsRunTheirOwnSequencesAndJoinOnce(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	// A2: 住建 runs 受理 → 现场核查 → 决定; 市场监管 decides at once.
	withPlans(t, s, "A2", StagePlan{{Name: "受理", Role: "reviewer"}, {Name: "现场核查", Role: "reviewer", Share: 40},
		{Name: "决定", Role: "approver"}}, StagePlan{{Name: "会签决定", Role: "approver"}})
	f := file(t, s, "A2", now, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if app.Tasks[0].StageName != "受理" || app.Tasks[1].StageName != "会签决定" || app.Tasks[1].Stage != "decide" {
		t.Fatalf("tasks %+v", app.Tasks)
	}
	steps := []struct {
		a    workflow.Action
		dept string
	}{{workflow.Claim, "scj"}, {workflow.Approve, "scj"}, {workflow.ReviewPass, "zjj"}, {workflow.ReviewPass, "zjj"}}
	for _, st := range steps {
		if app, err = act(s, cal, f.Number, st.a, st.dept, app.Version, now, nil); err != nil {
			t.Fatalf("%s by %s: %v", st.a, st.dept, err)
		}
		if app.State != workflow.InReview || app.Result != "" {
			t.Fatalf("after %s by %s: %s %q, want still in review", st.a, st.dept, app.State, app.Result)
		}
	}
	if _, err := act(s, cal, f.Number, workflow.Approve, "scj", app.Version, now, nil); !errors.Is(err, workflow.ErrIllegal) {
		t.Fatalf("a second decision of 市场监管: %v, want illegal", err)
	}
	if app, err = act(s, cal, f.Number, workflow.Approve, "zjj", app.Version, now, nil); err != nil || app.State != workflow.Approved {
		t.Fatalf("last decision: %v %v", app, err)
	}
	joins := 0
	for _, e := range eventsOf(t, s, f.Number) {
		if e.ToState == workflow.Approved {
			joins++
		}
	}
	if joins != 1 {
		t.Fatalf("the join fired %d times, want once", joins)
	}
}

func TestStagePlanValidation(t *testing.T) {
	s := adminCatalogue(t)
	base := adminItem(t, s, "A1")
	known := Known{Departments: map[string]bool{"scj": true, "zjj": true, "rsj": true}, Types: map[string]bool{"01": true},
		StageRoles: stageTestRoles}
	cases := []struct {
		name  string
		plan  StagePlan
		field string
	}{
		{"last stage must decide", StagePlan{{Name: "初审", Role: "reviewer"}, {Name: "复审", Role: "reviewer"}}, "departments[0].plan[1].role"},
		{"a passing stage cannot be the approver's", StagePlan{{Name: "初审", Role: "approver"}, {Name: "决定", Role: "approver"}}, "departments[0].plan[0].role"},
		{"unknown role", StagePlan{{Name: "决定", Role: "boss"}}, "departments[0].plan[0].role"},
		{"name required", StagePlan{{Name: " ", Role: "reviewer"}, {Name: "决定", Role: "approver"}}, "departments[0].plan[0].name"},
		{"names unique", StagePlan{{Name: "审查", Role: "reviewer"}, {Name: "审查", Role: "approver"}}, "departments[0].plan[1].name"},
		{"shares at most 100", StagePlan{{Name: "初审", Role: "reviewer", Share: 70}, {Name: "决定", Role: "approver", Share: 40}}, "departments[0].plan"},
		{"share in range", StagePlan{{Name: "初审", Role: "reviewer", Share: -5}, {Name: "决定", Role: "approver"}}, "departments[0].plan[0].share"},
	}
	for _, c := range cases {
		it := *base
		it.Departments = []ItemDepartment{{DepartmentCode: "scj", Plan: c.plan}}
		ve := CheckItem(&it, known, nil)
		if ve == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if _, ok := ve.Fields[c.field]; !ok {
			t.Fatalf("%s: errors %v, want %s", c.name, ve.Fields, c.field)
		}
	}
	it := *base
	it.Departments = []ItemDepartment{{DepartmentCode: "scj", Plan: threeStages()}}
	if ve := CheckItem(&it, known, nil); ve != nil {
		t.Fatalf("a valid sequence: %v", ve.Fields)
	}
}

func TestStagePlanIsVersionedWithTheItem(t *testing.T) {
	s := adminCatalogue(t)
	before := adminItem(t, s, "A1").Version
	withPlans(t, s, "A1", threeStages())
	it := adminItem(t, s, "A1")
	if it.Version != before+1 || len(it.Departments[0].Plan) != 3 || it.Departments[0].Plan[1].Name != "复审" {
		t.Fatalf("stored item v%d plan %+v", it.Version, it.Departments[0].Plan)
	}
	if got := []string(it.Departments[0].Stages); strings.Join(got, ",") != "review,decide" {
		t.Fatalf("stages %v follow the sequence", got)
	}
	revs := revisions(t, s, "A1")
	last := revs[len(revs)-1]
	if revs[0].Version > last.Version {
		last = revs[0]
	}
	var fields []string
	for _, ch := range last.Diff {
		fields = append(fields, ch.Field)
	}
	if got := strings.Join(fields, " "); !strings.Contains(got, "departments[0].plan[+]") {
		t.Fatalf("revision diff %q does not show the stages", got)
	}
	// Back to the default: the stored plan is empty again and the diff shows the removal.
	withPlans(t, s, "A1", StagePlan{})
	if it := adminItem(t, s, "A1"); len(it.Departments[0].Plan) != 0 {
		t.Fatalf("plan after removing %+v", it.Departments[0].Plan)
	}
}

func TestStagePlanSurvivesAnImportOfTheItem(t *testing.T) {
	s := adminCatalogue(t)
	withPlans(t, s, "A1", threeStages())
	stored := adminItem(t, s, "A1")
	in := *stored
	in.Departments = []ItemDepartment{{DepartmentCode: "scj", Stages: StringList{"review", "decide"}}} // as a spreadsheet holds it
	in.Hours = "工作日 9:00-17:00"
	op, ok := importedItem(in, stored)
	if !ok || len(op.next.Departments[0].Plan) != 3 || op.next.Departments[0].Plan[0].Name != "初审" {
		t.Fatalf("import: changed %v, departments %+v", ok, op.next.Departments)
	}
}

func TestStagePlanGoesThroughADraft(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	it := adminItem(t, s, "A1")
	it.Departments[0].Plan = threeStages()
	if _, err := s.SaveDraft(ctx, "A1", *it, "catalog", "草拟三级审批", it.Version); err != nil {
		t.Fatal(err)
	}
	if got := adminItem(t, s, "A1"); len(got.Departments[0].Plan) != 0 {
		t.Fatalf("a draft changed the published item: %+v", got.Departments[0].Plan)
	}
	if _, err := s.PublishItem(ctx, "A1", "catalog", "发布三级审批", it.Version); err != nil {
		t.Fatal(err)
	}
	got := adminItem(t, s, "A1").Departments[0].Plan
	if len(got) != 3 || got[0] != threeStages()[0] || got[2].Role != "approver" {
		t.Fatalf("published plan %+v", got)
	}
}

func TestStagePlanDueDateMovesWithAStoppedClock(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	mon := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC) // Monday 30 November
	withPlans(t, s, "A1", threeStages())
	f := file(t, s, "A1", mon, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, mon, nil)
	if err != nil {
		t.Fatal(err)
	}
	due := app.Tasks[0].StageDue // 3 working days after Monday: Thursday 3 December
	if due != "2026-12-03" {
		t.Fatalf("初审 due %s, want 2026-12-03", due)
	}
	fields := map[string]string{"kind": "inspection", "reason": "现场检验", "expected_days": "2"}
	if app, err = act(s, cal, f.Number, workflow.Claim, "scj", app.Version, mon, nil); err != nil {
		t.Fatal(err)
	}
	if app, err = act(s, cal, f.Number, workflow.Suspend, "scj", app.Version, mon, fields); err != nil {
		t.Fatal(err)
	}
	wed := mon.AddDate(0, 0, 2) // two working days stand still
	if app, err = act(s, cal, f.Number, workflow.Resume, "scj", app.Version, wed, nil); err != nil {
		t.Fatal(err)
	}
	if app.Tasks[0].StageDue != "2026-12-07" || app.StoppedDays != 2 {
		t.Fatalf("after two stopped days 初审 is due %s (stopped %d), want 2026-12-07", app.Tasks[0].StageDue, app.StoppedDays)
	}
}
