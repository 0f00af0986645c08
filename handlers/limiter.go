package handlers

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"onewindow/models"
)

// limiter counts failures per client in a fixed window: after max failures
// within window the client is refused until the window ends. The counts live
// in a rateCounter: the database's rate_limits table for a server (every
// instance on the database shares them), process memory in unit tests.
type limiter struct {
	name   string // the counter keys' prefix: one limiter's clients never meet another's
	max    int
	window time.Duration
	rates  rateCounter
}

func newLimiter(max int, w time.Duration) *limiter {
	return &limiter{max: max, window: w, rates: newMemoryRates()}
}

// newSharedLimiter is a limiter whose counts are rates's, under the key prefix name.
func newSharedLimiter(rates rateCounter, name string, max int, w time.Duration) *limiter {
	return &limiter{name: name, max: max, window: w, rates: rates}
}

// Blocked reports whether client has used up its failures.
func (l *limiter) Blocked(client string, now time.Time) bool {
	return l.RetryAfter(client, now) > 0
}

// RetryAfter is how long client stays refused: 0 when it is not.
func (l *limiter) RetryAfter(client string, now time.Time) time.Duration {
	c := l.rates.get(l.name+client, now)
	if c.N < l.max || !c.Until.After(now) {
		return 0
	}
	return c.Until.Sub(now)
}

// Fail records one failure of client.
func (l *limiter) Fail(client string, now time.Time) {
	l.rates.hit(l.name+client, now, l.window, false)
}

// rateCounter keeps counts per key: hit counts one event (a fixed window of
// ttl from the window's first event, or with sliding a count that lives ttl
// after its latest event), get reads a key's live count, clear forgets a key.
// A counter that cannot reach its storage counts nothing and reads zero: a
// database failure fails the request that needs the database anyway, and a
// refusal of everyone would be worse.
type rateCounter interface {
	hit(key string, now time.Time, ttl time.Duration, sliding bool)
	get(key string, now time.Time) models.RateCount
	clear(key string)
}

// storeRates keeps the counts in the database (models.Store.RateHit). After a count,
// at most once every rateSweepEvery, it deletes the expired rows of every key.
type storeRates struct {
	store *models.Store
	log   *slog.Logger
	swept *atomic.Int64 // when this server last swept (Unix ns)
}

func newStoreRates(store *models.Store, log *slog.Logger) storeRates {
	return storeRates{store: store, log: log, swept: new(atomic.Int64)}
}

// rateTimeout bounds one counter statement: the limiter's API has no request context.
const rateTimeout = 5 * time.Second

// rateSweepEvery is how often a server deletes expired counter rows.
const rateSweepEvery = time.Minute

func (r storeRates) hit(key string, now time.Time, ttl time.Duration, sliding bool) {
	ctx, cancel := context.WithTimeout(context.Background(), rateTimeout)
	defer cancel()
	if _, err := r.store.RateHit(ctx, key, now, ttl, sliding); err != nil {
		r.log.Warn("rate limit not counted", "err", err)
	}
	if last := r.swept.Load(); now.Sub(time.Unix(0, last)) >= rateSweepEvery && r.swept.CompareAndSwap(last, now.UnixNano()) {
		if _, err := r.store.SweepRateLimits(ctx, now); err != nil {
			r.log.Warn("expired rate limits not swept", "err", err)
		}
	}
}

func (r storeRates) get(key string, now time.Time) models.RateCount {
	ctx, cancel := context.WithTimeout(context.Background(), rateTimeout)
	defer cancel()
	c, err := r.store.RateGet(ctx, key, now)
	if err != nil {
		r.log.Warn("rate limit not read", "err", err)
	}
	return c
}

func (r storeRates) clear(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), rateTimeout)
	defer cancel()
	if err := r.store.RateClear(ctx, key); err != nil {
		r.log.Warn("rate limit not cleared", "err", err)
	}
}

// memoryRates keeps the counts in this process: the same rules as the
// database's rows, for unit tests of the rules.
type memoryRates struct {
	mu   sync.Mutex
	rows map[string]models.RateCount
}

func newMemoryRates() *memoryRates { return &memoryRates{rows: map[string]models.RateCount{}} }

func (m *memoryRates) hit(key string, now time.Time, ttl time.Duration, sliding bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.rows) > 100_000 {
		for k, c := range m.rows {
			if !c.Until.After(now) {
				delete(m.rows, k)
			}
		}
	}
	c := m.rows[key]
	if !c.Until.After(now) {
		c = models.RateCount{Start: now, Until: now.Add(ttl)}
	}
	c.N++
	c.Last = now
	if sliding {
		c.Until = now.Add(ttl)
	}
	m.rows[key] = c
}

func (m *memoryRates) get(key string, now time.Time) models.RateCount {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.rows[key]; c.Until.After(now) {
		return c
	}
	return models.RateCount{}
}

func (m *memoryRates) clear(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.rows, key)
}
