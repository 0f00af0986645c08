package search

import (
	"math"
	"slices"
	"strings"
)

// gramIndex maps the character unigrams and bigrams of one field to the sorted
// indices of the entries holding them, each with the byte offset of the gram's first
// occurrence, which tells the verification of a longer term where to look. An index of
// names also keeps the rune position, which ranks short terms without reading the
// names. All posting lists share one backing array.
type gramIndex struct {
	ids       map[uint64]int32
	offs      []int32  // the postings of id k are arena[offs[k]:offs[k+1]]
	arena     []int32  // entry indices
	first     []uint16 // parallel to arena: first byte offset, capped at math.MaxUint16
	firstRune []uint8  // parallel to arena if kept: first rune position, capped at math.MaxUint8
}

// postings is one gram's slice of a gramIndex.
type postings struct {
	l         []int32
	first     []uint16
	firstRune []uint8 // nil unless the index keeps rune positions
}

// Runes are below 2^21, so a bigram fits in 42 bits and unigrams get their own high bit.
func unigramKey(r rune) uint64   { return 1<<62 | uint64(r) }
func bigramKey(a, b rune) uint64 { return uint64(a)<<21 | uint64(b) }

// gramBuilder collects postings; entries must be added in increasing index order.
type gramBuilder struct {
	ids       map[uint64]int32
	lists     [][]int32
	first     [][]uint16
	firstRune [][]uint8 // nil unless rune positions are kept
	runes     bool
}

func newGramBuilder(runes bool) *gramBuilder {
	return &gramBuilder{ids: make(map[uint64]int32), runes: runes}
}

// add indexes the grams of the normalised string s for entry i. Grams never span a
// space: query terms contain none.
func (b *gramBuilder) add(i int32, s string) {
	prev, prevAt, n := rune(' '), 0, 0
	for at, r := range s {
		if r != ' ' {
			b.post(unigramKey(r), i, at, n)
			if prev != ' ' {
				b.post(bigramKey(prev, r), i, prevAt, n-1)
			}
		}
		prev, prevAt = r, at
		n++
	}
}

// post records that entry i holds gram k, first at byte at and rune n.
func (b *gramBuilder) post(k uint64, i int32, at, n int) {
	id, ok := b.ids[k]
	if !ok {
		id = int32(len(b.lists))
		b.ids[k] = id
		b.lists = append(b.lists, nil)
		b.first = append(b.first, nil)
		if b.runes {
			b.firstRune = append(b.firstRune, nil)
		}
	}
	// Entries arrive in order, so a repeated gram of entry i is always the last element.
	if l := b.lists[id]; len(l) == 0 || l[len(l)-1] != i {
		b.lists[id] = append(l, i)
		b.first[id] = append(b.first[id], uint16(min(at, math.MaxUint16)))
		if b.runes {
			b.firstRune[id] = append(b.firstRune[id], uint8(min(n, math.MaxUint8)))
		}
	}
}

// build packs the lists into one array, which also drops the slack of grown slices.
func (b *gramBuilder) build() gramIndex {
	total := 0
	for _, l := range b.lists {
		total += len(l)
	}
	g := gramIndex{
		ids:   b.ids,
		offs:  make([]int32, 0, len(b.lists)+1),
		arena: make([]int32, 0, total),
		first: make([]uint16, 0, total),
	}
	if b.runes {
		g.firstRune = make([]uint8, 0, total)
	}
	for id, l := range b.lists {
		g.offs = append(g.offs, int32(len(g.arena)))
		g.arena = append(g.arena, l...)
		g.first = append(g.first, b.first[id]...)
		if b.runes {
			g.firstRune = append(g.firstRune, b.firstRune[id]...)
		}
	}
	g.offs = append(g.offs, int32(len(g.arena)))
	return g
}

// postings returns the read-only postings of gram k.
func (g *gramIndex) postings(k uint64) postings {
	id, ok := g.ids[k]
	if !ok {
		return postings{}
	}
	lo, hi := g.offs[id], g.offs[id+1]
	p := postings{l: g.arena[lo:hi:hi], first: g.first[lo:hi:hi]}
	if g.firstRune != nil {
		p.firstRune = g.firstRune[lo:hi:hi]
	}
	return p
}

