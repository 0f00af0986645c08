package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// The site settings page: the system administrator sets the district, the
// centre's name, address, hotline, opening hours and footer line.

// siteForm is the settings page's form.
type siteForm struct {
	District string `form:"district"`
	Centre   string `form:"centre"`
	Address  string `form:"address"`
	Hotline  string `form:"hotline"`
	Hours    string `form:"hours"`
	Footer   string `form:"footer"`
	// ReviewBody and Court are printed on refusals as the applicant's remedies.
	ReviewBody string `form:"review_body"`
	Court      string `form:"court"`
}

// siteField is one input of the form, with what the template needs.
type siteField struct {
	Key, Value, Error string
	Max               int
	Required, Long    bool // Long: a textarea
}

type sitePage struct {
	Fields    []siteField
	HasErrors bool
	Saved     bool
	UpdatedBy string
	UpdatedAt string
}

func (s *Server) uiSiteForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjSite, policies.ActManage); err != nil {
		return err
	}
	st := s.siteSettings()
	s.renderSite(c, http.StatusOK, st, nil, c.Query("done") == "site_saved")
	return nil
}

func (s *Server) uiSiteSave(c *gin.Context) error {
	var f siteForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in := siteJSON(f).settings()
	_, err := s.setSite(c, in)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		s.renderSite(c, http.StatusUnprocessableEntity, in, ve, false)
		return nil
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/site?done=site_saved")
	return nil
}

// renderSite shows the form with st's values and, after a refused save,
// a message in the page's language beside each bad field.
func (s *Server) renderSite(c *gin.Context, status int, st models.SiteSettings, ve *models.ValidationError, saved bool) {
	lang := langOf(c)
	p := sitePage{Saved: saved, HasErrors: ve != nil}
	stored := s.siteSettings()
	if stored.UpdatedAt != nil {
		p.UpdatedBy, p.UpdatedAt = stored.UpdatedBy, stored.UpdatedAt.In(displayZone).Format("2006-01-02 15:04")
	}
	for _, k := range models.SiteKeys() {
		v, _ := st.Get(k)
		fd := siteField{Key: k, Value: v, Max: models.SiteLimit(k), Required: k == "district" || k == "centre", Long: k == "footer"}
		if ve != nil && ve.Fields[k] != "" {
			fd.Error = s.fieldMessage(lang, "site", k, ve.Rule(k), fd.Max)
		}
		p.Fields = append(p.Fields, fd)
	}
	s.render(c, status, "admin_site", s.site.T(lang, "site.admin.title"), "staff", p)
}

// fieldMessage is the page's message for a field that broke rule, from the
// locale keys <area>.err.<rule> (<area>.err.<field>.<rule> first, for a
// message particular to the field).
func (s *Server) fieldMessage(lang, area, field, rule string, limit int) string {
	if msg := s.site.TOr(lang, area+".err."+field+"."+rule, ""); msg != "" {
		return msg
	}
	if rule == models.RuleTooLong {
		return s.site.T(lang, area+".err.too_long", limit)
	}
	return s.site.TOr(lang, area+".err."+rule, s.site.T(lang, area+".err.invalid"))
}
