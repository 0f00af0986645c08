package handlers

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"onewindow/models"
)

// TestLoginThrottleDelayGrowsAndClears: five failures are free, then each try waits a delay
// that doubles up to the ceiling; a success clears the username's count but not the
// address's; a quiet hour forgets. The rules are the same whether the counts are in
// memory or in the database.
func TestLoginThrottleDelayGrowsAndClears(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) { testLoginThrottle(t, newLoginThrottle()) })
	t.Run("database", func(t *testing.T) {
		store, err := models.Open(context.Background(), t.TempDir(), models.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		testLoginThrottle(t, &loginThrottle{rates: newStoreRates(store, slog.New(slog.DiscardHandler))})
	})
}

func testLoginThrottle(t *testing.T, th *loginThrottle) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for range throttleFreeAccount {
		if w := th.Wait("window1", "10.0.0.1", now); w != 0 {
			t.Fatalf("a free try waits %v", w)
		}
		th.Fail("window1", "10.0.0.1", now)
	}
	if w := th.Wait("WINDOW1", "10.0.0.2", now); w != throttleFirstDelay {
		t.Fatalf("after the free tries, from another address and in capitals: wait %v", w)
	}
	var last time.Duration
	for range 20 {
		now = now.Add(th.Wait("window1", "10.0.0.1", now))
		th.Fail("window1", "10.0.0.1", now)
		w := th.Wait("window1", "10.0.0.1", now)
		if w < last || w > throttleMaxDelay {
			t.Fatalf("delay went from %v to %v", last, w)
		}
		last = w
	}
	if last != throttleMaxDelay {
		t.Fatalf("the delay stops at %v, want %v", last, throttleMaxDelay)
	}
	th.Succeed("window1")
	if w := th.Wait("window1", "10.0.0.9", now); w != 0 {
		t.Fatalf("after a success: wait %v", w)
	}
	if w := th.Wait("someone", "10.0.0.1", now); w == 0 {
		t.Fatal("the guessing address is not slowed for other names")
	}
	if w := th.Wait("someone", "10.0.0.1", now.Add(throttleForget+throttleMaxDelay)); w != 0 {
		t.Fatalf("after a quiet hour: wait %v", w)
	}
}
