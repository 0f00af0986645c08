package search

import (
	"cmp"
	"slices"
)

// maxDidYouMean bounds the terms offered when a search finds nothing.
const maxDidYouMean = 5

// didYouMean returns the known terms nearest to the parts of a query that found
// nothing: names' words and alias terms at most one edit away (two for five characters
// or more), nearest first.
func (ix *Index) didYouMean(p *plan) []string {
	type cand struct {
		w    string
		dist int
	}
	var found []cand
	for _, part := range p.parts {
		n := runeLen(part)
		if n < 2 {
			continue
		}
		limit := 1
		if n >= 5 {
			limit = 2
		}
		for _, w := range ix.vocab {
			if d := runeLen(w) - n; d > limit || -d > limit {
				continue
			}
			if d := editDistance(part, w, limit); d <= limit && w != part {
				found = append(found, cand{w, d})
			}
		}
	}
	slices.SortFunc(found, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(len(a.w), len(b.w)), cmp.Compare(a.w, b.w))
	})
	var out []string
	for _, c := range found {
		if !slices.Contains(out, c.w) {
			out = append(out, c.w)
		}
		if len(out) == maxDidYouMean {
			break
		}
	}
	return out
}
