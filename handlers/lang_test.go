package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"onewindow/handlers"
	"onewindow/models"
)

// One language per page: an English page shows no Chinese and no full-width
// punctuation except in data (item, department and centre names, what an
// applicant wrote), and data is marked as such: an element with lang="zh…"
// (correct HTML for Chinese inside an English page) or data-i18n-data.

// chineseRune reports whether r is a CJK character or full-width punctuation
// (：，。（）、 and the like), which an English string never holds.
func chineseRune(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

func hasChinese(s string) bool { return strings.ContainsFunc(s, chineseRune) }

// dataMarked reports whether n's subtree is data: lang="zh…" or data-i18n-data.
func dataMarked(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "lang" && strings.HasPrefix(strings.ToLower(a.Val), "zh")) || a.Key == "data-i18n-data" {
			return true
		}
	}
	return false
}

// shownAttrs are the attributes a reader sees or hears.
var shownAttrs = []string{"placeholder", "title", "aria-label", "alt"}

// chineseOutsideData returns the text of body that is Chinese outside data:
// visible text and shown attributes. The <title> is left out (it holds the
// page's data and takes no markup), as are scripts, styles and the values a
// user typed into form fields.
func chineseOutsideData(body string) ([]string, error) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title, atom.Script, atom.Style, atom.Textarea, atom.Template:
				return
			}
			if dataMarked(n) {
				return
			}
			for _, a := range n.Attr {
				for _, k := range shownAttrs {
					if a.Key == k && hasChinese(a.Val) {
						out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, k, a.Val))
					}
				}
			}
		}
		if n.Type == html.TextNode && hasChinese(n.Data) {
			where := ""
			if p := n.Parent; p != nil && p.Type == html.ElementNode {
				where = "<" + p.Data + "> "
			}
			out = append(out, where+strings.Join(strings.Fields(n.Data), " "))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out, nil
}

// TestChineseOutsideDataIsFound: the checker finds Chinese text, full-width
// punctuation and Chinese attributes, and lets marked data through.
func TestChineseOutsideDataIsFound(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
	}{
		{`<p>Apply online: now</p>`, 0},
		{`<p>Apply online：now</p>`, 1},
		{`<p>Signed in as 综合窗口一号</p>`, 1},
		{`<p>Signed in as <span lang="zh-CN">综合窗口一号</span></p>`, 0},
		{`<ul data-i18n-data><li>食品</li></ul><p>Fees (yuan)</p>`, 0},
		{`<input placeholder="e.g. 食品">`, 1},
		{`<title>食品 · Services</title><input value="食品">`, 0},
	} {
		got, err := chineseOutsideData(tc.body)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: found %q (%v), want %d", tc.body, got, err, tc.want)
		}
	}
}

// TestEnglishPagesHoldNoChineseOutsideData walks the main pages of every
// role in English: anonymous visitors, a citizen, the window clerk, a
// department reviewer and approver, the supervisor, the catalogue
// administrator and the system administrator.
func TestEnglishPagesHoldNoChineseOutsideData(t *testing.T) {
	env := newStaffEnv(t)
	it := singleItem(t)
	f := fileOnline(t, env, it.Code)
	clerk := loginToken(t, env, "window1")
	a := staffView(t, env, clerk, f.Number)
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", clerk,
		acceptBody(t, env, f.Number, a.Version)); status != http.StatusOK {
		t.Fatalf("accept: %d %s", status, b)
	}
	dept := it.DepartmentCode
	pages := map[string][]string{
		"": {"/", "/items?q=%E9%A3%9F%E5%93%81", "/items/" + it.Code, "/catalogue", "/departments/" + dept,
			"/bundles", "/status", "/status/" + f.Number + "?code=" + f.QueryCode, "/login", "/handled",
			"/items/" + it.Code + "/apply", "/bundles/restaurant", "/bundles/restaurant/apply"},
		"citizen1":        {"/my", "/status/" + f.Number},
		"window1":         {"/window", "/window/new", "/window/applications/" + f.Number},
		dept + ".review":  {"/tasks", "/tasks/" + f.Number},
		dept + ".approve": {"/tasks"},
		"supervisor":      {"/supervise", "/supervise/cards"},
		"catalog":         {"/admin/items", "/admin"},
		"admin":           {"/admin", "/admin/users", "/admin/departments"},
	}
	for user, paths := range pages {
		get := func(path string) (int, string) {
			_, body, resp := fetch(t, staffClientless(), http.MethodGet, env.http.URL+path, nil)
			return resp.StatusCode, body
		}
		if user != "" {
			s := loginSession(t, env, user, "demo1234")
			get = func(path string) (int, string) { st, body, _ := s.get(path); return st, body }
		}
		for _, path := range paths {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			status, body := get(path + sep + "lang=en")
			if status != http.StatusOK {
				t.Errorf("%s GET %s = %d", user, path, status)
				continue
			}
			found, err := chineseOutsideData(body)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, s := range found {
				t.Errorf("%s, English %s shows Chinese outside data: %s", user, path, s)
			}
		}
	}
}

