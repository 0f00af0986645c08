package search

import (
	"math"
	"math/bits"
	"strings"
)

// mark is what one entry matched: bit j of name, exact and text stands for concept j.
type mark struct {
	name, exact, text uint16
	phrase            bool // the name holds the query's core
}

// scratch is the per-search working memory, pooled because it has one mark per entry.
type scratch struct {
	marks   []mark
	touched []int32
	keys    []uint64
	runes   []rune
	cursors []cursor
	unis    []cursor   // fuzzy's unigram lists
	bufs    []*candBuf // one per word of a phrase
	// highlighting
	folded              []rune
	src, fullAt, initAt []int
	marked, on          []bool
	full, initials      []byte
}

// spareScratch is how many scratches an index keeps whatever the garbage collector does:
// sync.Pool drops its contents within two collections, and at 100,000 entries a new
// scratch is 800 KB to allocate and clear.
const spareScratch = 16

func (ix *Index) getScratch() *scratch {
	select {
	case s := <-ix.spare:
		return s
	default:
	}
	if s, ok := ix.scratch.Get().(*scratch); ok {
		return s
	}
	return &scratch{marks: make([]mark, len(ix.entries))}
}

func (ix *Index) putScratch(s *scratch) {
	for _, i := range s.touched {
		s.marks[i] = mark{}
	}
	s.touched, s.keys = s.touched[:0], s.keys[:0]
	select {
	case ix.spare <- s:
	default:
		ix.scratch.Put(s)
	}
}

// at returns entry i's mark for writing, recording that it was touched.
func (s *scratch) at(i int32) *mark {
	m := &s.marks[i]
	if *m == (mark{}) {
		s.touched = append(s.touched, i)
	}
	return m
}

// rank matches p, keeps the entries that pass f and match every concept, or at least
// half of them with one in the name, and returns the requested page of them best first.
func (ix *Index) rank(p *plan, f *filter, offset, limit int) Result {
	s := ix.getScratch()
	defer ix.putScratch(s)
	one := len(p.concepts) == 1 && p.core != ""
	k := len(p.concepts)
	// With one word, an entry holding it only in the guide text ranks below every name
	// that holds it: such entries are counted after the names, and keyed only when the
	// names do not fill the page.
	textLater := k == 1
	for j := range p.concepts {
		ix.markConcept(s, &p.concepts[j], uint16(1)<<j, one, !textLater)
	}
	if !one && p.core != "" {
		ix.markCore(s, p)
	}
	need := (k + 1) / 2
	for _, i := range s.touched {
		m := s.marks[i]
		// Some of the words must include one in the name; all of them may be anywhere.
		matched := bits.OnesCount16(m.name | m.text)
		if matched < need || matched < k && m.name == 0 || !f.ok(ix, i) {
			continue
		}
		s.keys = append(s.keys, ix.key(i, m, matched, k, p.core))
	}
	total := len(s.keys)
	if textLater {
		total += ix.textOnly(s, p, f, len(s.keys) < offset+limit)
	}
	res := Result{Total: total}
	keys := topKeys(s.keys, offset+limit)
	if offset < len(keys) {
		keys = keys[offset:]
	} else {
		keys = nil
	}
	res.Entries = make([]Entry, len(keys))
	res.Matches = make([]Match, len(keys))
	// One array holds the spans of the whole page.
	spans := make([]Span, 0, 4*len(keys))
	for r, key := range keys {
		i := int32(math.MaxUint32 - uint32(key))
		res.Entries[r] = ix.entries[i]
		from := len(spans)
		spans = ix.highlight(s, p, i, spans)
		res.Matches[r] = Match{Score: score(key)}
		if len(spans) > from {
			res.Matches[r].Name = spans[from:len(spans):len(spans)]
		}
	}
	return res
}

