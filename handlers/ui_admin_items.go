package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Catalogue administration pages: edit an item's service guide (save and
// publish at once, or save a draft and publish it later) and read its
// history with the differences highlighted.

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
	lang := langOf(c)
	ref := s.ref.Load()
	p := itemEditPage{
		Item: it, Code: it.Code, Version: it.Version, Department: ref.deptByKey[it.DepartmentCode].Name,
		Action: "/admin/items/" + it.Code + "/edit", Unpublished: it.Status == models.ItemDraft,
		Errors: map[string]string{}, CanPublish: s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActPublish),
		CanDispose:    s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActDispose),
		HandlingKinds: editHandlingKinds, Necessities: editNecessities, MaterialKinds: editMaterialKinds,
		MaterialForms: editMaterialForms, MaterialSources: editMaterialSources, ServiceObjects: editServiceObjects,
		HandleForms: editHandleForms, ResultTypes: editResultTypes, PowerSources: editPowerSources, Stages: editStages,
		StageRoles: s.stagesRoleChoices(c),
		Saved:      c.Query("saved"),
	}
	for _, t := range ref.types {
		p.Types = append(p.Types, itemChoice{Value: t.Code, Label: t.Code + " " + s.site.TOr(lang, "enum.type."+t.Code, t.Name)})
	}
	for _, dp := range ref.depts {
		p.Departments = append(p.Departments, itemChoice{Value: dp.Code, Label: dp.Name})
	}
	for _, l := range editUseLevels {
		p.UseLevels = append(p.UseLevels, itemChoice{Value: l, Label: s.site.TOr(lang, "enum.use_level."+l, s.site.T(lang, "catalogue.use_level."+l))})
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
	p.withRows(shown)
	s.renderEdit(c, http.StatusOK, p)
	return nil
}

func (s *Server) renderEdit(c *gin.Context, status int, p itemEditPage) {
	title := s.site.T(langOf(c), "admin.edit.title", p.Item.Name)
	if p.New {
		title = s.site.T(langOf(c), "catalogue.new.title")
	}
	s.render(c, status, "item_edit", title, "staff", p)
}

