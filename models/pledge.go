package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// 告知承诺制: on an item that allows it, the applicant's written pledge (告知
// 承诺书) takes the place of the proofs the item marks (Material.PledgeReplaces:
// 证明 that other bodies issue). The application skips
// the review of those proofs: its department decides at once. After a grant
// the department checks (核查) the pledge within the item's period; a failed
// check lets the department revoke (撤销) the grant, a transition recorded in
// the event chain.

// Pledge check states.
const (
	PledgeCheckNone   = ""       // not decided yet: nothing to check
	PledgeCheckOpen   = "open"   // granted; the check is due
	PledgeCheckPassed = "passed" // the pledge was true
	PledgeCheckFailed = "failed" // the pledge was not true: the grant may be revoked
)

// Field problems of a pledge, as codes a caller turns into words.
const (
	// PledgeNotAllowed is a pledge on an item that takes none.
	PledgeNotAllowed = "not_allowed"
	// PledgeNotSigned is an acceptance before the signed pledge was received.
	PledgeNotSigned = "not_signed"
	// PledgeNotFailed is a revocation without a failed check.
	PledgeNotFailed = "check_not_failed"
)

// Pledge is an application's 告知承诺: the text as pledged, when, and its check.
type Pledge struct {
	ID             uint       `gorm:"primaryKey"`
	ApplicationID  uint       `gorm:"not null"`
	Number         string     `gorm:"not null"`
	ItemName       string     `gorm:"not null"`
	ItemVersion    int        `gorm:"not null"`
	DepartmentCode string     `gorm:"not null"`
	Channel        string     `gorm:"not null"`
	Text           string     `gorm:"not null"`
	TextSHA256     string     `gorm:"column:text_sha256;not null"`
	CheckDays      int        `gorm:"not null"`
	PledgedAt      time.Time  `gorm:"not null"`
	SignedAt       *time.Time // the signed pledge received; online: when ticked
	SignedBy       string     `gorm:"not null"`
	DecidedOn      string     `gorm:"not null"` // YYYY-MM-DD of the grant
	CheckDue       string     `gorm:"not null"` // YYYY-MM-DD
	CheckState     string     `gorm:"not null"`
	CheckedAt      *time.Time
	CheckedBy      string `gorm:"not null"`
	Findings       string `gorm:"not null"`
	Version        int    `gorm:"not null"`
}

// TableName keeps the table name of the migration.
func (Pledge) TableName() string { return "application_pledges" }

// Overdue reports whether the check is still open after its due date.
func (p *Pledge) Overdue(today time.Time) bool {
	return p.CheckState == PledgeCheckOpen && p.CheckDue < FormatDay(today)
}

