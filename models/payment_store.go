package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// Field problems of the 缴费 step, as short codes a caller turns into a message.
const (
	// FieldNoExemption is a 减免 on an item whose fees publish none.
	FieldNoExemption = "no_exemption_listed"
	// FieldAmountMismatch is a payment whose amount is not the notice's.
	FieldAmountMismatch = "amount_mismatch"
)

// maxNoticeFen bounds a notice's amount (one hundred million yuan) so a
// slip of the keyboard cannot print an absurd figure.
const maxNoticeFen = 100_000_000_00

// NewPaymentNotice is the window's 缴款通知书 for an application.
type NewPaymentNotice struct {
	Number    string // the application
	Version   int
	Actor     string
	Role      string
	AmountFen int64
	Exemption string // the reason of a 减免 (reduced or waived amount); empty for none
	Now       time.Time
}

// WindowPayment is the window marking a notice paid against a receipt.
type WindowPayment struct {
	Number        string // the application
	Version       int
	Actor         string
	Role          string
	ReceiptNumber string
	Now           time.Time
}

// CallbackPayment is a payment platform's verified report that a notice was paid.
type CallbackPayment struct {
	Notice        string
	AmountFen     int64
	TransactionID string
	Now           time.Time
}

// payable reports whether a 缴费 step can run in state s: after acceptance
// and before the result is issued.
func payable(s workflow.State) bool {
	switch s {
	case workflow.Accepted, workflow.InReview, workflow.Suspended, workflow.Approved:
		return true
	}
	return false
}

// PaymentNotices returns an application's payment notices, oldest first.
func (s *Store) PaymentNotices(ctx context.Context, applicationID uint) ([]PaymentNotice, error) {
	var out []PaymentNotice
	err := s.read.WithContext(ctx).Where("application_id = ?", applicationID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: payment notices of %d: %w", applicationID, err)
	}
	return out, nil
}

// PaymentNotice returns one notice by its number.
func (s *Store) PaymentNotice(ctx context.Context, number string) (*PaymentNotice, error) {
	var p PaymentNotice
	err := s.read.WithContext(ctx).Where("number = ?", number).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: payment notice %q: %w", number, ErrNotFound)
	}
	return &p, err
}

// IssuePaymentNotice writes a 缴款通知书 for a charging application, in one
// transaction with its event. A whole exemption settles it at once.
func (s *Store) IssuePaymentNotice(ctx context.Context, in NewPaymentNotice) (*PaymentNotice, error) {
	var out *PaymentNotice
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		app, err := s.lockedForPayment(tx, in.Number, in.Version)
		if err != nil {
			return err
		}
		if !app.Definition.Charges || !payable(app.State) {
			return &workflow.IllegalError{From: app.State, Act: EventPaymentNoticeIssued}
		}
		var n int64
		if err := tx.Model(&PaymentNotice{}).Where("application_id = ?", app.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrPaymentNoticeExists
		}
		in.Exemption = strings.TrimSpace(in.Exemption)
		switch {
		case in.Exemption != "" && len(app.Definition.Exemptions()) == 0:
			return &FieldsError{Fields: map[string]string{"exemption": FieldNoExemption}}
		case len(in.Exemption) > 500:
			return &FieldsError{Fields: map[string]string{"exemption": workflow.FieldTooLarge}}
		case in.AmountFen < 0 || in.AmountFen > maxNoticeFen:
			return &FieldsError{Fields: map[string]string{"amount": workflow.FieldInvalid}}
		case in.AmountFen == 0 && in.Exemption == "":
			// Nothing to pay is only ever an exemption, and says why.
			return &FieldsError{Fields: map[string]string{"amount": workflow.FieldInvalid, "exemption": workflow.FieldRequired}}
		}
		now := in.Now.UTC().Truncate(time.Microsecond)
		p := PaymentNotice{ApplicationID: app.ID, Number: fmt.Sprintf("pending-%d-%d", app.ID, now.UnixNano()),
			FeeNames: feeNames(app.Definition.Fees), AmountFen: in.AmountFen, Exemption: in.Exemption,
			State: PaymentUnpaid, IssuedBy: in.Actor, IssuedAt: now}
		act := workflow.Action(EventPaymentNoticeIssued)
		if in.AmountFen == 0 {
			p.State, p.PaidAt, act = PaymentExempt, &now, workflow.Action(EventPaymentExempted)
		}
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		p.Number = paymentNoticeNumber(CentreDay(now), p.ID)
		if err := tx.Model(&p).Update("number", p.Number).Error; err != nil {
			return err
		}
		detail := map[string]string{"notice": p.Number, "amount": FormatFen(p.AmountFen)}
		if p.Exemption != "" {
			detail["exemption"] = p.Exemption
		}
		out = &p
		return appendEvent(tx, app, eventInput{Actor: in.Actor, Role: in.Role, Action: act, To: app.State, Detail: detail, Now: now})
	})
	if err != nil {
		return nil, fmt.Errorf("models: payment notice for %q: %w", in.Number, err)
	}
	s.changes.appended(1)
	return out, nil
}

