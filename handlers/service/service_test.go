package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

const citizenID = "11010519491231002X"

// defaultAnswers answer what the default form asks beyond the applicant's particulars,
// which the form takes from the filing's applicant.
const defaultAnswers = `{"address": "集宁区新华街1号", "request": "申请办理本事项，材料齐全。", "delivery": "window", "declaration": true}`

// newService opens a store in a temporary folder with two departments, a
// single-department item (A1, scj) and a joint one (A2, zjj with scj), and
// an authorizer with a clerk, reviewers, a department catalogue
// administrator and a citizen account.
func newService(t *testing.T) *service.Service {
	t.Helper()
	ctx := context.Background()
	st, err := models.Open(ctx, t.TempDir(), models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	item := func(code, dept string, extra ...string) models.Item {
		it := models.Item{Code: code, CatalogCode: "0100100000" + code, Name: "事项" + code, TypeCode: "01", DepartmentCode: dept,
			Disposition: models.DispositionRetained, OnApplication: true, HandlingKind: models.KindPromised,
			StatutoryDays: models.IntPtr(20), PromisedDays: models.IntPtr(10), Status: models.ItemPublished, Version: 1,
			Materials:   []models.Material{{Key: "m1", Sort: 1, Name: "申请书", Necessity: models.NecessityRequired, Copies: models.IntPtr(1)}},
			Departments: []models.ItemDepartment{{Sort: 1, DepartmentCode: dept, Stages: models.StringList{"review", "decide"}}}}
		for i, d := range extra {
			it.Departments = append(it.Departments, models.ItemDepartment{Sort: i + 2, DepartmentCode: d, Stages: models.StringList{"review", "decide"}})
		}
		return it
	}
	depts := []models.Department{{Code: "scj", Name: "市场监督管理局", ShortName: "市场监管局", Sort: 1},
		{Code: "zjj", Name: "住房和城乡建设局", ShortName: "住建局", Sort: 2}}
	if _, err := st.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), []models.Item{item("A1", "scj"), item("A2", "zjj", "scj")}); err != nil {
		t.Fatal(err)
	}
	authz, err := policies.New([]policies.Assignment{
		{User: "window1", Role: policies.WindowClerk, Domain: policies.AllDomains},
		{User: "scj.review", Role: policies.Reviewer, Domain: "scj"},
		{User: "zjj.review", Role: policies.Reviewer, Domain: "zjj"},
		{User: "scj.approve", Role: policies.Approver, Domain: "scj"},
		{User: "zjj.approve", Role: policies.Approver, Domain: "zjj"},
		{User: "scj.catalog", Role: policies.CatalogueAdmin, Domain: "scj"},
		{User: "catalog", Role: policies.CatalogueAdmin, Domain: policies.AllDomains},
		{User: "citizen1", Role: policies.Citizen, Domain: policies.AllDomains},
	})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) }
	return &service.Service{Store: st, Authz: authz, Cal: cal, Now: now, Item: st.Item}
}

func filing(code string) service.Filing {
	return service.Filing{ItemCode: code, Form: service.FormInput{JSON: []byte(defaultAnswers)},
		Applicant: service.ApplicantInput{Kind: models.ApplicantPerson, Name: "张三", IDNumber: citizenID, Phone: "13800000000"}}
}

