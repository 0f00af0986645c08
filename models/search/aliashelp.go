package search

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the alias help.
const (
	minSpelled     = 4 // the shortest pinyin taken for an alias term (dibao, not an)
	maxCompletions = 3 // alias terms tried for a partly typed word
)

// aliasHelp is what the alias dictionary adds to a query beyond Index.Search: alias
// terms spelled in pinyin (dibao → 低保) and alias terms completing a partly typed
// word (开饭 → 开饭店). It is built with each Index and read-only afterwards.
type aliasHelp struct {
	terms   []string            // the folded alias terms, sorted
	spelled map[string][]string // full pinyin → the alias terms so spelled, shortest first
}

// newAliasHelp spells and sorts the alias terms of ix.
func newAliasHelp(ix *Index) *aliasHelp {
	h := &aliasHelp{terms: slices.Sorted(maps.Keys(ix.aliases)), spelled: map[string][]string{}}
	for _, t := range h.terms {
		if isASCII(t) {
			continue
		}
		if p := spellTerm(t); len(p) >= minSpelled {
			h.spelled[p] = append(h.spelled[p], t)
		}
	}
	for _, ts := range h.spelled {
		slices.SortStableFunc(ts, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
	}
	return h
}

// respell replaces, in the folded query q, each run of letters that is the full pinyin
// of an alias term by that term: dibao asks for 低保, which the aliases take to
// 最低生活保障. It returns q unchanged when nothing is so spelled.
func (h *aliasHelp) respell(q string) string {
	if len(h.spelled) == 0 {
		return q
	}
	var b strings.Builder
	changed := false
	for run, kind := range runs(q) {
		if kind == runASCII && letters(run) {
			if ts := h.spelled[run]; len(ts) > 0 {
				b.WriteString(" " + ts[0] + " ")
				changed = true
				continue
			}
		}
		b.WriteString(run)
	}
	if !changed {
		return q
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// completions returns queries that complete the last word of the folded query q with an
// alias term it begins (开饭 → 开饭店, 我想开饭 → 我想开饭店), shortest terms first, at most
// maxCompletions; the longest typed ending that begins a term wins.
func (h *aliasHelp) completions(q string) []string {
	rs := []rune(q)
	tail := 0 // Chinese characters at the end of q
	for tail < len(rs) && isHan(rs[len(rs)-1-tail]) {
		tail++
	}
	for k := tail; k >= 1; k-- {
		head, typed := string(rs[:len(rs)-k]), string(rs[len(rs)-k:])
		var found []string
		i, _ := slices.BinarySearch(h.terms, typed)
		for ; i < len(h.terms) && strings.HasPrefix(h.terms[i], typed); i++ {
			if h.terms[i] != typed {
				found = append(found, h.terms[i])
			}
		}
		if len(found) == 0 {
			continue
		}
		slices.SortStableFunc(found, func(a, b string) int {
			return cmp.Compare(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
		})
		out := make([]string, 0, maxCompletions)
		for _, t := range found[:min(len(found), maxCompletions)] {
			out = append(out, head+t)
		}
		return out
	}
	return nil
}

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
