package models

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"onewindow/workflow"
)

// threeDepartmentItem is the joint item A2 with a third department (rsj)
// taking part; an application keeps the definition it was filed with, so
// filing against the item value is enough.
func threeDepartmentItem(t testing.TB, s *Store) *Item {
	t.Helper()
	it, err := s.Item(context.Background(), "A2")
	if err != nil {
		t.Fatal(err)
	}
	it.Departments = append(it.Departments, ItemDepartment{Sort: 3, DepartmentCode: "rsj", Stages: StringList{"review", "decide"}})
	return it
}

func fileItem(t testing.TB, s *Store, it *Item, now time.Time) string {
	t.Helper()
	f, err := s.CreateApplication(context.Background(), NewApplication{Item: it, Channel: ChannelWindow, Actor: "window1", Now: now,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "440524188001010014", Name: "李四"}})
	if err != nil {
		t.Fatal(err)
	}
	return f.Number
}

func mustAct(t testing.TB, s *Store, cal *workflow.Calendar, number string, a workflow.Action, dept string, now time.Time, fields map[string]string) *Application {
	t.Helper()
	req := ActionRequest{Number: number, Action: a, Actor: dept + ".user",
		Department: dept, Fields: fields, Cal: cal, Now: now}
	if a == workflow.Accept {
		req.Checks = receivedChecks(s, number)
	}
	app, err := s.Act(context.Background(), req)
	if err != nil {
		t.Fatalf("%s by %q: %v", a, dept, err)
	}
	return app
}

func TestJointThreeDepartmentsApprovingAtOnceJoinExactlyOnce(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	it := threeDepartmentItem(t, s)
	depts := []string{"zjj", "scj", "rsj"}
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	ctx := context.Background()
	rounds := 100
	if testing.Short() {
		rounds = 10
	}
	for round := range rounds {
		number := fileItem(t, s, it, now)
		mustAct(t, s, cal, number, workflow.Accept, "", now, nil)
		for _, d := range depts {
			mustAct(t, s, cal, number, workflow.Claim, d, now, nil)
			mustAct(t, s, cal, number, workflow.ReviewPass, d, now, nil)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(depts))
		for _, d := range depts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Version 0: each decision re-reads the application under the
				// write lock, so none may be lost whatever the order.
				_, err := s.Act(ctx, ActionRequest{Number: number, Action: workflow.Approve, Actor: d + ".approve",
					Department: d, Cal: cal, Now: now})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: approve: %v", round, err)
			}
		}
		app, err := s.Application(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		joins, approvals := 0, 0
		for _, e := range app.Events {
			if e.Action == workflow.Approve {
				approvals++
			}
			if e.ToState == workflow.Approved {
				joins++
			}
		}
		if app.State != workflow.Approved || app.Result != "approved" || joins != 1 || approvals != 3 {
			t.Fatalf("round %d: state %s result %q joins %d approvals %d", round, app.State, app.Result, joins, approvals)
		}
		for _, task := range app.Tasks {
			if task.Stage != string(workflow.StageApproved) || task.DecidedBy != task.DepartmentCode+".approve" || task.DecidedAt == nil {
				t.Fatalf("round %d: task %s: %+v", round, task.DepartmentCode, task)
			}
		}
	}
	checked := 0
	var err error
	for r, e := range s.Chains(ctx, nil) {
		if e != nil {
			err = e
			break
		}
		checked++
		if r.Break != nil {
			t.Errorf("chain of %s broken at %d: %s", r.Number, r.Break.Seq, r.Break.Reason)
		}
	}
	if err != nil || checked != rounds {
		t.Fatalf("verify: %v, %d chains", err, checked)
	}
}

