package models

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/models/form"
	"onewindow/workflow"
)

// NewApplication is what filing an application needs; the handler has
// validated the applicant's identity number and the form.
type NewApplication struct {
	Item      *Item // the published item, as read for the filing
	Applicant Applicant
	Form      FormData
	Schema    *form.Schema // the form Form answers (Item.ApplicationForm), kept in the definition
	Channel   string
	Actor     string // the clerk's user name for a walk-in, "applicant" online
	Role      string
	Provided  map[string]MaterialCheck // the clerk's checklist, by material key
	Idem      *Idempotency
	Now       time.Time
	// UpdateProfile lets the filing bring the stored applicant profile up to date (the
	// number's own citizen account, or the window); otherwise an existing profile is kept.
	UpdateProfile bool
	// Notify is how the applicant wants to hear of the application (the outbox).
	Notify Notify

	formJSON string // Form encoded before the write transaction (CreateApplication)

	// Pledge files the applicant's 告知承诺 (the item must allow it): ticked
	// online, or chosen at the window to be printed and signed.
	Pledge bool

	// BundleFilingID makes the application a child of a bundle filing (0: none).
	BundleFilingID uint
	// number is the number a bundle drew for its child with its own; "" draws one.
	number string
}

// MaterialCheck is what the window clerk ticked for one material.
type MaterialCheck struct {
	Provided bool   `json:"provided"`
	Kind     string `json:"kind"`
	Copies   int    `json:"copies"`
}

// Idempotency identifies a retried request: the same scope and key with the
// same request replays the first answer; with another request it is refused.
type Idempotency struct {
	Scope   string
	Key     string
	Request string // SHA-256 of the request body
}

// ErrIdempotencyMismatch is a reused Idempotency-Key with a different request.
var ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")

// Filed is the answer to a filing: the number and the query code, shown once.
type Filed struct {
	Number    string
	QueryCode string
	State     workflow.State
	Replayed  bool // an earlier request with the same Idempotency-Key filed it
}

// queryCodeAlphabet has no look-alike characters (no 0/O, 1/I/L).
const queryCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newQueryCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	for i := range b {
		b[i] = queryCodeAlphabet[int(b[i])%len(queryCodeAlphabet)]
	}
	return string(b)
}

