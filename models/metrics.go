package models

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// What the store counts for the metrics page (handlers/metrics.go): filings,
// actions and group-commit batches since the process started, kept in memory
// with atomics so that counting costs a writer nothing it would notice, and
// the open work read from the database when asked (Gauges).

// BatchBuckets are the upper bounds of the group-commit batch-size histogram:
// powers of two up to maxBatch.
var BatchBuckets = []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}

// Filing kinds for FilingCount.
const (
	FilingSingle = "single" // one item
	FilingBundle = "bundle" // an 一件事 bundle (its children are not counted again)
)

// Action targets for ActionCount.
const (
	TargetApplication = "application"
	TargetBundle      = "bundle"
)

// FilingCount is the number of filings of one kind through one channel.
type FilingCount struct {
	Kind, Channel string
	Count         uint64
}

// ActionCount is the number of actions of one kind on one target.
type ActionCount struct {
	Target string
	Action workflow.Action
	Count  uint64
}

// BatchStats is the group-commit batch-size histogram: Buckets[i] counts the
// batches of more than BatchBuckets[i-1] and at most BatchBuckets[i] writes (not
// cumulative; their total is the number of batches). Sum is the writes in them.
type BatchStats struct {
	Buckets [9]uint64
	Sum     uint64
}

// Counters is a snapshot of what the store has counted since it was opened.
type Counters struct {
	Filings []FilingCount
	Actions []ActionCount
	Batches BatchStats
	// WriteQueue is the number of writes waiting for the group committer now.
	WriteQueue int
}

// storeCounters is the store's own counting; the zero value is ready.
type storeCounters struct {
	mu      sync.Mutex // guards the maps, not the counts
	filings map[[2]string]*atomic.Uint64
	actions map[[2]string]*atomic.Uint64
	buckets [9]atomic.Uint64
	sum     atomic.Uint64
}

func (c *storeCounters) counter(m *map[[2]string]*atomic.Uint64, a, b string) *atomic.Uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *m == nil {
		*m = make(map[[2]string]*atomic.Uint64)
	}
	k := [2]string{a, b}
	n := (*m)[k]
	if n == nil {
		n = new(atomic.Uint64)
		(*m)[k] = n
	}
	return n
}

func (c *storeCounters) filed(kind, channel string) { c.counter(&c.filings, kind, channel).Add(1) }

func (c *storeCounters) acted(target string, act workflow.Action) {
	c.counter(&c.actions, target, string(act)).Add(1)
}

func (c *storeCounters) batch(n int) {
	i := 0
	for i < len(BatchBuckets)-1 && float64(n) > BatchBuckets[i] {
		i++
	}
	c.buckets[i].Add(1)
	c.sum.Add(uint64(n))
}

// Counters returns what the store has counted since it was opened.
func (s *Store) Counters() Counters {
	c := &s.counters
	var out Counters
	c.mu.Lock()
	for k, n := range c.filings {
		out.Filings = append(out.Filings, FilingCount{Kind: k[0], Channel: k[1], Count: n.Load()})
	}
	for k, n := range c.actions {
		out.Actions = append(out.Actions, ActionCount{Target: k[0], Action: workflow.Action(k[1]), Count: n.Load()})
	}
	c.mu.Unlock()
	out.Batches.Sum = c.sum.Load()
	for i := range c.buckets {
		out.Batches.Buckets[i] = c.buckets[i].Load()
	}
	if s.commits != nil {
		out.WriteQueue = len(s.commits.reqs)
	}
	return out
}

// StateCount is the number of applications in one state.
type StateCount struct {
	State workflow.State
	Count int64
}

// CaseCount is the number of rectification cases of a department in one state, and how
// many of them are past their due day.
type CaseCount struct {
	Department string
	State      string
	Count      int64
	Overdue    int64
}

// LevelCount is the number of evaluations (好差评) at one level.
type LevelCount struct {
	Level int
	Count int64
}

