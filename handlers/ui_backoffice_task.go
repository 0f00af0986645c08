package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// taskPage is the data of the processing page of one application.
type taskPage struct {
	App        applicationView
	Reveal     revealView // the "show in full" control of the applicant's identity number and phone
	Guide      models.Definition
	ItemType   string
	Materials  []materialLine
	Tasks      []taskLine
	Events     []eventLine
	Clock      clockView
	MaxExtend  int // the legal bound on extensions, working days in all
	ExtendLeft int // what an extension may still add
	Forms      []actionForm
	Docs       []string // decision documents that exist: approval, denial, receipt
	Done       string   // the action just taken
	Problem    string   // why the last form was refused
	Completion string   // once the clock ended: on_time or late
	// Answers are the application form's answers in words; CanPrintForm
	// whether the user may print the form (the window's permission).
	Answers      answersView
	CanPrintForm bool
	// Submitted is when the application was filed, in the centre's time.
	Submitted string
	// OneStep is the 审核并决定 form (nil when not offered); Release the
	// departments whose task the user holds and may give back (退回待签收).
	OneStep *deptOneStep
	Release []option
}

type materialLine struct {
	Key       string
	Name      string
	Necessity string
	Provided  bool
	Pending   bool
	Pledged   bool // replaced by the applicant's 告知承诺
	Files     []fileView
}

type taskLine struct {
	Department string
	Name       string
	Stage      string
	StageLabel string
	StageDue   string // the own due date of a stage of the item's sequence
	ClaimedBy  string
	DecidedBy  string
	DecidedAt  string
	Comment    string

	Sequence string // the department's own sequence of stages as filed ("初审 → 复审 → 决定"), "" for the default
}

type eventLine struct {
	At         string
	Actor      string
	Department string
	Action     string
	State      string
	Comment    string
	Fields     []option
}

// actionForm is one action the user may take now, with what it asks for.
type actionForm struct {
	Action      string
	Departments []option // where the user may take it; one is sent hidden
	Values      map[string]string
	Errors      map[string]string // field → locale key
	Materials   []option          // send_back: the materials that may be missing
	Kinds       []option          // suspend: the special procedures
	Deliveries  []option          // issue
	ExtendLeft  int
}

// loadTask loads an application and authorizes reading it: staff of a
// department taking part, or with application:read in every department.
func (s *Server) loadTask(c *gin.Context) (*models.Application, error) {
	app, err := s.store.Application(c.Request.Context(), c.Param("number"))
	if err != nil {
		return nil, err
	}
	return app, s.authorizeRead(c, app)
}

func (s *Server) uiTask(c *gin.Context) error {
	app, err := s.loadTask(c)
	if err != nil {
		return err
	}
	p, err := s.newTaskPage(c, app)
	if err != nil {
		return err
	}
	p.Done = c.Query("done")
	s.render(c, http.StatusOK, "task_detail", app.Number+" "+app.ItemName, "staff", p)
	return nil
}

