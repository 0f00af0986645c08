package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// RateCount is one rate-limit key's count as the database holds it: every instance on
// the database reads and counts the same rows (table rate_limits), so N instances
// together allow what one would.
type RateCount struct {
	N     int       // events counted in the window; 0 when the key has no live row
	Start time.Time // the first event of the window
	Last  time.Time // the latest event
	Until time.Time // the row counts nothing from then on
}

// rateHitSQL counts one event atomically: a new key, or one whose row has expired,
// starts a window at the event; a live row counts one more. %s is the new expiry:
// either the window's fixed end (kept while the window lives) or the event's own
// expiry (only a quiet period after the latest event resets the count).
const rateHitSQL = `INSERT INTO rate_limits (key, window_start, n, last_at, expires_at) VALUES (?, ?, 1, ?, ?)
	ON CONFLICT (key) DO UPDATE SET
		n = CASE WHEN rate_limits.expires_at <= excluded.last_at THEN 1 ELSE rate_limits.n + 1 END,
		window_start = CASE WHEN rate_limits.expires_at <= excluded.last_at THEN excluded.window_start
			ELSE rate_limits.window_start END,
		last_at = excluded.last_at,
		expires_at = %s
	RETURNING n, window_start, last_at, expires_at`

var (
	rateHitFixed = fmt.Sprintf(rateHitSQL, `CASE WHEN rate_limits.expires_at <= excluded.last_at THEN excluded.expires_at
			ELSE rate_limits.expires_at END`)
	rateHitSliding = fmt.Sprintf(rateHitSQL, `excluded.expires_at`)
)

type rateRow struct {
	N           int
	WindowStart int64
	LastAt      int64
	ExpiresAt   int64
}

func (r rateRow) count() RateCount {
	return RateCount{N: r.N, Start: time.UnixMilli(r.WindowStart).UTC(), Last: time.UnixMilli(r.LastAt).UTC(),
		Until: time.UnixMilli(r.ExpiresAt).UTC()}
}

// RateHit counts one event for key at now and returns the key's count after it. ttl is
// how long a window lasts: with sliding false the window ends ttl after its first event
// (a fixed window); with sliding true every event keeps the row for ttl more, so only a
// quiet ttl forgets the count. Expired rows of other keys stay until SweepRateLimits.
func (s *Store) RateHit(ctx context.Context, key string, now time.Time, ttl time.Duration, sliding bool) (RateCount, error) {
	if key == "" || ttl <= 0 {
		return RateCount{}, errors.New("models: rate hit: a key and a positive window are required")
	}
	at := now.UnixMilli()
	q := rateHitFixed
	if sliding {
		q = rateHitSliding
	}
	var row rateRow
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		return tx.Raw(q, key, at, at, at+ttl.Milliseconds()).Scan(&row).Error
	})
	if err != nil {
		return RateCount{}, fmt.Errorf("models: rate hit %q: %w", key, err)
	}
	return row.count(), nil
}

// RateGet returns key's live count at now: N is 0 when the key has no row or its row
// has expired.
func (s *Store) RateGet(ctx context.Context, key string, now time.Time) (RateCount, error) {
	var rows []rateRow
	err := s.read.WithContext(ctx).Raw(`SELECT n, window_start, last_at, expires_at FROM rate_limits
		WHERE key = ? AND expires_at > ?`, key, now.UnixMilli()).Scan(&rows).Error
	if err != nil {
		return RateCount{}, fmt.Errorf("models: rate count %q: %w", key, err)
	}
	if len(rows) == 0 {
		return RateCount{}, nil
	}
	return rows[0].count(), nil
}

// RateClear forgets key's count (a successful login clears its username's failures).
func (s *Store) RateClear(ctx context.Context, key string) error {
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`DELETE FROM rate_limits WHERE key = ?`, key).Error
	})
	if err != nil {
		return fmt.Errorf("models: rate clear %q: %w", key, err)
	}
	return nil
}

// SweepRateLimits deletes the rows expired at now and says how many went. It runs as a
// statement of its own, never in a counting transaction: a transaction that held row
// locks of other keys while it counted could deadlock with another instance's.
func (s *Store) SweepRateLimits(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM rate_limits WHERE expires_at <= ?`, now.UnixMilli())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("models: sweep rate limits: %w", err)
	}
	return n, nil
}

// RateKeys is how many rows rate_limits holds, live or not yet swept.
func (s *Store) RateKeys(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.WithContext(ctx).Raw(`SELECT count(*) FROM rate_limits`).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("models: rate keys: %w", err)
	}
	return n, nil
}
