package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// applicationInput is the body of POST /api/v1/applications.
type applicationInput struct {
	ItemCode  string `json:"item_code"`
	Applicant struct {
		Kind     string `json:"kind"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
		Address  string `json:"address"`
	} `json:"applicant"`
	Form      map[string]string               `json:"form"`
	Materials map[string]models.MaterialCheck `json:"materials"` // the clerk's checklist
}

// fileRequest validates a filing and turns it into the store's input; the
// same path serves the API, the online form and the window form.
func (s *Server) fileRequest(c *gin.Context, in applicationInput) (*models.NewApplication, error) {
	fields := map[string]string{}
	it, err := s.publishedItem(c.Request.Context(), strings.TrimSpace(in.ItemCode))
	switch {
	case errors.Is(err, models.ErrNotFound):
		fields["item_code"] = "no published item has this code"
	case err != nil:
		return nil, err
	case it.Reduced() || !it.OnApplication:
		fields["item_code"] = "this item is not filed on application"
	}
	a := in.Applicant
	idKind := workflow.ResidentID
	switch a.Kind {
	case models.ApplicantPerson:
	case models.ApplicantOrganisation:
		idKind = workflow.CreditCode
	default:
		fields["applicant.kind"] = "must be person or organisation"
	}
	id := workflow.NormalizeID(a.IDNumber)
	if err := workflow.ValidateID(idKind, id, s.now()); err != nil {
		fields["applicant.id_number"] = idMessage(err)
	}
	name := strings.TrimSpace(a.Name)
	if name == "" || len([]rune(name)) > 100 {
		fields["applicant.name"] = "is required (at most 100 characters)"
	}
	if len(a.Phone) > 30 || len(a.Address) > 200 {
		fields["applicant.phone"] = "is too long"
	}
	for k, v := range in.Form {
		if len(k) > 64 || len(v) > 2000 || len(in.Form) > 50 {
			fields["form."+k] = "is too long"
		}
	}
	if len(fields) > 0 {
		return nil, invalid(fields)
	}
	return &models.NewApplication{Item: it, Form: in.Form, Provided: in.Materials, Now: s.now(),
		Applicant: models.Applicant{Kind: a.Kind, IDKind: string(idKind), IDNumber: id, Name: name,
			Phone: strings.TrimSpace(a.Phone), Address: strings.TrimSpace(a.Address)}}, nil
}

// idMessage names the failed check of an identity number.
func idMessage(err error) string {
	var ie *workflow.IDError
	if errors.As(err, &ie) {
		return ie.Error()
	}
	return err.Error()
}

// apiFile files an application: online when anonymous (or a citizen), a
// walk-in registration when a window clerk calls.
func (s *Server) apiFile(c *gin.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		return badRequest("unreadable body")
	}
	var in applicationInput
	if err := json.Unmarshal(body, &in); err != nil {
		return badRequest("the body is not valid JSON for an application")
	}
	na, err := s.fileRequest(c, in)
	if err != nil {
		return err
	}
	if err := s.setChannel(c, na); err != nil {
		return err
	}
	na.Idem = idempotency(c, body)
	f, err := s.store.CreateApplication(c.Request.Context(), *na)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if f.Replayed {
		status = http.StatusOK
	}
	c.JSON(status, gin.H{"number": f.Number, "query_code": f.QueryCode, "state": f.State})
	return nil
}

// setChannel decides online versus window filing from the caller.
func (s *Server) setChannel(c *gin.Context, na *models.NewApplication) error {
	na.Channel, na.Actor, na.Role = models.ChannelOnline, "applicant", ""
	p := principalOf(c)
	if p == nil {
		return nil
	}
	if s.can(c, na.Item.DepartmentCode, policies.ObjApplication, policies.ActRegister) {
		na.Channel, na.Actor, na.Role = models.ChannelWindow, p.user.Username, string(policies.WindowClerk)
	}
	return nil
}

// idempotency reads the Idempotency-Key header; the scope is the caller.
func idempotency(c *gin.Context, body []byte) *models.Idempotency {
	key := strings.TrimSpace(c.GetHeader("Idempotency-Key"))
	if key == "" || len(key) > 200 {
		return nil
	}
	scope := "client:" + c.ClientIP()
	if p := principalOf(c); p != nil {
		scope = "user:" + p.user.Username
	}
	sum := sha256.Sum256(append([]byte(c.Request.URL.Path+"\n"), body...))
	return &models.Idempotency{Scope: scope, Key: key, Request: hex.EncodeToString(sum[:])}
}

// apiApplication is the staff view of one application.
func (s *Server) apiApplication(c *gin.Context) error {
	app, err := s.store.Application(c.Request.Context(), c.Param("number"))
	if err != nil {
		return err
	}
	if err := s.authorizeRead(c, app); err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.applicationViewOf(langOf(c), app, s.staffActions(c, app)))
	return nil
}

// authorizeRead lets staff read an application of their department, or of
// any department they may act on (a joint item's departments, the window).
func (s *Server) authorizeRead(c *gin.Context, app *models.Application) error {
	for _, t := range app.Tasks {
		if s.can(c, t.DepartmentCode, policies.ObjApplication, policies.ActRead) {
			return s.authorize(c, t.DepartmentCode, policies.ObjApplication, policies.ActRead)
		}
	}
	return s.authorize(c, app.DepartmentCode, policies.ObjApplication, policies.ActRead)
}

// apiApplicant looks up an applicant by identity number for the window
// form (一号申请): details and earlier applications.
func (s *Server) apiApplicant(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRegister); err != nil {
		return err
	}
	id := workflow.NormalizeID(c.Param("id_number"))
	a, err := s.store.Applicant(c.Request.Context(), id)
	if err != nil {
		return err
	}
	apps, err := s.store.ApplicationsOf(c.Request.Context(), id, 20)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"kind": a.Kind, "name": a.Name, "id_number": a.IDNumber, "phone": a.Phone,
		"address": a.Address, "applications": s.summaries(langOf(c), apps)})
	return nil
}

type applicationSummary struct {
	Number     string         `json:"number"`
	Item       string         `json:"item"`
	Department string         `json:"department"`
	State      workflow.State `json:"state"`
	StateLabel string         `json:"state_label"`
	Submitted  string         `json:"submitted_on"`
	Deadline   string         `json:"deadline,omitempty"`
}

func (s *Server) summaries(lang string, apps []models.Application) []applicationSummary {
	out := make([]applicationSummary, 0, len(apps))
	for _, a := range apps {
		out = append(out, applicationSummary{Number: a.Number, Item: a.ItemName, Department: a.DepartmentCode,
			State: a.State, StateLabel: s.site.T(lang, "state."+string(a.State)),
			Submitted: models.CentreDay(a.SubmittedAt).Format("2006-01-02"), Deadline: a.PromisedDeadline})
	}
	return out
}

// apiMyApplications lists the applications filed under the citizen account's ID number.
func (s *Server) apiMyApplications(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActOwn); err != nil {
		return err
	}
	p := principalOf(c)
	if p.user.CitizenID == "" {
		c.JSON(http.StatusOK, gin.H{"applications": []applicationSummary{}})
		return nil
	}
	apps, err := s.store.ApplicationsOf(c.Request.Context(), p.user.CitizenID, 200)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"applications": s.summaries(langOf(c), apps)})
	return nil
}

// apiAuditVerify checks every application's event chain.
func (s *Server) apiAuditVerify(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjAudit, policies.ActVerify); err != nil {
		return err
	}
	type broken struct {
		Number string `json:"number"`
		Seq    int    `json:"seq"`
		Reason string `json:"reason"`
	}
	checked, events, bad := 0, 0, []broken{}
	var numbers []string
	if n := c.Query("number"); n != "" {
		numbers = []string{n}
	}
	err := s.store.VerifyChains(c.Request.Context(), numbers, func(r models.ChainResult) error {
		checked++
		events += r.Events
		if r.Break != nil && len(bad) < 100 {
			bad = append(bad, broken{Number: r.Number, Seq: r.Break.Seq, Reason: r.Break.Reason})
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"ok": len(bad) == 0, "applications": checked, "events": events, "broken": bad})
	return nil
}
