package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// ErrIntegrity is the last integrity probe's finding: the database file is damaged.
var ErrIntegrity = errors.New("models: the database failed its integrity probe")

// integrityProbe keeps the last integrity probe's result, so that a health check reads it
// without running the probe itself.
type integrityProbe struct {
	mu  sync.Mutex
	at  time.Time // zero until the first probe
	err error
}

// ProbeIntegrity runs SQLite's quick check (every page and b-tree of the file, without the
// slower index-to-table cross checks) on a read connection, records the result for
// Integrity and Health, and returns it: nil, or an error wrapping ErrIntegrity that says
// what the check found. A probe cut short by ctx records nothing.
func (s *Store) ProbeIntegrity(ctx context.Context, now time.Time) error {
	var found []string
	probe := `PRAGMA quick_check(10)`
	if s.dialect.name() == "postgres" {
		// The server checks its own pages (data checksums, amcheck for the
		// operators); the probe sees that it reads.
		probe = `SELECT 'ok'`
	}
	rows, err := s.read.WithContext(ctx).Raw(probe).Rows()
	if err == nil {
		for rows.Next() {
			var line string
			if err = rows.Scan(&line); err != nil {
				break
			}
			found = append(found, line)
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	switch {
	case err != nil: // SQLite refuses to read a page it cannot make sense of
		err = fmt.Errorf("%w: %v", ErrIntegrity, err)
	case len(found) != 1 || found[0] != "ok":
		err = fmt.Errorf("%w: %s", ErrIntegrity, strings.Join(found, "; "))
	}
	s.integrity.mu.Lock()
	s.integrity.at, s.integrity.err = now, err
	s.integrity.mu.Unlock()
	return err
}

// Integrity returns when the last integrity probe ran (zero when none has) and what it
// found (nil when the file was sound).
func (s *Store) Integrity() (time.Time, error) {
	s.integrity.mu.Lock()
	defer s.integrity.mu.Unlock()
	return s.integrity.at, s.integrity.err
}

// WatchIntegrity probes the database's integrity every interval until ctx ends, logging a
// damaged file once when it is found and again when it is sound again. It returns when ctx
// ends (at shutdown), after the probe under way has stopped.
func (s *Store) WatchIntegrity(ctx context.Context, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var failing bool
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := s.ProbeIntegrity(ctx, time.Now())
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			log.Error("database integrity probe failed: restore from the last backup", "error", err)
		case err == nil && failing:
			log.Info("database integrity probe passes again")
		}
		failing = err != nil
	}
}