func (s *Server) newTaskPage(c *gin.Context, app *models.Application) (*taskPage, error) {
	lang := langOf(c)
	shown := s.grantedReveal(c, app)
	answers, err := s.answersOf(c.Request.Context(), lang, app)
	if err != nil {
		return nil, err
	}
	ref := s.ref.Load()
	name := func(code string) string {
		if d, ok := ref.deptByKey[code]; ok {
			return d.Name
		}
		return code
	}
	p := &taskPage{App: s.applicationViewOf(lang, app, s.staffActions(c, app)), Guide: app.Definition,
		Clock: s.clockOf(app), MaxExtend: workflow.MaxExtension(app.Joint), Answers: answers,
		CanPrintForm: s.can(c, app.DepartmentCode, policies.ObjApplication, policies.ActRegister),
		Submitted:    citizenTime(app.SubmittedAt)}
	p.App.Applicant, p.Reveal = s.pageApplicant(c, app, "/tasks/"+app.Number+"/reveal", shown)
	p.ItemType = s.site.TOr(lang, "enum.type."+app.Definition.ItemType, app.Definition.ItemType)
	p.ExtendLeft = max(0, p.MaxExtend-app.ExtendedDays)
	if app.ExtendedDays > 0 {
		p.ExtendLeft = 0 // the law allows one extension (Art. 42)
	}
	if p.Clock.OnTime != nil {
		p.Completion = "late"
		if *p.Clock.OnTime {
			p.Completion = "on_time"
		}
	}
	for _, m := range app.Materials {
		line := materialLine{Key: m.MaterialKey, Name: m.Name, Necessity: m.Necessity, Provided: m.Provided, Pending: m.Pending, Pledged: m.Pledged}
		for _, f := range p.App.Files {
			if f.Material == m.MaterialKey {
				line.Files = append(line.Files, f)
			}
		}
		p.Materials = append(p.Materials, line)
	}
	for _, t := range app.Tasks {
		l := taskLine{Department: t.DepartmentCode, Name: name(t.DepartmentCode), Stage: t.Stage,
			StageLabel: stagesLabel(s, lang, t.Stage, t.StageName), ClaimedBy: t.ClaimedBy, DecidedBy: t.DecidedBy, Comment: t.Comment}
		if workflow.Stage(t.Stage).Open() {
			l.StageDue = t.StageDue
		}
		l.Sequence = stagesSequence(app.PlanOf(t.DepartmentCode))
		if t.DecidedAt != nil {
			l.DecidedAt = t.DecidedAt.In(shanghai).Format("2006-01-02 15:04")
		}
		p.Tasks = append(p.Tasks, l)
	}
	for i := len(app.Events) - 1; i >= 0; i-- {
		e := app.Events[i]
		l := eventLine{At: e.At.In(shanghai).Format("2006-01-02 15:04"), Actor: s.actorLabel(lang, e.Actor), Action: s.site.T(lang, actionKey(app.Terms(), e.Action)),
			State: s.stateLabel(lang, app, e.ToState), Comment: e.Comment}
		if e.Department != "" {
			l.Department = name(e.Department)
		}
		for k, v := range e.Fields() {
			switch k {
			case "kind":
				v = s.site.TOr(lang, "suspend."+v, v)
			case "pending", "missing", "delivery":
				v = s.fieldValue(lang, app, k, v) // material names and labels, not keys
			}
			if k == "colour" && e.Action == models.ActionWarning {
				v = s.site.TOr(lang, "card."+v, v)
			}
			label := k
			if k == "deadline" && e.Action != models.ActionWarning {
				label = "statutory_deadline" // an extension or a special procedure moves the statutory deadline
			}
			l.Fields = append(l.Fields, option{Value: v, Label: s.site.TOr(lang, "office.field."+label, k)})
		}
		slices.SortFunc(l.Fields, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
		p.Events = append(p.Events, l)
	}
	p.Forms = s.actionForms(c, app, p, name)
	s.deptTaskForms(c, app, p, name)
	switch app.Result {
	case "approved":
		p.Docs = []string{"approval", "receipt"}
	case "denied":
		p.Docs = []string{"denial", "receipt"}
	}
	return p, nil
}

// actionForms builds a form for every back-office action the user may take
// now (staffActions), with the departments they may take it for.
func (s *Server) actionForms(c *gin.Context, app *models.Application, p *taskPage, name func(string) string) []actionForm {
	lang := langOf(c)
	perms := s.permissionsOf(c)
	var out []actionForm
	for _, act := range p.App.Actions {
		if !slices.Contains(taskActions, act) || (act == workflow.Extend && app.ExtendedDays > 0) {
			continue // an extension is granted once: no form for a second
		}
		f := actionForm{Action: string(act), Values: map[string]string{}, Errors: map[string]string{}, ExtendLeft: p.ExtendLeft}
		for _, d := range actingDepartments(perms, app, act) {
			if act == workflow.Claim && claimedBy(app, d) == principalOf(c).user.Username {
				continue // already the user's own: 签收 again would do nothing
			}
			f.Departments = append(f.Departments, option{Value: d, Label: name(d)})
		}
		if act == workflow.Claim && len(f.Departments) == 0 {
			continue
		}
		switch act {
		case workflow.SendBack:
			for _, m := range app.Materials {
				f.Materials = append(f.Materials, option{Value: m.MaterialKey, Label: m.Name})
			}
		case workflow.Suspend:
			for _, k := range workflow.SuspendKinds {
				f.Kinds = append(f.Kinds, option{Value: k, Label: s.site.T(lang, "suspend."+k)})
			}
		case workflow.Issue:
			for _, d := range workflow.Deliveries {
				f.Deliveries = append(f.Deliveries, option{Value: d, Label: s.site.T(lang, "delivery."+d)})
			}
		}
		out = append(out, f)
	}
	return out
}

// claimedBy is who holds the department's task of app, or "".
func claimedBy(app *models.Application, dept string) string {
	for _, t := range app.Tasks {
		if t.DepartmentCode == dept {
			return t.ClaimedBy
		}
	}
	return ""
}

// actingDepartments lists the departments whose task the user may take act
// on now; empty when the action is the application's (the window's).
func actingDepartments(perms []workflow.Permission, app *models.Application, act workflow.Action) []string {
	var out []string
	for _, t := range app.Tasks {
		if _, err := workflow.TaskStage(workflow.Stage(t.Stage), act); err != nil {
			continue
		}
		rows, err := workflow.Next(app.State, act, app.Facts(t.DepartmentCode))
		if err != nil {
			continue
		}
		for _, r := range rows {
			if _, ok := workflow.RoleFor(stagesPerms(perms, app, t, act), t.DepartmentCode, r.Obj, r.Verb); ok && r.By == workflow.Staff && r.Obj == policies.ObjTask {
				out = append(out, t.DepartmentCode)
				break
			}
		}
	}
	return out
}

// uiTaskAction takes an action from the processing page or the work list
// through doAction, the one path of every action, and returns with 303.
// A stale version or an illegal move answers 409 and changes nothing; a
// field problem shows the form again with the input and the messages.
func (s *Server) uiTaskAction(c *gin.Context) error {
	number, act := c.Param("number"), workflow.Action(c.Param("action"))
	if !slices.Contains(taskActions, act) {
		return notFound("action")
	}
	var f taskActionForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if f.Version < 1 {
		return badRequest("version must be the application's version as shown")
	}
	in := f.input()
	err := f.Validate()
	if err == nil {
		_, err = s.doAction(c, number, act, in, nil)
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, f.backTo(number, "/tasks/"+url.PathEscape(number)+"?done="+string(act)))
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
		s.keepInput(c, p, act, in, err)
	}
	s.render(c, e.Status, "task_detail", app.Number+" "+app.ItemName, "staff", p)
	return nil
}

