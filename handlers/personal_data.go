package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/workflow"
)

// Staff see an applicant's identity number and phone masked (3210**********2119,
// 139****5678), in the API, on every page and on printed papers. Someone whose role needs
// the full values (the window checking an identity card, a department checking a record)
// chooses to see them on one application: the view is logged first (who, when, from where,
// which application, why), then shown once; a reload masks again. Supervisors read the log.

// maskedApplicant is the applicant as staff see them by default.
func maskedApplicant(kind, name, idNumber, phone string) applicantView {
	return applicantView{Kind: kind, Name: name, IDNumber: workflow.MaskID(idNumber), Phone: workflow.MaskPhone(phone)}
}

// maskedAnswers are an application's answers with identity and phone numbers masked.
func maskedAnswers(a *models.Application) form.Values {
	return form.Masked(a.Definition.Form, form.Values(a.Form))
}

// revealKey marks a request whose page shows one application's personal data in full,
// after the view was logged.
type revealKey struct{}

func revealed(ctx context.Context) bool { v, _ := ctx.Value(revealKey{}).(bool); return v }

// revealView is the page's "show in full" control.
type revealView struct {
	Action   string // where the control posts
	Can      bool   // the member of staff may see the full values
	Revealed bool   // this answer shows them (and the view is logged)
}

// revealFields names what a view shows, for the log.
const revealFields = "id_number,phone,form"

// maxRevealReason bounds the reason given for a view.
const maxRevealReason = 200

// canReveal reports whether the member of staff may see this application's personal data in
// full: in a department of the application, like reading it.
func (s *Server) canReveal(c *gin.Context, app *models.Application) bool {
	if s.can(c, app.DepartmentCode, policies.ObjApplication, policies.ActReveal) {
		return true
	}
	for _, t := range app.Tasks {
		if s.can(c, t.DepartmentCode, policies.ObjApplication, policies.ActReveal) {
			return true
		}
	}
	return false
}

// logReveal checks the right to see app's personal data in full and logs the view; only
// then may the answer show it.
func (s *Server) logReveal(c *gin.Context, app *models.Application, reason string) error {
	if !s.canReveal(c, app) {
		return s.authorize(c, app.DepartmentCode, policies.ObjApplication, policies.ActReveal)
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > maxRevealReason {
		return invalid(map[string]string{"reason": s.site.T(langOf(c), "personal.err.reason_long", maxRevealReason)})
	}
	p := principalOf(c)
	var roles []string
	for _, r := range p.user.Roles {
		if !slices.Contains(roles, r.Role) {
			roles = append(roles, r.Role)
		}
	}
	return s.store.LogPersonalDataView(c.Request.Context(), models.PersonalDataView{At: s.now(), Username: p.user.Username,
		Role: strings.Join(roles, ","), ApplicationNumber: app.Number, Fields: revealFields, Reason: reason,
		IP: c.ClientIP()})
}

// withReveal marks the request's page as showing personal data in full.
func withReveal(c *gin.Context) {
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), revealKey{}, true))
}

// apiRevealApplicant shows an application's applicant and answers in full, logged.
func (s *Server) apiRevealApplicant(c *gin.Context) error {
	app, err := s.store.Application(c.Request.Context(), c.Param("number"))
	if err != nil {
		return err
	}
	if err := s.authorizeRead(c, app); err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if c.Request.ContentLength != 0 {
		if err := c.ShouldBindJSON(&body); err != nil {
			return badRequest(err.Error())
		}
	}
	if err := s.logReveal(c, app, body.Reason); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"number": app.Number,
		"applicant": applicantView{Kind: app.ApplicantKind, Name: app.ApplicantName, IDNumber: app.ApplicantIDNumber, Phone: app.ApplicantPhone},
		"form":      form.Values(app.Form)})
	return nil
}

// uiWindowReveal shows the window's application page with the personal data in full.
func (s *Server) uiWindowReveal(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	if err := s.logReveal(c, app, c.PostForm("reason")); err != nil {
		return err
	}
	withReveal(c)
	return s.uiWindowApplication(c)
}