// Layout of a rank key, highest bits first; higher is better. Counts are capped at 9 so
// that score can spell the key out in decimal digits.
const (
	shiftAll     = 63 // every concept matched
	shiftName    = 59 // concepts matched in the name (4 bits)
	shiftPhrase  = 57 // the core: 3 the whole name, 2 its start, 1 inside (2 bits)
	shiftExact   = 53 // concepts matched exactly in the name (4 bits)
	shiftMatched = 49 // concepts matched anywhere (4 bits)
	shiftMain    = 48 // not a sub-item
	shiftApps    = 32 // rank of Applications (16 bits); the low 32 bits invert the tie order
)

func (ix *Index) key(i int32, m mark, matched, k int, core string) uint64 {
	var key uint64
	if matched == k {
		key |= 1 << shiftAll
	}
	key |= uint64(min(bits.OnesCount16(m.name), 9)) << shiftName
	key |= ix.phraseLevel(i, m, core) << shiftPhrase
	key |= uint64(min(bits.OnesCount16(m.exact), 9)) << shiftExact
	key |= uint64(min(matched, 9)) << shiftMatched
	if ix.flags[i]&flagSub == 0 {
		key |= 1 << shiftMain
	}
	key |= uint64(ix.apps[i]) << shiftApps
	return key | uint64(math.MaxUint32-uint32(i))
}

// phraseLevel rates how entry i's name holds the core: 3 it is the name (or the code),
// 2 the name starts with it, 1 the name holds it elsewhere.
func (ix *Index) phraseLevel(i int32, m mark, core string) uint64 {
	if !m.phrase {
		return 0
	}
	n, b := ix.names[i], ix.bares[i]
	switch {
	case n == core || b == core || ix.codes[i] == core:
		return 3
	case strings.HasPrefix(n, core) || strings.HasPrefix(b, core):
		return 2
	}
	return 1
}

// score spells a key out as a number: 1,000,000 for every word matched, 10,000 per word
// in the name, 1,000 per phrase level, 100 per exact word, 10 per word matched, 2 for a
// main item, and under 1 for how often it is applied for.
func score(key uint64) float64 {
	field := func(shift, width uint) float64 { return float64(key >> shift & (1<<width - 1)) }
	return field(shiftAll, 1)*1e6 + field(shiftName, 4)*1e4 + field(shiftPhrase, 2)*1e3 +
		field(shiftExact, 4)*100 + field(shiftMatched, 4)*10 + field(shiftMain, 1)*2 +
		field(shiftApps, 16)/65536
}

// fuzzyBelow is the number of exact name matches under which a word also looks for
// names one character away (ranked below: they get no exact mark).
const fuzzyBelow = 10

// minCodeTerm is the shortest term matched inside codes: every code holds a digit or two.
const minCodeTerm = 3

// markConcept marks the entries that match concept c as bit; when c is the whole query
// (core), the names holding the word itself also get the phrase mark.
func (ix *Index) markConcept(s *scratch, c *concept, bit uint16, core, text bool) {
	inName := 0
	for a, alt := range c.alts {
		phrase := core && a == 0
		if alt.pinyin {
			for _, i := range ix.py.matches(alt.words[0]) {
				m := s.at(i)
				m.name |= bit
				inName++
			}
			continue
		}
		exact := uint16(0)
		if !alt.loose {
			exact = bit
		}
		ix.phraseHits(s, &ix.name, ix.nameText, alt.words, func(i int32) {
			m := s.at(i)
			m.name |= bit
			m.exact |= exact
			m.phrase = m.phrase || phrase
			inName++
		})
		if a == 0 && text { // guide text is searched for the word as asked, not its expansions
			ix.phraseHits(s, &ix.other, ix.others, alt.words, func(i int32) { s.at(i).text |= bit })
		}
	}
	if c.ascii && len(c.word) >= minCodeTerm {
		for _, i := range ix.codeCandidates(c.word).l {
			m := s.at(i)
			m.name |= bit
			m.exact |= bit
			m.phrase = m.phrase || ix.codes[i] == c.word
			inName++
		}
	}
	if inName < fuzzyBelow && !c.ascii && runeLen(c.word) >= 3 {
		ix.fuzzy(s, c.word, func(i int32) { s.at(i).name |= bit })
	}
}

