// Package baseline is the load tool's same-run ceilings, served by
// cmd/owbaseline as a process of its own next to the server: what the
// status lookup would cost with nothing but its SQL, and what a filing's
// statements cost with one durable transaction per request and no group
// commit, both in raw database/sql on the server's database file with the
// store's pragmas.
package baseline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"onewindow/models"
)

// Baseline holds the baselines' connections and prepared statements.
type Baseline struct {
	read   *sql.DB // a pool like the store's readers, on the same file
	status []*sql.Stmt
	write  *sql.DB // one connection to baseline.db next to the database
	file   []*sql.Stmt
}

// statusSQL are the status lookup's three statements, the same text as the
// store's (models/application_status.go): the application, its events, its
// checklist.
var statusSQL = []string{
	`SELECT id, number, query_code_hash, item_code, item_version, item_name, department_code, definition_id,
		joint, immediate, applicant_kind, applicant_name, applicant_id_number, channel, state, version, submitted_at,
		accepted_on, statutory_days, promised_days, extended_days, stopped_days, stopped_since, ended_on,
		promised_deadline, statutory_deadline, pending_due, result, result_number, delivery, tracking_number
		FROM applications WHERE number = ?`,
	`SELECT id, seq, at, department, action, from_state, to_state, detail
		FROM application_events WHERE application_id = ? ORDER BY seq`,
	`SELECT id, material_key, sort, name, necessity, kind, copies, provided, pending
		FROM application_materials WHERE application_id = ? ORDER BY sort, id`,
}

// centreZone is the centre's time zone, whose days number the applications.
var centreZone = time.FixedZone("CST", 8*3600)

// baselineFileSQL are a filing's eight statements, on tables of baseline.db.
var baselineFileSQL = []string{
	`SELECT id FROM applicants WHERE id_number = ?`,
	`INSERT INTO applicants (id_number, name, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (id_number) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at RETURNING id`,
	`INSERT INTO sequences (day, last) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`,
	`INSERT INTO definitions (item_code, definition) VALUES ('baseline', '{}')
		ON CONFLICT (item_code) DO UPDATE SET item_code = excluded.item_code RETURNING id`,
	`INSERT INTO applications (number, applicant_id, definition_id, state, version, submitted_at, last_hash)
		VALUES (?, ?, ?, 'none', 0, ?, '') RETURNING id`,
	`INSERT INTO materials (application_id, material_key) VALUES (?, 'm1'), (?, 'm2'), (?, 'm3'), (?, 'm4'), (?, 'm5')`,
	`INSERT INTO events (application_id, seq, at, action, hash) VALUES (?, 1, ?, 'submit', ?)`,
	`UPDATE applications SET state = 'submitted', version = 1, last_hash = ? WHERE id = ? AND version = 0`,
}

const baselineSchema = `
CREATE TABLE IF NOT EXISTS applicants (id INTEGER PRIMARY KEY, id_number TEXT NOT NULL UNIQUE, name TEXT NOT NULL, updated_at DATETIME NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS definitions (id INTEGER PRIMARY KEY, item_code TEXT NOT NULL UNIQUE, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS applications (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, applicant_id INTEGER NOT NULL,
	definition_id INTEGER NOT NULL, state TEXT NOT NULL, version INTEGER NOT NULL, submitted_at DATETIME NOT NULL, last_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS materials (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL, material_key TEXT NOT NULL,
	UNIQUE (application_id, material_key));
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL, seq INTEGER NOT NULL, at DATETIME NOT NULL,
	action TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (application_id, seq));`

// Open opens the baselines on the database in the data folder dir (which
// the server has created and migrated) with the store's pragmas: a read
// pool of opt.Readers connections on it, and one writer connection on
// baseline.db next to it.
func Open(ctx context.Context, dir string, opt models.Options) (*Baseline, error) {
	b := &Baseline{}
	var err error
	if b.read, err = models.OpenSQL(filepath.Join(dir, models.DatabaseFile), opt, true); err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if b.write, err = models.OpenSQL(filepath.Join(dir, "baseline.db"), opt, false); err != nil {
		return nil, errors.Join(fmt.Errorf("baseline: %w", err), b.Close())
	}
	if err := b.prepare(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("baseline: %w", err), b.Close())
	}
	return b, nil
}

