package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// ActionRequest is one action on an application.
type ActionRequest struct {
	Number     string
	Action     workflow.Action
	Version    int // the version the actor saw; 0 skips the check (the applicant's own actions)
	Actor      string
	Role       string
	Department string            // the acting department, for a department's task
	Comment    string            //
	Fields     map[string]string // the action's fields, checked by workflow.CheckFields
	Checks     map[string]MaterialCheck
	Cal        *workflow.Calendar
	Now        time.Time
	Idem       *Idempotency
	// Caller is who asks, as data: inside the transaction the store checks
	// its query code against the locked application and picks the acting
	// department and role with workflow.ChooseActing. Nil skips both (for
	// trusted callers: set-up code and tests).
	Caller *workflow.Caller
}

// ErrWrongCode is the answer to a query code that does not match the
// application; it is an ErrNotFound, so a wrong code reads like a missing number.
var ErrWrongCode = fmt.Errorf("wrong query code: %w", ErrNotFound)

// FieldsError lists the action fields that are missing or wrong.
type FieldsError struct{ Fields map[string]string }

func (e *FieldsError) Error() string { return "models: action fields are invalid" }

// Act runs one action as one transaction: re-read and lock the application,
// check its version, the transition table and the task's stage, authorize,
// apply the effects, append the chained event. A stale version is
// ErrConflict; an illegal action is workflow.ErrIllegal.
func (s *Store) Act(ctx context.Context, req ActionRequest) (*Application, error) {
	req = s.sealReceiver(req)
	var out *Application
	replayed := false
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		app, err := lockedApplication(tx, req.Number)
		if err != nil {
			return err
		}
		// The query code comes first: a wrong one must not learn the
		// version or the state of the application from a 409.
		if req.Caller != nil && req.Caller.QueryCode != "" && !app.CheckQueryCode(req.Caller.QueryCode) {
			return ErrWrongCode
		}
		if app.Definition, err = s.definition(tx, app.DefinitionID); err != nil {
			return err
		}
		if req.Idem != nil {
			var err error
			if replayed, err = replayAction(tx, req.Idem, app); err != nil || replayed {
				out = app
				return err
			}
		}
		if req.Version != 0 && req.Version != app.Version {
			return fmt.Errorf("version %d is stale, the application is at %d: %w", req.Version, app.Version, ErrConflict)
		}
		if app.BundleFilingID != 0 && slices.Contains(bundleOnly, req.Action) {
			return ErrBundleChild
		}
		if err := applyAction(tx, app, req); err != nil {
			return err
		}
		if req.Idem != nil {
			if err := tx.Exec(`INSERT INTO idempotency_keys (scope, key, request, number, created_at) VALUES (?, ?, ?, ?, ?)`,
				req.Idem.Scope, req.Idem.lookup(), req.Idem.Request, app.Number, req.Now).Error; err != nil {
				return err
			}
		}
		out = app
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: %s application %q: %w", req.Action, req.Number, err)
	}
	if !replayed {
		s.changes.appended(1)
		s.counters.acted(TargetApplication, req.Action)
	}
	s.work.bump(taskDepartments(out)...)
	return out, nil
}

// lockedApplication re-reads the application inside the write transaction
// (which holds SQLite's write lock from its first statement).
func lockedApplication(tx *gorm.DB, number string) (*Application, error) {
	var app Application
	err := tx.Preload("Materials", orderBySort).Preload("Tasks", orderBySort).
		Where("number = ?", number).Take(&app).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &app, err
}

func replayAction(tx *gorm.DB, idem *Idempotency, app *Application) (bool, error) {
	var row struct{ Request, Number string }
	if err := tx.Raw(`SELECT request, number FROM idempotency_keys WHERE scope = ? AND key = ?`, idem.Scope, idem.lookup()).Scan(&row).Error; err != nil {
		return false, err
	}
	if row.Number == "" {
		return false, nil
	}
	if row.Request != idem.Request || row.Number != app.Number {
		return false, ErrIdempotencyMismatch
	}
	return true, nil
}

