package handlers

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
)

// The catalogue administrators' 一件事 pages: every bundle, and one bundle's
// form (name, description, items in order, the field mapping table "item /
// its field / asked as merged field", publication) with the reason of the
// change and the change log. Authorized like the alias dictionary: item
// editing in every department.

// mappingRows is how many mapping rows the form offers beyond the stored ones.
const mappingRows = 4

// bundleAdminRow is one bundle in the administrators' list.
type bundleAdminRow struct {
	Code, Name, UpdatedBy, UpdatedAt string
	Published                        bool
	Version, Items                   int
}

// bundleAdminPage is the data of a bundle's edit form.
type bundleAdminPage struct {
	New         bool
	Code        string
	Name        string
	NameEn      string
	Description string
	Published   bool
	Items       string // item codes, one per line
	Mapping     []models.BundleMapping
	Reason      string
	Version     int
	Errors      map[string]string
	Labels      map[string]string // the summary\'s name of each field with an error
	Alert       string
	Saved       bool
	Preview     []bundleField // the merged form the bundle asks now
	ItemNames   []bundleItemRow
	Changes     []bundleChangeRow
}

type bundleChangeRow struct {
	At, Actor, Action, Reason string
	Version                   int
}

func (s *Server) uiBundlesAdmin(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActEdit); err != nil {
		return err
	}
	list, err := s.store.Bundles(c.Request.Context(), false)
	if err != nil {
		return err
	}
	rows := make([]bundleAdminRow, 0, len(list))
	for _, b := range list {
		rows = append(rows, bundleAdminRow{Code: b.Code, Name: b.NameIn(langOf(c)), Published: b.Published, Version: b.Version,
			Items: len(b.Items), UpdatedBy: b.UpdatedBy, UpdatedAt: b.UpdatedAt.In(shanghai).Format("2006-01-02 15:04")})
	}
	s.render(c, http.StatusOK, "bundle_admin_list", s.site.T(langOf(c), "bundle.admin.title"), "staff", rows)
	return nil
}

func (s *Server) renderBundleAdmin(c *gin.Context, status int, p bundleAdminPage) {
	for len(p.Mapping) < mappingRows || strings.TrimSpace(p.Mapping[len(p.Mapping)-1].Item) != "" {
		p.Mapping = append(p.Mapping, models.BundleMapping{})
	}
	title := s.site.T(langOf(c), "bundle.admin.new")
	if !p.New {
		title = s.site.T(langOf(c), "bundle.admin.edit", p.Name)
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "bundle_admin_edit", title, "staff", p)
}

func (s *Server) uiBundleAdminNew(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActEdit); err != nil {
		return err
	}
	s.renderBundleAdmin(c, http.StatusOK, bundleAdminPage{New: true, Errors: map[string]string{}})
	return nil
}

func (s *Server) uiBundleAdminForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActEdit); err != nil {
		return err
	}
	b, err := s.store.Bundle(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	p := bundleAdminPage{Code: b.Code, Name: b.Name, NameEn: b.NameEn, Description: b.Description, Published: b.Published,
		Items: strings.Join(b.Items, "\n"), Mapping: b.Mapping, Version: b.Version, Errors: map[string]string{},
		Saved: c.Query("saved") != ""}
	if err := s.bundleAdminExtras(c, &p); err != nil {
		return err
	}
	s.renderBundleAdmin(c, http.StatusOK, p)
	return nil
}

// bundleAdminExtras adds the merged form's preview and the change log.
func (s *Server) bundleAdminExtras(c *gin.Context, p *bundleAdminPage) error {
	lang := langOf(c)
	items := strings.Fields(p.Items)
	if bf, err := s.actions().BundleForm(c.Request.Context(), &models.Bundle{Code: p.Code, Items: items, Mapping: p.Mapping}); err == nil {
		p.Preview = s.bundleFields(lang, bf, nil, nil)
		p.ItemNames = s.bundleItems(bf)
	}
	if p.New {
		return nil
	}
	changes, err := s.store.BundleChanges(c.Request.Context(), p.Code)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		p.Changes = append(p.Changes, bundleChangeRow{At: ch.At.In(shanghai).Format("2006-01-02 15:04"), Actor: ch.Actor,
			Action: ch.Action, Reason: ch.Reason, Version: ch.Version})
	}
	return nil
}

// bundleAdminForm is the posted edit form; the mapping rows are read by index.
type bundleAdminForm struct {
	Code        string `form:"code"`
	Name        string `form:"name"`
	NameEn      string `form:"name_en"`
	Description string `form:"description"`
	Published   string `form:"published"`
	Items       string `form:"items"`
	Reason      string `form:"reason"`
	Version     int    `form:"version"`
}