// hashQueryCode binds a query code to its application number.
func hashQueryCode(number, code string) string {
	sum := sha256.Sum256([]byte(number + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// DefinitionOf takes the workflow definition and guide facts of an item.
func DefinitionOf(it *Item) Definition {
	d := Definition{ItemType: it.TypeCode, Immediate: it.HandlingKind == KindImmediate,
		StatutoryDays: Days(it.StatutoryDays), PromisedDays: Days(it.PromisedDays),
		Materials:  slices.Clone(it.Materials), // cleared of row ids below: never the item's own (shared, cached)
		ResultName: it.ResultName, LegalBasis: it.LegalBasis, PendingDays: Days(it.PendingDays)}
	if it.PledgeAllowed {
		d.Pledge = &DefinitionPledge{Text: it.PledgeText, CheckDays: Days(it.PledgeCheckDays)}
	}
	for _, dep := range it.Departments {
		stages := append([]string(nil), dep.Stages...)
		// Every department taking part records a decision of its own.
		if !slices.Contains(stages, string(workflow.StageDecide)) {
			stages = append(stages, string(workflow.StageDecide))
		}
		dd := DefinitionDept{Department: dep.DepartmentCode, Stages: stages}
		if len(dep.Plan) > 0 {
			// The application keeps the sequence it was filed under.
			dd.Plan, dd.Stages = slices.Clone(dep.Plan), workflow.StagesOf(len(dep.Plan))
		}
		d.Departments = append(d.Departments, dd)
	}
	if len(d.Departments) == 0 {
		d.Departments = []DefinitionDept{{Department: it.DepartmentCode, Stages: []string{"review", "decide"}}}
	}
	for i := range d.Materials {
		d.Materials[i].ID, d.Materials[i].ItemID = 0, 0
	}
	d.Charges, d.Fees = feesOf(it)
	return d
}

// CreateApplication files an application in one transaction: the applicant
// (found or created by identity number), the number, the checklist and the
// first event. A retried Idempotency-Key returns the first filing.
func (s *Store) CreateApplication(ctx context.Context, na NewApplication) (*Filed, error) {
	if err := s.CheckDisk(); err != nil {
		return nil, fmt.Errorf("models: create application: %w", err)
	}
	def, err := s.encodedDefinition(na.Item, na.Schema)
	if err != nil {
		return nil, fmt.Errorf("models: create application: %w", err)
	}
	// The single writer's time is the filing rate: encode and seal outside it.
	na.Applicant = s.sealApplicant(na.Applicant)
	if na.Notify.Email != "" && !isSealed(na.Notify.Email) {
		na.Notify.Email = s.keys.seal(na.Notify.Email)
	}
	if na.formJSON, err = s.sealForm(na.Form); err != nil {
		return nil, fmt.Errorf("models: create application: %w", err)
	}
	var out *Filed
	err = s.writeStmts(ctx, func(_ *gorm.DB, st *stmtTx) error {
		if na.Idem != nil {
			f, err := replayFiling(st, na.Idem)
			if err != nil || f != nil {
				out = f
				return err
			}
		}
		f, err := fileApplication(st, na, def)
		if err != nil {
			return err
		}
		if na.Idem != nil {
			if err := st.exec(`INSERT INTO idempotency_keys (scope, key, request, number, query_code, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				na.Idem.Scope, na.Idem.lookup(), na.Idem.Request, f.Number, na.Idem.seal(f.QueryCode), na.Now); err != nil {
				return err
			}
		}
		out = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: create application: %w", err)
	}
	if !out.Replayed {
		s.changes.appended(1) // the filing's first event
		s.counters.filed(FilingSingle, na.Channel)
	}
	return out, nil
}

// replayFiling returns the filing an earlier request with the same key made, or nil.
func replayFiling(st *stmtTx, idem *Idempotency) (*Filed, error) {
	number, code, err := recordedFiling(st, idem)
	if err != nil || number == "" {
		return nil, err
	}
	var state string
	if err := st.row(`SELECT state FROM applications WHERE number = ?`, number).Scan(&state); err != nil {
		return nil, err
	}
	return &Filed{Number: number, QueryCode: code, State: workflow.State(state), Replayed: true}, nil
}

// fileApplication writes a filing with six narrow fixed statements of the
// statement layer: the filing path is the busiest writer, and gorm's
// reflection over the wide row and its statement builder cost more than
// the SQL (see BENCHMARKS.md). The application is inserted in its first
// state with its first event's hash, so no update follows.
func fileApplication(st *stmtTx, na NewApplication, enc encodedDefinition) (*Filed, error) {
	applicant, err := upsertApplicant(st, na.Applicant, na.Now, na.UpdateProfile)
	if err != nil {
		return nil, err
	}
	return fileFor(st, na, enc, applicant)
}

// fileFor files na for the stored applicant: a bundle files each of its
// children with it, inside the bundle's transaction.
func fileFor(st *stmtTx, na NewApplication, enc encodedDefinition, applicant *Applicant) (*Filed, error) {
	number := na.number
	if number == "" {
		var err error
		if number, err = nextNumber(st, na.Now); err != nil {
			return nil, err
		}
	}
	act := workflow.Submit
	if na.Channel == ChannelWindow {
		act = workflow.Register
	}
	next, err := workflow.Next(workflow.None, act, workflow.Facts{})
	if err != nil {
		return nil, err
	}
	def := enc.def
	defID, err := storeDefinition(st, enc)
	if err != nil {
		return nil, err
	}
	code := newQueryCode()
	at := na.Now.UTC().Truncate(time.Microsecond)
	ev := Event{Seq: 1, At: at, Actor: na.Actor, Role: na.Role, Action: act, FromState: workflow.None,
		ToState: next[0].To, Detail: "{}", PrevHash: workflow.GenesisHash}
	ev.Hash = ev.Link(number).Hash()
	form := na.formJSON
	if form == "" {
		return nil, errors.New("models: a filing's answers must be sealed before the write")
	}
	var appID uint
	err = st.row(`INSERT INTO applications (number, query_code_hash, item_code, item_version, item_name, department_code,
		definition_id, joint, immediate, applicant_id, applicant_kind, applicant_name, applicant_id_number, applicant_id_index,
		applicant_phone, channel, form, state, version, submitted_at, statutory_days, promised_days, created_by, last_hash,
		event_count, updated_at, bundle_filing_id, notify_channels, notify_lang, applicant_email)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id`,
		number, hashQueryCode(number, code), na.Item.Code, na.Item.Version, na.Item.Name, na.Item.DepartmentCode,
		defID, len(def.Departments) > 1, def.Immediate, applicant.ID, na.Applicant.Kind, na.Applicant.Name, applicant.IDNumber,
		applicant.IDIndex, cmp.Or(na.Applicant.Phone, applicant.Phone), na.Channel, form, next[0].To, na.Now, def.StatutoryDays, def.PromisedDays, na.Actor, ev.Hash, na.Now,
		na.BundleFilingID, na.Notify.channels(), na.Notify.Lang, na.Notify.Email).
		Scan(&appID)
	if err != nil {
		return nil, err
	}
	if err := createChecklist(st, appID, def.Materials, na.Provided); err != nil {
		return nil, err
	}
	if na.Pledge {
		if err := insertPledge(st, appID, number, na, def); err != nil {
			return nil, err
		}
	}
	err = st.exec(`INSERT INTO application_events (application_id, seq, at, actor, role, department, action, from_state,
		to_state, comment, detail, prev_hash, hash) VALUES (?, 1, ?, ?, ?, '', ?, ?, ?, '', ?, ?, ?)`,
		appID, ev.At, ev.Actor, ev.Role, ev.Action, ev.FromState, ev.ToState, ev.Detail, ev.PrevHash, ev.Hash)
	if err != nil {
		return nil, err
	}
	return &Filed{Number: number, QueryCode: code, State: next[0].To}, nil
}

// The applicant's profile by identity number (its blind index): created by the first
// filing, updated only by filings that may (NewApplication.UpdateProfile: a signed-in
// citizen with the number, the window), which also make it proven; what an anonymous filer
// left on an unproven profile goes when a proven filing leaves a field blank. The no-op
// update keeps one statement that returns the row either way. Every personal value is sealed.
const (
	upsertApplicantSQL = `INSERT INTO applicants (kind, id_kind, id_number, id_index, name, phone, address, created_at, updated_at, proven)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)
		ON CONFLICT (id_index) WHERE id_index <> '' DO UPDATE SET kind = excluded.kind, name = excluded.name,
			updated_at = excluded.updated_at, proven = TRUE,
			phone = CASE WHEN excluded.phone <> '' THEN excluded.phone WHEN applicants.proven THEN applicants.phone ELSE '' END,
			address = CASE WHEN excluded.address <> '' THEN excluded.address WHEN applicants.proven THEN applicants.address ELSE '' END
		RETURNING id, kind, id_kind, id_number, id_index, name, phone, address`
	upsertApplicantKeepSQL = `INSERT INTO applicants (kind, id_kind, id_number, id_index, name, phone, address, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id_index) WHERE id_index <> '' DO UPDATE SET updated_at = applicants.updated_at
		RETURNING id, kind, id_kind, id_number, id_index, name, phone, address`
)

// upsertApplicant finds or creates the applicant by identity number (一号), given sealed
// (Store.sealApplicant) and returned as stored, sealed;
// with update, the filing brings the latest name and contact details, and
// otherwise an existing profile is kept as it is (the application row keeps
// what this filing said).
func upsertApplicant(st *stmtTx, a Applicant, now time.Time, update bool) (*Applicant, error) {
	var cur Applicant
	q := upsertApplicantKeepSQL
	if update {
		q = upsertApplicantSQL
	}
	if a.IDIndex == "" || (a.IDNumber != "" && !isSealed(a.IDNumber)) {
		return nil, errors.New("models: an applicant must be sealed before the write")
	}
	err := st.row(q, a.Kind, a.IDKind, a.IDNumber, a.IDIndex, a.Name, a.Phone, a.Address, now, now).
		Scan(&cur.ID, &cur.Kind, &cur.IDKind, &cur.IDNumber, &cur.IDIndex, &cur.Name, &cur.Phone, &cur.Address)
	if err != nil {
		return nil, err
	}
	return &cur, nil
}

// nextNumber draws the day's next application number: YYYYMMDD + six digits.
func nextNumber(st *stmtTx, now time.Time) (string, error) {
	ns, err := drawNumbers(st, now, 1)
	if err != nil {
		return "", err
	}
	return ns[0], nil
}

// drawNumbers draws the day's next n application numbers. On SQLite the
// draw is part of the filing's transaction, as every write is. On
// PostgreSQL concurrent filings would all update the day's one row inside
// their SERIALIZABLE transactions, and all but one would fail and run
// again, one at a time: there the numbers are drawn in a short READ
// COMMITTED transaction of their own on a pool of their own, like a
// sequence. A filing that then fails leaves its numbers unused.
func drawNumbers(st *stmtTx, now time.Time, n int) ([]string, error) {
	day := now.In(centreZone).Format("20060102")
	const q = `INSERT INTO application_sequences (day, last) VALUES (?, ?)
		ON CONFLICT (day) DO UPDATE SET last = application_sequences.last + ? RETURNING last`
	var last int
	var err error
	if st.c.numbers != nil {
		err = st.c.numbers.QueryRowContext(context.Background(), st.c.rebind(q), day, n, n).Scan(&last)
	} else {
		err = st.row(q, day, n, n).Scan(&last)
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", day, last-n+1+i)
	}
	return out, nil
}

// createChecklist inserts the checklist with one statement; its text depends
// only on the number of materials.
func createChecklist(st *stmtTx, appID uint, mats []Material, checks map[string]MaterialCheck) error {
	if len(mats) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO application_materials (application_id, material_key, sort, name, necessity, kind, copies, provided, pending) VALUES `)
	args := make([]any, 0, len(mats)*8)
	for i, m := range mats {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, FALSE)")
		c := checks[m.Key]
		args = append(args, appID, m.Key, m.Sort, m.Name, m.Necessity, c.Kind, c.Copies, c.Provided)
	}
	return st.exec(q.String(), args...)
}

// eventInput is one event to append.
type eventInput struct {
	Actor, Role, Department string
	Action                  workflow.Action
	To                      workflow.State
	Comment                 string
	Detail                  map[string]string
	Now                     time.Time
}

// appendEvent chains an event onto the application and moves it to ev.To,
// bumping its version; the caller saves the application row.
func appendEvent(tx *gorm.DB, app *Application, ev eventInput) error {
	detail := "{}"
	if len(ev.Detail) > 0 {
		b, err := json.Marshal(ev.Detail) // map keys are sorted: canonical
		if err != nil {
			return err
		}
		detail = string(b)
	}
	e := Event{ApplicationID: app.ID, Seq: app.EventCount + 1, At: ev.Now.UTC().Truncate(time.Microsecond),
		Actor: ev.Actor, Role: ev.Role, Department: ev.Department, Action: ev.Action,
		FromState: app.State, ToState: ev.To, Comment: ev.Comment, Detail: detail, PrevHash: app.LastHash}
	e.Hash = e.Link(app.Number).Hash()
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	app.State, app.LastHash, app.EventCount = ev.To, e.Hash, e.Seq
	app.Version++
	app.UpdatedAt = ev.Now
	res := tx.Model(&Application{}).Where("id = ? AND version = ?", app.ID, app.Version-1).
		Updates(map[string]any{"state": app.State, "version": app.Version, "last_hash": app.LastHash,
			"event_count": app.EventCount, "updated_at": app.UpdatedAt, "accepted_on": app.AcceptedOn,
			"extended_days": app.ExtendedDays, "stopped_days": app.StoppedDays, "stopped_since": app.StoppedSince,
			"ended_on": app.EndedOn, "promised_deadline": app.PromisedDeadline,
			"statutory_deadline": app.StatutoryDeadline, "pending_due": app.PendingDue, "result": app.Result,
			"result_number": app.ResultNumber, "delivery": app.Delivery, "tracking_number": app.TrackingNumber})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	return queueNotices(tx, app, &e, ev.Detail)
}

// Application returns an application with its checklist, files, tasks and events.
func (s *Store) Application(ctx context.Context, number string) (*Application, error) {
	return s.loadApplication(s.read.WithContext(ctx), number)
}

func (s *Store) loadApplication(db *gorm.DB, number string) (*Application, error) {
	var app Application
	err := db.Preload("Materials", orderBySort).Preload("Files", orderByID).Preload("Tasks", orderBySort).
		Preload("Events", func(db *gorm.DB) *gorm.DB { return db.Order("seq") }).
		Where("number = ?", number).Take(&app).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: application %q: %w", number, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	if app.Definition, err = s.definition(db, app.DefinitionID); err != nil {
		return nil, fmt.Errorf("models: application %q: %w", number, err)
	}
	return &app, nil
}

func orderByID(db *gorm.DB) *gorm.DB { return db.Order("id") }

// CheckQueryCode reports whether code is the application's query code.
func (a *Application) CheckQueryCode(code string) bool {
	return subtle.ConstantTimeCompare([]byte(hashQueryCode(a.Number, code)), []byte(a.QueryCodeHash)) == 1
}

// Applicant returns the applicant with an identity number.
func (s *Store) Applicant(ctx context.Context, idNumber string) (*Applicant, error) {
	var a Applicant
	err := s.read.WithContext(ctx).Where("id_index = ?", s.blindIndex(idNumber)).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: applicant: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: applicant: %w", err)
	}
	return &a, nil
}

// ApplicationsOf returns the applications filed under an identity number, newest first.
func (s *Store) ApplicationsOf(ctx context.Context, idNumber string, limit int) ([]Application, error) {
	var out []Application
	err := s.read.WithContext(ctx).Where("applicant_id_index = ?", s.blindIndex(idNumber)).
		Order("submitted_at DESC, id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: applications of applicant: %w", err)
	}
	return out, nil
}

// IdempotencyRetention is how long a retried request still finds its first
// answer; the plain query code kept for such a retry goes with the key.
const IdempotencyRetention = 24 * time.Hour

// PurgeIdempotencyKeys forgets keys (and the query codes kept with them) older than before.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) error {
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, before.UTC()).Error; err != nil {
		return fmt.Errorf("models: purge idempotency keys: %w", err)
	}
	return nil
}
