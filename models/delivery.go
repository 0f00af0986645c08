package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// DeliveryDays is the time to deliver a positive decision's result:
// 行政许可法 Art. 44, ten days, working days by Art. 82.
const DeliveryDays = 10

// Events of the delivery, appended to the application's chain (named for the
// notification outbox to pick up).
const (
	EventDeliveryModeChanged = "delivery_mode_changed"
	EventDeliveryReceived    = "delivery_received"
)

// Delivery states as the applicant and the window see them.
const (
	DeliveryWaiting   = "waiting"   // no decision to deliver yet
	DeliveryToIssue   = "to_issue"  // decided, not yet handed out or sent
	DeliverySent      = "sent"      // posted, receipt not yet recorded
	DeliveryDelivered = "delivered" // received (签收) or made available electronically
	DeliveryRevoked   = "revoked"   // the grant was revoked before it went out: nothing to deliver
)

// Delivery is how an application's result reaches the applicant.
type Delivery struct {
	ID            uint   `gorm:"primaryKey"`
	ApplicationID uint   `gorm:"not null;uniqueIndex"`
	Mode          string `gorm:"not null"` // the window's change; empty: as filed
	ModeBy        string `gorm:"not null"`
	DecidedOn     string `gorm:"not null"`
	DueOn         string `gorm:"not null"`
	Carrier       string `gorm:"not null"`
	IssuedOn      string `gorm:"not null"`
	ReceivedOn    string `gorm:"not null"` // the day the recipient signed
	Receiver      string `gorm:"not null;serializer:sealed"`
	RecordedBy    string `gorm:"not null"`
	UpdatedAt     time.Time
}

// TableName keeps the table's name in the migration's words.
func (Delivery) TableName() string { return "application_deliveries" }

// PreferredDelivery is the mode the result goes by: the window's change,
// else the applicant's choice on the form, else empty (not chosen).
func PreferredDelivery(app *Application, d *Delivery) string {
	if d != nil && d.Mode != "" {
		return d.Mode
	}
	if v, ok := app.Form["delivery"].(string); ok && slices.Contains(workflow.Deliveries, v) {
		return v
	}
	return ""
}

// DeliveryState is where the delivery stands.
func DeliveryState(app *Application, d *Delivery) string {
	switch {
	case d != nil && d.ReceivedOn != "":
		return DeliveryDelivered
	case app.State == workflow.Revoked && (d == nil || d.IssuedOn == ""):
		return DeliveryRevoked
	case app.State == workflow.Completed:
		return DeliverySent
	case app.State == workflow.Approved || app.State == workflow.Denied:
		return DeliveryToIssue
	}
	return DeliveryWaiting
}

// Overdue reports whether the result was not issued by the due day.
func (d *Delivery) Overdue(today time.Time) bool {
	return d != nil && d.DueOn != "" && d.IssuedOn == "" && d.DueOn < FormatDay(today)
}

// Delivery returns an application's delivery row; ErrNotFound before there is one.
func (s *Store) Delivery(ctx context.Context, applicationID uint) (*Delivery, error) {
	var d Delivery
	err := s.read.WithContext(ctx).Where("application_id = ?", applicationID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: delivery of %d: %w", applicationID, err)
	}
	return &d, nil
}

func deliveryRow(tx *gorm.DB, appID uint) (*Delivery, error) {
	d := Delivery{ApplicationID: appID}
	err := tx.Where("application_id = ?", appID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &d, nil
	}
	return &d, err
}

// noteDelivery records what an action means for the delivery: a positive
// decision starts the ten days; issuing the result records how it went
// (a window pickup signed for on the spot, an electronic result available
// at once, a post with its carrier).
func noteDelivery(tx *gorm.DB, app *Application, to workflow.State, req ActionRequest, today time.Time) error {
	if to != workflow.Approved && req.Action != workflow.Issue {
		return nil
	}
	d, err := deliveryRow(tx, app.ID)
	if err != nil {
		return err
	}
	day := FormatDay(today)
	if to == workflow.Approved {
		d.DecidedOn, d.DueOn = day, FormatDay(req.Cal.AddWorkdays(today, DeliveryDays))
		req.Fields["delivery_due"] = d.DueOn // the decision's event says by when
	}
	if req.Action == workflow.Issue {
		d.IssuedOn, d.Carrier = day, strings.TrimSpace(req.Fields["carrier"])
		switch req.Fields["delivery"] {
		case "online":
			d.ReceivedOn, d.RecordedBy = day, req.Actor
		case "window":
			if r := req.Fields["receiver"]; r != "" {
				d.ReceivedOn, d.Receiver, d.RecordedBy = day, r, req.Actor
			}
		}
		delete(req.Fields, "receiver") // personal data: sealed in the row, never in the event
		if d.ReceivedOn != "" {
			req.Fields["received_on"] = d.ReceivedOn
		}
	}
	d.UpdatedAt = req.Now
	return tx.Save(d).Error
}

// sealReceiver seals the name of who signed for a result handed out at the
// window, on a copy of the action's fields.
func (s *Store) sealReceiver(req ActionRequest) ActionRequest {
	r := strings.TrimSpace(req.Fields["receiver"])
	if r == "" {
		return req
	}
	f := make(map[string]string, len(req.Fields))
	for k, v := range req.Fields {
		f[k] = v
	}
	f["receiver"] = s.keys.seal(r)
	req.Fields = f
	return req
}

