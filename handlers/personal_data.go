package handlers

import (
	"context"
	"errors"
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
	Shown    string // the logged view's id, carried by links that keep showing them (print, language)
}

// revealGrant is how long a logged view keeps showing the data in full on the pages of that
// application to the member of staff who asked (a reload, the other language, the printed
// form), without logging again.
const revealGrant = 10 * time.Minute

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
// then may the answer show it. It returns the record's id.
func (s *Server) logReveal(c *gin.Context, app *models.Application, reason string) (uint, error) {
	if !s.canReveal(c, app) {
		return 0, s.authorize(c, app.DepartmentCode, policies.ObjApplication, policies.ActReveal)
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > maxRevealReason {
		return 0, invalid(map[string]string{"reason": s.site.T(langOf(c), "personal.err.reason_long", maxRevealReason)})
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

// grantedReveal marks the request as showing app's personal data in full when its `shown`
// parameter names a view this member of staff logged on this application within
// revealGrant, and returns that id ("" otherwise: the page masks).
func (s *Server) grantedReveal(c *gin.Context, app *models.Application) string {
	id, err := strconv.ParseUint(c.Query("shown"), 10, 32)
	if err != nil || id == 0 {
		return ""
	}
	v, err := s.store.PersonalDataViewByID(c.Request.Context(), uint(id))
	p := principalOf(c)
	if err != nil || p == nil || v.Username != p.user.Username || v.ApplicationNumber != app.Number ||
		s.now().Sub(v.At) > revealGrant || !s.canReveal(c, app) {
		return ""
	}
	withReveal(c)
	return strconv.FormatUint(id, 10)
}

// revealAndShow logs a view from a page's form and sends the browser to the page that shows
// it (a GET: reloading or switching language does not post or log again). A reason that is
// too long comes back on the page, masked, with the message.
func (s *Server) revealAndShow(c *gin.Context, app *models.Application, page string, refused func(msg string) error) error {
	id, err := s.logReveal(c, app, c.PostForm("reason"))
	var e *Error
	if errors.As(err, &e) && e.Fields["reason"] != "" {
		return refused(e.Fields["reason"])
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, page+"?shown="+strconv.FormatUint(uint64(id), 10)+"#applicant")
	return nil
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
	if _, err := s.logReveal(c, app, body.Reason); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"number": app.Number,
		"applicant": applicantView{Kind: app.ApplicantKind, Name: app.ApplicantName, IDNumber: app.ApplicantIDNumber, Phone: app.ApplicantPhone},
		"form":      form.Values(app.Form)})
	return nil
}

// uiWindowReveal logs a view from the window's application page and shows it in full.
func (s *Server) uiWindowReveal(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	return s.revealAndShow(c, app, "/window/applications/"+app.Number, func(msg string) error {
		p, err := s.newWindowAppPage(c, app)
		if err != nil {
			return err
		}
		p.Alert, p.Errors["reason"] = s.site.T(langOf(c), "window.err.summary"), msg
		s.renderWindowApp(c, http.StatusUnprocessableEntity, p)
		return nil
	})
}

// uiTaskReveal logs a view from the department's task page and shows it in full.
func (s *Server) uiTaskReveal(c *gin.Context) error {
	app, err := s.loadTask(c)
	if err != nil {
		return err
	}
	return s.revealAndShow(c, app, "/tasks/"+app.Number, func(msg string) error {
		p, err := s.newTaskPage(c, app)
		if err != nil {
			return err
		}
		p.Problem = msg
		s.render(c, http.StatusUnprocessableEntity, "task_detail", app.Number+" "+app.ItemName, "staff", p)
		return nil
	})
}

// pageApplicant is the applicant a page shows: in full when the request was granted the
// view (grantedReveal, called first, before anything else on the page is rendered, with
// its id in shown), else masked; the reveal control goes with it.
func (s *Server) pageApplicant(c *gin.Context, app *models.Application, action, shown string) (applicantView, revealView) {
	r := revealView{Action: action, Can: s.canReveal(c, app), Shown: shown, Revealed: revealed(c.Request.Context())}
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
	if len(errs) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs["to"] = s.site.T(langOf(c), "personal.err.to_before_from")
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
	Time  string
	Roles string // the roles in the page's language
}

type personalLogPage struct {
	Query            personalLogQuery
	Errors           map[string]string // a filter refused, by field
	Rows             []personalLogRow
	Total            int64
	Pages            int
	PrevURL, NextURL string
}

// uiPersonalDataViews is the supervisors' page of the log.
func (s *Server) uiPersonalDataViews(c *gin.Context) error {
	q, views, total, err := s.personalLog(c)
	if e := (*Error)(nil); errors.As(err, &e) && len(e.Fields) > 0 {
		q.Page = 1
		s.render(c, http.StatusUnprocessableEntity, "supervise_personal_data", s.site.T(langOf(c), "personal.log.title"), "staff",
			personalLogPage{Query: q, Errors: e.Fields, Pages: 1})
		return nil
	}
	if err != nil {
		return err
	}
	p := personalLogPage{Query: q, Total: total, Pages: max(1, int((total+personalLogPerPage-1)/personalLogPerPage))}
	lang := langOf(c)
	for _, v := range views {
		var roles []string
		for _, r := range strings.Split(v.Role, ",") {
			if r != "" {
				roles = append(roles, s.site.T(lang, "admin.role."+r))
			}
		}
		p.Rows = append(p.Rows, personalLogRow{PersonalDataView: v, Time: localTime(v.At),
			Roles: strings.Join(roles, s.site.T(lang, "personal.log.role_sep"))})
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
