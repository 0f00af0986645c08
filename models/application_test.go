package models

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"onewindow/workflow"
)

func testCalendar(t *testing.T) *workflow.Calendar {
	t.Helper()
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// file files an application for item code at now and returns its number.
func file(t *testing.T, s *Store, code string, now time.Time, idem *Idempotency) *Filed {
	t.Helper()
	ctx := context.Background()
	it, err := s.Item(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelOnline, Actor: "applicant", Now: now, Idem: idem,
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "11010519491231002X", Name: "张三"}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func act(s *Store, cal *workflow.Calendar, number string, a workflow.Action, dept string, version int, now time.Time, fields map[string]string) (*Application, error) {
	req := ActionRequest{Number: number, Action: a, Version: version, Actor: "tester",
		Department: dept, Fields: fields, Cal: cal, Now: now}
	if a == workflow.Accept {
		req.Checks = receivedChecks(s, number)
	}
	return s.Act(context.Background(), req)
}

func TestFilingPinsTheItemAndFindsTheApplicantAgain(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	f1 := file(t, s, "A1", now, nil)
	f2 := file(t, s, "A2", now, nil)
	if f1.Number != "20261125000001" || f2.Number != "20261125000002" || f1.State != workflow.Submitted {
		t.Fatalf("numbers %s %s state %s", f1.Number, f2.Number, f1.State)
	}
	app, err := s.ApplicationByCode(ctx, f1.Number, f1.QueryCode)
	if err != nil {
		t.Fatal(err)
	}
	if app.ItemVersion != 1 || len(app.Materials) != 2 || len(app.Events) != 1 || app.Version != 1 {
		t.Fatalf("app %+v", app)
	}
	if _, err := s.ApplicationByCode(ctx, f1.Number, "WRONGCODE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("wrong code: %v", err)
	}
	apps, err := s.ApplicationsOf(ctx, "11010519491231002X", 10)
	if err != nil || len(apps) != 2 {
		t.Fatalf("applications of: %d %v", len(apps), err)
	}
}

func TestIdempotencyKeyNeverFilesTwice(t *testing.T) {
	s := adminCatalogue(t)
	now := time.Now()
	idem := &Idempotency{Scope: "client", Key: "k1", Request: "r1"}
	a := file(t, s, "A1", now, idem)
	b := file(t, s, "A1", now, idem)
	if a.Number != b.Number || a.QueryCode != b.QueryCode || !b.Replayed {
		t.Fatalf("replay filed again: %+v %+v", a, b)
	}
	it, _ := s.Item(context.Background(), "A1")
	_, err := s.CreateApplication(context.Background(), NewApplication{Item: it, Channel: ChannelOnline, Now: now,
		Idem:      &Idempotency{Scope: "client", Key: "k1", Request: "other"},
		Applicant: Applicant{Kind: ApplicantPerson, IDKind: "resident_id", IDNumber: "440524188001010014", Name: "李四"}})
	if !errors.Is(err, ErrIdempotencyMismatch) {
		t.Fatalf("reused key with another request: %v", err)
	}
}

func TestJointApprovalJoinsOnceAndAnyDenialDenies(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC) // a Friday
	f := file(t, s, "A2", now, nil)
	app, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Tasks) != 2 || app.AcceptedOn != "2026-09-18" {
		t.Fatalf("tasks %d accepted %q", len(app.Tasks), app.AcceptedOn)
	}
	// 10 working days after Fri 18 Sep 2026: Sun 20 is a working day (1),
	// 21–24 (2–5), 25–27 Sep are holidays, 28–30 (6–8), 1–7 Oct holidays, 8–9 Oct (9–10).
	if app.PromisedDeadline != "2026-10-09" {
		t.Fatalf("promised deadline %s", app.PromisedDeadline)
	}
	steps := []struct {
		a    workflow.Action
		dept string
	}{{workflow.Claim, "zjj"}, {workflow.ReviewPass, "zjj"}, {workflow.Approve, "zjj"}, {workflow.ReviewPass, "scj"}}
	for _, st := range steps {
		if app, err = act(s, cal, f.Number, st.a, st.dept, app.Version, now, nil); err != nil {
			t.Fatalf("%s by %s: %v", st.a, st.dept, err)
		}
	}
	if app.State != workflow.InReview || app.Result != "" {
		t.Fatalf("one approval must not approve: %s %q", app.State, app.Result)
	}
	app, err = act(s, cal, f.Number, workflow.Approve, "scj", app.Version, now, nil)
	if err != nil || app.State != workflow.Approved || app.Result != "approved" {
		t.Fatalf("join: %v %s", err, app.State)
	}
	if _, err := act(s, cal, f.Number, workflow.Approve, "scj", app.Version, now, nil); !errors.Is(err, workflow.ErrIllegal) {
		t.Fatalf("second join: %v", err)
	}
}

