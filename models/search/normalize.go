package search

import (
	"slices"
	"strings"
	"unicode"
)

// maxQueryRunes bounds the work one query can cause, however long the input.
const maxQueryRunes = 100

// normalize puts s into the one form that both the index and queries use: full-width
// ASCII (U+FF01–U+FF5E) and the ideographic space folded to half width, ASCII
// lower-cased, spaces and control characters collapsed into single spaces, format
// characters (zero-width space, BOM) dropped, ends trimmed. Invalid UTF-8 becomes U+FFFD.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false // a space is owed before the next visible rune
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - '!'
		case r == 0x3000:
			r = ' '
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			pending = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// truncateRunes returns the first n runes of s without looking further into it.
func truncateRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

// parseTerms returns the distinct normalised terms of a user query.
func parseTerms(q string) []string {
	q = normalize(truncateRunes(q, maxQueryRunes))
	if q == "" {
		return nil
	}
	var terms []string
	for t := range strings.SplitSeq(q, " ") {
		// At most 50 terms fit in 100 runes, so a linear duplicate check is cheap.
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	return terms
}
