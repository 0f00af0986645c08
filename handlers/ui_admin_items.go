package handlers

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Catalogue administration pages: edit an item's service guide (save and
// publish at once, or save a draft and publish it later) and read its
// history with the differences highlighted.

// adminItemRoutes registers the catalogue administration pages.
func (s *Server) adminItemRoutes(r *gin.Engine) {
	s.protect(r, "", http.MethodGet, "/admin/items/:code/edit", s.page(s.uiItemEditForm))
	s.protect(r, "", http.MethodPost, "/admin/items/:code/edit", s.page(s.uiItemEdit))
	s.protect(r, "", http.MethodPost, "/admin/items/:code/publish", s.page(s.uiItemPublishDraft))
	s.protect(r, "", http.MethodGet, "/admin/items/:code/history", s.page(s.uiItemHistory))
	s.protect(r, "", http.MethodGet, "/admin/items/:code/disposition", s.page(s.uiDispositionForm))
	s.protect(r, "", http.MethodPost, "/admin/items/:code/disposition", s.page(s.uiDisposition))
}

// Choices offered by the edit form.
var (
	editHandlingKinds   = []string{models.KindPromised, models.KindImmediate}
	editNecessities     = []string{models.NecessityRequired, models.NecessityOptional, models.NecessityDeferred}
	editMaterialKinds   = []string{"original", "copy", "both"}
	editMaterialForms   = []string{"paper", "electronic", "both"}
	editMaterialSources = []string{"applicant", "government", "other"}
	editServiceObjects  = []string{"person", "enterprise", "institution", "social_org", "unincorporated", "agency", "other"}
	editHandleForms     = []string{"window", "online", "post"}
	editResultTypes     = []string{"licence", "approval", "other", "none"}
)

// blankMaterialRows is how many empty rows the form offers for new materials.
const blankMaterialRows = 2

// materialRow is one row of the materials table of the edit form.
type materialRow struct {
	models.Material
	Remove bool
	Errors map[string]string // column → locale key of the message
}

// itemEditPage is the data of the edit form.
type itemEditPage struct {
	Item       *models.Item // the values shown (stored, draft or submitted)
	Code       string
	Department string
	Version    int // the base version of the edit
	Reason     string
	Rows       []materialRow
	Errors     map[string]string // field → locale key of the message
	HasDraft   bool
	DraftStale bool
	DraftBy    string
	CanPublish bool
	CanDispose bool
	Saved      string // "published" or "draft" after a redirect

	HandlingKinds, Necessities, MaterialKinds, MaterialForms  []string
	MaterialSources, ServiceObjects, HandleForms, ResultTypes []string
}

// Has reports whether list holds v (for checkboxes).
func (p itemEditPage) Has(list []string, v string) bool { return slices.Contains(list, v) }

// adminItem loads an item of any status and authorizes act on it in its department.
func (s *Server) adminItem(c *gin.Context, act string) (*models.Item, *models.Draft, error) {
	it, d, err := s.store.AdminItem(c.Request.Context(), c.Param("code"))
	if err != nil {
		return nil, nil, err
	}
	if err := s.authorize(c, it.DepartmentCode, policies.ObjItem, act); err != nil {
		return nil, nil, err
	}
	return it, d, nil
}

func (s *Server) newEditPage(c *gin.Context, it *models.Item, d *models.Draft) itemEditPage {
	p := itemEditPage{
		Item: it, Code: it.Code, Version: it.Version, Department: s.ref.Load().deptByKey[it.DepartmentCode].ShortName,
		Errors: map[string]string{}, CanPublish: s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActPublish),
		CanDispose:    s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActDispose),
		HandlingKinds: editHandlingKinds, Necessities: editNecessities, MaterialKinds: editMaterialKinds,
		MaterialForms: editMaterialForms, MaterialSources: editMaterialSources, ServiceObjects: editServiceObjects,
		HandleForms: editHandleForms, ResultTypes: editResultTypes, Saved: c.Query("saved"),
	}
	if d != nil {
		p.HasDraft, p.DraftStale, p.DraftBy = true, d.BaseVersion != it.Version, d.Actor
	}
	return p
}

func (s *Server) uiItemEditForm(c *gin.Context) error {
	it, d, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	p := s.newEditPage(c, it, d)
	shown := it
	if d != nil && !p.DraftStale {
		shown = d.Item // continue editing the pending draft
		p.Reason = d.Reason
	}
	p.Item = shown
	for _, m := range shown.Materials {
		p.Rows = append(p.Rows, materialRow{Material: m})
	}
	for range blankMaterialRows {
		p.Rows = append(p.Rows, materialRow{Material: models.Material{Necessity: models.NecessityRequired, Copies: 1}})
	}
	s.renderEdit(c, http.StatusOK, p)
	return nil
}

