package models

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// TestIntegrityWatchStopsAtShutdown: the probe loop returns when its context ends, and a
// sound database passes a probe, which Integrity and Health then report.
func TestIntegrityWatchStopsAtShutdown(t *testing.T) {
	s := openTest(t)
	if at, err := s.Integrity(); !at.IsZero() || err != nil {
		t.Fatalf("before any probe: %v %v", at, err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := s.ProbeIntegrity(context.Background(), now); err != nil {
		t.Fatalf("a new database fails its probe: %v", err)
	}
	if at, err := s.Integrity(); !at.Equal(now) || err != nil {
		t.Fatalf("after a passed probe: %v %v", at, err)
	}
	if err := s.Health(context.Background()); err != nil {
		t.Fatalf("health after a passed probe: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.WatchIntegrity(ctx, time.Hour, slog.New(slog.DiscardHandler)); close(done) }()
	cancel()
	<-done // a loop that ignored the shutdown would hang the test here
}
