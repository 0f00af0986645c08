package models

import (
	"context"
	"fmt"

	"onewindow/workflow"
)

// ApplicationsInStates returns up to limit applications in one of states,
// oldest first, starting after the application with id afterID (0 = from the
// start): the window's queues page by the last id they showed.
func (s *Store) ApplicationsInStates(ctx context.Context, states []workflow.State, limit int, afterID uint) ([]Application, error) {
	var out []Application
	if len(states) == 0 {
		return out, nil
	}
	err := s.read.WithContext(ctx).Where("state IN ? AND id > ?", states, afterID).
		Order("id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: applications in states: %w", err)
	}
	return out, nil
}

// FilingByKey returns the filing an Idempotency-Key of scope recorded, with
// the query code kept for replays; ErrNotFound when there is none (or it was
// purged). The window shows the code once more after its redirect.
func (s *Store) FilingByKey(ctx context.Context, scope, key string) (*Filed, error) {
	var row struct {
		Number    string
		QueryCode string
	}
	idem := &Idempotency{Scope: scope, Key: key}
	err := s.read.WithContext(ctx).Raw(`SELECT number, query_code FROM idempotency_keys WHERE scope = ? AND key = ?`,
		scope, idem.lookup()).Scan(&row).Error
	if err != nil {
		return nil, fmt.Errorf("models: filing by key: %w", err)
	}
	if row.Number == "" || row.QueryCode == "" {
		return nil, fmt.Errorf("models: filing by key: %w", ErrNotFound)
	}
	return &Filed{Number: row.Number, QueryCode: idem.open(row.QueryCode), Replayed: true}, nil
}
