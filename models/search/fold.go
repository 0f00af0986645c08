package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// folder puts text into the one form that the index and queries share: normalize's
// width, case and space folding, then traditional characters to simplified ones.
//
// The conversion is per character (OpenCC's TSCharacters table, embedded): OpenCC's own
// converter also rewrites phrases, which changes lengths and costs about 35 µs for a
// short string (3.5 s for the names of 100,000 items), while a table lookup keeps one
// folded rune per visible rune, which is what highlighting needs to map matches back.
type folder struct {
	t2s map[rune]rune
}

func newFolder() *folder {
	f := &folder{t2s: make(map[rune]rune, utf8.RuneCountInString(t2sFrom))}
	to := []rune(t2sTo)
	i := 0
	for _, r := range t2sFrom {
		f.t2s[r] = to[i]
		i++
	}
	return f
}

// fold returns s normalised and simplified.
func (f *folder) fold(s string) string {
	s = normalize(s)
	for _, r := range s {
		if _, ok := f.t2s[r]; ok {
			return f.simplify(s)
		}
	}
	return s
}

func (f *folder) simplify(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if t, ok := f.t2s[r]; ok {
			r = t
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldRunes folds s rune by rune for highlighting, appending to out and src: out[k] is
// the folded form of the visible rune src[k] of s; format characters are dropped and
// every space stays one.
func (f *folder) foldRunes(s string, out []rune, src []int) ([]rune, []int) {
	k := 0
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - '!'
		case r == 0x3000 || unicode.IsSpace(r) || unicode.IsControl(r):
			r = ' '
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if t, ok := f.t2s[r]; ok {
			r = t
		}
		if !unicode.Is(unicode.Cf, r) {
			out = append(out, r)
			src = append(src, k)
		}
		k++
	}
	return out, src
}

// bareName returns name without its parenthesised parts — 食品(含保健食品)经营许可 →
// 食品经营许可 — or "" when it has none: people leave such qualifiers out.
func bareName(name string) string {
	if !strings.ContainsAny(name, "()（）【】[]") {
		return ""
	}
	var b strings.Builder
	depth := 0
	for _, r := range name {
		switch r {
		case '(', '（', '【', '[':
			depth++
			continue
		case ')', '）', '】', ']':
			depth = max(depth-1, 0)
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String()
}