// taskActionForm is the form of an action on the processing page or the
// work list; it carries what the API's action body carries.
type taskActionForm struct {
	Version        int      `form:"version"`
	Comment        string   `form:"comment"`
	Department     string   `form:"department"`
	Reason         string   `form:"reason"`
	Missing        []string `form:"missing"`
	Pending        string   `form:"pending"`
	Due            string   `form:"due"`
	Kind           string   `form:"kind"`
	ExpectedDays   string   `form:"expected_days"`
	Days           string   `form:"days"`
	ResultNumber   string   `form:"result_number"`
	Delivery       string   `form:"delivery"`
	TrackingNumber string   `form:"tracking_number"`
	returnField
}

// input is the action's input as the API would send it: the fields given,
// trimmed, and the missing materials as one list.
func (f taskActionForm) input() actionInput {
	in := actionInput{Version: f.Version, Comment: f.Comment, Department: strings.TrimSpace(f.Department), Fields: map[string]string{}}
	for k, v := range map[string]string{"reason": f.Reason, "pending": f.Pending, "due": f.Due, "kind": f.Kind,
		"expected_days": f.ExpectedDays, "days": f.Days, "result_number": f.ResultNumber, "delivery": f.Delivery,
		"tracking_number": f.TrackingNumber, "missing": strings.TrimSpace(strings.Join(f.Missing, ","))} {
		if v = strings.TrimSpace(v); v != "" {
			in.Fields[k] = v
		}
	}
	return in
}

// Validate checks the form with the service's check of an action's input;
// the action's own fields are checked with the locked application.
func (f taskActionForm) Validate() error {
	in := f.input()
	return service.ActionInput{Comment: in.Comment, Fields: in.Fields}.Validate()
}

// keepInput puts the refused input and the field messages back on the form.
func (s *Server) keepInput(c *gin.Context, p *taskPage, act workflow.Action, in actionInput, err error) {
	var fe *models.FieldsError
	codes := map[string]string{}
	if errors.As(err, &fe) {
		codes = fe.Fields
	} else {
		for k := range asError(err).Fields {
			codes[k] = workflow.FieldInvalid
		}
	}
	for i := range p.Forms {
		f := &p.Forms[i]
		if f.Action != string(act) {
			continue
		}
		f.Values = in.Fields
		f.Values["comment"] = in.Comment
		f.Values["department"] = in.Department
		for k, code := range codes {
			f.Errors[k] = "office.err." + code
		}
	}
}
