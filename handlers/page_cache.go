package handlers

import (
	"time"
)

// pageCache keeps rendered work-list pages, so that a reviewer reloading an
// unchanged list costs a map look-up instead of a query and a 50-row
// template. An entry is served only while everything it was built from is
// unchanged: the departments' work (models.Store.WorkGeneration), the centre
// day (deadlines and marks count working days from today), and the
// catalogue, calendar and role assignments (a change the store signals in
// one of them clears the cache, see Server.refresh).
// The key holds the session, so a page with its CSRF token and claim
// buttons is never served to anyone else.
type pageCache struct {
	pages *fifoCache[pageKey, cachedPage]
	ttl   time.Duration
}

// pageKey is whose page and which one.
type pageKey struct {
	session string
	uri     string // path and query as asked
	lang    string
	elder   bool   // 长辈版 pages differ in markup
	depts   string // the departments the list covers after authorization
}

// pageStamp is what a page was built from.
type pageStamp struct {
	clears uint64
	work   uint64
	day    string
}

type cachedPage struct {
	body  []byte
	stamp pageStamp
	at    time.Time
}

// pageCacheSize bounds the cache to a few megabytes of 50-row pages.
const pageCacheSize = 256

// pageCacheTTL bounds how long a page lives even if nothing it knows of
// changed, such as the user's display name.
const pageCacheTTL = time.Minute

func newPageCache() *pageCache {
	return &pageCache{pages: newFIFOCache[pageKey, cachedPage](pageCacheSize), ttl: pageCacheTTL}
}

// clears is read before anything a page is built from, and goes into its stamp.
func (p *pageCache) clears() uint64 { return p.pages.generation() }

// clear forgets every page; call it after what pages show changed
// (catalogue, departments, calendar, role assignments).
func (p *pageCache) clear() { p.pages.clear() }

// get returns the page for key if it was built from the same stamp and is fresh.
func (p *pageCache) get(key pageKey, stamp pageStamp, now time.Time) ([]byte, bool) {
	e, ok := p.pages.get(key)
	if !ok || e.stamp != stamp || now.Sub(e.at) > p.ttl {
		return nil, false
	}
	return e.body, true
}

// put keeps a page, unless the cache was cleared since its stamp was taken.
func (p *pageCache) put(key pageKey, stamp pageStamp, body []byte, now time.Time) {
	p.pages.put(stamp.clears, key, cachedPage{body: body, stamp: stamp, at: now})
}
