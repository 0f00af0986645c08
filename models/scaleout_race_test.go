package models

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/workflow"
)

// Scale-out on PostgreSQL: two stores opened on the same data folder are two
// instances on one database (under go test each folder has a database of
// its own on the server). These suites race them; on SQLite two stores on
// one file are tested elsewhere, so they run only when ONEWINDOW_DB names a
// PostgreSQL server.

// scaleOutPair returns s and a second instance on s's database.
func scaleOutPair(t *testing.T, s *Store) (*Store, *Store) {
	t.Helper()
	other, err := Open(context.Background(), filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if s.Engine() != "postgres" || other.Engine() != "postgres" {
		t.Fatalf("engines %s and %s, want postgres", s.Engine(), other.Engine())
	}
	return s, other
}

// scaleOutOnly skips a test unless the tests run on PostgreSQL.
func scaleOutOnly(t *testing.T) {
	t.Helper()
	if !onPostgres() {
		t.Skip("scale-out suites run on PostgreSQL only (ONEWINDOW_DB=postgres://…)")
	}
}

// Eight clerks accept one application at once, half through each instance:
// exactly one acceptance, seven conflicts, one acceptance event in the chain.
func TestScaleOutRacingAcceptsOneWins(t *testing.T) {
	scaleOutOnly(t)
	a, b := scaleOutPair(t, adminCatalogue(t))
	cal := testCalendar(t)
	ctx := context.Background()
	now := time.Now()
	for round := range 5 {
		f := file(t, a, "A1", now, nil)
		checks := receivedChecks(b, f.Number)
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		wins, conflicts := 0, 0
		for i := range 8 {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := s.Act(ctx, ActionRequest{Number: f.Number, Action: workflow.Accept, Version: 1, Actor: "window1",
					Checks: checks, Cal: cal, Now: now})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrConflict):
					conflicts++
				default:
					t.Errorf("round %d: accept: %v", round, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, s := range []*Store{a, b} {
			app, err := s.Application(ctx, f.Number)
			if err != nil {
				t.Fatal(err)
			}
			accepts := 0
			for _, e := range app.Events {
				if e.Action == workflow.Accept {
					accepts++
				}
			}
			if wins != 1 || conflicts != 7 || app.State != workflow.Accepted || app.Version != 2 || len(app.Events) != 2 || accepts != 1 {
				t.Fatalf("round %d: wins %d conflicts %d; state %s version %d, %d events, %d acceptances",
					round, wins, conflicts, app.State, app.Version, len(app.Events), accepts)
			}
		}
	}
	chainsIntact(t, b)
}

// A joint item of three departments, 100 applications: every department
// decides every application at once, the decisions spread over both
// instances. Each application joins exactly once, with no decision lost.
func TestScaleOutJointDecisionsJoinOnce(t *testing.T) {
	scaleOutOnly(t)
	a, b := scaleOutPair(t, adminCatalogue(t))
	cal := testCalendar(t)
	ctx := context.Background()
	it := threeDepartmentItem(t, a)
	depts := []string{"zjj", "scj", "rsj"}
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	n := 100
	if testing.Short() {
		n = 10
	}
	numbers := make([]string, n)
	for i := range numbers {
		s := []*Store{a, b}[i%2]
		numbers[i] = fileItem(t, s, it, now)
		mustAct(t, s, cal, numbers[i], workflow.Accept, "", now, nil)
		for _, d := range depts {
			mustAct(t, s, cal, numbers[i], workflow.Claim, d, now, nil)
			mustAct(t, s, cal, numbers[i], workflow.ReviewPass, d, now, nil)
		}
	}
	// The departments decide in waves of 20 applications, the 60 decisions
	// of a wave all at once, each through the instance its turn gives: more
	// transactions in flight than the two writer pools hold connections. (All
	// 300 at once under the race detector outlast the retry budget of 5 s:
	// an overloaded server answers an error then, as SQLite's busy writer does.)
	const wave = 20
	var errs []error
	var mu sync.Mutex
	began := time.Now()
	k := 0
	for first := 0; first < n; first += wave {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, number := range numbers[first:min(first+wave, n)] {
			for _, d := range depts {
				s := []*Store{a, b}[k%2]
				k++
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					// Version 0: each decision re-reads the application in its
					// transaction, so none may be lost whatever the order.
					_, err := s.Act(ctx, ActionRequest{Number: number, Action: workflow.Approve, Actor: d + ".approve",
						Department: d, Cal: cal, Now: now})
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}()
			}
		}
		close(start)
		wg.Wait()
	}
	for _, err := range errs {
		t.Errorf("approve: %v", err)
	}
	t.Logf("%d decisions through two instances in %v", len(depts)*n, time.Since(began).Round(time.Millisecond))
	if t.Failed() {
		t.FailNow()
	}
	for i, number := range numbers {
		app, err := []*Store{a, b}[(i+1)%2].Application(ctx, number)
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
			t.Fatalf("%s: state %s result %q joins %d approvals %d", number, app.State, app.Result, joins, approvals)
		}
		for _, task := range app.Tasks {
			if task.Stage != string(workflow.StageApproved) || task.DecidedBy != task.DepartmentCode+".approve" || task.DecidedAt == nil {
				t.Fatalf("%s: task %s: %+v", number, task.DepartmentCode, task)
			}
		}
	}
	checked := 0
	for r, err := range a.Chains(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if r.Break != nil {
			t.Errorf("chain of %s broken at %d: %s", r.Number, r.Break.Seq, r.Break.Reason)
		}
	}
	if checked != n {
		t.Fatalf("verified %d chains, want %d", checked, n)
	}
}

