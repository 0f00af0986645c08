package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// NewEvaluation is one rating as the handler checked it: level 1..5, known
// tags, a bounded comment.
type NewEvaluation struct {
	Number    string
	QueryCode string // checked against the application when not empty
	Source    string // SourceOnline or SourceWindow
	Clerk     string // the window clerk, for SourceWindow
	Level     int
	Tags      []string
	Comment   string
	Cal       *workflow.Calendar
	DueDays   int // working days to close a 差评's case; 0 means DefaultRectificationDays
	Now       time.Time
}

// evaluable reports whether an application may be rated from source: after
// completion, or at the window once it was accepted.
func evaluable(state workflow.State, acceptedOn, source string) bool {
	if state == workflow.Completed {
		return true
	}
	return source == SourceWindow && acceptedOn != "" && state != workflow.Withdrawn && state != workflow.Terminated
}

// Evaluate records a rating in one transaction; a 差评 opens its
// rectification case with the due day in working days. A second rating is
// ErrAlreadyEvaluated; a rating too early is ErrNotEvaluable; a wrong query
// code is ErrWrongCode.
func (s *Store) Evaluate(ctx context.Context, ne NewEvaluation) (*Evaluation, error) {
	var out *Evaluation
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var app Application
		err := tx.Select("id", "number", "query_code_hash", "item_code", "item_name", "department_code", "state", "accepted_on").
			Where("number = ?", ne.Number).Take(&app).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if ne.QueryCode != "" && !app.CheckQueryCode(ne.QueryCode) {
			return ErrWrongCode
		}
		var n int64
		if err := tx.Model(&Evaluation{}).Where("application_id = ?", app.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadyEvaluated
		}
		if !evaluable(app.State, app.AcceptedOn, ne.Source) {
			return ErrNotEvaluable
		}
		now := ne.Now.UTC().Truncate(time.Microsecond)
		e := Evaluation{ApplicationID: app.ID, Number: app.Number, ItemCode: app.ItemCode, ItemName: app.ItemName,
			DepartmentCode: app.DepartmentCode, Source: ne.Source, Clerk: ne.Clerk, Level: ne.Level,
			Tags: StringList(append([]string{}, ne.Tags...)), Comment: ne.Comment, CreatedAt: now}
		if err := tx.Create(&e).Error; err != nil {
			if isUniqueViolation(err) {
				return ErrAlreadyEvaluated
			}
			return err
		}
		if PoorLevel(e.Level) {
			days := ne.DueDays
			if days <= 0 {
				days = DefaultRectificationDays
			}
			c := RectificationCase{EvaluationID: e.ID, DepartmentCode: e.DepartmentCode, State: CaseOpen,
				DueOn: FormatDay(ne.Cal.AddWorkdays(CentreDay(now), days)), Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&c).Error; err != nil {
				return err
			}
			st := RectificationStep{CaseID: c.ID, Seq: 1, Step: StepOpen, Actor: "applicant", Note: e.Comment, At: now}
			if err := tx.Create(&st).Error; err != nil {
				return err
			}
			c.Steps = []RectificationStep{st}
			e.Case = &c
		}
		out = &e
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: evaluate %q: %w", ne.Number, err)
	}
	return out, nil
}

// EvaluationOf returns the evaluation of an application with its case and
// steps; ErrNotFound when it has none.
func (s *Store) EvaluationOf(ctx context.Context, number string) (*Evaluation, error) {
	return s.evaluation(s.read.WithContext(ctx), "number = ?", number)
}

// CaseEvaluation returns the evaluation whose rectification case is id.
func (s *Store) CaseEvaluation(ctx context.Context, id uint) (*Evaluation, error) {
	db := s.read.WithContext(ctx)
	var evID uint
	if err := db.Model(&RectificationCase{}).Select("evaluation_id").Where("id = ?", id).Scan(&evID).Error; err != nil {
		return nil, fmt.Errorf("models: case %d: %w", id, err)
	}
	if evID == 0 {
		return nil, fmt.Errorf("models: case %d: %w", id, ErrNotFound)
	}
	return s.evaluation(db, "id = ?", evID)
}

