package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/workflow"
)

// The query code reaches the receipt in a cookie, not in the URL: a URL ends
// up in access logs, the browser's history and Referer headers, and the code
// is the applicant's only key to the application. The cookie is HttpOnly (no
// script reads it), scoped to this receipt's path, lives ten minutes at most
// and is cleared when the receipt first shows it, so the code is shown once
// and the next user of a shared computer cannot bring it back.
const (
	receiptCookie = "ow_receipt"
	receiptMaxAge = 600 // seconds
)

func receiptPath(number string) string { return "/receipt/" + number }

func (s *Server) setReceiptCookie(c *gin.Context, number, code string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: receiptCookie, Value: code, Path: receiptPath(number),
		MaxAge: receiptMaxAge, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookie(c)})
}

func (s *Server) clearReceiptCookie(c *gin.Context, number string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: receiptCookie, Value: "", Path: receiptPath(number),
		MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookie(c)})
}

// receiptPage is the printable 申请回执.
type receiptPage struct {
	Number, Code              string // Code is empty once it was shown
	Item, ItemCode            string
	Department                string
	Phone                     contactLine // the department's, else the item's, else the centre's hotline
	ApplicantKind, Applicant  string
	MaskedID                  string
	Submitted                 string
	Channel                   string
	StateLabel                string
	PromisedDays, StatuteDays int
	Immediate                 bool // 即办件: decided on the spot, its limits may be unpublished
	Received, Missing         []receiptMaterial
	Answers                   answersView // the application form's answers, in words
}

type receiptMaterial struct {
	Name, Necessity string
	Files           int
}

// uiReceipt shows the receipt: with the query code right after filing (from
// the cookie), or without it to the owner's citizen account. Anyone else gets
// the page every unknown number gets.
func (s *Server) uiReceipt(c *gin.Context) error {
	number := c.Param("number")
	var app *models.Application
	code, _ := c.Cookie(receiptCookie)
	if code != "" {
		if _, err := s.statusLookup(c, number, code); err != nil {
			return err
		}
		s.clearReceiptCookie(c, number)
		// The status read is narrow; the receipt also counts the files.
		a, err := s.store.Application(c.Request.Context(), number)
		if err != nil {
			return err
		}
		app = a
	} else {
		a, err := s.store.Application(c.Request.Context(), number)
		if err != nil {
			return err
		}
		if !s.ownsApplication(c, a) {
			return notFound("application")
		}
		app = a
	}
	c.Header("Cache-Control", "no-store")
	lang := langOf(c)
	p := s.receiptOf(c.Request.Context(), lang, app, code)
	answers, err := s.answersOf(c.Request.Context(), lang, app)
	if err != nil {
		return err
	}
	p.Answers = answers
	s.render(c, http.StatusOK, "citizen_receipt", s.site.T(lang, "citizen.receipt.title"), "status", p)
	return nil
}

func (s *Server) receiptOf(ctx context.Context, lang string, a *models.Application, code string) receiptPage {
	dept := s.ref.Load().deptByKey[a.DepartmentCode]
	var itemPhone string
	if it, err := s.store.Item(ctx, a.ItemCode); err == nil {
		itemPhone = it.Phone
	}
	p := receiptPage{Number: a.Number, Code: code, Item: a.ItemName, ItemCode: a.ItemCode, Department: dept.Name,
		Phone: s.contact(lang, true, contactSource{dept.Phone, ""}, contactSource{itemPhone, "contact.item_phone"},
			contactSource{s.siteSettings().Hotline, "contact.centre_hotline"}), ApplicantKind: s.site.T(lang, "applicant."+a.ApplicantKind), Applicant: a.ApplicantName,
		MaskedID: workflow.MaskID(a.ApplicantIDNumber), Submitted: citizenTime(a.SubmittedAt),
		Channel: s.site.T(lang, "channel."+a.Channel), StateLabel: s.site.T(lang, "state."+string(a.State)),
		PromisedDays: a.PromisedDays, StatuteDays: a.StatutoryDays, Immediate: a.Immediate}
	files := map[string]int{}
	for _, f := range a.Files {
		files[f.MaterialKey]++
	}
	for _, m := range a.Materials {
		row := receiptMaterial{Name: m.Name, Necessity: m.Necessity, Files: files[m.MaterialKey]}
		if m.Provided {
			p.Received = append(p.Received, row)
		} else {
			p.Missing = append(p.Missing, row)
		}
	}
	return p
}
