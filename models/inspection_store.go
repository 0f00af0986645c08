package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// InspectionLists returns the 随机抽查事项清单 of a department ("" for every
// department), by department and row.
func (s *Store) InspectionLists(ctx context.Context, dept string) ([]InspectionListItem, error) {
	q := s.read.WithContext(ctx).Order("department_code, id")
	if dept != "" {
		q = q.Where("department_code = ?", dept)
	}
	var out []InspectionListItem
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: inspection lists: %w", err)
	}
	return out, nil
}

// InspectionEntity returns the entity with the credit code.
func (s *Store) InspectionEntity(ctx context.Context, code string) (*InspectionEntity, error) {
	var e InspectionEntity
	err := s.read.WithContext(ctx).Where("credit_code = ?", code).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: inspection entity %q: %w", code, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: inspection entity %q: %w", code, err)
	}
	return &e, nil
}

// InspectionEntities returns up to limit entities whose name or credit code
// contains q, by credit code, and how many match.
func (s *Store) InspectionEntities(ctx context.Context, q string, limit int) ([]InspectionEntity, int64, error) {
	db := s.read.WithContext(ctx).Model(&InspectionEntity{})
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		// lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
		db = db.Where(`lower(name) LIKE lower(?) ESCAPE '\' OR lower(credit_code) LIKE lower(?) ESCAPE '\'`, like, like)
	}
	var n int64
	if err := db.Count(&n).Error; err != nil {
		return nil, 0, fmt.Errorf("models: inspection entities: %w", err)
	}
	var out []InspectionEntity
	if err := db.Order("credit_code").Limit(limit).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("models: inspection entities: %w", err)
	}
	return out, n, nil
}

// Inspectors returns the inspectors of a department ("" for all), by 执法证号.
func (s *Store) Inspectors(ctx context.Context, dept string) ([]Inspector, error) {
	q := s.read.WithContext(ctx).Order("cert_no")
	if dept != "" {
		q = q.Where("department_code = ?", dept)
	}
	var out []Inspector
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: inspectors: %w", err)
	}
	return out, nil
}

// InspectionRulesOf returns a department's 抽查细则, or the defaults when it has set none.
func (s *Store) InspectionRulesOf(ctx context.Context, dept string) (InspectionRules, error) {
	var r InspectionRules
	err := s.read.WithContext(ctx).Where("department_code = ?", dept).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultInspectionRules(dept), nil
	}
	if err != nil {
		return r, fmt.Errorf("models: inspection rules %s: %w", dept, err)
	}
	return r, nil
}

// SaveInspectionRules stores a department's 抽查细则; the caller checked them.
func (s *Store) SaveInspectionRules(ctx context.Context, r InspectionRules, now time.Time) error {
	r.UpdatedAt = now.UTC()
	err := s.writeTx(ctx, func(tx *gorm.DB) error { return tx.Save(&r).Error })
	if err != nil {
		return fmt.Errorf("models: save inspection rules %s: %w", r.DepartmentCode, err)
	}
	return nil
}

// NewInspectionPlan is a plan as the handler checked it.
type NewInspectionPlan struct {
	Departments []string // the leading department first; more than one for a joint plan
	Year        int
	Title       string
	ListItemID  *uint
	Industry    string // "" every industry
	Actor       string
	Now         time.Time
}

// CreateInspectionPlan stores a draft plan.
func (s *Store) CreateInspectionPlan(ctx context.Context, np NewInspectionPlan) (*InspectionPlan, error) {
	var out *InspectionPlan
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = createPlan(tx, np)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: create inspection plan: %w", err)
	}
	return out, nil
}

func createPlan(tx *gorm.DB, np NewInspectionPlan) (*InspectionPlan, error) {
	p := InspectionPlan{DepartmentCode: np.Departments[0], Departments: StringList(slices.Clone(np.Departments)), Year: np.Year,
		Title: np.Title, ListItemID: np.ListItemID, Industry: np.Industry, State: PlanDraft, Version: 1,
		CreatedBy: np.Actor, CreatedAt: np.Now.UTC()}
	return &p, tx.Create(&p).Error
}

