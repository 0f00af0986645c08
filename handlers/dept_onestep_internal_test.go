package handlers

import (
	"testing"

	"onewindow/models"
	"onewindow/workflow"
)

func TestDeptMayDecideInOneStepNeedsEveryStagesRole(t *testing.T) {
	t.Parallel()
	perm := func(role, dept string, verbs ...string) []workflow.Permission {
		var out []workflow.Permission
		for _, v := range verbs {
			out = append(out, workflow.Permission{Role: role, Domain: dept, Obj: "task", Verb: v})
		}
		return out
	}
	reviewer := perm("reviewer", "scj", "claim", "review_pass")
	approver := perm("approver", "scj", "claim", "approve")
	chief := perm("chief", "scj", "claim", "review_pass") // a stage sequence's own role for 复审
	both := append(append([]workflow.Permission{}, reviewer...), approver...)
	plan := []workflow.StageStep{{Name: "初审", Role: "reviewer"}, {Name: "复审", Role: "chief"}, {Name: "决定", Role: "approver"}}
	app := func(plan []workflow.StageStep, state workflow.State, stage workflow.Stage, step int) (*models.Application, models.Task) {
		a := &models.Application{State: state, Definition: models.Definition{Departments: []models.DefinitionDept{{Department: "scj", Plan: plan}}}}
		return a, models.Task{DepartmentCode: "scj", Stage: string(stage), Step: step}
	}
	for _, tt := range []struct {
		name  string
		perms []workflow.Permission
		plan  []workflow.StageStep
		state workflow.State
		stage workflow.Stage
		step  int
		want  bool
	}{
		{"reviewer and approver, default stages", both, nil, workflow.Accepted, workflow.StageReview, 0, true},
		{"reviewer alone", reviewer, nil, workflow.InReview, workflow.StageReview, 0, false},
		{"approver alone", approver, nil, workflow.InReview, workflow.StageReview, 0, false},
		{"at the decision already: the decision's own form", both, nil, workflow.InReview, workflow.StageDecide, 0, false},
		{"suspended", both, nil, workflow.Suspended, workflow.StageReview, 0, false},
		{"another department's roles", perm("reviewer", "zjj", "claim", "review_pass", "approve"), nil, workflow.InReview, workflow.StageReview, 0, false},
		{"sequence without the 复审 role", both, plan, workflow.InReview, workflow.StageReview, 0, false},
		{"sequence with every role", append(append([]workflow.Permission{}, both...), chief...), plan, workflow.InReview, workflow.StageReview, 0, true},
		{"sequence at 复审, chief and approver", append(append([]workflow.Permission{}, chief...), approver...), plan, workflow.InReview, workflow.StageReview, 1, true},
	} {
		a, task := app(tt.plan, tt.state, tt.stage, tt.step)
		if got := mayDecideInOneStep(tt.perms, a, task); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
