package models

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// changePoll is how often the watcher reads the change counters (two small
// reads a second): a change made by another process is in the stamp within
// this time, and rebuilding a cache of the catalogue can take as long again
// on a busy machine; the promise is 2 s.
const changePoll = 500 * time.Millisecond

// areaEvents names, in the watcher's query, the highest application event
// id: filings and actions append an event, so it moves whenever a work list
// may have changed, without a counter row that every filing would write.
const areaEvents Area = "events"

// changeWatch follows the change signal for this process. It remembers the
// counters it has accounted for; a counter that grew (read by the poll, or
// written by a commit of this process) adds one to the area's number in
// the stamp and drops what the store itself caches of the area.
type changeWatch struct {
	mu      sync.Mutex
	seen    map[Area]int64 // counters accounted for, areaEvents included
	polled  bool           // a poll has set the baseline
	missed  bool           // a poll failed before the baseline was set
	started atomic.Bool
	closed  bool
	stop    chan struct{}
	done    chan struct{}
	stamp   atomic.Pointer[ChangeStamp]
	// ownEvents counts the application events this process committed
	// since the last poll that saw the highest event id move.
	ownEvents atomic.Int64
	// wake and eventsNoticed carry PostgreSQL's notices (changes_listen.go).
	wake          chan struct{}
	eventsNoticed atomic.Bool
	listening     sync.WaitGroup
}

// appended notes n application events committed by this process.
func (w *changeWatch) appended(n int64) { w.ownEvents.Add(n) }

// start reads the baseline and starts the poll, once; after close it does nothing.
func (w *changeWatch) start(s *Store) {
	if w.started.Load() {
		return
	}
	w.mu.Lock()
	if w.started.Load() || w.closed {
		w.mu.Unlock()
		return
	}
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	w.wake = make(chan struct{}, 1)
	w.started.Store(true)
	w.mu.Unlock()
	w.poll(s)
	if pg, ok := s.dialect.(postgresDialect); ok {
		w.listening.Go(func() { w.listen(pg, w.stop) })
	}
	go w.run(s)
}

// current is the stamp of the changes noted so far.
func (w *changeWatch) current() ChangeStamp {
	if p := w.stamp.Load(); p != nil {
		return *p
	}
	return ChangeStamp{}
}

func (w *changeWatch) run(s *Store) {
	defer close(w.done)
	t := time.NewTicker(changePoll)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.poll(s)
		case <-w.wake:
			w.poll(s)
			if w.eventsNoticed.Swap(false) {
				s.work.bumpAll()
			}
		}
	}
}

// close stops the poll and waits for it; Store.Close calls it before
// closing the connections.
func (w *changeWatch) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	started := w.started.Load()
	w.mu.Unlock()
	if started {
		close(w.stop)
		<-w.done
		w.listening.Wait()
	}
}

// poll reads every counter and the highest event id in one query. A failed
// read is tried again at the next tick.
func (w *changeWatch) poll(s *Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*changePoll)
	defer cancel()
	var rows []counter
	err := s.read.WithContext(ctx).Raw(`SELECT area, counter FROM change_counters
		UNION ALL SELECT ?, COALESCE(MAX(id), 0) FROM application_events`, areaEvents).Scan(&rows).Error
	w.mu.Lock()
	baseline, missed := !w.polled, w.missed
	if err != nil {
		w.missed = w.missed || baseline
	} else {
		w.polled = true
	}
	w.mu.Unlock()
	if err != nil {
		return
	}
	seen := make(map[Area]int64, len(rows))
	for _, r := range rows {
		seen[r.Area] = r.Counter
	}
	switch {
	case !baseline:
		w.note(s, seen, false)
	case missed:
		// The caches were built before a baseline could be read: a change
		// made in between is unknown, so count every area as changed.
		w.adopt(seen)
		w.noteAll(s)
	default:
		w.adopt(seen)
	}
}

// noteAll counts a change of every area, for when what changed is unknown.
func (w *changeWatch) noteAll(s *Store) {
	w.mu.Lock()
	next := w.current()
	for _, a := range Areas() {
		next.add(a)
	}
	w.stamp.Store(&next)
	w.mu.Unlock()
	s.sessions.forget("")
	s.work.bumpAll()
}

// adopt takes the first poll's counters as what this process has seen.
func (w *changeWatch) adopt(seen map[Area]int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen == nil {
		w.seen = map[Area]int64{}
	}
	for a, v := range seen {
		w.seen[a] = max(w.seen[a], v)
	}
}

// note accounts for counters read by a poll or written by a commit of this
// process (own). Counters only grow, so a smaller value is an older read.
// What the store caches itself is dropped only for changes of others: this
// process's writes forget what they touch as they commit.
func (w *changeWatch) note(s *Store, seen map[Area]int64, own bool) {
	var changed, others []Area
	w.mu.Lock()
	if w.seen == nil {
		w.seen = map[Area]int64{}
	}
	for a, v := range seen {
		if v > w.seen[a] {
			mine := int64(1) // a commit of this process bumps a counter once
			if !own {
				mine = 0
			}
			if a == areaEvents {
				// Events this process appended since the last poll are its
				// own work, already counted by its work generations. One
				// appended after the read is taken early; its event shows
				// up in the next poll as someone else's, which errs safe.
				mine = w.ownEvents.Swap(0)
			}
			if v-w.seen[a] > mine {
				others = append(others, a)
			}
			w.seen[a] = v
			changed = append(changed, a)
		}
	}
	if len(changed) > 0 {
		next := w.current()
		for _, a := range changed {
			next.add(a)
		}
		w.stamp.Store(&next)
	}
	w.mu.Unlock()
	for _, a := range others {
		switch a {
		case AreaAccess, AreaSessions:
			s.sessions.forget("")
		case AreaWork, areaEvents:
			s.work.bumpAll()
		}
	}
}

// add counts one change of area a, if a cache outside the store follows it.
func (c *ChangeStamp) add(a Area) {
	switch a {
	case AreaCatalogue:
		c.Catalogue++
	case AreaCalendar:
		c.Calendar++
	case AreaAccess:
		c.Access++
	case AreaSite:
		c.Site++
	}
}
