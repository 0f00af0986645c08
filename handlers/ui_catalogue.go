package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/search"
	"onewindow/policies"
)

// homeSuggestions are the searches offered on the home page.
var homeSuggestions = []string{"营业执照", "食品", "户口", "建设工程", "社会保险", "婚姻登记"}

type typeFacet struct {
	Code  string
	Count int
}

type homePage struct {
	Stats       models.CatalogueStats
	Types       []typeFacet
	Departments []models.DepartmentCount
	Suggestions []string
}

func (s *Server) uiHome(c *gin.Context) error {
	ctx := c.Request.Context()
	st, err := s.store.Stats(ctx)
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	data := homePage{Stats: st, Departments: ref.depts, Suggestions: homeSuggestions}
	for _, t := range ref.types {
		n := s.search.Search(search.Query{Type: t.Code, Status: "retained", Limit: 1}).Total
		data.Types = append(data.Types, typeFacet{Code: t.Code, Count: n})
	}
	s.render(c, http.StatusOK, "home", "", "home", data)
	return nil
}

type resultsPage struct {
	Q, Department, Type, Status string
	OnApplication, Joint        bool
	Total, Offset, Page, Pages  int
	Entries                     []search.Entry
	PrevURL, NextURL            string
	Departments                 []models.DepartmentCount
	Types                       []models.ItemType
	Statuses                    []string
}

func (s *Server) uiResults(c *gin.Context) error {
	q, err := s.parseItemQuery(c.Request.URL.Query())
	if err != nil {
		return err
	}
	res := s.search.Search(q.Query)
	ref := s.ref.Load()
	pages := max((res.Total+q.PageSize-1)/q.PageSize, 1)
	data := resultsPage{
		Q: q.Q, Department: q.Department, Type: q.Type, Status: q.Status,
		OnApplication: q.OnApplication != nil && *q.OnApplication, Joint: q.Joint != nil && *q.Joint,
		Total: res.Total, Offset: q.Offset, Page: q.Page, Pages: pages, Entries: res.Entries,
		Departments: ref.depts, Types: ref.types, Statuses: []string{"retained", "reduced", "all"},
	}
	if q.Page > 1 {
		data.PrevURL = pageURL(c.Request.URL, min(q.Page-1, pages))
	}
	if q.Page < pages {
		data.NextURL = pageURL(c.Request.URL, q.Page+1)
	}
	s.render(c, http.StatusOK, "results", s.site.T(langOf(c), "title.results"), "items", data)
	return nil
}

func pageURL(u *url.URL, page int) string {
	v := u.Query()
	v.Del("lang")
	v.Set("page", strconv.Itoa(page))
	return (&url.URL{Path: u.Path, RawQuery: v.Encode()}).String()
}

type itemPage struct {
	Item             *models.Item
	Department       string
	Joint            bool
	JointDepartments []string
	MergedInto       *models.Item
	CanEdit          bool // the visitor may edit the item (shows the admin links)
	// Office is the implementing department (实施主体) with its address, phone and hours.
	Office models.Department
}

func (s *Server) uiItem(c *gin.Context) error {
	ctx := c.Request.Context()
	it, err := s.store.Item(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	data := itemPage{Item: it, Department: ref.deptByKey[it.DepartmentCode].ShortName, Joint: it.Joint(),
		CanEdit: s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActEdit)}
	data.Office = ref.deptByKey[it.DepartmentCode].Department
	for _, d := range it.Departments {
		data.JointDepartments = append(data.JointDepartments, ref.deptByKey[d.DepartmentCode].ShortName)
	}
	if it.MergedInto != "" {
		if m, err := s.store.Item(ctx, it.MergedInto); err == nil {
			data.MergedInto = m
		}
	}
	s.render(c, http.StatusOK, "item", it.Name, "items", data)
	return nil
}

type departmentRow struct {
	models.CountRow
	Code, Name string
}

type cataloguePage struct {
	Stats        models.CatalogueStats
	ByType       []models.CountRow
	ByDepartment []departmentRow
}

func (s *Server) uiCatalogue(c *gin.Context) error {
	ctx := c.Request.Context()
	st, err := s.store.Stats(ctx)
	if err != nil {
		return err
	}
	byType, err := s.store.Breakdown(ctx, "type")
	if err != nil {
		return err
	}
	byDept, err := s.store.Breakdown(ctx, "department")
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	data := cataloguePage{Stats: st, ByType: byType}
	for _, r := range byDept {
		data.ByDepartment = append(data.ByDepartment, departmentRow{CountRow: r, Code: r.Key, Name: ref.deptByKey[r.Key].ShortName})
	}
	s.render(c, http.StatusOK, "catalogue", s.site.T(langOf(c), "title.catalogue"), "catalogue", data)
	return nil
}
