package search

import (
	"cmp"
	"slices"
	"strings"
)

// Bounds of "did you mean".
const (
	maxDidYouMean = 5  // terms offered in the end
	maxOffered    = 12 // terms Index.Search offers, each finding something in the whole list
	maxTried      = 30 // nearest terms checked by searching for them
)

// didYouMean returns the known terms nearest to the parts of a query that found
// nothing — names' words and alias terms at most one edit away (two for five characters
// or more), nearest first, and among equals the completions of what was typed (开饭 →
// 开饭店) first — keeping only those that themselves find an item in the whole list, so
// that no offer leads to another empty page. The answer does not depend on the
// query's filters (it is worked out once per query); Live narrows it to the query's scope
// (offerable).
func (ix *Index) didYouMean(p *plan) []string {
	whole := filter{}
	var out []string
	for _, w := range ix.nearestTerms(p) {
		if ix.finds(w, &whole) {
			out = append(out, w)
		}
		if len(out) == maxOffered {
			break
		}
	}
	return out
}

// nearestTerms returns up to maxTried vocabulary terms near the parts of p, nearest first.
func (ix *Index) nearestTerms(p *plan) []string {
	type cand struct {
		w      string
		dist   int
		prefix int // 0 when w completes the part (开饭 → 开饭店): most likely what was meant
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
			if d := editDistance(part, w, limit); d <= limit && w != part && !slices.Contains(p.parts, w) {
				prefix := 1
				if strings.HasPrefix(w, part) {
					prefix = 0
				}
				found = append(found, cand{w, d, prefix})
			}
		}
	}
	slices.SortFunc(found, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.prefix, b.prefix), cmp.Compare(len(a.w), len(b.w)), cmp.Compare(a.w, b.w))
	})
	var out []string
	for _, c := range found {
		if !slices.Contains(out, c.w) {
			out = append(out, c.w)
		}
		if len(out) == maxTried {
			break
		}
	}
	return out
}

// finds reports whether searching for term alone finds an entry that passes f.
func (ix *Index) finds(term string, f *filter) bool {
	p := ix.plan(term)
	return !p.empty() && ix.rank(&p, f, 0, 1).Total > 0
}

// offerable keeps the first maxDidYouMean of terms that find something in q's scope.
func (ix *Index) offerable(q Query, terms []string) []string {
	f := newFilter(q, true)
	var out []string
	for _, w := range terms {
		if ix.finds(w, &f) {
			out = append(out, w)
		}
		if len(out) == maxDidYouMean {
			break
		}
	}
	return out
}

// suggest answers a partly typed query: what search finds, then, in the places left,
// the entries that completions of the last word with an alias term find, each entry once.
// A partly typed word often finds nothing, so nothing here works out "did you mean".
func (s *served) suggest(q Query) Result {
	text := ""
	if s.ix.fold != nil {
		text = s.ix.fold.fold(truncateRunes(q.Q, maxQueryRunes))
	}
	if text == "" {
		return s.search(q)
	}
	limit := min(cmp.Or(max(q.Limit, 0), defaultLimit), maxLimit)
	res := Result{}
	if spelled := s.help.respell(text); spelled != text {
		res = s.matchOnly(q, spelled, limit)
	}
	if res.Total == 0 {
		res = s.matchOnly(q, text, limit)
	}
	seen := map[string]bool{}
	for _, e := range res.Entries {
		seen[e.Code] = true
	}
	for _, c := range s.help.completions(text) {
		if len(res.Entries) >= limit {
			break
		}
		more := s.matchOnly(q, c, limit)
		for i, e := range more.Entries {
			if len(res.Entries) == limit {
				break
			}
			if seen[e.Code] {
				continue
			}
			seen[e.Code] = true
			res.Entries = append(res.Entries, e)
			res.Matches = append(res.Matches, more.Matches[i])
		}
	}
	res.Total = max(res.Total, len(res.Entries))
	return res
}

// matchOnly returns the first limit entries that the folded text finds within q's
// filters, without paging or "did you mean".
func (s *served) matchOnly(q Query, text string, limit int) Result {
	p := s.ix.plan(text)
	if p.empty() {
		return Result{Entries: []Entry{}, Matches: []Match{}}
	}
	f := newFilter(q, true)
	return s.ix.rank(&p, &f, 0, limit)
}
