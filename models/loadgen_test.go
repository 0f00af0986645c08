package models

import (
	"context"
	"testing"
	"time"

	"onewindow/workflow"
)

func TestGeneratedApplicationsAreConsistent(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	samples, err := s.GenerateApplications(ctx, LoadOptions{Applications: 3000, Seed: 7, Now: now, Cal: testCalendar(t), Batch: 700})
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) == 0 {
		t.Fatal("no samples")
	}
	states := map[workflow.State]int{}
	err = s.VerifyChains(ctx, nil, func(r ChainResult) error {
		if r.Break != nil {
			t.Fatalf("%s: %v", r.Number, r.Break)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, smp := range samples {
		app, err := s.ApplicationByCode(ctx, smp.Number, smp.Code)
		if err != nil {
			t.Fatalf("sample %s: %v", smp.Number, err)
		}
		if smp.Code != QueryCodeFor(7, smp.Number) || app.State != smp.State {
			t.Fatalf("sample %+v vs %s", smp, app.State)
		}
		states[app.State]++
		if app.AcceptedOn != "" && app.PromisedDeadline <= app.AcceptedOn {
			t.Fatalf("%s: deadline %s accepted %s", app.Number, app.PromisedDeadline, app.AcceptedOn)
		}
	}
	if states[workflow.Completed] == 0 || len(states) < 3 {
		t.Fatalf("states %v", states)
	}
	// A real filing afterwards never reuses a generated number of the same day.
	f := file(t, s, "A1", now, nil)
	if _, err := s.Application(ctx, f.Number); err != nil {
		t.Fatal(err)
	}
}
