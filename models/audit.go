package models

import (
	"context"
	"fmt"

	"onewindow/workflow"
)

// ChainResult is the outcome of verifying one application's event chain.
type ChainResult struct {
	Number string
	Events int
	Break  *workflow.Break // nil when intact
}

// VerifyChains checks the event chain of every application (or of the given
// numbers), streaming the events in batches, and calls fn for each result.
func (s *Store) VerifyChains(ctx context.Context, numbers []string, fn func(ChainResult) error) error {
	const batch = 500
	var lastID uint
	for {
		var apps []Application
		q := s.read.WithContext(ctx).Select("id", "number", "last_hash", "event_count").Where("id > ?", lastID).Order("id").Limit(batch)
		if len(numbers) > 0 {
			q = q.Where("number IN ?", numbers)
		}
		if err := q.Find(&apps).Error; err != nil {
			return fmt.Errorf("models: verify chains: %w", err)
		}
		if len(apps) == 0 {
			return nil
		}
		if err := s.verifyBatch(ctx, apps, fn); err != nil {
			return err
		}
		lastID = apps[len(apps)-1].ID
	}
}

func (s *Store) verifyBatch(ctx context.Context, apps []Application, fn func(ChainResult) error) error {
	ids := make([]uint, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	var events []Event
	if err := s.read.WithContext(ctx).Where("application_id IN ?", ids).Order("application_id, seq").Find(&events).Error; err != nil {
		return fmt.Errorf("models: verify chains: %w", err)
	}
	byApp := map[uint][]Event{}
	for _, e := range events {
		byApp[e.ApplicationID] = append(byApp[e.ApplicationID], e)
	}
	for _, a := range apps {
		evs := byApp[a.ID]
		links := make([]workflow.Link, len(evs))
		hashes := make([]string, len(evs))
		for i, e := range evs {
			links[i], hashes[i] = e.Link(a.Number), e.Hash
		}
		res := ChainResult{Number: a.Number, Events: len(evs), Break: workflow.Verify(links, hashes)}
		if res.Break == nil && (len(evs) != a.EventCount || (len(evs) > 0 && hashes[len(hashes)-1] != a.LastHash)) {
			res.Break = &workflow.Break{Seq: len(evs), Reason: "the application's last hash or event count does not match its events"}
		}
		if err := fn(res); err != nil {
			return err
		}
	}
	return nil
}