// The statistics catch-up runs on both instances while both file and
// accept: when they stop and a last catch-up has run, every filing and every
// acceptance is counted exactly once. (With concurrent writers an event of a
// smaller id can commit after one of a larger id that a catch-up already
// counted; the cursor must not pass it by.)
func TestScaleOutStatsCatchUpCountsEveryEventOnce(t *testing.T) {
	scaleOutOnly(t)
	a, b := scaleOutPair(t, adminCatalogue(t))
	cal := testCalendar(t)
	ctx := context.Background()
	it, err := a.Item(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	const workers, each = 8, 25
	// Filed beforehand, accepted in the race.
	waiting := make([]string, workers*each)
	for i := range waiting {
		waiting[i] = fileItem(t, a, it, now)
	}
	checks := receivedChecks(a, waiting[0])
	stop := make(chan struct{})
	var counters sync.WaitGroup
	for _, s := range []*Store{a, b} {
		counters.Add(1)
		go func() {
			defer counters.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.CatchUpStats(ctx, cal, 7); err != nil {
					t.Errorf("catch up: %v", err)
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	var filed, accepted atomic.Int64
	for i := range workers {
		s := []*Store{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				if _, err := s.CreateApplication(ctx, NewApplication{Item: it, Channel: ChannelWindow, Actor: "window1", Now: now,
					Applicant: Applicant{Kind: ApplicantPerson, IDKind: string(workflow.ResidentID), IDNumber: "440524188001010014", Name: "李四"}}); err != nil {
					t.Errorf("file: %v", err)
				} else {
					filed.Add(1)
				}
				if _, err := s.Act(ctx, ActionRequest{Number: waiting[i*each+j], Action: workflow.Accept, Version: 1, Actor: "window1",
					Checks: checks, Cal: cal, Now: now}); err != nil {
					t.Errorf("accept: %v", err)
				} else {
					accepted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	counters.Wait()
	if _, err := b.CatchUpAllStats(ctx, cal); err != nil {
		t.Fatal(err)
	}
	st, err := a.Statistics(ctx, StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	received := filed.Load() + int64(len(waiting))
	if int64(st.Total.Received) != received || int64(st.Total.Accepted) != accepted.Load() || st.Pending != 0 {
		t.Fatalf("counted %d received and %d accepted (pending %d), want %d and %d: an event was counted twice or never",
			st.Total.Received, st.Total.Accepted, st.Pending, received, accepted.Load())
	}
}