func (b *Baseline) prepare(ctx context.Context) error {
	b.status = make([]*sql.Stmt, len(statusSQL))
	var err error
	for i, q := range statusSQL {
		if b.status[i], err = b.read.PrepareContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := b.write.ExecContext(ctx, baselineSchema); err != nil {
		return err
	}
	b.file = make([]*sql.Stmt, len(baselineFileSQL))
	for i, q := range baselineFileSQL {
		if b.file[i], err = b.write.PrepareContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the baseline's connections.
func (b *Baseline) Close() error {
	var errs []error
	for _, db := range []*sql.DB{b.read, b.write} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Status runs the status lookup's three statements and checks the code,
// like the store's ApplicationByCode; a wrong code is models.ErrNotFound.
func (b *Baseline) Status(ctx context.Context, number, code string) (*models.Application, error) {
	// Without cancellation, as the store's lookup: the SQLite driver watches a
	// cancellable context with a goroutine per statement.
	ctx = context.WithoutCancel(ctx)
	var a models.Application
	err := b.status[0].QueryRowContext(ctx, number).Scan(&a.ID, &a.Number, &a.QueryCodeHash, &a.ItemCode, &a.ItemVersion,
		&a.ItemName, &a.DepartmentCode, &a.DefinitionID, &a.Joint, &a.Immediate, &a.ApplicantKind, &a.ApplicantName,
		&a.ApplicantIDNumber, &a.Channel, &a.State, &a.Version, &a.SubmittedAt, &a.AcceptedOn, &a.StatutoryDays,
		&a.PromisedDays, &a.ExtendedDays, &a.StoppedDays, &a.StoppedSince, &a.EndedOn, &a.PromisedDeadline,
		&a.StatutoryDeadline, &a.PendingDue, &a.Result, &a.ResultNumber, &a.Delivery, &a.TrackingNumber)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.CheckQueryCode(code)) {
		return nil, models.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if a.Events, err = b.events(ctx, a.ID); err != nil {
		return nil, err
	}
	if a.Materials, err = b.materials(ctx, a.ID); err != nil {
		return nil, err
	}
	return &a, nil
}

func (b *Baseline) events(ctx context.Context, id uint) ([]models.Event, error) {
	rows, err := b.status[1].QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []models.Event
	for rows.Next() {
		e := models.Event{ApplicationID: id}
		if err := rows.Scan(&e.ID, &e.Seq, &e.At, &e.Department, &e.Action, &e.FromState, &e.ToState, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func (b *Baseline) materials(ctx context.Context, id uint) ([]models.AppMaterial, error) {
	rows, err := b.status[2].QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []models.AppMaterial
	for rows.Next() {
		m := models.AppMaterial{ApplicationID: id}
		if err := rows.Scan(&m.ID, &m.MaterialKey, &m.Sort, &m.Name, &m.Necessity, &m.Kind, &m.Copies, &m.Provided, &m.Pending); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// File runs a filing's eight statements in one transaction of its own,
// committed with the store's synchronous setting, and returns the number.
func (b *Baseline) File(ctx context.Context, idNumber, name string, now time.Time) (string, error) {
	tx, err := b.write.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	st := func(i int) *sql.Stmt { return tx.StmtContext(ctx, b.file[i]) }
	var applicant, last, def, app int64
	if err := st(0).QueryRowContext(ctx, idNumber).Scan(&applicant); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if err := st(1).QueryRowContext(ctx, idNumber, name, now).Scan(&applicant); err != nil {
		return "", err
	}
	day := now.In(centreZone).Format("20060102")
	if err := st(2).QueryRowContext(ctx, day).Scan(&last); err != nil {
		return "", err
	}
	if err := st(3).QueryRowContext(ctx).Scan(&def); err != nil {
		return "", err
	}
	number := day + fmt.Sprintf("%06d", last)
	if err := st(4).QueryRowContext(ctx, number, applicant, def, now).Scan(&app); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(number + "\x00" + strconv.FormatInt(app, 10)))
	hash := hex.EncodeToString(sum[:])
	for i, args := range [][]any{{app, app, app, app, app}, {app, now, hash}, {hash, app}} {
		if _, err := st(5+i).ExecContext(ctx, args...); err != nil {
			return "", err
		}
	}
	return number, tx.Commit()
}
