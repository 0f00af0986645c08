package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"onewindow/models"
)

// Queue is the outbox as the dispatcher uses it (models.Store).
type Queue interface {
	ClaimMessages(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]models.Message, error)
	MessageSent(ctx context.Context, id uint, owner string, now time.Time) error
	MessageFailed(ctx context.Context, id uint, owner, reason string, retryAt time.Time) error
}

// Dispatcher sends due messages. Every server instance may run one: a
// message is leased to one dispatcher at a time (Queue.ClaimMessages), and a
// lease that runs out because its dispatcher died hands the message to the
// next claim. Delivery is therefore at least once; a message sent but not
// yet recorded when its dispatcher died is sent again with the same dedupe
// key, which the receiving side treats as the same message.
type Dispatcher struct {
	Queue   Queue
	Senders map[string]Sender // by channel ("sms", "email")
	// Render writes the message's subject and body (from the locale files).
	Render func(m models.Message) (subject, body string)
	// Params, when set, gives the parameters a template-based channel (SMS)
	// receives, the ones the message's language resolves included; nil: the
	// message's own.
	Params func(m models.Message) map[string]string
	Now    func() time.Time
	Owner  string // this instance's lease name (host and process)

	Lease       time.Duration // how long a claim holds a message; default 2 minutes
	Batch       int           // messages per claim; default 20
	MaxAttempts int           // attempts before a message fails for good; default 8
	BaseDelay   time.Duration // the first retry's delay, doubled per attempt; default 30 s
	MaxDelay    time.Duration // the longest delay between attempts; default 1 hour
}

// Result counts what one round did.
type Result struct{ Sent, Retried, Failed int }

func (d *Dispatcher) defaults() {
	if d.Lease <= 0 {
		d.Lease = 2 * time.Minute
	}
	if d.Batch <= 0 {
		d.Batch = 20
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 8
	}
	if d.BaseDelay <= 0 {
		d.BaseDelay = 30 * time.Second
	}
	if d.MaxDelay <= 0 {
		d.MaxDelay = time.Hour
	}
	if d.Now == nil {
		d.Now = time.Now
	}
}

// Backoff is the delay before the next attempt after attempts failed ones:
// BaseDelay doubled per attempt, at most MaxDelay.
func (d *Dispatcher) Backoff(attempts int) time.Duration {
	d.defaults()
	delay := d.BaseDelay
	for i := 1; i < attempts && delay < d.MaxDelay; i++ {
		delay *= 2
	}
	return min(delay, d.MaxDelay)
}

// RunOnce claims due messages until none is left, sends each and records
// the outcome.
func (d *Dispatcher) RunOnce(ctx context.Context) (Result, error) {
	d.defaults()
	var res Result
	for ctx.Err() == nil {
		msgs, err := d.Queue.ClaimMessages(ctx, d.Owner, d.Now(), d.Lease, d.Batch)
		if err != nil || len(msgs) == 0 {
			return res, err
		}
		for _, m := range msgs {
			if err := d.send(ctx, m, &res); err != nil {
				return res, err
			}
		}
	}
	return res, ctx.Err()
}

func (d *Dispatcher) send(ctx context.Context, m models.Message, res *Result) error {
	var err error
	sender := d.Senders[m.Channel]
	switch {
	case sender == nil:
		err = fmt.Errorf("notify: no sender for channel %q: %w", m.Channel, ErrPermanent)
	case m.Recipient == "":
		err = fmt.Errorf("notify: the application has no %s to send to: %w", m.Channel, ErrPermanent)
	default:
		subject, body := d.Render(m)
		params := m.Params
		if d.Params != nil {
			params = d.Params(m)
		}
		err = sender.Send(ctx, Envelope{ID: m.DedupeKey, Channel: m.Channel, To: m.Recipient, Kind: m.Kind,
			Lang: m.Lang, Subject: subject, Body: body, Params: params})
	}
	if err == nil {
		err := d.Queue.MessageSent(ctx, m.ID, d.Owner, d.Now())
		if errors.Is(err, models.ErrConflict) {
			return nil // another dispatcher took it over; it resends under the same key
		}
		if err == nil {
			res.Sent++
		}
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the lease runs out and another round sends it
	}
	var retryAt time.Time
	if !errors.Is(err, ErrPermanent) && m.Attempts < d.MaxAttempts {
		retryAt = d.Now().Add(d.Backoff(m.Attempts))
		res.Retried++
	} else {
		res.Failed++
	}
	ferr := d.Queue.MessageFailed(ctx, m.ID, d.Owner, err.Error(), retryAt)
	if errors.Is(ferr, models.ErrConflict) {
		return nil
	}
	return ferr
}
