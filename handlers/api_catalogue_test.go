package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type stats struct {
	Reviewed      int            `json:"reviewed"`
	Retained      int            `json:"retained"`
	Reduced       int            `json:"reduced"`
	Departments   int            `json:"departments"`
	ByType        map[string]int `json:"by_type"`
	ByDisposition map[string]int `json:"by_disposition"`
}

type itemList struct {
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
	Items    []struct {
		Code          string `json:"code"`
		Name          string `json:"name"`
		Type          string `json:"type"`
		Department    string `json:"department"`
		Disposition   string `json:"disposition"`
		OnApplication bool   `json:"on_application"`
		Joint         bool   `json:"joint"`
	} `json:"items"`
}

func TestHealthz(t *testing.T) {
	var body map[string]string
	getJSON(t, "/healthz", 200, &body)
	if body["status"] != "ok" {
		t.Fatalf("healthz = %v", body)
	}
}

func TestStatsMatchThePublishedList(t *testing.T) {
	var st stats
	getJSON(t, "/api/v1/catalogue/stats", 200, &st)
	if st.Reviewed != 4099 || st.Retained != 3804 || st.Reduced != 295 || st.Departments != 34 {
		t.Fatalf("stats = %+v, want 4099 / 3804 / 295 / 34", st)
	}
	if st.ByType["02"] != 2449 || st.ByType["01"] != 300 {
		t.Errorf("by_type = %v, want 02=2449 and 01=300", st.ByType)
	}
	if st.ByDisposition["cancelled"] != 160 || st.ByDisposition["merged"] != 85 || st.ByDisposition["delegated"] != 50 {
		t.Errorf("by_disposition = %v", st.ByDisposition)
	}
}

func TestDepartments(t *testing.T) {
	var body struct {
		Departments []struct {
			Code  string `json:"code"`
			Name  string `json:"name"`
			Items int    `json:"items"`
		} `json:"departments"`
	}
	getJSON(t, "/api/v1/departments", 200, &body)
	if len(body.Departments) != 34 {
		t.Fatalf("%d departments, want 34", len(body.Departments))
	}
	byCode := map[string]int{}
	for _, d := range body.Departments {
		byCode[d.Code] = d.Items
	}
	for _, code := range []string{"scj", "zjj"} {
		if byCode[code] == 0 {
			t.Errorf("department %s missing or without items", code)
		}
	}
	var list itemList
	getJSON(t, "/api/v1/items?department=scj", 200, &list)
	if list.Total != byCode["scj"] {
		t.Errorf("scj lists %d items but /departments says %d", list.Total, byCode["scj"])
	}
}