// PlanBatch takes several steps of plans in one transaction: what the
// demonstration seeds at start-up, without a commit per step. Its methods
// are the Store's of the same names.
type PlanBatch struct{ tx *gorm.DB }

// Create is CreateInspectionPlan.
func (b PlanBatch) Create(np NewInspectionPlan) (*InspectionPlan, error) { return createPlan(b.tx, np) }

// Commit is CommitInspectionPlan.
func (b PlanBatch) Commit(id uint, version int, seed []byte, now time.Time) (*InspectionPlan, error) {
	return commitPlan(b.tx, id, version, seed, now)
}

// Draw is DrawInspectionPlan.
func (b PlanBatch) Draw(id uint, version int, cal *workflow.Calendar, now time.Time) (*InspectionPlan, error) {
	return drawPlan(b.tx, id, version, cal, now)
}

// Publish is PublishInspectionPlan.
func (b PlanBatch) Publish(id uint, version int, now time.Time) (*InspectionPlan, error) {
	return publishPlan(b.tx, id, version, now)
}

// Record is RecordInspectionResult.
func (b PlanBatch) Record(r InspectionResult) (*InspectionTask, error) { return recordResult(b.tx, r) }

// Tasks returns a plan's tasks in drawn order (without names).
func (b PlanBatch) Tasks(plan uint) ([]InspectionTask, error) {
	var tasks []InspectionTask
	return tasks, b.tx.Where("plan_id = ?", plan).Order("seq").Find(&tasks).Error
}

// InspectionBatch runs fn's plan steps in one write transaction: all or none.
func (s *Store) InspectionBatch(ctx context.Context, fn func(PlanBatch) error) error {
	if err := s.writeTx(ctx, func(tx *gorm.DB) error { return fn(PlanBatch{tx}) }); err != nil {
		return fmt.Errorf("models: inspection batch: %w", err)
	}
	return nil
}

// InspectionPlan returns a plan.
func (s *Store) InspectionPlan(ctx context.Context, id uint) (*InspectionPlan, error) {
	return inspectionPlan(s.read.WithContext(ctx), id)
}

func inspectionPlan(db *gorm.DB, id uint) (*InspectionPlan, error) {
	var p InspectionPlan
	err := db.Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: inspection plan %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: inspection plan %d: %w", id, err)
	}
	return &p, nil
}

// InspectionPlans returns the plans a department takes part in ("" for all),
// newest first; publicOnly leaves out drafts.
func (s *Store) InspectionPlans(ctx context.Context, dept string, publicOnly bool) ([]InspectionPlan, error) {
	q := s.read.WithContext(ctx).Order("year DESC, id DESC")
	if publicOnly {
		q = q.Where("state <> ?", PlanDraft)
	}
	var all []InspectionPlan
	if err := q.Find(&all).Error; err != nil {
		return nil, fmt.Errorf("models: inspection plans: %w", err)
	}
	if dept == "" {
		return all, nil
	}
	out := all[:0]
	for _, p := range all {
		if slices.Contains(p.Departments, dept) {
			out = append(out, p)
		}
	}
	return out, nil
}

// planStep loads a plan inside tx and checks its version and state.
func planStep(tx *gorm.DB, id uint, version int, state string) (*InspectionPlan, error) {
	p, err := inspectionPlan(tx, id)
	if err != nil {
		return nil, err
	}
	if p.Version != version {
		return nil, ErrConflict
	}
	if p.State != state {
		return nil, ErrPlanState
	}
	return p, nil
}

// CommitInspectionPlan freezes a draft plan's candidate lists and parameters
// from the 名录库 and the leading department's 抽查细则, and publishes their
// digests and the commitment to seed (a fresh random seed when nil). The
// lists must allow a fair draw (workflow.ErrDrawInput otherwise).
func (s *Store) CommitInspectionPlan(ctx context.Context, id uint, version int, seed []byte, now time.Time) (*InspectionPlan, error) {
	var out *InspectionPlan
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = commitPlan(tx, id, version, seed, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: commit inspection plan %d: %w", id, err)
	}
	return out, nil
}

