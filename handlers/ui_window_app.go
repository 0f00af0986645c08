package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The clerk's processing page of one application: what was filed, the
// checklist with its scans, the history, the clock, and a form for each
// action the clerk may take now.

// windowActions are the actions the window's page offers, with the
// permission each needs; the others belong to the departments.
var windowActions = map[workflow.Action]string{
	workflow.Accept:            policies.ActAccept,
	workflow.AcceptPending:     policies.ActAcceptPending,
	workflow.Reject:            policies.ActReject,
	workflow.RequestSupplement: policies.ActRequestSupplement,
	workflow.Approve:           policies.ActDecideImmediate,
	workflow.Deny:              policies.ActDecideImmediate,
	workflow.Issue:             policies.ActIssue,
	workflow.Terminate:         policies.ActTerminate,
	workflow.ReceivePending:    policies.ActAcceptPending,
}

// windowMaterial is a checklist line with its scans.
type windowMaterial struct {
	materialView
	Files []fileView
}

// windowEvent is one line of the history.
type windowEvent struct {
	At, Actor, Comment string
	Action             workflow.Action
	From, To           workflow.State
	Fields             []kv
}

type kv struct{ Key, Value string }

// noticeLink is a printable notice the history allows, with its title.
type noticeLink struct{ Kind, Title string }

// windowAppPage is the data of the processing page.
type windowAppPage struct {
	App        applicationView
	Reveal     revealView // the "show in full" control of the applicant's identity number and phone
	Department string
	Token      string
	Can        map[string]bool
	Materials  []windowMaterial
	Events     []windowEvent
	Notices    []noticeLink
	Errors     map[string]string
	// MaterialErrs say which materials stopped an acceptance, in words.
	MaterialErrs []string
	Failed       string            // the action whose form was refused
	Form         map[string]string // what was posted, to show it again
	Alert        string
	Done         string
	QueryCode    string
	Filed        string
	MinDue       string
	Kinds        []string
	Deliveries   []string
	Commitment   string
	CanUpload    bool
	Answers      answersView   // the application form's answers, in words
	Bundle       *bundleRef    // the 一件事 of a child, acted on as a whole at /window/bundles/{number}
	Outbox       outboxAppView // the notifications the applicant chose and their states
	// FeesDelivery is the 缴费 step and the delivery of the result (ui_fees.go).
	FeesDelivery feesWindowView
	Pledge       *pledgeView // the applicant's 告知承诺, nil when none
	// The 容缺 period a 容缺受理 may give: the item's (or the default, when the
	// item does not say) and the last due date it allows.
	PendingDays    int
	PendingDefault bool
	MaxDue         string
}

// Err is the message of a field of the refused form, or "".
func (p windowAppPage) Err(act, field string) string {
	if p.Failed != act {
		return ""
	}
	return p.Errors[field]
}

// Posted is the value the refused form of act had for field, or def.
func (p windowAppPage) Posted(act, field, def string) string {
	if p.Failed != act {
		return def
	}
	return p.Form[field]
}

// PostedHas reports whether the refused form of act posted value for field.
func (p windowAppPage) PostedHas(act, field, value string) bool {
	return p.Failed == act && slices.Contains(strings.Split(p.Form[field], "\n"), value)
}

// windowApplication loads an application and authorizes act on it.
func (s *Server) windowApplication(c *gin.Context, act string) (*models.Application, error) {
	app, err := s.store.Application(c.Request.Context(), c.Param("number"))
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, app.DepartmentCode, policies.ObjApplication, act); err != nil {
		return nil, err
	}
	return app, nil
}

func (s *Server) uiWindowApplication(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	p, err := s.newWindowAppPage(c, app)
	if err != nil {
		return err
	}
	p.Done = c.Query("done")
	if _, ok := windowActions[workflow.Action(p.Done)]; !ok && p.Done != string(workflow.Supplement) && p.Done != "upload" && p.Done != "pledge_signed" {
		p.Done = ""
	}
	if tok := c.Query("filed"); tok != "" {
		f, err := s.store.FilingByKey(c.Request.Context(), "user:"+principalOf(c).user.Username, "form:"+tok)
		if err == nil && f.Number == app.Number {
			p.QueryCode, p.Filed = f.QueryCode, tok
		}
	}
	s.renderWindowApp(c, http.StatusOK, p)
	return nil
}

func (s *Server) renderWindowApp(c *gin.Context, status int, p windowAppPage) {
	s.render(c, status, "window_application", s.site.T(langOf(c), "window.app.title", p.App.Number), "staff", p)
}

