package search

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// rarestByte returns the index of the byte of term that is least frequent in the
// other texts, the anchor for indexAnchored.
func (ix *Index) rarestByte(term string) int {
	k := 0
	for i := 1; i < len(term); i++ {
		if ix.otherBytes[term[i]] < ix.otherBytes[term[k]] {
			k = i
		}
	}
	return k
}

// codeCandidates returns an exact cursor over the entries whose code contains term.
// Codes are mostly digits, so a one- or two-character term is in nearly every code several times:
// the gram postings list each entry once, where the suffix array would list every
// occurrence. A longer term is rare in a code and the suffix array finds it in
// logarithmic time, where intersecting the postings of digit pairs would not.
func (ix *Index) codeCandidates(term string) cursor {
	if utf8.RuneCountInString(term) <= 2 {
		return ix.code.candidates(term, nil)
	}
	return cursor{l: ix.codeMatches(term), exact: true}
}

// codeMatches returns, sorted, the entries whose code contains term.
func (ix *Index) codeMatches(term string) []int32 {
	if ix.codeSA == nil { // the zero Index
		return nil
	}
	offs := ix.codeSA.Lookup([]byte(term), -1)
	if len(offs) == 0 {
		return nil
	}
	// A code can hold the term several times; a bitmap removes duplicates and sorts.
	seen := make([]uint64, (len(ix.entries)+63)/64)
	for _, o := range offs {
		i := ix.codeOwner[o]
		seen[i/64] |= 1 << (i % 64)
	}
	out := make([]int32, 0, min(len(offs), len(ix.entries)))
	for w, word := range seen {
		for word != 0 {
			out = append(out, int32(w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return out
}

// sortDesc sorts keys from highest to lowest.
func sortDesc(keys []uint64) {
	slices.Sort(keys)
	slices.Reverse(keys)
}