// freezeInput builds the draw input of a plan from the 名录库 as it is now:
// entities of the plan's industry not inspected within the excluded months,
// the active inspectors of the departments with their conflicts.
func freezeInput(tx *gorm.DB, p *InspectionPlan, now time.Time) (workflow.DrawInput, error) {
	var rules InspectionRules
	err := tx.Where("department_code = ?", p.DepartmentCode).Take(&rules).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		rules, err = DefaultInspectionRules(p.DepartmentCode), nil
	}
	if err != nil {
		return workflow.DrawInput{}, err
	}
	q := tx.Model(&InspectionEntity{}).Select("credit_code", "risk_level")
	if p.Industry != "" {
		q = q.Where("industry = ?", p.Industry)
	}
	if rules.ExcludeMonths > 0 {
		q = q.Where("last_inspected_on = '' OR last_inspected_on < ?", FormatDay(CentreDay(now).AddDate(0, -rules.ExcludeMonths, 0)))
	}
	var ents []InspectionEntity
	if err := q.Order("credit_code").Find(&ents).Error; err != nil {
		return workflow.DrawInput{}, err
	}
	in := workflow.DrawInput{Params: workflow.DrawParams{Plan: fmt.Sprintf("%s-%d-%d", p.DepartmentCode, p.Year, p.ID),
		InspectorsPerTask: max(rules.Inspectors, len(p.Departments)), Departments: slices.Clone(p.Departments)}}
	count := map[string]int{}
	for _, e := range ents {
		in.Entities = append(in.Entities, workflow.DrawEntity{ID: e.CreditCode, Stratum: e.RiskLevel})
		count[e.RiskLevel]++
	}
	for _, lvl := range RiskLevels {
		if n := count[lvl]; n > 0 {
			in.Params.Strata = append(in.Params.Strata, workflow.DrawStratum{Name: lvl, Take: (n*rules.Ratio(lvl) + 999) / 1000})
		}
	}
	var xs []Inspector
	if err := tx.Where("status = 'active' AND department_code IN ?", []string(p.Departments)).Order("cert_no").Find(&xs).Error; err != nil {
		return workflow.DrawInput{}, err
	}
	var conflicts []struct {
		InspectorID uint
		CreditCode  string
	}
	if err := tx.Raw(`SELECT c.inspector_id, e.credit_code FROM inspection_conflicts c
		JOIN inspection_entities e ON e.id = c.entity_id`).Scan(&conflicts).Error; err != nil {
		return workflow.DrawInput{}, err
	}
	avoid := map[uint][]string{}
	for _, c := range conflicts {
		avoid[c.InspectorID] = append(avoid[c.InspectorID], c.CreditCode)
	}
	for _, x := range xs {
		in.Inspectors = append(in.Inspectors, workflow.DrawInspector{ID: x.CertNo, Department: x.DepartmentCode, Avoid: avoid[x.ID]})
	}
	in.Normalize()
	return in, nil
}

func writeCandidates(tx *gorm.DB, plan uint, in workflow.DrawInput) error {
	rows := make([]InspectionCandidate, 0, len(in.Entities)+len(in.Inspectors))
	for i, e := range in.Entities {
		rows = append(rows, InspectionCandidate{PlanID: plan, Kind: "entity", Seq: i + 1, Ref: e.ID, Stratum: e.Stratum})
	}
	for i, x := range in.Inspectors {
		rows = append(rows, InspectionCandidate{PlanID: plan, Kind: "inspector", Seq: i + 1, Ref: x.ID,
			Department: x.Department, Avoid: strings.Join(x.Avoid, ",")})
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, 500).Error
}

