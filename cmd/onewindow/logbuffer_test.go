package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the flusher goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestLogLinesArriveSoonErrorsAtOnceAndAllAtTheEnd(t *testing.T) {
	out := &syncBuffer{}
	buf := newLogBuffer(out)
	log := slog.New(urgentFlush{slog.NewTextHandler(buf, nil), buf})

	log.Info("request", "path", "/a")
	if out.String() != "" {
		t.Fatal("an info line was written at once; it should wait for the next flush")
	}
	log.Error("request", "path", "/b", "error", "database is locked")
	if s := out.String(); !strings.Contains(s, "path=/a") || !strings.Contains(s, "database is locked") {
		t.Fatalf("an error did not write out the buffer: %q", s)
	}

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { buf.run(ctx); close(done) }()
	log.Info("request", "path", "/c")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "path=/c") {
		if time.Now().After(deadline) {
			t.Fatal("an info line was not written within the flush interval")
		}
		time.Sleep(10 * time.Millisecond)
	}
	log.With("server", "main").Info("shutting down")
	stop()
	<-done
	if !strings.Contains(out.String(), "shutting down") {
		t.Fatal("the last line was lost when the server stopped")
	}

	// A full buffer is written out without waiting.
	big := strings.Repeat("x", logBufferSize)
	log.Info("big", "v", big)
	if !strings.Contains(out.String(), big) {
		t.Fatal("a full buffer was kept")
	}
}
