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
	Kind          string
	Number        string
	Department    string
	DeptPhone     string
	DeptAddress   string
	Date          string // the date of the recorded action
	SubmittedOn   string
	Item          string
	ItemCode      string
	Applicant     applicantView
	Channel       string
	Received      []materialView
	Missing       []string
	Pending       []string
	Due           string
	Reason        string
	Comment       string
	AcceptedOn    string
	PromisedDays  int
	StatutoryDays int
	Promised      string
	Statutory     string
	Immediate     bool
	QueryCode     string
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
	p := noticePage{Kind: kind, Number: app.Number, Department: dept.Name, DeptPhone: dept.Phone, DeptAddress: dept.Address,
		Date: ev.At.In(shanghai).Format("2006-01-02"), SubmittedOn: app.SubmittedAt.In(shanghai).Format("2006-01-02"), Item: app.ItemName, ItemCode: app.ItemCode,
		Applicant: applicantView{Kind: app.ApplicantKind, Name: app.ApplicantName, IDNumber: app.ApplicantIDNumber, Phone: app.ApplicantPhone},
		Channel:   app.Channel, Reason: fields["reason"], Comment: ev.Comment, Due: fields["due"],
		Missing: missingLines(app, fields["missing"]), Pending: materialNames(app, workflow.SplitList(fields["pending"])),
		AcceptedOn: app.AcceptedOn, PromisedDays: app.PromisedDays, StatutoryDays: app.StatutoryDays,
		Promised: clock.PromisedDeadline, Statutory: clock.StatutoryDeadline, Immediate: app.Immediate}
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
