package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// deptOneStep is the 审核并决定 form of the processing page: one submission
// that claims, passes every review stage and decides a department's task.
// It is offered for the departments where the user holds the role of every
// stage from the current one to the decision.
type deptOneStep struct {
	Departments []option
	Values      map[string]string
	Errors      map[string]string // field → locale key
}

// deptTaskForms fills the processing page's one-step and release forms.
func (s *Server) deptTaskForms(c *gin.Context, app *models.Application, p *taskPage, name func(string) string) {
	perms := s.permissionsOf(c)
	me := principalOf(c).user.Username
	// The work list links a task with its department: the form starts there.
	one := &deptOneStep{Values: map[string]string{"department": c.Query("department")}, Errors: map[string]string{}}
	for _, t := range app.Tasks {
		if mayDecideInOneStep(perms, app, t) {
			one.Departments = append(one.Departments, option{Value: t.DepartmentCode, Label: name(t.DepartmentCode)})
		}
		if t.ClaimedBy == me && workflow.Stage(t.Stage).Open() {
			if _, ok := workflow.RoleFor(perms, t.DepartmentCode, policies.ObjTask, policies.ActRelease); ok {
				p.Release = append(p.Release, option{Value: t.DepartmentCode, Label: name(t.DepartmentCode)})
			}
		}
	}
	if len(one.Departments) > 0 {
		p.OneStep = one
	}
}

// mayDecideInOneStep reports whether perms take every stage of the task from
// its review stage to the decision: 签收 and 审核通过 of each review stage,
// 签收 and the decision of the last, each with the stage's role.
func mayDecideInOneStep(perms []workflow.Permission, app *models.Application, t models.Task) bool {
	if workflow.Stage(t.Stage) != workflow.StageReview || (app.State != workflow.Accepted && app.State != workflow.InReview) {
		return false
	}
	plan := app.PlanOf(t.DepartmentCode)
	steps := []string{""} // the default review, then the decision
	if len(plan) > 0 {
		steps = nil
		for _, st := range plan[t.Step:] {
			steps = append(steps, st.Role)
		}
	} else {
		steps = append(steps, "")
	}
	for i, role := range steps {
		verb := policies.ActReviewPass
		if i == len(steps)-1 {
			verb = policies.ActApprove
		}
		pp := workflow.OnlyRole(perms, role)
		for _, v := range []string{policies.ActClaim, verb} {
			if _, ok := workflow.RoleFor(pp, t.DepartmentCode, policies.ObjTask, v); !ok {
				return false
			}
		}
	}
	return true
}

// deptOneStepForm is the posted 审核并决定 form.
type deptOneStepForm struct {
	taskActionForm
	Decision string `form:"decision"`
}

// uiTaskOneStep decides a department's task in one submission and returns
// to the work list with the next task focused. A refusal shows the
// processing page again: a stale version or an illegal move with 409, a
// field problem with 422 and the input kept, a role missing with 403.
func (s *Server) uiTaskOneStep(c *gin.Context) error {
	number := c.Param("number")
	var f deptOneStepForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if f.Version < 1 {
		return badRequest("version must be the application's version as shown")
	}
	act := workflow.Action(f.Decision)
	if act != workflow.Approve && act != workflow.Deny {
		return invalid(map[string]string{"decision": "must be approve or deny"})
	}
	in := f.input()
	err := f.Validate()
	if err == nil {
		_, err = s.actions().DecideInOneStep(c.Request.Context(), actorOf(c), number, act, f.Version,
			service.ActionInput{Comment: in.Comment, Department: in.Department, Fields: in.Fields})
	}
	if err == nil {
		c.Set(ctxAuthorized, true) // the store authorized every step
		c.Redirect(http.StatusSeeOther, "/tasks?"+url.Values{"done": {number}, "decided": {string(act)}}.Encode())
		return nil
	}
	e := asError(err)
	if e.Status != http.StatusConflict && e.Status != http.StatusUnprocessableEntity {
		return err
	}
	app, lerr := s.loadTask(c)
	if lerr != nil {
		return lerr
	}
	p, perr := s.newTaskPage(c, app)
	if perr != nil {
		return perr
	}
	lang := langOf(c)
	switch {
	case errors.Is(err, models.ErrConflict):
		p.Problem = s.site.T(lang, "office.problem.stale")
	case e.Status == http.StatusConflict:
		p.Problem = s.site.T(lang, "office.problem.illegal")
	default:
		p.Problem = s.site.T(lang, "office.problem.fields")
		if p.OneStep != nil {
			p.OneStep.Values = in.Fields
			p.OneStep.Values["comment"], p.OneStep.Values["department"], p.OneStep.Values["decision"] = in.Comment, in.Department, f.Decision
			codes := map[string]string{}
			var fe *models.FieldsError
			if errors.As(err, &fe) {
				codes = fe.Fields
			} else {
				for k := range e.Fields {
					codes[k] = workflow.FieldInvalid
				}
			}
			for k, code := range codes {
				p.OneStep.Errors[k] = "office.err." + code
			}
		}
	}
	s.render(c, e.Status, "task_detail", app.Number+" "+app.ItemName, "staff", p)
	return nil
}
