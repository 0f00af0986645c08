package search

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Word frequencies of the segmenter's small dictionary. The segmenter picks the cut whose
// words are likeliest; alias terms must stay whole (开饭店, not 开 饭店), question words
// must be found to be dropped, and a name's own pieces are known words.
const (
	freqAlias   = 5000
	freqCommon  = 1000
	freqNameMin = 20
	maxWordLen  = 8 // longer pieces of names are not words anyone types
)

// newSegmenter loads gse with a dictionary built from the common words, the question
// words, the alias terms and targets, and the pieces of the names between punctuation:
// a few thousand words load in milliseconds, where gse's full dictionary takes seconds
// and hundreds of megabytes. It also returns the vocabulary for "did you mean": the
// names' pieces, their words and the alias terms.
func newSegmenter(names, bares []string, aliases map[string][]string) (*gse.Segmenter, []string) {
	freq := map[string]int{}
	pieces := map[string]int{}
	for _, list := range [][]string{names, bares} {
		for _, s := range list {
			for _, p := range hanPieces(s) {
				pieces[p]++
			}
		}
	}
	for p, n := range pieces {
		freq[p] = freqNameMin + n
	}
	for _, w := range dictionaryWords() {
		freq[w] = max(freq[w], freqCommon)
	}
	for w := range fillers {
		freq[w] = max(freq[w], freqCommon)
	}
	for term, targets := range aliases {
		freq[term] = freqAlias
		for _, t := range targets {
			for _, w := range strings.Fields(t) {
				freq[w] = max(freq[w], freqCommon)
			}
		}
	}
	var b strings.Builder
	for _, w := range slices.Sorted(maps.Keys(freq)) {
		b.WriteString(w)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(freq[w]))
		b.WriteByte('\n')
	}
	seg := &gse.Segmenter{NotLoadHMM: true, SkipLog: true}
	// LoadDictStr never fails; a bad line is skipped.
	_ = seg.LoadDictStr(b.String())

	words := map[string]bool{}
	for p := range pieces {
		words[p] = true
	}
	for _, list := range [][]string{names, bares} {
		for _, s := range list {
			for _, run := range hanRuns(s) {
				for _, w := range seg.CutAll(run) {
					if runeLen(w) >= 2 && !fillers[w] {
						words[w] = true
					}
				}
			}
		}
	}
	for term := range aliases {
		words[term] = true
	}
	return seg, slices.Sorted(maps.Keys(words))
}

// hanPieces returns the runs of two to maxWordLen Chinese characters of s.
func hanPieces(s string) []string {
	var out []string
	for _, r := range hanRuns(s) {
		if n := runeLen(r); n >= 2 && n <= maxWordLen {
			out = append(out, r)
		}
	}
	return out
}

// hanRuns returns the runs of Chinese characters of s.
func hanRuns(s string) []string {
	var out []string
	start, n := -1, 0
	flush := func(end int) {
		if start >= 0 {
			out = append(out, s[start:end])
		}
		start, n = -1, 0
	}
	for i, r := range s {
		if unicode.Is(unicode.Han, r) {
			if start < 0 {
				start = i
			}
			n++
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// runeLen is utf8.RuneCountInString, shorter to read.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
