package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// BundleActionRequest is one action on a bundle filing as a whole.
type BundleActionRequest struct {
	Number  string
	Action  workflow.Action
	Version int // the bundle filing's version the actor saw; 0 skips the check (the applicant's own actions)
	Actor   string
	Comment string
	// Fields are the action's fields for every child (reason, missing,
	// delivery, tracking_number); ChildFields add a child's own, by its
	// number (result_number at issue).
	Fields      map[string]string
	ChildFields map[string]map[string]string
	// Checks are the window's checklist at acceptance, by merged material
	// key (m1, m2, …): each child takes them under its own material keys.
	Checks map[string]MaterialCheck
	Cal    *workflow.Calendar
	Now    time.Time
	Idem   *Idempotency
	// Caller is who asks, as data; the store checks the query code against
	// the locked filing and picks each child's acting department and role
	// with workflow.ChooseActing. Nil skips both (trusted callers, tests).
	Caller *workflow.Caller
}

// ChildError is a child's refusal of a bundle action; nothing was changed.
type ChildError struct {
	Number string // the child's number
	Item   string // the child's item name
	Err    error
}

// Error names the child and its refusal.
func (e *ChildError) Error() string { return fmt.Sprintf("child %s (%s): %v", e.Number, e.Item, e.Err) }

// Unwrap is the child's refusal.
func (e *ChildError) Unwrap() error { return e.Err }

// ActOnBundle runs one action on a bundle filing as one transaction:
// re-read the filing, check its code and version and the bundle's table,
// then run the action on every child it applies to through the same path
// as a single action (applyAction: events, clock and tasks alike), and
// append the bundle's event. A stale version is ErrConflict; a refusing
// child is a *ChildError (its FieldsError re-keyed "<child number>.<field>").
func (s *Store) ActOnBundle(ctx context.Context, req BundleActionRequest) (*BundleFiling, error) {
	var depts []string
	acted := 0
	replayed := false
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		f, err := s.takeBundleFiling(tx, req.Number)
		if err != nil {
			return err
		}
		if req.Caller != nil && req.Caller.QueryCode != "" && !f.CheckQueryCode(req.Caller.QueryCode) {
			return ErrWrongCode
		}
		if req.Idem != nil {
			if replayed, err = replayBundleAction(tx, req.Idem, f.Number); err != nil || replayed {
				return err
			}
		}
		if req.Version != 0 && req.Version != f.Version {
			return fmt.Errorf("version %d is stale, the bundle is at %d: %w", req.Version, f.Version, ErrConflict)
		}
		t, err := bundleNext(f.State, req.Action)
		if err != nil {
			return err
		}
		var numbers []string
		if err := tx.Model(&Application{}).Where("bundle_filing_id = ?", f.ID).Order("id").Pluck("number", &numbers).Error; err != nil {
			return err
		}
		problems := &FieldsError{Fields: map[string]string{}}
		refused := &ChildError{Err: problems} // the first child refused, and every child's fields
		for _, n := range numbers {
			app, err := lockedApplication(tx, n)
			if err != nil {
				return err
			}
			if !slices.Contains(t.ChildFrom, app.State) {
				continue
			}
			if app.Definition, err = s.definition(tx, app.DefinitionID); err != nil {
				return err
			}
			fields := maps.Clone(req.Fields)
			if fields == nil {
				fields = map[string]string{}
			}
			maps.Copy(fields, req.ChildFields[n])
			creq := ActionRequest{Number: n, Action: t.Child, Actor: req.Actor, Comment: req.Comment, Fields: fields,
				Checks: f.Definition.ChildChecks(app.ItemCode, req.Checks), Cal: req.Cal, Now: req.Now, Caller: req.Caller}
			if err := applyAction(tx, app, creq); err != nil {
				// Every child's missing fields are named at once (the
				// transaction rolls back): a result number per child.
				var fe *FieldsError
				if !errors.As(err, &fe) {
					return childError(app, err)
				}
				if refused.Number == "" {
					refused.Number, refused.Item = app.Number, app.ItemName
				}
				for k, v := range fe.Fields {
					problems.Fields[app.Number+"."+k] = v
				}
				continue
			}
			acted++
			depts = append(depts, taskDepartments(app)...)
		}
		if len(problems.Fields) > 0 {
			return refused
		}
		role := ""
		if req.Caller != nil && req.Caller.QueryCode != "" {
			role = workflow.ApplicantRole
		}
		detail := map[string]string{}
		for _, k := range []string{"reason", "missing", "delivery", "tracking_number"} {
			if v := req.Fields[k]; v != "" {
				detail[k] = v
			}
		}
		if err := appendBundleEvent(tx, f, bundleEventInput{Actor: req.Actor, Role: role, Action: req.Action, To: t.To,
			Comment: req.Comment, Detail: detail, Now: req.Now}); err != nil {
			return err
		}
		if req.Idem != nil {
			return tx.Exec(`INSERT INTO idempotency_keys (scope, key, request, number, created_at) VALUES (?, ?, ?, ?, ?)`,
				req.Idem.Scope, req.Idem.lookup(), req.Idem.Request, f.Number, req.Now).Error
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: %s bundle %q: %w", req.Action, req.Number, err)
	}
	if !replayed {
		s.changes.appended(int64(acted))
		s.counters.acted(TargetBundle, req.Action)
	}
	s.work.bump(depts...)
	return s.BundleFiling(ctx, req.Number)
}

