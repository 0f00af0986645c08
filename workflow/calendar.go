// Package workflow holds the pure rules of the service centre: the application state machine,
// the working-day clock and the validators it needs; it imports no project package.
package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// DayKind says whether a calendar entry is a holiday or an adjusted working day.
type DayKind string

const (
	// Holiday is a statutory day off, even when it falls on a weekday.
	Holiday DayKind = "holiday"
	// AdjustedWorkday is a weekend day that is worked (调休上班).
	AdjustedWorkday DayKind = "workday"
)

// CalendarDay is one exception to the weekday/weekend rule.
type CalendarDay struct {
	Date string  // YYYY-MM-DD
	Kind DayKind // Holiday or AdjustedWorkday
	Name string  // the holiday it belongs to, e.g. 春节
}

// maxAddWorkdays caps n in AddWorkdays (about 40 years) so that an absurd request cannot keep a
// goroutine busy; statutory limits are tens of days.
const maxAddWorkdays = 10000

// Calendar answers working-day questions; it is an immutable value built from data.
type Calendar struct {
	// Dates are civil dates (year, month, day) held as day numbers counted from 1970-01-01, which
	// makes weekday and distance arithmetic exact and independent of time zones and DST.
	kinds   map[int]DayKind // day number → kind, for IsWorkday
	entries []entry         // sorted by day, for AddWorkdays and WorkdaysBetween
	// shift[i] is the sum of entries[:i] deltas: -1 for a holiday on a weekday, +1 for a worked
	// weekend, 0 for entries that change nothing (a holiday on a weekend).
	shift []int
	days  []CalendarDay // sorted copy of the input, for Days
	years []int
	// loaded holds the years the calendar covers and their status; nil
	// covers every year. first..through is the run of consecutive years
	// that deadlines may fall in.
	loaded         map[int]YearStatus
	first, through int
}

type entry struct {
	day  int
	work bool
}

// NewCalendar builds a Calendar from its exceptions, refusing (with the offending entry named) a
// malformed date, an unknown kind and a date given twice, whether as the same or opposite kinds.
func NewCalendar(days []CalendarDay) (*Calendar, error) {
	c := &Calendar{kinds: make(map[int]DayKind, len(days))}
	at := make(map[int]int, len(days)) // day number → index in days, for error messages
	for i, cd := range days {
		y, m, d, err := parseCivil(cd.Date)
		if err != nil {
			return nil, fmt.Errorf("workflow: calendar days[%d] (%q %s %q): %w", i, cd.Date, cd.Kind, cd.Name, err)
		}
		if cd.Kind != Holiday && cd.Kind != AdjustedWorkday {
			return nil, fmt.Errorf("workflow: calendar days[%d] (%s %q): kind %q is neither %q nor %q",
				i, cd.Date, cd.Name, cd.Kind, Holiday, AdjustedWorkday)
		}
		day := dayNumber(y, m, d)
		if j, dup := at[day]; dup {
			if days[j].Kind != cd.Kind {
				return nil, fmt.Errorf("workflow: calendar days[%d] and days[%d]: %s is given both as a holiday and as an adjusted workday",
					j, i, cd.Date)
			}
			return nil, fmt.Errorf("workflow: calendar days[%d]: %s (%s %q) duplicates days[%d]", i, cd.Date, cd.Kind, cd.Name, j)
		}
		at[day] = i
		c.kinds[day] = cd.Kind
		c.entries = append(c.entries, entry{day: day, work: cd.Kind == AdjustedWorkday})
	}
	slices.SortFunc(c.entries, func(a, b entry) int { return a.day - b.day })

	c.shift = make([]int, len(c.entries)+1)
	for i, e := range c.entries {
		delta := 0
		switch weekday := isWeekday(e.day); {
		case weekday && !e.work:
			delta = -1
		case !weekday && e.work:
			delta = 1
		}
		c.shift[i+1] = c.shift[i] + delta
		y, _, _ := civil(e.day)
		if len(c.years) == 0 || c.years[len(c.years)-1] != y {
			c.years = append(c.years, y)
		}
	}

	c.days = slices.Clone(days)
	// Validated YYYY-MM-DD strings sort as text in date order.
	slices.SortFunc(c.days, func(a, b CalendarDay) int { return strings.Compare(a.Date, b.Date) })
	return c, nil
}

