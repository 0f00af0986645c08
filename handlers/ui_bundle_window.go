package handlers

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/workflow"
)

// The window's 一件事 pages: the bundles waiting at the desk, the walk-in
// filing of a bundle, and one bundle filing with every child, where the
// clerk accepts, returns or refuses the bundle as a whole and issues every
// result together (统一发证). Every action goes through bundleAction, like
// the API.

// bundleQueueRow is one bundle filing in a window list.
type bundleQueueRow struct {
	Number, Name, Applicant, Channel, Submitted string
	State                                       models.BundleState
}

// bundleQueues are the desk's lists: bundles waiting for acceptance (or
// supplements), and bundles decided, waiting for 统一发证.
func (s *Server) bundleQueues(c *gin.Context) (waiting, toIssue []bundleQueueRow, err error) {
	ctx := c.Request.Context()
	rows := func(states ...models.BundleState) ([]bundleQueueRow, error) {
		list, err := s.store.BundleFilingsInStates(ctx, states, windowQueueSize, 0)
		if err != nil {
			return nil, err
		}
		out := make([]bundleQueueRow, 0, len(list))
		for _, f := range list {
			out = append(out, bundleQueueRow{Number: f.Number, Name: f.Definition.NameIn(langOf(c)), Applicant: f.ApplicantName,
				Channel: f.Channel, Submitted: f.SubmittedAt.In(shanghai).Format("2006-01-02 15:04"), State: f.State})
		}
		return out, nil
	}
	if waiting, err = rows(models.BundleSubmitted, models.BundleSupplementRequired); err != nil {
		return nil, nil, err
	}
	toIssue, err = rows(models.BundleDecided)
	return waiting, toIssue, err
}

// bundleWindowEvent is one line of a bundle's history, in centre time,
// with who acted as the single-item pages say it.
type bundleWindowEvent struct{ At, Label, Actor, Comment string }

// bundleWindowPage is the data of a bundle filing at the window.
type bundleWindowPage struct {
	View        bundleFilingView
	Departments map[string]string
	Answers     answersView // the merged form's answers, in words
	Submitted   string      // centre time
	Events      []bundleWindowEvent
	Can         map[string]bool
	ToIssue     []bundleChildView // approved children: each needs its result number
	Deliveries  []string
	QueryCode   string
	Filed       string
	Done        string
	Alert       string
	Errors      map[string]string
	Posted      map[string]string
}

func (s *Server) newBundleWindowPage(c *gin.Context, f *models.BundleFiling) (bundleWindowPage, error) {
	lang := langOf(c)
	p := bundleWindowPage{View: s.bundleFilingViewOf(c, f), Departments: s.departmentNames(), Can: map[string]bool{},
		Deliveries: workflow.Deliveries, Done: c.Query("done"), Errors: map[string]string{}, Posted: map[string]string{},
		Submitted: citizenTime(f.SubmittedAt)}
	for _, act := range p.View.Actions {
		p.Can[string(act)] = true
	}
	for _, ch := range p.View.Children {
		if ch.State == workflow.Approved {
			p.ToIssue = append(p.ToIssue, ch)
		}
	}
	dicts, err := s.store.FormDicts(c.Request.Context())
	if err != nil {
		return p, err
	}
	p.Answers = s.answersIn(lang, &f.Definition.Schema, dicts, form.Values(f.Form))
	p.Answers.BlankText, p.Answers.RawText, p.Answers.NoneText = s.site.T(lang, "form.blank"), s.site.T(lang, "form.answers.raw"), s.site.T(lang, "form.answers.none")
	p.Answers.Question, p.Answers.Answer = s.site.T(lang, "form.answers.question"), s.site.T(lang, "form.answers.answer")
	actors := map[string]string{}
	for _, e := range f.Events {
		key := e.Role + "/" + e.Actor
		if _, ok := actors[key]; !ok {
			actors[key] = s.bundleActor(c, lang, e.Role, e.Actor)
		}
		p.Events = append(p.Events, bundleWindowEvent{At: citizenTime(e.At), Label: s.site.T(lang, "bundle.action."+string(e.Action)),
			Actor: actors[key], Comment: e.Comment})
	}
	return p, nil
}

// bundleActor is who took a bundle's action as the single-item pages say
// it: the applicant, the system, or the department of a staff account.
func (s *Server) bundleActor(c *gin.Context, lang, role, actor string) string {
	if role == workflow.ApplicantRole || actor == workflow.ApplicantRole {
		return s.site.T(lang, "actor.applicant")
	}
	if u, err := s.store.UserByName(c.Request.Context(), actor); err == nil && u.DepartmentCode != "" {
		if d := s.ref.Load().deptByKey[u.DepartmentCode].Name; d != "" {
			return d
		}
	}
	return s.actorLabel(lang, actor)
}

