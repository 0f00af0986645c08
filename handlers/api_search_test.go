package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// searchList is the item list with the search fields.
type searchList struct {
	Total int `json:"total"`
	Items []struct {
		Code      string   `json:"code"`
		Name      string   `json:"name"`
		Type      string   `json:"type"`
		Score     *float64 `json:"score"`
		Highlight string   `json:"highlight"`
	} `json:"items"`
	DidYouMean []string `json:"did_you_mean"`
}

func TestSearchAnswersCarryScoreAndHighlight(t *testing.T) {
	parallel(t)
	var l searchList
	getJSON(t, "/api/v1/items?q="+url.QueryEscape("食品"), 200, &l)
	if l.Total == 0 {
		t.Fatal("食品 found nothing")
	}
	for i, it := range l.Items {
		if it.Score == nil || *it.Score <= 0 {
			t.Errorf("%s: score %v", it.Name, it.Score)
		}
		if i > 0 && *it.Score > *l.Items[i-1].Score {
			t.Errorf("%s scores %v above the one before", it.Name, *it.Score)
		}
	}
	if !strings.Contains(l.Items[0].Highlight, "<mark>食品</mark>") {
		t.Errorf("highlight %q", l.Items[0].Highlight)
	}
	var listing searchList
	getJSON(t, "/api/v1/items", 200, &listing)
	if listing.Items[0].Score != nil || listing.Items[0].Highlight != "" {
		t.Errorf("a listing carries a score or highlight: %+v", listing.Items[0])
	}
}

func TestSearchOffersNearestTermsWhenNothingIsFound(t *testing.T) {
	parallel(t)
	var l searchList
	getJSON(t, "/api/v1/items?q="+url.QueryEscape("户囗"), 200, &l) // 囗 is not 口
	if l.Total != 0 || len(l.DidYouMean) == 0 {
		t.Fatalf("户囗: total %d, did you mean %q", l.Total, l.DidYouMean)
	}
	found := false
	for _, term := range l.DidYouMean {
		found = found || term == "户口"
	}
	if !found {
		t.Errorf("did you mean %q, want 户口", l.DidYouMean)
	}
}

func TestSearchScopeKeepsPenaltiesOutUnlessAsked(t *testing.T) {
	parallel(t)
	for _, q := range []string{"营业执照", "身份证"} {
		var services, all searchList
		getJSON(t, "/api/v1/items?page_size=10&q="+url.QueryEscape(q), 200, &services)
		getJSON(t, "/api/v1/items?page_size=100&scope=all&q="+url.QueryEscape(q), 200, &all)
		for _, it := range services.Items {
			if it.Type == "02" || it.Type == "03" {
				t.Errorf("%s: %s (type %s) in the citizen's first ten", q, it.Name, it.Type)
			}
		}
		if all.Total <= services.Total {
			t.Errorf("%s: scope=all found %d, services %d", q, all.Total, services.Total)
		}
	}
	var e apiError
	getJSON(t, "/api/v1/items?q=x&scope=everything", 422, &e)
	if e.Error.Fields["scope"] == "" {
		t.Errorf("error %+v does not name scope", e.Error)
	}
}

func TestSuggestOffersAFewItems(t *testing.T) {
	parallel(t)
	var s struct {
		Suggestions []struct{ Code, Name, Highlight string } `json:"suggestions"`
	}
	getJSON(t, "/api/v1/items/suggest?q="+url.QueryEscape("食品"), 200, &s)
	if len(s.Suggestions) == 0 || len(s.Suggestions) > 8 {
		t.Fatalf("%d suggestions", len(s.Suggestions))
	}
	if !strings.Contains(s.Suggestions[0].Highlight, "<mark>") {
		t.Errorf("first suggestion %+v", s.Suggestions[0])
	}
	getJSON(t, "/api/v1/items/suggest?q=", 200, &s)
	if len(s.Suggestions) != 0 {
		t.Errorf("an empty query suggests %d", len(s.Suggestions))
	}
}

func TestResultsPageHighlightsOffersScopeAndNearestTerms(t *testing.T) {
	parallel(t)
	_, page := get(t, "/items?q="+url.QueryEscape("食品"))
	for _, want := range []string{"<mark>食品</mark>", `id="scope-all"`, "包括全部权力事项（处罚、强制等）"} {
		if !strings.Contains(page, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="scope-all" name="scope" value="all" checked`) {
		t.Error("the scope box is ticked by default")
	}
	_, page = get(t, "/items?scope=all&q="+url.QueryEscape("食品"))
	if !strings.Contains(page, `value="all" checked`) {
		t.Error("scope=all does not tick the box")
	}
	_, page = get(t, "/items?q="+url.QueryEscape("户囗"))
	if !strings.Contains(page, `id="did-you-mean"`) || !strings.Contains(page, "q="+url.QueryEscape("户口")) {
		t.Error("no did-you-mean link to 户口")
	}
}

func TestBrowserSuggestionsOpenTheItem(t *testing.T) {
	ctx := newBrowser(t)
	base := shared.http.URL
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "食品"),
		chromedp.WaitVisible(chromedp.CSS("#q-suggestions li a")),
	)
	if err != nil {
		t.Fatalf("typing shows no suggestions: %v", err)
	}
	name, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#q-suggestions li a")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#q-suggestions li a")),
		chromedp.WaitVisible(chromedp.CSS("article.guide")),
	)
	if err != nil {
		t.Fatalf("clicking a suggestion: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("article.guide h1")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(title) != strings.TrimSpace(name) {
		t.Errorf("suggestion %q opened %q", name, title)
	}
}
