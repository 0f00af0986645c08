package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"onewindow/workflow"
)

// LoadOptions shape generated applications for load tests and benchmarks.
type LoadOptions struct {
	Applications int       // how many to generate
	Seed         uint64    // the same seed gives the same data
	Now          time.Time // the newest submission; filings spread over the year before
	Cal          *workflow.Calendar
	Batch        int                   // applications per transaction; 0 means 2,000
	Progress     func(done, total int) // called after every batch; may be nil
}

// LoadSample is one generated application with its query code, for load tools.
type LoadSample struct {
	Number, Code string
	State        workflow.State
	Department   string
}

// QueryCodeFor derives a generated application's query code from the seed,
// so that load tools can look applications up without a stored copy.
func QueryCodeFor(seed uint64, number string) string {
	m := hmac.New(sha256.New, fmt.Appendf(nil, "onewindow-load-%d", seed))
	m.Write([]byte(number))
	sum := m.Sum(nil)
	b := make([]byte, 8)
	for i := range b {
		b[i] = queryCodeAlphabet[int(sum[i])%len(queryCodeAlphabet)]
	}
	return string(b)
}

// path is a plausible history ending in a state: the actions in order.
type path struct {
	weight  int
	actions []workflow.Action
}

var loadPaths = []path{
	{600, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Approve, workflow.Issue}},
	{40, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Deny, workflow.Issue}},
	{60, []workflow.Action{workflow.Accept}},
	{90, []workflow.Action{workflow.Accept, workflow.Claim}},
	{40, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass}},
	{10, []workflow.Action{workflow.Accept, workflow.Claim, workflow.Suspend}},
	{40, []workflow.Action{}},
	{25, []workflow.Action{workflow.RequestSupplement}},
	{30, []workflow.Action{workflow.Reject}},
	{25, []workflow.Action{workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Approve}},
	{20, []workflow.Action{workflow.Withdraw}},
	{20, []workflow.Action{workflow.RequestSupplement, workflow.Supplement, workflow.Accept, workflow.Claim, workflow.ReviewPass, workflow.Approve, workflow.Issue}},
}

