package service

import (
	"context"
	"strings"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// ReleaseTask gives who's claim on the department's task of the
// application number back to the department's queue (退回待签收), recorded
// as an event. It needs the release permission in the department; a task
// another user holds is Forbidden; the store refuses a task nobody holds or
// a stale version (version 0 skips the check) as models.ErrConflict, and a
// decided task as workflow.ErrIllegal.
func (s *Service) ReleaseTask(ctx context.Context, who Actor, number, dept string, version int, comment string) (*models.Application, error) {
	if err := s.allow(ctx, who, dept, policies.ObjTask, policies.ActRelease); err != nil {
		return nil, err
	}
	if err := (ActionInput{Comment: comment}).Validate(); err != nil {
		return nil, err
	}
	role, _ := workflow.RoleFor(s.Permissions(who.Username), dept, policies.ObjTask, policies.ActRelease)
	app, err := s.Store.ReleaseTask(ctx, models.ReleaseRequest{Number: number, Department: dept, Actor: who.Username,
		Role: role, Version: version, Comment: strings.TrimSpace(comment), Now: s.Now()})
	return app, actionError(err)
}
