package handlers

import (
	"context"
	"log/slog"
	"time"

	"onewindow/models"
)

// SweepCards records the 黄牌 / 红牌 open tasks have earned
// (models.Store.SweepCards) with the server's calendar and clock. Every
// instance may run it: a card is recorded once per task and colour however
// many sweepers race.
func (s *Server) SweepCards(ctx context.Context) (models.SweepResult, error) {
	if err := s.refresh(ctx); err != nil {
		return models.SweepResult{}, err
	}
	return s.store.SweepCards(ctx, s.cal.Load(), s.now())
}

// RunCardSweeper sweeps every interval until ctx ends, logging the cards it
// recorded; the first sweep runs at once.
func (s *Server) RunCardSweeper(ctx context.Context, every time.Duration, log *slog.Logger) {
	repeat(ctx, every, func() {
		got, err := s.SweepCards(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("card sweep", "error", err)
		case got.Yellow+got.Red > 0:
			log.Info("card sweep: recorded 黄牌 / 红牌", "yellow", got.Yellow, "red", got.Red)
		}
	})
}

// repeat runs fn at once and then every interval until ctx ends: the loop of
// the server's sweepers.
func repeat(ctx context.Context, every time.Duration, fn func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
