package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/workflow"
)

// 一件事一次办 bundles through the API: the published bundles with their
// merged forms, filing (POST /api/v1/applications with "bundle_code"), the
// window's actions on a bundle as a whole, the bundle's status, and the
// catalogue administrators' edits.

type bundleItemJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Department string `json:"department"`
}

type bundleJSON struct {
	Code        string                 `json:"code"`
	Name        string                 `json:"name"`
	NameEn      string                 `json:"name_en,omitempty"`
	Description string                 `json:"description"`
	Published   bool                   `json:"published"`
	Version     int                    `json:"version"`
	Items       []bundleItemJSON       `json:"items"`
	Mapping     []models.BundleMapping `json:"mapping"`
}

type bundleMaterialJSON struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Necessity string   `json:"necessity"`
	Items     []string `json:"items"` // codes of the items that list it
}

func (s *Server) bundleJSONOf(ctx context.Context, b *models.Bundle) bundleJSON {
	out := bundleJSON{Code: b.Code, Name: b.Name, NameEn: b.NameEn, Description: b.Description, Published: b.Published,
		Version: b.Version, Items: []bundleItemJSON{}, Mapping: b.Mapping}
	if out.Mapping == nil {
		out.Mapping = []models.BundleMapping{}
	}
	for _, code := range b.Items {
		row := bundleItemJSON{Code: code}
		if it, err := s.publishedItem(ctx, code); err == nil {
			row.Name, row.Department = it.Name, it.DepartmentCode
		}
		out.Items = append(out.Items, row)
	}
	return out
}

// apiBundles lists the published bundles.
func (s *Server) apiBundles(c *gin.Context) error {
	list, err := s.store.Bundles(c.Request.Context(), true)
	if err != nil {
		return err
	}
	out := make([]bundleJSON, 0, len(list))
	for i := range list {
		out = append(out, s.bundleJSONOf(c.Request.Context(), &list[i]))
	}
	c.JSON(http.StatusOK, gin.H{"bundles": out})
	return nil
}

// publishedBundle returns the published bundle of the request's code and its merged form.
func (s *Server) publishedBundle(c *gin.Context) (*models.Bundle, *service.BundleForm, error) {
	bf, err := s.actions().PublishedBundle(c.Request.Context(), c.Param("code"))
	if err != nil {
		return nil, nil, err
	}
	return bf.Bundle, bf, nil
}

// apiBundle is one published bundle: its items, its merged form as JSON
// Schema (what "form" must satisfy when filing it) and its merged materials.
func (s *Server) apiBundle(c *gin.Context) error {
	b, bf, err := s.publishedBundle(c)
	if err != nil {
		return err
	}
	schema, err := bf.Compiled.JSONSchema()
	if err != nil {
		return err
	}
	mats := make([]bundleMaterialJSON, 0, len(bf.Merged.Materials))
	for _, m := range bf.Merged.Materials {
		row := bundleMaterialJSON{Key: m.Key, Name: m.Name, Necessity: m.Necessity}
		for _, it := range bf.Items {
			if _, ok := m.Items[it.Code]; ok {
				row.Items = append(row.Items, it.Code)
			}
		}
		mats = append(mats, row)
	}
	c.JSON(http.StatusOK, gin.H{"bundle": s.bundleJSONOf(c.Request.Context(), b), "form": json.RawMessage(schema),
		"definition": bf.Merged.Schema, "materials": mats})
	return nil
}

