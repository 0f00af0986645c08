package service

import (
	"onewindow/models"
	"onewindow/policies"
)

// StageRoles are the roles the policy lets take the stages of an item's own
// sequence: pass a stage on (task:review_pass) and decide (task:approve).
func StageRoles(a *policies.Authorizer) models.StageRoles {
	out := models.StageRoles{Pass: map[string]bool{}, Decide: map[string]bool{}}
	for _, r := range policies.AllRoles() {
		if ok, _ := a.RoleCan(r, policies.ObjTask, policies.ActReviewPass); ok {
			out.Pass[string(r)] = true
		}
		if ok, _ := a.RoleCan(r, policies.ObjTask, policies.ActApprove); ok {
			out.Decide[string(r)] = true
		}
	}
	return out
}

// checkStages refuses a stage sequence that names a role the policy does
// not let take that stage (the store checks the rest of the item).
func (s *Service) checkStages(it *models.Item) error {
	if ve := models.CheckStagePlans(it, StageRoles(s.Authz)); ve != nil {
		return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: ve.Fields, Err: ve}
	}
	return nil
}
