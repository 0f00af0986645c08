package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The printed notices (行政许可法 Arts. 32, 38, 42, 45): each exists only
// once the history holds the action it records, and says only what is true
// of that application. The window prints them; the applicant's status page
// shows them (applicantNoticeKinds).

// noticeKinds lists the notices in the order of an application's life.
var noticeKinds = []string{"receipt", "supplement", "refusal", "acceptance", "pending", "pledge", "extension",
	"special", "denial", "termination", "revocation"}

// applicantNoticeKinds are the notices the status page shows the applicant
// (the receipt carries the query code and stays at the window).
var applicantNoticeKinds = []string{"supplement", "refusal", "acceptance", "pending", "extension", "special",
	"denial", "termination", "revocation"}

// noticeActions are the actions whose event a notice prints.
var noticeActions = map[string][]workflow.Action{
	"receipt":     {workflow.Register},
	"supplement":  {workflow.RequestSupplement, workflow.SendBack}, // 一次性告知, and 补正 after acceptance
	"refusal":     {workflow.Reject},
	"acceptance":  {workflow.Accept, workflow.AcceptPending},
	"pending":     {workflow.AcceptPending},
	"pledge":      {workflow.AcceptPending}, // the applicant's 容缺 pledge, printed for signing
	"extension":   {workflow.Extend},        // 延期通知书
	"special":     {workflow.Suspend},       // 特别程序告知书
	"denial":      {workflow.Deny},          // 不予许可决定书, in the item type's words
	"termination": {workflow.Terminate},     // 终止办理通知书
	"revocation":  {workflow.Revoke},        // 撤销决定书 after a failed check of a 告知承诺
}

// noticeEvent is the latest event of the application a notice of kind
// prints, or nil when its history has none.
func noticeEvent(app *models.Application, kind string) *models.Event {
	i := noticeEventIndex(app, kind)
	if i < 0 {
		return nil
	}
	return &app.Events[i]
}

func noticeEventIndex(app *models.Application, kind string) int {
	acts := noticeActions[kind]
	for i := len(app.Events) - 1; i >= 0; i-- {
		for _, a := range acts {
			if app.Events[i].Action == a {
				return i
			}
		}
	}
	return -1
}

// noticePage is the data of a printed notice.
type noticePage struct {
	Kind       string
	Title      string
	Number     string
	Department string
	// Where to ask, never blank: the item's location and phone, else the
	// department's office, else the service centre's.
	ContactAddress, ContactPhone contactLine
	Date                         string // the date of the recorded action
	SubmittedOn                  string
	Item                         string
	ItemCode                     string
	Applicant                    applicantView
	Channel                      string
	Received                     []materialView
	Missing                      []string
	Pending                      []string
	Due                          string
	Reason                       string
	Comment                      string
	AcceptedOn                   string
	PromisedDays                 int
	StatutoryDays                int
	Promised                     string
	Statutory                    string
	Immediate                    bool
	Provisional                  bool // a deadline falls in a year counted with weekends only
	QueryCode                    string
	// Complete says the acceptance found every material the item asks for
	// (材料齐全); MainComplete that every required one was there (主要材料齐全).
	// A notice says so only when it is true.
	Complete, MainComplete bool
	// SendBack marks a 补正通知 after acceptance (the clock stopped meanwhile).
	SendBack bool
	// Extension (延期): the days added and the statutory deadline after it.
	Days        string
	NewDeadline string
	// Special procedure (特别程序): which, its expected working days, the day
	// the clock stopped and, once resumed, the day it restarted.
	Procedure, ExpectedDays, ResumedOn string
	// Denial: the reasons (by department for a joint item), the decision in
	// the item type's words and the applicant's remedies.
	Reasons      []option
	DecisionText string
	Remedies     []string
	// Rule is the clock rule of an automatic termination (pending_overdue).
	Rule string
	// Licensing says the licensing law's articles on extension and special
	// procedures (42, 45) apply: the item is a 行政许可.
	Licensing bool
	// Revocation (撤销) after a failed check of the applicant's 告知承诺: the
	// day of the grant, the day of the check and what it found; PledgeText is
	// the pledge as filed (the 告知承诺书 printed for signing).
	GrantedOn, CheckedOn, Findings, PledgeText string
	// Pledged are the materials the applicant's 告知承诺 stands for.
	Pledged []string
}

