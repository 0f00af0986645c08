package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"onewindow/models/search"
)

// Paging limits for catalogue lists.
const (
	defaultPageSize = 20
	maxPageSize     = 100
	maxQueryRunes   = 100
	maxPage         = 100000
)

// itemQuery is a parsed, validated catalogue query shared by the API and the
// results page.
type itemQuery struct {
	search.Query
	Page     int
	PageSize int
}

// parseItemQuery reads q, department, type, status, on_application, joint,
// page and page_size. Out-of-range paging is clamped; unknown codes and
// malformed values are field errors.
func (s *Server) parseItemQuery(v url.Values) (itemQuery, error) {
	ref := s.ref.Load()
	q := itemQuery{Page: 1, PageSize: defaultPageSize}
	fields := map[string]string{}

	q.Q = strings.TrimSpace(v.Get("q"))
	if utf8.RuneCountInString(q.Q) > maxQueryRunes {
		q.Q = string([]rune(q.Q)[:maxQueryRunes])
	}
	if d := v.Get("department"); d != "" {
		if _, ok := ref.deptByKey[d]; !ok {
			fields["department"] = "unknown department code"
		}
		q.Department = d
	}
	if t := v.Get("type"); t != "" {
		if _, ok := ref.typeByKey[t]; !ok {
			fields["type"] = "unknown item type; use a code such as 01 or 20"
		}
		q.Type = t
	}
	switch st := v.Get("status"); st {
	case "", "retained":
		q.Status = "retained"
	case "reduced", "all":
		q.Status = st
	default:
		fields["status"] = "must be retained, reduced or all"
	}
	switch sc := v.Get("scope"); sc {
	case "", search.ScopeServices, search.ScopeAll:
		q.Scope = sc
	default:
		fields["scope"] = "must be services or all"
	}
	for _, name := range []string{"on_application", "joint"} {
		raw := v.Get(name)
		if raw == "" {
			continue
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			fields[name] = "must be true or false"
			continue
		}
		if name == "joint" {
			q.Joint = &b
		} else {
			q.OnApplication = &b
		}
	}
	if raw := v.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			fields["page"] = "must be a whole number"
		}
		q.Page = min(max(n, 1), maxPage)
	}
	if raw := v.Get("page_size"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			fields["page_size"] = "must be a whole number"
		}
		if n < 1 {
			n = defaultPageSize
		}
		q.PageSize = min(n, maxPageSize)
	}
	if len(fields) > 0 {
		return q, invalid(fields)
	}
	q.Offset = (q.Page - 1) * q.PageSize
	q.Limit = q.PageSize
	return q, nil
}
