package models

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// The change signal on PostgreSQL. Triggers of the PostgreSQL migrations
// NOTIFY the channel changeChannel with the area's name (keys only, never
// data) whenever a change counter moves or application events are
// appended; every instance LISTENs and reads the counters at once instead
// of at its next poll. The poll stays as the fallback: a lost connection
// delays a change by at most changePoll, and the listener reconnects.
//
// Events need the notice itself: with concurrent writers a smaller event id
// can commit after a larger one, so the highest id alone could miss it. A
// notice of "events" counts as a change of the work lists whatever the ids.

// changeChannel is the channel the triggers notify.
const changeChannel = "onewindow_changes"

// listen delivers the notices of changeChannel to w.wake until stop is closed.
// Notices of events appended by own writer connections (d.writers) are this
// process's own work, which its work generations have counted already.
func (w *changeWatch) listen(d postgresDialect, stop <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for ctx.Err() == nil {
		if err := w.listenOnce(ctx, d); err != nil && ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (w *changeWatch) listenOnce(ctx context.Context, d postgresDialect) error {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	// Changes made before LISTEN took effect are the poll's to find.
	w.signal("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if _, own := d.writers.Load(n.PID); own && n.Payload == string(areaEvents) {
			continue
		}
		w.signal(n.Payload)
	}
}

// signal hands a notice to the watcher without blocking; notices that
// arrive while one waits are merged into it.
func (w *changeWatch) signal(area string) {
	if area == string(areaEvents) {
		w.eventsNoticed.Store(true)
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