func (s *Server) newWindowAppPage(c *gin.Context, app *models.Application) (windowAppPage, error) {
	lang := langOf(c)
	shown := s.grantedReveal(c, app)
	answers, err := s.answersOf(c.Request.Context(), lang, app)
	if err != nil {
		return windowAppPage{}, err
	}
	v := s.applicationViewOf(lang, app, s.staffActions(c, app))
	var reveal revealView
	v.Applicant, reveal = s.pageApplicant(c, app, "/window/applications/"+app.Number+"/reveal", shown)
	p := windowAppPage{App: v, Reveal: reveal, Department: s.ref.Load().deptByKey[app.DepartmentCode].Name, Token: newFormToken(),
		Can: map[string]bool{}, Errors: map[string]string{}, Form: map[string]string{}, Kinds: materialKinds,
		Deliveries: workflow.Deliveries, Commitment: s.site.T(lang, "window.pending.commitment_default"),
		MinDue: models.FormatDay(s.cal.Load().AddWorkdays(models.CentreDay(s.now()), 1)), Answers: answers}
	for _, act := range v.Actions {
		if _, ok := windowActions[act]; ok {
			p.Can[string(act)] = true
		}
	}
	// The applicant may hand in a supplement at the window, with the query code.
	if slices.Contains(applicantActions(app), workflow.Supplement) && s.can(c, app.DepartmentCode, policies.ObjApplication, policies.ActRegister) {
		p.Can[string(workflow.Supplement)] = true
	}
	// A bundle's child is accepted, returned, refused and issued with its bundle.
	if p.Bundle, err = s.bundleRefOf(c, app); err != nil {
		return windowAppPage{}, err
	}
	if p.Bundle != nil {
		for act := range p.Can {
			if models.BundleOnly(workflow.Action(act)) {
				delete(p.Can, act)
			}
		}
	}
	p.PendingDays, p.PendingDefault = models.EffectivePendingDays(&app.Definition.PendingDays), app.Definition.PendingDays <= 0
	p.MaxDue = models.FormatDay(app.PendingLimit(s.cal.Load(), models.CentreDay(s.now())))
	if p.Pledge, err = s.pledgeViewOf(c, app); err != nil {
		return windowAppPage{}, err
	}
	p.CanUpload = !app.State.Final() && !app.State.Decided() && len(app.Materials) > 0
	for _, m := range v.Materials {
		wm := windowMaterial{materialView: m}
		for _, f := range v.Files {
			if f.Material == m.Key {
				wm.Files = append(wm.Files, f)
			}
		}
		p.Materials = append(p.Materials, wm)
	}
	// 容缺 is only for a 容缺后补 material: with none, the window is not offered it.
	if !slices.ContainsFunc(v.Materials, func(m materialView) bool { return m.Necessity == models.NecessityDeferred }) {
		delete(p.Can, string(workflow.AcceptPending))
	}
	for _, e := range v.Events {
		we := windowEvent{At: e.At.In(shanghai).Format("2006-01-02 15:04"), Actor: s.actorLabel(lang, e.Actor), Comment: e.Comment,
			Action: e.Action, From: e.From, To: e.State}
		for _, k := range actionFields {
			if val := e.Fields[k]; val != "" {
				we.Fields = append(we.Fields, kv{Key: k, Value: s.fieldValue(lang, app, k, val)})
			}
		}
		p.Events = append(p.Events, we)
	}
	for _, k := range noticeKinds {
		if ev := noticeEvent(app, k); ev != nil {
			title := s.site.T(lang, "notice."+k+".title")
			switch {
			case k == "denial":
				title = s.site.T(lang, termsKey(app.Terms(), "doc.denial"))
			case k == "supplement" && ev.Action == workflow.SendBack:
				title = s.site.T(lang, "notice.send_back.title")
			}
			p.Notices = append(p.Notices, noticeLink{Kind: k, Title: title})
		}
	}
	if p.FeesDelivery, err = s.feesWindowOf(c, lang, app); err != nil {
		return windowAppPage{}, err
	}
	p.Outbox, err = s.outboxAppView(c, app)
	return p, err
}

// actorLabel is who took an action as a history shows it: the internal
// names the workflow records (applicant, system) in the page's language, an
// account's user name as it is.
func (s *Server) actorLabel(lang, actor string) string {
	return s.site.TOr(lang, "actor."+actor, actor)
}