func kindOf(err error) service.Kind {
	var e *service.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func TestFilingChannelAndFields(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	online, err := s.File(ctx, service.Actor{}, filing("A1"))
	if err != nil || online.State != workflow.Submitted {
		t.Fatalf("online filing: %+v %v", online, err)
	}
	if _, err := s.Register(ctx, service.Actor{Username: "scj.review"}, filing("A1")); kindOf(err) != service.Forbidden {
		t.Fatalf("a reviewer registering: %v, want Forbidden", err)
	}
	walkIn, err := s.Register(ctx, service.Actor{Username: "window1"}, filing("A1"))
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.Store.Application(ctx, walkIn.Number)
	if err != nil || app.Channel != models.ChannelWindow {
		t.Fatalf("walk-in channel: %+v %v", app, err)
	}
	bad := filing("NOPE")
	bad.Applicant.IDNumber, bad.Applicant.Kind = "123", "robot"
	_, err = s.File(ctx, service.Actor{}, bad)
	var e *service.Error
	if !errors.As(err, &e) || e.Kind != service.Invalid {
		t.Fatalf("bad filing: %v", err)
	}
	for _, f := range []string{"item_code", "applicant.id_number", "applicant.kind"} {
		if e.Fields[f] == "" {
			t.Errorf("no field error for %s in %v", f, e.Fields)
		}
	}
}

func TestActWhoMayDoWhat(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	filed, err := s.File(ctx, service.Actor{}, filing("A2"))
	if err != nil {
		t.Fatal(err)
	}
	n := filed.Number
	steps := []struct {
		name    string
		who     service.Actor
		act     workflow.Action
		version int
		in      service.ActionInput
		kind    service.Kind
		is      error
		role    string
		dept    string
	}{
		{name: "anonymous without a code", act: workflow.Accept, version: 1, kind: service.Unauthenticated},
		{name: "wrong code", who: service.Actor{QueryCode: "WRONG"}, act: workflow.Withdraw, kind: service.NotFound},
		{name: "a wrong code learns neither version nor state", who: service.Actor{QueryCode: "WRONG"}, act: workflow.Supplement,
			version: 99, kind: service.NotFound},
		{name: "the applicant may not accept", who: service.Actor{QueryCode: filed.QueryCode}, act: workflow.Accept, kind: service.Forbidden},
		{name: "a reviewer may not accept", who: service.Actor{Username: "zjj.review"}, act: workflow.Accept, version: 1, kind: service.Forbidden},
		{name: "comment too long", who: service.Actor{Username: "window1"}, act: workflow.Accept, version: 1,
			in: service.ActionInput{Comment: strings.Repeat("长", 2001)}, kind: service.Invalid},
		{name: "stale version", who: service.Actor{Username: "window1"}, act: workflow.Accept, version: 7, is: models.ErrConflict},
		{name: "the clerk accepts", who: service.Actor{Username: "window1"}, act: workflow.Accept, version: 1, role: "window_clerk", dept: "zjj",
			in: allReceived(t, s, n)},
		{name: "illegal now", who: service.Actor{Username: "window1"}, act: workflow.Accept, version: 2, is: workflow.ErrIllegal},
		{name: "a reviewer of another department's task", who: service.Actor{Username: "scj.review"}, act: workflow.Claim, version: 2,
			in: service.ActionInput{Department: "zjj"}, kind: service.Forbidden},
		{name: "a reviewer claims their department's task", who: service.Actor{Username: "scj.review"}, act: workflow.Claim, version: 2,
			role: "reviewer", dept: "scj"},
		{name: "a citizen account of another person", who: service.Actor{Username: "citizen1", CitizenID: "110105194912310021"},
			act: workflow.Withdraw, kind: service.Forbidden},
		{name: "the owner's citizen account withdraws", who: service.Actor{Username: "citizen1", CitizenID: strings.ToLower(citizenID)},
			act: workflow.Withdraw, role: "applicant"},
	}
	for _, st := range steps {
		app, err := s.Act(ctx, st.who, n, st.act, st.version, st.in)
		switch {
		case st.kind != 0:
			if kindOf(err) != st.kind {
				t.Fatalf("%s: %v, want kind %d", st.name, err, st.kind)
			}
			if st.kind == service.NotFound && !service.IsWrongCode(err) {
				t.Fatalf("%s: not marked as a wrong code: %v", st.name, err)
			}
		case st.is != nil:
			if !errors.Is(err, st.is) {
				t.Fatalf("%s: %v, want %v", st.name, err, st.is)
			}
		default:
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			full, err := s.Store.Application(ctx, app.Number)
			if err != nil {
				t.Fatal(err)
			}
			ev := full.Events[len(full.Events)-1]
			if ev.Role != st.role || ev.Department != st.dept || ev.Action != st.act {
				t.Fatalf("%s: event %s by %s/%s, want %s/%s", st.name, ev.Action, ev.Role, ev.Department, st.role, st.dept)
			}
		}
	}
}

func TestCatalogueWritesAreAuthorizedInTheItemsDepartment(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	who := service.Actor{Username: "scj.catalog"}
	a2, _, err := s.Store.AdminItem(ctx, "A2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateItem(ctx, who, "A2", *a2, "改", a2.Version); kindOf(err) != service.Forbidden {
		t.Fatalf("edit in another department: %v", err)
	}
	a1, _, err := s.Store.AdminItem(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	moved := *a1
	moved.DepartmentCode = "zjj"
	if _, err := s.UpdateItem(ctx, who, "A1", moved, "移交", a1.Version); kindOf(err) != service.Forbidden {
		t.Fatalf("moving into another department: %v", err)
	}
	if _, err := s.UpdateItem(ctx, who, "NOPE", *a1, "改", 1); kindOf(err) != service.NotFound {
		t.Fatalf("missing item: %v", err)
	}
	edited := *a1
	edited.Name = "事项A1（新）"
	if _, err := s.UpdateItem(ctx, who, "A1", edited, "", a1.Version); kindOf(err) != service.Invalid {
		t.Fatalf("no reason: %v", err)
	}
	if _, err := s.UpdateItem(ctx, who, "A1", edited, "改名", a1.Version+5); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	it, err := s.UpdateItem(ctx, who, "A1", edited, "改名", a1.Version)
	if err != nil || it.Name != edited.Name || it.Version != a1.Version+1 {
		t.Fatalf("update: %+v %v", it, err)
	}
	if _, err := s.CreateItem(ctx, who, models.Item{Code: "B1", DepartmentCode: "zjj"}, "新增"); kindOf(err) != service.Forbidden {
		t.Fatalf("create in another department: %v", err)
	}
	cur, _, err := s.Store.AdminItem(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	toZJJ := *cur
	toZJJ.DepartmentCode = "zjj"
	if _, err := s.Store.SaveDraft(ctx, "A1", toZJJ, "catalog", "移交住建局", cur.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishItem(ctx, who, "A1", "发布", cur.Version); kindOf(err) != service.Forbidden {
		t.Fatalf("publishing a draft that moves the item into another department: %v", err)
	}
	if _, err := s.SetDisposition(ctx, service.Actor{Username: "window1"}, "A1",
		models.DispositionChange{Disposition: models.DispositionCancelled, Reason: "取消"}, it.Version); kindOf(err) != service.Forbidden {
		t.Fatalf("a clerk disposing: %v", err)
	}
}

// An item whose department nobody reviews or decides for takes no filing:
// it would wait for nobody while the legal clock runs.
func TestUnstaffedDepartmentTakesNoFiling(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	authz, err := policies.New([]policies.Assignment{
		{User: "window1", Role: policies.WindowClerk, Domain: policies.AllDomains},
		{User: "scj.review", Role: policies.Reviewer, Domain: "scj"},
		{User: "scj.approve", Role: policies.Approver, Domain: "scj"},
		{User: "zjj.review", Role: policies.Reviewer, Domain: "zjj"}, // zjj decides for nobody
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Authz = authz
	if _, err := s.File(ctx, service.Actor{}, filing("A1")); err != nil {
		t.Fatalf("a staffed item: %v", err)
	}
	before := countApplications(t, s)
	_, err = s.File(ctx, service.Actor{}, filing("A2")) // zjj with scj in parallel
	var e *service.Error
	if !errors.As(err, &e) || e.Kind != service.Invalid || !strings.Contains(e.Fields["item_code"], "no staff") {
		t.Fatalf("filing for an unstaffed department: %v", err)
	}
	if countApplications(t, s) != before {
		t.Error("the refused filing was stored")
	}
	it, _ := s.Store.Item(ctx, "A2")
	if got := s.UnstaffedDepartments(it); len(got) != 1 || got[0] != "zjj" {
		t.Errorf("unstaffed departments = %v, want [zjj]", got)
	}
}

// A main item (主项) with sub-items takes no filing: one applies for a 子项.
func TestMainItemTakesNoFiling(t *testing.T) {
	t.Parallel()
	s := newService(t)
	s.IsMainItem = func(code string) bool { return code == "A1" }
	_, err := s.File(context.Background(), service.Actor{}, filing("A1"))
	var e *service.Error
	if !errors.As(err, &e) || !strings.Contains(e.Fields["item_code"], "sub-items") {
		t.Fatalf("filing for a main item: %v", err)
	}
}

func countApplications(t *testing.T, s *service.Service) int {
	t.Helper()
	apps, err := s.Store.ApplicationsInStates(context.Background(), workflow.States, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(apps)
}

// TestWorkflowDepartmentsNeedTheirOwnPermission: a department's catalogue administrator may
// not add another department to its item's workflow (handing that department work), nor
// save such a draft; nothing changes.
func TestWorkflowDepartmentsNeedTheirOwnPermission(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := context.Background()
	who := service.Actor{Username: "scj.catalog"}
	a1, _, err := s.Store.AdminItem(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	joint := *a1
	joint.Departments = append(slices.Clone(a1.Departments), models.ItemDepartment{Sort: 2, DepartmentCode: "zjj", Stages: models.StringList{"review", "decide"}})
	if _, err := s.UpdateItem(ctx, who, "A1", joint, "联办", a1.Version); kindOf(err) != service.Forbidden {
		t.Fatalf("adding zjj to the workflow: %v", err)
	}
	if _, err := s.SaveItemDraft(ctx, who, "A1", joint, "联办", a1.Version); kindOf(err) != service.Forbidden {
		t.Fatalf("a draft adding zjj: %v", err)
	}
	after, _, err := s.Store.AdminItem(ctx, "A1")
	if err != nil || after.Version != a1.Version || len(after.Departments) != 1 {
		t.Fatalf("the item changed: v%d, %d departments (%v)", after.Version, len(after.Departments), err)
	}
	if _, err := s.UpdateItem(ctx, service.Actor{Username: "catalog"}, "A1", joint, "联办", a1.Version); kindOf(err) == service.Forbidden {
		t.Fatalf("an all-department administrator was refused")
	}
}

// allReceived is an acceptance input with every material of the application received.
func allReceived(t *testing.T, s *service.Service, number string) service.ActionInput {
	t.Helper()
	app, err := s.Store.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	in := service.ActionInput{Materials: map[string]models.MaterialCheck{}}
	for _, m := range app.Materials {
		in.Materials[m.MaterialKey] = models.MaterialCheck{Provided: true, Kind: "original", Copies: 1}
	}
	return in
}