// uiTaskReveal shows the department's task page with the personal data in full.
func (s *Server) uiTaskReveal(c *gin.Context) error {
	app, err := s.loadTask(c)
	if err != nil {
		return err
	}
	if err := s.logReveal(c, app, c.PostForm("reason")); err != nil {
		return err
	}
	withReveal(c)
	return s.uiTask(c)
}

// pageApplicant is the applicant a page shows: in full when the request revealed it, else
// masked; the reveal control goes with it.
func (s *Server) pageApplicant(c *gin.Context, app *models.Application, action string) (applicantView, revealView) {
	r := revealView{Action: action, Can: s.canReveal(c, app), Revealed: revealed(c.Request.Context())}
	if r.Revealed {
		return applicantView{Kind: app.ApplicantKind, Name: app.ApplicantName, IDNumber: app.ApplicantIDNumber,
			Phone: app.ApplicantPhone}, r
	}
	return maskedApplicant(app.ApplicantKind, app.ApplicantName, app.ApplicantIDNumber, app.ApplicantPhone), r
}

// The log of views, for supervisors.

const personalLogPerPage = 50

type personalLogQuery struct {
	Username, Number, From, To string
	Page                       int
}

func (s *Server) personalLog(c *gin.Context) (personalLogQuery, []models.PersonalDataView, int64, error) {
	q := personalLogQuery{Username: strings.TrimSpace(c.Query("username")), Number: strings.TrimSpace(c.Query("number")),
		From: c.Query("from"), To: c.Query("to")}
	if err := s.authorize(c, policies.AllDomains, policies.ObjDataLog, policies.ActRead); err != nil {
		return q, nil, 0, err
	}
	q.Page, _ = strconv.Atoi(c.Query("page"))
	q.Page = min(max(q.Page, 1), maxPage)
	f := models.PersonalDataViewFilter{Username: q.Username, Number: q.Number, Limit: personalLogPerPage,
		Offset: (q.Page - 1) * personalLogPerPage}
	errs := map[string]string{}
	for name, v := range map[string]string{"from": q.From, "to": q.To} {
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", v, models.CentreZone())
		if err != nil {
			errs[name] = s.site.T(langOf(c), "personal.err.date")
			continue
		}
		if name == "from" {
			f.From = d
		} else {
			f.To = d.AddDate(0, 0, 1) // the whole day named
		}
	}
	if len(errs) > 0 {
		return q, nil, 0, invalid(errs)
	}
	views, total, err := s.store.PersonalDataViews(c.Request.Context(), f)
	return q, views, total, err
}

// apiPersonalDataViews lists the log of full views of personal data.
func (s *Server) apiPersonalDataViews(c *gin.Context) error {
	q, views, total, err := s.personalLog(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": q.Page, "views": views})
	return nil
}

type personalLogRow struct {
	models.PersonalDataView
	Time string
}

type personalLogPage struct {
	Query            personalLogQuery
	Rows             []personalLogRow
	Total            int64
	Pages            int
	PrevURL, NextURL string
}

// uiPersonalDataViews is the supervisors' page of the log.
func (s *Server) uiPersonalDataViews(c *gin.Context) error {
	q, views, total, err := s.personalLog(c)
	if err != nil {
		return err
	}
	p := personalLogPage{Query: q, Total: total, Pages: max(1, int((total+personalLogPerPage-1)/personalLogPerPage))}
	for _, v := range views {
		p.Rows = append(p.Rows, personalLogRow{PersonalDataView: v, Time: localTime(v.At)})
	}
	v := url.Values{}
	for k, val := range map[string]string{"username": q.Username, "number": q.Number, "from": q.From, "to": q.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	p.PrevURL, p.NextURL = pageURLs("/supervise/personal-data", v, q.Page, p.Pages)
	s.render(c, http.StatusOK, "supervise_personal_data", s.site.T(langOf(c), "personal.log.title"), "staff", p)
	return nil
}
