package models

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"onewindow/workflow"
)

// centreTen is 10:00 in the centre on day.
func centreTen(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(2 * time.Hour)
}

func sweep(t *testing.T, s *Store, cal *workflow.Calendar, now time.Time) SweepResult {
	t.Helper()
	res, err := s.SweepCards(context.Background(), cal, now)
	if err != nil {
		t.Fatalf("sweep on %s: %v", now, err)
	}
	return res
}

func warnings(t *testing.T, s *Store, number string) []Event {
	t.Helper()
	app, err := s.Application(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	for _, e := range app.Events {
		if e.Action == ActionWarning {
			out = append(out, e)
		}
	}
	return out
}

func chainsIntact(t *testing.T, s *Store) {
	t.Helper()
	for r, err := range s.Chains(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Break != nil {
			t.Fatalf("chain of %s broken: %+v", r.Number, r.Break)
		}
	}
}

// A1 (promised 10 working days) accepted on Fri 18 Sep 2026 is due Fri 9 Oct
// (the National Day holidays in between): yellow from Wed 30 Sep, when two
// working days remain, red on Sat 10 Oct (a worked weekend), each once.
func TestCardsYellowThenRedOnceEachWithoutBumpingTheVersion(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	ctx := context.Background()
	it, _ := s.Item(ctx, "A1")
	number := fileItem(t, s, it, centreTen(t, "2026-09-18"))
	mustAct(t, s, cal, number, workflow.Accept, "", centreTen(t, "2026-09-18"), nil)
	before := mustAct(t, s, cal, number, workflow.Claim, "scj", centreTen(t, "2026-09-21"), nil)

	if got := sweep(t, s, cal, centreTen(t, "2026-09-29")); got != (SweepResult{}) {
		t.Fatalf("29 Sep, three working days left: %+v, want no card", got)
	}
	if got := sweep(t, s, cal, centreTen(t, "2026-09-30")); got != (SweepResult{Yellow: 1}) {
		t.Fatalf("30 Sep, two working days left: %+v, want one yellow card", got)
	}
	if got := sweep(t, s, cal, centreTen(t, "2026-10-09")); got != (SweepResult{}) {
		t.Fatalf("9 Oct, the deadline itself: %+v, want nothing new", got)
	}
	if got := sweep(t, s, cal, centreTen(t, "2026-10-10")); got != (SweepResult{Red: 1}) {
		t.Fatalf("10 Oct, overdue: %+v, want one red card", got)
	}
	if got := sweep(t, s, cal, centreTen(t, "2026-10-12")); got != (SweepResult{}) {
		t.Fatalf("a later sweep: %+v, want nothing new", got)
	}
	evs := warnings(t, s, number)
	if len(evs) != 2 || evs[0].Fields()["colour"] != CardYellow || evs[1].Fields()["colour"] != CardRed {
		t.Fatalf("warning events %+v, want yellow then red", evs)
	}
	if evs[0].Fields()["assignee"] != "scj.user" || evs[0].Department != "scj" || evs[0].ToState != evs[0].FromState {
		t.Fatalf("warning event %+v: want the claimant, the department and no transition", evs[0])
	}
	app, _ := s.Application(ctx, number)
	if app.Version != before.Version || app.State != before.State {
		t.Fatalf("version %d state %s after the cards, want %d %s (a card is not a transition)", app.Version, app.State, before.Version, before.State)
	}
	chainsIntact(t, s)
	// A staff form opened before the cards still acts.
	if _, err := s.Act(ctx, ActionRequest{Number: number, Action: workflow.ReviewPass, Version: before.Version, Actor: "scj.user",
		Department: "scj", Cal: cal, Now: centreTen(t, "2026-10-12")}); err != nil {
		t.Fatalf("review with the version seen before the cards: %v", err)
	}
	chainsIntact(t, s)

	rep, err := s.Cards(ctx, CardFilter{Department: "scj"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 2 || len(rep.Cards) != 2 || rep.Cards[0].Colour != CardRed || rep.Cards[0].Deadline != "2026-10-09" ||
		rep.Cards[0].Assignee != "scj.user" || len(rep.ByPerson) != 1 || rep.ByPerson[0].Red != 1 || rep.ByPerson[0].Yellow != 1 {
		t.Fatalf("report %+v", rep)
	}
	// 10 Oct is a card day; the filter is by the centre's day.
	if rep, _ := s.Cards(ctx, CardFilter{From: "2026-10-10", To: "2026-10-10"}); rep.Total != 1 || rep.Cards[0].Colour != CardRed {
		t.Fatalf("cards of 10 Oct: %+v", rep)
	}
	if rep, _ := s.Cards(ctx, CardFilter{Colour: CardYellow, Department: "zjj"}); rep.Total != 0 {
		t.Fatalf("cards of zjj: %+v", rep)
	}
	red := rep.Cards[0]
	// Working days after Sat 10 Oct (worked): 12, 13, 14 Oct are three.
	if red.Escalated(cal, CentreDay(centreTen(t, "2026-10-14")), DefaultEscalationDays) {
		t.Fatal("red card of 10 Oct escalated on 14 Oct (three working days), want after more than three")
	}
	if !red.Escalated(cal, CentreDay(centreTen(t, "2026-10-15")), DefaultEscalationDays) {
		t.Fatal("red card of 10 Oct not escalated on 15 Oct (four working days) with its task open")
	}
}

func TestCardsNoneWhileTheClockIsStopped(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	it, _ := s.Item(context.Background(), "A1")
	number := fileItem(t, s, it, centreTen(t, "2026-09-18"))
	mustAct(t, s, cal, number, workflow.Accept, "", centreTen(t, "2026-09-18"), nil)
	mustAct(t, s, cal, number, workflow.Suspend, "scj", centreTen(t, "2026-09-28"),
		map[string]string{"kind": "inspection", "reason": "送检", "expected_days": "5"})
	for _, d := range []string{"2026-09-30", "2026-10-10", "2026-10-20"} {
		if got := sweep(t, s, cal, centreTen(t, d)); got != (SweepResult{}) {
			t.Fatalf("%s with the clock stopped: %+v, want no card", d, got)
		}
	}
	// Resumed on 20 Oct: stopped since 28 Sep, the deadline moved on.
	app := mustAct(t, s, cal, number, workflow.Resume, "scj", centreTen(t, "2026-10-20"), nil)
	if got := sweep(t, s, cal, centreTen(t, "2026-10-20")); got != (SweepResult{}) {
		t.Fatalf("resumed with deadline %s: %+v, want no card yet", app.PromisedDeadline, got)
	}
	if n := len(warnings(t, s, number)); n != 0 {
		t.Fatalf("%d warning events, want none", n)
	}
}

// Two instances sweep one database at once: every card is recorded exactly
// once, and so is its event.
func TestCardsTwoSweepersAtOnceRecordEachCardOnce(t *testing.T) {
	s := adminCatalogue(t)
	other, err := Open(context.Background(), filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	cal := testCalendar(t)
	ctx := context.Background()
	a1, _ := s.Item(ctx, "A1")
	const n = 30
	numbers := make([]string, n)
	for i := range numbers {
		numbers[i] = fileItem(t, s, a1, centreTen(t, "2026-09-18"))
		mustAct(t, s, cal, numbers[i], workflow.Accept, "", centreTen(t, "2026-09-18"), nil)
	}
	for _, day := range []string{"2026-09-30", "2026-10-10"} {
		var wg sync.WaitGroup
		results := make([]SweepResult, 4)
		errs := make([]error, 4)
		for i := range results {
			store := s
			if i%2 == 1 {
				store = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = store.SweepCards(ctx, cal, centreTen(t, day))
			}()
		}
		wg.Wait()
		var total SweepResult
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("sweeper %d on %s: %v", i, day, errs[i])
			}
			total.Yellow += r.Yellow
			total.Red += r.Red
		}
		want := SweepResult{Yellow: n}
		if day == "2026-10-10" {
			want = SweepResult{Red: n}
		}
		if total != want {
			t.Fatalf("%s: sweepers recorded %+v together, want %+v", day, total, want)
		}
	}
	var cards, events int64
	s.read.Table("task_cards").Count(&cards)
	s.read.Table("application_events").Where("action = ?", ActionWarning).Count(&events)
	if cards != 2*n || events != 2*n {
		t.Fatalf("%d cards and %d warning events, want %d each", cards, events, 2*n)
	}
	for _, number := range numbers {
		if evs := warnings(t, s, number); len(evs) != 2 {
			t.Fatalf("%s has %d warning events, want 2", number, len(evs))
		}
	}
	chainsIntact(t, s)
}