// InspectionDrawInput returns the frozen input of a committed (or later) plan.
func (s *Store) InspectionDrawInput(ctx context.Context, id uint) (workflow.DrawInput, error) {
	return drawInput(s.read.WithContext(ctx), id)
}

func drawInput(db *gorm.DB, id uint) (workflow.DrawInput, error) {
	var in workflow.DrawInput
	p, err := inspectionPlan(db, id)
	if err != nil {
		return in, err
	}
	if p.State == PlanDraft {
		return in, fmt.Errorf("models: draw input of plan %d: %w", id, ErrPlanState)
	}
	if err := json.Unmarshal([]byte(p.Params), &in.Params); err != nil {
		return in, fmt.Errorf("models: draw parameters of plan %d: %w", id, err)
	}
	var rows []InspectionCandidate
	if err := db.Where("plan_id = ?", id).Order("kind, seq").Find(&rows).Error; err != nil {
		return in, fmt.Errorf("models: candidates of plan %d: %w", id, err)
	}
	for _, r := range rows {
		if r.Kind == "entity" {
			in.Entities = append(in.Entities, workflow.DrawEntity{ID: r.Ref, Stratum: r.Stratum})
			continue
		}
		x := workflow.DrawInspector{ID: r.Ref, Department: r.Department}
		if r.Avoid != "" {
			x.Avoid = strings.Split(r.Avoid, ",")
		}
		in.Inspectors = append(in.Inspectors, x)
	}
	return in, nil
}

// DrawInspectionPlan draws a committed plan's tasks with its committed seed;
// results are due InspectionResultDays working days after the draw.
func (s *Store) DrawInspectionPlan(ctx context.Context, id uint, version int, cal *workflow.Calendar, now time.Time) (*InspectionPlan, error) {
	var out *InspectionPlan
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = drawPlan(tx, id, version, cal, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: draw inspection plan %d: %w", id, err)
	}
	return out, nil
}

// PublishInspectionPlan reveals a drawn plan's seed with its result.
func (s *Store) PublishInspectionPlan(ctx context.Context, id uint, version int, now time.Time) (*InspectionPlan, error) {
	var out *InspectionPlan
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = publishPlan(tx, id, version, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: publish inspection plan %d: %w", id, err)
	}
	return out, nil
}

// InspectionTasks returns a plan's tasks in drawn order with the entities'
// and inspectors' names.
func (s *Store) InspectionTasks(ctx context.Context, plan uint) ([]InspectionTask, error) {
	db := s.read.WithContext(ctx)
	var tasks []InspectionTask
	if err := db.Where("plan_id = ?", plan).Order("seq").Find(&tasks).Error; err != nil {
		return nil, fmt.Errorf("models: inspection tasks %d: %w", plan, err)
	}
	if err := nameTasks(db, tasks); err != nil {
		return nil, fmt.Errorf("models: inspection tasks %d: %w", plan, err)
	}
	return tasks, nil
}

func nameTasks(db *gorm.DB, tasks []InspectionTask) error {
	var codes, certs []string
	for _, t := range tasks {
		codes = append(codes, t.CreditCode)
		certs = append(certs, strings.Split(t.Inspectors, ",")...)
	}
	names := map[string]string{}
	for _, part := range [][]string{codes, certs} {
		for chunk := range slices.Chunk(part, 500) {
			var rows []struct{ Key, Name string }
			if err := db.Raw(`SELECT credit_code AS key, name FROM inspection_entities WHERE credit_code IN ?
				UNION ALL SELECT cert_no, name FROM inspection_inspectors WHERE cert_no IN ?`, chunk, chunk).Scan(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				names[r.Key] = r.Name
			}
		}
	}
	for i := range tasks {
		tasks[i].EntityName = names[tasks[i].CreditCode]
		tasks[i].InspectorNames = nil
		for _, c := range strings.Split(tasks[i].Inspectors, ",") {
			tasks[i].InspectorNames = append(tasks[i].InspectorNames, names[c])
		}
	}
	return nil
}