// Gauges is the open work as the database holds it now.
type Gauges struct {
	// Open counts the applications in each state that is not final, every such state
	// listed (zero when none).
	Open []StateCount
	// Work is the open tasks per department with the overdue and due-soon ones.
	Work []DeptWorkload
	// Levels counts the evaluations at each level 1..5, every level listed.
	Levels []LevelCount
	// Cases counts the rectification cases that are not closed.
	Cases []CaseCount
	// Cards counts the 黄牌 / 红牌 recorded, every colour listed.
	Cards []ColourCount
}

// Gauges reads the open work: applications by state, tasks per department (overdue
// and due soon by the work list's rules, today being a centre day), evaluations by
// level and the rectification cases not closed. Each query reads an index of
// bounded width (states, departments, levels), not the applications themselves.
func (s *Store) Gauges(ctx context.Context, cal *workflow.Calendar, today time.Time, warn int) (*Gauges, error) {
	db := s.read.WithContext(ctx)
	var open []string
	for _, st := range workflow.States {
		if !st.Final() {
			open = append(open, string(st))
		}
	}
	var states []StateCount
	if err := db.Raw(`SELECT state, COUNT(*) AS count FROM applications WHERE state IN ? GROUP BY state`, open).
		Scan(&states).Error; err != nil {
		return nil, fmt.Errorf("models: gauges: applications: %w", err)
	}
	out := &Gauges{}
	for _, st := range open {
		sc := StateCount{State: workflow.State(st)}
		for _, r := range states {
			if r.State == sc.State {
				sc.Count = r.Count
			}
		}
		out.Open = append(out.Open, sc)
	}
	var err error
	if out.Work, err = s.Workload(ctx, cal, today, warn); err != nil {
		return nil, fmt.Errorf("models: gauges: %w", err)
	}
	if out.Levels, err = s.levels.tally(db); err != nil {
		return nil, fmt.Errorf("models: gauges: evaluations: %w", err)
	}
	if out.Cards, err = s.cards.tally(db); err != nil {
		return nil, fmt.Errorf("models: gauges: cards: %w", err)
	}
	if err := db.Raw(`SELECT department_code AS department, state, COUNT(*) AS count,
		SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END) AS overdue
		FROM rectification_cases WHERE state IN ? GROUP BY department_code, state ORDER BY department_code, state`,
		today.Format(time.DateOnly), CaseStates[:len(CaseStates)-1]).Scan(&out.Cases).Error; err != nil {
		return nil, fmt.Errorf("models: gauges: rectification cases: %w", err)
	}
	return out, nil
}

// levelTally counts the evaluations by level. Evaluations are never changed or
// deleted (the table's triggers), so each read counts only those added since the
// last (id above the last one seen) and the tally stays exact without reading the
// whole table again.
type levelTally struct {
	mu     sync.Mutex
	lastID uint
	counts [LevelVerySatisfied + 1]int64
}

func (t *levelTally) tally(db *gorm.DB) ([]LevelCount, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var rows []struct {
		Level int
		Count int64
		MaxID uint
	}
	// GROUP BY +level: grouping by the bare column makes SQLite walk the whole level
	// index rather than seek the new ids by the primary key. The select list
	// repeats the expression, as PostgreSQL only returns what it grouped by.
	if err := db.Raw(`SELECT +level AS level, COUNT(*) AS count, MAX(id) AS max_id FROM evaluations WHERE id > ? GROUP BY +level`, t.lastID).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	counts, last := t.counts, t.lastID
	for _, r := range rows {
		if r.Level < LevelVeryDissatisfied || r.Level > LevelVerySatisfied {
			return nil, fmt.Errorf("an evaluation at level %d", r.Level)
		}
		counts[r.Level] += r.Count
		last = max(last, r.MaxID)
	}
	t.counts, t.lastID = counts, last
	out := make([]LevelCount, 0, LevelVerySatisfied)
	for l := LevelVeryDissatisfied; l <= LevelVerySatisfied; l++ {
		out = append(out, LevelCount{Level: l, Count: counts[l]})
	}
	return out, nil
}