// GenerateApplications fills the database with realistic applications over
// the published on-application items: applicants from a pool of valid
// identity numbers, histories with chained events, tasks and checklists, a
// spread of submission dates. It returns a sample of numbers with codes.
func (s *Store) GenerateApplications(ctx context.Context, opt LoadOptions) ([]LoadSample, error) {
	if opt.Batch <= 0 {
		opt.Batch = 2000
	}
	items, err := s.loadItems(ctx)
	if err != nil {
		return nil, err
	}
	g := &loadGen{opt: opt, items: items, rnd: rand.New(rand.NewPCG(opt.Seed, 0x5eed)), seq: map[string]int{}, defs: map[string]int64{}}
	if err := g.readSequences(ctx, s); err != nil {
		return nil, err
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	var samples []LoadSample
	for done := 0; done < opt.Applications; {
		n := min(opt.Batch, opt.Applications-done)
		got, err := g.batch(ctx, sqlDB, n)
		if err != nil {
			return nil, fmt.Errorf("models: generate applications: %w", err)
		}
		samples = append(samples, got...)
		done += n
		if opt.Progress != nil {
			opt.Progress(done, opt.Applications)
		}
	}
	// A long WAL slows every read until it is checkpointed.
	if err := s.Maintain(ctx); err != nil {
		return nil, err
	}
	return samples, nil
}

func (s *Store) loadItems(ctx context.Context) ([]Item, error) {
	var items []Item
	err := s.read.WithContext(ctx).Preload("Materials", orderBySort).Preload("Departments", orderBySort).
		Where("status = ? AND disposition = ? AND on_application = ?", ItemPublished, DispositionRetained, true).
		Order("code").Find(&items).Error
	if err != nil {
		return nil, fmt.Errorf("models: generate applications: %w", err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("models: generate applications: no published on-application items; seed the catalogue first")
	}
	return items, nil
}

type loadGen struct {
	opt   LoadOptions
	items []Item
	rnd   *rand.Rand
	seq   map[string]int // day → last number used
	defs  map[string]int64 // item code → definition id
}

func (g *loadGen) readSequences(ctx context.Context, s *Store) error {
	var rows []struct {
		Day  string
		Last int
	}
	if err := s.read.WithContext(ctx).Raw(`SELECT day, last FROM application_sequences`).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		g.seq[r.Day] = r.Last
	}
	return nil
}

// identity returns the i-th pooled identity: a valid resident ID.
func identity(i int) string {
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%18000)
	body := fmt.Sprintf("150902%s%03d", born.Format("20060102"), i%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, w := range weights {
		sum += int(body[k]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

var loadSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
var loadGiven = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")

func (g *loadGen) name(i int) string {
	return string([]rune{loadSurnames[i%len(loadSurnames)], loadGiven[(i/7)%len(loadGiven)], loadGiven[(i/131)%len(loadGiven)]})
}

func (g *loadGen) pickPath() path {
	total := 0
	for _, p := range loadPaths {
		total += p.weight
	}
	n := g.rnd.IntN(total)
	for _, p := range loadPaths {
		if n < p.weight {
			return p
		}
		n -= p.weight
	}
	return loadPaths[0]
}

// stmts are the prepared inserts of one batch.
type stmts struct {
	applicant, app, material, task, event, seq, def *sql.Stmt
}

func prepare(ctx context.Context, tx *sql.Tx) (*stmts, error) {
	var st stmts
	var err error
	q := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.applicant, `INSERT INTO applicants (kind, id_kind, id_number, name, phone, address, created_at, updated_at)
			VALUES ('person', 'resident_id', ?, ?, ?, '', ?, ?) ON CONFLICT (id_number) DO UPDATE SET updated_at = excluded.updated_at RETURNING id`},
		{&st.def, `INSERT INTO application_definitions (item_code, item_version, sha256, definition) VALUES (?, ?, ?, ?)
			ON CONFLICT (item_code, item_version, sha256) DO UPDATE SET item_code = excluded.item_code RETURNING id`},
		{&st.app, `INSERT INTO applications (number, query_code_hash, item_code, item_version, item_name, department_code, definition_id,
			joint, immediate, applicant_id, applicant_kind, applicant_name, applicant_id_number, applicant_phone, channel, form, state,
			version, submitted_at, accepted_on, statutory_days, promised_days, extended_days, stopped_days, stopped_since, ended_on,
			promised_deadline, statutory_deadline, pending_due, result, result_number, delivery, tracking_number, created_by,
			last_hash, event_count, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'person', ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, '', ?, ?, ?, '', ?, ?, ?, ?) RETURNING id`},
		{&st.material, `INSERT INTO application_materials (application_id, material_key, sort, name, necessity, kind, copies, provided, pending)
			VALUES (?, ?, ?, ?, ?, '', 1, 1, 0)`},
		{&st.task, `INSERT INTO application_tasks (application_id, department_code, sort, stages, stage, claimed_by, decided_by, decided_at,
			comment, promised_deadline, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`},
		{&st.event, `INSERT INTO application_events (application_id, seq, at, actor, role, department, action, from_state, to_state,
			comment, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`},
		{&st.seq, `INSERT INTO application_sequences (day, last) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last)`},
	}
	for _, x := range q {
		if *x.dst, err = tx.PrepareContext(ctx, x.sql); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

func (g *loadGen) batch(ctx context.Context, db *sql.DB, n int) ([]LoadSample, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	st, err := prepare(ctx, tx)
	if err != nil {
		return nil, err
	}
	var samples []LoadSample
	days := map[string]int{}
	for range n {
		smp, err := g.one(ctx, st)
		if err != nil {
			return nil, err
		}
		days[smp.Number[:8]] = g.seq[smp.Number[:8]]
		if g.rnd.IntN(50) == 0 {
			samples = append(samples, smp)
		}
	}
	for d, last := range days {
		if _, err := st.seq.ExecContext(ctx, d, last); err != nil {
			return nil, err
		}
	}
	return samples, tx.Commit()
}
