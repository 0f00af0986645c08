package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// ActionRelease is the event a claimed task given back to its department's
// queue appends (退回待签收). It is no transition: the state stays.
const ActionRelease workflow.Action = "release"

// ReleaseRequest gives a claim on a department's task back.
type ReleaseRequest struct {
	Number     string
	Department string
	Actor      string
	Role       string // the role that allows the release, recorded with the event
	Version    int    // the version the actor saw; 0 skips the check
	Comment    string
	Now        time.Time
}

// ReleaseTask gives the actor's claim on the department's task back to the
// queue and records it as an event of the application's chain (the state
// stays, the version moves on). A task another user holds is refused as a
// *workflow.ForbiddenError; a decided or closed task as a
// *workflow.IllegalError; a task nobody holds, or a stale version, as
// ErrConflict; a department without a task of the application as ErrNotFound.
func (s *Store) ReleaseTask(ctx context.Context, r ReleaseRequest) (*Application, error) {
	var out *Application
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		app, err := lockedApplication(tx, r.Number)
		if err != nil {
			return err
		}
		if r.Version != 0 && r.Version != app.Version {
			return fmt.Errorf("version %d is stale, the application is at %d: %w", r.Version, app.Version, ErrConflict)
		}
		task := app.Task(r.Department)
		switch {
		case task == nil:
			return ErrNotFound
		case !workflow.Stage(task.Stage).Open():
			return &workflow.IllegalError{From: workflow.State("task:" + task.Stage), Act: ActionRelease}
		case task.ClaimedBy == "":
			return fmt.Errorf("nobody holds the task: %w", ErrConflict)
		case task.ClaimedBy != r.Actor:
			return &workflow.ForbiddenError{Act: ActionRelease}
		}
		task.ClaimedBy, task.UpdatedAt = "", r.Now
		if err := tx.Save(task).Error; err != nil {
			return err
		}
		ev := eventInput{Actor: r.Actor, Role: r.Role, Department: r.Department, Action: ActionRelease,
			To: app.State, Comment: r.Comment, Now: r.Now}
		if err := appendEvent(tx, app, ev); err != nil {
			return err
		}
		out = app
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: release the task of %s in %s: %w", r.Number, r.Department, err)
	}
	s.changes.appended(1)
	s.counters.acted(TargetApplication, ActionRelease)
	s.work.bump(r.Department)
	return out, nil
}

// TaskRef names a department's task: its application and department.
type TaskRef struct {
	Number     string
	Department string
}

// TaskRef returns the application number and department of the task id, or ErrNotFound.
func (s *Store) TaskRef(ctx context.Context, id uint) (TaskRef, error) {
	var out []TaskRef
	err := s.read.WithContext(ctx).Raw(`SELECT a.number, t.department_code AS department FROM application_tasks AS t
		JOIN applications AS a ON a.id = t.application_id WHERE t.id = ?`, id).Scan(&out).Error
	if err != nil {
		return TaskRef{}, fmt.Errorf("models: task %d: %w", id, err)
	}
	if len(out) == 0 {
		return TaskRef{}, fmt.Errorf("models: task %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}
