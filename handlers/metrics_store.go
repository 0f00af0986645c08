package handlers

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"onewindow/models"
	"onewindow/workflow"
)

// The store's side of the metrics: what it has counted since it was opened
// (filings, actions, group-commit batches, the write queue) and the open work
// the database holds now (applications by state, tasks, 好差评, rectification).
var (
	descFilings = prometheus.NewDesc("onewindow_filings_total",
		"Applications filed since the process started, by kind (single item or 一件事 bundle) and channel (online or window).",
		[]string{"kind", "channel"}, nil)
	descActions = prometheus.NewDesc("onewindow_workflow_actions_total",
		"Workflow actions done since the process started, by target (application or bundle) and action.",
		[]string{"target", "action"}, nil)
	descBatch = prometheus.NewDesc("onewindow_commit_batch_size",
		"Writes carried by each group commit (one SQLite transaction, each write in its own savepoint).", nil, nil)
	descQueue = prometheus.NewDesc("onewindow_commit_queue_depth",
		"Writes waiting for the group committer at the scrape.", nil, nil)
	descGaugesUp = prometheus.NewDesc("onewindow_open_work_up",
		"1 when the open-work figures below were read from the database; 0 when the read failed and they are left out (unknown, not zero).", nil, nil)
	descOpen = prometheus.NewDesc("onewindow_applications_open",
		"Applications in each state that is not final.", []string{"state"}, nil)
	descTasks = prometheus.NewDesc("onewindow_tasks_open",
		"Open review and decision tasks per department (the departments' queues).", []string{"department"}, nil)
	descOverdue = prometheus.NewDesc("onewindow_tasks_overdue",
		"Open tasks past their promised deadline, clock not stopped, per department.", []string{"department"}, nil)
	descDueSoon = prometheus.NewDesc("onewindow_tasks_due_soon",
		"Open tasks with at most three working days left, per department.", []string{"department"}, nil)
	descStopped = prometheus.NewDesc("onewindow_tasks_stopped",
		"Open tasks whose clock is stopped (supplement or special procedure), per department.", []string{"department"}, nil)
	descLevels = prometheus.NewDesc("onewindow_evaluations_total",
		"好差评 evaluations given, by level (5 非常满意 … 1 非常不满意).", []string{"level"}, nil)
	descCases = prometheus.NewDesc("onewindow_rectification_cases_open",
		"Rectification cases of 差评 not yet closed, by department and state.", []string{"department", "state"}, nil)
	descCards = prometheus.NewDesc("onewindow_cards_total",
		"黄牌 / 红牌 recorded on open tasks near or past their promised deadline, by colour (yellow, red); every instance counts the same cards.", []string{"colour"}, nil)
	descCasesOverdue = prometheus.NewDesc("onewindow_rectification_cases_overdue",
		"Rectification cases not closed and past their due day, per department.", []string{"department"}, nil)
)

// storeCollector reads the store at each scrape; the open work is cached (openWork).
type storeCollector struct{ s *Server }

// Describe sends every family the collector makes.
func (sc *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descFilings, descActions, descBatch, descQueue, descGaugesUp, descOpen,
		descTasks, descOverdue, descDueSoon, descStopped, descLevels, descCases, descCasesOverdue, descCards} {
		ch <- d
	}
}

// Collect sends the store's counts and, when they can be read, its open work.
func (sc *storeCollector) Collect(ch chan<- prometheus.Metric) {
	sc.counters(ch)
	g, err := sc.s.openWork()
	if err != nil {
		sc.s.log.Warn("metrics: open work not read", "error", err)
		ch <- prometheus.MustNewConstMetric(descGaugesUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descGaugesUp, prometheus.GaugeValue, 1)
	sc.openWork(ch, g)
}

func (sc *storeCollector) counters(ch chan<- prometheus.Metric) {
	c := sc.s.store.Counters()
	// Every kind, channel and application action is listed from the start: none
	// since the process started is a count of zero, and rate() needs the series.
	filings := map[[2]string]uint64{}
	for _, k := range []string{models.FilingSingle, models.FilingBundle} {
		for _, ch := range []string{models.ChannelOnline, models.ChannelWindow} {
			filings[[2]string{k, ch}] = 0
		}
	}
	for _, f := range c.Filings {
		filings[[2]string{f.Kind, f.Channel}] += f.Count
	}
	for k, n := range filings {
		ch <- prometheus.MustNewConstMetric(descFilings, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	actions := map[[2]string]uint64{}
	for _, a := range workflow.Actions {
		actions[[2]string{models.TargetApplication, string(a)}] = 0
	}
	for _, a := range c.Actions {
		actions[[2]string{a.Target, string(a.Action)}] += a.Count
	}
	for k, n := range actions {
		ch <- prometheus.MustNewConstMetric(descActions, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	var count uint64
	buckets := make(map[float64]uint64, len(models.BatchBuckets))
	for i, le := range models.BatchBuckets {
		count += c.Batches.Buckets[i]
		buckets[le] = count
	}
	ch <- prometheus.MustNewConstHistogram(descBatch, count, float64(c.Batches.Sum), buckets)
	ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(c.WriteQueue))
}

func (sc *storeCollector) openWork(ch chan<- prometheus.Metric, g *models.Gauges) {
	gauge := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
	}
	for _, o := range g.Open {
		gauge(descOpen, o.Count, string(o.State))
	}
	// Every department is listed: one with no open task has none (the count is
	// over all open tasks), and a series that comes and goes is hard to alert on.
	work := map[string]models.DeptWorkload{}
	if ref := sc.s.ref.Load(); ref != nil {
		for _, d := range ref.depts {
			work[d.Code] = models.DeptWorkload{Department: d.Code}
		}
	}
	for _, w := range g.Work {
		work[w.Department] = w
	}
	for dept, w := range work {
		gauge(descTasks, int64(w.Open), dept)
		gauge(descOverdue, int64(w.Overdue), dept)
		gauge(descDueSoon, int64(w.DueSoon), dept)
		gauge(descStopped, int64(w.Stopped), dept)
	}
	for _, l := range g.Levels {
		ch <- prometheus.MustNewConstMetric(descLevels, prometheus.CounterValue, float64(l.Count), strconv.Itoa(l.Level))
	}
	for _, cc := range g.Cards {
		ch <- prometheus.MustNewConstMetric(descCards, prometheus.CounterValue, float64(cc.Count), cc.Colour)
	}
	overdue := map[string]int64{}
	for dept := range work {
		overdue[dept] = 0
	}
	for _, cs := range g.Cases {
		gauge(descCases, cs.Count, cs.Department, cs.State)
		overdue[cs.Department] += cs.Overdue
	}
	for dept, n := range overdue {
		gauge(descCasesOverdue, n, dept)
	}
}
