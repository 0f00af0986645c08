package search

import "sync/atomic"

// Live holds the current Index and swaps it atomically when the catalogue is rebuilt
// (atomic.Pointer); it is the Searcher the handlers use. Beyond Index.Search it reads
// alias terms spelled in pinyin (dibao → 低保), offers only "did you mean" terms that
// find something in the query's own scope, and completes partly typed alias terms as
// the visitor types (Suggest).
type Live struct {
	current atomic.Pointer[served]
}

// served is one Index with the alias help built for it, swapped together.
type served struct {
	ix   *Index
	help *aliasHelp
}

// NewLive returns a Live serving ix; a nil ix serves an empty catalogue.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.Swap(ix)
	return l
}

// Search searches the current Index; a search that started before a Swap finishes on the old one.
func (l *Live) Search(q Query) Result { return l.current.Load().search(q) }

// Suggest answers a partly typed query: what Search finds, then, in the places left,
// what the alias terms that the last word begins find (开饭 → 开饭店 → 食品经营许可).
func (l *Live) Suggest(q Query) Result { return l.current.Load().suggest(q) }

// Swap makes ix the current Index; a nil ix serves an empty catalogue.
func (l *Live) Swap(ix *Index) {
	if ix == nil {
		ix = New(nil, nil)
	}
	l.current.Store(&served{ix: ix, help: newAliasHelp(ix)})
}

// search runs q with alias terms spelled in pinyin read as the terms (falling back to
// the query as typed when that finds nothing) and keeps the "did you mean" terms that
// find something in q's scope.
func (s *served) search(q Query) Result {
	if s.ix.fold == nil {
		return s.ix.Search(q)
	}
	res := Result{}
	if folded := s.ix.fold.fold(truncateRunes(q.Q, maxQueryRunes)); s.help.respell(folded) != folded {
		sq := q
		sq.Q = s.help.respell(folded)
		res = s.ix.Search(sq)
	}
	if res.Total == 0 {
		res = s.ix.Search(q)
	}
	if len(res.DidYouMean) > 0 {
		res.DidYouMean = s.ix.offerable(q, res.DidYouMean)
	}
	return res
}
