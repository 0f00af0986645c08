package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The status lookup is the hottest read of the service (every citizen, the
// evening before a deadline), so it runs four narrow fixed statements of
// the statement layer on the read pool instead of gorm's reflection over
// the whole row.

const (
	statusAppSQL = `SELECT id, number, query_code_hash, item_code, item_version, item_name, department_code, definition_id,
		joint, immediate, applicant_kind, applicant_name, applicant_id_number, channel, state, version, submitted_at,
		accepted_on, statutory_days, promised_days, extended_days, stopped_days, stopped_since, ended_on,
		promised_deadline, statutory_deadline, pending_due, result, result_number, delivery, tracking_number, form
		FROM applications WHERE number = ?`
	statusEventsSQL = `SELECT id, seq, at, department, action, from_state, to_state, detail
		FROM application_events WHERE application_id = ? ORDER BY seq`
	statusMaterialsSQL = `SELECT id, material_key, sort, name, necessity, kind, copies, provided, pending, pledged
		FROM application_materials WHERE application_id = ? ORDER BY sort, id`
	// statusTasksSQL reads what the applicant is told of each department's
	// task: where it stands, when it was decided and the decision's reason
	// (the refusal's notice states it); no staff names.
	statusTasksSQL = `SELECT id, department_code, sort, stage, decided_at, comment
		FROM application_tasks WHERE application_id = ? ORDER BY sort, id`
)

// ApplicationByCode returns the application when the query code matches; a
// wrong code is ErrNotFound, exactly like an unknown number. It reads what
// the applicant's status needs: the row with the applicant's answers and the
// definition (the form they answered), the checklist, the events (actor
// and comment left out: staff names are not shown) and each department's
// task (its stage, decision time and reason; no staff names).
func (s *Store) ApplicationByCode(ctx context.Context, number, code string) (*Application, error) {
	ctx = uncancelled(ctx)
	st := pool{s.reads}
	var a Application
	err := st.row(ctx, statusAppSQL, number).Scan(&a.ID, &a.Number, &a.QueryCodeHash, &a.ItemCode, &a.ItemVersion,
		&a.ItemName, &a.DepartmentCode, &a.DefinitionID, &a.Joint, &a.Immediate, &a.ApplicantKind, &a.ApplicantName,
		sealedInto{&a.ApplicantIDNumber}, &a.Channel, &a.State, &a.Version, &a.SubmittedAt, &a.AcceptedOn, &a.StatutoryDays,
		&a.PromisedDays, &a.ExtendedDays, &a.StoppedDays, &a.StoppedSince, &a.EndedOn, &a.PromisedDeadline,
		&a.StatutoryDeadline, &a.PendingDue, &a.Result, &a.ResultNumber, &a.Delivery, &a.TrackingNumber, &a.Form)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.CheckQueryCode(code)) {
		return nil, fmt.Errorf("models: application %q: %w", number, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	a.SubmittedAt = a.SubmittedAt.UTC()
	if a.Definition, err = s.definition(s.read.WithContext(ctx), a.DefinitionID); err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	if a.Events, err = statusEvents(ctx, st, a.ID); err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	if a.Materials, err = statusMaterials(ctx, st, a.ID); err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	if a.Tasks, err = statusTasks(ctx, st, a.ID); err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	return &a, nil
}

func statusEvents(ctx context.Context, st pool, id uint) ([]Event, error) {
	rows, err := st.rows(ctx, statusEventsSQL, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e := Event{ApplicationID: id}
		// The driver reads a DATETIME column as a time already.
		if err := rows.Scan(&e.ID, &e.Seq, &e.At, &e.Department, &e.Action, &e.FromState, &e.ToState, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func statusMaterials(ctx context.Context, st pool, id uint) ([]AppMaterial, error) {
	rows, err := st.rows(ctx, statusMaterialsSQL, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppMaterial
	for rows.Next() {
		m := AppMaterial{ApplicationID: id}
		if err := rows.Scan(&m.ID, &m.MaterialKey, &m.Sort, &m.Name, &m.Necessity, &m.Kind, &m.Copies, &m.Provided, &m.Pending, &m.Pledged); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// statusTasks reads each department's task for the applicant's status: the
// department, its stage, the time of its decision and its reason.
func statusTasks(ctx context.Context, st pool, id uint) ([]Task, error) {
	rows, err := st.rows(ctx, statusTasksSQL, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t := Task{ApplicationID: id}
		var decided sql.NullTime
		if err := rows.Scan(&t.ID, &t.DepartmentCode, &t.Sort, &t.Stage, &decided, &t.Comment); err != nil {
			return nil, err
		}
		if decided.Valid {
			at := decided.Time.UTC()
			t.DecidedAt = &at
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// uncancelled drops cancellation for statements that take well under a
// millisecond: with a cancellable context the SQLite driver starts a
// goroutine per statement and per row to watch it, which costs more than the
// status lookup's statements themselves.
func uncancelled(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
