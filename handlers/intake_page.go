package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/search"
	"onewindow/policies"
	"onewindow/workflow"
)

// The window's one intake page (/window/intake): the item search, the
// applicant looked up by identity number (by a small script calling
// GET /api/v1/applicants/{id_number}, or by a reload without it), the item's
// form and the checklist once, and the decision the checklist allows among
// 受理, 容缺受理, 一次性告知 and 不予受理 — filed and decided in one submission,
// answered with the decision's notice. The older two-step intake
// (/window/new, then the application's page) stays.

// intakeDecisions are the decisions the page offers, in the order shown,
// with the notice each answers with.
var intakeDecisions = []struct {
	Action workflow.Action
	Notice string
	Key    string // the access key of its button
}{
	{workflow.Accept, "acceptance", "s"},
	{workflow.AcceptPending, "pending", "r"},
	{workflow.RequestSupplement, "supplement", "g"},
	{workflow.Reject, "refusal", "j"},
}

// intakeDecisionPage is the one intake page.
type intakeDecisionPage struct {
	intakePage
	// Allowed are the decisions the checklist as ticked allows.
	Allowed map[string]bool
	// The decision's own inputs, kept when the page is shown again.
	Decision, Reason, MissingOther, Due, Commitment string
	MinDue, MaxDue                                  string
	PendingDays                                     int
	// MaterialErrs say in words which materials stop the chosen decision.
	MaterialErrs []string
	Decisions    []intakeDecisionButton
}

// intakeDecisionButton is one decision's button.
type intakeDecisionButton struct {
	Action, Label, Key, KeyLabel string
}

// intakeChoices are the decisions a checklist allows: 受理 when every
// required and 容缺后补 material is received (or the applicant pledges, which
// the workflow checks); 容缺受理 when every required one is and a 容缺后补
// one is missing; 一次性告知 when something is missing; 不予受理 always.
func intakeChoices(ms []intakeMaterial, pledge bool) map[string]bool {
	var required, deferred int
	for _, m := range ms {
		if m.Provided {
			continue
		}
		switch m.Necessity {
		case models.NecessityRequired:
			required++
		case models.NecessityDeferred:
			deferred++
		}
	}
	return map[string]bool{
		string(workflow.Accept):            required+deferred == 0 || pledge,
		string(workflow.AcceptPending):     required == 0 && deferred > 0,
		string(workflow.RequestSupplement): required+deferred > 0,
		string(workflow.Reject):            true,
	}
}

func (s *Server) newIntakeDecisionPage(c *gin.Context) intakeDecisionPage {
	lang := langOf(c)
	p := intakeDecisionPage{intakePage: s.newIntakePage(), Commitment: s.site.T(lang, "window.pending.commitment_default")}
	for _, d := range intakeDecisions {
		p.Decisions = append(p.Decisions, intakeDecisionButton{Action: string(d.Action), Key: d.Key, KeyLabel: strings.ToUpper(d.Key),
			Label: s.site.T(lang, "intake.decide."+string(d.Action))})
	}
	return p
}

// intakeDueRange sets the 容缺 due dates the item allows from today.
func (s *Server) intakeDueRange(p *intakeDecisionPage) {
	if p.Item == nil {
		return
	}
	cal, today := s.cal.Load(), models.CentreDay(s.now())
	p.PendingDays = p.Item.EffectivePendingDays()
	p.MinDue = models.FormatDay(cal.AddWorkdays(today, 1))
	p.MaxDue = models.FormatDay(cal.AddWorkdays(today, p.PendingDays))
}

func (s *Server) uiIntakeForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	p := s.newIntakeDecisionPage(c)
	p.Q = strings.TrimSpace(c.Query("q"))
	code := strings.TrimSpace(c.Query("item"))
	if p.Q != "" && code == "" {
		// A full item code typed into the search box chooses the item at once.
		if it, err := s.store.Item(c.Request.Context(), strings.ToUpper(p.Q)); err == nil && it.OnApplication && !it.Reduced() {
			code = it.Code
		} else if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		} else {
			p.Searched = true
			yes := true
			p.Results = s.search.Search(search.Query{Q: p.Q, Status: "retained", OnApplication: &yes, Limit: 30}).Entries
		}
	}
	if code != "" {
		if err := s.intakeItem(c, &p.intakePage, code, nil); err != nil {
			return err
		}
		if p.Item != nil && len(p.Item.ServiceObjects) > 0 && !slices.Contains(p.Item.ServiceObjects, "person") {
			p.Applicant.Kind = models.ApplicantOrganisation
		}
	}
	if err := s.intakeFields(c, &p.intakePage, nil, nil); err != nil {
		return err
	}
	s.renderIntakeDecision(c, http.StatusOK, p)
	return nil
}

