package handlers

import (
	"slices"
	"strings"

	"onewindow/models"
	"onewindow/workflow"
)

// Calendar coverage (issue 16 item 8): the years the working-day calendar
// covers, official or provisional (weekends only). Deadlines in a
// provisional year say so wherever they are shown; supervisors are warned
// calendarWarnDays days before the calendar runs out.

// calendarWarnDays is how long before the calendar's last day supervisors are warned.
const calendarWarnDays = 60

// coveredYears is the recorded years plus every year that has entries (a
// year whose holidays are stored was loaded from a schedule). No recorded
// year leaves the calendar unbounded, as it was before years were recorded.
func coveredYears(cal *workflow.Calendar, years []workflow.CalendarYear) []workflow.CalendarYear {
	if len(years) == 0 {
		return nil
	}
	out := slices.Clone(years)
	for _, y := range cal.Years() {
		if !slices.ContainsFunc(out, func(c workflow.CalendarYear) bool { return c.Year == y }) {
			out = append(out, workflow.CalendarYear{Year: y, Status: workflow.YearOfficial})
		}
	}
	return out
}

// calendarNote is what every page knows of the calendar: whether a day is
// provisional, and (on supervisor pages) the warning that it runs out.
type calendarNote struct {
	cal      *workflow.Calendar
	Warn     bool   // the calendar runs out within calendarWarnDays
	LastDay  string // YYYY-MM-DD, the last day covered
	DaysLeft int    // calendar days until then
	// NextProvisional is the coming year counted with weekends only when the
	// last official year ends within calendarWarnDays; 0 otherwise.
	NextProvisional int
}

// Provisional reports whether day (YYYY-MM-DD) falls in a provisional year.
func (n *calendarNote) Provisional(day string) bool {
	if n == nil || day == "" {
		return false
	}
	t, err := workflow.ParseDate(day)
	return err == nil && n.cal.Provisional(t)
}

// calendarNoteFor builds the note for a page; the warning is shown on the
// supervisors' pages and on the calendar's own page.
func (s *Server) calendarNoteFor(path string) *calendarNote {
	cal := s.cal.Load()
	if cal == nil {
		return nil
	}
	n := &calendarNote{cal: cal}
	if !cal.Bounded() || !(strings.HasPrefix(path, "/supervise") || path == "/admin/calendar") {
		return n
	}
	today := models.CentreDay(s.now())
	last := cal.LastDay(today.Location())
	n.LastDay = models.FormatDay(last)
	n.DaysLeft = int(last.Sub(today).Hours() / 24)
	n.Warn = n.DaysLeft <= calendarWarnDays
	next := today.AddDate(0, 0, calendarWarnDays)
	if next.Year() > today.Year() && cal.Provisional(next) {
		n.NextProvisional = next.Year()
	}
	return n
}
