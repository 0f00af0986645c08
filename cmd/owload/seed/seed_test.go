package seed

import (
	"context"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// demoStore opens a new store in t.TempDir() with the calendar and the
// demonstration catalogue.
func demoStore(t *testing.T) (*models.Store, *workflow.Calendar) {
	t.Helper()
	ctx := context.Background()
	s, err := models.Open(ctx, t.TempDir(), models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := s.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	return s, cal
}

func TestGeneratedApplicationsAreConsistent(t *testing.T) {
	s, cal := demoStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	samples, err := Applications(ctx, s, Options{Applications: 3000, Seed: 7, Now: now, Cal: cal, Batch: 700})
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) == 0 {
		t.Fatal("no samples")
	}
	states := map[workflow.State]int{}
	for r, e := range s.Chains(ctx, nil) {
		if e != nil {
			err = e
			break
		}
		if r.Break != nil {
			t.Fatalf("%s: %v", r.Number, r.Break)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, smp := range samples {
		app, err := s.ApplicationByCode(ctx, smp.Number, smp.Code)
		if err != nil {
			t.Fatalf("sample %s: %v", smp.Number, err)
		}
		if smp.Code != QueryCode(7, smp.Number) || app.State != smp.State {
			t.Fatalf("sample %+v vs %s", smp, app.State)
		}
		states[app.State]++
		// An immediate item, or one promised in zero days, is due the day it is accepted.
		late := app.PromisedDeadline < app.AcceptedOn || (app.PromisedDays > 0 && !app.Immediate && app.PromisedDeadline == app.AcceptedOn)
		if app.AcceptedOn != "" && late {
			t.Fatalf("%s: deadline %s accepted %s", app.Number, app.PromisedDeadline, app.AcceptedOn)
		}
	}
	if states[workflow.Completed] == 0 || len(states) < 3 {
		t.Fatalf("states %v", states)
	}
	// A real filing afterwards never reuses a generated number of the same day.
	items, err := publishedItems(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.Item(ctx, items[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.CreateApplication(ctx, models.NewApplication{Item: it, Channel: models.ChannelOnline, Actor: "applicant", Now: now,
		Applicant: models.Applicant{Kind: models.ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Application(ctx, f.Number); err != nil {
		t.Fatal(err)
	}
}