func (s *Server) renderEdit(c *gin.Context, status int, p itemEditPage) {
	s.render(c, status, "item_edit", s.site.T(langOf(c), "admin.edit.title", p.Item.Name), "staff", p)
}

// uiItemEdit saves the submitted guide: published at once ("publish") or as
// the pending draft ("draft").
func (s *Server) uiItemEdit(c *gin.Context) error {
	ctx := c.Request.Context()
	stored, d, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	publish := c.PostForm("action") != "draft"
	if publish {
		if err := s.authorize(c, stored.DepartmentCode, policies.ObjItem, policies.ActPublish); err != nil {
			return err
		}
	}
	p := s.newEditPage(c, stored, d)
	edited, rows, rowOf, bad := itemFromForm(c, stored)
	p.Item, p.Rows, p.Reason = edited, rows, c.PostForm("reason")
	version, verr := strconv.Atoi(c.PostForm("version"))
	if verr != nil {
		return badRequest("version must be a number")
	}
	p.Version = version
	if len(bad) > 0 {
		// Also report what the model would refuse, without saving anything.
		if blank(p.Reason) {
			bad["reason"] = "admin.err.reason"
		}
		p.Errors = bad
		s.renderEdit(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	actor := principalOf(c).user.Username
	if publish {
		_, err = s.store.UpdateItem(ctx, stored.Code, *edited, actor, p.Reason, version)
	} else {
		_, err = s.store.SaveDraft(ctx, stored.Code, *edited, actor, p.Reason, version)
	}
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		p.Errors = fieldErrors(ve.Fields, p.Rows, rowOf)
		s.renderEdit(c, http.StatusUnprocessableEntity, p)
		return nil
	case isConflict(err):
		s.renderConflict(c, stored.Code)
		return nil
	case err != nil:
		return err
	}
	saved := "draft"
	if publish {
		saved = "published"
		if err := s.Reload(ctx); err != nil {
			return err
		}
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+stored.Code+"/edit?saved="+saved)
	return nil
}

// uiItemPublishDraft publishes the pending draft.
func (s *Server) uiItemPublishDraft(c *gin.Context) error {
	ctx := c.Request.Context()
	stored, _, err := s.adminItem(c, policies.ActPublish)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		return badRequest("version must be a number")
	}
	_, err = s.store.PublishItem(ctx, stored.Code, principalOf(c).user.Username, c.PostForm("reason"), version)
	var ve *models.ValidationError
	switch {
	case isConflict(err):
		s.renderConflict(c, stored.Code)
		return nil
	case errors.As(err, &ve):
		return invalid(ve.Fields)
	case err != nil:
		return err
	}
	if err := s.Reload(ctx); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+stored.Code+"/history")
	return nil
}

func (s *Server) renderConflict(c *gin.Context, code string) {
	lang := langOf(c)
	heading := s.site.T(lang, "admin.conflict.heading")
	s.render(c, http.StatusConflict, "error", heading, "staff",
		errorPage{Status: http.StatusConflict, Heading: heading, Message: s.site.T(lang, "admin.conflict.message")})
}

// itemFromForm applies the submitted form to a copy of the stored item. It
// returns the edited item, the materials rows as submitted (for re-display),
// the form row of each kept material and the fields that could not be parsed.
func itemFromForm(c *gin.Context, stored *models.Item) (*models.Item, []materialRow, []int, map[string]string) {
	bad := map[string]string{}
	it := *stored
	str := func(name string) string { return strings.TrimSpace(c.PostForm(name)) }
	num := func(name string, dst *int) {
		v := str(name)
		n, err := strconv.Atoi(v)
		if err != nil {
			bad[name] = "admin.err.number"
			return
		}
		*dst = n
	}
	it.Name = str("name")
	num("statutory_days", &it.StatutoryDays)
	num("promised_days", &it.PromisedDays)
	num("visits", &it.Visits)
	it.HandlingKind = str("handling_kind")
	it.AcceptConditions = str("accept_conditions")
	it.LegalBasis = str("legal_basis")
	it.Location = str("location")
	it.Hours = str("hours")
	it.Phone = str("phone")
	it.ComplaintPhone = str("complaint_phone")
	it.FeeBasis = str("fee_basis")
	it.IsFee = c.PostForm("is_fee") == "1"
	it.ResultType = str("result_type")
	it.ResultName = str("result_name")
	it.ServiceObjects = models.StringList(c.PostFormArray("service_objects"))
	it.HandleForms = models.StringList(c.PostFormArray("handle_forms"))

	n, _ := strconv.Atoi(c.PostForm("material_rows"))
	n = min(max(n, 0), 500)
	var rows []materialRow
	var rowOf []int
	it.Materials = nil
	for i := range n {
		f := func(col string) string { return strings.TrimSpace(c.PostForm("m" + strconv.Itoa(i) + "_" + col)) }
		r := materialRow{Errors: map[string]string{}, Remove: f("remove") == "1", Material: models.Material{
			Key: f("key"), Name: f("name"), Necessity: f("necessity"), Kind: f("kind"), Form: f("form"),
			Source: f("source"), Remark: f("remark"), BlankForm: f("blank_form") == "1",
		}}
		if copies, err := strconv.Atoi(f("copies")); err == nil {
			r.Copies = copies
		} else if f("copies") != "" {
			r.Errors["copies"] = "admin.err.number"
			bad["materials.copies"] = "admin.err.number"
		}
		rows = append(rows, r)
		if r.Remove || (r.Key == "" && r.Name == "") {
			continue // removed, or a blank row left for adding
		}
		it.Materials = append(it.Materials, r.Material)
		rowOf = append(rowOf, i)
	}
	return &it, rows, rowOf, bad
}

