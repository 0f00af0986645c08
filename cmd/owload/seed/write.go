package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"onewindow/models"
)

// bulkCacheKiB is the writer's page cache during a bulk load: the indexes of
// a million applications stay in memory instead of being re-read page by page.
const bulkCacheKiB = 512 << 10

// bulkPragmas switches the connection to bulk loading: no fsync per commit
// and a large page cache. The returned function restores both and then
// checkpoints the WAL with the original synchronous setting, which syncs
// everything the load wrote. It must run even when the load failed.
func bulkPragmas(ctx context.Context, conn *sql.Conn) (func() error, error) {
	var sync, cache int
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return nil, err
	}
	for _, p := range []string{"PRAGMA synchronous = OFF", fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB)} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return nil, err
		}
	}
	return func() error {
		ctx := context.WithoutCancel(ctx)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA synchronous = %d", sync)); err != nil {
			return err
		}
		var busy, logFrames, done int
		if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", cache))
		return err
	}, nil
}

// bulkIndexTables are the tables whose secondary indexes a large load drops
// and rebuilds: inserting in random key order into five indexes per row costs
// several times the row itself, and a rebuild sorts once.
var bulkIndexTables = []string{"applications", "application_tasks"}

// bulkIndexMin is the smallest load for which dropping the indexes pays.
const bulkIndexMin = 50_000

