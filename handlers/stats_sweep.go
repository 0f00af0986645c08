package handlers

import (
	"context"
	"log/slog"
	"time"
)

// RunStatsCatchUp counts new events into the statistics every interval
// until ctx ends, the whole backlog each time, so that the page's own
// catch-up (one batch) finds little left.
func (s *Server) RunStatsCatchUp(ctx context.Context, every time.Duration, log *slog.Logger) {
	repeat(ctx, every, func() {
		n, err := s.store.CatchUpAllStats(ctx, s.cal.Load())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("statistics catch-up", "error", err)
		case n > 0:
			log.Debug("statistics catch-up", "counted", n)
		}
	})
}
