package search

import "slices"

// maxFuzzyCandidates bounds the names one forgiving search reads.
const maxFuzzyCandidates = 20000

// fuzzy calls fn for the entries whose name holds w with one character wrong, missing
// or extra (w has three or more characters). A single edit leaves either the first or the
// second half of w intact, so the candidates are the names holding one of the halves;
// it also leaves all but one of w's distinct characters, which the unigram postings
// check without reading the name. fn may be called twice for one entry.
func (ix *Index) fuzzy(s *scratch, w string, fn func(int32)) {
	rs := []rune(w)
	h := len(rs) / 2
	seen := 0
	uni := s.unis[:0]
	for k, r := range rs {
		if !slices.Contains(rs[:k], r) {
			uni = append(uni, cursor{l: ix.name.postings(unigramKey(r)).l})
		}
	}
	s.unis = uni
	need := len(uni) - 1
	for _, half := range []string{string(rs[:h]), string(rs[h:])} {
		c := ix.name.candidates(half, nil)
		for k := range uni {
			uni[k].i = 0
		}
		for _, i := range c.l {
			if seen++; seen > maxFuzzyCandidates {
				return
			}
			held := 0
			for k := range uni {
				uni[k].i = seekList(uni[k].l, uni[k].i, i)
				if uni[k].i < len(uni[k].l) && uni[k].l[uni[k].i] == i {
					held++
				}
			}
			if held < need {
				continue
			}
			if _, _, ok := s.within1(ix.nameText[i], rs); ok {
				fn(i)
			}
		}
	}
}

// within1 reports whether text holds a run of runes at most one edit away from w, and
// where (in runes of text).
func (s *scratch) within1(text string, w []rune) (start, n int, ok bool) {
	t := s.runes[:0]
	for _, r := range text {
		t = append(t, r)
	}
	s.runes = t
	return within1(t, w)
}

func within1(t, w []rune) (start, n int, ok bool) {
	m := len(w)
	for st := range t {
		k := 0
		for k < m && st+k < len(t) && t[st+k] == w[k] {
			k++
		}
		if k == m {
			return st, m, true
		}
		// w[k] replaced by t[st+k].
		if st+m <= len(t) && equalRunes(t[st+k+1:st+m], w[k+1:]) {
			return st, m, true
		}
		// w[k] is extra (the name lacks it).
		if st+m-1 <= len(t) && equalRunes(t[st+k:st+m-1], w[k+1:]) {
			return st, m - 1, true
		}
		// The name has one more rune, t[st+k], before w[k:].
		if st+m+1 <= len(t) && k > 0 && equalRunes(t[st+k+1:st+m+1], w[k:]) {
			return st, m + 1, true
		}
	}
	return 0, 0, false
}

func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// editDistance returns the Levenshtein distance of a and b in runes, up to limit+1.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