// apiFileBundle files a bundle (POST /api/v1/applications with
// "bundle_code"): online when anonymous, a walk-in registration when a
// window clerk calls. Its body is the application's, with the merged form.
func (s *Server) apiFileBundle(c *gin.Context, in applicationInput, body []byte) error {
	if in.Notify != nil {
		// Said rather than ignored: the outbox follows single applications' events only.
		return invalid(map[string]string{"notify": "notifications are not offered for 一件事 bundles yet"})
	}
	a := in.Applicant
	f := service.BundleFiling{BundleCode: in.BundleCode, Form: service.FormInput{JSON: in.Form}, Materials: in.Materials,
		Applicant: service.ApplicantInput{Kind: a.Kind, Name: a.Name, IDNumber: a.IDNumber, Phone: a.Phone, Address: a.Address},
		Idem:      idempotency(c, body)}
	filed, err := s.actions().FileBundle(c.Request.Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if filed.Replayed {
		status = http.StatusOK
	} else {
		s.countFiling(c)
	}
	children := make([]gin.H, 0, len(filed.Children))
	for _, ch := range filed.Children {
		children = append(children, gin.H{"number": ch.Number, "item_code": ch.ItemCode, "department": ch.Department})
	}
	c.JSON(status, gin.H{"number": filed.Number, "query_code": filed.QueryCode, "state": filed.State, "children": children})
	return nil
}

// bundleActionInput is the body of POST /api/v1/bundle-filings/{number}/actions/{action}.
type bundleActionInput struct {
	Version        int                             `json:"version"`
	Comment        string                          `json:"comment"`
	Code           string                          `json:"code"` // the applicant's query code (supplement)
	Reason         string                          `json:"reason"`
	Missing        string                          `json:"missing"`
	Delivery       string                          `json:"delivery"`
	TrackingNumber string                          `json:"tracking_number"`
	Results        map[string]string               `json:"results"`   // result numbers at issue, by child number
	Materials      map[string]models.MaterialCheck `json:"materials"` // the checklist at acceptance, by merged material key
}

func (in bundleActionInput) service() service.BundleActionInput {
	fields := map[string]string{}
	for k, v := range map[string]string{"reason": in.Reason, "missing": in.Missing, "delivery": in.Delivery,
		"tracking_number": in.TrackingNumber} {
		if v = strings.TrimSpace(v); v != "" {
			fields[k] = v
		}
	}
	return service.BundleActionInput{Comment: in.Comment, Fields: fields, Results: in.Results, Materials: in.Materials}
}

// apiBundleAct runs an action on a bundle filing as a whole: the window's
// accept, request_supplement, reject and issue (the action is the last
// segment of the route), the applicant's supplement with the query code.
func (s *Server) apiBundleAct(c *gin.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		return badRequest("unreadable body")
	}
	var in bundleActionInput
	if err := json.Unmarshal(body, &in); err != nil {
		return badRequest("the body is not valid JSON for a bundle action")
	}
	act := workflow.Action(path.Base(c.FullPath()))
	if err := requireVersion(in.Version); err != nil {
		return err
	}
	in2 := in.service()
	in2.Idem = idempotency(c, body)
	f, err := s.bundleAction(c, c.Param("number"), act, in.Version, in.Code, in2)
	if err != nil {
		return err
	}
	if in.Code != "" && principalOf(c) == nil {
		c.JSON(http.StatusOK, s.bundleStatusOf(langOf(c), f))
		return nil
	}
	c.JSON(http.StatusOK, s.bundleFilingViewOf(c, f))
	return nil
}

// bundleAction is the one path of every bundle action, from the API and the
// pages: the caller resolved once, the wrong-code limiter for the
// applicant, then the service.
func (s *Server) bundleAction(c *gin.Context, number string, act workflow.Action, version int, code string, in service.BundleActionInput) (*models.BundleFiling, error) {
	who := actorOf(c)
	if code != "" && who.Username == "" {
		who = service.Actor{QueryCode: code}
	}
	var f *models.BundleFiling
	err := s.withCodeLimit(c, number, who, func() (err error) {
		f, err = s.actions().ActOnBundle(c.Request.Context(), who, number, act, version, in)
		return err
	})
	if err == nil {
		c.Set(ctxAuthorized, true) // the service authorized the action
	}
	return f, err
}

// apiBundleFiling is the staff view of a bundle filing and its children.
func (s *Server) apiBundleFiling(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjApplication, policies.ActRead); err != nil {
		return err
	}
	f, err := s.store.BundleFiling(c.Request.Context(), c.Param("number"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.bundleFilingViewOf(c, f))
	return nil
}

// bundleChildView is one child application as the bundle's views show it.
type bundleChildView struct {
	Number     string         `json:"number"`
	Item       string         `json:"item"`
	ItemCode   string         `json:"item_code"`
	Department string         `json:"department"`
	State      workflow.State `json:"state"`
	StateLabel string         `json:"state_label"`
	Result     string         `json:"result,omitempty"`
	Reason     string         `json:"reason,omitempty"` // why it was denied or not accepted
	ResultNo   string         `json:"result_number,omitempty"`
	Deadline   string         `json:"deadline,omitempty"`
	Version    int            `json:"version"`
	Immediate  bool           `json:"immediate"`
}