func (s *Store) evaluation(db *gorm.DB, cond string, arg any) (*Evaluation, error) {
	var e Evaluation
	err := db.Where(cond, arg).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: evaluation: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: evaluation: %w", err)
	}
	var c RectificationCase
	err = db.Preload("Steps", func(db *gorm.DB) *gorm.DB { return db.Order("seq") }).
		Where("evaluation_id = ?", e.ID).Take(&c).Error
	switch {
	case err == nil:
		e.Case = &c
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, fmt.Errorf("models: evaluation case: %w", err)
	}
	return &e, nil
}

// CaseStep is one step a department takes on a rectification case.
type CaseStep struct {
	CaseID  uint
	Step    string // the step the case's state takes next (NextStep)
	Version int    // the version the actor saw
	Actor   string
	Note    string // required: what was verified, the reply, the rectification, the closing note
	Now     time.Time
}

// ErrWrongStep is a step that is not the case's next one.
var ErrWrongStep = errors.New("this step is not the case's next one")

// AdvanceCase records the next step of a case in one transaction. A stale
// version is ErrConflict; a step out of order is ErrWrongStep.
func (s *Store) AdvanceCase(ctx context.Context, cs CaseStep) (*RectificationCase, error) {
	var out RectificationCase
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		err := tx.Where("id = ?", cs.CaseID).Take(&out).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if cs.Version != out.Version {
			return ErrConflict
		}
		next, ok := caseSteps[out.State]
		if !ok || next.step != cs.Step {
			return ErrWrongStep
		}
		var seq int
		if err := tx.Model(&RectificationStep{}).Select("COALESCE(MAX(seq), 0)").Where("case_id = ?", out.ID).Scan(&seq).Error; err != nil {
			return err
		}
		now := cs.Now.UTC().Truncate(time.Microsecond)
		st := RectificationStep{CaseID: out.ID, Seq: seq + 1, Step: cs.Step, Actor: cs.Actor, Note: cs.Note, At: now}
		if err := tx.Create(&st).Error; err != nil {
			return err
		}
		upd := map[string]any{"state": next.to, "version": out.Version + 1, "updated_at": now}
		if cs.Step == StepReply {
			upd["reply"] = cs.Note
		}
		if cs.Step == StepClose {
			upd["closed_on"] = FormatDay(CentreDay(now))
		}
		res := tx.Model(&RectificationCase{}).Where("id = ? AND version = ?", out.ID, out.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		if cs.Step == StepReply {
			if err := queueReplyNotice(tx, out, now); err != nil {
				return err
			}
		}
		return tx.Where("id = ?", out.ID).Take(&out).Error
	})
	if err != nil {
		return nil, fmt.Errorf("models: case %d %s: %w", cs.CaseID, cs.Step, err)
	}
	return &out, nil
}

// EvaluationFilter selects evaluations for supervisors and departments.
type EvaluationFilter struct {
	LevelMax    int      // 1..5; 0 for every level
	Departments []string // empty or containing "*" for every department
	State       string   // "none" (no case), a case state, "overdue", or "" for all
	Today       time.Time
	Page        int
	PageSize    int
}

// EvaluationRow is one evaluation in a list, with its case's state, due day and reply.
type EvaluationRow struct {
	ID             uint
	Number         string
	ItemCode       string
	ItemName       string
	DepartmentCode string
	Source         string
	Level          int
	Tags           StringList
	Comment        string
	CreatedAt      time.Time
	CaseID         uint   // 0 without a case
	CaseState      string // "" without a case
	DueOn          string
	Reply          string
	CaseVersion    int
}

