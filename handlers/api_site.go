package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Site settings (DESIGN §8): the district, the centre's name, address,
// hotline, opening hours and footer are data. The server keeps them in
// memory, refreshed from the store's change signal (site area) like every
// other cache, and every page and printed notice reads them from there.

// siteJSON is the settings' shape in GET and PUT /api/v1/site; an empty
// value is not set yet.
type siteJSON struct {
	District string `json:"district"`
	Centre   string `json:"centre"`
	Address  string `json:"address"`
	Hotline  string `json:"hotline"`
	Hours    string `json:"hours"`
	Footer   string `json:"footer"`
	// Where a refused applicant applies for 行政复议 and sues (行政诉讼); "" is not set.
	ReviewBody string `json:"review_body"`
	Court      string `json:"court"`
}

func toSiteJSON(st models.SiteSettings) siteJSON {
	return siteJSON{District: st.District, Centre: st.Centre, Address: st.Address, Hotline: st.Hotline,
		Hours: st.Hours, Footer: st.Footer, ReviewBody: st.ReviewBody, Court: st.Court}
}

func (f siteJSON) settings() models.SiteSettings {
	return models.SiteSettings{District: f.District, Centre: f.Centre, Address: f.Address, Hotline: f.Hotline,
		Hours: f.Hours, Footer: f.Footer, ReviewBody: f.ReviewBody, Court: f.Court}
}

// loadSite reads the site settings again.
func (s *Server) loadSite(ctx context.Context) error {
	st, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	s.settings.Store(&st)
	return nil
}

// siteSettings is the cached settings (empty before the first load).
func (s *Server) siteSettings() models.SiteSettings {
	if st := s.settings.Load(); st != nil {
		return *st
	}
	return models.SiteSettings{}
}

// siteView is the site settings as pages show them, in the page's language:
// a district or centre not set yet reads as a placeholder that asks the
// administrator to set it, never as some district's name.
type siteView struct {
	Name     string // the site's title: the district's government service site
	District string
	Centre   string
	Address  string // empty when unknown; pages leave the line out
	Hotline  string
	Hours    string
	Footer   string
	Unset    bool // the district or the centre is not set yet
}

func (s *Server) siteView(lang string) siteView {
	st := s.siteSettings()
	v := siteView{District: st.District, Centre: st.Centre, Address: st.Address, Hotline: st.Hotline,
		Hours: st.Hours, Footer: st.Footer, Unset: st.District == "" || st.Centre == ""}
	if v.District == "" {
		v.District = s.site.T(lang, "site.unset.district")
	}
	if v.Centre == "" {
		v.Centre = s.site.T(lang, "site.unset.centre")
	}
	v.Name = s.site.T(lang, "site.name", v.District)
	return v
}

// setSite authorizes the system administrator and stores the settings.
func (s *Server) setSite(c *gin.Context, st models.SiteSettings) (models.SiteSettings, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjSite, policies.ActManage); err != nil {
		return models.SiteSettings{}, err
	}
	return s.store.SetSite(c.Request.Context(), st, principalOf(c).user.Username, s.now())
}

func (s *Server) apiSite(c *gin.Context) error {
	c.JSON(http.StatusOK, toSiteJSON(s.siteSettings()))
	return nil
}

func (s *Server) apiSetSite(c *gin.Context) error {
	var f siteJSON
	if err := c.ShouldBindJSON(&f); err != nil {
		return badRequest(`the body must be JSON {"district","centre","address","hotline","hours","footer","review_body","court"}`)
	}
	st, err := s.setSite(c, f.settings())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toSiteJSON(st))
	return nil
}
