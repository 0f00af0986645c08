package handlers

import (
	"context"
	"log/slog"
	"time"

	"onewindow/models"
)

// SweepPending terminates the applications whose 容缺 materials are overdue
// (models.Store.SweepPending) with the server's calendar and clock, and
// returns their numbers. Every instance may run it: a termination is a
// versioned action, so racing sweepers terminate each application once.
func (s *Server) SweepPending(ctx context.Context) ([]string, error) {
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	return s.store.SweepPending(ctx, s.cal.Load(), s.now())
}

// RunPendingSweeper sweeps every interval until ctx ends, logging what it
// terminated; the first sweep runs at once.
func (s *Server) RunPendingSweeper(ctx context.Context, every time.Duration, log *slog.Logger) {
	repeat(ctx, every, func() {
		done, err := s.SweepPending(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("容缺 sweep", "error", err)
		case len(done) > 0:
			log.Info("容缺 sweep: terminated applications whose pending materials are overdue", "numbers", done,
				"rule", models.RulePendingOverdue)
		}
	})
}