// insertPledge records the pledge of a filing: the item version's text and
// its checksum; online the ticked pledge is the signed one.
func insertPledge(st *stmtTx, appID uint, number string, na NewApplication, def Definition) error {
	if def.Pledge == nil {
		return &FieldsError{Fields: map[string]string{"pledge": PledgeNotAllowed}}
	}
	sum := sha256.Sum256([]byte(def.Pledge.Text))
	var signed *time.Time
	if na.Channel == ChannelOnline {
		signed = &na.Now
	}
	return st.exec(`INSERT INTO application_pledges (application_id, number, item_name, item_version, department_code,
		channel, text, text_sha256, check_days, pledged_at, signed_at, signed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
		appID, number, na.Item.Name, na.Item.Version, na.Item.DepartmentCode, na.Channel, def.Pledge.Text,
		hex.EncodeToString(sum[:]), def.Pledge.CheckDays, na.Now, signed)
}

// Pledge returns the pledge of an application, or ErrNotFound.
func (s *Store) Pledge(ctx context.Context, number string) (*Pledge, error) {
	return pledgeOf(s.read.WithContext(ctx), "number = ?", number)
}

func pledgeOf(db *gorm.DB, where string, arg any) (*Pledge, error) {
	var p Pledge
	err := db.Where(where, arg).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: pledge: %w", err)
	}
	return &p, nil
}

// pledgeAtAcceptance lets the signed pledge stand for the proofs it replaces
// on the checklist; an unsigned one stops the acceptance.
func pledgeAtAcceptance(tx *gorm.DB, app *Application) (bool, error) {
	p, err := pledgeOf(tx, "application_id = ?", app.ID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if p.SignedAt == nil {
		return false, &FieldsError{Fields: map[string]string{"pledge": PledgeNotSigned}}
	}
	replaces := map[string]bool{}
	for _, m := range app.Definition.Materials {
		replaces[m.Key] = m.PledgeReplaces
	}
	for i := range app.Materials {
		m := &app.Materials[i]
		m.Pledged = !m.Provided && replaces[m.MaterialKey]
	}
	return true, nil
}

// openPledgeCheck starts the check of a granted application's pledge: due
// the item's number of working days after the grant. The due date goes into
// the grant's event.
func openPledgeCheck(tx *gorm.DB, app *Application, req ActionRequest) error {
	p, err := pledgeOf(tx, "application_id = ?", app.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	today := CentreDay(req.Now)
	due := FormatDay(req.Cal.AddWorkdays(today, max(p.CheckDays, 1)))
	req.Fields["pledge_check_due"] = due
	return tx.Exec(`UPDATE application_pledges SET decided_on = ?, check_due = ?, check_state = ?, version = version + 1
		WHERE id = ? AND check_state = ''`, FormatDay(today), due, PledgeCheckOpen, p.ID).Error
}

// revokeForPledge lets a revocation through only after a failed check, and
// records the check's findings in the revocation's event.
func revokeForPledge(tx *gorm.DB, app *Application, req ActionRequest) error {
	p, err := pledgeOf(tx, "application_id = ?", app.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && p.CheckState != PledgeCheckFailed) {
		return &workflow.IllegalError{From: app.State, Act: workflow.Revoke}
	}
	if err != nil {
		return err
	}
	req.Fields["findings"] = p.Findings
	req.Fields["checked_on"] = FormatDay(CentreDay(*p.CheckedAt))
	return nil
}

// PledgeSign records that the window received the applicant's signed pledge.
type PledgeSign struct {
	Number  string
	Version int // the pledge's version as the clerk saw it
	Actor   string
	Now     time.Time
}

// SignPledge records the signed 告知承诺书 handed in at the window; a pledge
// already signed is a conflict.
func (s *Store) SignPledge(ctx context.Context, in PledgeSign) (*Pledge, error) {
	var out *Pledge
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		p, err := pledgeOf(tx, "number = ?", in.Number)
		if err != nil {
			return err
		}
		if p.Version != in.Version || p.SignedAt != nil {
			return fmt.Errorf("pledge at version %d, signed %v: %w", p.Version, p.SignedAt != nil, ErrConflict)
		}
		now := in.Now.UTC()
		p.SignedAt, p.SignedBy, p.Version = &now, in.Actor, p.Version+1
		out = p
		return tx.Model(p).Updates(map[string]any{"signed_at": now, "signed_by": in.Actor, "version": p.Version}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("models: sign pledge %q: %w", in.Number, err)
	}
	return out, nil
}

// PledgeCheck is a department's record of its check of a pledge.
type PledgeCheck struct {
	Number   string
	Version  int    // the pledge's version as the checker saw it
	Result   string // PledgeCheckPassed or PledgeCheckFailed
	Findings string // what the check found; required when failed
	Actor    string
	Now      time.Time
}

// RecordPledgeCheck records the check of an open pledge: passed, or failed
// with findings (the grant may then be revoked). Bad input is a FieldsError;
// a check already recorded or a stale version is ErrConflict.
func (s *Store) RecordPledgeCheck(ctx context.Context, in PledgeCheck) (*Pledge, error) {
	bad := map[string]string{}
	if in.Result != PledgeCheckPassed && in.Result != PledgeCheckFailed {
		bad["result"] = workflow.FieldInvalid
	}
	in.Findings = strings.TrimSpace(in.Findings)
	if in.Result == PledgeCheckFailed && in.Findings == "" {
		bad["findings"] = workflow.FieldRequired
	}
	if len(in.Findings) > 2000 {
		bad["findings"] = workflow.FieldTooLarge
	}
	if len(bad) > 0 {
		return nil, &FieldsError{Fields: bad}
	}
	var out *Pledge
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		p, err := pledgeOf(tx, "number = ?", in.Number)
		if err != nil {
			return err
		}
		if p.Version != in.Version || p.CheckState != PledgeCheckOpen {
			return fmt.Errorf("pledge at version %d, check %q: %w", p.Version, p.CheckState, ErrConflict)
		}
		now := in.Now.UTC()
		p.CheckState, p.CheckedAt, p.CheckedBy, p.Findings, p.Version = in.Result, &now, in.Actor, in.Findings, p.Version+1
		out = p
		return tx.Model(p).Updates(map[string]any{"check_state": p.CheckState, "checked_at": now,
			"checked_by": in.Actor, "findings": p.Findings, "version": p.Version}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("models: record pledge check %q: %w", in.Number, err)
	}
	return out, nil
}

// PledgeFilter narrows the list of pledge checks.
type PledgeFilter struct {
	Number      string   // one application's; "" for all
	Departments []string // nil: every department
	State       string   // a check state; "" lists every decided pledge
	Limit       int
}

// PledgeRow is a pledge with the state and version of its application.
type PledgeRow struct {
	Pledge     `gorm:"embedded"`
	AppState   workflow.State
	AppVersion int
}

// PledgeChecks lists the pledges whose check is due or done, the earliest
// due first.
func (s *Store) PledgeChecks(ctx context.Context, f PledgeFilter) ([]PledgeRow, error) {
	q := s.read.WithContext(ctx).Table("application_pledges AS p").
		Select("p.*, a.state AS app_state, a.version AS app_version").
		Joins("JOIN applications a ON a.id = p.application_id").Where("p.check_state <> ''")
	if f.State != "" {
		q = q.Where("p.check_state = ?", f.State)
	}
	if f.Number != "" {
		q = q.Where("p.number = ?", f.Number)
	}
	if f.Departments != nil {
		q = q.Where("p.department_code IN ?", f.Departments)
	}
	var out []PledgeRow
	if err := q.Order("p.check_due, p.id").Limit(max(f.Limit, 1)).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: pledge checks: %w", err)
	}
	return out, nil
}