// InspectionResult is one task's result as the handler checked it.
type InspectionResult struct {
	TaskID  uint
	Version int
	Result  string // one of InspectionResults
	Note    string
	Day     string // YYYY-MM-DD, the day of the inspection
	Actor   string
}

// RecordInspectionResult records (or corrects) a task's result; the first
// record marks the entity inspected and counts the inspection for each inspector.
func (s *Store) RecordInspectionResult(ctx context.Context, r InspectionResult) (*InspectionTask, error) {
	var out *InspectionTask
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = recordResult(tx, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: record inspection result %d: %w", r.TaskID, err)
	}
	return out, nil
}

// InspectionTask returns one task.
func (s *Store) InspectionTask(ctx context.Context, id uint) (*InspectionTask, error) {
	var t InspectionTask
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: inspection task %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: inspection task %d: %w", id, err)
	}
	return &t, nil
}

// EntityInspection is one published inspection of an entity, for its public credit page.
type EntityInspection struct {
	PlanID     uint
	Title      string
	Department string
	DrawnAt    *time.Time
	Result     string // "" while pending
	ResultOn   string
	ResultNote string
}

// EntityInspections returns the inspections of an entity drawn by published plans, newest first.
func (s *Store) EntityInspections(ctx context.Context, code string) ([]EntityInspection, error) {
	var out []EntityInspection
	err := s.read.WithContext(ctx).Raw(`SELECT p.id AS plan_id, p.title, p.department_code AS department, p.drawn_at,
		t.result, t.result_on, t.result_note
		FROM inspection_tasks t JOIN inspection_plans p ON p.id = t.plan_id
		WHERE t.credit_code = ? AND p.state = ? ORDER BY p.drawn_at DESC, t.id DESC`, code, PlanPublished).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: inspections of %q: %w", code, err)
	}
	return out, nil
}

// PublishedDraw returns what a plan has published for verification: the
// frozen input, the digests and commitment, the tasks and, once the plan is
// published, the seed (nil before).
func (s *Store) PublishedDraw(ctx context.Context, id uint) (*InspectionPlan, workflow.DrawInput, workflow.PublishedDraw, error) {
	var pub workflow.PublishedDraw
	p, err := s.InspectionPlan(ctx, id)
	if err != nil {
		return nil, workflow.DrawInput{}, pub, err
	}
	in, err := s.InspectionDrawInput(ctx, id)
	if err != nil {
		return nil, in, pub, err
	}
	pub.Digests = workflow.DrawDigests{Params: p.ParamsSHA256, Entities: p.EntitiesSHA256, Inspectors: p.InspectorsSHA256, Inputs: p.InputsSHA256}
	pub.Commitment = p.Commitment
	if seed := p.PublicSeed(); seed != "" {
		if pub.Seed, err = hex.DecodeString(seed); err != nil {
			return nil, in, pub, fmt.Errorf("models: seed of plan %d: %w", id, err)
		}
	}
	var tasks []InspectionTask
	if err := s.read.WithContext(ctx).Where("plan_id = ?", id).Order("seq").Find(&tasks).Error; err != nil {
		return nil, in, pub, fmt.Errorf("models: tasks of plan %d: %w", id, err)
	}
	for _, t := range tasks {
		pub.Tasks = append(pub.Tasks, workflow.DrawTask{Entity: t.CreditCode, Stratum: t.Stratum, Inspectors: strings.Split(t.Inspectors, ",")})
	}
	return p, in, pub, nil
}

// InspectionCandidateCounts returns how many entities and inspectors a plan froze.
func (s *Store) InspectionCandidateCounts(ctx context.Context, id uint) (entities, inspectors int, err error) {
	var rows []struct {
		Kind string
		N    int
	}
	if err := s.read.WithContext(ctx).Raw("SELECT kind, COUNT(*) AS n FROM inspection_candidates WHERE plan_id = ? GROUP BY kind", id).
		Scan(&rows).Error; err != nil {
		return 0, 0, fmt.Errorf("models: candidates of plan %d: %w", id, err)
	}
	for _, r := range rows {
		if r.Kind == "entity" {
			entities = r.N
		} else {
			inspectors = r.N
		}
	}
	return entities, inspectors, nil
}