func (s *Server) bundleChildrenOf(lang string, f *models.BundleFiling) []bundleChildView {
	out := make([]bundleChildView, 0, len(f.Children))
	for _, a := range f.Children {
		out = append(out, bundleChildView{Number: a.Number, Item: a.ItemName, ItemCode: a.ItemCode, Department: a.DepartmentCode,
			State: a.State, StateLabel: s.site.T(lang, "state."+string(a.State)), Result: a.Result, Reason: refusalReason(&a),
			ResultNo: a.ResultNumber, Deadline: a.PromisedDeadline, Version: a.Version, Immediate: a.Immediate})
	}
	return out
}

// refusalReason is the reason the last denial or refusal of the child gave, or "".
func refusalReason(a *models.Application) string {
	for i := len(a.Events) - 1; i >= 0; i-- {
		if e := a.Events[i]; e.Action == workflow.Deny || e.Action == workflow.Reject || e.Action == workflow.Terminate {
			return e.Fields()["reason"]
		}
	}
	return ""
}

type bundleMaterialView struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Necessity string   `json:"necessity"`
	Provided  bool     `json:"provided"` // every child that lists it has it
	Items     []string `json:"items"`
}

func bundleMaterialsOf(f *models.BundleFiling) []bundleMaterialView {
	out := make([]bundleMaterialView, 0, len(f.Definition.Materials))
	for _, m := range f.Definition.Materials {
		row := bundleMaterialView{Key: m.Key, Name: m.Name, Necessity: m.Necessity, Provided: true, Items: []string{}}
		for _, a := range f.Children {
			key, ok := m.Items[a.ItemCode]
			if !ok {
				continue
			}
			row.Items = append(row.Items, a.ItemCode)
			for _, am := range a.Materials {
				if am.MaterialKey == key && !am.Provided {
					row.Provided = false
				}
			}
		}
		out = append(out, row)
	}
	return out
}

type bundleEventView struct {
	Seq     int                `json:"seq"`
	At      time.Time          `json:"at"`
	Actor   string             `json:"actor,omitempty"`
	Action  workflow.Action    `json:"action"`
	Label   string             `json:"label"`
	From    models.BundleState `json:"from"`
	State   models.BundleState `json:"state"`
	Comment string             `json:"comment,omitempty"`
}

// bundleFilingView is the staff view of a bundle filing.
type bundleFilingView struct {
	Number      string               `json:"number"`
	Bundle      string               `json:"bundle"`
	BundleCode  string               `json:"bundle_code"`
	State       models.BundleState   `json:"state"`
	StateLabel  string               `json:"state_label"`
	Result      string               `json:"result,omitempty"`
	Version     int                  `json:"version"`
	Channel     string               `json:"channel"`
	Applicant   applicantView        `json:"applicant"`
	Form        form.Values          `json:"form"`
	SubmittedAt time.Time            `json:"submitted_at"`
	Materials   []bundleMaterialView `json:"materials"`
	Children    []bundleChildView    `json:"children"`
	Events      []bundleEventView    `json:"events"`
	Actions     []workflow.Action    `json:"actions"` // the bundle's actions its state allows
}

func (s *Server) bundleFilingViewOf(c *gin.Context, f *models.BundleFiling) bundleFilingView {
	lang := langOf(c)
	v := bundleFilingView{Number: f.Number, Bundle: f.Definition.NameIn(lang), BundleCode: f.BundleCode, State: f.State,
		StateLabel: s.site.T(lang, "bundle.state."+string(f.State)), Result: f.Result, Version: f.Version, Channel: f.Channel,
		Applicant:   maskedApplicant(f.ApplicantKind, f.ApplicantName, f.ApplicantIDNumber, ""),
		Form:        form.Values(f.Form),
		SubmittedAt: f.SubmittedAt, Materials: bundleMaterialsOf(f), Children: s.bundleChildrenOf(lang, f),
		Events: []bundleEventView{}, Actions: []workflow.Action{}}
	if v.Form == nil {
		v.Form = form.Values{}
	}
	for _, e := range f.Events {
		v.Events = append(v.Events, bundleEventView{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action,
			Label: s.site.T(lang, "bundle.action."+string(e.Action)), From: e.FromState, State: e.ToState, Comment: e.Comment})
	}
	for _, act := range models.BundleAvailable(f.State) {
		if act != workflow.Supplement {
			v.Actions = append(v.Actions, act)
		}
	}
	return v
}

