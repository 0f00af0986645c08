package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// applicationInput is the body of POST /api/v1/applications.
type applicationInput struct {
	ItemCode   string `json:"item_code"`
	BundleCode string `json:"bundle_code"` // an 一件事 bundle instead of one item (api_bundles.go)
	Applicant  struct {
		Kind     string `json:"kind"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
		Address  string `json:"address"`
	} `json:"applicant"`
	Form      json.RawMessage                 `json:"form"`      // the application form's answers (GET /api/v1/items/{code}/form)
	Materials map[string]models.MaterialCheck `json:"materials"` // the clerk's checklist
	// Notify is how the applicant wants to hear of the application (outbox):
	// {"sms":true,"email":"a@example.cn","lang":"en"}; absent: not notified.
	Notify *outboxNotifyInput `json:"notify"`
	Pledge bool               `json:"pledge"` // 告知承诺: ticked online, to be signed at the window
}

// filing is the service's input of the body.
func (in applicationInput) filing() service.Filing {
	a := in.Applicant
	return service.Filing{ItemCode: in.ItemCode, Form: service.FormInput{JSON: in.Form}, Materials: in.Materials, Pledge: in.Pledge,
		Applicant: service.ApplicantInput{Kind: a.Kind, Name: a.Name, IDNumber: a.IDNumber, Phone: a.Phone, Address: a.Address},
		Notify:    in.Notify.input()}
}

// actorOf is who asks, resolved once per request: the signed-in user, or
// nobody (an anonymous applicant).
func actorOf(c *gin.Context) service.Actor {
	if p := principalOf(c); p != nil {
		return service.Actor{Username: p.user.Username, CitizenID: p.user.CitizenID}
	}
	return service.Actor{}
}

// apiFile files an application: online when anonymous (or a citizen), a
// walk-in registration when a window clerk calls.
func (s *Server) apiFile(c *gin.Context) error {
	if wait := s.filingWait(c); wait > 0 {
		return s.refuseFiling(c, wait)
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		return badRequest("unreadable body")
	}
	var in applicationInput
	if err := json.Unmarshal(body, &in); err != nil {
		return badRequest("the body is not valid JSON for an application")
	}
	if in.BundleCode != "" && in.ItemCode == "" {
		return s.apiFileBundle(c, in, body)
	}
	f := in.filing()
	f.Idem = idempotency(c, body)
	filed, err := s.actions().File(c.Request.Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if filed.Replayed {
		status = http.StatusOK
	} else {
		s.countFiling(c)
	}
	c.JSON(status, gin.H{"number": filed.Number, "query_code": filed.QueryCode, "state": filed.State})
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
	if !a.Proven { // an anonymous online filer's profile is not the applicant's
		return notFound("applicant")
	}
	apps, err := s.store.ApplicationsOf(c.Request.Context(), id, 20)
	if err != nil {
		return err
	}
	// The caller typed the number; the contact details on file are shown masked, and a filing
	// that leaves them blank keeps them.
	c.JSON(http.StatusOK, gin.H{"kind": a.Kind, "name": a.Name, "id_number": a.IDNumber, "phone": workflow.MaskPhone(a.Phone),
		"address": workflow.MaskAddress(a.Address), "applications": s.summaries(langOf(c), apps)})
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
	for r, e := range s.store.Chains(c.Request.Context(), numbers) {
		if e != nil {
			return e
		}
		checked++
		events += r.Events
		if r.Break != nil && len(bad) < 100 {
			bad = append(bad, broken{Number: r.Number, Seq: r.Break.Seq, Reason: r.Break.Reason})
		}
	}
	c.JSON(http.StatusOK, gin.H{"ok": len(bad) == 0, "applications": checked, "events": events, "broken": bad})
	return nil
}
