package seed

import (
	"encoding/json"
	"fmt"
	"time"

	"onewindow/models"
	"onewindow/workflow"
)

// genEvent is one generated event before it is stored.
type genEvent struct {
	link workflow.Link
	hash string
}

// genTask is one generated department task.
type genTask struct {
	dept    string
	stages  []string
	stage   workflow.Stage
	claimed string
	decided string
	at      *time.Time
}

// genApp is a generated application's history, simulated through the rules.
type genApp struct {
	item                *genItem
	app                 models.Application
	clock               workflow.Clock
	tasks               []*genTask
	events              []genEvent
	promised, statutory string // the deadlines as of the load's Now
}

// genBatch is a run of simulated applications, stored in one transaction.
type genBatch struct {
	apps    []*genApp
	days    map[string]int // day → the last number it used
	samples []Sample
}

// batch simulates the next n applications.
func (g *loadGen) batch(n int) *genBatch {
	b := &genBatch{apps: make([]*genApp, 0, n), days: map[string]int{}}
	for range n {
		ga, code := g.one()
		day := ga.app.Number[:8]
		b.days[day] = g.seq[day]
		b.apps = append(b.apps, ga)
		if g.rnd.IntN(50) == 0 {
			b.samples = append(b.samples, Sample{Number: ga.app.Number, Code: code, State: ga.app.State, Department: ga.app.DepartmentCode})
		}
	}
	return b
}

// one simulates the next application and returns it with its query code.
// Submissions come in time order, a jittered step apart, so that numbers,
// dates and their indexes grow at the end as they do in service.
func (g *loadGen) one() (*genApp, string) {
	li := g.items[g.rnd.IntN(len(g.items))]
	item, def := li.item, li.def
	pool := max(1000, g.opt.Applications/3)
	who := g.rnd.IntN(pool)
	offset := time.Duration((float64(g.next) + g.rnd.Float64()) * float64(g.gap))
	g.next++
	at := g.first.Add(offset).UTC().Truncate(time.Second)
	day := models.CentreDay(at).Format("20060102")
	g.seq[day]++
	number := fmt.Sprintf("%s%06d", day, g.seq[day])
	code := QueryCode(g.opt.Seed, number)
	ga := &genApp{item: li, app: models.Application{Number: number, QueryCodeHash: hashQueryCode(number, code), ItemCode: item.Code,
		ItemVersion: item.Version, ItemName: item.Name, DepartmentCode: item.DepartmentCode, Definition: def,
		Joint: len(def.Departments) > 1, Immediate: def.Immediate, ApplicantName: g.name(who), ApplicantIDNumber: identity(who),
		Channel: models.ChannelOnline, SubmittedAt: at, StatutoryDays: def.StatutoryDays, PromisedDays: def.PromisedDays}}
	ga.clock = workflow.Clock{StatutoryDays: def.StatutoryDays, PromisedDays: def.PromisedDays}
	first := workflow.Submit
	if g.rnd.IntN(3) == 0 {
		ga.app.Channel, ga.app.CreatedBy, first = models.ChannelWindow, "window1", workflow.Register
	}
	g.step(ga, first, "", at)
	for _, a := range g.expand(ga, g.pickPath().actions) {
		at = at.Add(time.Duration(1+g.rnd.IntN(72)) * time.Hour)
		if at.After(g.opt.Now) {
			break
		}
		g.step(ga, a.act, a.dept, at)
	}
	today := models.CentreDay(g.opt.Now)
	ga.promised = models.FormatDay(ga.clock.PromisedDeadline(g.opt.Cal, today))
	ga.statutory = models.FormatDay(ga.clock.StatutoryDeadline(g.opt.Cal, today))
	return ga, code
}

type deptAction struct {
	act  workflow.Action
	dept string
}

