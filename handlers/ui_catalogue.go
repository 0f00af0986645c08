package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/search"
)

// homeChip is a search offered on the home page: the query (the catalogue's
// Chinese) and the locale key of its label in the page's language.
type homeChip struct{ Query, Label string }

// homeSuggestions are the searches offered on the home page.
var homeSuggestions = []homeChip{
	{"营业执照", "lang.chip.business_licence"}, {"食品", "lang.chip.food"}, {"户口", "lang.chip.household"},
	{"建设工程", "lang.chip.construction"}, {"社会保险", "lang.chip.social_insurance"}, {"婚姻登记", "lang.chip.marriage"},
}

type typeFacet struct {
	Code  string
	Count int
}

type homePage struct {
	Stats       models.CatalogueStats
	Types       []typeFacet
	Departments []models.DepartmentCount
	Suggestions []homeChip
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
	ScopeAll                    bool // the search covers the whole power list
	Total, Offset, Page, Pages  int
	Entries                     []search.Entry
	Names                       [][]search.Span // parallel to Entries for a text search: the highlighted name
	DidYouMean                  []didYouMeanLink
	PrevURL, NextURL            string
	Departments                 []models.DepartmentCount
	Types                       []models.ItemType
	Statuses                    []string
	Bundles                     []bundleMatch // 一件事 the search found, shown above the items
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
		ScopeAll: q.Scope == search.ScopeAll,
	}
	for _, m := range res.Matches {
		data.Names = append(data.Names, m.Name)
	}
	if q.Page <= 1 {
		data.Bundles = s.matchingBundles(c, q.Q, res)
	}
	for _, term := range res.DidYouMean {
		data.DidYouMean = append(data.DidYouMean, didYouMeanLink{Term: term, URL: queryURL(c.Request.URL, term)})
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

// didYouMeanLink is a term offered when a search found nothing, with the search for it.
type didYouMeanLink struct {
	Term, URL string
}

// queryURL is u searching for q instead, from the first page.
func queryURL(u *url.URL, q string) string {
	v := u.Query()
	v.Del("lang")
	v.Del("page")
	v.Set("q", q)
	return (&url.URL{Path: u.Path, RawQuery: v.Encode()}).String()
}

func pageURL(u *url.URL, page int) string {
	v := u.Query()
	v.Del("lang")
	v.Set("page", strconv.Itoa(page))
	return (&url.URL{Path: u.Path, RawQuery: v.Encode()}).String()
}

type departmentRow struct {
	models.CountRow
	Code, Name string
}

type cataloguePage struct {
	Stats        models.CatalogueStats
	ByType       []models.CountRow
	ByDepartment []departmentRow
	Guides       models.GuideStats
	// AvgStatutory and AvgPromised are the averages of the known limits, "—" when none is known.
	AvgStatutory, AvgPromised string
}

// avgText is a known average with one decimal, or "—".
func avgText(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
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
	guides, err := s.store.GuideStats(ctx)
	if err != nil {
		return err
	}
	ref := s.ref.Load()
	data := cataloguePage{Stats: st, ByType: byType, Guides: guides,
		AvgStatutory: avgText(guides.AvgStatutoryDays), AvgPromised: avgText(guides.AvgPromisedDays)}
	for _, r := range byDept {
		data.ByDepartment = append(data.ByDepartment, departmentRow{CountRow: r, Code: r.Key, Name: ref.deptByKey[r.Key].Name})
	}
	s.render(c, http.StatusOK, "catalogue", s.site.T(langOf(c), "title.catalogue"), "catalogue", data)
	return nil
}