// candidates returns a cursor over the sorted entries that may contain term (at least
// one rune, no space), each with a byte offset no greater than that of the term's first
// occurrence. For one or two runes the postings are exact and so are the offsets.
// A longer term gets the intersection of its bigrams' postings, with false positives the
// caller must verify; the bound is the largest (first offset of bigram k) − (offset of
// bigram k in the term), so when the bigrams' first occurrences line up it is exactly
// where the term starts, and the candidate is sure: consecutive bigrams found one after
// the other spell the term, so it needs no verification. Nothing returned may be
// modified; buf, if not nil, lends the memory of a longer term's lists.
func (g *gramIndex) candidates(term string, buf *candBuf) cursor {
	var parts []part
	if buf != nil {
		parts = buf.parts[:0]
	}
	prev, prevAt, runes := rune(-1), 0, 0
	for at, r := range term {
		if prev >= 0 {
			p := g.postings(bigramKey(prev, r))
			if len(p.l) == 0 {
				return cursor{}
			}
			parts = append(parts, part{postings: p, delta: prevAt})
		}
		prev, prevAt = r, at
		runes++
	}
	if buf != nil {
		buf.parts = parts
	}
	switch runes {
	case 0:
		return cursor{}
	case 1:
		p := g.postings(unigramKey(prev))
		return cursor{l: p.l, from: p.first, runePos: p.firstRune, exact: true}
	case 2:
		p := parts[0].postings
		return cursor{l: p.l, from: p.first, runePos: p.firstRune, exact: true}
	}
	slices.SortFunc(parts, func(a, b part) int { return len(a.l) - len(b.l) })
	short, rest := parts[0], parts[1:]
	if buf == nil {
		buf = &candBuf{}
	}
	c := cursor{l: buf.l[:0], from: buf.from[:0], sure: buf.sure[:0]}
next:
	for k, idx := range short.l {
		bound := int(short.first[k]) - short.delta
		sure := short.first[k] < math.MaxUint16
		for j := range rest {
			p := &rest[j]
			p.i = seekList(p.l, p.i, idx)
			if p.i == len(p.l) {
				break next
			}
			if p.l[p.i] != idx {
				continue next
			}
			at := int(p.first[p.i]) - p.delta
			sure = sure && at == bound && p.first[p.i] < math.MaxUint16
			bound = max(bound, at)
		}
		c.l = append(c.l, idx)
		c.from = append(c.from, uint16(max(bound, 0)))
		c.sure = append(c.sure, sure)
	}
	buf.l, buf.from, buf.sure = c.l, c.from, c.sure
	return c
}

// part is one bigram of a longer term during candidates' intersection.
type part struct {
	postings
	delta int // byte offset of the bigram in term
	i     int // merge position in l
}

// candBuf is reusable memory for candidates.
type candBuf struct {
	parts []part
	l     []int32
	from  []uint16
	sure  []bool
}

// seekList returns the first position at or after i where l holds a value ≥ x, galloping
// so that a long list is crossed in logarithmic steps.
func seekList(l []int32, i int, x int32) int {
	// Lists of common grams are dense and the next match is usually a step or two away.
	for end := min(i+4, len(l)); i < end; i++ {
		if l[i] >= x {
			return i
		}
	}
	if i >= len(l) || l[i] >= x {
		return i
	}
	step := 1
	for i+step < len(l) && l[i+step] < x {
		i += step
		step *= 2
	}
	// l[i] < x, and l[i+step] ≥ x or is past the end.
	hi := min(i+step, len(l))
	k, _ := slices.BinarySearch(l[i+1:hi], x)
	return i + 1 + k
}

// maxIdx is past every entry index; an exhausted cursor peeks it.
const maxIdx = math.MaxInt32

// cursor walks a sorted candidate list during a merge.
type cursor struct {
	l       []int32
	from    []uint16 // parallel to l: where to start looking for the term, or nil
	runePos []uint8  // parallel to l when exact and known: the term's first rune position
	sure    []bool   // parallel to l when not exact: the candidate holds the term at from
	exact   bool     // every candidate holds the term, at from if there is one
	i       int
}

func (c *cursor) peek() int32 {
	if c.i < len(c.l) {
		return c.l[c.i]
	}
	return maxIdx
}

// take advances past idx and reports whether the list held it.
func (c *cursor) take(idx int32) bool {
	if c.peek() == idx {
		c.i++
		return true
	}
	return false
}

// seek advances to idx, which must not be below the last idx sought, past it if
// the list holds it, and reports whether it does.
func (c *cursor) seek(idx int32) bool {
	c.i = seekList(c.l, c.i, idx)
	return c.take(idx)
}

// start returns where to look for the term in the entry last taken.
func (c *cursor) start() int {
	if c.from == nil {
		return 0
	}
	return int(c.from[c.i-1])
}

// position returns the rune position of the term in the entry last taken, if known.
func (c *cursor) position() (int, bool) {
	if c.runePos == nil {
		return 0, false
	}
	return int(c.runePos[c.i-1]), true
}

// index returns the byte offset of the first occurrence of n in h at or after from
// (a lower bound from the postings), or -1. It first tries from itself, where the
// postings usually put the occurrence, then scans on with indexAnchored.
func index(h, n string, from, anchor int) int {
	from = min(from, len(h))
	if strings.HasPrefix(h[from:], n) {
		return from
	}
	if i := indexAnchored(h[from:], n, anchor); i >= 0 {
		return from + i
	}
	return -1
}

// indexAnchored is strings.Index that scans for n[k], which the caller picks as the byte
// of n rarest in the corpus: strings.Index scans for n[0], and in Chinese text a UTF-8
// lead byte is shared by thousands of characters, so it stops every few runes.
func indexAnchored(h, n string, k int) int {
	last := len(h) - len(n) + k // the last place n[k] can be
	for i := k; i <= last; i++ {
		j := strings.IndexByte(h[i:last+1], n[k])
		if j < 0 {
			return -1
		}
		i += j
		if h[i-k:i-k+len(n)] == n {
			return i - k
		}
	}
	return -1
}
