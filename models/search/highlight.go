package search

import (
	"bytes"
	"html"
	"strings"
	"unicode/utf8"
)

// hlPlan is a plan's words as runes, made once per plan for highlighting.
type hlPlan struct {
	core     []rune
	concepts []hlConcept
}

type hlConcept struct {
	words  [][]rune // the words of every non-pinyin alternative
	pinyin []string // pinyin alternatives' terms
	fuzzy  []rune   // the word, when a name one character away may match it; else nil
}

func newHLPlan(p *plan) hlPlan {
	h := hlPlan{core: []rune(p.core)}
	for _, c := range p.concepts {
		var hc hlConcept
		for _, alt := range c.alts {
			if alt.pinyin {
				hc.pinyin = append(hc.pinyin, alt.words[0])
				continue
			}
			for _, w := range alt.words {
				if w != "" {
					hc.words = append(hc.words, []rune(w))
				}
			}
		}
		if !c.ascii && runeLen(c.word) >= 3 {
			hc.fuzzy = []rune(c.word)
		}
		h.concepts = append(h.concepts, hc)
	}
	return h
}

// highlight appends to out the spans of entry i's name that match p and those that do
// not, and returns out.
func (ix *Index) highlight(s *scratch, p *plan, i int32, out []Span) []Span {
	name := ix.entries[i].Name
	s.folded, s.src = ix.fold.foldRunes(name, s.folded[:0], s.src[:0])
	folded := s.folded
	marked := clearBools(&s.marked, len(folded))
	found := false
	markAll := func(rw []rune) {
		for st := 0; st+len(rw) <= len(folded); st++ {
			if equalRunes(folded[st:st+len(rw)], rw) {
				found = true
				for k := st; k < st+len(rw); k++ {
					marked[k] = true
				}
			}
		}
	}
	fuzzyMark := func(w []rune) {
		if st, n, ok := within1(folded, w); ok {
			for k := st; k < st+n; k++ {
				marked[k] = true
			}
		}
	}
	hp := &p.hl
	if len(hp.core) > 0 {
		markAll(hp.core)
	}
	for _, c := range hp.concepts {
		before := found
		found = false
		for _, t := range c.pinyin {
			ix.markPinyin(s, folded, marked, t)
		}
		for _, w := range c.words {
			markAll(w)
		}
		if !found && c.fuzzy != nil {
			fuzzyMark(c.fuzzy)
		}
		found = found || before
	}
	if !found && len(hp.core) >= 3 {
		fuzzyMark(hp.core)
	}
	return s.spans(name, marked, out)
}

// clearBools returns (*buf)[:n] all false, growing *buf when needed.
func clearBools(buf *[]bool, n int) []bool {
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	b := (*buf)[:n]
	clear(b)
	return b
}

// markPinyin marks the runes of folded whose full pinyin or initials hold term.
func (ix *Index) markPinyin(s *scratch, folded []rune, marked []bool, term string) {
	full, initials := s.full[:0], s.initials[:0]
	fullAt, initAt := s.fullAt[:0], s.initAt[:0] // rune index of each byte
	for k, r := range folded {
		p := ix.py.reading(r, nil)
		if p == "" {
			continue
		}
		full = append(full, p...)
		for range len(p) {
			fullAt = append(fullAt, k)
		}
		initials = append(initials, p[0])
		initAt = append(initAt, k)
	}
	s.full, s.initials, s.fullAt, s.initAt = full, initials, fullAt, initAt
	for _, t := range []struct {
		s  []byte
		at []int
	}{{full, fullAt}, {initials, initAt}} {
		for from := 0; ; {
			j := bytes.Index(t.s[from:], []byte(term))
			if j < 0 {
				break
			}
			j += from
			for b := j; b < j+len(term); b++ {
				marked[t.at[b]] = true
			}
			from = j + 1
		}
	}
}

// spans appends to out the runs of name's matched and unmatched runes; s.src maps
// folded runes to the runes of name.
func (s *scratch) spans(name string, marked []bool, out []Span) []Span {
	on := clearBools(&s.on, utf8.RuneCountInString(name))
	for k, m := range marked {
		if m {
			on[s.src[k]] = true
		}
	}
	start, k := 0, 0
	for at := range name {
		if k > 0 && on[k] != on[k-1] {
			out = append(out, Span{Text: name[start:at], Match: on[k-1]})
			start = at
		}
		k++
	}
	if start < len(name) {
		out = append(out, Span{Text: name[start:], Match: on[k-1]})
	}
	return out
}

// HighlightHTML returns the name HTML-escaped with the matched spans in <mark>…</mark>.
func (m Match) HighlightHTML() string {
	var b strings.Builder
	for _, sp := range m.Name {
		if sp.Match {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(sp.Text))
			b.WriteString("</mark>")
			continue
		}
		b.WriteString(html.EscapeString(sp.Text))
	}
	return b.String()
}
