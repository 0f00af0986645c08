package search

import "sync/atomic"

// Live holds the current Index and swaps it atomically when the catalogue is rebuilt (atomic.Pointer); it is a Searcher.
type Live struct {
	current atomic.Pointer[Index]
}

// NewLive returns a Live serving ix; a nil ix serves an empty catalogue.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.Swap(ix)
	return l
}

// Search searches the current Index; a search that started before a Swap finishes on the old one.
func (l *Live) Search(q Query) Result { return l.current.Load().Search(q) }

// Swap makes ix the current Index; a nil ix serves an empty catalogue.
func (l *Live) Swap(ix *Index) {
	if ix == nil {
		ix = New(nil, nil)
	}
	l.current.Store(ix)
}