var materialField = regexp.MustCompile(`^materials\[(\d+)\]\.(\w+)$`)

// fieldErrors turns the model's field errors into locale keys, putting a
// material's errors on its form row.
func fieldErrors(fields map[string]string, rows []materialRow, rowOf []int) map[string]string {
	out := map[string]string{}
	for f := range fields {
		if m := materialField.FindStringSubmatch(f); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(rowOf) {
				rows[rowOf[i]].Errors[m[2]] = fieldMessageKeyAdmin(m[2])
			}
			out["materials"] = "admin.err.materials"
			continue
		}
		out[f] = fieldMessageKeyAdmin(f)
	}
	return out
}

func fieldMessageKeyAdmin(field string) string {
	switch field {
	case "disposition", "legal_basis", "merged_into":
		return "admin.err." + field
	case "name", "reason", "promised_days", "necessity":
		return "admin.err." + field
	case "statutory_days", "visits", "copies":
		return "admin.err.negative"
	}
	return "admin.err.invalid"
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// historyPage is the data of the history page.
type historyPage struct {
	Item      *models.Item
	Revisions []revisionView
	CanEdit   bool
}

type revisionView struct {
	models.Revision
	Time string // in Asia/Shanghai
}

var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

func (s *Server) uiItemHistory(c *gin.Context) error {
	it, _, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(c.Request.Context(), it.Code)
	if err != nil {
		return err
	}
	p := historyPage{Item: it, CanEdit: true}
	for _, r := range revs {
		p.Revisions = append(p.Revisions, revisionView{Revision: r, Time: r.CreatedAt.In(shanghai).Format("2006-01-02 15:04:05")})
	}
	s.render(c, http.StatusOK, "item_history", s.site.T(langOf(c), "admin.history.title", it.Name), "staff", p)
	return nil
}

// dispositionPage is the data of the disposition form.
type dispositionPage struct {
	Item         *models.Item
	Version      int
	Disposition  string
	Reason       string
	LegalBasis   string
	MergedInto   string
	Errors       map[string]string
	Dispositions []string
}

func (s *Server) uiDispositionForm(c *gin.Context) error {
	it, _, err := s.adminItem(c, policies.ActDispose)
	if err != nil {
		return err
	}
	p := dispositionPage{Item: it, Version: it.Version, Disposition: it.Disposition, MergedInto: it.MergedInto,
		Errors: map[string]string{}, Dispositions: dispositions}
	s.render(c, http.StatusOK, "item_disposition", s.site.T(langOf(c), "admin.disposition.title", it.Name), "staff", p)
	return nil
}

var dispositions = []string{models.DispositionRetained, models.DispositionCancelled, models.DispositionMerged, models.DispositionDelegated}

func (s *Server) uiDisposition(c *gin.Context) error {
	ctx := c.Request.Context()
	it, _, err := s.adminItem(c, policies.ActDispose)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		return badRequest("version must be a number")
	}
	p := dispositionPage{Item: it, Version: version, Disposition: c.PostForm("disposition"),
		Reason: strings.TrimSpace(c.PostForm("reason")), LegalBasis: strings.TrimSpace(c.PostForm("legal_basis")),
		MergedInto: strings.TrimSpace(c.PostForm("merged_into")), Errors: map[string]string{}, Dispositions: dispositions}
	_, err = s.store.SetDisposition(ctx, it.Code, models.DispositionChange{Disposition: p.Disposition, Reason: p.Reason,
		LegalBasis: p.LegalBasis, MergedInto: p.MergedInto}, principalOf(c).user.Username, version)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		p.Errors = fieldErrors(ve.Fields, nil, nil)
		s.render(c, http.StatusUnprocessableEntity, "item_disposition", s.site.T(langOf(c), "admin.disposition.title", it.Name), "staff", p)
		return nil
	case isConflict(err):
		s.renderConflict(c, it.Code)
		return nil
	case err != nil:
		return err
	}
	if err := s.Reload(ctx); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+it.Code+"/history")
	return nil
}
