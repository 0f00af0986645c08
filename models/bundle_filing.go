package models

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// NewBundleFiling is what filing a bundle needs; the service has validated
// the merged answers and every child's.
type NewBundleFiling struct {
	Definition *BundleDefinition
	Applicant  Applicant
	Form       FormData // the merged answers
	// Children are the items' applications in the bundle's order, each with
	// its item, its form and the answers projected onto it.
	Children []NewApplication
	Channel  string
	Actor    string
	Role     string
	Idem     *Idempotency
	Now      time.Time
	// UpdateProfile lets the filing bring the stored applicant profile up to
	// date, as for a single filing (NewApplication.UpdateProfile).
	UpdateProfile bool
	// Prepared is Definition and the children's definitions encoded ahead
	// (PrepareBundle), shared by every filing of the bundle version; nil
	// encodes them for this filing.
	Prepared *PreparedBundle
}

// PreparedBundle is a bundle version's definition and its items'
// definitions, encoded for storing once and reused by every filing.
type PreparedBundle struct {
	def      encodedDefinition
	children []encodedDefinition
}

// PrepareBundle encodes the definition of a bundle filed with children
// (their items and forms; answers and applicant are ignored).
func PrepareBundle(def *BundleDefinition, children []NewApplication) (*PreparedBundle, error) {
	p := &PreparedBundle{children: make([]encodedDefinition, len(children))}
	var err error
	if p.def, err = def.encode(); err != nil {
		return nil, fmt.Errorf("models: prepare bundle: %w", err)
	}
	for i, c := range children {
		if p.children[i], err = encodeDefinition(c.Item, c.Schema); err != nil {
			return nil, fmt.Errorf("models: prepare bundle: %w", err)
		}
	}
	return p, nil
}

// BundleFiled is the answer to a bundle filing: one number and query code
// for the applicant, and the children routed to their departments.
type BundleFiled struct {
	Number    string
	QueryCode string
	State     BundleState
	Children  []FiledChild
	Replayed  bool
}

// FiledChild is one child application of a bundle filing.
type FiledChild struct {
	Number     string
	ItemCode   string
	Department string
}

// BundleFiling is one filing of a bundle, with its events and, where
// loaded, its children.
type BundleFiling struct {
	ID                uint             `gorm:"primaryKey"`
	Number            string           `gorm:"not null;uniqueIndex"`
	QueryCodeHash     string           `gorm:"not null"`
	BundleCode        string           `gorm:"not null"`
	BundleVersion     int              `gorm:"not null"`
	BundleName        string           `gorm:"not null"`
	DefinitionID      uint             `gorm:"not null"`
	Definition        BundleDefinition `gorm:"-"` // loaded from bundle_definitions
	ApplicantID       uint             `gorm:"not null"`
	ApplicantKind     string           `gorm:"not null"`
	ApplicantName     string           `gorm:"not null"`
	ApplicantIDNumber string           `gorm:"column:applicant_id_number;not null;serializer:sealed"`
	ApplicantIDIndex  string           `gorm:"column:applicant_id_index;not null"`
	Channel           string           `gorm:"not null"`
	Form              FormData         `gorm:"type:text;not null"`
	State             BundleState      `gorm:"not null"`
	Result            string           `gorm:"not null"`
	Version           int              `gorm:"not null"`
	EventCount        int              `gorm:"not null"`
	LastHash          string           `gorm:"not null"`
	SubmittedAt       time.Time        `gorm:"not null"`
	UpdatedAt         time.Time        `gorm:"not null"`
	CreatedBy         string           `gorm:"not null"`

	Events   []BundleEvent `gorm:"foreignKey:FilingID"`
	Children []Application `gorm:"-"`
}

// TableName keeps the table name of the migration.
func (BundleFiling) TableName() string { return "bundle_filings" }

// BundleEvent is one append-only, hash-chained entry of a bundle filing's history.
type BundleEvent struct {
	ID        uint            `gorm:"primaryKey"`
	FilingID  uint            `gorm:"not null"`
	Seq       int             `gorm:"not null"`
	At        time.Time       `gorm:"not null"`
	Actor     string          `gorm:"not null"`
	Role      string          `gorm:"not null"`
	Action    workflow.Action `gorm:"not null"`
	FromState BundleState     `gorm:"not null"`
	ToState   BundleState     `gorm:"not null"`
	Comment   string          `gorm:"not null"`
	Detail    string          `gorm:"not null"`
	PrevHash  string          `gorm:"not null"`
	Hash      string          `gorm:"not null"`
}

// TableName keeps the table name of the migration.
func (BundleEvent) TableName() string { return "bundle_events" }

