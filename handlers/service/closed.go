package service

import (
	"onewindow/models"
	"onewindow/policies"
)

// Reasons an item takes no application, beside the guide's gaps
// (models.Item.FilingGaps: handling_kind, statutory_days, promised_days,
// materials).
const (
	// BlockSubItems: the item is a main item; one applies for a sub-item.
	BlockSubItems = "sub_items"
	// BlockUnstaffed: no account reviews or decides for a department of the
	// item's workflow, so a filing would wait for nobody.
	BlockUnstaffed = "unstaffed"
)

// stageAction is the task action that shows a department can run a stage.
var stageAction = map[string]string{
	models.StageReview: policies.ActReviewPass,
	models.StageDecide: policies.ActApprove,
}

// FilingBlocks lists why a published, retained item filed on application
// takes no application now: the gaps of its guide, then BlockSubItems, then
// BlockUnstaffed. Empty means it is open.
func (s *Service) FilingBlocks(it *models.Item) []string {
	blocks := it.FilingGaps()
	if s.IsMainItem != nil && s.IsMainItem(it.Code) {
		blocks = append(blocks, BlockSubItems)
	}
	if s.Authz != nil && len(s.UnstaffedDepartments(it)) > 0 {
		blocks = append(blocks, BlockUnstaffed)
	}
	return blocks
}

// UnstaffedDepartments lists the departments of the item's workflow in which
// no account may run one of its stages.
func (s *Service) UnstaffedDepartments(it *models.Item) []string {
	var out []string
	for _, d := range models.DefinitionOf(it).Departments {
		for _, stage := range d.Stages {
			act, ok := stageAction[stage]
			if ok && !s.Authz.Staffed(d.Department, policies.ObjTask, act) {
				out = append(out, d.Department)
				break
			}
		}
	}
	return out
}