func TestItemFilters(t *testing.T) {
	parallel(t)
	cases := []struct {
		query string
		check func(itemList) string
	}{
		{"department=scj&page_size=100", func(l itemList) string {
			for _, it := range l.Items {
				if it.Department != "scj" {
					return "item of " + it.Department
				}
			}
			return ""
		}},
		{"type=02&page_size=100", func(l itemList) string {
			if l.Total != 2449 {
				return fmt.Sprintf("total %d, want 2449 retained penalties", l.Total)
			}
			return ""
		}},
		{"status=reduced&page_size=100", func(l itemList) string {
			if l.Total != 295 {
				return fmt.Sprintf("total %d, want 295", l.Total)
			}
			for _, it := range l.Items {
				if it.Disposition == "retained" {
					return "a retained item among the reduced"
				}
			}
			return ""
		}},
		{"joint=true", func(l itemList) string {
			if l.Total < 5 {
				return fmt.Sprintf("%d joint items, want at least 5", l.Total)
			}
			for _, it := range l.Items {
				if !it.Joint {
					return it.Name + " is not joint"
				}
			}
			return ""
		}},
		{"on_application=true&type=02", func(l itemList) string {
			if l.Total != 0 {
				return "penalties are never filed on application"
			}
			return ""
		}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			var l itemList
			getJSON(t, "/api/v1/items?"+tc.query, 200, &l)
			if msg := tc.check(l); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestPaginationIsStableAndClamped(t *testing.T) {
	parallel(t)
	var p1, p1again, p2 itemList
	getJSON(t, "/api/v1/items?page_size=10&page=1", 200, &p1)
	getJSON(t, "/api/v1/items?page_size=10&page=1", 200, &p1again)
	getJSON(t, "/api/v1/items?page_size=10&page=2", 200, &p2)
	if len(p1.Items) != 10 || len(p2.Items) != 10 {
		t.Fatalf("page sizes %d and %d, want 10", len(p1.Items), len(p2.Items))
	}
	for i := range p1.Items {
		if p1.Items[i].Code != p1again.Items[i].Code {
			t.Fatal("the same page came back in another order")
		}
		if p1.Items[i].Code == p2.Items[i].Code {
			t.Fatal("page 2 repeats page 1")
		}
	}
	var neg, huge itemList
	getJSON(t, "/api/v1/items?page=-1", 200, &neg)
	if neg.Page != 1 || neg.Items[0].Code != p1.Items[0].Code {
		t.Errorf("page=-1 answered page %d", neg.Page)
	}
	getJSON(t, "/api/v1/items?page_size=100000", 200, &huge)
	if huge.PageSize != 100 || len(huge.Items) != 100 {
		t.Errorf("page_size=100000 answered %d items (page_size %d), want 100", len(huge.Items), huge.PageSize)
	}
	var beyond itemList
	getJSON(t, "/api/v1/items?page=99999", 200, &beyond)
	if len(beyond.Items) != 0 || beyond.Total != p1.Total {
		t.Errorf("a page beyond the end answered %d items, total %d", len(beyond.Items), beyond.Total)
	}
}

func TestBadParametersAreFieldErrors(t *testing.T) {
	parallel(t)
	cases := map[string]string{
		"type=99":             "type",
		"type=%27%20OR%201=1": "type",
		"department=nosuch":   "department",
		"status=deleted":      "status",
		"joint=maybe":         "joint",
		"on_application=2x":   "on_application",
		"page=abc":            "page",
		"page_size=1e9":       "page_size",
	}
	for query, field := range cases {
		t.Run(query, func(t *testing.T) {
			t.Parallel()
			var e apiError
			getJSON(t, "/api/v1/items?"+query, 422, &e)
			if e.Error.Code != "invalid_field" || e.Error.Fields[field] == "" {
				t.Errorf("error = %+v, want invalid_field naming %s", e.Error, field)
			}
		})
	}
}

func TestHostileSearchTextIsJustText(t *testing.T) {
	parallel(t)
	var before, after stats
	getJSON(t, "/api/v1/catalogue/stats", 200, &before)
	for _, q := range []string{"' OR 1=1 --", "'; DROP TABLE items; --", "<script>alert(1)</script>"} {
		var l itemList
		getJSON(t, "/api/v1/items?q="+url.QueryEscape(q), 200, &l)
		for _, it := range l.Items {
			t.Errorf("q=%.20q found %s", q, it.Name)
		}
	}
	// A repeated word is that word once (only the first 100 characters are read).
	var once, repeated itemList
	getJSON(t, "/api/v1/items?q="+url.QueryEscape("食品"), 200, &once)
	getJSON(t, "/api/v1/items?q="+url.QueryEscape(strings.Repeat("食品", 5000)), 200, &repeated)
	if once.Total == 0 || repeated.Total != once.Total {
		t.Errorf("食品 found %d, 食品 repeated found %d", once.Total, repeated.Total)
	}
	// Control characters are blanks: the answer is the plain listing.
	var plain, nul itemList
	getJSON(t, "/api/v1/items", 200, &plain)
	getJSON(t, "/api/v1/items?q=%00", 200, &nul)
	if nul.Total != plain.Total {
		t.Errorf("q=%%00 answered %d items, the listing has %d", nul.Total, plain.Total)
	}
	getJSON(t, "/api/v1/catalogue/stats", 200, &after)
	if before.Reviewed != after.Reviewed || before.Retained != after.Retained {
		t.Fatalf("stats changed: %+v → %+v", before, after)
	}
}

func TestChineseSearchFindsRelevantItemsFirst(t *testing.T) {
	parallel(t)
	for _, q := range []string{"食品", "建设工程", "营业执照", "户口", "许可", "食"} {
		t.Run(q, func(t *testing.T) {
			t.Parallel()
			var l itemList
			getJSON(t, "/api/v1/items?q="+url.QueryEscape(q), 200, &l)
			if l.Total == 0 {
				t.Fatalf("%s found nothing", q)
			}
			if !strings.Contains(l.Items[0].Name, q) {
				t.Errorf("best match for %s is %s", q, l.Items[0].Name)
			}
		})
	}
	var exact itemList
	getJSON(t, "/api/v1/items?q="+url.QueryEscape("食品经营许可（变更）"), 200, &exact)
	if len(exact.Items) == 0 || exact.Items[0].Name != "食品经营许可（变更）" {
		t.Errorf("an exact name is not ranked first: %+v", exact.Items)
	}
}

type guide struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	OnApplication bool   `json:"on_application"`
	// Open is false for an item that takes no application now (a main item
	// with sub-items, an incomplete guide, an unstaffed department).
	Open          bool `json:"open_for_application"`
	StatutoryDays int  `json:"statutory_days"`
	PromisedDays  int  `json:"promised_days"`
	Materials     []struct {
		Key       string `json:"key"`
		Name      string `json:"name"`
		Necessity string `json:"necessity"`
	} `json:"materials"`
	Steps    []json.RawMessage `json:"steps"`
	Workflow struct {
		Joint       bool `json:"joint"`
		Departments []struct {
			Code string `json:"code"`
		} `json:"departments"`
	} `json:"workflow"`
	Version int `json:"version"`
}

func TestEveryOnApplicationGuideIsComplete(t *testing.T) {
	parallel(t)
	var l itemList
	getJSON(t, "/api/v1/items?on_application=true&page_size=100&page=3", 200, &l)
	var joint itemList
	getJSON(t, "/api/v1/items?joint=true", 200, &joint)
	for _, it := range append(l.Items, joint.Items...) {
		var g guide
		getJSON(t, "/api/v1/items/"+it.Code, 200, &g)
		if len(g.Materials) == 0 || len(g.Steps) == 0 || g.StatutoryDays == 0 || g.PromisedDays > g.StatutoryDays {
			t.Errorf("%s %s: incomplete guide: %d materials, %d steps, limits %d/%d",
				g.Code, g.Name, len(g.Materials), len(g.Steps), g.PromisedDays, g.StatutoryDays)
		}
		if it.Joint && (!g.Workflow.Joint || len(g.Workflow.Departments) < 2) {
			t.Errorf("%s: joint item lists %d departments", g.Name, len(g.Workflow.Departments))
		}
	}
}

func TestUnknownItemIs404(t *testing.T) {
	parallel(t)
	var e apiError
	getJSON(t, "/api/v1/items/NOPE", 404, &e)
	if e.Error.Code != "not_found" {
		t.Fatalf("error = %+v", e)
	}
	getJSON(t, "/api/v1/nowhere", 404, &e)
}

func TestDeadline(t *testing.T) {
	parallel(t)
	cases := []struct{ start, days, want string }{
		{"2026-02-12", "3", "2026-02-24"}, // across the working Saturday and Spring Festival
		{"2026-09-30", "1", "2026-10-08"}, // across National Day
		{"2026-10-09", "1", "2026-10-10"}, // the working Saturday
		{"2026-02-10", "20", "2026-03-16"},
	}
	for _, tc := range cases {
		var body struct {
			Deadline string `json:"deadline"`
		}
		getJSON(t, "/api/v1/calendar/deadline?start="+tc.start+"&days="+tc.days, 200, &body)
		if body.Deadline != tc.want {
			t.Errorf("%s + %s working days = %s, want %s", tc.start, tc.days, body.Deadline, tc.want)
		}
	}
	for _, bad := range []string{"start=2026-13-01&days=1", "start=2026-02-12&days=-1", "start=2026-02-12&days=x", "days=3", "start=2026-02-12&days=100000"} {
		var e apiError
		getJSON(t, "/api/v1/calendar/deadline?"+bad, 422, &e)
		if len(e.Error.Fields) == 0 {
			t.Errorf("%s: no field named in %+v", bad, e)
		}
	}
}
