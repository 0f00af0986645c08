package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
)

// adminItemsPageSize is the number of rows of one page of the administrators' list.
const adminItemsPageSize = 50

// adminItemsPage is the catalogue administrators' list of items.
type adminItemsPage struct {
	Department, Q, Status      string
	Incomplete                 bool
	Total, Page, Pages, Offset int
	Rows                       []adminItemRow
	Departments                []models.DepartmentCount // those the user may edit
	Statuses                   []string
	PrevURL, NextURL           string
}

type adminItemRow struct {
	models.AdminItemRow
	Department string
	Missing    string // the gaps in the page's language
}

// uiAdminItems lists the items of the departments the user may edit, with
// filters for department, text, status and incomplete guides.
func (s *Server) uiAdminItems(c *gin.Context) error {
	if err := s.loginOnly(c); err != nil {
		return err
	}
	domains := s.authz.Domains(principalOf(c).user.Username, policies.ObjItem, policies.ActEdit)
	if len(domains) == 0 {
		return service.ErrForbidden
	}
	lang, ref := langOf(c), s.ref.Load()
	q := c.Request.URL.Query()
	p := adminItemsPage{Department: q.Get("department"), Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"),
		Incomplete: q.Get("incomplete") != "", Statuses: []string{models.ItemPublished, models.ItemDraft}}
	f := models.AdminItemFilter{Department: p.Department, Text: p.Q, Incomplete: p.Incomplete, Limit: adminItemsPageSize}
	if !slices.Contains(domains, policies.AllDomains) {
		f.Departments = domains
	}
	for _, d := range ref.depts {
		if f.Departments == nil || slices.Contains(domains, d.Code) {
			p.Departments = append(p.Departments, d)
		}
	}
	fields := map[string]string{}
	if p.Department != "" && !slices.ContainsFunc(p.Departments, func(d models.DepartmentCount) bool { return d.Code == p.Department }) {
		fields["department"] = "is not a department you may edit"
	}
	if p.Status != "" && !slices.Contains(p.Statuses, p.Status) {
		fields["status"] = "must be published or draft"
	}
	page, err := strconv.Atoi(q.Get("page"))
	if q.Get("page") != "" && (err != nil || page < 1 || page > 100000) {
		fields["page"] = "must be a page number from 1"
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	p.Page, f.Status = max(page, 1), p.Status
	f.Offset = (p.Page - 1) * adminItemsPageSize
	rows, total, err := s.store.AdminItems(c.Request.Context(), f)
	if err != nil {
		return err
	}
	p.Total, p.Offset, p.Pages = total, f.Offset, max((total+adminItemsPageSize-1)/adminItemsPageSize, 1)
	for _, r := range rows {
		row := adminItemRow{AdminItemRow: r, Department: ref.deptByKey[r.DepartmentCode].Name}
		names := make([]string, len(r.Gaps))
		for i, g := range r.Gaps {
			names[i] = s.site.T(lang, "closed.gap."+g)
		}
		row.Missing = strings.Join(names, s.site.T(lang, "closed.sep"))
		p.Rows = append(p.Rows, row)
	}
	if p.Page > 1 {
		p.PrevURL = adminItemsURL(c.Request.URL, min(p.Page-1, p.Pages))
	}
	if p.Page < p.Pages {
		p.NextURL = adminItemsURL(c.Request.URL, p.Page+1)
	}
	s.render(c, http.StatusOK, "admin_items", s.site.T(lang, "guide.admin.title"), "staff", p)
	return nil
}

func adminItemsURL(u *url.URL, page int) string {
	v := u.Query()
	v.Del("lang")
	v.Set("page", strconv.Itoa(page))
	return (&url.URL{Path: u.Path, RawQuery: v.Encode()}).String()
}
