package handlers_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func firstItemCode(t *testing.T, query string) string {
	t.Helper()
	var l itemList
	getJSON(t, "/api/v1/items?"+query, 200, &l)
	if len(l.Items) == 0 {
		t.Fatalf("no item for %s", query)
	}
	return l.Items[0].Code
}

func TestEveryPageRendersInBothLanguages(t *testing.T) {
	parallel(t)
	guideCode := firstItemCode(t, "q="+url.QueryEscape("食品经营许可"))
	penaltyCode := firstItemCode(t, "type=02")
	reducedCode := firstItemCode(t, "status=reduced")
	pages := []struct {
		path   string
		zh, en string
	}{
		{"/", "办事指南查询", "Service guides"},
		{"/items?q=" + url.QueryEscape("食品"), "共找到", "items found"},
		{"/items?department=zjj&type=01", "事项查询", "Find a service"},
		{"/items/" + guideCode, "申请材料", "Materials"},
		{"/items/" + penaltyCode, "设定依据", "Legal basis"},
		{"/items/" + reducedCode, "本事项已调整", "This item has changed"},
		{"/catalogue", "权责清单统计", "Power list statistics"},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			t.Parallel()
			sep := "?"
			if strings.Contains(p.path, "?") {
				sep = "&"
			}
			status, zh := get(t, p.path)
			if status != 200 || !strings.Contains(zh, p.zh) || !strings.Contains(zh, `<html lang="zh-CN">`) {
				t.Errorf("zh %s: status %d, missing %q", p.path, status, p.zh)
			}
			if !strings.Contains(zh, "演示数据") {
				t.Errorf("zh %s does not say the catalogue is demonstration data", p.path)
			}
			status, en := get(t, p.path+sep+"lang=en")
			if status != 200 || !strings.Contains(en, p.en) || !strings.Contains(en, `<html lang="en">`) {
				t.Errorf("en %s: status %d, missing %q", p.path, status, p.en)
			}
			// The cookie keeps the choice on the next page.
			status, again := get(t, p.path, "Cookie", "lang=en")
			if status != 200 || !strings.Contains(again, p.en) {
				t.Errorf("lang cookie ignored on %s", p.path)
			}
		})
	}
}

func TestGuidePageShowsMaterialsAndBothLimits(t *testing.T) {
	parallel(t)
	code := firstItemCode(t, "q="+url.QueryEscape("食品经营许可"))
	var g guide
	getJSON(t, "/api/v1/items/"+code, 200, &g)
	_, page := get(t, "/items/"+code)
	for _, want := range []string{g.Name, `id="materials"`, "法定办结时限", "承诺办结时限", g.Materials[0].Name} {
		if !strings.Contains(page, want) {
			t.Errorf("guide page lacks %q", want)
		}
	}
}

func TestResultsPagePaginatesAndEscapes(t *testing.T) {
	parallel(t)
	status, page := get(t, "/items?scope=all&q="+url.QueryEscape("食品"))
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	if n := strings.Count(page, `<li>`); n < 10 {
		t.Errorf("first page shows %d results", n)
	}
	if !regexp.MustCompile(`rel="next" href="/items\?page=2&amp;q=`).MatchString(page) {
		t.Errorf("no next-page link")
	}
	status, page = get(t, "/items?q="+url.QueryEscape(`<script>alert(1)</script>`))
	if status != 200 || strings.Contains(page, "<script>alert") {
		t.Errorf("HTML in q is not escaped (status %d)", status)
	}
	status, page = get(t, "/items?type=99")
	if status != 422 || !strings.Contains(page, "没有这个事项类型") {
		t.Errorf("unknown type on the page: status %d", status)
	}
}

func TestUnknownPagesAre404Pages(t *testing.T) {
	parallel(t)
	for _, p := range []string{"/items/NOPE", "/no/such/page"} {
		status, page := get(t, p)
		if status != 404 || !strings.Contains(page, "页面不存在") {
			t.Errorf("%s: status %d", p, status)
		}
	}
	status, _ := get(t, "/static/")
	if status != 404 {
		t.Errorf("/static/ lists the folder: status %d", status)
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	parallel(t)
	_, page := get(t, "/")
	m := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	resp, err := shared.http.Client().Get(shared.http.URL + m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("asset: status %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}
