package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// Due filters of a work list.
const (
	DueOverdue   = "overdue"   // the promised limit has passed
	DueSoon      = "due_soon"  // at most WarnDays working days remain
	DueAttention = "attention" // overdue or due soon
)

// WorklistFilter selects open tasks (stages review and decide).
type WorklistFilter struct {
	// Departments are the departments whose tasks are listed; empty or
	// containing "*" lists every department.
	Departments []string
	Stage       workflow.Stage // "" for both open stages
	ClaimedBy   string         // only tasks claimed by this user
	Unclaimed   bool           // only tasks nobody claimed
	ItemCode    string
	Due         string // "", DueOverdue, DueSoon or DueAttention
	// Cal, Today and WarnDays decide the due filters; Today is a centre day.
	Cal      *workflow.Calendar
	Today    time.Time
	WarnDays int
	After    string // the cursor of the previous page
	Limit    int    // 1..200, default 50
}

// WorkItem is one open task with what a work list shows of its application.
type WorkItem struct {
	TaskID           uint
	ApplicationID    uint
	Department       string
	Stage            workflow.Stage
	StageName        string // the stage of the department's own sequence, "" for the default
	StageDue         string // that stage's own due date, "" when it has none
	ClaimedBy        string
	PromisedDeadline string
	Number           string
	ItemCode         string
	ItemName         string
	ApplicantName    string
	State            workflow.State
	Version          int
	Joint            bool
	AcceptedOn       string
	StatutoryDays    int
	PromisedDays     int
	ExtendedDays     int
	StoppedDays      int
	StoppedSince     string
	EndedOn          string
	BundleFilingID   uint // the 一件事 bundle the application is a child of; 0 for none
}

// Clock returns the legal clock of the task's application.
func (w *WorkItem) Clock() workflow.Clock {
	a := Application{AcceptedOn: w.AcceptedOn, StatutoryDays: w.StatutoryDays, PromisedDays: w.PromisedDays,
		ExtendedDays: w.ExtendedDays, StoppedDays: w.StoppedDays, StoppedSince: w.StoppedSince, EndedOn: w.EndedOn}
	return a.Clock()
}

// Worklist is one page of a work list and the cursor of the next ("" at the end).
type Worklist struct {
	Items []WorkItem
	Next  string
}

// ErrBadCursor is a work-list cursor that was not made by Worklist.
var ErrBadCursor = errors.New("models: bad work-list cursor")

const worklistColumns = `t.id AS task_id, t.application_id, t.department_code AS department, t.stage, t.stage_name, t.stage_due, t.claimed_by,
	t.promised_deadline, a.number, a.item_code, a.item_name, a.applicant_name, a.state, a.version, a.joint,
	a.accepted_on, a.statutory_days, a.promised_days, a.extended_days, a.stopped_days, a.stopped_since, a.ended_on,
	a.bundle_filing_id`

// openTasks is the condition of the partial work-list indexes; it must be
// spelled the same in every query for SQLite to use them.
const openTasks = "t.stage IN ('review', 'decide')"

// openApplications is the condition of the partial index on the items of open applications.
const openApplications = "a.state IN ('accepted', 'in_review', 'suspended', 'supplement_required')"

// Worklist returns a page of open tasks ordered by promised deadline (the
// fewest working days remaining first), then application and task, using
// keyset pagination so that any page costs the same.
func (s *Store) Worklist(ctx context.Context, f WorklistFilter) (*Worklist, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	q, err := worklistQuery(s.read.WithContext(ctx), f)
	if err != nil {
		return nil, err
	}
	if f.After != "" {
		deadline, appID, taskID, err := parseCursor(f.After)
		if err != nil {
			return nil, err
		}
		q = q.Where("(t.promised_deadline, t.application_id, t.id) > (?, ?, ?)", deadline, appID, taskID)
	}
	var rows []WorkItem
	err = q.Select(worklistColumns).Order("t.promised_deadline, t.application_id, t.id").Limit(limit + 1).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: work list: %w", err)
	}
	out := &Worklist{Items: rows}
	if len(rows) > limit {
		out.Items = rows[:limit]
		last := rows[limit-1]
		out.Next = fmt.Sprintf("%s~%d~%d", last.PromisedDeadline, last.ApplicationID, last.TaskID)
	}
	return out, nil
}