func commitPlan(tx *gorm.DB, id uint, version int, seed []byte, now time.Time) (*InspectionPlan, error) {
	if seed == nil {
		seed = make([]byte, 32)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
	}
	p, err := planStep(tx, id, version, PlanDraft)
	if err != nil {
		return nil, err
	}
	in, err := freezeInput(tx, p, now)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := writeCandidates(tx, p.ID, in); err != nil {
		return nil, err
	}
	params, err := json.Marshal(in.Params)
	if err != nil {
		return nil, err
	}
	d := in.Digests()
	at := now.UTC()
	p.State, p.Params, p.Seed, p.Commitment, p.CommittedAt = PlanCommitted, string(params), hex.EncodeToString(seed), workflow.Commitment(seed), &at
	p.ParamsSHA256, p.EntitiesSHA256, p.InspectorsSHA256, p.InputsSHA256 = d.Params, d.Entities, d.Inspectors, d.Inputs
	p.Version++
	return p, tx.Save(p).Error
}

func drawPlan(tx *gorm.DB, id uint, version int, cal *workflow.Calendar, now time.Time) (*InspectionPlan, error) {
	p, err := planStep(tx, id, version, PlanCommitted)
	if err != nil {
		return nil, err
	}
	in, err := drawInput(tx, id)
	if err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(p.Seed)
	if err != nil {
		return nil, err
	}
	tasks, err := workflow.Draw(in, seed)
	if err != nil {
		return nil, err
	}
	rows := make([]InspectionTask, len(tasks))
	for i, t := range tasks {
		rows[i] = InspectionTask{PlanID: id, Seq: i + 1, CreditCode: t.Entity, Stratum: t.Stratum,
			Inspectors: strings.Join(t.Inspectors, ","), Version: 1}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return nil, err
		}
	}
	at := now.UTC()
	p.State, p.DrawnAt, p.Version = PlanDrawn, &at, p.Version+1
	p.ResultsDueOn = FormatDay(cal.AddWorkdays(CentreDay(now), InspectionResultDays))
	return p, tx.Save(p).Error
}

func publishPlan(tx *gorm.DB, id uint, version int, now time.Time) (*InspectionPlan, error) {
	p, err := planStep(tx, id, version, PlanDrawn)
	if err != nil {
		return nil, err
	}
	at := now.UTC()
	p.State, p.PublishedAt, p.Version = PlanPublished, &at, p.Version+1
	return p, tx.Save(p).Error
}

func recordResult(tx *gorm.DB, r InspectionResult) (*InspectionTask, error) {
	var t InspectionTask
	err := tx.Where("id = ?", r.TaskID).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if t.Version != r.Version {
		return nil, ErrConflict
	}
	var state string
	if err := tx.Model(&InspectionPlan{}).Select("state").Where("id = ?", t.PlanID).Scan(&state).Error; err != nil {
		return nil, err
	}
	if state != PlanDrawn && state != PlanPublished {
		return nil, ErrPlanState
	}
	first := t.Result == ""
	t.Result, t.ResultNote, t.ResultOn, t.RecordedBy, t.Version = r.Result, r.Note, r.Day, r.Actor, t.Version+1
	if err := tx.Save(&t).Error; err != nil {
		return nil, err
	}
	if first {
		if err := tx.Model(&InspectionEntity{}).Where("credit_code = ? AND last_inspected_on < ?", t.CreditCode, r.Day).
			Update("last_inspected_on", r.Day).Error; err != nil {
			return nil, err
		}
		if err := tx.Model(&Inspector{}).Where("cert_no IN ?", strings.Split(t.Inspectors, ",")).
			Update("inspections", gorm.Expr("inspections + 1")).Error; err != nil {
			return nil, err
		}
	}
	return &t, nil
}
