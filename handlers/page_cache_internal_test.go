package handlers

import (
	"fmt"
	"testing"
	"time"
)

func TestPageCacheServesOnlyTheSameStampAndForgets(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	p := newPageCache()
	key := pageKey{session: "s1", uri: "/tasks", lang: "zh-CN", depts: "scj"}
	stamp := pageStamp{clears: p.clears(), work: 7, day: "2026-03-02"}
	p.put(key, stamp, []byte("page"), now)
	if b, ok := p.get(key, stamp, now.Add(time.Second)); !ok || string(b) != "page" {
		t.Fatalf("same stamp: %q %v", b, ok)
	}
	for name, other := range map[string]pageStamp{
		"work changed": {clears: stamp.clears, work: 8, day: stamp.day},
		"next day":     {clears: stamp.clears, work: 7, day: "2026-03-03"},
	} {
		if _, ok := p.get(key, other, now); ok {
			t.Errorf("%s: served the old page", name)
		}
	}
	if _, ok := p.get(pageKey{session: "s2", uri: "/tasks", lang: "zh-CN", depts: "scj"}, stamp, now); ok {
		t.Error("another session got the page")
	}
	if _, ok := p.get(key, stamp, now.Add(pageCacheTTL+time.Second)); ok {
		t.Error("served after its time to live")
	}

	// A page built before a clear (a calendar or role change) is neither
	// served nor kept.
	p.clear()
	if _, ok := p.get(key, stamp, now); ok {
		t.Error("served after clear")
	}
	p.put(key, stamp, []byte("stale"), now)
	fresh := pageStamp{clears: p.clears(), work: 7, day: stamp.day}
	if _, ok := p.get(key, fresh, now); ok {
		t.Error("a page built before the clear was kept")
	}
}

func TestPageCacheEvictsTheOldestWhenFull(t *testing.T) {
	now := time.Now()
	p := newPageCache()
	stamp := pageStamp{clears: p.clears()}
	for i := range pageCacheSize + 10 {
		p.put(pageKey{session: fmt.Sprint(i)}, stamp, []byte{byte(i)}, now)
	}
	if n := p.pages.size(); n != pageCacheSize {
		t.Fatalf("%d entries", n)
	}
	if _, ok := p.get(pageKey{session: "0"}, stamp, now); ok {
		t.Error("the oldest page was kept")
	}
	if _, ok := p.get(pageKey{session: fmt.Sprint(pageCacheSize + 9)}, stamp, now); !ok {
		t.Error("the newest page was evicted")
	}
}
