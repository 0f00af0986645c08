package models

import (
	"slices"
	"sync"
)

// workGenerations counts committed changes to open work per department, so
// that a cached work list can tell without a query whether it is stale. The
// counters only grow, so the sum over a set of departments changes exactly
// when one of them does. They live in the process: the server is the only
// writer of applications (one writer connection, see Open).
type workGenerations struct {
	mu    sync.RWMutex
	depts map[string]uint64
	all   uint64
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

// of is the generation of the work of depts; empty or containing "*" means
// every department.
func (g *workGenerations) of(depts []string) uint64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if len(depts) == 0 || slices.Contains(depts, "*") {
		return g.all
	}
	var sum uint64
	for _, d := range depts {
		sum += g.depts[d]
	}
	return sum
}

// WorkGeneration is a number that changes whenever an open task or the
// application of one in depts changes (an action or a release committed).
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
