package search

import (
	"strconv"
	"testing"
)

// BenchmarkLiveMisses measures queries that find nothing, whose "did you mean" terms
// are each checked by a search, and partly typed alias terms completed for suggestions.
func BenchmarkLiveMisses(b *testing.B) {
	for _, n := range []int{4200, 100000} {
		l := NewLive(New(catalogue(n), append(testAliases(), Alias{"签证", []string{"外国人签证"}})))
		for _, c := range []struct {
			name string
			run  func() Result
		}{
			{"index 签证", func() Result { return l.current.Load().ix.Search(Query{Q: "签证"}) }},
			{"search 签证", func() Result { return l.Search(Query{Q: "签证"}) }},
			{"search 食品经营许问问", func() Result { return l.Search(Query{Q: "食品经营许问问"}) }},
			{"search dibao", func() Result { return l.Search(Query{Q: "dibao"}) }},
			{"suggest 开饭", func() Result { return l.Suggest(Query{Q: "开饭", Limit: 8}) }},
		} {
			b.Run(c.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				var res Result
				for b.Loop() {
					res = c.run()
				}
				b.ReportMetric(float64(len(res.DidYouMean)), "offers")
				b.ReportMetric(float64(len(res.Entries)), "entries")
			})
		}
	}
}