// IsWorkday reports whether d's calendar date (year, month, day in d's location) is a working day.
func (c *Calendar) IsWorkday(d time.Time) bool {
	y, m, dd := d.Date()
	day := dayNumber(y, int(m), dd)
	if kind, ok := c.kinds[day]; ok {
		return kind == AdjustedWorkday
	}
	return isWeekday(day)
}

// AddWorkdays returns the nth working day after start's date (day 1 is the first working day
// after it) as 00:00 in start's location, or start's date itself when n <= 0; n above 10000 is
// treated as 10000.
func (c *Calendar) AddWorkdays(start time.Time, n int) time.Time {
	y, m, d := start.Date()
	if n <= 0 {
		return time.Date(y, m, d, 0, 0, 0, 0, start.Location())
	}
	n = min(n, maxAddWorkdays)
	day := dayNumber(y, int(m), d)
	i := c.after(day)
	for n > 0 {
		day++
		work := isWeekday(day)
		// Entries are sorted and unique, and day moves one at a time, so entries[i] is never behind.
		if i < len(c.entries) && c.entries[i].day == day {
			work = c.entries[i].work
			i++
		}
		if work {
			n--
		}
	}
	ry, rm, rd := civil(day)
	return time.Date(ry, time.Month(rm), rd, 0, 0, 0, 0, start.Location())
}

// WorkdaysBetween counts the working days d with from < d <= to, comparing each argument's
// calendar date in its own location, and returns 0 when to is not after from.
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	a, b := dayNumber(fy, int(fm), fd), dayNumber(ty, int(tm), td)
	if b <= a {
		return 0
	}
	// Weekdays in (a, b], corrected by the entries in the same range.
	return weekdaysBefore(b+1) - weekdaysBefore(a+1) + c.shiftAt(c.after(b)) - c.shiftAt(c.after(a))
}

// Days returns a copy of the calendar's entries sorted by date.
func (c *Calendar) Days() []CalendarDay {
	return slices.Clone(c.days)
}

// Years returns, in ascending order, the years that have at least one entry.
func (c *Calendar) Years() []int {
	return slices.Clone(c.years)
}

// ParseDate parses a strict YYYY-MM-DD date (a real day of years 0001–9999) as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	y, m, d, err := parseCivil(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("workflow: bad date %q: %w", s, err)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// after returns the index of the first entry later than day.
func (c *Calendar) after(day int) int {
	lo, hi := 0, len(c.entries)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if c.entries[mid].day <= day {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// shiftAt returns shift[i]; a zero Calendar has no shift table and behaves like NewCalendar(nil).
func (c *Calendar) shiftAt(i int) int {
	if i >= len(c.shift) {
		return 0
	}
	return c.shift[i]
}

// parseCivil checks s byte by byte rather than with time.Parse so that the error says exactly
// what is wrong and no lenient form (single digits, spaces, other separators) slips through.
func parseCivil(s string) (y, m, d int, err error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, fmt.Errorf("want YYYY-MM-DD")
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, fmt.Errorf("want YYYY-MM-DD with ASCII digits")
	}
	if y == 0 {
		return 0, 0, 0, fmt.Errorf("year 0000 out of range")
	}
	if m < 1 || m > 12 {
		return 0, 0, 0, fmt.Errorf("month %02d out of range", m)
	}
	if d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, fmt.Errorf("day %02d out of range for %04d-%02d", d, y, m)
	}
	return y, m, d, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dayNumber returns the days since 1970-01-01 of a valid proleptic Gregorian date, using Howard
// Hinnant's days_from_civil (exact for every year, no time.Time or zone involved).
func dayNumber(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                  // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1 // day of the year starting 1 March
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil is the inverse of dayNumber (Hinnant's civil_from_days).
func civil(day int) (y, m, d int) {
	z := day + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// isWeekday reports whether a day number falls Monday to Friday; day 0 (1970-01-01) was a Thursday.
func isWeekday(day int) bool {
	wd := time.Weekday(floorMod(day+int(time.Thursday), 7))
	return wd != time.Saturday && wd != time.Sunday
}

// weekdaysBefore counts the Monday-to-Friday days in [0, day), negative for day < 0, so that the
// difference of two calls counts any range in O(1).
func weekdaysBefore(day int) int {
	// Cumulative weekdays over one week starting on Thursday: Thu, Fri, Sat, Sun, Mon, Tue, Wed.
	prefix := [7]int{0, 1, 2, 2, 2, 3, 4}
	return 5*floorDiv(day, 7) + prefix[floorMod(day, 7)]
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
