package search

import (
	"math/bits"
	"unicode/utf8"
)

// A hit is a matching entry and its rank key, lower is better: 0 exact name (or code),
// 1 name prefix, 1+p name contains the term at rune position p, keyOther elsewhere.
type hit struct {
	idx int32
	key uint8
}

const (
	keyOther   = 255
	maxNamePos = keyOther - 2
)

// termMatch is one query term with its candidate lists.
type termMatch struct {
	term              string
	name, other, code cursor
	anchor            int // the byte of term to scan for when verifying
}

func (ix *Index) prepare(term string) termMatch {
	return termMatch{
		term:   term,
		name:   ix.name.candidates(term),
		other:  ix.other.candidates(term),
		code:   ix.codeCandidates(term),
		anchor: ix.rarestByte(term),
	}
}

// size is the number of candidates, which bounds the work the term can cost.
func (m *termMatch) size() int { return len(m.name.l) + len(m.other.l) + len(m.code.l) }

// all returns, in index order, the entries that contain m's term in their name, other
// text or code and pass f.
func (ix *Index) all(m *termMatch, f *filter) []hit {
	out := make([]hit, 0, max(len(m.name.l), len(m.other.l), len(m.code.l)))
	for {
		idx := min(m.name.peek(), m.other.peek(), m.code.peek())
		if idx == maxIdx {
			return out
		}
		inName, inOther, inCode := m.name.take(idx), m.other.take(idx), m.code.take(idx)
		if !f.ok(ix, idx) {
			continue
		}
		if key, ok := ix.judge(m, idx, inName, inOther, inCode); ok {
			out = append(out, hit{idx: idx, key: key})
		}
	}
}

// narrow returns the hits of prev that also contain m's term, each with the worse of
// its two keys: the weakest term ranks an entry.
func (ix *Index) narrow(m *termMatch, prev []hit) []hit {
	out := make([]hit, 0, len(prev))
	for _, h := range prev {
		inName, inOther, inCode := m.name.seek(h.idx), m.other.seek(h.idx), m.code.seek(h.idx)
		if key, ok := ix.judge(m, h.idx, inName, inOther, inCode); ok {
			out = append(out, hit{idx: h.idx, key: max(key, h.key)})
		}
	}
	return out
}

// judge ranks entry idx, just taken from the cursors named by inName, inOther and
// inCode, and reports whether it holds m's term at all.
func (ix *Index) judge(m *termMatch, idx int32, inName, inOther, inCode bool) (uint8, bool) {
	key, ok := uint8(keyOther), false
	if inName {
		key, ok = ix.nameKey(idx, m.term, &m.name, m.anchor)
	}
	if !ok && inOther {
		ok = m.other.exact || index(ix.others[idx], m.term, m.other.start(), m.anchor) >= 0
	}
	if inCode { // code candidates are always exact
		ok = true
		if ix.codes[idx] == m.term {
			key = 0
		}
	}
	return key, ok
}

// nameKey ranks the name of entry idx, just taken from c, against term and reports
// whether the name contains it.
func (ix *Index) nameKey(idx int32, term string, c *cursor, anchor int) (uint8, bool) {
	name := ix.names[idx]
	p, known := c.position()
	if !known {
		i := c.start()
		if !c.exact {
			if i = index(name, term, i, anchor); i < 0 {
				return keyOther, false
			}
		}
		p = utf8.RuneCountInString(name[:i])
	}
	switch {
	case p > 0:
		return uint8(1 + min(p, maxNamePos)), true
	case len(name) == len(term):
		return 0, true
	default:
		return 1, true
	}
}

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
		return ix.code.candidates(term)
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
