package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// 办件公示: the public list of handled applications (DESIGN §8) with the
// applicant masked by the store, and the public 好差评 rates.

// handledQuery is a parsed, validated filter of the public list.
type handledQuery struct {
	models.HandledFilter
}

var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// parseHandledQuery reads department, item, month, page and page_size; a bad
// value is a field error (locale keys in the page, English in the API).
func (s *Server) parseHandledQuery(v url.Values) (handledQuery, formErrors) {
	q := handledQuery{models.HandledFilter{Page: 1, PageSize: defaultPageSize}}
	bad := formErrors{}
	if d := strings.TrimSpace(v.Get("department")); d != "" {
		if _, ok := s.ref.Load().deptByKey[d]; !ok {
			bad.add("department", "handled.err.department")
		}
		q.Department = d
	}
	if it := strings.TrimSpace(v.Get("item")); it != "" {
		if len(it) > 100 || strings.ContainsAny(it, " \t\r\n") {
			bad.add("item", "handled.err.item")
		}
		q.ItemCode = it
	}
	if m := strings.TrimSpace(v.Get("month")); m != "" {
		if !monthPattern.MatchString(m) {
			bad.add("month", "handled.err.month")
		}
		q.Month = m
	}
	for _, p := range []struct {
		name     string
		into     *int
		min, max int
	}{{"page", &q.Page, 1, maxPage}, {"page_size", &q.PageSize, 1, maxPageSize}} {
		raw := v.Get(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < p.min || n > p.max {
			bad.add(p.name, "handled.err."+p.name)
			continue
		}
		*p.into = n
	}
	return q, bad
}

// handledRowJSON is one application of the public list. It is built from
// models.HandledRow, which holds no identity number, phone or answer.
type handledRowJSON struct {
	Number         string `json:"number"`
	ItemCode       string `json:"item_code"`
	Item           string `json:"item"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Applicant      string `json:"applicant"`
	Received       string `json:"received"`
	Completed      string `json:"completed,omitempty"`
	State          string `json:"state"`
	StateLabel     string `json:"state_label"`
	Result         string `json:"result,omitempty"`
	OnTime         *bool  `json:"on_time"`
}

type handledCountsJSON struct {
	Total    int `json:"total"`
	Approved int `json:"approved"`
	Denied   int `json:"denied"`
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	Unknown  int `json:"unknown"`
}

type handledAnswer struct {
	Total        int               `json:"total"`
	Page         int               `json:"page"`
	PageSize     int               `json:"page_size"`
	Counts       handledCountsJSON `json:"counts"`
	Applications []handledRowJSON  `json:"applications"`
}

// apiHandled answers GET /api/v1/public/handled.
func (s *Server) apiHandled(c *gin.Context) error {
	q, bad := s.parseHandledQuery(c.Request.URL.Query())
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	page, err := s.store.Handled(c.Request.Context(), q.HandledFilter)
	if err != nil {
		return err
	}
	lang, ref := langOf(c), s.ref.Load()
	out := handledAnswer{Total: page.Counts.Total, Page: q.Page, PageSize: q.PageSize,
		Counts: handledCountsJSON(page.Counts), Applications: make([]handledRowJSON, 0, len(page.Rows))}
	for _, r := range page.Rows {
		out.Applications = append(out.Applications, handledRowJSON{Number: r.Number, ItemCode: r.ItemCode, Item: r.ItemName,
			Department: r.Department, DepartmentName: ref.deptByKey[r.Department].Name, Applicant: r.Applicant,
			Received: r.Received, Completed: r.Handled, State: string(r.State),
			StateLabel: s.site.T(lang, "state."+string(r.State)), Result: r.Result, OnTime: r.OnTime})
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, out)
	return nil
}

// englishProblems turns locale keys into the English messages of the API.
func (s *Server) englishProblems(bad formErrors) map[string]string {
	out := make(map[string]string, len(bad))
	for k, v := range bad {
		out[k] = s.site.T("en", v)
	}
	return out
}

// handledPage is the data of the public 办件公示 page.
type handledPage struct {
	Query       handledQuery
	Errors      map[string]string
	Departments []option
	Rows        []handledRowView
	Counts      models.HandledCounts
	OnTimeRate  string // "" when nothing with a known deadline was handled
	Prev, Next  string
	Pages       int
	ByDept      []satisfactionView
	ByItem      []satisfactionView
}

type handledRowView struct {
	models.HandledRow
	DepartmentName, StateLabel string
	// ResultLabel is the decision in the words of the item's type: 准予许可 for a
	// licence, 予以确认 for a confirmation, and so on; "" when there is none.
	ResultLabel string
}

// handledTerms is the decision wording of an item, looked up once per page.
func (s *Server) handledTerms(c *gin.Context, seen map[string]models.DecisionTerms, code string) (models.DecisionTerms, error) {
	if t, ok := seen[code]; ok {
		return t, nil
	}
	it, err := s.store.Item(c.Request.Context(), code)
	if errors.Is(err, models.ErrNotFound) {
		it = &models.Item{} // an item gone from the catalogue speaks the default words
	} else if err != nil {
		return models.DecisionTerms{}, err
	}
	seen[code] = models.TermsOf(it.TypeCode)
	return seen[code], nil
}

// satisfactionView is a 好差评 tally as shown: the rate only when someone rated.
type satisfactionView struct {
	Code, Name       string
	Total, Good, Bad int
	Rate             string
}

// uiHandled is the public 办件公示 page.
func (s *Server) uiHandled(c *gin.Context) error {
	lang, ref := langOf(c), s.ref.Load()
	q, bad := s.parseHandledQuery(c.Request.URL.Query())
	p := handledPage{Query: q, Errors: bad}
	for _, d := range ref.depts {
		p.Departments = append(p.Departments, option{Value: d.Code, Label: d.Name})
	}
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, err := s.store.Handled(c.Request.Context(), q.HandledFilter)
		if err != nil {
			return err
		}
		p.Counts = page.Counts
		if known := page.Counts.OnTime + page.Counts.Late; known > 0 {
			p.OnTimeRate = percent(page.Counts.OnTime, known)
		}
		terms := map[string]models.DecisionTerms{}
		for _, r := range page.Rows {
			v := handledRowView{HandledRow: r, DepartmentName: ref.deptByKey[r.Department].Name,
				StateLabel: s.site.T(lang, "state."+string(r.State))}
			if r.Result != "" {
				t, err := s.handledTerms(c, terms, r.ItemCode)
				if err != nil {
					return err
				}
				v.ResultLabel = s.site.T(lang, resultKey(t, r.Result))
			}
			p.Rows = append(p.Rows, v)
		}
		p.Pages = (page.Counts.Total + q.PageSize - 1) / q.PageSize
		p.Prev, p.Next = pagerLinks(c.Request.URL, q.Page, p.Pages)
		if err := s.satisfactionTables(c, &p); err != nil {
			return err
		}
	}
	s.render(c, status, "public_handled", s.site.T(lang, "handled.title"), "handled", p)
	return nil
}

// satisfactionTables fills the public 好差评 rates per department and per
// item (of the department chosen, if any).
func (s *Server) satisfactionTables(c *gin.Context, p *handledPage) error {
	ctx, ref := c.Request.Context(), s.ref.Load()
	depts, err := s.store.SatisfactionBy(ctx, "department", "", 100)
	if err != nil {
		return err
	}
	for _, d := range depts {
		p.ByDept = append(p.ByDept, satisfactionOf(d, ref.deptByKey[d.Key].Name))
	}
	items, err := s.store.SatisfactionBy(ctx, "item", p.Query.Department, 20)
	if err != nil {
		return err
	}
	for _, it := range items {
		p.ByItem = append(p.ByItem, satisfactionOf(it, it.Name))
	}
	return nil
}

func satisfactionOf(t models.Satisfaction, name string) satisfactionView {
	v := satisfactionView{Code: t.Key, Name: name, Total: t.Total, Good: t.Good, Bad: t.Poor}
	if t.Total > 0 {
		v.Rate = percent(t.Good, t.Total)
	}
	return v
}

// percent writes part/whole as a percentage with one decimal.
func percent(part, whole int) string {
	return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64) + "%"
}

// pagerLinks are the previous and next pages' URLs of a paged list ("" at the ends).
func pagerLinks(u *url.URL, page, pages int) (string, string) {
	link := func(n int) string {
		v := u.Query()
		v.Set("page", strconv.Itoa(n))
		return u.Path + "?" + v.Encode()
	}
	var prev, next string
	if page > 1 {
		prev = link(page - 1)
	}
	if page < pages {
		next = link(page + 1)
	}
	return prev, next
}
