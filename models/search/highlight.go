package search

import (
	"html"
	"strings"
)

// highlight splits the name of entry i into the spans that match p and those that do not.
func (ix *Index) highlight(s *scratch, p *plan, i int32) []Span {
	name := ix.entries[i].Name
	folded, src := ix.fold.foldRunes(name)
	marked := make([]bool, len(folded))
	found := false
	markAll := func(w string) {
		if w == "" {
			return
		}
		rw := []rune(w)
		for st := 0; st+len(rw) <= len(folded); st++ {
			if equalRunes(folded[st:st+len(rw)], rw) {
				found = true
				for k := st; k < st+len(rw); k++ {
					marked[k] = true
				}
			}
		}
	}
	fuzzyMark := func(w string) {
		if st, n, ok := within1(folded, []rune(w)); ok {
			for k := st; k < st+n; k++ {
				marked[k] = true
			}
		}
	}
	markAll(p.core)
	for _, c := range p.concepts {
		before := found
		found = false
		for _, alt := range c.alts {
			if alt.pinyin {
				ix.markPinyin(folded, marked, alt.words[0])
				continue
			}
			for _, w := range alt.words {
				markAll(w)
			}
		}
		if !found && !c.ascii && runeLen(c.word) >= 3 {
			fuzzyMark(c.word)
		}
		found = found || before
	}
	if !found && runeLen(p.core) >= 3 {
		fuzzyMark(p.core)
	}
	return spans(name, src, marked)
}

// markPinyin marks the runes of folded whose full pinyin or initials hold term.
func (ix *Index) markPinyin(folded []rune, marked []bool, term string) {
	var full, initials strings.Builder
	var fullAt, initAt []int // rune index of each byte
	for k, r := range folded {
		p := ix.py.reading(r, nil)
		if p == "" {
			continue
		}
		full.WriteString(p)
		for range len(p) {
			fullAt = append(fullAt, k)
		}
		initials.WriteByte(p[0])
		initAt = append(initAt, k)
	}
	for _, t := range []struct {
		s  string
		at []int
	}{{full.String(), fullAt}, {initials.String(), initAt}} {
		for from := 0; ; {
			j := strings.Index(t.s[from:], term)
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

// spans cuts name into runs of matched and unmatched runes; src maps folded runes to
// the runes of name.
func spans(name string, src []int, marked []bool) []Span {
	on := make([]bool, len([]rune(name)))
	for k, m := range marked {
		if m {
			on[src[k]] = true
		}
	}
	var out []Span
	var b strings.Builder
	cur := false
	k := 0
	for _, r := range name {
		if k > 0 && on[k] != cur {
			out = append(out, Span{Text: b.String(), Match: cur})
			b.Reset()
		}
		cur = on[k]
		b.WriteRune(r)
		k++
	}
	if b.Len() > 0 {
		out = append(out, Span{Text: b.String(), Match: cur})
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
