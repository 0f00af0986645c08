// Package search serves the published catalogue from an in-memory index of character
// unigrams and bigrams: Chinese substring search over names, other text and codes,
// ranked exact name > name prefix > name substring (earlier first) > elsewhere, with
// filters and stable paging.
package search

import (
	"cmp"
	"index/suffixarray"
	"slices"
	"strings"
	"unicode/utf8"
)

// Paging limits; the handler clamps too.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Entry is what the index knows of one published item.
type Entry struct {
	Code, Name, TypeCode, DepartmentCode, DepartmentName string
	DepartmentSort                                       int    // department order for the default listing
	Disposition                                          string // retained | cancelled | merged | delegated
	OnApplication, Joint, Immediate                      bool
	StatutoryDays, PromisedDays                          *int   // nil: not published
	Text                                                 string // other searchable text: conditions, legal basis, material names, result name
}

// Query selects, ranks and pages entries.
type Query struct {
	Q                    string
	Department, Type     string // exact codes, "" = any
	Status               string // "retained" (default when "" or unknown), "reduced" (= not retained), "all"
	OnApplication, Joint *bool  // nil = any
	Offset, Limit        int
}

// Result is one page of matches.
type Result struct {
	Total   int
	Entries []Entry
}

// Searcher is the one small interface the handlers depend on.
type Searcher interface {
	Search(q Query) Result
}

// Index is an immutable in-memory Searcher; build a new one when the catalogue changes.
type Index struct {
	// entries are ordered by name length in runes, then Code, then input order: the
	// tie order of ranked results. Posting lists are therefore already in tie order and
	// ranking needs no comparison sort.
	entries []Entry
	flags   []uint8  // flagRetained, flagOnApplication, flagJoint
	names   []string // normalised Name
	others  []string // normalised DepartmentName and Text
	codes   []string // normalised Code
	name    gramIndex
	other   gramIndex
	code    gramIndex // one- and two-character grams of codes

	codeSA    *suffixarray.Index // over "\x00" + codes[0] + "\x00" + codes[1] …, for longer terms
	codeOwner []int32            // entry owning each byte of the suffix array's text

	otherBytes [256]int // byte frequencies of others, to pick a rare byte to scan for

	listing []int32            // default listing: DepartmentSort, TypeCode, Code, input order
	byDept  map[string][]int32 // the listing split by department code
}

var (
	_ Searcher = (*Index)(nil)
	_ Searcher = (*Live)(nil)
)

// New builds an index of entries; it keeps its own copy of the slice.
func New(entries []Entry) *Index {
	n := len(entries)
	norm := make([]string, n)
	runes := make([]int, n)
	input := make([]int32, n) // input position, the last tie-breaker of both orders
	for i := range entries {
		norm[i] = normalize(entries[i].Name)
		runes[i] = utf8.RuneCountInString(norm[i])
		input[i] = int32(i)
	}
	slices.SortFunc(input, func(a, b int32) int {
		return cmp.Or(
			cmp.Compare(runes[a], runes[b]),
			strings.Compare(entries[a].Code, entries[b].Code),
			cmp.Compare(a, b))
	})

	ix := &Index{
		entries: make([]Entry, n),
		flags:   make([]uint8, n),
		names:   make([]string, n),
		others:  make([]string, n),
		codes:   make([]string, n),
		byDept:  make(map[string][]int32),
	}
	names, others, codes := newGramBuilder(true), newGramBuilder(false), newGramBuilder(false)
	var codeText []byte
	for i, from := range input {
		e := entries[from]
		ix.entries[i] = e
		ix.names[i] = norm[from]
		ix.others[i] = normalize(e.DepartmentName + " " + e.Text)
		ix.codes[i] = normalize(e.Code)
		ix.flags[i] = entryFlags(&e)
		for j := 0; j < len(ix.others[i]); j++ {
			ix.otherBytes[ix.others[i][j]]++
		}
		names.add(int32(i), ix.names[i])
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

	ix.listing = make([]int32, n)
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
	return ix
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
	f := newFilter(q)
	terms := parseTerms(q.Q)
	if len(terms) == 0 {
		return ix.list(&f, offset, limit)
	}
	// The most selective term goes first, so that the others only check its hits.
	ms := make([]termMatch, 0, len(terms))
	for _, t := range terms {
		m := ix.prepare(t)
		if m.size() == 0 {
			return ix.page(nil, offset, limit)
		}
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b termMatch) int { return a.size() - b.size() })
	hits := ix.all(&ms[0], &f)
	for i := 1; i < len(ms) && len(hits) > 0; i++ {
		hits = ix.narrow(&ms[i], hits)
	}
	return ix.page(hits, offset, limit)
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

// page orders hits by key, then index (the tie order), with a counting sort, and
// copies out only the requested page.
func (ix *Index) page(hits []hit, offset, limit int) Result {
	res := Result{Total: len(hits), Entries: []Entry{}}
	if offset >= len(hits) {
		return res
	}
	var start [keyOther + 1]int
	for _, h := range hits {
		start[h.key]++
	}
	sum := 0
	for k, c := range start {
		start[k] = sum
		sum += c
	}
	end := offset + min(limit, len(hits)-offset)
	res.Entries = make([]Entry, end-offset)
	todo := len(res.Entries)
	for _, h := range hits {
		p := start[h.key]
		start[h.key]++
		if p >= offset && p < end {
			res.Entries[p-offset] = ix.entries[h.idx]
			if todo--; todo == 0 {
				break
			}
		}
	}
	return res
}