func (s *Server) renderIntakeDecision(c *gin.Context, status int, p intakeDecisionPage) {
	lang := langOf(c)
	p.Notify = outboxNotifyView{Lang: lang, Form: p.NotifyForm, Errors: p.Errors}
	p.Summary = s.intakeSummary(lang, p.intakePage)
	for _, k := range []string{"decision", "reason", "missing", "due"} {
		for i := range p.Summary {
			if p.Summary[i].Message == p.Errors[k] && p.Summary[i].Href == "" {
				p.Summary[i].Href, p.Summary[i].Label = "#"+intakeFieldID(k), s.site.T(lang, "intake.field."+k)
			}
		}
	}
	p.Allowed = intakeChoices(p.Materials, p.Pledge)
	s.intakeDueRange(&p)
	s.render(c, status, "intake", s.site.T(lang, "intake.title"), "staff", p)
}

// intakeFieldID is the id of the input a decision's field error points to.
func intakeFieldID(field string) string {
	switch field {
	case "decision":
		return "intake-decide"
	case "missing":
		return "intake-missing_other"
	}
	return "intake-" + field
}

// intakeDecisionForm is what the page posts besides the intake form.
type intakeDecisionForm struct {
	Decision     string `form:"decision"`
	Reason       string `form:"reason"`
	MissingOther string `form:"missing_other"`
	Due          string `form:"due"`
	Commitment   string `form:"commitment"`
}

