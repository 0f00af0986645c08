package models

import (
	"context"
	"fmt"
	"math"
	"time"
)

// The statistics' cursor on PostgreSQL. Writers there commit concurrently,
// and an identity column hands out ids in the order the inserts ran, not in
// the order they commit: an event of id 10 may commit after one of id 11.
// A catch-up that counted 11 and moved its cursor past it would never count
// 10 (two instances filing and accepting lost about one event in 200 so).
// So on PostgreSQL a catch-up counts only up to a horizon: the largest ids
// it can see now, once every transaction of this database that was writing
// now has ended. A row of a smaller id that was not visible then belonged to
// one of those transactions (its insert drew the id before the visible row's
// did, so it had written by then), and has committed or rolled back before
// the catch-up reads. SQLite's one writer commits in id order and needs no
// horizon.

// statsHorizonWait bounds how long a catch-up waits for the writers in
// progress; after it the catch-up counts nothing this time.
const statsHorizonWait = 2 * time.Second

// statsHorizon returns the largest event and evaluation ids a catch-up may
// count up to; ok is false when a writer in progress did not end in time.
func (s *Store) statsHorizon(ctx context.Context) (events, evaluations int64, ok bool, err error) {
	if s.dialect.name() != "postgres" {
		return math.MaxInt64, math.MaxInt64, true, nil
	}
	db := s.reads.db
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM application_events),
		(SELECT COALESCE(MAX(id), 0) FROM evaluations)`).Scan(&events, &evaluations); err != nil {
		return 0, 0, false, fmt.Errorf("models: statistics horizon: %w", err)
	}
	// The transactions of this database holding a transaction id (that is,
	// writing) now; the sessions of the service's own database role are
	// visible with their ids.
	var writing []string
	rows, err := db.QueryContext(ctx, `SELECT backend_xid::text FROM pg_stat_activity
		WHERE datname = current_database() AND backend_xid IS NOT NULL`)
	if err != nil {
		return 0, 0, false, fmt.Errorf("models: statistics horizon: %w", err)
	}
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			rows.Close()
			return 0, 0, false, fmt.Errorf("models: statistics horizon: %w", err)
		}
		writing = append(writing, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, false, fmt.Errorf("models: statistics horizon: %w", err)
	}
	deadline := time.Now().Add(statsHorizonWait)
	pause := 500 * time.Microsecond
	for len(writing) > 0 {
		var running int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_xid::text = ANY($1)`, writing).Scan(&running); err != nil {
			return 0, 0, false, fmt.Errorf("models: statistics horizon: %w", err)
		}
		if running == 0 {
			break
		}
		if time.Now().After(deadline) {
			return 0, 0, false, nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, false, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 20*time.Millisecond)
	}
	return events, evaluations, true, nil
}