func applyAction(tx *gorm.DB, app *Application, req ActionRequest) error {
	if req.Fields == nil {
		req.Fields = map[string]string{} // the effects record what they decided here
	}
	rows, err := workflow.Next(app.State, req.Action, app.Facts(req.Department))
	if err != nil {
		return err
	}
	if req.Caller != nil {
		g, err := workflow.ChooseActing(app.Case(), req.Action, rows, *req.Caller)
		if err != nil {
			return err
		}
		req.Department, req.Role = g.Department, g.Role
		// The acting department decides the join condition of the rows.
		if rows, err = workflow.Next(app.State, req.Action, app.Facts(req.Department)); err != nil {
			return err
		}
	}
	var task *Task
	if rows[0].Obj == "task" {
		if task = app.Task(req.Department); task == nil {
			return &workflow.IllegalError{From: app.State, Act: req.Action}
		}
		if _, err := workflow.TaskStage(workflow.Stage(task.Stage), req.Action); err != nil {
			return err
		}
	}
	today := CentreDay(req.Now)
	clock := app.Clock()
	maxExtend := workflow.MaxExtension(app.Joint) - clock.ExtendedDays
	if req.Action == workflow.Extend && clock.ExtendedDays > 0 {
		// 行政许可法 Art. 42: the limit may be extended once.
		return &FieldsError{Fields: map[string]string{"days": workflow.FieldAlreadyExtended}}
	}
	if p := workflow.CheckFields(req.Action, req.Fields, today, maxExtend); len(p) > 0 {
		return &FieldsError{Fields: p}
	}
	if err := applyEffects(tx, app, task, req); err != nil {
		return err
	}
	if err := runClock(tx, app, rows[0].Clock, req, today); err != nil {
		return err
	}
	if err := noteDelivery(tx, app, rows[0].To, req, today); err != nil {
		return err
	}
	if err := saveTasks(tx, app, req.Now); err != nil {
		return err
	}
	ev := eventInput{Actor: req.Actor, Role: req.Role, Department: req.Department, Action: req.Action,
		To: rows[0].To, Comment: req.Comment, Detail: req.Fields, Now: req.Now}
	if err := appendEvent(tx, app, ev); err != nil {
		return err
	}
	if app.BundleFilingID != 0 && !Undecided(app.State) {
		return noteChildDecided(tx, app, req) // 统一发证 waits for the last child
	}
	return nil
}

// runClock applies the transition's effect on the legal clock and records
// in the event what the notices tell: an extension's new deadline, a
// special procedure's days not counted.
func runClock(tx *gorm.DB, app *Application, effect workflow.ClockEffect, req ActionRequest, today time.Time) error {
	clock := app.Clock()
	switch effect {
	case workflow.ClockStart:
		start, err := acceptanceDay(tx, app, req.Cal, today)
		if err != nil {
			return err
		}
		clock.AcceptedOn = start
	case workflow.ClockStop:
		clock = clock.Stop(today)
	case workflow.ClockResume:
		clock = clock.Resume(req.Cal, today)
	case workflow.ClockExtend:
		n, _ := strconv.Atoi(req.Fields["days"])
		clock.ExtendedDays += n
	case workflow.ClockEnd:
		clock = clock.End(req.Cal, today)
	}
	stoppedBefore := app.StoppedDays
	app.setClock(clock, req.Cal, today)
	if err := checkCovered(app, effect, req.Cal); err != nil {
		return err
	}
	switch effect {
	case workflow.ClockExtend:
		// The 延期通知书 tells the new deadline as it stood when granted.
		req.Fields["deadline"] = app.StatutoryDeadline
	case workflow.ClockResume:
		// The 特别程序告知书 tells how many working days were not counted.
		req.Fields["stopped_days"] = strconv.Itoa(app.StoppedDays - stoppedBefore)
		req.Fields["deadline"] = app.StatutoryDeadline
		shiftStageDues(app, req.Cal, app.StoppedDays-stoppedBefore)
	}
	return nil
}

