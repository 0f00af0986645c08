package handlers

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"onewindow/models"
)

// A limiter refuses a client after max failures until its window, counted from the first
// failure, ends; other clients and other limiters' clients are not held up. The rules are
// the same whether the counts are in memory or in the database, where a count a minute
// after the last sweep deletes the expired rows.
func TestLimiterFixedWindow(t *testing.T) {
	t.Parallel()
	store, err := models.Open(context.Background(), t.TempDir(), models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	rates := newStoreRates(store, slog.New(slog.DiscardHandler))
	for name, pair := range map[string][2]*limiter{
		"memory":   {newLimiter(3, time.Minute), newLimiter(3, time.Minute)},
		"database": {newSharedLimiter(rates, "code:", 3, time.Minute), newSharedLimiter(rates, "number:", 3, time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			l, other := pair[0], pair[1]
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			l.Fail("10.0.0.9", now) // expired, and swept in the database, a minute on
			for i := range 3 {
				if l.Blocked("10.0.0.1", now) {
					t.Fatalf("blocked after %d failures", i)
				}
				l.Fail("10.0.0.1", now.Add(time.Duration(i)*10*time.Second))
			}
			at := now.Add(25 * time.Second)
			if w := l.RetryAfter("10.0.0.1", at); w != 35*time.Second {
				t.Fatalf("retry after %v, want the 35 s left of the window", w)
			}
			if l.Blocked("10.0.0.2", at) || other.Blocked("10.0.0.1", at) {
				t.Fatal("another client, or the same one in another limiter, is held up")
			}
			if l.Blocked("10.0.0.1", now.Add(time.Minute)) {
				t.Fatal("still blocked when the window ends")
			}
			l.Fail("10.0.0.1", now.Add(time.Minute))
			if l.Blocked("10.0.0.1", now.Add(time.Minute)) {
				t.Fatal("a failure after the window counts the old ones")
			}
			if name == "database" {
				if n, err := store.RateKeys(context.Background()); err != nil || n != 1 {
					t.Fatalf("%d counter rows (%v) a minute on, want the live one only", n, err)
				}
			}
		})
	}
}
