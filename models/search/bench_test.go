package search

import (
	"slices"
	"strings"
	"testing"
)

func BenchmarkSearch(b *testing.B) {
	ix := New(catalogue(4200), nil)
	queries := []struct{ name, q string }{
		{"食品", "食品"},
		{"建设工程", "建设工程"},
		{"营业执照", "营业执照"},
		{"户口", "户口"},
		{"许可", "许可"},
		{"食", "食"},
		{"miss", "殡葬服务"},
		{"two terms", "食品 处罚"},
		{"code", "150902001"},
		{"long", "对未取得建设工程规划许可擅自从事相关活动的处罚对未取得建设工程规划许可擅自从事相关活动的处罚"},
		{"listing", ""},
		{"50 common terms", commonTerms(ix, 50)},
		{"digits", "0 1 2 3 4 5 6 7 8 9"},
	}
	for _, bq := range queries {
		b.Run(bq.name, func(b *testing.B) {
			var res Result
			for b.Loop() {
				res = ix.Search(Query{Q: bq.q})
			}
			b.ReportMetric(float64(res.Total), "hits")
		})
	}
}

func BenchmarkNew(b *testing.B) {
	entries := catalogue(4200)
	for b.Loop() {
		New(entries, nil)
	}
}

// commonTerms returns a query of the n one-character terms held by most entries: the
// most expensive query of at most 100 runes.
func commonTerms(ix *Index, n int) string {
	type gram struct {
		r     rune
		count int
	}
	var grams []gram
	for _, r := range strings.Join(ix.others, "") {
		if r != ' ' && !slices.ContainsFunc(grams, func(g gram) bool { return g.r == r }) {
			grams = append(grams, gram{r, len(ix.other.postings(unigramKey(r)).l)})
		}
	}
	slices.SortFunc(grams, func(a, b gram) int { return b.count - a.count })
	terms := make([]string, 0, n)
	for _, g := range grams[:n] {
		terms = append(terms, string(g.r))
	}
	return strings.Join(terms, " ")
}