func TestConcurrentAcceptExactlyOneWins(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Now()
	f := file(t, s, "A1", now, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := act(s, cal, f.Number, workflow.Accept, "", 1, now, nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, ErrConflict):
				conflicts++
			default:
				t.Errorf("accept: %v", err)
			}
		}()
	}
	wg.Wait()
	app, _ := s.Application(context.Background(), f.Number)
	if wins != 1 || conflicts != 7 || len(app.Events) != 2 {
		t.Fatalf("wins %d conflicts %d events %d", wins, conflicts, len(app.Events))
	}
}

func TestAuditFindsAnEventEditedByHand(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	now := time.Now()
	f := file(t, s, "A1", now, nil)
	if _, err := act(s, cal, f.Number, workflow.Reject, "", 1, now, map[string]string{"reason": "不属于本窗口受理范围"}); err != nil {
		t.Fatal(err)
	}
	verify := func() *workflow.Break {
		var br *workflow.Break
		var err error
		for r, e := range s.Chains(context.Background(), nil) {
			if e != nil {
				err = e
				break
			}
			if r.Break != nil && br == nil {
				br = r.Break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		return br
	}
	if br := verify(); br != nil {
		t.Fatalf("intact chain reported broken: %v", br)
	}
	dropTrigger(t, s, "application_events_no_update", "application_events")
	if err := s.db.Exec(`UPDATE application_events SET comment = 'edited' WHERE seq = 2`).Error; err != nil {
		t.Fatal(err)
	}
	if br := verify(); br == nil || br.Seq != 2 {
		t.Fatalf("edited event not found: %v", br)
	}
}

func TestEventsCannotBeUpdatedOrDeleted(t *testing.T) {
	s := adminCatalogue(t)
	f := file(t, s, "A1", time.Now(), nil)
	if err := s.db.Exec(`UPDATE application_events SET comment = 'x'`).Error; err == nil {
		t.Fatal("update of an event succeeded")
	}
	if err := s.db.Exec(`DELETE FROM application_events`).Error; err == nil {
		t.Fatal("delete of an event succeeded")
	}
	if err := s.db.Exec(`DELETE FROM applications WHERE number = ?`, f.Number).Error; err == nil {
		t.Fatal("delete of an application succeeded")
	}
}

func TestLateAcceptanceCountsFromReceipt(t *testing.T) {
	s := adminCatalogue(t)
	cal := testCalendar(t)
	// Received Mon 2 Mar 2026; accepted Tue 10 Mar, six working days later,
	// without a one-time notice: the clock starts on the day of receipt.
	received := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	late := file(t, s, "A1", received, nil)
	app, err := act(s, cal, late.Number, workflow.Accept, "", 1, time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC), nil)
	if err != nil || app.AcceptedOn != "2026-03-02" {
		t.Fatalf("late acceptance: %v %q", err, app.AcceptedOn)
	}
	// Within five working days the clock starts on acceptance.
	prompt := file(t, s, "A1", received, nil)
	app, err = act(s, cal, prompt.Number, workflow.Accept, "", 1, time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC), nil)
	if err != nil || app.AcceptedOn != "2026-03-09" {
		t.Fatalf("prompt acceptance: %v %q", err, app.AcceptedOn)
	}
	// A one-time notice in time keeps the clock waiting for the complete materials.
	noticed := file(t, s, "A1", received, nil)
	if _, err := act(s, cal, noticed.Number, workflow.RequestSupplement, "", 1, received, map[string]string{"missing": "m1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := act(s, cal, noticed.Number, workflow.Supplement, "", 2, time.Date(2026, 3, 12, 2, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	app, err = act(s, cal, noticed.Number, workflow.Accept, "", 3, time.Date(2026, 3, 13, 2, 0, 0, 0, time.UTC), nil)
	if err != nil || app.AcceptedOn != "2026-03-13" {
		t.Fatalf("after a notice: %v %q", err, app.AcceptedOn)
	}
}

func TestOldIdempotencyKeysAndTheirCodesArePurged(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	old := time.Now().Add(-48 * time.Hour)
	file(t, s, "A1", old, &Idempotency{Scope: "client", Key: "old", Request: "r"})
	recent := file(t, s, "A1", time.Now(), &Idempotency{Scope: "client", Key: "new", Request: "r"})
	if err := s.PurgeIdempotencyKeys(ctx, time.Now().Add(-IdempotencyRetention)); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := s.db.Raw(`SELECT key FROM idempotency_keys`).Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	if newKey := (&Idempotency{Scope: "client", Key: "new"}).lookup(); len(keys) != 1 || keys[0] != newKey {
		t.Fatalf("kept keys %v", keys)
	}
	// The recent key still replays its filing, code included.
	again := file(t, s, "A1", time.Now(), &Idempotency{Scope: "client", Key: "new", Request: "r"})
	if !again.Replayed || again.QueryCode != recent.QueryCode {
		t.Fatalf("replay after purge: %+v", again)
	}
}
