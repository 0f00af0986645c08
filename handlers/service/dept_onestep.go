package service

import (
	"context"
	"strings"

	"onewindow/models"
	"onewindow/workflow"
)

// DecideInOneStep takes the department's task of the application number
// from where it stands to the decision act (approve or deny) in one
// submission (审核并决定), for one who holds the roles of every stage on the
// way: the store records the claims, passes and the decision as the
// separate steps would and authorizes each for its stage.
func (s *Service) DecideInOneStep(ctx context.Context, who Actor, number string, act workflow.Action, version int, in ActionInput) (*models.Application, error) {
	if act != workflow.Approve && act != workflow.Deny {
		return nil, invalid(map[string]string{"decision": "must be approve or deny"})
	}
	if strings.TrimSpace(in.Department) == "" {
		return nil, invalid(map[string]string{"department": "is required: the department whose task is decided"})
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	caller, actor, err := s.caller(Actor{Username: who.Username}, in.Department)
	if err != nil {
		return nil, err
	}
	app, err := s.Store.ActOneStep(ctx, models.ActionRequest{Number: number, Action: act, Version: version, Actor: actor,
		Comment: strings.TrimSpace(in.Comment), Fields: in.Fields, Cal: s.Cal, Now: s.Now(),
		Department: strings.TrimSpace(in.Department), Caller: caller})
	return app, actionError(err)
}