// fieldValue shows a recorded action field: material keys become names.
func (s *Server) fieldValue(lang string, app *models.Application, field, val string) string {
	switch field {
	case "pending":
		return strings.Join(materialNames(app, workflow.SplitList(val)), "、")
	case "delivery":
		return s.site.T(lang, "delivery."+val)
	case "kind":
		return s.site.T(lang, "suspend."+val)
	case "missing":
		return strings.Join(missingLines(app, val), "；")
	}
	return val
}

// uiWindowAct runs the action a form of the processing page posts.
func (s *Server) uiWindowAct(c *gin.Context) error {
	var f windowActionForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	act := workflow.Action(f.Action)
	verb, ok := windowActions[act]
	if act == workflow.Supplement {
		verb, ok = policies.ActRegister, true // the applicant acts, with the code, at the window
	}
	if !ok {
		return notFound("action")
	}
	app, err := s.windowApplication(c, verb)
	if err != nil {
		return err
	}
	if err := requireVersion(f.Version); err != nil {
		return err
	}
	in := f.input(app, c.PostForm)
	if err = f.Validate(); err == nil {
		_, err = s.doAction(c, app.Number, act, in, formIdempotency(c, f.FormToken))
	}
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/window/applications/"+url.PathEscape(app.Number)+"?done="+string(act))
		return nil
	}
	return s.windowActRefused(c, app.Number, act, err)
}

// windowActRefused shows the processing page again after a refused action,
// with the clerk's input, the field messages, or the stale-page notice.
func (s *Server) windowActRefused(c *gin.Context, number string, act workflow.Action, err error) error {
	lang := langOf(c)
	var fe *models.FieldsError
	var me *models.MaterialsError
	e := asError(err)
	if bad := problems(err); bad != nil {
		e = invalid(bad)
	}
	status := http.StatusUnprocessableEntity
	fresh, lerr := s.store.Application(c.Request.Context(), number)
	if lerr != nil {
		return lerr
	}
	p, perr := s.newWindowAppPage(c, fresh)
	if perr != nil {
		return perr
	}
	p.Failed = string(act)
	for k := range c.Request.PostForm {
		p.Form[k] = strings.Join(c.Request.PostForm[k], "\n")
	}
	switch {
	case errors.As(err, &me):
		for _, m := range me.Problems {
			p.MaterialErrs = append(p.MaterialErrs, s.site.T(lang, "window.err.material_"+m.Problem, m.Name))
		}
		p.Alert = s.site.T(lang, "window.err.materials")
	case errors.As(err, &fe):
		for f, code := range fe.Fields {
			p.Errors[f] = s.site.T(lang, "window.err."+code)
		}
		p.Alert = s.site.T(lang, "window.err.summary")
		if fe.Fields["deadline"] == workflow.FieldBeyondCalendar {
			p.Alert = p.Errors["deadline"] // no field of the form shows it
		}
	case act == workflow.Supplement && (e.Status == http.StatusNotFound || e.Status == http.StatusUnprocessableEntity):
		p.Errors["code"], p.Alert = s.site.T(lang, "window.err.code"), s.site.T(lang, "window.err.summary")
	case e.Status == http.StatusUnprocessableEntity:
		for f := range e.Fields {
			p.Errors[f] = s.site.T(lang, "window.err.invalid")
		}
		p.Alert = s.site.T(lang, "window.err.summary")
	case errors.Is(err, models.ErrPaymentRequired):
		// The clerk stays on the page, told in the page's language what comes first.
		status, p.Alert = http.StatusConflict, s.site.T(lang, "fees.window.issue_unpaid")
	case errors.Is(err, models.ErrBundleChild) && p.Bundle != nil:
		status, p.Failed, p.Alert = http.StatusConflict, "", s.site.T(lang, "bundle.child.window_note", p.Bundle.Name, p.Bundle.Number)
	case isConflict(err) || errors.Is(err, workflow.ErrIllegal) || errors.Is(err, models.ErrIdempotencyMismatch):
		// A stale page: someone (or this clerk, from an older page) acted first.
		status, p.Failed, p.Alert = http.StatusConflict, "", s.site.T(lang, "window.err.conflict")
	default:
		return err
	}
	s.renderWindowApp(c, status, p)
	return nil
}

