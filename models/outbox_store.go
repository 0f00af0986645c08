package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Message is one outbox message as staff and the dispatcher see it.
type Message struct {
	ID          uint
	DedupeKey   string
	Number      string
	EventSeq    int
	Kind        string
	Channel     string
	Lang        string
	Params      map[string]string
	State       string
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	NextAt      time.Time
	SentAt      time.Time // zero until sent
	LeaseOwner  string
	LeaseExpiry time.Time

	// Recipient is the phone or e-mail address, opened; set only on the
	// messages a dispatcher claimed (staff views never carry it).
	Recipient string
}

type messageRow struct {
	ID            uint
	DedupeKey     string
	ApplicationID uint
	Number        string
	EventSeq      int
	Kind          string
	Channel       string
	Lang          string
	Params        string
	State         string
	Attempts      int
	LastError     string
	CreatedMs     int64
	NextMs        int64
	LeaseOwner    string
	LeaseMs       int64
	SentMs        int64
}

const messageColumns = `id, dedupe_key, application_id, number, event_seq, kind, channel, lang, params, state, attempts,
	last_error, created_ms, next_ms, lease_owner, lease_ms, sent_ms`

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func (r messageRow) message() Message {
	m := Message{ID: r.ID, DedupeKey: r.DedupeKey, Number: r.Number, EventSeq: r.EventSeq, Kind: r.Kind,
		Channel: r.Channel, Lang: r.Lang, State: r.State, Attempts: r.Attempts, LastError: r.LastError,
		CreatedAt: fromMillis(r.CreatedMs), NextAt: fromMillis(r.NextMs), SentAt: fromMillis(r.SentMs),
		LeaseOwner: r.LeaseOwner, LeaseExpiry: fromMillis(r.LeaseMs)}
	_ = json.Unmarshal([]byte(r.Params), &m.Params) // written by queueMessages from a map
	return m
}

// ClaimMessages leases up to limit messages that are due at now to owner
// until now+lease, in one write transaction: queued messages whose next
// attempt has come, and sending ones whose lease has run out (their
// dispatcher died or stalled). Two dispatchers never hold the same message:
// the single writer serialises their claims. Each claim counts an attempt.
func (s *Store) ClaimMessages(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Message, error) {
	nowMs := now.UnixMilli()
	var rows []messageRow
	apps := map[uint]*Application{}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		rows = nil
		// The outer WHERE repeats the due condition: with concurrent
		// transactions (not SQLite's single writer) a claimer that waited on
		// another's lock re-checks each row as committed and skips those
		// just leased, where the subquery alone would claim them again.
		err := tx.Raw(`UPDATE outbox_messages SET state = 'sending', lease_owner = ?, lease_ms = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox_messages
				WHERE (state = 'queued' AND next_ms <= ?) OR (state = 'sending' AND lease_ms <= ?)
				ORDER BY next_ms, id LIMIT ?)
			AND ((state = 'queued' AND next_ms <= ?) OR (state = 'sending' AND lease_ms <= ?))
			RETURNING `+messageColumns, owner, nowMs+lease.Milliseconds(), nowMs, nowMs, limit, nowMs, nowMs).Scan(&rows).Error
		if err != nil {
			return err
		}
		for _, r := range rows {
			if apps[r.ApplicationID] != nil {
				continue
			}
			var app Application
			if err := tx.Select("id", "applicant_phone", "applicant_email").Where("id = ?", r.ApplicationID).Take(&app).Error; err != nil {
				return err
			}
			apps[r.ApplicationID] = &app
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: claim messages: %w", err)
	}
	out := make([]Message, 0, len(rows))
	for _, r := range rows {
		m := r.message()
		if app := apps[r.ApplicationID]; m.Channel == NotifySMS {
			m.Recipient = app.ApplicantPhone
		} else {
			m.Recipient = app.ApplicantEmail
		}
		out = append(out, m)
	}
	return out, nil
}

// MessageSent records that owner sent message id at now. A lease lost
// meanwhile (another dispatcher took the message over) is ErrConflict: the
// other dispatcher sends it again with the same dedupe key.
func (s *Store) MessageSent(ctx context.Context, id uint, owner string, now time.Time) error {
	return s.finishMessage(ctx, id, owner, map[string]any{"state": MessageSent, "sent_ms": now.UnixMilli(),
		"lease_owner": "", "lease_ms": 0, "last_error": ""})
}

// MessageFailed records a failed attempt: queued again for retryAt, or
// failed for good when retryAt is zero.
func (s *Store) MessageFailed(ctx context.Context, id uint, owner, reason string, retryAt time.Time) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	upd := map[string]any{"state": MessageFailed, "last_error": reason, "lease_owner": "", "lease_ms": 0}
	if !retryAt.IsZero() {
		upd["state"], upd["next_ms"] = MessageQueued, retryAt.UnixMilli()
	}
	return s.finishMessage(ctx, id, owner, upd)
}

func (s *Store) finishMessage(ctx context.Context, id uint, owner string, upd map[string]any) error {
	var n int64
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		res := tx.Table("outbox_messages").Where("id = ? AND state = ? AND lease_owner = ?", id, MessageSending, owner).Updates(upd)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("models: message %d: %w", id, err)
	}
	if n != 1 {
		return fmt.Errorf("models: message %d: the lease was lost: %w", id, ErrConflict)
	}
	return nil
}

// MessageFilter selects outbox messages for staff.
type MessageFilter struct {
	Number string // one application's messages; "" for all
	State  string // one of MessageStates; "" for all
	Limit  int
}

// Messages lists outbox messages, newest first, without recipients.
func (s *Store) Messages(ctx context.Context, f MessageFilter) ([]Message, error) {
	q := s.read.WithContext(ctx).Table("outbox_messages").Select(messageColumns)
	if f.Number != "" {
		q = q.Where("number = ?", f.Number)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	var rows []messageRow
	if err := q.Order("id DESC").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: messages: %w", err)
	}
	out := make([]Message, len(rows))
	for i, r := range rows {
		out[i] = r.message()
	}
	return out, nil
}

// OutboxStats is the outbox's depth by state (queued, sending and failed;
// sent messages are history and not counted) and the age of its oldest
// message not yet sent.
type OutboxStats struct {
	ByState      map[string]int
	OldestUnsent time.Time // zero when every message is sent or failed
}

// OutboxStats counts the outbox for the metrics and the supervisors' page;
// both queries read the (state, next_ms) index over the unsent messages only.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	out := OutboxStats{ByState: map[string]int{MessageQueued: 0, MessageSending: 0, MessageFailed: 0}}
	var rows []struct {
		State string
		N     int
	}
	db := s.read.WithContext(ctx)
	if err := db.Raw(`SELECT state, COUNT(*) AS n FROM outbox_messages WHERE state IN ('queued', 'sending', 'failed') GROUP BY state`).Scan(&rows).Error; err != nil {
		return out, fmt.Errorf("models: outbox stats: %w", err)
	}
	for _, r := range rows {
		out.ByState[r.State] = r.N
	}
	var oldest *int64
	err := db.Raw(`SELECT MIN(created_ms) FROM outbox_messages WHERE state IN ('queued', 'sending')`).Row().Scan(&oldest)
	if err != nil {
		return out, fmt.Errorf("models: outbox stats: %w", err)
	}
	if oldest != nil {
		out.OldestUnsent = fromMillis(*oldest)
	}
	return out, nil
}