// uiItemEdit saves the guideSubmission guide: published at once ("publish") or as
// the pending draft ("draft"); "rows" only shows the form again with more
// blank rows.
func (s *Server) uiItemEdit(c *gin.Context) error {
	stored, d, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	form, err := bindGuideForm(c)
	if err != nil {
		return err
	}
	action := form.Action
	p := s.newEditPage(c, stored, d)
	sub := itemFromForm(form, stored)
	p.Item, p.Reason = sub.item, form.Reason
	if err := s.authorizeItemEdit(c, stored, sub.item.DepartmentCode, policies.ActEdit); err != nil {
		return err
	}
	if action != "draft" && action != "rows" {
		action = "publish"
		if err := s.authorizeItemEdit(c, stored, sub.item.DepartmentCode, policies.ActPublish); err != nil {
			return err
		}
	}
	if form.Version == nil {
		return errVersionMissing
	}
	version := *form.Version
	p.Version = version
	if action == "rows" {
		s.setGuideErrors(c, &p, sub, nil)
		p.addBlankRows(1)
		s.renderEdit(c, http.StatusOK, p)
		return nil
	}
	if len(sub.bad) > 0 {
		// Also report what the model would refuse, without saving anything.
		ve := models.CheckItem(sub.item, s.catalogueKnown(), nil)
		if blank(p.Reason) {
			ve = withReasonMissing(ve)
		}
		s.setGuideErrors(c, &p, sub, ve)
		s.renderEdit(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	// The form showed the pending draft when it was edited from the version
	// the draft was (uiItemEditForm): publishing it clears the draft.
	fromDraft := d != nil && d.BaseVersion == version
	return s.saveItemEdit(c, action == "publish", fromDraft, stored.Code, sub, p, version)
}

// saveItemEdit saves a checked submission through the service, published or
// as the draft, and redirects to the form (PRG); refused fields re-render it.
func (s *Server) saveItemEdit(c *gin.Context, publish, fromDraft bool, code string, sub *guideSubmission, p itemEditPage, version int) error {
	ctx, svc, who := c.Request.Context(), s.actions(), actorOf(c)
	var err error
	switch {
	case publish && fromDraft:
		_, err = svc.UpdateItemFromDraft(ctx, who, code, *sub.item, p.Reason, version)
	case publish:
		_, err = svc.UpdateItem(ctx, who, code, *sub.item, p.Reason, version)
	default:
		_, err = svc.SaveItemDraft(ctx, who, code, *sub.item, p.Reason, version)
	}
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		s.setGuideErrors(c, &p, sub, ve)
		s.renderEdit(c, http.StatusUnprocessableEntity, p)
		return nil
	case isConflict(err):
		s.renderConflict(c, code)
		return nil
	case err != nil:
		return err
	}
	saved := "draft"
	if publish {
		saved = "published"
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+code+"/edit?saved="+saved)
	return nil
}

// known is the reference data items are checked against.
func (s *Server) catalogueKnown() models.Known {
	ref := s.ref.Load()
	k := models.Known{Departments: make(map[string]bool, len(ref.deptByKey)), Types: make(map[string]bool, len(ref.typeByKey)),
		StageRoles: s.stagesKnownRoles()}
	for code := range ref.deptByKey {
		k.Departments[code] = true
	}
	for code := range ref.typeByKey {
		k.Types[code] = true
	}
	return k
}

// withReason adds the missing reason to the problems of a form.
func withReasonMissing(ve *models.ValidationError) *models.ValidationError {
	if ve == nil {
		ve = &models.ValidationError{}
	}
	if ve.Fields == nil {
		ve.Fields, ve.Rules = map[string]string{}, map[string]string{}
	}
	ve.Fields["reason"], ve.Rules["reason"] = "must say why the change is made", models.RuleRequired
	return ve
}

// errVersionMissing answers an item form posted without its base version.
var errVersionMissing = badRequest("version must be a number")

// publishForm is the button that publishes the pending draft: the API's
// publish request, whose version the page must send.
type publishForm struct {
	Reason  string `form:"reason"`
	Version *int   `form:"version"`
}

// uiItemPublishDraft publishes the pending draft.
func (s *Server) uiItemPublishDraft(c *gin.Context) error {
	ctx := c.Request.Context()
	stored, _, err := s.adminItem(c, policies.ActPublish)
	if err != nil {
		return err
	}
	var f publishForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if f.Version == nil {
		return errVersionMissing
	}
	_, err = s.actions().PublishItem(ctx, actorOf(c), stored.Code, f.Reason, *f.Version)
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
	c.Redirect(http.StatusSeeOther, "/admin/items/"+stored.Code+"/history")
	return nil
}

func (s *Server) renderConflict(c *gin.Context, code string) {
	lang := langOf(c)
	heading := s.site.T(lang, "admin.conflict.heading")
	s.render(c, http.StatusConflict, "error", heading, "staff",
		errorPage{Status: http.StatusConflict, Heading: heading, Message: s.site.T(lang, "admin.conflict.message")})
}

// fieldErrors turns the model's field errors on a disposition into locale keys.
func fieldErrors(fields map[string]string) map[string]string {
	out := map[string]string{}
	for f := range fields {
		switch f {
		case "disposition", "legal_basis", "merged_into", "reason":
			out[f] = "admin.err." + f
		default:
			out[f] = "admin.err.invalid"
		}
	}
	return out
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// historyPage is the data of the history page.
type historyPage struct {
	Item      *models.Item
	Revisions []revisionView
	CanEdit   bool
	Files     []fileChangeView // the uploads and removals of blank forms and samples, newest first
}

type revisionView struct {
	models.Revision
	Time      string               // in Asia/Shanghai
	FormLines []string             // the application form's changes as sentences
	Other     []models.FieldChange // the other changes, as recorded
	Rows      []historyRow         // the other changes in words
}

// shanghai is the centre's time zone, the one every shown time is in.
var shanghai = models.CentreZone()

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
	for i, r := range revs {
		rv := revisionView{Revision: r, Time: r.CreatedAt.In(shanghai).Format("2006-01-02 15:04:05"), Other: r.Diff}
		if slices.ContainsFunc(r.Diff, isFormChange) {
			h := formHistory{s: s, lang: langOf(c)}
			h.before, h.after = historyForms(revs, i)
			rv.FormLines, rv.Other = h.lines(r.Diff)
		}
		after, _ := r.Item() // nil when unreadable: rows are then named by key only
		rv.Rows = s.historyWords(langOf(c), rv.Other, after)
		p.Revisions = append(p.Revisions, rv)
	}
	if p.Files, err = s.fileChanges(c, it.Code); err != nil {
		return err
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

// dispositionForm is the disposition page's form: the API's disposition
// request (dispositionRequest), whose version the page must send.
type dispositionForm struct {
	Disposition string `form:"disposition"`
	Reason      string `form:"reason"`
	LegalBasis  string `form:"legal_basis"`
	MergedInto  string `form:"merged_into"`
	Version     *int   `form:"version"`
}

func (s *Server) uiDisposition(c *gin.Context) error {
	ctx := c.Request.Context()
	it, _, err := s.adminItem(c, policies.ActDispose)
	if err != nil {
		return err
	}
	var f dispositionForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if f.Version == nil {
		return errVersionMissing
	}
	p := dispositionPage{Item: it, Version: *f.Version, Disposition: f.Disposition,
		Reason: strings.TrimSpace(f.Reason), LegalBasis: strings.TrimSpace(f.LegalBasis),
		MergedInto: strings.TrimSpace(f.MergedInto), Errors: map[string]string{}, Dispositions: dispositions}
	_, err = s.actions().SetDisposition(ctx, actorOf(c), it.Code, models.DispositionChange{Disposition: p.Disposition, Reason: p.Reason,
		LegalBasis: p.LegalBasis, MergedInto: p.MergedInto}, p.Version)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		p.Errors = fieldErrors(ve.Fields)
		s.render(c, http.StatusUnprocessableEntity, "item_disposition", s.site.T(langOf(c), "admin.disposition.title", it.Name), "staff", p)
		return nil
	case isConflict(err):
		s.renderConflict(c, it.Code)
		return nil
	case err != nil:
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+it.Code+"/history")
	return nil
}