// expand turns a path into department-level actions: every department of a
// joint item claims, reviews and approves; a denial comes from the first.
func (g *loadGen) expand(ga *genApp, acts []workflow.Action) []deptAction {
	var out []deptAction
	depts := ga.app.Definition.Departments
	for _, a := range acts {
		if ga.app.Immediate && (a == workflow.Claim || a == workflow.ReviewPass || a == workflow.Suspend) {
			continue
		}
		switch {
		case ga.app.Immediate && (a == workflow.Approve || a == workflow.Deny):
			out = append(out, deptAction{a, ""})
		case a == workflow.Claim || a == workflow.ReviewPass || a == workflow.Approve:
			for _, d := range depts {
				out = append(out, deptAction{a, d.Department})
			}
		case a == workflow.Deny || a == workflow.Suspend:
			out = append(out, deptAction{a, depts[0].Department})
		default:
			out = append(out, deptAction{a, ""})
		}
	}
	return out
}

// step applies one action through the workflow rules; an action the rules
// refuse (say, a review pass for a department without a review stage) is skipped.
func (g *loadGen) step(ga *genApp, act workflow.Action, dept string, at time.Time) {
	a := &ga.app
	f := workflow.Facts{WasAccepted: !ga.clock.AcceptedOn.IsZero(), Immediate: a.Immediate}
	var task *genTask
	for _, t := range ga.tasks {
		if t.dept == dept {
			task = t
		} else if t.stage.Open() {
			f.PendingDecisions++
		}
	}
	rows, err := workflow.Next(a.State, act, f)
	if err != nil {
		return
	}
	row := rows[0]
	if row.Obj == "task" {
		if task == nil {
			return
		}
		next, err := workflow.TaskStage(task.stage, act)
		if err != nil {
			return
		}
		task.stage = next
		switch act {
		case workflow.Claim:
			task.claimed = dept + ".review"
		case workflow.Approve, workflow.Deny:
			t := at
			task.decided, task.at = dept+".approve", &t
		}
	}
	g.applyClock(ga, row, act, at)
	actor, role := "applicant", ""
	if row.By == workflow.Staff {
		actor, role = "window1", "window_clerk"
		if row.Obj == "task" {
			actor, role = dept+".review", "reviewer"
		}
	}
	detail := loadDetail(act)
	prev := a.LastHash
	l := workflow.Link{Application: a.Number, Seq: len(ga.events) + 1, At: at, Actor: actor, Role: role, Department: dept,
		Action: act, From: a.State, To: row.To, Detail: detail, PrevHash: prev}
	h := l.Hash()
	ga.events = append(ga.events, genEvent{link: l, hash: h})
	a.State, a.LastHash, a.EventCount, a.Version, a.UpdatedAt = row.To, h, len(ga.events), len(ga.events), at
	if act == workflow.Deny {
		for _, t := range ga.tasks {
			if t != task && t.stage.Open() {
				t.stage = workflow.StageClosed
			}
		}
	}
}

func (g *loadGen) applyClock(ga *genApp, row workflow.Transition, act workflow.Action, at time.Time) {
	today := models.CentreDay(at)
	switch row.Clock {
	case workflow.ClockStart:
		ga.clock.AcceptedOn = today
		if !ga.app.Immediate {
			for _, d := range ga.app.Definition.Departments {
				ga.tasks = append(ga.tasks, &genTask{dept: d.Department, stages: d.Stages, stage: workflow.FirstStage(d.Stages)})
			}
		}
	case workflow.ClockStop:
		ga.clock = ga.clock.Stop(today)
	case workflow.ClockResume:
		ga.clock = ga.clock.Resume(g.opt.Cal, today)
	case workflow.ClockEnd:
		ga.clock = ga.clock.End(g.opt.Cal, today)
	}
	switch act {
	case workflow.Approve:
		if row.To == workflow.Approved {
			ga.app.Result = "approved"
		}
	case workflow.Deny:
		ga.app.Result = "denied"
	case workflow.Issue:
		ga.app.Delivery = "window"
		if ga.app.Result == "approved" {
			ga.app.ResultNumber = "JN" + ga.app.Number
		}
	}
}

func loadDetail(act workflow.Action) string {
	var m map[string]string
	switch act {
	case workflow.Reject, workflow.Deny:
		m = map[string]string{"reason": "不符合法定条件"}
	case workflow.RequestSupplement:
		m = map[string]string{"missing": "m1"}
	case workflow.Suspend:
		m = map[string]string{"kind": "expert_review", "reason": "组织专家评审", "expected_days": "10"}
	default:
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}
