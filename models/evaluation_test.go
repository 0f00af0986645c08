package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/workflow"
)

func TestMaskNameHidesWhatDesignSays(t *testing.T) {
	t.Parallel()
	tests := []struct{ kind, name, want string }{
		{ApplicantPerson, "张三", "张*"},
		{ApplicantPerson, "张三丰", "张*丰"},
		{ApplicantPerson, "欧阳娜娜", "欧**娜"},
		{ApplicantPerson, "王", "*"},
		{ApplicantPerson, "", ""},
		{ApplicantOrganisation, "集宁区某某商贸有限公司", "集宁区某***有限公司"},
		{ApplicantOrganisation, "某某有限公司", "某某***公司"},
		{ApplicantOrganisation, "甲乙", "***"},
	}
	for _, tt := range tests {
		if got := MaskName(tt.kind, tt.name); got != tt.want {
			t.Errorf("MaskName(%s, %q) = %q, want %q", tt.kind, tt.name, got, tt.want)
		}
	}
}

// complete takes a filed single-department application of A1 to completed.
func complete(t *testing.T, s *Store, cal *workflow.Calendar, number string, accept, decide time.Time) {
	t.Helper()
	mustAct(t, s, cal, number, workflow.Accept, "", accept, nil)
	mustAct(t, s, cal, number, workflow.Claim, "scj", accept, nil)
	mustAct(t, s, cal, number, workflow.ReviewPass, "scj", accept, nil)
	mustAct(t, s, cal, number, workflow.Approve, "scj", decide, nil)
	mustAct(t, s, cal, number, workflow.Issue, "", decide, map[string]string{"result_number": "JY001", "delivery": "window"})
}

