package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"onewindow/workflow"
)

// HandledFilter selects the handled applications of the public list
// (办件公示): decided or completed, by the day the clock ended.
type HandledFilter struct {
	Department string // "" for every department
	ItemCode   string // "" for every item
	Month      string // YYYY-MM of the day handled; "" for every month
	Page       int    // from 1
	PageSize   int    // 1..100
}

// HandledRow is one application as the public list shows it. It holds no
// identity number, phone or form answer; the applicant's name is masked
// here, so no page can show more.
type HandledRow struct {
	Number     string
	ItemCode   string
	ItemName   string
	Department string
	Applicant  string // masked (MaskName)
	Received   string // YYYY-MM-DD in the centre's time zone
	Handled    string // YYYY-MM-DD the clock ended; "" when unknown
	State      workflow.State
	Result     string // approved, denied
	OnTime     *bool  // nil when the deadline or the day handled is unknown
}

// HandledCounts are the counts of the whole selection (every page).
type HandledCounts struct {
	Total    int
	Approved int
	Denied   int
	OnTime   int
	Late     int
	Unknown  int // handled with no known deadline or day handled
}

// HandledPage is one page of the public list with the selection's counts.
type HandledPage struct {
	Rows   []HandledRow
	Counts HandledCounts
}

// handledStates is the state condition of the partial indexes of migration
// 0015, written the same way so that the planner uses them.
const handledStates = `state IN ('approved', 'denied', 'completed')`

// indexHinter is a dialect that can name the index a query must use.
type indexHinter interface{ indexedBy(index string) string }

// indexedBy makes SQLite read the whole list through its partial index:
// without statistics the planner prefers idx_applications_state and then
// sorts every handled application for one page.
func (sqliteDialect) indexedBy(index string) string { return " INDEXED BY " + index }

// from is the FROM and WHERE of the selection.
func (s *Store) handledFrom(f HandledFilter) (string, []any) {
	where, args := f.where()
	table := "applications"
	if h, ok := s.dialect.(indexHinter); ok && f.Department == "" && f.ItemCode == "" {
		table += h.indexedBy("idx_applications_handled")
	}
	return " FROM " + table + " WHERE " + where, args
}

func (f HandledFilter) where() (string, []any) {
	conds, args := []string{handledStates}, []any{}
	if f.Department != "" {
		conds, args = append(conds, "department_code = ?"), append(args, f.Department)
	}
	if f.ItemCode != "" {
		conds, args = append(conds, "item_code = ?"), append(args, f.ItemCode)
	}
	if f.Month != "" {
		from, to := monthRange(f.Month)
		conds, args = append(conds, "ended_on >= ? AND ended_on < ?"), append(args, from, to)
	}
	return strings.Join(conds, " AND "), args
}

// monthRange is the first day of month and of the next one (YYYY-MM-DD); the
// caller has checked the month.
func monthRange(month string) (string, string) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month + "-01", month + "-32"
	}
	return t.Format(time.DateOnly), t.AddDate(0, 1, 0).Format(time.DateOnly)
}

// Handled lists one page of handled applications, newest handled first, and
// counts the whole selection.
func (s *Store) Handled(ctx context.Context, f HandledFilter) (*HandledPage, error) {
	f.Page, f.PageSize = max(f.Page, 1), min(max(f.PageSize, 1), 100)
	from, args := s.handledFrom(f)
	db := s.read.WithContext(ctx)
	var raw []struct {
		Number, ItemCode, ItemName, DepartmentCode, ApplicantKind, ApplicantName string
		SubmittedAt                                                              time.Time
		EndedOn, PromisedDeadline, Result                                        string
		State                                                                    workflow.State
	}
	q := `SELECT number, item_code, item_name, department_code, applicant_kind, applicant_name, submitted_at,
		ended_on, promised_deadline, result, state` + from +
		` ORDER BY ended_on DESC, id DESC LIMIT ? OFFSET ?`
	if err := db.Raw(q, append(args, f.PageSize, (f.Page-1)*f.PageSize)...).Scan(&raw).Error; err != nil {
		return nil, fmt.Errorf("models: handled applications: %w", err)
	}
	out := &HandledPage{Rows: make([]HandledRow, 0, len(raw))}
	for _, r := range raw {
		row := HandledRow{Number: r.Number, ItemCode: r.ItemCode, ItemName: r.ItemName, Department: r.DepartmentCode,
			Applicant: MaskName(r.ApplicantKind, r.ApplicantName), Received: FormatDay(CentreDay(r.SubmittedAt)),
			Handled: r.EndedOn, State: r.State, Result: r.Result}
		if r.EndedOn != "" && r.PromisedDeadline != "" {
			onTime := r.EndedOn <= r.PromisedDeadline
			row.OnTime = &onTime
		}
		out.Rows = append(out.Rows, row)
	}
	var c struct{ Total, Approved, Denied, OnTime, Late int }
	cq := `SELECT COUNT(*) AS total,
		COALESCE(SUM(CASE WHEN result = 'approved' THEN 1 ELSE 0 END), 0) AS approved,
		COALESCE(SUM(CASE WHEN result = 'denied' THEN 1 ELSE 0 END), 0) AS denied,
		COALESCE(SUM(CASE WHEN ended_on <> '' AND promised_deadline <> '' AND ended_on <= promised_deadline THEN 1 ELSE 0 END), 0) AS on_time,
		COALESCE(SUM(CASE WHEN ended_on <> '' AND promised_deadline <> '' AND ended_on > promised_deadline THEN 1 ELSE 0 END), 0) AS late
		` + from
	if err := db.Raw(cq, args...).Scan(&c).Error; err != nil {
		return nil, fmt.Errorf("models: handled counts: %w", err)
	}
	out.Counts = HandledCounts{Total: c.Total, Approved: c.Approved, Denied: c.Denied, OnTime: c.OnTime, Late: c.Late,
		Unknown: c.Total - c.OnTime - c.Late}
	return out, nil
}
