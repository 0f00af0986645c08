package search

import (
	"index/suffixarray"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// pinyinIndex finds names by their full pinyin (shipinjingying) and initials (spjy).
type pinyinIndex struct {
	sa     *suffixarray.Index // over "\x00" + the pinyin text of entry 0 + "\x00" + …
	starts []int32            // where each entry's pinyin text starts, ascending
	of     map[rune]string    // the first reading of every Chinese character of the names
}

// newPinyinIndex indexes, for each entry, the full pinyin and the initials of its name
// and of its bare name: a polyphonic character takes its first reading.
func newPinyinIndex(names, bares []string) pinyinIndex {
	px := pinyinIndex{of: map[rune]string{}, starts: make([]int32, len(names))}
	args := pinyin.NewArgs()
	var text []byte
	for i := range names {
		text = append(text, 0)
		px.starts[i] = int32(len(text))
		for _, s := range []string{names[i], bares[i]} {
			if s == "" {
				continue
			}
			full, initials := px.spell(s, &args)
			text = append(text, full...)
			text = append(text, 1)
			text = append(text, initials...)
			text = append(text, 1)
		}
	}
	px.sa = suffixarray.New(text)
	return px
}

// spell returns the full pinyin and the initials of s; ASCII letters and digits are
// kept in both, other characters dropped.
func (px *pinyinIndex) spell(s string, args *pinyin.Args) (full, initials string) {
	var f, in strings.Builder
	for _, r := range s {
		p := px.reading(r, args)
		if p == "" {
			continue
		}
		f.WriteString(p)
		in.WriteByte(p[0])
	}
	return f.String(), in.String()
}

// reading returns the pinyin of r, r itself for an ASCII letter or digit, or "".
func (px *pinyinIndex) reading(r rune, args *pinyin.Args) string {
	if r < utf8.RuneSelf {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return string(r)
		}
		return ""
	}
	if p, ok := px.of[r]; ok {
		return p
	}
	p := ""
	if args != nil {
		if ps := pinyin.SinglePinyin(r, *args); len(ps) > 0 {
			p = ps[0]
		}
		px.of[r] = p // only while building: afterwards the map is read-only
	}
	return p
}

// matches returns, sorted, the entries whose pinyin or initials contain term.
func (px *pinyinIndex) matches(term string) []int32 {
	if px.sa == nil || term == "" {
		return nil
	}
	offs := px.sa.Lookup([]byte(term), -1)
	out := make([]int32, 0, len(offs))
	for _, o := range offs {
		i, found := slices.BinarySearch(px.starts, int32(o))
		if !found {
			i--
		}
		out = append(out, int32(i))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// spellTerm returns the full pinyin of a word (低保 → dibao), each character in its
// first reading; "" when a character has none.
func spellTerm(s string) string {
	args := pinyin.NewArgs()
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
				continue
			}
			return ""
		}
		ps := pinyin.SinglePinyin(r, args)
		if len(ps) == 0 || ps[0] == "" {
			return ""
		}
		b.WriteString(ps[0])
	}
	return b.String()
}
