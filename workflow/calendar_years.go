package workflow

import (
	"errors"
	"slices"
	"time"
)

// YearStatus says how far a loaded year of the calendar can be trusted.
type YearStatus string

const (
	// YearOfficial is a year whose State Council holiday schedule is loaded.
	YearOfficial YearStatus = "official"
	// YearProvisional is a year counted with weekends only until its
	// schedule is published and imported.
	YearProvisional YearStatus = "provisional"
)

// CalendarYear is one year the calendar covers.
type CalendarYear struct {
	Year   int
	Status YearStatus
}

// ErrBeyondCalendar is the answer to a deadline in a year the calendar does
// not cover: computing it would silently treat that year as having no holidays.
var ErrBeyondCalendar = errors.New("workflow: the date lies beyond the loaded working-day calendar")

// WithYears returns a copy of c that covers exactly the given years. A
// Calendar without years (nil or empty) covers every year, as before years
// were recorded.
func (c *Calendar) WithYears(years []CalendarYear) *Calendar {
	out := *c
	out.loaded = nil
	out.through = 0
	if len(years) == 0 {
		return &out
	}
	out.loaded = make(map[int]YearStatus, len(years))
	for _, y := range years {
		out.loaded[y.Year] = y.Status
	}
	ys := make([]int, 0, len(years))
	for y := range out.loaded {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	// Counting days across a missing year would be as wrong as counting in
	// it, so coverage ends at the first gap.
	out.first, out.through = ys[0], ys[0]
	for _, y := range ys[1:] {
		if y != out.through+1 {
			break
		}
		out.through = y
	}
	return &out
}

// LoadedYears returns the covered years in order; nil for a calendar that
// covers every year.
func (c *Calendar) LoadedYears() []CalendarYear {
	if c.loaded == nil {
		return nil
	}
	out := make([]CalendarYear, 0, len(c.loaded))
	for y, s := range c.loaded {
		out = append(out, CalendarYear{Year: y, Status: s})
	}
	slices.SortFunc(out, func(a, b CalendarYear) int { return a.Year - b.Year })
	return out
}

// Bounded reports whether the calendar knows which years it covers.
func (c *Calendar) Bounded() bool { return c.loaded != nil }

// Covers reports whether d's year lies in the run of loaded years, so that
// working days up to d can be counted.
func (c *Calendar) Covers(d time.Time) bool {
	if c.loaded == nil || d.IsZero() {
		return true
	}
	y := d.Year()
	return y >= c.first && y <= c.through
}

// Provisional reports whether d falls in a year counted with weekends only.
func (c *Calendar) Provisional(d time.Time) bool {
	if c.loaded == nil || d.IsZero() {
		return false
	}
	return c.loaded[d.Year()] == YearProvisional
}

// LastDay returns the last day the calendar covers (31 December of the last
// year of the run) in loc; zero for a calendar that covers every year.
func (c *Calendar) LastDay(loc *time.Location) time.Time {
	if c.loaded == nil {
		return time.Time{}
	}
	return time.Date(c.through, time.December, 31, 0, 0, 0, 0, loc)
}

// Deadline is AddWorkdays refusing a result the calendar does not cover.
func (c *Calendar) Deadline(start time.Time, n int) (time.Time, error) {
	d := c.AddWorkdays(start, n)
	if !c.Covers(d) {
		return d, ErrBeyondCalendar
	}
	return d, nil
}
