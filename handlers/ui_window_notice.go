package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The printed notices of the window (行政许可法 Art. 32): each exists only
// once the history holds the action it records.

// noticeKinds lists the notices in the order of an application's life.
var noticeKinds = []string{"receipt", "supplement", "refusal", "acceptance", "pending"}

// noticeActions are the actions whose event a notice prints.
var noticeActions = map[string][]workflow.Action{
	"receipt":    {workflow.Register},
	"supplement": {workflow.RequestSupplement},
	"refusal":    {workflow.Reject},
	"acceptance": {workflow.Accept, workflow.AcceptPending},
	"pending":    {workflow.AcceptPending},
}

// noticeEvent is the latest event of the application a notice of kind
// prints, or nil when its history has none.
func noticeEvent(app *models.Application, kind string) *models.Event {
	acts := noticeActions[kind]
	for i := len(app.Events) - 1; i >= 0; i-- {
		for _, a := range acts {
			if app.Events[i].Action == a {
				return &app.Events[i]
			}
		}
	}
	return nil
}

// noticePage is the data of a printed notice.
type noticePage struct {
	Kind       string
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
	QueryCode                    string
	// Complete says the acceptance found every material the item asks for
	// (材料齐全); MainComplete that every required one was there (主要材料齐全).
	// A notice says so only when it is true.
	Complete, MainComplete bool
}

func (s *Server) uiWindowNotice(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	kind := c.Param("kind")
	ev := noticeEvent(app, kind)
	if ev == nil {
		return notFound("notice")
	}
	lang := langOf(c)
	dept := s.ref.Load().deptByKey[app.DepartmentCode]
	fields := ev.Fields()
	clock := s.clockOf(app)
	p := noticePage{Kind: kind, Number: app.Number, Department: dept.Name,
		Date: ev.At.In(shanghai).Format("2006-01-02"), SubmittedOn: app.SubmittedAt.In(shanghai).Format("2006-01-02"), Item: app.ItemName, ItemCode: app.ItemCode,
		Applicant: applicantView{Kind: app.ApplicantKind, Name: app.ApplicantName, IDNumber: app.ApplicantIDNumber, Phone: app.ApplicantPhone},
		Channel:   app.Channel, Reason: fields["reason"], Comment: ev.Comment, Due: fields["due"],
		Missing: missingLines(app, fields["missing"]), Pending: materialNames(app, workflow.SplitList(fields["pending"])),
		AcceptedOn: app.AcceptedOn, PromisedDays: app.PromisedDays, StatutoryDays: app.StatutoryDays,
		Promised: clock.PromisedDeadline, Statutory: clock.StatutoryDeadline, Immediate: app.Immediate,
		Complete: ev.Action == workflow.Accept && app.Complete(), MainComplete: app.RequiredReceived()}
	p.ContactAddress, p.ContactPhone = s.noticeContact(c, lang, app, dept.Department)
	for _, m := range materialViews(app) {
		if m.Provided {
			p.Received = append(p.Received, m)
		}
	}
	if tok := c.Query("filed"); tok != "" && kind == "receipt" {
		f, err := s.store.FilingByKey(c.Request.Context(), "user:"+principalOf(c).user.Username, "form:"+tok)
		if err == nil && f.Number == app.Number {
			p.QueryCode = f.QueryCode
		}
	}
	s.render(c, http.StatusOK, "notice_print", s.site.T(lang, "notice."+kind+".title"), "staff", p)
	return nil
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
