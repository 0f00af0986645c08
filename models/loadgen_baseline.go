package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// Baseline is raw database/sql on the store's database with the same
// pragmas, for the load tool's same-run ceilings: what the status lookup
// would cost with nothing but its SQL, and what a filing's statements cost
// with one durable transaction per request and no group commit.
type Baseline struct {
	read   *sql.DB // a pool like the store's readers, on the same file
	status *statusStmts
	write  *sql.DB // one connection to baseline.db next to the database
	file   []*sql.Stmt
}

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

// OpenBaseline opens the baseline's connections with the store's pragmas.
func (s *Store) OpenBaseline(ctx context.Context) (*Baseline, error) {
	opt, err := s.currentOptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: baseline: %w", err)
	}
	b := &Baseline{status: &statusStmts{}}
	if b.read, err = sql.Open("sqlite3", dsn(s.path, opt, true)); err != nil {
		return nil, fmt.Errorf("models: baseline: %w", err)
	}
	b.read.SetMaxOpenConns(opt.Readers)
	b.read.SetMaxIdleConns(opt.Readers)
	if b.write, err = sql.Open("sqlite3", dsn(filepath.Join(filepath.Dir(s.path), "baseline.db"), opt, false)); err != nil {
		return nil, errors.Join(fmt.Errorf("models: baseline: %w", err), b.Close())
	}
	b.write.SetMaxOpenConns(1)
	if err := b.prepare(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("models: baseline: %w", err), b.Close())
	}
	return b, nil
}

// currentOptions reads back the writer's pragmas and the readers' pool size.
func (s *Store) currentOptions(ctx context.Context) (Options, error) {
	var sync, busy int
	sqlDB, err := s.db.DB()
	if err != nil {
		return Options{}, err
	}
	if err := sqlDB.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return Options{}, err
	}
	if err := sqlDB.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		return Options{}, err
	}
	readDB, err := s.read.DB()
	if err != nil {
		return Options{}, err
	}
	names := []string{"OFF", "NORMAL", "FULL", "EXTRA"}
	if sync < 0 || sync >= len(names) {
		return Options{}, fmt.Errorf("synchronous %d", sync)
	}
	return Options{Synchronous: names[sync], BusyTimeout: time.Duration(busy) * time.Millisecond,
		Readers: readDB.Stats().MaxOpenConnections}.withDefaults(), nil
}

func (b *Baseline) prepare(ctx context.Context) error {
	var err error
	for _, x := range []struct {
		dst **sql.Stmt
		q   string
	}{{&b.status.app, statusAppSQL}, {&b.status.events, statusEventsSQL}, {&b.status.materials, statusMaterialsSQL}} {
		if *x.dst, err = b.read.PrepareContext(ctx, x.q); err != nil {
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
// like ApplicationByCode; a wrong code is ErrNotFound.
func (b *Baseline) Status(ctx context.Context, number, code string) (*Application, error) {
	ctx = uncancelled(ctx) // as ApplicationByCode does
	st := b.status
	var a Application
	err := st.app.QueryRowContext(ctx, number).Scan(&a.ID, &a.Number, &a.QueryCodeHash, &a.ItemCode, &a.ItemVersion,
		&a.ItemName, &a.DepartmentCode, &a.DefinitionID, &a.Joint, &a.Immediate, &a.ApplicantKind, &a.ApplicantName,
		&a.ApplicantIDNumber, &a.Channel, &a.State, &a.Version, &a.SubmittedAt, &a.AcceptedOn, &a.StatutoryDays,
		&a.PromisedDays, &a.ExtendedDays, &a.StoppedDays, &a.StoppedSince, &a.EndedOn, &a.PromisedDeadline,
		&a.StatutoryDeadline, &a.PendingDue, &a.Result, &a.ResultNumber, &a.Delivery, &a.TrackingNumber)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.CheckQueryCode(code)) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if a.Events, err = statusEvents(ctx, st, a.ID); err != nil {
		return nil, err
	}
	if a.Materials, err = statusMaterials(ctx, st, a.ID); err != nil {
		return nil, err
	}
	return &a, nil
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
	hash := hashQueryCode(number, strconv.FormatInt(app, 10))
	for i, args := range [][]any{{app, app, app, app, app}, {app, now, hash}, {hash, app}} {
		if _, err := st(5+i).ExecContext(ctx, args...); err != nil {
			return "", err
		}
	}
	return number, tx.Commit()
}