// applyEffects changes what the action changes besides state and clock:
// the checklist, the tasks, the result.
func applyEffects(tx *gorm.DB, app *Application, task *Task, req ActionRequest) error {
	f := req.Fields
	switch req.Action {
	case workflow.Accept, workflow.AcceptPending:
		pending := workflow.SplitList(f["pending"])
		if req.Action == workflow.Accept {
			pending = nil // a plain acceptance leaves nothing to follow
		}
		applyChecks(app, req.Checks, pending)
		pledged, err := pledgeAtAcceptance(tx, app)
		if err != nil {
			return err
		}
		if err := checkAcceptance(app, req.Action, pending); err != nil {
			return err
		}
		if err := saveChecklist(tx, app); err != nil {
			return err
		}
		app.PendingDue = ""
		if req.Action == workflow.AcceptPending {
			due, err := pendingDue(app, req.Cal, CentreDay(req.Now), f["due"])
			if err != nil {
				return err
			}
			f["due"] = due // recorded with the event: the notice and the sweeper read it
			app.PendingDue = due
		} else {
			delete(f, "due") // a plain acceptance has nothing to follow, so no due date
		}
		if !app.Immediate {
			app.Tasks = newTasks(app, req.Now, req.Cal, pledged)
		}
	case workflow.Supplement:
		app.PendingDue = ""
	case workflow.ReceivePending:
		return receivePending(tx, app, workflow.SplitList(f["received"]))
	case workflow.Claim:
		task.ClaimedBy = req.Actor
	case workflow.ReviewPass:
		passStage(app, task, req)
	case workflow.Approve, workflow.Deny:
		if err := decide(app, task, req); err != nil {
			return err
		}
		if app.Result == "approved" && req.Action == workflow.Approve {
			return openPledgeCheck(tx, app, req)
		}
	case workflow.Revoke:
		return revokeForPledge(tx, app, req)
	case workflow.Issue:
		if app.Result == "approved" && strings.TrimSpace(f["result_number"]) == "" {
			return &FieldsError{Fields: map[string]string{"result_number": workflow.FieldRequired}}
		}
		if err := checkPaid(tx, app); err != nil {
			return err
		}
		app.ResultNumber, app.Delivery, app.TrackingNumber = f["result_number"], f["delivery"], f["tracking_number"]
	case workflow.Withdraw, workflow.Terminate:
		if f["rule"] == RulePendingOverdue {
			// The sweeper's termination holds only while the pledge is still broken.
			if app.PendingDue == "" || app.PendingDue >= FormatDay(CentreDay(req.Now)) || len(app.PendingMaterials()) == 0 {
				return ErrConflict
			}
			f["pending"] = pendingKeys(app)
		}
		closeTasks(app, "", req.Now)
	}
	return nil
}

// decide records one department's decision; the join is the transition
// table's LastDecision row, and a denial closes every other task.
func decide(app *Application, task *Task, req ActionRequest) error {
	now := req.Now
	result := "approved"
	if req.Action == workflow.Deny {
		result = "denied"
	}
	if task != nil {
		if task.StageName != "" {
			req.Fields["stage"] = task.StageName // the timeline names the stage that decided
		}
		task.Stage, task.DecidedBy, task.DecidedAt, task.Comment = result, req.Actor, &now, req.Fields["reason"]
	}
	if req.Action == workflow.Deny {
		app.Result = "denied"
		closeTasks(app, req.Department, now)
		return nil
	}
	if app.Facts(req.Department).PendingDecisions == 0 {
		app.Result = "approved"
	}
	return nil
}

// Case is what workflow.ChooseActing reads of the application.
func (a *Application) Case() workflow.Case {
	c := workflow.Case{Department: a.DepartmentCode, ApplicantID: a.ApplicantIDNumber,
		Tasks: make([]workflow.TaskState, len(a.Tasks))}
	for i, t := range a.Tasks {
		c.Tasks[i] = workflow.TaskState{Department: t.DepartmentCode, Stage: workflow.Stage(t.Stage),
			StageName: t.StageName, StageRole: a.StageRole(t)}
	}
	return c
}

func closeTasks(app *Application, except string, now time.Time) {
	for i := range app.Tasks {
		t := &app.Tasks[i]
		if t.DepartmentCode != except && workflow.Stage(t.Stage).Open() {
			t.Stage = string(workflow.StageClosed)
			t.UpdatedAt = now
		}
	}
}

