package models

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Two stores opened on one data folder are two instances: a count made on one is the
// count the other reads, a fixed window ends at its own end, a sliding one only after a
// quiet period, a clear is seen by both, and a sweep deletes expired rows.
func TestRateLimitsSharedByTwoInstances(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	open := func() *Store {
		s, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		s := a
		if i%2 == 1 {
			s = b
		}
		c, err := s.RateHit(ctx, "code:10.0.0.1", now.Add(time.Duration(i)*time.Second), time.Minute, false)
		if err != nil {
			t.Fatal(err)
		}
		if c.N != i+1 || !c.Start.Equal(now) || !c.Until.Equal(now.Add(time.Minute)) {
			t.Fatalf("hit %d: %+v", i+1, c)
		}
	}
	for name, s := range map[string]*Store{"a": a, "b": b} {
		c, err := s.RateGet(ctx, "code:10.0.0.1", now.Add(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if c.N != 3 {
			t.Fatalf("instance %s reads %d hits, want 3", name, c.N)
		}
	}
	// The fixed window ends a minute after its first hit, however late the last was.
	if c, _ := b.RateGet(ctx, "code:10.0.0.1", now.Add(time.Minute)); c.N != 0 {
		t.Fatalf("after the window: %+v", c)
	}
	c, err := a.RateHit(ctx, "code:10.0.0.1", now.Add(time.Minute), time.Minute, false)
	if err != nil || c.N != 1 || !c.Start.Equal(now.Add(time.Minute)) {
		t.Fatalf("a hit after the window starts a new one: %+v, %v", c, err)
	}

	// A sliding key lives while events keep coming.
	for i := range 5 {
		if _, err := b.RateHit(ctx, "login:u:clerk", now.Add(time.Duration(i)*50*time.Minute), time.Hour, true); err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := a.RateGet(ctx, "login:u:clerk", now.Add(4*50*time.Minute+59*time.Minute)); c.N != 5 || !c.Start.Equal(now) {
		t.Fatalf("sliding count: %+v", c)
	}
	if err := a.RateClear(ctx, "login:u:clerk"); err != nil {
		t.Fatal(err)
	}
	if c, _ := b.RateGet(ctx, "login:u:clerk", now.Add(4*50*time.Minute)); c.N != 0 {
		t.Fatalf("cleared on a, still counted on b: %+v", c)
	}

	// A sweep deletes the expired rows only.
	if _, err := a.RateHit(ctx, "other", now.Add(3*time.Hour), time.Minute, false); err != nil {
		t.Fatal(err)
	}
	if n, err := b.SweepRateLimits(ctx, now.Add(3*time.Hour)); err != nil || n != 1 {
		t.Fatalf("the sweep deleted %d rows (%v), want the expired code row", n, err)
	}
	if n, err := a.RateKeys(ctx); err != nil || n != 1 {
		t.Fatalf("after the sweep %d rows are left (%v), want the new one only", n, err)
	}
}

// Hits racing from two instances are each counted once.
func TestRateHitCountsRacingHitsOnce(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var stores []*Store
	for range 2 {
		s, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	now := time.Now()
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			if _, err := stores[i%2].RateHit(ctx, "filing:10.0.0.7", now, time.Hour, false); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if c, err := stores[0].RateGet(ctx, "filing:10.0.0.7", now); err != nil || c.N != 40 {
		t.Fatalf("40 racing hits counted as %d (%v)", c.N, err)
	}
}
