package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/workflow"
)

// documentPage is the data of a printable decision document; its wording
// comes from the locale files (office.doc.*).
type documentPage struct {
	Kind         string // approval, denial, receipt
	DocNumber    string
	Agency       string   // the deciding department(s), full names
	Departments  []string // every department taking part
	Applicant    string
	IDNumber     string
	ItemName     string
	Number       string
	ResultName   string
	ResultNumber string
	LegalBasis   string
	SubmittedOn  string
	AcceptedOn   string
	DecidedOn    string
	Reasons      []option // denial: department → reason
	Delivery     string
	Tracking     string
	Decision     string // the document a receipt is for
	// In the words of the item type (models.TermsOf): the title, the
	// decision sentence with the law it cites, and the remedies.
	Title, DecisionText string
	Remedies            []string
}

// documentKinds maps a document to the result it needs.
var documentKinds = map[string]string{"approval": "approved", "denial": "denied", "receipt": ""}

// uiDocument renders 准予行政许可决定书, 不予行政许可决定书 or 送达回证 for
// an application whose decision exists; otherwise 404.
func (s *Server) uiDocument(c *gin.Context) error {
	kind := c.Param("kind")
	need, known := documentKinds[kind]
	if !known {
		return notFound("document")
	}
	app, err := s.loadTask(c)
	if err != nil {
		return err
	}
	if app.Result == "" || (need != "" && app.Result != need) {
		return notFound("document")
	}
	lang := langOf(c)
	ref := s.ref.Load()
	full := func(code string) string {
		if d, ok := ref.deptByKey[code]; ok {
			return d.Name
		}
		return code
	}
	p := documentPage{Kind: kind, Applicant: app.ApplicantName, IDNumber: app.ApplicantIDNumber, ItemName: app.ItemName,
		Number: app.Number, ResultName: app.Definition.ResultName, ResultNumber: app.ResultNumber,
		LegalBasis: app.Definition.LegalBasis, SubmittedOn: models.CentreDay(app.SubmittedAt).Format("2006-01-02"),
		AcceptedOn: app.AcceptedOn, DecidedOn: app.EndedOn, Tracking: app.TrackingNumber}
	p.DocNumber = s.site.T(lang, "office.doc.number_format", strings.ToUpper(app.DepartmentCode), app.Number[:4], app.Number)
	for _, t := range app.Tasks {
		p.Departments = append(p.Departments, full(t.DepartmentCode))
		if t.Stage == string(workflow.StageDenied) {
			p.Reasons = append(p.Reasons, option{Label: full(t.DepartmentCode), Value: t.Comment})
		}
	}
	if len(p.Departments) == 0 {
		p.Departments = []string{full(app.DepartmentCode)}
	}
	p.Agency = strings.Join(p.Departments, "、")
	if app.Result == "denied" && len(p.Reasons) == 0 {
		// Decided at the window (即办件): the reason is on the event.
		for _, e := range app.Events {
			if e.Action == workflow.Deny {
				p.Reasons = append(p.Reasons, option{Label: full(app.DepartmentCode), Value: e.Fields()["reason"]})
			}
		}
	}
	if app.Delivery != "" {
		p.Delivery = s.site.T(lang, "delivery."+app.Delivery)
	}
	terms := app.Terms()
	p.Decision = s.site.T(lang, termsKey(terms, "doc.approval"))
	if app.Result == "denied" {
		p.Decision = s.site.T(lang, termsKey(terms, "doc.denial"))
	}
	title := s.site.T(lang, "office.doc."+kind+".title")
	if kind != "receipt" {
		title = s.site.T(lang, termsKey(terms, "doc."+kind))
		p.DecisionText = s.decisionText(lang, terms, kind, app.ItemName)
		p.Remedies = s.remedies(lang, terms)
	}
	p.Title = title
	s.render(c, http.StatusOK, "document_"+kind, title, "staff", p)
	return nil
}
