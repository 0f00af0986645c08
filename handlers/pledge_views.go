package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// pledgeView is an application's 告知承诺 as the window and the applicant see it.
type pledgeView struct {
	Text, Channel, PledgedAt, SignedAt string
	Signed                             bool
	Version                            int
	CheckState, CheckStateLabel        string // "" before the decision
	CheckDue                           string
	CanSign                            bool // the window may record the signed pledge
}

// pledgeViewOf is the application's pledge, or nil when it has none.
func (s *Server) pledgeViewOf(c *gin.Context, app *models.Application) (*pledgeView, error) {
	p, err := s.store.Pledge(c.Request.Context(), app.Number)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	lang := langOf(c)
	v := &pledgeView{Text: p.Text, Channel: p.Channel, PledgedAt: citizenTime(p.PledgedAt), Signed: p.SignedAt != nil,
		Version: p.Version, CheckState: p.CheckState, CheckDue: p.CheckDue}
	if p.SignedAt != nil {
		v.SignedAt = citizenTime(*p.SignedAt)
	}
	if p.CheckState != models.PledgeCheckNone {
		v.CheckStateLabel = s.site.T(lang, "pledge.state."+p.CheckState)
	}
	v.CanSign = !v.Signed && !app.State.Final() && principalOf(c) != nil &&
		s.can(c, p.DepartmentCode, policies.ObjPledge, policies.ActSign)
	return v, nil
}

// uiPledgePrint prints the 告知承诺书 for the applicant to sign at the window.
func (s *Server) uiPledgePrint(c *gin.Context) error {
	app, err := s.store.Application(c.Request.Context(), c.Param("number"))
	if err != nil {
		return err
	}
	p, err := s.store.Pledge(c.Request.Context(), app.Number)
	if err != nil {
		return err
	}
	if err := s.authorize(c, app.DepartmentCode, policies.ObjPledge, policies.ActSign); err != nil {
		return err
	}
	lang := langOf(c)
	dept := s.ref.Load().deptByKey[app.DepartmentCode]
	doc := noticePage{Kind: "pledge_doc", Title: s.site.T(lang, "pledge.notice.doc.title"), Number: app.Number, Department: dept.Name,
		Date: p.PledgedAt.In(shanghai).Format("2006-01-02"), Item: app.ItemName, ItemCode: app.ItemCode,
		Applicant:  maskedApplicant(app.ApplicantKind, app.ApplicantName, app.ApplicantIDNumber, app.ApplicantPhone),
		PledgeText: p.Text, Days: strconv.Itoa(p.CheckDays)}
	doc.ContactAddress, doc.ContactPhone = s.noticeContact(c, lang, app, dept.Department)
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "notice_print", doc.Title, "staff", noticeDoc{Lang: lang, Site: s.siteView(lang), Data: doc})
	return nil
}

// uiSignPledge records the signed pledge and goes back to the application.
func (s *Server) uiSignPledge(c *gin.Context) error {
	var in struct {
		Version int `form:"version"`
	}
	if err := bindForm(c, &in); err != nil {
		return err
	}
	number := c.Param("number")
	if err := s.signPledge(c, number, in.Version); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/window/applications/"+url.PathEscape(number)+"?done=pledge_signed")
	return nil
}