// dropIndexes drops the secondary indexes of the bulk-loaded tables (not the
// UNIQUE constraints' automatic ones) and returns a function that recreates
// them from their own stored definitions.
func dropIndexes(ctx context.Context, conn *sql.Conn) (func() error, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN (?, ?) ORDER BY name`, bulkIndexTables[0], bulkIndexTables[1])
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	recreate := func() error {
		ctx := context.WithoutCancel(ctx)
		for _, def := range defs {
			if _, err := conn.ExecContext(ctx, strings.Replace(def, "CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)); err != nil {
				return err
			}
		}
		return nil
	}
	for _, name := range names {
		if _, err := conn.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, errors.Join(err, recreate())
		}
	}
	return recreate, nil
}

// loadWriter inserts simulated applications on the bulk-load connection.
type loadWriter struct {
	conn       *sql.Conn
	seal       *models.Store    // seals the personal data as the store would
	applicants map[string]int64 // identity number → applicant id
	args       []any            // reused arguments of the events insert
}

// loadStmts are the prepared inserts of one batch.
type loadStmts struct {
	tx                                       *sql.Tx
	applicant, app, material, task, seq, def *sql.Stmt
	eventsByCount                            map[int]*sql.Stmt
}

var loadSQL = []string{
	`INSERT INTO applicants (kind, id_kind, id_number, id_index, name, phone, address, created_at, updated_at)
		VALUES ('person', 'resident_id', ?, ?, ?, '', '', ?, ?)
		ON CONFLICT (id_index) WHERE id_index <> '' DO UPDATE SET updated_at = excluded.updated_at RETURNING id`,
	`INSERT INTO applications (number, query_code_hash, item_code, item_version, item_name, department_code, definition_id,
		joint, immediate, applicant_id, applicant_kind, applicant_name, applicant_id_number, applicant_id_index, applicant_phone,
		channel, form, state, version, submitted_at, accepted_on, statutory_days, promised_days, extended_days, stopped_days,
		stopped_since, ended_on, promised_deadline, statutory_deadline, pending_due, result, result_number, delivery,
		tracking_number, created_by, last_hash, event_count, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'person', ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, '', ?, ?, ?, '', ?, ?, ?, ?) RETURNING id`,
	`INSERT INTO application_materials (application_id, material_key, sort, name, necessity, kind, copies, provided, pending)
		SELECT ?, key, sort, name, necessity, '', 1, TRUE, FALSE FROM materials WHERE item_id = ? ORDER BY sort, id`,
	`INSERT INTO application_tasks (application_id, department_code, sort, stages, stage, claimed_by, decided_by, decided_at,
		comment, promised_deadline, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
	`INSERT INTO application_sequences (day, last) VALUES (?, ?) ON CONFLICT (day) DO UPDATE
		SET last = CASE WHEN application_sequences.last > excluded.last THEN application_sequences.last ELSE excluded.last END`,
	`INSERT INTO application_definitions (item_code, item_version, sha256, definition) VALUES (?, ?, ?, ?)
		ON CONFLICT (item_code, item_version, sha256) DO UPDATE SET item_code = excluded.item_code RETURNING id`,
}

func prepareLoad(ctx context.Context, tx *sql.Tx) (*loadStmts, error) {
	st := loadStmts{tx: tx, eventsByCount: map[int]*sql.Stmt{}}
	dst := []**sql.Stmt{&st.applicant, &st.app, &st.material, &st.task, &st.seq, &st.def}
	for i, q := range loadSQL {
		var err error
		if *dst[i], err = tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// store inserts a batch in one transaction. The statements run without a
// cancellable context: the driver watches a cancellable one with a goroutine
// per statement, and the caller checks for cancellation between batches.
func (w *loadWriter) store(b *genBatch) error {
	ctx := context.Background()
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := prepareLoad(ctx, tx)
	if err != nil {
		return err
	}
	for _, ga := range b.apps {
		if err := w.storeApp(ctx, st, ga); err != nil {
			return err
		}
	}
	for d, last := range b.days {
		if _, err := st.seq.ExecContext(ctx, d, last); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (w *loadWriter) storeApp(ctx context.Context, st *loadStmts, ga *genApp) error {
	a := &ga.app
	applicantID, err := w.applicant(ctx, st, a)
	if err != nil {
		return err
	}
	def, err := w.definitionID(ctx, st, ga.item)
	if err != nil {
		return err
	}
	c := ga.clock
	var appID int64
	err = st.app.QueryRowContext(ctx, a.Number, a.QueryCodeHash, a.ItemCode, a.ItemVersion, a.ItemName, a.DepartmentCode, def,
		a.Joint, a.Immediate, applicantID, a.ApplicantName, w.seal.SealPersonal(a.ApplicantIDNumber),
		w.seal.BlindIndex(a.ApplicantIDNumber), a.Channel, w.seal.SealPersonal("{}"), string(a.State), a.Version,
		a.SubmittedAt, models.FormatDay(c.AcceptedOn), a.StatutoryDays, a.PromisedDays, models.FormatDay(c.StoppedSince), models.FormatDay(c.EndedOn),
		ga.promised, ga.statutory, a.Result, a.ResultNumber, a.Delivery, a.CreatedBy, a.LastHash, a.EventCount, a.UpdatedAt).Scan(&appID)
	if err != nil {
		return err
	}
	// The checklist is the item's materials as published, which is what the
	// definition holds: copied by one statement instead of one per material.
	if len(a.Definition.Materials) > 0 {
		if _, err := st.material.ExecContext(ctx, appID, ga.item.item.ID); err != nil {
			return err
		}
	}
	for i, t := range ga.tasks {
		if _, err := st.task.ExecContext(ctx, appID, t.dept, i+1, ga.item.stages[t.dept], string(t.stage), t.claimed, t.decided,
			t.at, ga.promised, a.SubmittedAt, a.UpdatedAt); err != nil {
			return err
		}
	}
	return w.storeEvents(ctx, st, appID, ga.events)
}

// storeEvents inserts an application's events with one multi-row statement,
// prepared once per row count.
func (w *loadWriter) storeEvents(ctx context.Context, st *loadStmts, appID int64, events []genEvent) error {
	stmt, err := st.events(ctx, len(events))
	if err != nil {
		return err
	}
	args := w.args[:0]
	for _, e := range events {
		l := e.link
		args = append(args, appID, l.Seq, l.At, l.Actor, l.Role, l.Department, string(l.Action),
			string(l.From), string(l.To), l.Detail, l.PrevHash, e.hash)
	}
	w.args = args
	_, err = stmt.ExecContext(ctx, args...)
	return err
}

// events returns the insert of n events at once.
func (st *loadStmts) events(ctx context.Context, n int) (*sql.Stmt, error) {
	if stmt := st.eventsByCount[n]; stmt != nil {
		return stmt, nil
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)"
	q := `INSERT INTO application_events (application_id, seq, at, actor, role, department, action, from_state, to_state,
		comment, detail, prev_hash, hash) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	stmt, err := st.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	st.eventsByCount[n] = stmt
	return stmt, nil
}

// applicant returns the applicant's id, inserting the applicant the first
// time this load meets the identity number.
func (w *loadWriter) applicant(ctx context.Context, st *loadStmts, a *models.Application) (int64, error) {
	if id, ok := w.applicants[a.ApplicantIDNumber]; ok {
		return id, nil
	}
	var id int64
	err := st.applicant.QueryRowContext(ctx, w.seal.SealPersonal(a.ApplicantIDNumber), w.seal.BlindIndex(a.ApplicantIDNumber),
		a.ApplicantName, a.SubmittedAt, a.SubmittedAt).Scan(&id)
	if err != nil {
		return 0, err
	}
	w.applicants[a.ApplicantIDNumber] = id
	return id, nil
}

func (w *loadWriter) definitionID(ctx context.Context, st *loadStmts, li *genItem) (int64, error) {
	if li.defID != 0 {
		return li.defID, nil
	}
	b, err := json.Marshal(li.def)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(b)
	if err := st.def.QueryRowContext(ctx, li.item.Code, li.item.Version, hex.EncodeToString(sum[:]), string(b)).Scan(&li.defID); err != nil {
		return 0, err
	}
	return li.defID, nil
}
