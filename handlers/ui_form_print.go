package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/policies"
)

// The printed 申请表: an application's form with its answers on A4, for the
// applicant to sign at the window. Staff who may register the application's
// department's applications print it, as they print the window's notices.

// formPrintPage is the data of the printed application form.
type formPrintPage struct {
	Number     string
	Item       string
	ItemCode   string
	Department string
	Applicant  applicantView
	Address    string // the contact address the filing gave, "" when its form asks none
	Submitted  string
	Channel    string
	Answers    answersView
	Demo       bool
}

// uiFormPrint shows the application form of an application for printing.
func (s *Server) uiFormPrint(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	lang := langOf(c)
	shown := s.grantedReveal(c, app) // a clerk who showed the data in full prints it in full
	answers, err := s.answersOf(c.Request.Context(), lang, app)
	if err != nil {
		return err
	}
	applicant, _ := s.pageApplicant(c, app, "", shown)
	p := formPrintPage{Number: app.Number, Item: app.ItemName, ItemCode: app.ItemCode,
		Department: s.ref.Load().deptByKey[app.DepartmentCode].Name,
		Applicant:  applicant,
		Address:    answerOf(app, "address"), Submitted: citizenTime(app.SubmittedAt),
		Channel: s.site.T(lang, "channel."+app.Channel), Answers: answers, Demo: s.demo}
	p.Answers.Rows = withoutApplicantRows(p.Answers.Rows, map[string]string{"kind": s.site.T(lang, "applicant."+app.ApplicantKind),
		"name": p.Applicant.Name, "org_name": p.Applicant.Name, "id_number": p.Applicant.IDNumber, "credit_code": p.Applicant.IDNumber,
		"phone": p.Applicant.Phone, "address": p.Address})
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "form_print", s.site.T(lang, "form.print.page_title", app.Number), "staff", p)
	return nil
}

// withoutApplicantRows leaves out the answers the printed form's applicant
// table already shows (a phone prefilled from the applicant's, the same
// name …), so that each is printed once; an answer that differs stays.
func withoutApplicantRows(rows []answerRow, shown map[string]string) []answerRow {
	out := rows[:0:0]
	for _, r := range rows {
		if v := shown[r.Prefill]; v != "" && r.Table == nil && strings.TrimSpace(r.Text) == v {
			continue
		}
		out = append(out, r)
	}
	return out
}
