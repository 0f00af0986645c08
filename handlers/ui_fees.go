package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// The pages of the 缴费 step and of the delivery: the window's forms on the
// processing page, the printable 缴款通知书 (window and applicant), and the
// public 收费项目目录清单.

// feesWindowView is the 缴费 and delivery part of the window's processing page.
type feesWindowView struct {
	Fees       *feesStatus
	Exemptions []string // the 减免 the item lists; none: no exemption can be recorded
	Delivery   *deliveryView
	// What the clerk may do now.
	CanNotice, CanPay, CanMode, CanReceipt bool
	Modes                                  []string
	Today                                  string
	// A refused form: which one, its field messages and what was posted.
	Failed string
	Errors map[string]string
	Form   map[string]string
	Alert  string
}

func (s *Server) feesWindowOf(c *gin.Context, lang string, app *models.Application) (feesWindowView, error) {
	v := feesWindowView{Modes: workflow.Deliveries, Today: models.FormatDay(models.CentreDay(s.now())),
		Errors: map[string]string{}, Form: map[string]string{}}
	var err error
	if v.Fees, err = s.feesOf(c, lang, app); err != nil {
		return v, err
	}
	if v.Delivery, err = s.deliveryOf(c, lang, app); err != nil {
		return v, err
	}
	v.Exemptions = app.Definition.Exemptions()
	if !s.can(c, app.DepartmentCode, policies.ObjApplication, policies.ActIssue) {
		return v, nil
	}
	open := !app.State.Final() && app.State != workflow.Denied
	if v.Fees != nil && open && app.AcceptedOn != "" {
		v.CanNotice = v.Fees.Notice == nil
		v.CanPay = v.Fees.Notice != nil && v.Fees.Notice.State == models.PaymentUnpaid
	}
	v.CanMode = !app.State.Final()
	v.CanReceipt = app.State == workflow.Completed && v.Delivery.IssuedOn != "" && v.Delivery.ReceivedOn == ""
	return v, nil
}

// The window's forms post here; success goes back to the processing page
// (303), a refusal shows it again with the clerk's input and the messages.

func (s *Server) uiWindowPaymentNotice(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in feesNoticeInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	_, err = s.issuePaymentNotice(c, app, in)
	return s.feesFormDone(c, app.Number, "payment_notice", err)
}

func (s *Server) uiWindowPaymentPaid(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in feesPaidInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	_, err = s.markPaid(c, app, in)
	return s.feesFormDone(c, app.Number, "payment_paid", err)
}

func (s *Server) uiWindowDeliveryMode(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in deliveryModeInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	return s.feesFormDone(c, app.Number, "delivery_mode", s.changeDeliveryMode(c, app, in))
}

func (s *Server) uiWindowReceipt(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in deliveryReceiptInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	return s.feesFormDone(c, app.Number, "delivery_receipt", s.recordReceipt(c, app, in))
}

// feesFormDone answers one of the window's 缴费 / delivery forms.
func (s *Server) feesFormDone(c *gin.Context, number, form string, err error) error {
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/window/applications/"+url.PathEscape(number)+"#fees-delivery")
		return nil
	}
	lang := langOf(c)
	e := asError(err)
	status := e.Status
	if status >= 500 {
		return err
	}
	fresh, lerr := s.store.Application(c.Request.Context(), number)
	if lerr != nil {
		return lerr
	}
	p, perr := s.newWindowAppPage(c, fresh)
	if perr != nil {
		return perr
	}
	fd := &p.FeesDelivery
	fd.Failed = form
	for k := range c.Request.PostForm {
		fd.Form[k] = c.Request.PostForm.Get(k)
	}
	var fe *models.FieldsError
	switch {
	case errors.As(err, &fe):
		for f, code := range fe.Fields {
			fd.Errors[f] = s.site.T(lang, "fees.err."+code)
		}
		fd.Alert = s.site.T(lang, "window.err.summary")
	case status == http.StatusUnprocessableEntity:
		for f := range e.Fields {
			fd.Errors[f] = s.site.T(lang, "fees.err.required")
		}
		fd.Alert = s.site.T(lang, "window.err.summary")
	default:
		fd.Alert = s.site.T(lang, "window.err.conflict")
	}
	s.renderWindowApp(c, status, p)
	return nil
}

