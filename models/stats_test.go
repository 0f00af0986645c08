package models

import (
	"context"
	"sync"
	"testing"

	"onewindow/workflow"
)

// statsFixture files, accepts, refuses and decides applications of A1 over
// two months and returns the store.
func statsFixture(t *testing.T) (*Store, *workflow.Calendar) {
	t.Helper()
	s := adminCatalogue(t)
	cal := testCalendar(t)
	it, err := s.Item(context.Background(), "A1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		day := centreTen(t, "2026-09-14").AddDate(0, 0, i)
		n := fileItem(t, s, it, day)
		switch i % 3 {
		case 0:
			mustAct(t, s, cal, n, workflow.Reject, "", day, map[string]string{"reason": "不属于受理范围"})
		case 1, 2:
			mustAct(t, s, cal, n, workflow.Accept, "", day, nil)
			mustAct(t, s, cal, n, workflow.Claim, "scj", day, nil)
			mustAct(t, s, cal, n, workflow.ReviewPass, "scj", day, nil)
			decided := day.AddDate(0, 0, 1)
			if i%3 == 2 {
				decided = centreTen(t, "2026-11-02") // past the ten promised working days
			}
			mustAct(t, s, cal, n, workflow.Approve, "scj", decided, nil)
		}
	}
	return s, cal
}

func statsOf(t *testing.T, s *Store) *Statistics {
	t.Helper()
	st, err := s.Statistics(context.Background(), StatsFilter{From: "2026-09", To: "2026-11"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Counted one event at a time or all at once, or by two catch-ups racing,
// every event is counted exactly once; a month with no completion has no
// on-time rate.
func TestStatsCatchUpCountsEveryEventOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, cal := statsFixture(t)
	if n, err := s.CatchUpStats(ctx, cal, 1); err != nil || n != 1 {
		t.Fatalf("one event: %d %v", n, err)
	}
	if st := statsOf(t, s); st.Total.Received != 1 || st.Pending == 0 {
		t.Fatalf("after one event: %+v pending %d", st.Total, st.Pending)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := s.CatchUpStats(ctx, cal, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	st := statsOf(t, s)
	want := StatsCounts{Received: 6, Accepted: 4, Refused: 2, Completed: 4, OnTime: 2, Late: 2}
	got := st.Total
	got.DaysUsed, got.DaysCounted = 0, 0
	if got != want || st.Pending != 0 || st.Total.DaysCounted != 4 {
		t.Fatalf("totals %+v pending %d, want %+v", st.Total, st.Pending, want)
	}
	if len(st.ByMonth) != 3 || st.ByMonth[1].Key != "2026-10" {
		t.Fatalf("months %+v", st.ByMonth)
	}
	if _, ok := st.ByMonth[1].OnTimeRate(); ok {
		t.Fatalf("October has no completion but a rate: %+v", st.ByMonth[1])
	}
	if r, ok := st.ByMonth[2].OnTimeRate(); !ok || r != 0 || st.ByMonth[2].Completed != 2 {
		t.Fatalf("November: %+v", st.ByMonth[2])
	}
	if r, ok := st.ByMonth[0].OnTimeRate(); !ok || r != 1 {
		t.Fatalf("September: %+v", st.ByMonth[0])
	}
	// Nothing is left, and running again changes nothing.
	if n, err := s.CatchUpAllStats(ctx, cal); err != nil || n != 0 {
		t.Fatalf("again: %d %v", n, err)
	}
	if again := statsOf(t, s); again.Total != st.Total {
		t.Fatalf("counted twice: %+v", again.Total)
	}
	// The daily table holds the same sums.
	var daily struct{ Received, Completed int }
	if err := s.read.Raw(`SELECT SUM(received) AS received, SUM(completed) AS completed FROM stats_daily`).Scan(&daily).Error; err != nil ||
		daily.Received != 6 || daily.Completed != 4 {
		t.Fatalf("daily sums %+v %v", daily, err)
	}
	if _, err := s.Statistics(ctx, StatsFilter{Channel: ChannelOnline}); err != nil {
		t.Fatal(err)
	}
}