// TestEveryPageNamesADepartmentOneWay: a department is named by its name
// in the department data on every page, in both languages, never by its
// short form (区市场监督管理局 beside 集宁区市场监督管理局 on another page).
func TestEveryPageNamesADepartmentOneWay(t *testing.T) {
	env := newStaffEnv(t)
	var depts struct {
		Departments []struct {
			Code, Name string
			Short      string `json:"short_name"`
		} `json:"departments"`
	}
	getJSONFrom(t, env, "/api/v1/departments", &depts)
	full, short := "", ""
	for _, d := range depts.Departments {
		if d.Code == "scj" {
			full, short = d.Name, d.Short
		}
	}
	if full == "" || short == "" || full == short || !strings.Contains(full, short) {
		t.Fatalf("the demo's scj is named %q, short %q: the test needs a short form inside the name", full, short)
	}
	it := demoItem(t, func(it models.Item) bool {
		return it.DepartmentCode == "scj" && it.OnApplication && it.HandlingKind == models.KindPromised && len(it.Departments) <= 1
	})
	f := fileOnline(t, env, it.Code)
	clerk := loginToken(t, env, "window1")
	a := staffView(t, env, clerk, f.Number)
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", clerk,
		acceptBody(t, env, f.Number, a.Version)); status != http.StatusOK {
		t.Fatalf("accept: %d %s", status, b)
	}
	pages := map[string][]string{
		"":           {"/", "/items?department=scj", "/items/" + it.Code, "/catalogue", "/departments/scj", "/handled", "/status/" + f.Number + "?code=" + f.QueryCode},
		"citizen1":   {"/my"},
		"window1":    {"/window", "/window/applications/" + f.Number},
		"scj.review": {"/tasks", "/tasks/" + f.Number},
		"supervisor": {"/supervise", "/supervise/cards"},
		"catalog":    {"/admin/items"},
		"admin":      {"/admin/users"},
	}
	for user, paths := range pages {
		get := func(path string) (int, string) {
			_, body, resp := fetch(t, staffClientless(), http.MethodGet, env.http.URL+path, nil)
			return resp.StatusCode, body
		}
		if user != "" {
			s := loginSession(t, env, user, "demo1234")
			get = func(path string) (int, string) { st, body, _ := s.get(path); return st, body }
		}
		for _, path := range paths {
			for _, lang := range []string{"zh-CN", "en"} {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				status, body := get(path + sep + "lang=" + lang)
				if status != http.StatusOK {
					t.Errorf("%s GET %s (%s) = %d", user, path, lang, status)
					continue
				}
				if path != "/window" && !strings.Contains(body, full) { // the accepted application has left the window's queue
					t.Errorf("%s, %s (%s) does not name %s", user, path, lang, full)
				}
				if n := strings.Count(body, short) - strings.Count(body, full); n > 0 {
					t.Errorf("%s, %s (%s) names the department %d times as %s", user, path, lang, n, short)
				}
			}
		}
	}
}

// TestEveryShownTimeIsTheCentres: at 23:30 UTC it is already 07:30 the next
// morning in the centre (Asia/Shanghai); every page that shows when an
// application was filed or acted on shows the centre's time, never UTC.
func TestEveryShownTimeIsTheCentres(t *testing.T) {
	at := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	env := newConfiguredEnv(t, func(c *handlers.Config) { c.Now = func() time.Time { return at } })
	it := singleItem(t)
	f := fileOnline(t, env, it.Code)
	clerk := loginToken(t, env, "window1")
	a := staffView(t, env, clerk, f.Number)
	if status, b := call(t, env, http.MethodPost, "/api/v1/applications/"+f.Number+"/actions/accept", clerk,
		acceptBody(t, env, f.Number, a.Version)); status != http.StatusOK {
		t.Fatalf("accept: %d %s", status, b)
	}
	const local, utc = "2026-03-11 07:30", "2026-03-10 23:30"
	pages := map[string][]string{
		"":                            {"/status/" + f.Number + "?code=" + f.QueryCode},
		"citizen1":                    {"/status/" + f.Number},
		"window1":                     {"/window/applications/" + f.Number},
		it.DepartmentCode + ".review": {"/tasks/" + f.Number},
	}
	for user, paths := range pages {
		get := func(path string) (int, string) {
			_, body, resp := fetch(t, staffClientless(), http.MethodGet, env.http.URL+path, nil)
			return resp.StatusCode, body
		}
		if user != "" {
			s := loginSession(t, env, user, "demo1234")
			get = func(path string) (int, string) { st, body, _ := s.get(path); return st, body }
		}
		for _, path := range paths {
			status, body := get(path)
			if status != http.StatusOK || !strings.Contains(body, local) || strings.Contains(body, utc) {
				t.Errorf("%s %s = %d: shows %s %v, UTC %s %v", user, path, status,
					local, strings.Contains(body, local), utc, strings.Contains(body, utc))
			}
		}
	}
}