// worklistQuery is the filtered join without order, limit or columns.
func worklistQuery(db *gorm.DB, f WorklistFilter) (*gorm.DB, error) {
	q := db.Table("application_tasks AS t").Joins("JOIN applications AS a ON a.id = t.application_id").Where(openTasks)
	if depts := f.Departments; len(depts) > 0 && !slices.Contains(depts, "*") {
		if len(depts) == 1 {
			q = q.Where("t.department_code = ?", depts[0])
		} else {
			q = q.Where("t.department_code IN ?", depts)
		}
	}
	switch f.Stage {
	case "":
	case workflow.StageReview, workflow.StageDecide:
		q = q.Where("t.stage = ?", string(f.Stage))
	default:
		return nil, &ValidationError{Fields: map[string]string{"stage": "must be review or decide"}}
	}
	if f.ClaimedBy != "" {
		q = q.Where("t.claimed_by = ?", f.ClaimedBy)
	} else if f.Unclaimed {
		q = q.Where("t.claimed_by = ''")
	}
	if f.ItemCode != "" {
		// Spelled as the partial index on open applications: an open task's
		// application is in one of these states.
		q = q.Where("a.item_code = ? AND "+openApplications, f.ItemCode)
	}
	if f.Due == "" {
		return q, nil
	}
	if f.Cal == nil {
		return nil, fmt.Errorf("models: work list: a due filter needs the calendar")
	}
	last, soon := dueBounds(f.Cal, f.Today, f.WarnDays)
	// A stopped clock counts no days: such work is neither due soon nor overdue.
	q = q.Where("a.stopped_since = ''")
	switch f.Due {
	case DueOverdue:
		q = q.Where("t.promised_deadline < ?", last)
	case DueSoon:
		q = q.Where("t.promised_deadline >= ? AND t.promised_deadline <= ?", last, soon)
	case DueAttention:
		q = q.Where("t.promised_deadline <= ?", soon)
	default:
		return nil, &ValidationError{Fields: map[string]string{"due": "must be overdue, due_soon or attention"}}
	}
	return q, nil
}

// dueBounds turns the clock's rules into deadline bounds: a running clock is
// overdue when its deadline is before the last working day up to today, and
// due soon when its deadline is at most warn working days after today.
func dueBounds(cal *workflow.Calendar, today time.Time, warn int) (last, soon string) {
	d := today
	for i := 0; i < 60 && !cal.IsWorkday(d); i++ {
		d = d.AddDate(0, 0, -1)
	}
	return FormatDay(d), FormatDay(cal.AddWorkdays(today, max(warn, 0)))
}

func parseCursor(s string) (string, uint64, uint64, error) {
	parts := strings.Split(s, "~")
	if len(parts) != 3 {
		return "", 0, 0, ErrBadCursor
	}
	a, err1 := strconv.ParseUint(parts[1], 10, 64)
	t, err2 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil || len(parts[0]) > 10 {
		return "", 0, 0, ErrBadCursor
	}
	return parts[0], a, t, nil
}

// DeptWorkload counts a department's open tasks.
type DeptWorkload struct {
	Department string
	Open       int
	Overdue    int
	DueSoon    int
	Stopped    int // waiting for a supplement or a special procedure
}

// Workload counts open tasks, overdue and due-soon ones per department, by
// the same rules as the work list's due filters.
func (s *Store) Workload(ctx context.Context, cal *workflow.Calendar, today time.Time, warn int) ([]DeptWorkload, error) {
	last, soon := dueBounds(cal, today, warn)
	var out []DeptWorkload
	err := s.read.WithContext(ctx).Raw(`SELECT t.department_code AS department, COUNT(*) AS open,
		SUM(CASE WHEN a.stopped_since = '' AND t.promised_deadline < ? THEN 1 ELSE 0 END) AS overdue,
		SUM(CASE WHEN a.stopped_since = '' AND t.promised_deadline >= ? AND t.promised_deadline <= ? THEN 1 ELSE 0 END) AS due_soon,
		SUM(CASE WHEN a.stopped_since <> '' THEN 1 ELSE 0 END) AS stopped
		FROM application_tasks AS t JOIN applications AS a ON a.id = t.application_id
		WHERE `+openTasks+`
		GROUP BY t.department_code ORDER BY t.department_code`, last, last, soon).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: workload: %w", err)
	}
	return out, nil
}
