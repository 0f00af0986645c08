package models

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"onewindow/workflow"
)

// legalCatalogue is a catalogue whose items have every kind of material: L1
// a licence with a required (m1), an optional (m2) and a 容缺后补 (m3)
// material; L2 the same licence run jointly by two departments; C1 a
// confirmation (行政确认) and S1 a public service.
func legalCatalogue(t testing.TB) *Store {
	t.Helper()
	s := openTest(t)
	seedLegal(t, s)
	return s
}

func seedLegal(t testing.TB, s *Store) {
	t.Helper()
	depts := []Department{
		{Code: "scj", Name: "区市场监督管理局", ShortName: "区市场监管局", Sort: 1},
		{Code: "zjj", Name: "区住房和城乡建设局", ShortName: "区住建局", Sort: 2},
	}
	item := func(code, name, typ string, depts ...string) Item {
		it := Item{Code: code, CatalogCode: "0100100000" + code, Name: name, TypeCode: typ, DepartmentCode: depts[0],
			Disposition: DispositionRetained, OnApplication: true, HandlingKind: KindPromised,
			StatutoryDays: IntPtr(20), PromisedDays: IntPtr(10), ServiceObjects: StringList{"自然人"}, HandleForms: StringList{"窗口办理"},
			Status: ItemPublished, Version: 1,
			Materials: []Material{
				{Key: "m1", Sort: 1, Name: "申请书", Necessity: NecessityRequired, Copies: IntPtr(1)},
				{Key: "m2", Sort: 2, Name: "参考资料", Necessity: NecessityOptional, Copies: IntPtr(1)},
				{Key: "m3", Sort: 3, Name: "场所证明", Necessity: NecessityDeferred, Copies: IntPtr(1)},
			}}
		for i, d := range depts {
			it.Departments = append(it.Departments, ItemDepartment{Sort: i + 1, DepartmentCode: d, Stages: StringList{"review", "decide"}})
		}
		return it
	}
	joint := item("L2", "建筑工程施工许可", "01", "zjj", "scj")
	joint.StatutoryDays, joint.PromisedDays = IntPtr(45), IntPtr(30)
	immediate := item("I1", "个体工商户名称变更登记", "01", "scj")
	immediate.HandlingKind = KindImmediate // the guide's 20 and 10 days do not apply to it
	items := []Item{item("L1", "食品经营许可", "01", "scj"), joint, item("C1", "最低生活保障对象认定", "07", "scj"),
		item("S1", "档案查询", "20", "scj"), immediate}
	if _, err := s.SeedCatalogue(context.Background(), depts, DefaultItemTypes(), items); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

func checks(received ...string) map[string]MaterialCheck {
	out := map[string]MaterialCheck{}
	for _, k := range []string{"m1", "m2", "m3"} {
		out[k] = MaterialCheck{}
	}
	for _, k := range received {
		out[k] = MaterialCheck{Provided: true, Kind: "original", Copies: 1}
	}
	return out
}

func accept(s *Store, cal *workflow.Calendar, number string, a workflow.Action, version int, now time.Time, c map[string]MaterialCheck, fields map[string]string) (*Application, error) {
	return s.Act(context.Background(), ActionRequest{Number: number, Action: a, Version: version, Actor: "window1",
		Fields: fields, Checks: c, Cal: cal, Now: now})
}

// problems is what a MaterialsError says, material key → problem.
func problems(t *testing.T, err error) map[string]string {
	t.Helper()
	var me *MaterialsError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want a MaterialsError", err)
	}
	out := map[string]string{}
	for _, p := range me.Problems {
		out[p.Key] = p.Problem
	}
	return out
}

func TestAcceptanceNeedsEveryRequiredMaterialAndChangesNothingWhenRefused(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	f := file(t, s, "L1", now, nil)

	_, err := accept(s, cal, f.Number, workflow.Accept, 1, now, checks("m2"), nil)
	got := problems(t, err)
	if got["m1"] != MaterialNotReceived || got["m3"] != MaterialDeferrable || got["m2"] != "" || len(got) != 2 {
		t.Fatalf("problems %v", got)
	}
	app, _ := s.Application(context.Background(), f.Number)
	if app.State != workflow.Submitted || app.Version != 1 || app.AcceptedOn != "" || app.Materials[1].Provided {
		t.Fatalf("a refused acceptance changed the application: %s v%d %q %+v", app.State, app.Version, app.AcceptedOn, app.Materials)
	}
	// The optional material is not needed; every required one is.
	app, err = accept(s, cal, f.Number, workflow.Accept, 1, now, checks("m1", "m3"), nil)
	if err != nil || app.State != workflow.Accepted || !app.Complete() {
		t.Fatalf("complete acceptance: %v %s", err, app.State)
	}
}

