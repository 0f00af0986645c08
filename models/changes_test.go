package models

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

func counters(t *testing.T, s *Store) map[Area]int64 {
	t.Helper()
	c, err := s.ChangeCounters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChangeCountersMoveWithTheirChangeOnly(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	before, stamp := counters(t, s), s.Changes()
	if len(before) != len(Areas()) {
		t.Fatalf("counters %v, want one per area of %v", before, Areas())
	}

	if err := s.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-03", Kind: workflow.Holiday, Name: "测试"}); err != nil {
		t.Fatal(err)
	}
	after := counters(t, s)
	for _, a := range Areas() {
		want := before[a]
		if a == AreaCalendar {
			want++
		}
		if after[a] != want {
			t.Errorf("after a calendar change %s = %d, want %d", a, after[a], want)
		}
	}
	if got := s.Changes(); got.Calendar != stamp.Calendar+1 || got.Catalogue != stamp.Catalogue || got.Access != stamp.Access {
		t.Errorf("this process's stamp %+v after %+v: want the calendar counted at once, and only it", got, stamp)
	}

	// A write that fails rolls its bump back and notes nothing.
	stamp = s.Changes()
	if err := s.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-03", Kind: workflow.Holiday, Name: "again"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("the same date again: %v, want a conflict", err)
	}
	if err := s.SetRoles(ctx, 4242, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("roles of no user: %v", err)
	}
	boom := errors.New("boom")
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM calendar_days").Error; err != nil {
			return err
		}
		return boom
	}, AreaCalendar, AreaCatalogue)
	if !errors.Is(err, boom) {
		t.Fatalf("write: %v", err)
	}
	if got := counters(t, s); got[AreaCalendar] != after[AreaCalendar] || got[AreaAccess] != after[AreaAccess] ||
		got[AreaCatalogue] != after[AreaCatalogue] {
		t.Errorf("rolled-back writes bumped the counters: %v, want %v", got, after)
	}
	if got := s.Changes(); got != stamp {
		t.Errorf("rolled-back writes changed the stamp: %+v, want %+v", got, stamp)
	}
	if days, err := s.CalendarDays(ctx); err != nil || len(days) != 1 {
		t.Errorf("the rolled-back delete left %d days (%v)", len(days), err)
	}
}

// waitFor polls cond until it holds or 2 s have passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen within 2 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestChangesOfAnotherStoreAreSeenWithinTwoSeconds(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	other, err := Open(ctx, filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if _, err := s.SeedCatalogue(ctx, []Department{{Code: "scj", Name: "市场监管局", ShortName: "市场监管局", Sort: 1}}, DefaultItemTypes(), nil); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, NewUser{Username: "li", DisplayName: "李四", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.CreateSession(ctx, Session{ID: "sess", UserID: u.ID, Kind: "cookie", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, "sess", now); err != nil {
		t.Fatal(err)
	}
	stamp, work := s.Changes(), s.WorkGeneration([]string{"scj"})

	if err := other.AddCalendarDay(ctx, workflow.CalendarDay{Date: "2026-03-03", Kind: workflow.Holiday, Name: "测试"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a calendar change", func() bool { return s.Changes().Calendar != stamp.Calendar })
	if _, err := other.CreateDepartment(ctx, NewDepartment{Code: "zjj", Name: "住建局"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a new department", func() bool { return s.Changes().Catalogue != stamp.Catalogue })
	if err := other.SetActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a disabled account", func() bool {
		_, _, err := s.SessionUser(ctx, "sess", time.Now())
		return errors.Is(err, ErrNotFound) && s.Changes().Access != stamp.Access
	})
	if err := other.write(ctx, func(*gorm.DB) error { return nil }, AreaWork); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a work change", func() bool { return s.WorkGeneration([]string{"scj"}) != work })
}

func TestClosingTheStoreStopsTheWatcher(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Changes()
	done := s.changes.done
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	default:
		t.Fatal("the watcher still runs after Close")
	}
	s.Changes() // does not start it again on a closed store
	if s.changes.done != done {
		t.Error("Changes restarted the watcher after Close")
	}
	if err := s.Close(); err != nil {
		t.Logf("second close: %v", err)
	}
}

// A filing or an action by another process reaches the work-list generations
// through its application event; filing writes no counter for it.
func TestApplicationsFiledElsewhereMoveTheWorkGeneration(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	other, err := Open(ctx, filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	s.Changes()
	before, work := counters(t, s), s.WorkGeneration([]string{"scj"})
	file(t, other, "A1", time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), nil)
	waitFor(t, "an application filed elsewhere", func() bool { return s.WorkGeneration([]string{"scj"}) != work })
	if after := counters(t, s); after[AreaWork] != before[AreaWork] {
		t.Errorf("filing bumped the work counter: %d → %d", before[AreaWork], after[AreaWork])
	}
}

// This process's own filings and actions are its own work: they move only
// the departments they touch, and a poll that sees their events does not
// take them for another process's and expire every department's work list.
func TestOwnEventsDoNotExpireOtherDepartmentsWork(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	s.Changes()
	zjj := s.WorkGeneration([]string{"zjj"})
	for i := range 3 {
		file(t, s, "A1", time.Date(2026, 11, 25, 2, i, 0, 0, time.UTC), nil)
	}
	time.Sleep(3 * changePoll) // polls that see the three events
	if got := s.WorkGeneration([]string{"zjj"}); got != zjj {
		t.Fatalf("filings of scj items in this process moved zjj's work generation: %d → %d", zjj, got)
	}
	other, err := Open(ctx, filepath.Dir(s.Path()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	file(t, other, "A1", time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC), nil)
	waitFor(t, "a filing by another process", func() bool { return s.WorkGeneration([]string{"zjj"}) != zjj })
}