// newTasks starts every department's task at the first stage of its
// sequence: its own first stage, or review (decide when it has no review).
// On a pledge (告知承诺) the proofs are replaced by the pledge, so each
// department decides without a review: at its sequence's deciding stage.
func newTasks(app *Application, now time.Time, cal *workflow.Calendar, pledged bool) []Task {
	tasks := make([]Task, len(app.Definition.Departments))
	for i, d := range app.Definition.Departments {
		stages, step := StringList(d.Stages), 0
		if pledged {
			stages = StringList{string(workflow.StageDecide)}
			if plan := app.PlanOf(d.Department); len(plan) > 0 {
				step = len(plan) - 1
			}
		}
		tasks[i] = Task{ApplicationID: app.ID, DepartmentCode: d.Department, Sort: i + 1, Stages: stages,
			Stage: string(workflow.FirstStage(stages)), CreatedAt: now, UpdatedAt: now}
		enterStep(app, &tasks[i], step, cal, CentreDay(now))
	}
	return tasks
}

// passStage passes the task's stage on: the default review goes to the
// decision; a stage of the department's own sequence goes to the next one,
// and the event names both for the timeline.
func passStage(app *Application, task *Task, req ActionRequest) {
	task.ClaimedBy = ""
	plan := app.PlanOf(task.DepartmentCode)
	if len(plan) == 0 {
		task.Stage = string(workflow.StageDecide)
		return
	}
	next, _ := workflow.PassStep(len(plan), task.Step) // TaskStage let only a review stage pass
	req.Fields["stage"] = task.StageName
	enterStep(app, task, next, req.Cal, CentreDay(req.Now))
	req.Fields["next_stage"] = task.StageName
}

func saveTasks(tx *gorm.DB, app *Application, now time.Time) error {
	for i := range app.Tasks {
		t := &app.Tasks[i]
		t.PromisedDeadline = app.PromisedDeadline
		t.UpdatedAt = now
		if err := tx.Save(t).Error; err != nil {
			return err
		}
	}
	return nil
}

// applyChecks sets the checklist as the clerk left it; a material received
// is never pending.
func applyChecks(app *Application, checks map[string]MaterialCheck, pending []string) {
	for i := range app.Materials {
		m := &app.Materials[i]
		if c, ok := checks[m.MaterialKey]; ok {
			m.Provided, m.Kind, m.Copies = c.Provided, c.Kind, c.Copies
		}
		m.Pending = !m.Provided && slices.Contains(pending, m.MaterialKey)
	}
}

func saveChecklist(tx *gorm.DB, app *Application) error {
	for i := range app.Materials {
		if err := tx.Save(&app.Materials[i]).Error; err != nil {
			return err
		}
	}
	return nil
}

// noticeDays is how long the window has to tell the applicant what is
// missing (行政许可法 Art. 32: on the spot or within five days).
const noticeDays = 5

// acceptanceDay is the clock's day 0. An application the window neither
// accepted nor sent a one-time notice for within five working days counts
// as accepted on the day it was received (Art. 32).
func acceptanceDay(tx *gorm.DB, app *Application, cal *workflow.Calendar, today time.Time) (time.Time, error) {
	received := CentreDay(app.SubmittedAt)
	if cal.WorkdaysBetween(received, today) <= noticeDays {
		return today, nil
	}
	var notices int64
	err := tx.Model(&Event{}).Where("application_id = ? AND action = ?", app.ID, workflow.RequestSupplement).Count(&notices).Error
	if err != nil || notices > 0 {
		return today, err
	}
	return received, nil
}

// checkCovered refuses a clock change whose deadline falls beyond the years
// the working-day calendar covers: counted there, it would silently treat
// that year as having no holidays.
func checkCovered(app *Application, effect workflow.ClockEffect, cal *workflow.Calendar) error {
	switch effect {
	case workflow.ClockStart, workflow.ClockExtend, workflow.ClockResume:
	default:
		return nil
	}
	for _, d := range []string{app.StatutoryDeadline, app.PromisedDeadline} {
		if d != "" && !cal.Covers(parseDay(d)) {
			return &FieldsError{Fields: map[string]string{"deadline": workflow.FieldBeyondCalendar}}
		}
	}
	return nil
}