// MarkPaidAtWindow records that the applicant paid the open notice at the
// window against a receipt (票据号).
func (s *Store) MarkPaidAtWindow(ctx context.Context, in WindowPayment) (*PaymentNotice, error) {
	in.ReceiptNumber = strings.TrimSpace(in.ReceiptNumber)
	if in.ReceiptNumber == "" || len(in.ReceiptNumber) > 60 {
		code := workflow.FieldRequired
		if in.ReceiptNumber != "" {
			code = workflow.FieldTooLarge
		}
		return nil, fmt.Errorf("models: payment of %q: %w", in.Number, &FieldsError{Fields: map[string]string{"receipt_number": code}})
	}
	var out *PaymentNotice
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		app, err := s.lockedForPayment(tx, in.Number, in.Version)
		if err != nil {
			return err
		}
		var p PaymentNotice
		err = tx.Where("application_id = ? AND state = ?", app.ID, PaymentUnpaid).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return &workflow.IllegalError{From: app.State, Act: EventPaymentPaid}
		}
		if err != nil {
			return err
		}
		now := in.Now.UTC().Truncate(time.Microsecond)
		p.State, p.PaidVia, p.PaidBy, p.PaidAt, p.ReceiptNumber = PaymentPaid, PaidAtWindow, in.Actor, &now, in.ReceiptNumber
		if err := tx.Save(&p).Error; err != nil {
			return err
		}
		out = &p
		return appendEvent(tx, app, eventInput{Actor: in.Actor, Role: in.Role, Action: EventPaymentPaid, To: app.State, Now: now,
			Detail: map[string]string{"notice": p.Number, "amount": FormatFen(p.AmountFen), "via": PaidAtWindow, "receipt_number": p.ReceiptNumber}})
	})
	if err != nil {
		return nil, fmt.Errorf("models: payment of %q: %w", in.Number, err)
	}
	s.changes.appended(1)
	return out, nil
}

// PayByCallback records a payment platform's (already verified) report. The
// same transaction reported again for the same notice and amount changes
// nothing and answers replayed; a transaction id seen on another notice, a
// wrong amount or a notice no longer open is refused and changes nothing.
func (s *Store) PayByCallback(ctx context.Context, in CallbackPayment) (p *PaymentNotice, replayed bool, err error) {
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		var n PaymentNotice
		err := tx.Where("number = ?", in.Notice).Take(&n).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var seen PaymentNotice
		err = tx.Where("transaction_id = ?", in.TransactionID).Take(&seen).Error
		if err == nil {
			if seen.ID != n.ID || seen.AmountFen != in.AmountFen {
				return fmt.Errorf("transaction %q was reported for another payment: %w", in.TransactionID, ErrConflict)
			}
			p, replayed = &seen, true
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if in.AmountFen != n.AmountFen {
			return &FieldsError{Fields: map[string]string{"amount": FieldAmountMismatch}}
		}
		if n.State != PaymentUnpaid {
			return fmt.Errorf("notice %s is %s: %w", n.Number, n.State, ErrConflict)
		}
		var number string
		if err := tx.Model(&Application{}).Where("id = ?", n.ApplicationID).Pluck("number", &number).Error; err != nil {
			return err
		}
		app, err := s.lockedForPayment(tx, number, 0)
		if err != nil {
			return err
		}
		now := in.Now.UTC().Truncate(time.Microsecond)
		txid := in.TransactionID
		n.State, n.PaidVia, n.PaidBy, n.PaidAt, n.TransactionID = PaymentPaid, PaidByCallback, PaidByCallback, &now, &txid
		if err := tx.Save(&n).Error; err != nil {
			return err
		}
		p = &n
		return appendEvent(tx, app, eventInput{Actor: PaidByCallback, Role: PaidByCallback, Action: EventPaymentPaid, To: app.State, Now: now,
			Detail: map[string]string{"notice": n.Number, "amount": FormatFen(n.AmountFen), "via": PaidByCallback, "transaction_id": txid}})
	})
	if err != nil {
		return nil, false, fmt.Errorf("models: payment callback for %q: %w", in.Notice, err)
	}
	if !replayed {
		s.changes.appended(1)
	}
	return p, replayed, nil
}

// lockedForPayment re-reads the application in the write transaction with
// its definition and checks the version the actor saw (0 skips the check).
func (s *Store) lockedForPayment(tx *gorm.DB, number string, version int) (*Application, error) {
	app, err := lockedApplication(tx, number)
	if err != nil {
		return nil, err
	}
	if app.Definition, err = s.definition(tx, app.DefinitionID); err != nil {
		return nil, err
	}
	if version != 0 && version != app.Version {
		return nil, fmt.Errorf("version %d is stale, the application is at %d: %w", version, app.Version, ErrConflict)
	}
	return app, nil
}

// checkPaid holds back the result of a charging application until its fee
// is paid or exempted.
func checkPaid(tx *gorm.DB, app *Application) error {
	if !app.Definition.Charges || app.Result != "approved" {
		return nil
	}
	var settled int64
	err := tx.Model(&PaymentNotice{}).Where("application_id = ? AND state IN ?", app.ID, []string{PaymentPaid, PaymentExempt}).
		Count(&settled).Error
	if err != nil {
		return err
	}
	if settled == 0 {
		return ErrPaymentRequired
	}
	return nil
}

func feeNames(fees []Fee) string {
	names := make([]string, 0, len(fees))
	for _, f := range fees {
		if n := strings.TrimSpace(f.Name); n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, "\n")
}