// textOnly counts the entries that pass f and hold the one word of p in their guide
// text but matched nothing in their name (their mark is blank), appending their keys
// when withKeys.
func (ix *Index) textOnly(s *scratch, p *plan, f *filter, withKeys bool) int {
	n := 0
	m := mark{text: 1}
	ix.phraseHits(s, &ix.other, ix.others, p.concepts[0].alts[0].words, func(i int32) {
		if s.marks[i] != (mark{}) || !f.ok(ix, i) {
			return
		}
		n++
		if withKeys {
			s.keys = append(s.keys, ix.key(i, m, 1, 1, p.core))
		}
	})
	return n
}

// markCore marks the names that hold the core of a query of several words; when none
// does, the names one character away from it count as matching every word, loosely.
func (ix *Index) markCore(s *scratch, p *plan) {
	found := false
	ix.phraseHits(s, &ix.name, ix.nameText, []string{p.core}, func(i int32) {
		s.at(i).phrase = true
		found = true
	})
	if found || runeLen(p.core) < 3 {
		return
	}
	all := uint16(1)<<len(p.concepts) - 1
	ix.fuzzy(s, p.core, func(i int32) { s.at(i).name |= all })
}

// phraseHits calls fn, in index order, for each entry whose text in g and texts holds
// every one of words.
func (ix *Index) phraseHits(s *scratch, g *gramIndex, texts []string, words []string, fn func(int32)) {
	best, bestSize := -1, 0
	cs := s.cursors[:0]
	for len(s.bufs) < len(words) {
		s.bufs = append(s.bufs, &candBuf{})
	}
	for j, w := range words {
		cs = append(cs, g.candidates(w, s.bufs[j]))
		if len(cs[j].l) == 0 {
			s.cursors = cs
			return
		}
		if best < 0 || len(cs[j].l) < bestSize {
			best, bestSize = j, len(cs[j].l)
		}
	}
	s.cursors = cs
	c, w := &cs[best], words[best]
	anchor := ix.rarestByte(w)
next:
	for k, i := range c.l {
		if !c.exact && !c.sure[k] && index(texts[i], w, int(c.from[k]), anchor) < 0 {
			continue
		}
		for j, other := range words {
			if j != best && !holds(&cs[j], i, texts[i], other) {
				continue next
			}
		}
		fn(i)
	}
}

// holds reports whether text, entry i's, holds w, whose candidates are c: c lists every
// holder, so a miss there settles it without reading the text, and so does an exact or
// sure hit. Entries must be asked in increasing order.
func holds(c *cursor, i int32, text, w string) bool {
	c.i = seekList(c.l, c.i, i)
	if c.i == len(c.l) || c.l[c.i] != i {
		return false
	}
	if c.exact || c.sure[c.i] {
		return true
	}
	return strings.Contains(text, w)
}

// topKeys returns the n highest keys, highest first; it reorders keys.
func topKeys(keys []uint64, n int) []uint64 {
	if n <= 0 || len(keys) == 0 {
		return nil
	}
	if n >= len(keys)/4 {
		sortDesc(keys)
		return keys[:min(n, len(keys))]
	}
	// A min-heap of the best n so far in keys[:n].
	h := keys[:n]
	for i := n/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	for _, k := range keys[n:] {
		if k > h[0] {
			h[0] = k
			siftDown(h, 0)
		}
	}
	sortDesc(h)
	return h
}

func siftDown(h []uint64, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		if r := l + 1; r < len(h) && h[r] < h[l] {
			l = r
		}
		if h[i] <= h[l] {
			return
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
}
