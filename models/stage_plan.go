package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"onewindow/workflow"
)

// StagePlan is a workflow department's own sequence of stages (初审 → 复审 →
// 决定), stored as JSON; empty is the default review and decide.
type StagePlan []workflow.StageStep

// Value stores the plan as JSON, and an empty plan as NULL (the default).
func (p StagePlan) Value() (driver.Value, error) {
	if len(p) == 0 {
		return nil, nil
	}
	b, err := json.Marshal([]workflow.StageStep(p))
	return string(b), err
}

// Scan reads the plan from JSON; NULL is the empty plan.
func (p *StagePlan) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*p = nil
		return nil
	default:
		return fmt.Errorf("models: scan StagePlan from %T", src)
	}
	var steps []workflow.StageStep
	if err := json.Unmarshal(b, &steps); err != nil {
		return fmt.Errorf("models: scan StagePlan: %w", err)
	}
	*p = steps
	return nil
}

// Rules of a stage sequence.
const (
	// RuleStageRole is a stage whose role does not take stages of its kind
	// (pass one on, or decide for the last).
	RuleStageRole = "stages_role"
	// RuleShareRange is a share outside 0..100 percent.
	RuleShareRange = "stages_share_range"
	// RuleShareSum is a sequence whose shares add up to more than 100 percent.
	RuleShareSum = "stages_share_sum"
)

// StageRoles says which roles may take the stages of a sequence: Pass the
// stages before the last (passed on with review_pass), Decide the last.
// Both nil skip the role check (callers that re-check stored items).
type StageRoles struct {
	Pass   map[string]bool
	Decide map[string]bool
}

// plan checks a department's stage sequence: named stages, each once; a role
// that takes stages of its kind; shares of 0..100 percent adding up to at
// most 100. An empty plan is the default sequence and always valid.
func (v *itemRules) plan(p string, plan StagePlan, roles StageRoles) {
	sum := 0
	for i, st := range plan {
		q := fmt.Sprintf("%splan[%d].", p, i)
		if v.required(q+"name", st.Name) {
			for _, o := range plan[:i] {
				if strings.TrimSpace(o.Name) == strings.TrimSpace(st.Name) {
					v.fail(q+"name", RuleDuplicate, "stage %q is listed twice", st.Name)
				}
			}
		}
		allowed, kind := roles.Pass, "pass a stage on"
		if i == len(plan)-1 {
			allowed, kind = roles.Decide, "decide (the last stage decides)"
		}
		if v.required(q+"role", st.Role) && (roles.Pass != nil || roles.Decide != nil) && !allowed[st.Role] {
			v.fail(q+"role", RuleStageRole, "the role %q of stage %q cannot %s", st.Role, st.Name, kind)
		}
		if st.Share < 0 || st.Share > 100 {
			v.fail(q+"share", RuleShareRange, "the share of stage %q is %d%%, not 0 to 100", st.Name, st.Share)
		}
		sum += st.Share
	}
	if sum > 100 {
		v.fail(p+"plan", RuleShareSum, "the stages' shares add up to %d%%, more than 100", sum)
	}
}

// normalizePlan keeps a department's review and decide stages in step with
// its own sequence, so that the work lists and FirstStage read it as before.
func normalizePlan(d *ItemDepartment) {
	if len(d.Plan) == 0 {
		d.Plan = nil
		return
	}
	for i := range d.Plan {
		d.Plan[i].Name, d.Plan[i].Role = strings.TrimSpace(d.Plan[i].Name), strings.TrimSpace(d.Plan[i].Role)
	}
	d.Stages = workflow.StagesOf(len(d.Plan))
}

// PlanOf is the sequence of stages the application's department dept runs, or nil for
// the default review and decide.
func (a *Application) PlanOf(dept string) []workflow.StageStep {
	for _, d := range a.Definition.Departments {
		if d.Department == dept {
			return d.Plan
		}
	}
	return nil
}

// enterStep moves task to step of its department's sequence: its review or
// decide stage, the stage's name and, for a stage with a share of the
// promised limit, its own due date counted from day.
func enterStep(app *Application, task *Task, step int, cal *workflow.Calendar, day time.Time) {
	plan := app.PlanOf(task.DepartmentCode)
	if len(plan) == 0 {
		return
	}
	st := plan[step]
	task.Step, task.StageName = step, st.Name
	task.Stage = string(workflow.StepStage(len(plan), step))
	task.StageDue = FormatDay(workflow.StageDue(cal, day, st.Share, app.PromisedDays))
}

// StageRole is the role that takes the task's current stage of its
// department's own sequence, "" for the default review and decide.
func (a *Application) StageRole(t Task) string {
	plan := a.PlanOf(t.DepartmentCode)
	if t.Step < len(plan) && workflow.Stage(t.Stage).Open() {
		return plan[t.Step].Role
	}
	return ""
}

// CheckStagePlans checks every workflow department's own sequence of stages
// against the roles that may take them, and returns the problems by field
// ("departments[0].plan[2].role") or nil. The store re-checks an edit
// without the roles, which live in the policy; callers that know the
// policy check them here first.
func CheckStagePlans(it *Item, roles StageRoles) *ValidationError {
	v := &itemRules{out: &ValidationError{}}
	for i, d := range it.Departments {
		v.plan(fmt.Sprintf("departments[%d].", i), d.Plan, roles)
	}
	if len(v.out.Fields) == 0 {
		return nil
	}
	return v.out
}

// keepPlans gives every department of next without a sequence of its own
// the stored department's sequence: a blank plan cell, or a file from before
// the column, must not clear what the item form set.
func keepPlans(next, stored *Item) {
	for i := range next.Departments {
		d := &next.Departments[i]
		if len(d.Plan) > 0 {
			continue
		}
		for _, o := range stored.Departments {
			if o.DepartmentCode == d.DepartmentCode && len(o.Plan) > 0 {
				d.Plan = slices.Clone(o.Plan)
				normalizePlan(d)
			}
		}
	}
}

// shiftStageDues moves the own due dates of the open stages on by the
// working days the clock stood still, as the limits themselves move.
func shiftStageDues(app *Application, cal *workflow.Calendar, days int) {
	if days <= 0 || cal == nil {
		return
	}
	for i := range app.Tasks {
		t := &app.Tasks[i]
		if t.StageDue == "" || !workflow.Stage(t.Stage).Open() {
			continue
		}
		if due := parseDay(t.StageDue); !due.IsZero() {
			t.StageDue = FormatDay(cal.AddWorkdays(due, days))
		}
	}
}