// noticeDoc is what the notice partial renders: the page's language and
// site, and the notice.
type noticeDoc struct {
	Lang string
	Site siteView
	Data noticePage
	// Screen marks a notice shown among others on the status page (its
	// element is named by its kind), not printed on its own.
	Screen bool
}

func (s *Server) uiWindowNotice(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	kind := c.Param("kind")
	lang := langOf(c)
	p, ok := s.noticeOf(c, lang, app, kind)
	if !ok {
		return notFound("notice")
	}
	if tok := c.Query("filed"); tok != "" && kind == "receipt" {
		f, err := s.store.FilingByKey(c.Request.Context(), "user:"+principalOf(c).user.Username, "form:"+tok)
		if err == nil && f.Number == app.Number {
			p.QueryCode = f.QueryCode
		}
	}
	s.render(c, http.StatusOK, "notice_print", p.Title, "staff", noticeDoc{Lang: lang, Site: s.siteView(lang), Data: p})
	return nil
}

// noticesOf are the notices of kinds the application's history allows.
func (s *Server) noticesOf(c *gin.Context, lang string, app *models.Application, kinds []string) []noticeDoc {
	var out []noticeDoc
	for _, k := range kinds {
		if p, ok := s.noticeOf(c, lang, app, k); ok {
			out = append(out, noticeDoc{Lang: lang, Site: s.siteView(lang), Data: p, Screen: true})
		}
	}
	return out
}

// noticeOf builds the notice of kind from the event it prints; false when
// the history holds none.
func (s *Server) noticeOf(c *gin.Context, lang string, app *models.Application, kind string) (noticePage, bool) {
	i := noticeEventIndex(app, kind)
	if i < 0 {
		return noticePage{}, false
	}
	ev := &app.Events[i]
	dept := s.ref.Load().deptByKey[app.DepartmentCode]
	fields := ev.Fields()
	clock := s.clockOf(app)
	if ev.Action == workflow.Accept || ev.Action == workflow.AcceptPending {
		clock = s.acceptedClockOf(app) // the notice tells the limits as they stood that day
	}
	p := noticePage{Kind: kind, Title: s.site.T(lang, "notice."+kind+".title"), Number: app.Number, Department: dept.Name,
		Date: ev.At.In(shanghai).Format("2006-01-02"), SubmittedOn: app.SubmittedAt.In(shanghai).Format("2006-01-02"), Item: app.ItemName, ItemCode: app.ItemCode,
		Applicant: maskedApplicant(app.ApplicantKind, app.ApplicantName, app.ApplicantIDNumber, app.ApplicantPhone),
		Channel:   app.Channel, Reason: fields["reason"], Comment: ev.Comment, Due: fields["due"],
		Missing: missingLines(app, fields["missing"]), Pending: materialNames(app, workflow.SplitList(fields["pending"])),
		AcceptedOn: app.AcceptedOn, PromisedDays: app.PromisedDays, StatutoryDays: app.StatutoryDays,
		Promised: clock.PromisedDeadline, Statutory: clock.StatutoryDeadline, Immediate: app.Immediate, Provisional: clock.Provisional,
		Complete: ev.Action == workflow.Accept && app.Complete(), MainComplete: app.RequiredReceived(),
		Days: fields["days"], NewDeadline: fields["deadline"], ExpectedDays: fields["expected_days"], Rule: fields["rule"],
		Licensing: app.Terms().Law == "licensing"}
	p.ContactAddress, p.ContactPhone = s.noticeContact(c, lang, app, dept.Department)
	for _, m := range materialViews(app) {
		if m.Provided {
			p.Received = append(p.Received, m)
		}
		if m.Pledged {
			p.Pledged = append(p.Pledged, m.Name)
		}
	}
	switch kind {
	case "supplement":
		if ev.Action == workflow.SendBack {
			p.SendBack, p.Title = true, s.site.T(lang, "notice.send_back.title")
			if len(p.Missing) == 0 && p.Reason != "" {
				p.Missing = []string{p.Reason}
			}
		}
	case "special":
		p.Procedure = s.site.TOr(lang, "suspend."+fields["kind"], fields["kind"])
		for _, later := range app.Events[i+1:] {
			if later.Action == workflow.Resume {
				p.ResumedOn = later.At.In(shanghai).Format("2006-01-02")
				p.Days = later.Fields()["stopped_days"]
				break
			}
		}
	case "denial":
		s.denialNotice(lang, app, &p)
	case "revocation":
		p.Findings, p.CheckedOn, p.Remedies = fields["findings"], fields["checked_on"], s.remedies(lang, app.Terms())
		for _, e := range app.Events[:i] {
			if e.ToState == workflow.Approved {
				p.GrantedOn = e.At.In(shanghai).Format("2006-01-02")
			}
		}
	}
	return p, true
}

