package models

import (
	"context"
	"fmt"
	"iter"

	"onewindow/workflow"
)

// ChainResult is the outcome of verifying one application's event chain.
type ChainResult struct {
	Number string
	Events int
	Break  *workflow.Break // nil when intact
}

// Chains checks the event chain of every application (or of the given
// numbers), streaming the events in batches, and yields each result; a
// failed read is yielded as the error of the last step.
func (s *Store) Chains(ctx context.Context, numbers []string) iter.Seq2[ChainResult, error] {
	return func(yield func(ChainResult, error) bool) {
		const batch = 500
		var lastID uint
		for {
			var apps []Application
			q := s.read.WithContext(ctx).Select("id", "number", "last_hash", "event_count").Where("id > ?", lastID).Order("id").Limit(batch)
			if len(numbers) > 0 {
				q = q.Where("number IN ?", numbers)
			}
			if err := q.Find(&apps).Error; err != nil {
				yield(ChainResult{}, fmt.Errorf("models: verify chains: %w", err))
				return
			}
			if len(apps) == 0 {
				return
			}
			more, err := s.verifyBatch(ctx, apps, yield)
			if err != nil {
				yield(ChainResult{}, err)
				return
			}
			if !more {
				return
			}
			lastID = apps[len(apps)-1].ID
		}
	}
}

// verifyBatch yields the results of apps; false when the consumer stopped.
func (s *Store) verifyBatch(ctx context.Context, apps []Application, yield func(ChainResult, error) bool) (bool, error) {
	ids := make([]uint, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	var events []Event
	if err := s.read.WithContext(ctx).Where("application_id IN ?", ids).Order("application_id, seq").Find(&events).Error; err != nil {
		return false, fmt.Errorf("models: verify chains: %w", err)
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
		if !yield(res, nil) {
			return false, nil
		}
	}
	return true, nil
}
