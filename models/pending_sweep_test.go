package models

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"onewindow/workflow"
)

// pendingFiling files L1 in dir's store and accepts it with m3 to follow.
func pendingFiling(t *testing.T, s *Store, cal *workflow.Calendar, now time.Time) *Application {
	t.Helper()
	f := file(t, s, "L1", now, nil)
	app, err := accept(s, cal, f.Number, workflow.AcceptPending, 1, now, checks("m1"), map[string]string{"pending": "m3"})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestPendingDueDefaultsToFiveWorkingDaysAndMayNotExceedThem(t *testing.T) {
	s := legalCatalogue(t)
	cal := testCalendar(t)
	// 25–27 Sep and 1–7 Oct 2026 are holidays; five working days after Thu 24 Sep are
	// 28, 29, 30 Sep, 8 and 9 Oct (Sat 10 Oct, a working weekend, would be the sixth).
	now := time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC) // Thu 24 Sep
	app := pendingFiling(t, s, cal, now)
	if want := FormatDay(cal.AddWorkdays(CentreDay(now), DefaultPendingDays)); app.PendingDue != want || want != "2026-10-09" {
		t.Fatalf("due %s, want %s (2026-10-09)", app.PendingDue, want)
	}
	f := file(t, s, "L1", now, nil)
	_, err := accept(s, cal, f.Number, workflow.AcceptPending, 1, now, checks("m1"), map[string]string{"pending": "m3", "due": "2026-10-10"})
	if !isFieldProblem(err, "due", workflow.FieldTooLate) {
		t.Fatalf("a due date past the period: %v", err)
	}
}

func isFieldProblem(err error, field, code string) bool {
	var fe *FieldsError
	return errors.As(err, &fe) && fe.Fields[field] == code
}

func TestTwoSweepersTerminateAnOverduePendingApplicationExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s1, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s1.Close() })
	seedLegal(t, s1)
	s2, err := Open(ctx, dir, Options{}) // a second server on the same database
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	cal := testCalendar(t)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // Mon 2 Mar 2026
	var numbers []string
	for range 5 {
		numbers = append(numbers, pendingFiling(t, s1, cal, now).Number)
	}
	// One applicant hands the material in on time: it is never terminated.
	kept := numbers[4]
	app, _ := s1.Application(ctx, kept)
	if _, err := s1.Act(ctx, ActionRequest{Number: kept, Action: workflow.ReceivePending, Version: app.Version, Actor: "window1",
		Fields: map[string]string{"received": "m3"}, Cal: cal, Now: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	due := "2026-03-09" // five working days after Mon 2 Mar
	// On the due date itself nothing happens.
	onDue := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	if done, err := s1.SweepPending(ctx, cal, onDue); err != nil || len(done) != 0 {
		t.Fatalf("sweep on the due date: %v %v", done, err)
	}
	// The day after, two sweepers race.
	after := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	results := make([][]string, 2)
	for i, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if results[i], err = s.SweepPending(ctx, cal, after); err != nil {
				t.Errorf("sweeper %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	all := append(slices.Clone(results[0]), results[1]...)
	slices.Sort(all)
	if !slices.Equal(all, numbers[:4]) {
		t.Fatalf("terminated %v, want each of %v exactly once", all, numbers[:4])
	}
	for _, n := range numbers[:4] {
		app, err := s2.Application(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		var terms []Event
		for _, e := range app.Events {
			if e.Action == workflow.Terminate {
				terms = append(terms, e)
			}
		}
		f := terms[0].Fields()
		if app.State != workflow.Terminated || len(terms) != 1 || f["rule"] != RulePendingOverdue || f["due"] != due ||
			f["pending"] != "m3" || terms[0].Actor != SweepActor || app.EndedOn != "2026-03-10" {
			t.Fatalf("%s: %s, %d terminations, fields %v, ended %q", n, app.State, len(terms), f, app.EndedOn)
		}
	}
	if app, _ := s1.Application(ctx, kept); app.State != workflow.Accepted || app.PendingDue != "" {
		t.Fatalf("the application whose material came in: %s due %q", app.State, app.PendingDue)
	}
	// A later sweep finds nothing more to do.
	if done, err := s2.SweepPending(ctx, cal, after.Add(48*time.Hour)); err != nil || len(done) != 0 {
		t.Fatalf("sweep again: %v %v", done, err)
	}
}