// denialNotice fills the refusal's reasons, its decision sentence in the
// item type's words and the remedies.
func (s *Server) denialNotice(lang string, app *models.Application, p *noticePage) {
	terms := app.Terms()
	p.Title = s.site.T(lang, termsKey(terms, "doc.denial"))
	p.DecisionText = s.decisionText(lang, terms, "denial", app.ItemName)
	p.Remedies = s.remedies(lang, terms)
	ref := s.ref.Load()
	for _, t := range app.Tasks {
		if t.Stage == string(workflow.StageDenied) {
			p.Reasons = append(p.Reasons, option{Label: ref.deptByKey[t.DepartmentCode].Name, Value: t.Comment})
		}
	}
	if len(p.Reasons) == 0 { // the status page's read has no tasks: the events say it too
		for _, e := range app.Events {
			if e.Action == workflow.Deny {
				name := ref.deptByKey[e.Department].Name
				if name == "" {
					name = p.Department
				}
				p.Reasons = append(p.Reasons, option{Label: name, Value: e.Fields()["reason"]})
			}
		}
	}
}

// noticeContact is the 咨询地址和电话 of a printed notice: the item's own
// location and phone, else the department's office, else the service
// centre's address and hotline.
func (s *Server) noticeContact(c *gin.Context, lang string, app *models.Application, dept models.Department) (addr, phone contactLine) {
	var it models.Item
	if cur, err := s.store.Item(c.Request.Context(), app.ItemCode); err == nil {
		it = *cur // a withdrawn item's notice still prints the office's details
	}
	site := s.siteSettings()
	addr = s.contact(lang, false, contactSource{it.Location, ""}, contactSource{dept.Address, ""},
		contactSource{site.Address, "contact.centre_address"})
	phone = s.contact(lang, true, contactSource{it.Phone, ""}, contactSource{dept.Phone, ""},
		contactSource{site.Hotline, "contact.centre_hotline"})
	return addr, phone
}

// acceptedClockOf is the clock of app as it stood on acceptance: before any
// extension or special procedure moved its deadlines, which their own
// notices tell.
func (s *Server) acceptedClockOf(app *models.Application) clockView {
	cal := s.cal.Load()
	c := app.Clock()
	c.ExtendedDays, c.StoppedDays, c.StoppedSince, c.EndedOn = 0, 0, time.Time{}, time.Time{}
	v := clockView{AcceptedOn: app.AcceptedOn, StatutoryDays: c.StatutoryDays, PromisedDays: c.PromisedDays}
	if c.Started() {
		day := c.AcceptedOn
		statutory, promised := c.StatutoryDeadline(cal, day), c.PromisedDeadline(cal, day)
		v.StatutoryDeadline, v.PromisedDeadline = models.FormatDay(statutory), models.FormatDay(promised)
		v.Provisional = cal.Provisional(statutory) || cal.Provisional(promised)
	}
	return v
}