// uiIntakePost files the application and decides it; "lookup" (the button
// without the script) shows the page again with the stored applicant.
func (s *Server) uiIntakePost(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	var f intakeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	var d intakeDecisionForm
	if err := bindForm(c, &d); err != nil {
		return err
	}
	lang := langOf(c)
	p := s.newIntakeDecisionPage(c)
	if f.Token != "" {
		p.Token = f.Token
	}
	p.NotifyForm = f.Notify
	p.Applicant = intakeApplicant{Kind: f.Kind, IDNumber: strings.TrimSpace(f.IDNumber),
		Name: strings.TrimSpace(f.Name), Phone: strings.TrimSpace(f.Phone), Address: strings.TrimSpace(f.Address)}
	p.Decision, p.Reason, p.MissingOther = d.Decision, strings.TrimSpace(d.Reason), strings.TrimSpace(d.MissingOther)
	p.Due, p.Commitment = strings.TrimSpace(d.Due), strings.TrimSpace(d.Commitment)
	p.Pledge = c.PostForm("pledge") == "1"
	if err := s.intakeItem(c, &p.intakePage, strings.TrimSpace(f.ItemCode), c.PostForm); err != nil {
		return err
	}
	if p.Item == nil {
		s.renderIntakeDecision(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	post := c.Request.PostForm
	if f.Op == "lookup" {
		if p.Applicant.IDNumber == "" {
			p.Errors["id_number"] = s.site.T(lang, "window.err.required")
		} else if err := s.lookupApplicant(c, &p.intakePage); err != nil {
			return err
		}
		if err := s.intakeFields(c, &p.intakePage, post, nil); err != nil {
			return err
		}
		s.renderIntakeDecision(c, http.StatusOK, p)
		return nil
	}
	// The decision is checked before anything is filed: a refused one files nothing.
	s.checkIntakeDecision(lang, &p)
	if len(p.Errors) > 0 || len(p.MaterialErrs) > 0 {
		if err := s.intakeFields(c, &p.intakePage, post, nil); err != nil {
			return err
		}
		p.Alert = s.site.T(lang, "intake.err.summary")
		s.renderIntakeDecision(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	filed, err := s.fileIntake(c, &p.intakePage, func(status int, ip intakePage) {
		p.intakePage = ip
		s.renderIntakeDecision(c, status, p)
	})
	if filed == nil || err != nil {
		return err
	}
	return s.decideIntake(c, p, filed)
}

// checkIntakeDecision refuses a decision the checklist does not allow or
// whose own inputs are missing, naming each field and material.
func (s *Server) checkIntakeDecision(lang string, p *intakeDecisionPage) {
	act := workflow.Action(p.Decision)
	known := false
	for _, d := range intakeDecisions {
		known = known || d.Action == act
	}
	if !known {
		p.Errors["decision"] = s.site.T(lang, "intake.err.decision")
		return
	}
	if intakeChoices(p.Materials, p.Pledge)[p.Decision] {
		switch act {
		case workflow.Reject:
			if p.Reason == "" {
				p.Errors["reason"] = s.site.T(lang, "intake.err.reason")
			}
		case workflow.AcceptPending:
			if p.Due != "" {
				s.intakeDueRange(p)
				d, err := workflow.ParseDate(p.Due)
				switch {
				case err != nil:
					p.Errors["due"] = s.site.T(lang, "intake.err.due_invalid")
				case models.FormatDay(d) < p.MinDue || models.FormatDay(d) > p.MaxDue:
					p.Errors["due"] = s.site.T(lang, "intake.err.due_range", p.MinDue, p.MaxDue)
				}
			}
		}
		return
	}
	// Not allowed: say which materials stop it, in the page's language.
	for _, m := range p.Materials {
		if m.Provided {
			continue
		}
		switch {
		case act == workflow.Accept && m.Necessity == models.NecessityRequired,
			act == workflow.AcceptPending && m.Necessity == models.NecessityRequired:
			p.MaterialErrs = append(p.MaterialErrs, s.site.T(lang, "window.err.material_not_received", m.Name))
		case act == workflow.Accept && m.Necessity == models.NecessityDeferred:
			p.MaterialErrs = append(p.MaterialErrs, s.site.T(lang, "window.err.material_deferrable", m.Name))
		}
	}
	switch act {
	case workflow.AcceptPending:
		if len(p.MaterialErrs) == 0 {
			p.Errors["decision"] = s.site.T(lang, "intake.err.nothing_pending")
		}
	case workflow.RequestSupplement:
		if p.MissingOther == "" {
			p.Errors["missing"] = s.site.T(lang, "intake.err.nothing_missing")
		} else {
			return // the clerk names what is missing beyond the checklist
		}
	}
	if len(p.MaterialErrs) > 0 && p.Errors["decision"] == "" {
		p.Errors["decision"] = s.site.T(lang, "intake.err.not_allowed", s.site.T(lang, "intake.decide."+p.Decision))
	}
}

// decideIntake takes the decision on the application just filed and answers
// with its notice; a decision the workflow still refuses leaves the filing
// on its processing page, the refusal in the page's language.
func (s *Server) decideIntake(c *gin.Context, p intakeDecisionPage, filed *models.Filed) error {
	app, err := s.store.Application(c.Request.Context(), filed.Number)
	if err != nil {
		return err
	}
	act := workflow.Action(p.Decision)
	in := actionInput{Version: app.Version, Fields: map[string]string{}}
	set := func(name, val string) {
		if val = strings.TrimSpace(val); val != "" {
			in.Fields[name] = val
		}
	}
	switch act {
	case workflow.Accept, workflow.AcceptPending:
		in.Materials = map[string]models.MaterialCheck{}
		var pending []string
		for _, m := range p.Materials {
			in.Materials[m.Key] = models.MaterialCheck{Provided: m.Provided, Kind: m.Kind, Copies: min(max(models.Days(m.Copies), 0), 99)}
			if !m.Provided && m.Necessity == models.NecessityDeferred {
				pending = append(pending, m.Key)
			}
		}
		if act == workflow.AcceptPending {
			in.Comment = p.Commitment
			set("pending", strings.Join(pending, ","))
			set("due", p.Due)
		}
	case workflow.RequestSupplement:
		var lines []string
		for _, m := range p.Materials {
			if !m.Provided && (m.Necessity == models.NecessityRequired || m.Necessity == models.NecessityDeferred) {
				lines = append(lines, m.Name)
			}
		}
		for _, l := range strings.Split(p.MissingOther, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		set("missing", strings.Join(lines, "\n"))
	case workflow.Reject:
		set("reason", p.Reason)
	}
	done := "/window/intake/filed/" + url.PathEscape(filed.Number) + "?filed=" + url.QueryEscape(p.Token)
	if app.State != workflow.Submitted {
		// A replayed form: the application was filed (and decided) by the first submission.
		c.Redirect(http.StatusSeeOther, done)
		return nil
	}
	idem := formIdempotency(c, p.Token+":decide")
	if _, err := s.doAction(c, app.Number, act, in, idem); err != nil {
		return s.windowActRefused(c, app.Number, act, err)
	}
	c.Redirect(http.StatusSeeOther, done)
	return nil
}

// intakeFiledPage is the answer to a decided intake: the query code, the
// receipt and the decision's notice, and the way to the next applicant.
type intakeFiledPage struct {
	Number, QueryCode, Filed, State string
	Notice                          noticeLink
	Receipt                         bool
}

func (s *Server) uiIntakeFiled(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	lang := langOf(c)
	p := intakeFiledPage{Number: app.Number, State: s.site.T(lang, "state."+string(app.State))}
	if tok := c.Query("filed"); tok != "" {
		f, err := s.store.FilingByKey(c.Request.Context(), "user:"+principalOf(c).user.Username, "form:"+tok)
		if err == nil && f.Number == app.Number {
			p.QueryCode, p.Filed, p.Receipt = f.QueryCode, tok, true
		}
	}
	for _, d := range intakeDecisions {
		if ev := noticeEvent(app, d.Notice); ev != nil && ev.Action == d.Action {
			p.Notice = noticeLink{Kind: d.Notice, Title: s.site.T(lang, "notice."+d.Notice+".title")}
		}
	}
	s.render(c, http.StatusOK, "intake_filed", s.site.T(lang, "intake.filed.title", app.Number), "staff", p)
	return nil
}