// bundleStatusView is what the applicant sees of a bundle: no staff names,
// no internal comments; each child with its department and decision.
type bundleStatusView struct {
	Number     string             `json:"number"`
	Kind       string             `json:"kind"` // "bundle"
	Bundle     string             `json:"bundle"`
	BundleCode string             `json:"bundle_code"`
	State      models.BundleState `json:"state"`
	StateLabel string             `json:"state_label"`
	Result     string             `json:"result,omitempty"`
	Submitted  time.Time          `json:"submitted_at"`
	Children   []bundleChildView  `json:"children"`
	Timeline   []timelineEntry    `json:"timeline"`
	CanAct     []workflow.Action  `json:"can_act"`
}

func (s *Server) bundleStatusOf(lang string, f *models.BundleFiling) bundleStatusView {
	v := bundleStatusView{Number: f.Number, Kind: "bundle", Bundle: f.Definition.NameIn(lang), BundleCode: f.BundleCode,
		State: f.State, StateLabel: s.site.T(lang, "bundle.state."+string(f.State)), Result: f.Result,
		Submitted: f.SubmittedAt, Children: s.bundleChildrenOf(lang, f), Timeline: []timelineEntry{}, CanAct: []workflow.Action{}}
	for _, e := range f.Events {
		v.Timeline = append(v.Timeline, timelineEntry{At: e.At, Action: e.Action, Label: s.site.T(lang, "bundle.action."+string(e.Action)),
			State: workflow.State(e.ToState)})
	}
	for _, ch := range f.Children {
		if ch.State == workflow.SupplementRequired {
			v.CanAct = []workflow.Action{workflow.Supplement}
		}
	}
	return v
}

// bundleStatus answers GET /api/v1/status/{number} for a bundle's number (see
// statusOrBundle); a wrong code answers exactly like an unknown number,
// counted by the same limiter.
func (s *Server) bundleStatus(c *gin.Context) error {
	f, err := s.bundleByCode(c, c.Param("number"), c.Query("code"))
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, s.bundleStatusOf(langOf(c), f))
	return nil
}

// bundleByCode checks the rate limit and the code of a bundle filing.
func (s *Server) bundleByCode(c *gin.Context, number, code string) (*models.BundleFiling, error) {
	var f *models.BundleFiling
	err := s.withCodeLimit(c, number, service.Actor{QueryCode: code}, func() (err error) {
		f, err = s.store.BundleFilingByCode(c.Request.Context(), number, strings.ToUpper(strings.TrimSpace(code)))
		if errors.Is(err, models.ErrNotFound) {
			return service.ErrWrongCode
		}
		return err
	})
	return f, err
}

// bundleEditInput is the body of PUT /api/v1/bundles/{code}.
type bundleEditInput struct {
	Name        string                 `json:"name"`
	NameEn      string                 `json:"name_en"`
	Description string                 `json:"description"`
	Published   bool                   `json:"published"`
	Items       []string               `json:"items"`
	Mapping     []models.BundleMapping `json:"mapping"`
	Reason      string                 `json:"reason"`
	Version     int                    `json:"version"` // 0 creates the bundle
}

// apiPutBundle creates (version 0) or edits a bundle: catalogue
// administrators of every department, as for the alias dictionary.
func (s *Server) apiPutBundle(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActEdit); err != nil {
		return err
	}
	var in bundleEditInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not valid JSON for a bundle")
	}
	b, err := s.actions().SaveBundle(c.Request.Context(), actorOf(c), models.BundleInput{Code: c.Param("code"), Name: in.Name,
		NameEn: in.NameEn, Description: in.Description, Published: in.Published, Items: in.Items, Mapping: in.Mapping,
		Reason: in.Reason}, in.Version)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if in.Version == 0 {
		status = http.StatusCreated
	}
	c.JSON(status, s.bundleJSONOf(c.Request.Context(), b))
	return nil
}
