package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxConcepts bounds the words of one query that take part in matching (one bit each).
const maxConcepts = 16

// phrase is one way to match a word: every one of words must be in the field. A loose
// phrase (a word split into pairs of characters, pinyin) counts as a name match but not
// as an exact one.
type phrase struct {
	words  []string
	loose  bool
	pinyin bool // words[0] is matched against the names' pinyin and initials
}

// concept is one word of the query with the ways it may match.
type concept struct {
	word  string
	alts  []phrase
	ascii bool // letters and digits only: also matched against codes
}

// plan is a parsed query.
type plan struct {
	concepts []concept
	core     string   // the words of a one-part query joined: a name holding it ranks higher
	parts    []string // the query's parts with question words removed, for "did you mean"
	blank    bool     // nothing was asked: list
	hl       hlPlan   // the words as runes, for highlighting
}

func (p *plan) empty() bool { return len(p.concepts) == 0 }

// plan folds, cuts and expands a user query.
func (ix *Index) plan(q string) plan {
	q = ix.fold.fold(truncateRunes(q, maxQueryRunes))
	if q == "" {
		return plan{blank: true}
	}
	var p plan
	var words []string
	for part := range strings.SplitSeq(q, " ") {
		ws := ix.cut(part, true)
		if len(ws) == 0 {
			ws = ix.cut(part, false) // only question words: take them as asked
		}
		p.parts = append(p.parts, strings.Join(ws, ""))
		for _, w := range ws {
			if !slices.Contains(words, w) && len(words) < maxConcepts {
				words = append(words, w)
			}
		}
	}
	if len(p.parts) == 1 {
		p.core = p.parts[0]
	}
	for _, w := range words {
		// A lone letter or digit beside other words is noise: every code holds a 1.
		if len(words) > 1 && len(w) == 1 && w[0] < utf8.RuneSelf {
			continue
		}
		p.concepts = append(p.concepts, ix.concept(w))
	}
	p.hl = newHLPlan(&p)
	return p
}

// cut splits one space-free part of a query into words: runs of letters and digits as
// they are, Chinese by the segmenter; punctuation separates. With dropFillers, question
// words and particles go, and what single characters remain next to each other join
// again into one word (an unknown word cut into characters: 殡葬 → 殡 葬 → 殡葬).
func (ix *Index) cut(part string, dropFillers bool) []string {
	var out []string
	single := false // out's last word is a run of single characters
	emit := func(w string, one bool) {
		if one && single {
			out[len(out)-1] += w
			return
		}
		out = append(out, w)
		single = one
	}
	for run, kind := range runs(part) {
		switch kind {
		case runASCII:
			emit(run, false)
		case runOther:
			single = false
		case runHan:
			for _, tok := range ix.seg.Cut(run, false) {
				if dropFillers && fillers[tok] {
					single = false
					continue
				}
				emit(tok, utf8.RuneCountInString(tok) == 1)
			}
		}
	}
	return out
}

// Kinds of runs within a query part.
const (
	runHan = iota
	runASCII
	runOther
)

// runs yields the maximal runs of part of one kind: ASCII letters and digits, other
// letters (Chinese), and everything else.
func runs(part string) func(yield func(string, int) bool) {
	return func(yield func(string, int) bool) {
		start, kind := 0, -1
		for i, r := range part {
			k := runOther
			switch {
			case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
				k = runASCII
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				k = runHan
			}
			if k != kind {
				if kind >= 0 && !yield(part[start:i], kind) {
					return
				}
				start, kind = i, k
			}
		}
		if kind >= 0 {
			yield(part[start:], kind)
		}
	}
}

// concept expands word w: itself, its split into pairs, its aliases, its pinyin.
func (ix *Index) concept(w string) concept {
	c := concept{word: w, alts: []phrase{{words: []string{w}}}}
	if isASCII(w) {
		c.ascii = true
		if letters(w) && len(w) >= 3 {
			c.alts = append(c.alts, phrase{words: []string{w}, loose: true, pinyin: true})
		}
		return c
	}
	if pairs := ix.splitWord(w); pairs != nil {
		c.alts = append(c.alts, phrase{words: pairs, loose: true})
	}
	for _, t := range ix.aliasTargets(w) {
		ws := strings.Fields(t)
		c.alts = append(c.alts, phrase{words: ws})
		if len(ws) == 1 {
			if pairs := ix.splitWord(t); pairs != nil {
				c.alts = append(c.alts, phrase{words: pairs, loose: true})
			}
		}
	}
	return c
}

// aliasTargets returns the targets of every alias term that w is or contains.
func (ix *Index) aliasTargets(w string) []string {
	if len(ix.aliases) == 0 {
		return nil
	}
	rs := []rune(w)
	var out []string
	for i := range rs {
		for j := i + 1; j <= len(rs) && j-i <= ix.aliasMax; j++ {
			for _, t := range ix.aliases[string(rs[i:j])] {
				if !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// splitWord cuts a Chinese word of four or more characters into shorter known words,
// longest first from the left, with unknown characters in pairs (an odd last one joins
// the pair before): 建设工程规划许可 → 建设工程 规划 许可, which finds
// 建设工程（含临时建设）规划许可证核发. Shorter words return nil.
func (ix *Index) splitWord(w string) []string {
	rs := []rune(w)
	if len(rs) < 4 {
		return nil
	}
	var out []string
	var loose []rune
	flush := func() {
		for i := 0; i+1 < len(loose); i += 2 {
			out = append(out, string(loose[i:i+2]))
		}
		if len(loose)%2 == 1 {
			if len(loose) > 1 {
				out[len(out)-1] += string(loose[len(loose)-1])
			} else {
				out = append(out, string(loose))
			}
		}
		loose = loose[:0]
	}
	for i := 0; i < len(rs); {
		n := min(len(rs)-i, len(rs)-1, maxWordLen)
		for ; n >= 2; n-- {
			if freq, _, _ := ix.seg.Dict.Find([]byte(string(rs[i : i+n]))); freq > 0 { // Find also answers true for a prefix
				break
			}
		}
		if n < 2 {
			loose = append(loose, rs[i])
			i++
			continue
		}
		flush()
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	flush()
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