// DeliveryModeChange is the window changing the mode the result goes by.
type DeliveryModeChange struct {
	Number  string
	Version int
	Actor   string
	Role    string
	Mode    string
	Now     time.Time
}

// ChangeDeliveryMode records the window's change of the delivery mode,
// possible until the result is issued.
func (s *Store) ChangeDeliveryMode(ctx context.Context, in DeliveryModeChange) error {
	if !slices.Contains(workflow.Deliveries, in.Mode) {
		return fmt.Errorf("models: delivery of %q: %w", in.Number, &FieldsError{Fields: map[string]string{"mode": workflow.FieldInvalid}})
	}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		app, err := s.lockedForPayment(tx, in.Number, in.Version)
		if err != nil {
			return err
		}
		if app.State.Final() || app.State == workflow.Draft {
			return &workflow.IllegalError{From: app.State, Act: EventDeliveryModeChanged}
		}
		d, err := deliveryRow(tx, app.ID)
		if err != nil {
			return err
		}
		from := PreferredDelivery(app, d)
		d.Mode, d.ModeBy, d.UpdatedAt = in.Mode, in.Actor, in.Now
		if err := tx.Save(d).Error; err != nil {
			return err
		}
		return appendEvent(tx, app, eventInput{Actor: in.Actor, Role: in.Role, Action: EventDeliveryModeChanged, To: app.State,
			Now: in.Now, Detail: map[string]string{"from": from, "mode": in.Mode}})
	})
	if err != nil {
		return fmt.Errorf("models: delivery of %q: %w", in.Number, err)
	}
	s.changes.appended(1)
	return nil
}

// Receipt is the record of a signed-for result (签收).
type Receipt struct {
	Number     string
	Version    int
	Actor      string
	Role       string
	Receiver   string // who signed
	ReceivedOn string // YYYY-MM-DD, the day the recipient signed
	Now        time.Time
}

// RecordReceipt records who signed for an issued result and when; once.
func (s *Store) RecordReceipt(ctx context.Context, in Receipt) error {
	in.Receiver = strings.TrimSpace(in.Receiver)
	problems := map[string]string{}
	if in.Receiver == "" {
		problems["receiver"] = workflow.FieldRequired
	} else if len(in.Receiver) > 100 {
		problems["receiver"] = workflow.FieldTooLarge
	}
	day, perr := workflow.ParseDate(in.ReceivedOn)
	if in.ReceivedOn == "" {
		problems["received_on"] = workflow.FieldRequired
	} else if perr != nil {
		problems["received_on"] = workflow.FieldInvalid
	} else if day.After(CentreDay(in.Now)) {
		problems["received_on"] = FieldFuture
	}
	if len(problems) > 0 {
		return fmt.Errorf("models: receipt of %q: %w", in.Number, &FieldsError{Fields: problems})
	}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		app, err := s.lockedForPayment(tx, in.Number, in.Version)
		if err != nil {
			return err
		}
		d, err := deliveryRow(tx, app.ID)
		if err != nil {
			return err
		}
		if app.State != workflow.Completed || d.IssuedOn == "" || d.ReceivedOn != "" {
			return &workflow.IllegalError{From: app.State, Act: EventDeliveryReceived}
		}
		if FormatDay(day) < d.IssuedOn {
			return &FieldsError{Fields: map[string]string{"received_on": FieldBeforeIssue}}
		}
		d.ReceivedOn, d.Receiver, d.RecordedBy, d.UpdatedAt = FormatDay(day), s.keys.seal(in.Receiver), in.Actor, in.Now
		if err := tx.Save(d).Error; err != nil {
			return err
		}
		return appendEvent(tx, app, eventInput{Actor: in.Actor, Role: in.Role, Action: EventDeliveryReceived, To: app.State,
			Now: in.Now, Detail: map[string]string{"received_on": d.ReceivedOn}})
	})
	if err != nil {
		return fmt.Errorf("models: receipt of %q: %w", in.Number, err)
	}
	s.changes.appended(1)
	return nil
}

// Field problems of a receipt.
const (
	FieldFuture      = "in_future"
	FieldBeforeIssue = "before_issue"
)

// DeliveryCase is one result still to be delivered, for the window's list.
type DeliveryCase struct {
	Number         string
	ItemName       string
	DepartmentCode string
	ApplicantName  string
	State          workflow.State
	Delivery       string // the mode it was issued by; empty before issue
	TrackingNumber string
	DueOn          string
	IssuedOn       string
}

// Overdue reports whether the result was not issued by its due day.
func (c DeliveryCase) Overdue(today time.Time) bool {
	return c.DueOn != "" && c.IssuedOn == "" && c.DueOn < FormatDay(today)
}

// DeliveriesOpen lists the results to deliver, earliest due first: decided
// and not issued, or posted and not yet signed for.
func (s *Store) DeliveriesOpen(ctx context.Context, limit int) ([]DeliveryCase, error) {
	var out []DeliveryCase
	err := s.read.WithContext(ctx).Table("application_deliveries AS d").
		Select("a.number, a.item_name, a.department_code, a.applicant_name, a.state, a.delivery, a.tracking_number, d.due_on, d.issued_on").
		Joins("JOIN applications AS a ON a.id = d.application_id").
		Where("(a.state = ? AND d.due_on <> '') OR (a.state = ? AND d.issued_on <> '' AND d.received_on = '')",
			workflow.Approved, workflow.Completed).
		Order("d.due_on, a.id").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: open deliveries: %w", err)
	}
	return out, nil
}