func TestTaskDeadlinesAcross2026HolidaysWithSuspensionAndExtension(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	day := func(s string) time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return d.Add(2 * time.Hour) // 10:00 in the centre
	}
	it, _ := s.Item(context.Background(), "A1") // promised 10, statutory 20, one department
	number := fileItem(t, s, it, day("2026-09-18"))
	app := mustAct(t, s, cal, number, workflow.Accept, "", day("2026-09-18"), nil)
	// Fri 18 Sep: Sun 20 (worked) is day 1, 21–24 days 2–5, 25–27 Sep and
	// 1–7 Oct are holidays, 28–30 days 6–8, 8–9 Oct days 9–10.
	if app.PromisedDeadline != "2026-10-09" {
		t.Fatalf("promised deadline %s, want 2026-10-09", app.PromisedDeadline)
	}
	mustAct(t, s, cal, number, workflow.Claim, "scj", day("2026-09-21"), nil)
	app = mustAct(t, s, cal, number, workflow.Suspend, "scj", day("2026-09-22"),
		map[string]string{"kind": "inspection", "reason": "送检", "expected_days": "5"})
	if app.State != workflow.Suspended || app.StoppedSince != "2026-09-22" {
		t.Fatalf("suspend: %s since %q", app.State, app.StoppedSince)
	}
	if used := app.Clock().Used(cal, day("2026-09-29")); used != 3 {
		t.Fatalf("used while suspended %d, want 3 (20, 21, 22 Sep)", used)
	}
	// Resumed Tue 29 Sep: 23, 24, 28, 29 Sep were stopped (4 working days).
	app = mustAct(t, s, cal, number, workflow.Resume, "scj", day("2026-09-29"), nil)
	if app.StoppedDays != 4 || app.PromisedDeadline != "2026-10-14" {
		t.Fatalf("after resume: stopped %d deadline %s, want 4 and 2026-10-14 (Sat 10 Oct is worked)", app.StoppedDays, app.PromisedDeadline)
	}
	app = mustAct(t, s, cal, number, workflow.Extend, "scj", day("2026-10-12"), map[string]string{"days": "5", "reason": "需补充现场核查"})
	c := app.Clock()
	if app.ExtendedDays != 5 || app.PromisedDeadline != "2026-10-21" {
		t.Fatalf("after extension: extended %d deadline %s, want 5 and 2026-10-21", app.ExtendedDays, app.PromisedDeadline)
	}
	if used, left := c.Used(cal, day("2026-10-12")), c.Remaining(cal, day("2026-10-12")); used != 8 || left != 7 {
		t.Fatalf("used %d remaining %d on 12 Oct, want 8 and 7", used, left)
	}
	if app.StatutoryDeadline != cal.AddWorkdays(day("2026-09-18"), 29).Format(time.DateOnly) {
		t.Fatalf("statutory deadline %s", app.StatutoryDeadline)
	}
	// The law allows one extension (Art. 42): a second is refused, however short.
	_, err := s.Act(context.Background(), ActionRequest{Number: number, Action: workflow.Extend, Department: "scj",
		Fields: map[string]string{"days": "1", "reason": "再延"}, Cal: cal, Now: day("2026-10-13")})
	var fe *FieldsError
	if !errors.As(err, &fe) || fe.Fields["days"] != workflow.FieldAlreadyExtended {
		t.Fatalf("extension beyond the bound: %v", err)
	}
	if !c.DueSoon(cal, day("2026-10-19"), 3) || c.Overdue(cal, day("2026-10-21")) || !c.Overdue(cal, day("2026-10-22")) {
		t.Fatal("due soon / overdue around the deadline of 21 Oct")
	}
	// Sat 24 Oct after a Wednesday deadline is overdue; the work list agrees.
	w, err := s.Worklist(context.Background(), WorklistFilter{Departments: []string{"scj"}, Due: DueOverdue, Cal: cal,
		Today: CentreDay(day("2026-10-22")), WarnDays: 3})
	if err != nil || len(w.Items) != 1 {
		t.Fatalf("overdue list on 22 Oct: %v %+v", err, w)
	}
	w, _ = s.Worklist(context.Background(), WorklistFilter{Departments: []string{"scj"}, Due: DueOverdue, Cal: cal,
		Today: CentreDay(day("2026-10-21")), WarnDays: 3})
	if len(w.Items) != 0 {
		t.Fatalf("overdue on the deadline day: %+v", w.Items)
	}
}