// Evaluations lists evaluations newest first and counts the selection.
func (s *Store) Evaluations(ctx context.Context, f EvaluationFilter) ([]EvaluationRow, int, error) {
	f.Page, f.PageSize = max(f.Page, 1), min(max(f.PageSize, 1), 200)
	conds, args := []string{"1 = 1"}, []any{}
	if f.LevelMax > 0 {
		conds, args = append(conds, "e.level <= ?"), append(args, f.LevelMax)
	}
	if len(f.Departments) > 0 && !containsAll(f.Departments) {
		conds, args = append(conds, "e.department_code IN ?"), append(args, f.Departments)
	}
	switch f.State {
	case "":
	case "none":
		conds = append(conds, "c.id IS NULL")
	case "overdue":
		conds, args = append(conds, "c.state <> 'closed' AND c.due_on < ?"), append(args, FormatDay(f.Today))
	default:
		conds, args = append(conds, "c.state = ?"), append(args, f.State)
	}
	from := ` FROM evaluations e LEFT JOIN rectification_cases c ON c.evaluation_id = e.id WHERE ` + strings.Join(conds, " AND ")
	db := s.read.WithContext(ctx)
	var total int
	if err := db.Raw(`SELECT COUNT(*)`+from, args...).Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: evaluations: %w", err)
	}
	var rows []EvaluationRow
	q := `SELECT e.id, e.number, e.item_code, e.item_name, e.department_code, e.source, e.level, e.tags, e.comment, e.created_at,
		COALESCE(c.id, 0) AS case_id, COALESCE(c.state, '') AS case_state, COALESCE(c.due_on, '') AS due_on,
		COALESCE(c.reply, '') AS reply, COALESCE(c.version, 0) AS case_version` + from + ` ORDER BY e.id DESC LIMIT ? OFFSET ?`
	if err := db.Raw(q, append(args, f.PageSize, (f.Page-1)*f.PageSize)...).Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("models: evaluations: %w", err)
	}
	return rows, total, nil
}

func containsAll(depts []string) bool {
	for _, d := range depts {
		if d == "*" {
			return true
		}
	}
	return false
}

// Satisfaction is the 好差评 tally of a department or an item.
type Satisfaction struct {
	Key   string // the department or item code
	Name  string // the item's name (items only)
	Total int
	Good  int // levels 3..5 (好评)
	Poor  int // levels 1..2 (差评)
}

// SatisfactionBy tallies evaluations per department (by "department") or per
// item (by "item", of one department when dept is not ""), most rated first.
func (s *Store) SatisfactionBy(ctx context.Context, by, dept string, limit int) ([]Satisfaction, error) {
	col, name := "department_code", "''"
	if by == "item" {
		col, name = "item_code", "MAX(item_name)"
	}
	q := `SELECT ` + col + ` AS key, ` + name + ` AS name, COUNT(*) AS total,
		SUM(CASE WHEN level >= 3 THEN 1 ELSE 0 END) AS good, SUM(CASE WHEN level <= 2 THEN 1 ELSE 0 END) AS poor
		FROM evaluations`
	var args []any
	if dept != "" {
		q, args = q+` WHERE department_code = ?`, append(args, dept)
	}
	q += ` GROUP BY ` + col + ` ORDER BY total DESC, key LIMIT ?`
	var out []Satisfaction
	if err := s.read.WithContext(ctx).Raw(q, append(args, limit)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: satisfaction: %w", err)
	}
	return out, nil
}

// ClerkLatestApplication is the number of the application a window clerk
// acted on last (what the evaluation tablet beside the window shows);
// ErrNotFound when the clerk has acted on none.
func (s *Store) ClerkLatestApplication(ctx context.Context, clerk string) (string, error) {
	var number string
	err := s.read.WithContext(ctx).Raw(`SELECT a.number FROM application_events e JOIN applications a ON a.id = e.application_id
		WHERE e.actor = ? ORDER BY e.id DESC LIMIT 1`, clerk).Scan(&number).Error
	if err != nil {
		return "", fmt.Errorf("models: clerk's application: %w", err)
	}
	if number == "" {
		return "", fmt.Errorf("models: clerk's application: %w", ErrNotFound)
	}
	return number, nil
}
