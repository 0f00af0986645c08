package handlers

import "sync"

// fifoCache is a bounded map that forgets its oldest entry when full and
// everything on clear. A value computed from state read before a clear is
// not kept: read generation before the state, pass it to put.
type fifoCache[K comparable, V any] struct {
	mu      sync.Mutex
	clears  uint64
	entries map[K]V
	order   []K // insertion order, for eviction
	max     int
}

func newFIFOCache[K comparable, V any](max int) *fifoCache[K, V] {
	return &fifoCache[K, V]{entries: map[K]V{}, max: max}
}

// generation counts the clears so far.
func (c *fifoCache[K, V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clears
}

func (c *fifoCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clears++
	clear(c.entries)
	c.order = c.order[:0]
}

func (c *fifoCache[K, V]) get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	return v, ok
}

// put keeps v unless the cache was cleared since gen was read.
func (c *fifoCache[K, V]) put(gen uint64, key K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.clears || c.max <= 0 {
		return
	}
	if _, ok := c.entries[key]; !ok {
		if len(c.order) >= c.max {
			delete(c.entries, c.order[0])
			c.order = append(c.order[:0], c.order[1:]...)
		}
		c.order = append(c.order, key)
	}
	c.entries[key] = v
}

// size is how many entries are kept.
func (c *fifoCache[K, V]) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