func (s *Server) renderBundleWindow(c *gin.Context, status int, p bundleWindowPage) {
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "bundle_window", s.site.T(langOf(c), "bundle.window.title", p.View.Number), "staff", p)
}

// uiBundleWindow shows a bundle filing with every child.
func (s *Server) uiBundleWindow(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	f, err := s.store.BundleFiling(c.Request.Context(), c.Param("number"))
	if err != nil {
		return err
	}
	p, err := s.newBundleWindowPage(c, f)
	if err != nil {
		return err
	}
	if token := c.Query("filed"); token != "" {
		if p2 := principalOf(c); p2 != nil {
			if filed, err := s.store.FilingByKey(c.Request.Context(), "user:"+p2.user.Username, "form:"+token); err == nil && filed.Number == f.Number {
				p.QueryCode, p.Filed = filed.QueryCode, token
			}
		}
	}
	s.renderBundleWindow(c, http.StatusOK, p)
	return nil
}

// bundleWindowForm is an action form of the bundle page.
type bundleWindowForm struct {
	Version        int    `form:"version"`
	Comment        string `form:"comment"`
	Reason         string `form:"reason"`
	Missing        string `form:"missing"`
	Delivery       string `form:"delivery"`
	TrackingNumber string `form:"tracking_number"`
}

// uiBundleWindowAct runs the window's action on the bundle as a whole;
// a refusal shows the page again with what to correct.
func (s *Server) uiBundleWindowAct(c *gin.Context) error {
	return s.bundleWindowAct(c, workflow.Action(path.Base(c.FullPath())))
}

// bundleWindowActions are the actions the bundle page posts to the page's
// own address (a refusal shows the page again there), with the permission
// each needs, as its own route has.
var bundleWindowActions = map[workflow.Action]string{
	workflow.Accept:            policies.ActAccept,
	workflow.RequestSupplement: policies.ActRequestSupplement,
	workflow.Reject:            policies.ActReject,
	workflow.Issue:             policies.ActIssue,
}

// uiBundleWindowPost runs the action the bundle page's form names.
func (s *Server) uiBundleWindowPost(c *gin.Context) error {
	act := workflow.Action(c.PostForm("action"))
	perm, ok := bundleWindowActions[act]
	if !ok {
		return badRequest("unknown bundle action")
	}
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, perm); err != nil {
		return err
	}
	return s.bundleWindowAct(c, act)
}

func (s *Server) bundleWindowAct(c *gin.Context, act workflow.Action) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	number := c.Param("number")
	var fm bundleWindowForm
	if err := bindForm(c, &fm); err != nil {
		return err
	}
	in := bundleActionInput{Comment: fm.Comment, Reason: fm.Reason, Missing: fm.Missing, Delivery: fm.Delivery,
		TrackingNumber: fm.TrackingNumber, Results: map[string]string{}, Materials: map[string]models.MaterialCheck{}}
	f, err := s.store.BundleFiling(c.Request.Context(), number)
	if err != nil {
		return err
	}
	for _, ch := range f.Children {
		if v := strings.TrimSpace(c.PostForm("result_" + ch.Number)); v != "" {
			in.Results[ch.Number] = v
		}
	}
	for _, m := range f.Definition.Materials {
		if c.PostForm("m_"+m.Key) != "" {
			in.Materials[m.Key] = models.MaterialCheck{Provided: true}
		}
	}
	svc := in.service()
	if act == workflow.Accept && len(in.Materials) == 0 {
		svc.Materials = nil
	}
	_, err = s.bundleAction(c, number, act, fm.Version, "", svc)
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/window/bundles/"+url.PathEscape(number)+"?done="+url.QueryEscape(string(act)))
		return nil
	}
	refused, e := err, asError(err)
	if e.Status >= 500 || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound {
		return err
	}
	if f, err = s.store.BundleFiling(c.Request.Context(), number); err != nil {
		return err
	}
	p, err := s.newBundleWindowPage(c, f)
	if err != nil {
		return err
	}
	p.Alert, p.Errors = s.bundleWindowProblems(langOf(c), p.View, refused)
	for k, v := range c.Request.PostForm {
		if k != "csrf_token" && len(v) > 0 {
			p.Posted[k] = v[0]
		}
	}
	s.renderBundleWindow(c, e.Status, p)
	return nil
}

