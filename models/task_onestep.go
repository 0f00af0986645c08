package models

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// ErrNotOneStep is a one-step decision asked with an action other than
// approve or deny, or without the acting department.
var ErrNotOneStep = errors.New("models: a one-step decision approves or denies one department's task")

// oneStepMax bounds the steps of a one-step decision: a claim, then a pass
// and a claim for each review stage, then the decision.
const oneStepMax = 32

// ActOneStep takes one department's task from where it stands to the
// decision req.Action (approve or deny) in one transaction, as the steps
// taken one by one would: 签收 where the actor does not hold the task, 审核
// 通过 of each review stage followed by the next stage's 签收, then the
// decision. Each step is its own action, authorized for its stage
// (workflow.ChooseActing with the stage's role) and recorded as its own
// event, so the chain reads the same as the separate submissions; a step the
// actor may not take refuses the whole and nothing changes. req.Caller and
// req.Department are required; the version is checked once, before the first step.
func (s *Store) ActOneStep(ctx context.Context, req ActionRequest) (*Application, error) {
	if (req.Action != workflow.Approve && req.Action != workflow.Deny) || req.Caller == nil || req.Department == "" {
		return nil, ErrNotOneStep
	}
	var out *Application
	var acted []workflow.Action
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		acted = nil // a retried transaction starts again
		app, err := lockedApplication(tx, req.Number)
		if err != nil {
			return err
		}
		if app.Definition, err = s.definition(tx, app.DefinitionID); err != nil {
			return err
		}
		if req.Version != 0 && req.Version != app.Version {
			return fmt.Errorf("version %d is stale, the application is at %d: %w", req.Version, app.Version, ErrConflict)
		}
		for range oneStepMax {
			task := app.Task(req.Department)
			if task == nil {
				return &workflow.IllegalError{From: app.State, Act: req.Action}
			}
			step := oneStepNext(task, req.Actor, req.Action)
			if app.BundleFilingID != 0 && slices.Contains(bundleOnly, step) {
				return ErrBundleChild
			}
			if err := applyAction(tx, app, oneStepRequest(req, step)); err != nil {
				return err
			}
			acted = append(acted, step)
			if step == req.Action {
				out = app
				return nil
			}
		}
		return &workflow.IllegalError{From: app.State, Act: req.Action}
	})
	if err != nil {
		return nil, fmt.Errorf("models: %s application %q in one step: %w", req.Action, req.Number, err)
	}
	s.changes.appended(int64(len(acted)))
	for _, a := range acted {
		s.counters.acted(TargetApplication, a)
	}
	s.work.bump(taskDepartments(out)...)
	return out, nil
}

// oneStepNext is the next step of a one-step decision on task.
func oneStepNext(task *Task, actor string, decision workflow.Action) workflow.Action {
	switch {
	case task.ClaimedBy != actor:
		return workflow.Claim
	case workflow.Stage(task.Stage) == workflow.StageReview:
		return workflow.ReviewPass
	}
	return decision
}

// oneStepRequest is the request of one step: the decision carries the
// comment and the fields given; the claims and passes carry none.
func oneStepRequest(req ActionRequest, step workflow.Action) ActionRequest {
	r := req
	r.Action, r.Idem = step, nil
	if step != req.Action {
		r.Comment, r.Fields = "", map[string]string{}
	} else {
		r.Fields = make(map[string]string, len(req.Fields))
		for k, v := range req.Fields {
			r.Fields[k] = v
		}
	}
	if req.Caller != nil {
		c := *req.Caller
		c.Department = req.Department
		r.Caller = &c
	}
	return r
}
