package handlers

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// A workflow department's own sequence of stages in the service-guide form:
// a row table inside the department's row (cells "d0p1_name"), with blank
// rows for adding, a remove box and an order number for reordering, like
// the form's other tables. No stage rows keeps the default review and decide.

// blankStageRows is how many empty stage rows each department row offers.
const blankStageRows = 2

// stagesPlanRow is one stage of a department's sequence as the form shows it.
type stagesPlanRow struct {
	workflow.StageStep
	ShareText string // the share as typed ("" for none)
	guideRowState
}

// stagesRoleChoices are the roles a stage may name: those that pass a
// stage on (task:review_pass) or decide (task:approve).
func (s *Server) stagesRoleChoices(c *gin.Context) []itemChoice {
	lang := langOf(c)
	roles := s.stagesKnownRoles()
	var out []itemChoice
	for _, r := range policies.AllRoles() {
		if roles.Pass[string(r)] || roles.Decide[string(r)] {
			out = append(out, itemChoice{Value: string(r), Label: s.site.TOr(lang, "admin.role."+string(r), string(r))})
		}
	}
	return out
}

// stagesKnownRoles are the roles the policy lets pass a stage and decide.
func (s *Server) stagesKnownRoles() models.StageRoles { return service.StageRoles(s.authz) }

// stagesRows is the form rows of a stored sequence (addBlankRows adds the blank ones).
func stagesRows(plan models.StagePlan) []stagesPlanRow {
	var out []stagesPlanRow
	for i, st := range plan {
		r := stagesPlanRow{StageStep: st, guideRowState: guideRowState{Order: strconv.Itoa(i + 1)}}
		if st.Share > 0 {
			r.ShareText = strconv.Itoa(st.Share)
		}
		out = append(out, r)
	}
	return out
}

// withBlankStages appends times the usual number of blank stage rows.
func withBlankStages(rows []stagesPlanRow, times int) []stagesPlanRow {
	for range blankStageRows * times {
		rows = append(rows, stagesPlanRow{guideRowState: guideRowState{Blank: true}})
	}
	return rows
}

// readStages reads department row i's stage rows: the rows as typed, and the
// sequence of the kept ones in the order of their order numbers.
func readStages(f guideFormReader, i int) ([]stagesPlanRow, []int, models.StagePlan) {
	p := "d" + strconv.Itoa(i) + "p"
	rows, kept := readRows(f, rowCount(f.str(p+"_rows")), "departments", func(j int) stagesPlanRow {
		r := stagesPlanRow{guideRowState: newRowState(f, p, j), StageStep: workflow.StageStep{
			Name: strings.TrimSpace(f.cell(p, j, "name")), Role: f.cell(p, j, "role")}}
		r.ShareText = strings.TrimSpace(f.cell(p, j, "share"))
		r.Share = rowNumber(f, r.ShareText, &r.guideRowState, "share", "departments")
		r.Blank = r.Name == "" && r.Role == "" && r.ShareText == ""
		return r
	}, func(r *stagesPlanRow) *guideRowState { return &r.guideRowState })
	plan := pick(rows, kept, func(r stagesPlanRow) workflow.StageStep { return r.StageStep })
	return rows, kept, plan
}

// stagesField is a model error on a department's sequence:
// "departments[0].plan[1].role" or "departments[0].plan".
var stagesField = regexp.MustCompile(`^departments\[(\d+)\]\.plan\[(\d+)\]\.(\w+)$`)

// setStagesError puts an error on a stage's cell; false when field is not one.
func (sub *guideSubmission) setStagesError(field, msg string) bool {
	m := stagesField.FindStringSubmatch(field)
	if m == nil {
		return false
	}
	d, _ := strconv.Atoi(m[1])
	j, _ := strconv.Atoi(m[2])
	if d >= len(sub.deptOf) {
		return false
	}
	row := &sub.workflow[sub.deptOf[d]]
	if j >= len(row.stageOf) {
		return false
	}
	row.StageRows[row.stageOf[j]].Errors[m[3]] = msg
	return true
}

// stagesLabel names a task's stage: the stage of the item's own sequence
// while the task is open at it, otherwise the stage's usual label.
func stagesLabel(s *Server, lang, stage, name string) string {
	if name != "" && workflow.Stage(stage).Open() {
		return name
	}
	return s.site.T(lang, "office.stage."+stage)
}

// stagesPerms narrows perms to the role of the task's current stage for the
// actions only that role takes (claim, pass, decide), as the store does.
func stagesPerms(perms []workflow.Permission, app *models.Application, t models.Task, act workflow.Action) []workflow.Permission {
	switch act {
	case workflow.Claim, workflow.ReviewPass, workflow.Approve, workflow.Deny:
		return workflow.OnlyRole(perms, app.StageRole(t))
	}
	return perms
}

// stagesTimelineLabel is how the applicant's timeline names an event: a
// stage of the item's own sequence by its name ("初审 通过", "决定：准予许可").
func (s *Server) stagesTimelineLabel(lang string, a *models.Application, e models.Event) string {
	label := s.site.T(lang, actionKey(a.Terms(), e.Action))
	stage := e.Fields()["stage"]
	switch {
	case stage == "":
		return label
	case e.Action == workflow.ReviewPass:
		return s.site.T(lang, "stages.timeline.passed", stage)
	case e.Action == workflow.Approve || e.Action == workflow.Deny:
		return s.site.T(lang, "stages.timeline.decided", stage, label)
	}
	return label
}

// stagesSequence writes a sequence of stages as "初审 → 复审 → 决定".
func stagesSequence(plan []workflow.StageStep) string {
	names := make([]string, len(plan))
	for i, st := range plan {
		names[i] = st.Name
	}
	return strings.Join(names, " → ")
}
