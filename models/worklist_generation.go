package models

import (
	"slices"
	"sync"
)

// workGenerations counts committed changes to open work per department, so
// that a cached work list can tell without a query whether it is stale. The
// counters only grow, so the sum over a set of departments changes exactly
// when one of them does. This process's own actions bump the departments
// they touch at once; a change by another process (another instance, a
// command) is seen by the change watcher, within a second, as a new
// application event or a bumped work counter, and bumps every department
// (elsewhere), since the watcher does not read which ones changed. Filing
// writes nothing for this: its event is the signal.
type workGenerations struct {
	mu        sync.RWMutex
	depts     map[string]uint64
	all       uint64
	elsewhere uint64 // changes seen by the change watcher, in any department
}

// bump records a committed change to the work of depts.
func (g *workGenerations) bump(depts ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.depts == nil {
		g.depts = map[string]uint64{}
	}
	for _, d := range depts {
		g.depts[d]++
	}
	g.all++
}

// bumpAll records a change to the work of any department.
func (g *workGenerations) bumpAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.elsewhere++
	g.all++
}

// of is the generation of the work of depts; empty or containing "*" means
// every department.
func (g *workGenerations) of(depts []string) uint64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if len(depts) == 0 || slices.Contains(depts, "*") {
		return g.all
	}
	sum := g.elsewhere
	for _, d := range depts {
		sum += g.depts[d]
	}
	return sum
}

// WorkGeneration is a number that changes whenever an open task or the
// application of one in depts changes (an action or a release committed,
// here at once, by another process within a second).
// Read it before reading a work list: a list read afterwards is at least as
// new as the generation.
func (s *Store) WorkGeneration(depts []string) uint64 {
	return s.work.of(depts)
}

// taskDepartments are the departments with a task on the application.
func taskDepartments(app *Application) []string {
	out := make([]string, 0, len(app.Tasks))
	for _, t := range app.Tasks {
		out = append(out, t.DepartmentCode)
	}
	return out
}