func TestWorklistFiltersOrdersAndPages(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	single, _ := s.Item(ctx, "A1") // scj
	joint, _ := s.Item(ctx, "A2")  // zjj + scj
	// Accepted on successive working days: earlier acceptances fall due first.
	days := []string{"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"}
	var numbers []string
	for i, d := range days {
		now, _ := time.Parse(time.DateOnly, d)
		now = now.Add(2 * time.Hour)
		it := single
		if i%2 == 1 {
			it = joint
		}
		n := fileItem(t, s, it, now)
		mustAct(t, s, cal, n, workflow.Accept, "", now, nil)
		numbers = append(numbers, n)
	}
	mustAct(t, s, cal, numbers[2], workflow.Claim, "scj", time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC), nil)
	list := func(f WorklistFilter) []WorkItem {
		t.Helper()
		f.Cal, f.Today, f.WarnDays = cal, time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), 3
		w, err := s.Worklist(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return w.Items
	}
	scj := list(WorklistFilter{Departments: []string{"scj"}})
	if len(scj) != 5 || scj[0].Number != numbers[0] || scj[4].Number != numbers[4] {
		t.Fatalf("scj list: %+v", scj)
	}
	for i := 1; i < len(scj); i++ {
		if scj[i].PromisedDeadline < scj[i-1].PromisedDeadline {
			t.Fatalf("not ordered by deadline: %+v", scj)
		}
	}
	if zjj := list(WorklistFilter{Departments: []string{"zjj"}}); len(zjj) != 2 || zjj[0].Department != "zjj" {
		t.Fatalf("zjj list: %+v", zjj)
	}
	if rsj := list(WorklistFilter{Departments: []string{"rsj"}}); len(rsj) != 0 {
		t.Fatalf("rsj sees %+v", rsj)
	}
	if all := list(WorklistFilter{Departments: []string{"*"}}); len(all) != 7 {
		t.Fatalf("all departments: %d", len(all))
	}
	if mine := list(WorklistFilter{Departments: []string{"scj"}, ClaimedBy: "scj.user"}); len(mine) != 1 || mine[0].Number != numbers[2] {
		t.Fatalf("claimed by me: %+v", mine)
	}
	if un := list(WorklistFilter{Departments: []string{"scj"}, Unclaimed: true}); len(un) != 4 {
		t.Fatalf("unclaimed: %d", len(un))
	}
	if items := list(WorklistFilter{Departments: []string{"scj"}, ItemCode: "A2"}); len(items) != 2 {
		t.Fatalf("item filter: %d", len(items))
	}
	// Promised 10 working days: accepted 2 Mar → due 16 Mar. On Fri 13 Mar
	// the three due by Wed 18 Mar are due soon with a warning of 3 working days.
	soon := list(WorklistFilter{Departments: []string{"scj"}, Due: DueSoon})
	if len(soon) != 3 || len(list(WorklistFilter{Departments: []string{"scj"}, Due: DueOverdue})) != 0 {
		t.Fatalf("due soon: %+v", soon)
	}
	// Keyset pages of two cover the list once, in order.
	var paged []string
	f := WorklistFilter{Departments: []string{"scj"}, Limit: 2}
	for {
		w, err := s.Worklist(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range w.Items {
			paged = append(paged, it.Number)
		}
		if w.Next == "" {
			break
		}
		f.After = w.Next
	}
	if len(paged) != 5 || paged[0] != numbers[0] || paged[4] != numbers[4] {
		t.Fatalf("pages: %v", paged)
	}
	if _, err := s.Worklist(ctx, WorklistFilter{After: "x"}); !errors.Is(err, ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
	// Release: only the claimer, and only once.
	now := time.Now()
	var forbidden *workflow.ForbiddenError
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: numbers[2], Department: "scj", Actor: "someone.else", Now: now}); !errors.As(err, &forbidden) {
		t.Fatalf("release by another: %v", err)
	}
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: numbers[2], Department: "scj", Actor: "scj.user", Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReleaseTask(ctx, ReleaseRequest{Number: numbers[2], Department: "scj", Actor: "scj.user", Now: now}); !errors.Is(err, ErrConflict) {
		t.Fatalf("second release: %v", err)
	}
	if mine := list(WorklistFilter{Departments: []string{"scj"}, ClaimedBy: "scj.user"}); len(mine) != 0 {
		t.Fatalf("still claimed: %+v", mine)
	}
	load, err := s.Workload(ctx, cal, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), 3)
	if err != nil || len(load) != 2 || load[0].Department != "scj" || load[0].Open != 5 || load[0].Overdue != 4 {
		t.Fatalf("workload on 20 Mar: %v %+v", err, load)
	}
}