func (s *Server) uiBundleAdminCreate(c *gin.Context) error { return s.saveBundleAdmin(c, true) }

func (s *Server) uiBundleAdminSave(c *gin.Context) error { return s.saveBundleAdmin(c, false) }

func (s *Server) saveBundleAdmin(c *gin.Context, isNew bool) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActEdit); err != nil {
		return err
	}
	var f bundleAdminForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if !isNew {
		f.Code = c.Param("code")
	}
	p := bundleAdminPage{New: isNew, Code: strings.TrimSpace(f.Code), Name: f.Name, NameEn: f.NameEn, Description: f.Description,
		Published: f.Published != "", Items: f.Items, Reason: f.Reason, Version: f.Version, Errors: map[string]string{}}
	for i := 0; i < 200; i++ {
		item, ok := c.GetPostForm(fmt.Sprintf("map_%d_item", i))
		if !ok {
			break
		}
		p.Mapping = append(p.Mapping, models.BundleMapping{Item: item, Field: c.PostForm(fmt.Sprintf("map_%d_field", i)),
			Merged: c.PostForm(fmt.Sprintf("map_%d_merged", i))})
	}
	lang := langOf(c)
	if strings.TrimSpace(f.Reason) == "" {
		p.Errors["reason"] = s.site.T(lang, "bundle.admin.err.reason")
	}
	var saved *models.Bundle
	var err error
	if len(p.Errors) == 0 {
		version := f.Version
		if isNew {
			version = 0
		}
		saved, err = s.actions().SaveBundle(c.Request.Context(), actorOf(c), models.BundleInput{Code: p.Code, Name: p.Name,
			NameEn: p.NameEn, Description: p.Description, Published: p.Published, Items: strings.Fields(p.Items),
			Mapping: p.Mapping, Reason: p.Reason}, version)
	}
	if err == nil && saved != nil {
		c.Redirect(http.StatusSeeOther, "/admin/bundles/"+url.PathEscape(saved.Code)+"?saved=1")
		return nil
	}
	status := http.StatusUnprocessableEntity
	var se *service.Error
	var ve *models.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &se) && se.Kind == service.Invalid, errors.As(err, &ve):
		for k, v := range s.bundleAdminProblems(lang, err) {
			p.Errors[k] = v
		}
	case errors.Is(err, models.ErrConflict):
		status, p.Alert = http.StatusConflict, s.site.T(lang, "bundle.admin.err.conflict")
	default:
		return err
	}
	if p.Alert == "" {
		p.Alert = s.site.T(lang, "bundle.admin.err.summary")
	}
	p.Labels = map[string]string{}
	for k := range p.Errors {
		p.Labels[k] = s.bundleAdminFieldLabel(lang, k)
	}
	if err := s.bundleAdminExtras(c, &p); err != nil {
		return err
	}
	s.renderBundleAdmin(c, status, p)
	return nil
}

// bundleAdminProblems translates a refused bundle: each field's problem by
// the rule it broke (or the item it cannot hold), never the core's English.
func (s *Server) bundleAdminProblems(lang string, err error) map[string]string {
	out := map[string]string{}
	var se *service.Error
	var ve *models.ValidationError
	var ie *service.BundleItemError
	fields := map[string]string{}
	switch {
	case errors.As(err, &ve):
		maps.Copy(fields, ve.Fields)
	case errors.As(err, &se):
		maps.Copy(fields, se.Fields)
	}
	for k := range fields {
		switch {
		case k == "items" && errors.As(err, &ie):
			name := ie.Name
			if name == "" {
				name = ie.Code
			}
			out[k] = s.site.T(lang, "bundle.admin.rule.item_"+ie.Rule, name)
		case ve != nil:
			out[k] = s.site.TOr(lang, "bundle.admin.rule."+ve.Rule(k), s.site.T(lang, "bundle.admin.rule.invalid"))
		default:
			out[k] = s.site.T(lang, "bundle.admin.rule.invalid")
		}
	}
	return out
}

// bundleAdminFieldLabel names a field of the bundle form in the summary.
func (s *Server) bundleAdminFieldLabel(lang, key string) string {
	if row, ok := strings.CutPrefix(key, "mapping."); ok {
		if n, err := strconv.Atoi(row); err == nil {
			return s.site.T(lang, "bundle.admin.field.mapping_row", n+1)
		}
	}
	return s.site.TOr(lang, "bundle.admin.field."+key, key)
}