// childError names the child that refused; its field problems are keyed
// by its number so that the window can show them at the child.
func childError(app *Application, err error) error {
	var fe *FieldsError
	if errors.As(err, &fe) {
		out := &FieldsError{Fields: map[string]string{}}
		for k, v := range fe.Fields {
			out.Fields[app.Number+"."+k] = v
		}
		return &ChildError{Number: app.Number, Item: app.ItemName, Err: out}
	}
	return &ChildError{Number: app.Number, Item: app.ItemName, Err: err}
}

func replayBundleAction(tx *gorm.DB, idem *Idempotency, number string) (bool, error) {
	var row struct{ Request, Number string }
	if err := tx.Raw(`SELECT request, number FROM idempotency_keys WHERE scope = ? AND key = ?`, idem.Scope, idem.lookup()).Scan(&row).Error; err != nil {
		return false, err
	}
	if row.Number == "" {
		return false, nil
	}
	if row.Request != idem.Request || row.Number != number {
		return false, ErrIdempotencyMismatch
	}
	return true, nil
}

// bundleEventInput is one event to append to a bundle filing.
type bundleEventInput struct {
	Actor, Role string
	Action      workflow.Action
	To          BundleState
	Result      string // set when the bundle is decided
	Comment     string
	Detail      map[string]string
	Now         time.Time
}

// appendBundleEvent chains an event onto the bundle filing and moves it to
// ev.To, bumping its version; a filing changed meanwhile is ErrConflict.
func appendBundleEvent(tx *gorm.DB, f *BundleFiling, ev bundleEventInput) error {
	detail := "{}"
	if len(ev.Detail) > 0 {
		b, err := json.Marshal(ev.Detail) // map keys are sorted: canonical
		if err != nil {
			return err
		}
		detail = string(b)
	}
	e := BundleEvent{FilingID: f.ID, Seq: f.EventCount + 1, At: ev.Now.UTC().Truncate(time.Microsecond), Actor: ev.Actor,
		Role: ev.Role, Action: ev.Action, FromState: f.State, ToState: ev.To, Comment: ev.Comment, Detail: detail,
		PrevHash: f.LastHash}
	e.Hash = e.link(f.Number).Hash()
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	result := f.Result
	if ev.Result != "" {
		result = ev.Result
	}
	res := tx.Model(&BundleFiling{}).Where("id = ? AND version = ?", f.ID, f.Version).Updates(map[string]any{
		"state": ev.To, "result": result, "version": f.Version + 1, "event_count": e.Seq, "last_hash": e.Hash,
		"updated_at": ev.Now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	f.State, f.Result, f.Version, f.EventCount, f.LastHash, f.UpdatedAt = ev.To, result, f.Version+1, e.Seq, e.Hash, ev.Now
	f.Events = append(f.Events, e)
	return nil
}

// noteChildDecided runs in the transaction of a child's decision: when it
// was the bundle's last undecided child, the accepted bundle becomes
// decided and an event records it. The check reads inside the write
// transaction, which SQLite runs one at a time, so concurrent last
// decisions decide the bundle exactly once.
func noteChildDecided(tx *gorm.DB, app *Application, req ActionRequest) error {
	var f BundleFiling
	if err := tx.Omit("form").Where("id = ?", app.BundleFilingID).Take(&f).Error; err != nil {
		return err
	}
	if f.State != BundleAccepted {
		return nil
	}
	var counts []struct {
		State workflow.State
		N     int
	}
	if err := tx.Raw(`SELECT state, COUNT(*) AS n FROM applications WHERE bundle_filing_id = ? GROUP BY state`, f.ID).
		Scan(&counts).Error; err != nil {
		return err
	}
	result := "approved"
	for _, c := range counts {
		if Undecided(c.State) {
			return nil
		}
		if c.State != workflow.Approved {
			result = "denied"
		}
	}
	return appendBundleEvent(tx, &f, bundleEventInput{Actor: req.Actor, Role: req.Role, Action: BundleDecide,
		To: BundleDecided, Result: result, Detail: map[string]string{"result": result, "last": app.Number}, Now: req.Now})
}

// ChildChecks is the window's checklist of the child of item code: each
// merged material's check under the child's own material key.
func (d *BundleDefinition) ChildChecks(code string, checks map[string]MaterialCheck) map[string]MaterialCheck {
	if len(checks) == 0 {
		return nil
	}
	out := map[string]MaterialCheck{}
	for _, m := range d.Materials {
		if key, ok := m.Items[code]; ok {
			if c, ok := checks[m.Key]; ok {
				out[key] = c
			}
		}
	}
	return out
}