// windowActionForm is the form of an action on the processing page. The
// checklist of an acceptance is read per material (m_<key>_provided, _kind,
// _copies), its names depending on the application.
type windowActionForm struct {
	Action         string   `form:"action"`
	Version        int      `form:"version"`
	Comment        string   `form:"comment"`
	Reason         string   `form:"reason"`
	Pending        []string `form:"pending"`
	Due            string   `form:"due"`
	Missing        []string `form:"missing"`
	MissingOther   string   `form:"missing_other"`
	Code           string   `form:"code"`
	ResultNumber   string   `form:"result_number"`
	Delivery       string   `form:"delivery"`
	TrackingNumber string   `form:"tracking_number"`
	Carrier        string   `form:"carrier"`  // the post's carrier
	Receiver       string   `form:"receiver"` // who signed for a result handed out at the window
	FormToken      string   `form:"form_token"`
	Received       []string `form:"received"` // 容缺补齐: the pending materials handed in
}

// Validate checks what the form must carry (the applicant's code for a
// supplement) and the input as the API's actions are checked.
func (f windowActionForm) Validate() error {
	bad := formErrors{}
	if workflow.Action(f.Action) == workflow.Supplement && strings.TrimSpace(f.Code) == "" {
		bad.add("code", "is required")
	}
	if err := (service.ActionInput{Comment: f.Comment}).Validate(); err != nil {
		for k, v := range problems(err) {
			bad.add(k, v)
		}
	}
	return bad.orNil()
}

// input is the action's input: the fields of the action, and for an
// acceptance the checklist, read with posted for the application's materials.
func (f windowActionForm) input(app *models.Application, posted func(string) string) actionInput {
	act := workflow.Action(f.Action)
	in := actionInput{Version: f.Version, Comment: f.Comment, Fields: map[string]string{}}
	if act == workflow.Accept {
		// The acceptance form's text box is the applicant's 容缺 pledge, which belongs to
		// a 容缺受理 only: a plain acceptance records no pledge the applicant never gave.
		in.Comment = ""
	}
	set := func(name, val string) {
		if val = strings.TrimSpace(val); val != "" {
			in.Fields[name] = val
		}
	}
	switch act {
	case workflow.Accept, workflow.AcceptPending:
		in.Materials = map[string]models.MaterialCheck{}
		for _, m := range app.Materials {
			k := "m_" + m.MaterialKey + "_"
			n, _ := strconv.Atoi(posted(k + "copies"))
			kind := posted(k + "kind")
			if !slices.Contains(materialKinds, kind) {
				kind = ""
			}
			in.Materials[m.MaterialKey] = models.MaterialCheck{Provided: posted(k+"provided") != "", Kind: kind, Copies: min(max(n, 0), 99)}
		}
		if act == workflow.AcceptPending {
			set("pending", strings.Join(f.Pending, ","))
			set("due", f.Due)
		}
	case workflow.Reject, workflow.Deny, workflow.Terminate:
		set("reason", f.Reason)
	case workflow.RequestSupplement:
		lines := slices.Clone(f.Missing)
		lines = append(lines, strings.Split(f.MissingOther, "\n")...)
		var keep []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				keep = append(keep, l)
			}
		}
		set("missing", strings.Join(keep, "\n"))
	case workflow.Supplement:
		in.Code, in.asApplicant = strings.ToUpper(strings.TrimSpace(f.Code)), true
	case workflow.ReceivePending:
		set("received", strings.Join(f.Received, ","))
	case workflow.Issue:
		set("result_number", f.ResultNumber)
		set("delivery", f.Delivery)
		if f.Delivery == "post" {
			set("tracking_number", f.TrackingNumber)
			set("carrier", f.Carrier)
		}
		if f.Delivery == "window" {
			set("receiver", f.Receiver)
		}
	}
	return in
}

// materialNames names the listed materials of keys; unknown keys stay as given.
func materialNames(app *models.Application, keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		for _, m := range app.Materials {
			if m.MaterialKey == k {
				name = m.Name
			}
		}
		out = append(out, name)
	}
	return out
}

// missingLines lists what a one-time notice asked for: one line per
// material or remark, as the window form records it; a comma-separated list
// of material keys (as an API client may send) is named too.
func missingLines(app *models.Application, val string) []string {
	var out []string
	for _, l := range strings.Split(val, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		keys := workflow.SplitList(l)
		allKeys := len(keys) > 0
		for _, k := range keys {
			known := false
			for _, m := range app.Materials {
				known = known || m.MaterialKey == k
			}
			allKeys = allKeys && known
		}
		if allKeys {
			out = append(out, materialNames(app, keys)...)
		} else {
			out = append(out, l)
		}
	}
	return out
}