// bundleWindowProblems translates a refused action on a bundle: a field of
// every child (reason, missing, delivery) once, with its label; a child's
// missing result number by the child's item; a stale page as the desk says it.
func (s *Server) bundleWindowProblems(lang string, v bundleFilingView, err error) (string, map[string]string) {
	errs := map[string]string{}
	var me *models.MaterialsError
	if errors.As(err, &me) { // a child's materials stop the acceptance: name each
		for _, m := range me.Problems {
			errs["materials."+m.Key] = s.site.T(lang, "window.err.material_"+m.Problem, m.Name)
		}
		return s.site.T(lang, "window.err.materials"), errs
	}
	fields := map[string]string{} // key → rule code
	var fe *models.FieldsError
	if errors.As(err, &fe) {
		maps.Copy(fields, fe.Fields)
	} else if e := asError(err); e.Status == http.StatusUnprocessableEntity {
		for k := range e.Fields {
			fields[k] = "invalid"
		}
	}
	if len(fields) == 0 {
		if isConflict(err) || errors.Is(err, workflow.ErrIllegal) || errors.Is(err, models.ErrIdempotencyMismatch) {
			return s.site.T(lang, "window.err.conflict"), errs
		}
		return s.site.T(lang, "bundle.window.err.refused"), errs
	}
	items := map[string]string{}
	for _, ch := range v.Children {
		items[ch.Number] = ch.Item
	}
	for k, code := range fields {
		number, field, ok := strings.Cut(k, ".")
		if !ok {
			number, field = "", k
		}
		if field == "result_number" && items[number] != "" {
			errs[k] = s.site.T(lang, "bundle.window.err.result_number", items[number])
			continue
		}
		errs[field] = s.site.T(lang, "window.field."+field) + s.site.T(lang, "punct.colon") +
			s.site.TOr(lang, "window.err."+code, s.site.T(lang, "window.err.invalid"))
	}
	return s.site.T(lang, "window.err.summary"), errs
}

// uiBundleWindowNewForm shows the bundles to choose from, or the merged form
// of the chosen one for a walk-in applicant.
func (s *Server) uiBundleWindowNewForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	code := strings.TrimSpace(c.Query("bundle"))
	if code == "" {
		return s.renderBundlePicker(c)
	}
	bf, err := s.actions().PublishedBundle(c.Request.Context(), code)
	if err != nil {
		return err
	}
	p := s.newBundleApplyPage(c, bf, bundleApplicant{Kind: models.ApplicantPerson, Token: newFormToken()}, form.Values{}, nil)
	p.Window, p.Action = true, "/window/bundles/new?bundle="+url.QueryEscape(code)
	s.renderBundleApply(c, http.StatusOK, p)
	return nil
}

func (s *Server) renderBundlePicker(c *gin.Context) error {
	list, err := s.store.Bundles(c.Request.Context(), true)
	if err != nil {
		return err
	}
	lang := langOf(c)
	p := bundleApplyPage{Window: true}
	for _, b := range list {
		if bf, err := s.actions().PublishedBundle(c.Request.Context(), b.Code); err == nil {
			p.Bundles = append(p.Bundles, bundleListRow{Code: b.Code, Name: b.NameIn(lang), Items: s.bundleItems(bf)})
		}
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "bundle_apply", s.site.T(lang, "bundle.window.new_title"), "staff", p)
	return nil
}

// uiBundleWindowRegister files a walk-in bundle: the clerk's checklist of
// the merged materials, scans, the merged form; then the bundle's page with
// the query code shown once.
func (s *Server) uiBundleWindowRegister(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	bf, err := s.actions().PublishedBundle(c.Request.Context(), strings.TrimSpace(c.Query("bundle")))
	if err != nil {
		return err
	}
	if err := parseForm(c); err != nil {
		return s.bodyError(c, err)
	}
	var a bundleApplicant
	if err := bindForm(c, &a); err != nil {
		return err
	}
	a.normalize()
	in := service.BundleFiling{BundleCode: bf.Bundle.Code, Applicant: a.input(), Form: service.FormInput{Post: c.Request.PostForm},
		Materials: map[string]models.MaterialCheck{}}
	for _, m := range bf.Merged.Materials {
		if c.PostForm("m_"+m.Key) != "" {
			in.Materials[m.Key] = models.MaterialCheck{Provided: true, Copies: 1}
		}
	}
	files := s.bundleFiles(c, bf)
	p, ok, err := s.checkBundle(c, bf, a, in, files, false)
	if !ok {
		if err == nil {
			p.Window, p.Action = true, "/window/bundles/new?bundle="+url.QueryEscape(bf.Bundle.Code)
			s.renderBundleApply(c, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	in.Idem = formIdempotency(c, a.Token)
	filed, err := s.actions().RegisterBundle(c.Request.Context(), actorOf(c), in)
	if errors.Is(err, models.ErrIdempotencyMismatch) {
		p.Window, p.Action = true, "/window/bundles/new?bundle="+url.QueryEscape(bf.Bundle.Code)
		p.Alert, p.Applicant.Token = s.site.T(langOf(c), "window.err.token_reused"), newFormToken()
		s.renderBundleApply(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	if !filed.Replayed {
		s.addBundleFiles(c, actorOf(c), filed.Number, p.Materials, files)
	}
	c.Redirect(http.StatusSeeOther, "/window/bundles/"+url.PathEscape(filed.Number)+"?filed="+url.QueryEscape(a.Token))
	return nil
}
