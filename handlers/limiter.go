package handlers

import (
	"sync"
	"time"
)

// limiter counts failures per client in a fixed window: after max failures
// within window the client is refused until the window ends.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(max int, w time.Duration) *limiter {
	return &limiter{max: max, window: w, hits: map[string]*window{}}
}

// Blocked reports whether client has used up its failures.
func (l *limiter) Blocked(client string, now time.Time) bool {
	return l.RetryAfter(client, now) > 0
}

// RetryAfter is how long client stays refused: 0 when it is not.
func (l *limiter) RetryAfter(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hits[client]
	if w == nil || now.Sub(w.start) >= l.window || w.n < l.max {
		return 0
	}
	return l.window - now.Sub(w.start)
}

// Fail records one failure of client.
func (l *limiter) Fail(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 100_000 {
		l.sweep(now)
	}
	w := l.hits[client]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.hits[client] = w
	}
	w.n++
}

func (l *limiter) sweep(now time.Time) {
	for k, w := range l.hits {
		if now.Sub(w.start) >= l.window {
			delete(l.hits, k)
		}
	}
}