func TestPendingAcceptanceOnlyOnDeferrableMaterials(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // Monday
	f := file(t, s, "L1", now, nil)

	// A required material cannot be 容缺, even when the rest is in order.
	_, err := accept(s, cal, f.Number, workflow.AcceptPending, 1, now, checks("m3"), map[string]string{"pending": "m1"})
	if got := problems(t, err); got["m1"] != MaterialNotDeferrable {
		t.Fatalf("required as pending: %v", got)
	}
	// Nor may a required material be missing beside a pending one.
	_, err = accept(s, cal, f.Number, workflow.AcceptPending, 1, now, checks(), map[string]string{"pending": "m3"})
	if got := problems(t, err); got["m1"] != MaterialNotReceived || len(got) != 1 {
		t.Fatalf("required missing: %v", got)
	}
	app, err := accept(s, cal, f.Number, workflow.AcceptPending, 1, now, checks("m1"), map[string]string{"pending": "m3"})
	if err != nil {
		t.Fatal(err)
	}
	if app.Complete() || !app.RequiredReceived() || len(app.PendingMaterials()) != 1 || app.PendingMaterials()[0].MaterialKey != "m3" {
		t.Fatalf("pending acceptance: complete %v required %v pending %+v", app.Complete(), app.RequiredReceived(), app.PendingMaterials())
	}
}

func TestDecisionTermsFollowTheItemType(t *testing.T) {
	for typ, want := range map[string]DecisionTerms{
		"01": {Vocabulary: "licence", Law: "licensing", Remedies: true, JointDays: 45},
		"07": {Vocabulary: "confirmation", Remedies: true},
		"05": {Vocabulary: "benefit", Remedies: true},
		"08": {Vocabulary: "award", Remedies: true},
		"09": {Vocabulary: "ruling", Remedies: true},
		"20": {Vocabulary: "service"},
		"99": {Vocabulary: "power", Remedies: true},
	} {
		if got := TermsOf(typ); got != want {
			t.Errorf("type %s: %+v, want %+v", typ, got, want)
		}
	}
}

func TestPendingMaterialsHandedInClearTheDueDate(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	app := pendingFiling(t, s, cal, now)
	// Only a pending material can be handed in as one.
	_, err := s.Act(context.Background(), ActionRequest{Number: app.Number, Action: workflow.ReceivePending, Version: app.Version,
		Actor: "window1", Fields: map[string]string{"received": "m1"}, Cal: cal, Now: now})
	if got := problems(t, err); got["m1"] != MaterialNotPending {
		t.Fatalf("a received material handed in again: %v", got)
	}
	app, err = s.Act(context.Background(), ActionRequest{Number: app.Number, Action: workflow.ReceivePending, Version: app.Version,
		Actor: "window1", Fields: map[string]string{"received": "m3"}, Cal: cal, Now: now})
	if err != nil || app.PendingDue != "" || !app.Complete() || len(app.PendingMaterials()) != 0 {
		t.Fatalf("handed in: %v due %q complete %v", err, app.PendingDue, app.Complete())
	}
}

