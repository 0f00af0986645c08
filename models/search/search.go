// Package search serves the published catalogue from an in-memory index, searched the way
// people ask: the query is folded (width, case, traditional → simplified), stripped of
// question words, cut into words by a segmenter with a small domain dictionary, and each
// word also matches its aliases (低保 → 最低生活保障), the names' pinyin and initials, and —
// in words of three or more characters — names one character away. Results are ranked
// every word matched > some, name > guide text, a main item above its sub-items, then
// how often items are applied for, with filters, scope and stable paging.
package search

import (
	"cmp"
	"index/suffixarray"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Paging limits; the handler clamps too.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Entry is what the index knows of one published item.
type Entry struct {
	Code, Name, TypeCode, DepartmentCode, DepartmentName string
	MainName                                             string // 主项名称 of a sub-item (子项), "" when none
	DepartmentSort                                       int    // department order for the default listing
	Disposition                                          string // retained | cancelled | merged | delegated
	OnApplication, Joint, Immediate                      bool
	StatutoryDays, PromisedDays                          *int   // nil: not published
	Applications                                         int    // how often the item was applied for: a late tie-breaker
	Text                                                 string // other searchable text: conditions, legal basis, material names, result name
}

// Alias maps an everyday word to official terms (低保 → 最低生活保障).
type Alias struct {
	Term    string
	Targets []string
}

// Scopes of a text search: the citizen's default covers the items one applies for.
const (
	ScopeServices = "services" // on-application items and public services (the default)
	ScopeAll      = "all"      // the whole power list, penalties and enforcement included
)

// Query selects, ranks and pages entries.
type Query struct {
	Q                    string
	Department, Type     string // exact codes, "" = any
	Status               string // "retained" (default when "" or unknown), "reduced" (= not retained), "all"
	Scope                string // ScopeServices (default when "" or unknown) or ScopeAll; applies to text searches without a Type
	OnApplication, Joint *bool  // nil = any
	Offset, Limit        int
}

// Span is a piece of a result's name, matched or not.
type Span struct {
	Text  string
	Match bool
}

// Match is how one result matched: its score (higher is better; the results are in
// score order) and its name split into matched and unmatched spans.
type Match struct {
	Score float64
	Name  []Span
}

// Result is one page of matches.
type Result struct {
	Total   int
	Entries []Entry
	// Matches parallels Entries for a text search and is nil for a listing.
	Matches []Match
	// DidYouMean offers the nearest known terms when a text search found nothing.
	DidYouMean []string
}

// Searcher is the one small interface the handlers depend on.
type Searcher interface {
	Search(q Query) Result
}

// Index is an immutable in-memory Searcher; build a new one when the catalogue changes.
type Index struct {
	// entries are ordered by name length in runes, then Code, then input order: the
	// tie order of ranked results.
	entries  []Entry
	flags    []uint8  // flagRetained, flagOnApplication, flagJoint, flagService, flagSub
	names    []string // folded Name
	bares    []string // folded name without parenthesised parts, "" when the same
	nameText []string // names[i], and bares[i] after a space when there is one
	others   []string // folded DepartmentName and Text
	codes    []string // normalised Code
	apps     []uint16 // dense rank of Applications
	name     gramIndex
	other    gramIndex
	code     gramIndex // one- and two-character grams of codes

	codeSA    *suffixarray.Index // over "\x00" + codes[0] + "\x00" + codes[1] …, for longer terms
	codeOwner []int32            // entry owning each byte of the suffix array's text

	otherBytes [256]int // byte frequencies of others, to pick a rare byte to scan for

	listing []int32            // default listing: DepartmentSort, TypeCode, Code, input order
	byDept  map[string][]int32 // the listing split by department code

	py       pinyinIndex
	fold     *folder
	seg      *gse.Segmenter
	aliases  map[string][]string // folded term → folded targets
	aliasMax int                 // the longest alias term, in runes
	vocab    []string            // name words and alias terms, for "did you mean"
	scratch  sync.Pool           // *scratch
	spare    chan *scratch       // scratch kept across garbage collections, which empty the pool
	plans    planCache
}

var (
	_ Searcher = (*Index)(nil)
	_ Searcher = (*Live)(nil)
)

// New builds an index of entries and aliases; it keeps its own copies.
func New(entries []Entry, aliases []Alias) *Index {
	f := newFolder()
	n := len(entries)
	norm := make([]string, n)
	runes := make([]int, n)
	input := make([]int32, n) // input position, the last tie-breaker of both orders
	for i := range entries {
		norm[i] = f.fold(entries[i].Name)
		runes[i] = utf8.RuneCountInString(norm[i])
		input[i] = int32(i)
	}
	slices.SortFunc(input, func(a, b int32) int {
		return cmp.Or(
			cmp.Compare(runes[a], runes[b]),
			strings.Compare(entries[a].Code, entries[b].Code),
			cmp.Compare(a, b))
	})
	ix := &Index{fold: f, byDept: make(map[string][]int32), spare: make(chan *scratch, spareScratch)}
	ix.addEntries(entries, norm, input)
	ix.buildListing(input)
	ix.apps = appRanks(ix.entries)
	ix.py = newPinyinIndex(ix.names, ix.bares)
	ix.buildAliases(aliases)
	ix.seg, ix.vocab = newSegmenter(ix.names, ix.bares, ix.aliases)
	return ix
}

// addEntries fills the per-entry fields and gram indexes in tie order.
func (ix *Index) addEntries(entries []Entry, norm []string, input []int32) {
	n := len(entries)
	ix.entries = make([]Entry, n)
	ix.flags = make([]uint8, n)
	ix.names, ix.bares, ix.nameText = make([]string, n), make([]string, n), make([]string, n)
	ix.others, ix.codes = make([]string, n), make([]string, n)
	names, others, codes := newGramBuilder(true), newGramBuilder(false), newGramBuilder(false)
	var codeText []byte
	for i, from := range input {
		e := entries[from]
		ix.entries[i] = e
		text := norm[from]
		if bare := bareName(text); bare != "" && bare != text {
			text += " " + bare
			ix.bares[i] = text[len(norm[from])+1:]
		}
		ix.nameText[i] = text
		ix.names[i] = text[:len(norm[from])]
		ix.others[i] = ix.fold.fold(e.DepartmentName + " " + e.Text)
		ix.codes[i] = normalize(e.Code)
		ix.flags[i] = entryFlags(&e, ix.fold)
		for j := 0; j < len(ix.others[i]); j++ {
			ix.otherBytes[ix.others[i][j]]++
		}
		names.add(int32(i), ix.nameText[i])
		others.add(int32(i), ix.others[i])
		codes.add(int32(i), ix.codes[i])
		// A query term never holds "\x00", so no match spans two codes.
		codeText = append(codeText, 0)
		codeText = append(codeText, ix.codes[i]...)
		for len(ix.codeOwner) < len(codeText) {
			ix.codeOwner = append(ix.codeOwner, int32(i))
		}
	}
	ix.name, ix.other, ix.code = names.build(), others.build(), codes.build()
	ix.codeSA = suffixarray.New(codeText)
	ix.packTexts()
}

// packTexts moves the texts of the entries into one string each for names, other
// texts and codes, in index order: a search reads the texts of its hits in that order,
// and neighbours in memory are read far faster than strings scattered over the heap.
func (ix *Index) packTexts() {
	for _, list := range [][]string{ix.nameText, ix.others, ix.codes} {
		pack(list)
	}
	for i, text := range ix.nameText {
		n := len(ix.names[i])
		ix.names[i] = text[:n]
		if ix.bares[i] != "" {
			ix.bares[i] = text[n+1:]
		}
	}
}

// pack replaces the strings of list with slices of one string holding them all.
func pack(list []string) {
	total := 0
	for _, s := range list {
		total += len(s)
	}
	var b strings.Builder
	b.Grow(total)
	for _, s := range list {
		b.WriteString(s)
	}
	all, at := b.String(), 0
	for i, s := range list {
		list[i] = all[at : at+len(s)]
		at += len(s)
	}
}

// buildListing orders the default listing and splits it by department.
func (ix *Index) buildListing(input []int32) {
	ix.listing = make([]int32, len(ix.entries))
	for i := range ix.listing {
		ix.listing[i] = int32(i)
	}
	slices.SortFunc(ix.listing, func(a, b int32) int {
		ea, eb := &ix.entries[a], &ix.entries[b]
		return cmp.Or(
			cmp.Compare(ea.DepartmentSort, eb.DepartmentSort),
			strings.Compare(ea.TypeCode, eb.TypeCode),
			strings.Compare(ea.Code, eb.Code),
			cmp.Compare(input[a], input[b]))
	})
	for _, i := range ix.listing {
		d := ix.entries[i].DepartmentCode
		ix.byDept[d] = append(ix.byDept[d], i)
	}
}

// appRanks returns the dense rank of each entry's Applications, capped to 16 bits.
func appRanks(entries []Entry) []uint16 {
	counts := make([]int, 0, len(entries))
	for _, e := range entries {
		counts = append(counts, max(e.Applications, 0))
	}
	slices.Sort(counts)
	counts = slices.Compact(counts)
	out := make([]uint16, len(entries))
	for i, e := range entries {
		r, _ := slices.BinarySearch(counts, max(e.Applications, 0))
		out[i] = uint16(min(r, 0xFFFF))
	}
	return out
}

// buildAliases folds the alias dictionary into a map; blank terms and targets are dropped.
func (ix *Index) buildAliases(aliases []Alias) {
	ix.aliases = make(map[string][]string, len(aliases))
	for _, a := range aliases {
		term := ix.fold.fold(a.Term)
		if term == "" {
			continue
		}
		for _, t := range a.Targets {
			if t = ix.fold.fold(t); t != "" && t != term && !slices.Contains(ix.aliases[term], t) {
				ix.aliases[term] = append(ix.aliases[term], t)
			}
		}
		if len(ix.aliases[term]) == 0 {
			delete(ix.aliases, term)
			continue
		}
		ix.aliasMax = max(ix.aliasMax, utf8.RuneCountInString(term))
	}
}

// Len returns the number of entries in the index.
func (ix *Index) Len() int { return len(ix.entries) }

// Search returns the page of entries that match q, best first; it is safe for concurrent use.
func (ix *Index) Search(q Query) Result {
	offset, limit := max(q.Offset, 0), q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	if ix.fold == nil { // the zero Index
		return Result{Entries: []Entry{}}
	}
	cp := ix.cachedPlan(q.Q)
	p := &cp.plan
	f := newFilter(q, !p.empty())
	if p.empty() {
		if p.blank {
			return ix.list(&f, offset, limit)
		}
		return Result{Entries: []Entry{}, Matches: []Match{}}
	}
	res := ix.rank(p, &f, offset, limit)
	if res.Total == 0 {
		res.DidYouMean = cp.didYouMean(ix)
	}
	return res
}

// list pages the default listing.
func (ix *Index) list(f *filter, offset, limit int) Result {
	order := ix.listing
	if f.dept != "" {
		order = ix.byDept[f.dept]
	}
	res := Result{Entries: []Entry{}}
	for _, i := range order {
		if !f.ok(ix, i) {
			continue
		}
		if res.Total >= offset && res.Total-offset < limit {
			res.Entries = append(res.Entries, ix.entries[i])
		}
		res.Total++
	}
	return res
}