func TestHandledListsDecidedApplicationsMaskedWithOnTimeAndCounts(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	it, err := s.Item(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	mon := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	early, late, open := fileItem(t, s, it, mon), fileItem(t, s, it, mon), fileItem(t, s, it, mon)
	complete(t, s, cal, early, mon, mon.AddDate(0, 0, 3)) // within 10 working days
	complete(t, s, cal, late, mon, mon.AddDate(0, 0, 30)) // well past them
	mustAct(t, s, cal, open, workflow.Accept, "", mon, nil)

	page, err := s.Handled(ctx, HandledFilter{Department: "scj", Page: 1, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if page.Counts.Total != 2 || page.Counts.OnTime != 1 || page.Counts.Late != 1 || page.Counts.Approved != 2 || len(page.Rows) != 2 {
		t.Fatalf("counts %+v rows %d", page.Counts, len(page.Rows))
	}
	first := page.Rows[0] // handled last
	if first.Number != late || first.Applicant != "李*" || first.OnTime == nil || *first.OnTime || first.Received != "2026-03-02" {
		t.Fatalf("first row %+v", first)
	}
	if got, _ := s.Handled(ctx, HandledFilter{Month: "2026-04", Page: 1, PageSize: 10}); got.Counts.Total != 1 || got.Rows[0].Number != late {
		t.Fatalf("April: %+v", got)
	}
	if got, _ := s.Handled(ctx, HandledFilter{ItemCode: "A2", Page: 1, PageSize: 10}); got.Counts.Total != 0 {
		t.Fatalf("another item: %+v", got.Counts)
	}
	// The listing is answered from the partial indexes of migration 0015
	// (SQLite's plan; PostgreSQL's planner chooses by its statistics).
	if s.Engine() != "sqlite" {
		return
	}
	for _, f := range []HandledFilter{{}, {Month: "2026-03"}, {Department: "scj"}, {ItemCode: "A1", Month: "2026-03"}} {
		from, args := s.handledFrom(f)
		var plan []struct{ Detail string }
		q := `EXPLAIN QUERY PLAN SELECT number` + from + ` ORDER BY ended_on DESC, id DESC LIMIT 20`
		if err := s.read.Raw(q, args...).Scan(&plan).Error; err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, p := range plan {
			text += p.Detail + "; "
		}
		if !strings.Contains(text, "idx_applications_handled") || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("plan for %+v: %s", f, text)
		}
	}
}

func TestEvaluationOnceAndAPoorOneOpensACaseDueInWorkingDays(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	it, _ := s.Item(ctx, "A1")
	now := time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC) // a Friday before the National Day holidays
	number := fileItem(t, s, it, now)
	ne := NewEvaluation{Number: number, Source: SourceOnline, Level: LevelVeryDissatisfied, Tags: []string{"slow"},
		Comment: "跑了三次", Cal: cal, Now: now}
	if _, err := s.Evaluate(ctx, ne); !errors.Is(err, ErrNotEvaluable) {
		t.Fatalf("rating a submitted application: %v", err)
	}
	accepted := fileItem(t, s, it, now)
	mustAct(t, s, cal, accepted, workflow.Accept, "", now, nil)
	if _, err := s.Evaluate(ctx, NewEvaluation{Number: accepted, Source: SourceOnline, Level: 5, Cal: cal, Now: now}); !errors.Is(err, ErrNotEvaluable) {
		t.Fatalf("rating an accepted application online: %v", err)
	}
	complete(t, s, cal, number, now, now)
	e, err := s.Evaluate(ctx, ne)
	if err != nil {
		t.Fatal(err)
	}
	// 15 working days after Fri 18 Sep 2026: 20 (a working Sunday), 21–24, 28–30, 8–10 Oct (10 Oct a working Saturday), 12–15.
	if e.Case == nil || e.Case.State != CaseOpen || e.Case.DueOn != FormatDay(cal.AddWorkdays(CentreDay(now), 15)) || e.Case.DueOn != "2026-10-15" {
		t.Fatalf("case %+v", e.Case)
	}
	if _, err := s.Evaluate(ctx, ne); !errors.Is(err, ErrAlreadyEvaluated) {
		t.Fatalf("second rating: %v", err)
	}
	c := e.Case
	for _, step := range []string{StepVerify, StepReply, StepRectify, StepClose} {
		if step != StepClose {
			if _, err := s.AdvanceCase(ctx, CaseStep{CaseID: c.ID, Step: StepClose, Version: c.Version, Actor: "scj.review", Note: "x", Now: now}); !errors.Is(err, ErrWrongStep) {
				t.Fatalf("closing a %s case: %v", c.State, err)
			}
		}
		next, err := s.AdvanceCase(ctx, CaseStep{CaseID: c.ID, Step: step, Version: c.Version, Actor: "scj.review", Note: "已" + step, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if _, err := s.AdvanceCase(ctx, CaseStep{CaseID: c.ID, Step: NextStep(next.State), Version: c.Version, Actor: "x", Note: "x", Now: now}); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale version after %s: %v", step, err)
		}
		c = next
	}
	got, err := s.EvaluationOf(ctx, number)
	if err != nil || got.Case.State != CaseClosed || got.Case.Reply != "已reply" || len(got.Case.Steps) != 5 || got.Case.ClosedOn != "2026-09-18" {
		t.Fatalf("evaluation %+v case %+v: %v", got, got.Case, err)
	}
	rows, total, err := s.Evaluations(ctx, EvaluationFilter{LevelMax: 2, Departments: []string{"scj"}, State: CaseClosed})
	if err != nil || total != 1 || rows[0].Number != number || rows[0].Reply != "已reply" {
		t.Fatalf("evaluations %d %+v: %v", total, rows, err)
	}
	sat, err := s.SatisfactionBy(ctx, "department", "", 10)
	if err != nil || len(sat) != 1 || sat[0].Total != 1 || sat[0].Poor != 1 || sat[0].Good != 0 {
		t.Fatalf("satisfaction %+v: %v", sat, err)
	}
}

func TestWindowRatingAfterAcceptanceAndOverdueCases(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	it, _ := s.Item(ctx, "A1")
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	number := fileItem(t, s, it, now)
	mustAct(t, s, cal, number, workflow.Accept, "", now, nil)
	if got, err := s.ClerkLatestApplication(ctx, ".user"); err != nil || got != number {
		t.Fatalf("clerk's latest: %q %v", got, err)
	}
	e, err := s.Evaluate(ctx, NewEvaluation{Number: number, Source: SourceWindow, Clerk: "window1", Level: LevelDissatisfied, Cal: cal, Now: now, DueDays: 2})
	if err != nil || e.Case == nil || e.Case.DueOn != "2026-03-04" {
		t.Fatalf("window rating: %+v %v", e, err)
	}
	later := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	if !e.Case.Overdue(later) || e.Case.Overdue(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("overdue")
	}
	if _, total, _ := s.Evaluations(ctx, EvaluationFilter{State: "overdue", Today: later}); total != 1 {
		t.Fatalf("overdue cases: %d", total)
	}
}
