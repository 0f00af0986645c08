package service

import (
	"context"

	"onewindow/policies"
)

// ReleaseTask gives who's claim on the department's task of the
// application number back to the department's queue. It needs the claim
// permission in the department; the store refuses, as models.ErrConflict,
// a task that is not claimed by who.
func (s *Service) ReleaseTask(ctx context.Context, who Actor, number, dept string) error {
	if err := s.allow(ctx, who, dept, policies.ObjTask, policies.ActClaim); err != nil {
		return err
	}
	return s.Store.ReleaseTask(ctx, number, dept, who.Username, s.Now())
}
