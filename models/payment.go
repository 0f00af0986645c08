package models

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Payment notice states.
const (
	PaymentUnpaid = "unpaid"
	PaymentPaid   = "paid"
	// PaymentExempt is a notice whose whole amount was exempted (减免) with a reason.
	PaymentExempt = "exempt"
)

// Ways a notice was paid.
const (
	PaidAtWindow   = "window"
	PaidByCallback = "callback"
)

// Events of the 缴费 step, appended to the application's chain (the
// notification outbox may pick them up by these names).
const (
	EventPaymentNoticeIssued = "payment_notice_issued"
	EventPaymentPaid         = "payment_paid"
	EventPaymentExempted     = "payment_exempted"
)

// ErrPaymentRequired is an attempt to issue the result of a charging
// application whose fee is neither paid nor exempted.
var ErrPaymentRequired = errors.New("the fee is not paid: no result is issued until the payment notice is paid or exempted")

// ErrPaymentNoticeExists is a second payment notice for an application that
// already has one.
var ErrPaymentNoticeExists = fmt.Errorf("the application already has a payment notice: %w", ErrConflict)

// PaymentNotice is one 缴款通知书.
type PaymentNotice struct {
	ID            uint      `gorm:"primaryKey"`
	ApplicationID uint      `gorm:"not null"`
	Number        string    `gorm:"not null;uniqueIndex"`
	FeeNames      string    `gorm:"not null"` // the fee items charged, one per line
	AmountFen     int64     `gorm:"not null"`
	Exemption     string    `gorm:"not null"` // the reason of a 减免; empty when none
	State         string    `gorm:"not null"`
	IssuedBy      string    `gorm:"not null"`
	IssuedAt      time.Time `gorm:"not null"`
	PaidVia       string    `gorm:"not null"`
	PaidBy        string    `gorm:"not null"`
	PaidAt        *time.Time
	ReceiptNumber string  `gorm:"not null"`
	TransactionID *string // the payment platform's id of a callback payment
}

// Settled reports whether the notice no longer holds the result back.
func (p *PaymentNotice) Settled() bool { return p.State == PaymentPaid || p.State == PaymentExempt }

// FormatFen writes an amount in fen as yuan with two decimals ("1234.50").
func FormatFen(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ParseYuan reads an amount in yuan with at most two decimals into fen; it
// refuses negatives, more decimals and anything that is not a number.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	var fen int64
	for _, r := range whole {
		if r < '0' || r > '9' {
			return 0, false
		}
		fen = fen*10 + int64(r-'0')
	}
	fen *= 100
	for i, r := range frac {
		if r < '0' || r > '9' {
			return 0, false
		}
		if i == 0 {
			fen += int64(r-'0') * 10
		} else {
			fen += int64(r - '0')
		}
	}
	return fen, true
}

// feesOf is what a filing keeps of an item's fees: whether it charges (是否收费
// published as 是; unpublished is not taken for 否 nor for 是) and the fee rows.
func feesOf(it *Item) (bool, []Fee) {
	charges := it.IsFee != nil && *it.IsFee
	if len(it.Fees) == 0 {
		return charges, nil
	}
	out := make([]Fee, len(it.Fees))
	for i, f := range it.Fees {
		out[i] = Fee{Sort: f.Sort, Name: f.Name, Standard: f.Standard, Basis: f.Basis, Exemption: f.Exemption}
	}
	return charges, out
}

// Exemptions are the published 减免 rules of the fees as filed.
func (d Definition) Exemptions() []string {
	var out []string
	for _, f := range d.Fees {
		if e := strings.TrimSpace(f.Exemption); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// paymentNoticeNumber is the printed number of a notice: JK, the centre's
// day and the row id, unique because the id is.
func paymentNoticeNumber(day time.Time, id uint) string {
	return fmt.Sprintf("JK%s%06d", day.Format("20060102"), id)
}
