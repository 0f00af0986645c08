package handlers_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// suggestions is the answer of /api/v1/items/suggest.
type suggestions struct {
	Suggestions []struct{ Code, Name, Highlight string } `json:"suggestions"`
}

func (s suggestions) names() []string {
	var out []string
	for _, sg := range s.Suggestions {
		out = append(out, sg.Name)
	}
	return out
}

func listNames(l searchList) []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Name)
	}
	return out
}

// The everyday dog words of the shipped dictionary find the dog registration permit.
func TestDogWordsFindTheDogRegistration(t *testing.T) {
	parallel(t)
	for _, q := range []string{"狗证", "办狗证", "养狗", "犬证", "养犬", "狗", "宠物"} {
		var l searchList
		getJSON(t, "/api/v1/items?page_size=5&q="+url.QueryEscape(q), 200, &l)
		if len(l.Items) == 0 || !strings.HasPrefix(l.Items[0].Name, "养犬登记证核发") {
			t.Errorf("%s: first five %q, want 养犬登记证核发 first", q, listNames(l))
		}
	}
	var all searchList
	getJSON(t, "/api/v1/items?scope=all&page_size=100&q="+url.QueryEscape("犬类"), 200, &all)
	if !slices.ContainsFunc(all.Items, func(it struct {
		Code      string   `json:"code"`
		Name      string   `json:"name"`
		Type      string   `json:"type"`
		Score     *float64 `json:"score"`
		Highlight string   `json:"highlight"`
	}) bool {
		return strings.Contains(it.Name, "犬只") && it.Type == "02"
	}) {
		t.Errorf("犬类 in the whole list: %q, want the 犬只 penalties", listNames(all))
	}
}

func TestPinyinOfAnEverydayWordFindsTheItem(t *testing.T) {
	parallel(t)
	var l searchList
	getJSON(t, "/api/v1/items?page_size=5&q=dibao", 200, &l)
	if !slices.Contains(listNames(l), "最低生活保障对象认定") {
		t.Errorf("dibao: first five %q, want 最低生活保障对象认定", listNames(l))
	}
}

func TestSuggestionsCompleteAPartlyTypedEverydayWord(t *testing.T) {
	parallel(t)
	for _, tt := range []struct{ q, want string }{
		{"开饭", "食品经营许可"},
		{"狗", "养犬登记证核发"},
		{"狗证", "养犬登记证核发"},
	} {
		var s suggestions
		getJSON(t, "/api/v1/items/suggest?q="+url.QueryEscape(tt.q), 200, &s)
		if !slices.ContainsFunc(s.names(), func(n string) bool { return strings.HasPrefix(n, tt.want) }) {
			t.Errorf("typing %s suggests %q, want %s…", tt.q, s.names(), tt.want)
		}
	}
}

// TestDidYouMeanOffersTheCompletionFirst: a word cut short (开饭) is most likely
// the start of an alias term (开饭店, 开饭馆), not a word with another character.
func TestDidYouMeanOffersTheCompletionFirst(t *testing.T) {
	parallel(t)
	var l searchList
	getJSON(t, "/api/v1/items?q="+url.QueryEscape("开饭"), 200, &l)
	if l.Total != 0 {
		t.Skipf("开饭 now finds %d items", l.Total)
	}
	if len(l.DidYouMean) == 0 || !strings.HasPrefix(l.DidYouMean[0], "开饭") {
		t.Errorf("开饭 offers %q, want 开饭店 or 开饭馆 first", l.DidYouMean)
	}
}

func TestDidYouMeanNeverLeadsToAnEmptyPage(t *testing.T) {
	parallel(t)
	for _, q := range []string{"签证", "狗正", "户囗", "公正", "营业执招"} {
		for _, scope := range []string{"services", "all"} {
			var l searchList
			getJSON(t, "/api/v1/items?scope="+scope+"&q="+url.QueryEscape(q), 200, &l)
			for _, term := range l.DidYouMean {
				var again searchList
				getJSON(t, "/api/v1/items?scope="+scope+"&q="+url.QueryEscape(term), 200, &again)
				if again.Total == 0 {
					t.Errorf("scope %q: %s offers %s, which finds nothing", scope, q, term)
				}
			}
		}
	}
}