// link is the event as the audit chain sees it, under the bundle's number.
func (e BundleEvent) link(number string) workflow.Link {
	return workflow.Link{Application: number, Seq: e.Seq, At: e.At, Actor: e.Actor, Role: e.Role, Action: e.Action,
		From: workflow.State(e.FromState), To: workflow.State(e.ToState), Comment: e.Comment, Detail: e.Detail,
		PrevHash: e.PrevHash}
}

// CheckQueryCode reports whether code is the bundle filing's query code.
func (f *BundleFiling) CheckQueryCode(code string) bool {
	return subtle.ConstantTimeCompare([]byte(hashQueryCode(f.Number, code)), []byte(f.QueryCodeHash)) == 1
}

// Child returns the loaded child application of a number, or nil.
func (f *BundleFiling) Child(number string) *Application {
	for i := range f.Children {
		if f.Children[i].Number == number {
			return &f.Children[i]
		}
	}
	return nil
}

// CreateBundleFiling files a bundle in one transaction: the applicant, the
// bundle filing with its number (from the applications' daily sequence)
// and first event, and every child through the same code as a single
// filing. All children are filed or none. A retried Idempotency-Key
// returns the first filing.
func (s *Store) CreateBundleFiling(ctx context.Context, nb NewBundleFiling) (*BundleFiled, error) {
	if err := s.CheckDisk(); err != nil {
		return nil, fmt.Errorf("models: file bundle: %w", err)
	}
	p := nb.Prepared
	if p == nil || len(p.children) != len(nb.Children) {
		var err error
		if p, err = PrepareBundle(nb.Definition, nb.Children); err != nil {
			return nil, err
		}
	}
	def, encs := p.def, p.children
	// The single writer's time is the filing rate: encode and seal outside it.
	nb.Applicant = s.sealApplicant(nb.Applicant)
	nb.Children = slices.Clone(nb.Children)
	for i := range nb.Children {
		var err error
		nb.Children[i].Applicant = s.sealApplicant(nb.Children[i].Applicant)
		if nb.Children[i].formJSON, err = s.sealForm(nb.Children[i].Form); err != nil {
			return nil, fmt.Errorf("models: file bundle: %w", err)
		}
	}
	answers, err := s.sealForm(nb.Form)
	if err != nil {
		return nil, fmt.Errorf("models: file bundle: %w", err)
	}
	var out *BundleFiled
	err = s.writeStmts(ctx, func(_ *gorm.DB, st *stmtTx) error {
		if nb.Idem != nil {
			f, err := replayBundleFiling(st, nb.Idem)
			if err != nil || f != nil {
				out = f
				return err
			}
		}
		f, err := fileBundle(st, nb, def, answers, encs)
		if err != nil {
			return err
		}
		if nb.Idem != nil {
			if err := st.exec(`INSERT INTO idempotency_keys (scope, key, request, number, query_code, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				nb.Idem.Scope, nb.Idem.lookup(), nb.Idem.Request, f.Number, nb.Idem.seal(f.QueryCode), nb.Now); err != nil {
				return err
			}
		}
		out = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: file bundle: %w", err)
	}
	if !out.Replayed {
		s.changes.appended(int64(len(out.Children))) // each child's first event
		s.counters.filed(FilingBundle, nb.Channel)
	}
	return out, nil
}

func fileBundle(st *stmtTx, nb NewBundleFiling, def encodedDefinition, answers string, encs []encodedDefinition) (*BundleFiled, error) {
	applicant, err := upsertApplicant(st, nb.Applicant, nb.Now, nb.UpdateProfile)
	if err != nil {
		return nil, err
	}
	// The bundle's number and its children's, drawn at once from the applications' sequence.
	numbers, err := nextNumbers(st, nb.Now, 1+len(nb.Children))
	if err != nil {
		return nil, err
	}
	number := numbers[0]
	defID, err := storeBundleDefinition(st, def)
	if err != nil {
		return nil, err
	}
	code := newQueryCode()
	ev := BundleEvent{Seq: 1, At: nb.Now.UTC().Truncate(time.Microsecond), Actor: nb.Actor, Role: nb.Role,
		Action: BundleFile, ToState: BundleSubmitted, Detail: "{}", PrevHash: workflow.GenesisHash}
	ev.Hash = ev.link(number).Hash()
	var id uint
	err = st.row(`INSERT INTO bundle_filings (number, query_code_hash, bundle_code, bundle_version, bundle_name, definition_id,
		applicant_id, applicant_kind, applicant_name, applicant_id_number, applicant_id_index, channel, form, state, result,
		version, event_count, last_hash, submitted_at, updated_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1, 1, ?, ?, ?, ?) RETURNING id`,
		number, hashQueryCode(number, code), nb.Definition.Code, nb.Definition.Version, nb.Definition.Name, defID,
		applicant.ID, applicant.Kind, applicant.Name, applicant.IDNumber, applicant.IDIndex, nb.Channel, answers, BundleSubmitted,
		ev.Hash, nb.Now, nb.Now, nb.Actor).Scan(&id)
	if err != nil {
		return nil, err
	}
	err = st.exec(`INSERT INTO bundle_events (filing_id, seq, at, actor, role, action, from_state, to_state, comment, detail,
		prev_hash, hash) VALUES (?, 1, ?, ?, ?, ?, '', ?, '', '{}', ?, ?)`,
		id, ev.At, ev.Actor, ev.Role, ev.Action, ev.ToState, ev.PrevHash, ev.Hash)
	if err != nil {
		return nil, err
	}
	out := &BundleFiled{Number: number, QueryCode: code, State: BundleSubmitted}
	for i, c := range nb.Children {
		c.BundleFilingID, c.Channel, c.Actor, c.Role, c.Now, c.number = id, nb.Channel, nb.Actor, nb.Role, nb.Now, numbers[1+i]
		// The child's own query code is never given out: the applicant uses the bundle's.
		f, err := fileFor(st, c, encs[i], applicant)
		if err != nil {
			return nil, fmt.Errorf("child %s: %w", c.Item.Code, err)
		}
		out.Children = append(out.Children, FiledChild{Number: f.Number, ItemCode: c.Item.Code, Department: c.Item.DepartmentCode})
	}
	return out, nil
}

// replayBundleFiling returns the bundle filing an earlier request with the
// same key made, or nil.
func replayBundleFiling(st *stmtTx, idem *Idempotency) (*BundleFiled, error) {
	number, code, err := recordedFiling(st, idem)
	if err != nil || number == "" {
		return nil, err
	}
	out := &BundleFiled{Number: number, QueryCode: code, Replayed: true}
	var id uint
	if err := st.row(`SELECT id, state FROM bundle_filings WHERE number = ?`, number).Scan(&id, &out.State); err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(context.Background(), st.c.rebind(
		`SELECT number, item_code, department_code FROM applications WHERE bundle_filing_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c FiledChild
		if err := rows.Scan(&c.Number, &c.ItemCode, &c.Department); err != nil {
			return nil, err
		}
		out.Children = append(out.Children, c)
	}
	return out, rows.Err()
}

// BundleFiling returns a bundle filing with its events and its children
// (each with its checklist, files, tasks and events).
func (s *Store) BundleFiling(ctx context.Context, number string) (*BundleFiling, error) {
	db := s.read.WithContext(ctx)
	f, err := s.takeBundleFiling(db, number)
	if err != nil {
		return nil, fmt.Errorf("models: bundle filing %q: %w", number, err)
	}
	var numbers []string
	if err := db.Model(&Application{}).Where("bundle_filing_id = ?", f.ID).Order("id").Pluck("number", &numbers).Error; err != nil {
		return nil, fmt.Errorf("models: bundle filing %q: %w", number, err)
	}
	for _, n := range numbers {
		app, err := s.loadApplication(db, n)
		if err != nil {
			return nil, fmt.Errorf("models: bundle filing %q: %w", number, err)
		}
		f.Children = append(f.Children, *app)
	}
	return f, nil
}

// BundleFilingByCode returns the bundle filing when the query code matches;
// a wrong code is ErrNotFound, exactly like an unknown number.
func (s *Store) BundleFilingByCode(ctx context.Context, number, code string) (*BundleFiling, error) {
	f, err := s.BundleFiling(ctx, number)
	if err != nil {
		return nil, err
	}
	if !f.CheckQueryCode(code) {
		return nil, fmt.Errorf("models: bundle filing %q: %w", number, ErrWrongCode)
	}
	return f, nil
}

// IsBundleNumber reports whether number is a bundle filing's; a status look-up
// asks it when no application has the number (one fixed statement).
func (s *Store) IsBundleNumber(ctx context.Context, number string) (bool, error) {
	var one int
	err := pool{s.reads}.row(uncancelled(ctx), `SELECT 1 FROM bundle_filings WHERE number = ?`, number).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("models: bundle number: %w", err)
	}
	return true, nil
}

func (s *Store) takeBundleFiling(db *gorm.DB, number string) (*BundleFiling, error) {
	var f BundleFiling
	err := db.Preload("Events", func(db *gorm.DB) *gorm.DB { return db.Order("seq") }).
		Where("number = ?", number).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	f.SubmittedAt, f.UpdatedAt = f.SubmittedAt.UTC(), f.UpdatedAt.UTC()
	if f.Definition, err = s.bundleDefinition(db, f.DefinitionID); err != nil {
		return nil, fmt.Errorf("definition: %w", err)
	}
	return &f, nil
}

// BundleFilingsInStates returns up to limit bundle filings in one of
// states, oldest first, after the one with id afterID (0 = from the start),
// with their definitions but without children: the window's list of bundles.
func (s *Store) BundleFilingsInStates(ctx context.Context, states []BundleState, limit int, afterID uint) ([]BundleFiling, error) {
	var out []BundleFiling
	db := s.read.WithContext(ctx)
	err := db.Omit("form").Where("state IN ? AND id > ?", states, afterID).
		Order("id").Limit(limit).Find(&out).Error
	if err == nil {
		err = s.withDefinitions(db, out)
	}
	if err != nil {
		return nil, fmt.Errorf("models: bundle filings in states: %w", err)
	}
	return out, nil
}

// withDefinitions loads the filed definition (its name, its items) of each
// filing of a list, from memory when it was read before.
func (s *Store) withDefinitions(db *gorm.DB, list []BundleFiling) error {
	for i := range list {
		var err error
		if list[i].Definition, err = s.bundleDefinition(db, list[i].DefinitionID); err != nil {
			return err
		}
	}
	return nil
}

// BundleFilingsOf returns the bundle filings under an identity number, newest first.
func (s *Store) BundleFilingsOf(ctx context.Context, idNumber string, limit int) ([]BundleFiling, error) {
	var out []BundleFiling
	db := s.read.WithContext(ctx)
	err := db.Omit("form").Where("applicant_id_index = ?", s.blindIndex(idNumber)).
		Order("submitted_at DESC, id DESC").Limit(limit).Find(&out).Error
	if err == nil {
		err = s.withDefinitions(db, out)
	}
	if err != nil {
		return nil, fmt.Errorf("models: bundle filings of applicant: %w", err)
	}
	return out, nil
}

// BundleNumberOf returns the number of the bundle filing with an id ("" for 0).
func (s *Store) BundleNumberOf(ctx context.Context, id uint) (string, error) {
	if id == 0 {
		return "", nil
	}
	var numbers []string
	if err := s.read.WithContext(ctx).Model(&BundleFiling{}).Where("id = ?", id).Pluck("number", &numbers).Error; err != nil {
		return "", fmt.Errorf("models: bundle number: %w", err)
	}
	if len(numbers) == 0 {
		return "", fmt.Errorf("models: bundle number: %w", ErrNotFound)
	}
	return numbers[0], nil
}

// BundleFilingHead returns the bundle filing with an id without its form,
// events or children: what a child's page says of its bundle (number,
// name, state).
func (s *Store) BundleFilingHead(ctx context.Context, id uint) (*BundleFiling, error) {
	var f BundleFiling
	err := s.read.WithContext(ctx).Omit("form").Where("id = ?", id).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: bundle filing %d: %w", id, err)
	}
	return &f, nil
}

// bundleDefKey keys a bundle definition in the store's definition cache,
// apart from the applications' definitions.
type bundleDefKey uint

// storeBundleDefinition returns the id of the row of a filed bundle
// definition, writing it the first time.
func storeBundleDefinition(st *stmtTx, d encodedDefinition) (uint, error) {
	var id uint
	err := st.row(`SELECT id FROM bundle_definitions WHERE bundle_code = ? AND bundle_version = ? AND sha256 = ?`,
		d.code, d.version, d.sum).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	err = st.row(`INSERT INTO bundle_definitions (bundle_code, bundle_version, sha256, definition) VALUES (?, ?, ?, ?)
		RETURNING id`, d.code, d.version, d.sum, d.json).Scan(&id)
	return id, err
}

// bundleDefinition reads a filed bundle definition by id, from memory when it was read before.
func (s *Store) bundleDefinition(db *gorm.DB, id uint) (BundleDefinition, error) {
	if d, ok := s.defs.Load(bundleDefKey(id)); ok {
		return d.(BundleDefinition), nil
	}
	var text string
	if err := db.Raw(`SELECT definition FROM bundle_definitions WHERE id = ?`, id).Scan(&text).Error; err != nil {
		return BundleDefinition{}, err
	}
	var d BundleDefinition
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		return BundleDefinition{}, err
	}
	s.defs.Store(bundleDefKey(id), d)
	return d, nil
}

// nextNumbers draws the day's next n application numbers at once, in order.
func nextNumbers(st *stmtTx, now time.Time, n int) ([]string, error) {
	return drawNumbers(st, now, n)
}