// paymentPrint is the data of the printable 缴款通知书.
type paymentPrint struct {
	Notice     *paymentView
	App        *models.Application
	Applicant  string // masked
	Department string
	Fees       []models.Fee
	Back       string // the page the "back" link goes to
	Site       siteView
}

func (s *Server) paymentPrintOf(c *gin.Context, app *models.Application, back string) (*paymentPrint, error) {
	lang := langOf(c)
	fs, err := s.feesOf(c, lang, app)
	if err != nil {
		return nil, err
	}
	if fs == nil || fs.Notice == nil {
		return nil, notFound("payment notice")
	}
	return &paymentPrint{Notice: fs.Notice, App: app, Applicant: models.MaskName(app.ApplicantKind, app.ApplicantName),
		Department: s.ref.Load().deptByKey[app.DepartmentCode].Name, Fees: app.Definition.Fees, Back: back, Site: s.siteView(lang)}, nil
}

func (s *Server) uiWindowPaymentPrint(c *gin.Context) error {
	app, err := s.windowApplication(c, policies.ActRegister)
	if err != nil {
		return err
	}
	p, err := s.paymentPrintOf(c, app, "/window/applications/"+url.PathEscape(app.Number))
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "payment_notice", s.site.T(langOf(c), "fees.notice.title"), "staff", p)
	return nil
}

// uiStatusPaymentPrint is the applicant's printable notice, with the query code.
func (s *Server) uiStatusPaymentPrint(c *gin.Context) error {
	code := c.Query("code")
	app, err := s.statusLookup(c, c.Param("number"), code)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	p, err := s.paymentPrintOf(c, app, "/status/"+url.PathEscape(app.Number)+"?code="+url.QueryEscape(code))
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "payment_notice", s.site.T(langOf(c), "fees.notice.title"), "status", p)
	return nil
}

// feeCatalogueRow is one fee item of the public 收费项目目录清单.
type feeCatalogueRow struct {
	Code, Item, Department                  string
	Fee, Standard, Basis, Exemption         string
	First                                   bool // the item's first fee row
	Rows                                    int  // how many fee rows the item has
	ChargesKnown, Charges, FeesNotPublished bool
}

// feeCatalogueJSON is one charging item of GET /api/v1/fees; blank fields are null (未公布).
type feeCatalogueJSON struct {
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	Department string            `json:"department"`
	Fees       []feeCatalogueFee `json:"fees"`
}

type feeCatalogueFee struct {
	Name      *string `json:"name"`
	Standard  *string `json:"standard"`
	Basis     *string `json:"basis"`
	Exemption *string `json:"exemption"`
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Server) apiFeeCatalogue(c *gin.Context) error {
	items, err := s.store.ChargingItems(c.Request.Context())
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	out := make([]feeCatalogueJSON, 0, len(items))
	for _, it := range items {
		j := feeCatalogueJSON{Code: it.Code, Name: it.Name, Department: ref.deptByKey[it.DepartmentCode].Name, Fees: []feeCatalogueFee{}}
		for _, f := range it.Fees {
			j.Fees = append(j.Fees, feeCatalogueFee{Name: orNull(f.Name), Standard: orNull(f.Standard), Basis: orNull(f.Basis), Exemption: orNull(f.Exemption)})
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
	return nil
}

func (s *Server) uiFeeCatalogue(c *gin.Context) error {
	items, err := s.store.ChargingItems(c.Request.Context())
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	var rows []feeCatalogueRow
	for _, it := range items {
		base := feeCatalogueRow{Code: it.Code, Item: it.Name, Department: ref.deptByKey[it.DepartmentCode].Name}
		if len(it.Fees) == 0 {
			// 是否收费 says 是 but no fee item is published: one row of 未公布.
			r := base
			r.First, r.Rows, r.FeesNotPublished = true, 1, true
			rows = append(rows, r)
			continue
		}
		for i, f := range it.Fees {
			r := base
			r.First, r.Rows = i == 0, len(it.Fees)
			r.Fee, r.Standard, r.Basis, r.Exemption = f.Name, f.Standard, f.Basis, f.Exemption
			if r.Basis == "" {
				r.Basis = it.FeeBasis // the item's basis stands for its fee rows that give none
			}
			rows = append(rows, r)
		}
	}
	s.render(c, http.StatusOK, "fee_catalogue", s.site.T(langOf(c), "fees.catalogue.title"), "catalogue", rows)
	return nil
}
