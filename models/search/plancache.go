package search

import (
	"slices"
	"sync"
	"sync/atomic"
)

// maxPlans bounds the plan cache; when it is full it starts again empty.
const maxPlans = 4096

// cachedPlan is a parsed query, shared read-only by the searches that ask it, with its
// "did you mean" worked out the first time it finds nothing.
type cachedPlan struct {
	plan
	dymOnce sync.Once
	dym     []string
}

// planCache maps a query's text (cut to maxQueryRunes) to its plan: folding, cutting
// and expanding a query costs more than matching a narrow one, and people ask the same
// few questions. It caches how a query is read, not what it finds.
type planCache struct {
	m sync.Map // string → *cachedPlan
	n atomic.Int64
}

// cachedPlan returns the cached plan of q, making it on a miss.
func (ix *Index) cachedPlan(q string) *cachedPlan {
	q = truncateRunes(q, maxQueryRunes)
	if v, ok := ix.plans.m.Load(q); ok {
		return v.(*cachedPlan)
	}
	cp := &cachedPlan{plan: ix.plan(q)}
	if ix.plans.n.Add(1) > maxPlans {
		ix.plans.m.Clear()
		ix.plans.n.Store(1)
	}
	v, _ := ix.plans.m.LoadOrStore(q, cp)
	return v.(*cachedPlan)
}

// didYouMean returns the plan's nearest known terms, worked out once.
func (cp *cachedPlan) didYouMean(ix *Index) []string {
	cp.dymOnce.Do(func() { cp.dym = ix.didYouMean(&cp.plan) })
	return slices.Clone(cp.dym)
}