func TestExtensionIsBoundedByTheLimitAndGrantedOnce(t *testing.T) {
	for _, tc := range []struct {
		code string
		max  int
		dept string
	}{{"L1", 10, "scj"}, {"L2", 15, "zjj"}} {
		s := legalCatalogue(t)
		cal := testCalendar(t)
		now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		f := file(t, s, tc.code, now, nil)
		app, err := accept(s, cal, f.Number, workflow.Accept, 1, now, checks("m1", "m3"), nil)
		if err != nil {
			t.Fatal(err)
		}
		extend := func(days int) (*Application, error) {
			cur, _ := s.Application(context.Background(), f.Number)
			return s.Act(context.Background(), ActionRequest{Number: f.Number, Action: workflow.Extend, Version: cur.Version,
				Department: tc.dept, Actor: "approver", Cal: cal, Now: now,
				Fields: map[string]string{"days": strconv.Itoa(days), "reason": "情况复杂"}})
		}
		if _, err := extend(tc.max + 1); !isFieldProblem(err, "days", workflow.FieldTooLarge) {
			t.Fatalf("%s: %d days: %v", tc.code, tc.max+1, err)
		}
		before := app.StatutoryDeadline
		app, err = extend(tc.max)
		if err != nil {
			t.Fatal(err)
		}
		start, _ := workflow.ParseDate(before)
		if want := FormatDay(cal.AddWorkdays(start, tc.max)); app.StatutoryDeadline != want {
			t.Fatalf("%s: deadline %s, want %s", tc.code, app.StatutoryDeadline, want)
		}
		full, _ := s.Application(context.Background(), f.Number)
		if ev := full.Events[len(full.Events)-1]; ev.Fields()["deadline"] != app.StatutoryDeadline {
			t.Fatalf("%s: the event records the deadline %q", tc.code, ev.Fields()["deadline"])
		}
		if _, err := extend(1); !isFieldProblem(err, "days", workflow.FieldAlreadyExtended) {
			t.Fatalf("%s: a second extension: %v", tc.code, err)
		}
	}
}

func TestAnImmediateItemIsDueOnTheDayOfAcceptance(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC) // Fri 6 Mar 2026, 10:00 in the centre
	f := file(t, s, "I1", now, nil)
	app, err := accept(s, cal, f.Number, workflow.Accept, 1, now, checks("m1", "m3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if app.PromisedDeadline != "2026-03-06" || app.StatutoryDeadline != "2026-03-06" {
		t.Fatalf("deadlines %s %s, want the day of acceptance", app.PromisedDeadline, app.StatutoryDeadline)
	}
	c := app.Clock()
	if c.Overdue(cal, CentreDay(now)) || !c.Overdue(cal, CentreDay(now.Add(24*time.Hour))) {
		t.Fatal("a 即办件 is overdue exactly once its day has ended")
	}
}

func TestJointLimitHoldsOnCreateAndEveryEdit(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	// Adding a second department to a 20-day licence makes it joint: its limit must become 45.
	edited := *adminItem(t, s, "A1")
	edited.Departments = append(edited.Departments, ItemDepartment{Sort: 2, DepartmentCode: "zjj", Stages: StringList{"review", "decide"}})
	_, err := s.UpdateItem(ctx, "A1", edited, "catalog", "改为并联审批", 1)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Rule("statutory_days") != RuleJointLimit {
		t.Fatalf("a joint licence at 20 days: %v", err)
	}
	edited.StatutoryDays = IntPtr(45)
	if _, err := s.UpdateItem(ctx, "A1", edited, "catalog", "改为并联审批", 1); err != nil {
		t.Fatalf("a joint licence at 45 days: %v", err)
	}
	// A later edit cannot take the joint limit away.
	again := *adminItem(t, s, "A2")
	again.StatutoryDays = IntPtr(30)
	if _, err := s.UpdateItem(ctx, "A2", again, "catalog", "缩短", again.Version); !errors.As(err, &ve) || ve.Rule("statutory_days") != RuleJointLimit {
		t.Fatalf("editing a joint licence to 30 days: %v", err)
	}
	// A new joint licence is held to it as well; a type whose law sets no joint limit is not.
	it := *adminItem(t, s, "A2")
	it.ID, it.Code, it.StatutoryDays = 0, "A9", IntPtr(60)
	for i := range it.Materials {
		it.Materials[i].ID = 0
	}
	for i := range it.Departments {
		it.Departments[i].ID = 0
	}
	if _, err := s.CreateItem(ctx, it, "catalog", "新增"); !errors.As(err, &ve) || ve.Rule("statutory_days") != RuleJointLimit {
		t.Fatalf("creating a joint licence at 60 days: %v", err)
	}
	it.TypeCode = "07"
	if _, err := s.CreateItem(ctx, it, "catalog", "新增"); err != nil {
		t.Fatalf("a joint confirmation at 60 days: %v", err)
	}
}
