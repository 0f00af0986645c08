package models

import (
	"sync"
	"time"
)

// sessionCache keeps sessions with their users for a moment after a read:
// every staff request looks its session up, and under load the same few
// sessions are read thousands of times a second. Every write in this process
// to sessions, users or role assignments forgets the entries it touches at
// once. A change made by another process (the user command, another
// instance) bumps the access or sessions counter of the change signal, and
// the change watcher forgets every entry when it sees that (within a
// second); sessionCacheTTL bounds the rest (a process that does not watch).
type sessionCache struct {
	mu      sync.Mutex
	gen     uint64 // forgets so far; a read from before a forget is not kept
	entries map[string]sessionEntry
}

type sessionEntry struct {
	sess Session
	user User
	at   time.Time // when it was read, on this machine's monotonic clock
}

// sessionCacheTTL is how long a session read stays usable without a query.
const sessionCacheTTL = 2 * time.Second

// sessionCacheMax bounds the cache; past it, everything is forgotten.
const sessionCacheMax = 10000

// get returns copies of a fresh entry that has not expired by now.
func (c *sessionCache) get(id string, now time.Time) (*Session, *User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || time.Since(e.at) > sessionCacheTTL || !e.sess.ExpiresAt.After(now) {
		return nil, nil, false
	}
	sess, user := e.sess, e.user
	return &sess, &user, true
}

// generation is read before the queries whose result put keeps.
func (c *sessionCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *sessionCache) put(gen uint64, sess *Session, user *User, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= sessionCacheMax {
		c.entries = map[string]sessionEntry{}
	}
	c.entries[sess.ID] = sessionEntry{sess: *sess, user: *user, at: at}
}

// forget drops one session, or every one when id is "".
func (c *sessionCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if id == "" {
		clear(c.entries)
		return
	}
	delete(c.entries, id)
}
