package models

import "testing"

// TestBatchBuckets: a group commit is counted in the first bucket that holds its size,
// and the sum is the writes of every batch.
func TestBatchBuckets(t *testing.T) {
	var c storeCounters
	for _, n := range []int{1, 2, 3, 4, 5, 200, 256} {
		c.batch(n)
	}
	want := [9]uint64{1, 1, 2, 1, 0, 0, 0, 0, 2}
	for i := range want {
		if got := c.buckets[i].Load(); got != want[i] {
			t.Errorf("bucket ≤%v: %d, want %d", BatchBuckets[i], got, want[i])
		}
	}
	if got := c.sum.Load(); got != 471 {
		t.Errorf("sum %d, want 471", got)
	}
}
