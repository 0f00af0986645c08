package workflow

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// shanghai is a fixed +08:00 zone so that the tests need no tzdata on the machine.
var shanghai = time.FixedZone("CST", 8*60*60)

func defaultCalendar(t testing.TB) *Calendar {
	t.Helper()
	c, err := NewCalendar(DefaultCalendarDays())
	if err != nil {
		t.Fatalf("NewCalendar(DefaultCalendarDays()): %v", err)
	}
	return c
}

func date(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestIsWorkday(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2026-02-14", true, "Saturday worked before Spring Festival"},
		{"2026-02-16", false, "Monday in Spring Festival"},
		{"2026-02-23", false, "last day of Spring Festival, a Monday"},
		{"2026-02-24", true, "first Tuesday after Spring Festival"},
		{"2026-02-28", true, "Saturday worked after Spring Festival"},
		{"2026-10-10", true, "Saturday worked after National Day"},
		{"2026-10-08", true, "Thursday after National Day"},
		{"2026-10-07", false, "last day of National Day, a Wednesday"},
		{"2026-01-04", true, "Sunday worked after New Year"},
		{"2025-01-26", true, "Sunday worked before Spring Festival"},
		{"2025-10-08", false, "Wednesday, last day of National Day and Mid-Autumn"},
		{"2026-03-07", false, "ordinary Saturday"},
		{"2026-03-08", false, "ordinary Sunday"},
		{"2026-03-09", true, "ordinary Monday"},
		{"2027-02-08", true, "Monday in an unseeded year: weekday rule only"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			t.Parallel()
			if got := c.IsWorkday(date(t, tt.date)); got != tt.want {
				t.Errorf("IsWorkday(%s) = %v, want %v (%s)", tt.date, got, tt.want, tt.why)
			}
		})
	}
}

func TestIsWorkdayUsesLocalDate(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	// 07:00 on 15 February in Shanghai (a Spring Festival holiday) is still 14 February in UTC
	// (a worked Saturday): the answer must follow the date of the location the time carries.
	at := time.Date(2026, 2, 15, 7, 0, 0, 0, shanghai)
	if c.IsWorkday(at) {
		t.Errorf("IsWorkday(%v) = true, want false", at)
	}
	if !c.IsWorkday(at.UTC()) {
		t.Errorf("IsWorkday(%v) = false, want true", at.UTC())
	}
}

func TestAddWorkdays(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"Thu+1 is Fri", "2026-02-12", 1, "2026-02-13"},
		{"+2 is the worked Saturday", "2026-02-12", 2, "2026-02-14"},
		{"+3 jumps Spring Festival", "2026-02-12", 3, "2026-02-24"},
		{"from inside Spring Festival", "2026-02-18", 1, "2026-02-24"},
		{"over National Day", "2026-09-30", 1, "2026-10-08"},
		{"onto the worked Saturday after National Day", "2026-10-09", 1, "2026-10-10"},
		// Statutory 20-working-day decision limit (行政许可法 Art. 42) for an application accepted
		// on Tuesday 2026-02-10; day 1 is the next working day:
		//   1 Wed 02-11, 2 Thu 02-12, 3 Fri 02-13, 4 Sat 02-14 (worked),
		//   Spring Festival 02-15..02-23 off,
		//   5 Tue 02-24, 6 Wed 02-25, 7 Thu 02-26, 8 Fri 02-27, 9 Sat 02-28 (worked),
		//   Sun 03-01 off, 10 Mon 03-02, 11 03-03, 12 03-04, 13 03-05, 14 Fri 03-06,
		//   15 Mon 03-09, 16 03-10, 17 03-11, 18 03-12, 19 Fri 03-13, 20 Mon 03-16.
		{"20-day limit from 2026-02-10", "2026-02-10", 20, "2026-03-16"},
		// Wed 2025-12-31; 2026-01-01..03 off; Sunday 01-04 worked; Monday 01-05.
		{"New Year from 2025-12-31 +1", "2025-12-31", 1, "2026-01-04"},
		{"New Year from 2025-12-31 +2", "2025-12-31", 2, "2026-01-05"},
		{"Fri 2025-12-26 +3 stays in 2025", "2025-12-26", 3, "2025-12-31"},
		{"Fri 2025-12-26 +4 crosses", "2025-12-26", 4, "2026-01-04"},
		// 2025: off 01-28..02-04, Sunday 01-26 and Saturday 02-08 worked.
		{"2025 Spring Festival", "2025-01-24", 1, "2025-01-26"},
		{"2025 Spring Festival +2", "2025-01-24", 2, "2025-01-27"},
		{"2025 Spring Festival +3", "2025-01-24", 3, "2025-02-05"},
		{"n=0 keeps the date", "2026-02-16", 0, "2026-02-16"},
		{"n<0 keeps the date", "2026-02-16", -5, "2026-02-16"},
		{"unseeded year, weekends only", "2027-03-05", 1, "2027-03-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.AddWorkdays(date(t, tt.start), tt.n)
			if want := date(t, tt.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("AddWorkdays(%s, %d) = %v, want %v", tt.start, tt.n, got, want)
			}
		})
	}
}

func TestAddWorkdaysLocation(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		{"time of day dropped", time.Date(2026, 9, 30, 16, 45, 0, 0, shanghai), 1, time.Date(2026, 10, 8, 0, 0, 0, 0, shanghai)},
		{"n=0 truncates to midnight", time.Date(2026, 2, 16, 9, 30, 0, 0, shanghai), 0, time.Date(2026, 2, 16, 0, 0, 0, 0, shanghai)},
		// 2026-02-13 23:30 UTC is already 02-14 in Shanghai: the Shanghai date counts.
		{"start date taken in its location", time.Date(2026, 2, 14, 7, 30, 0, 0, shanghai), 1, time.Date(2026, 2, 24, 0, 0, 0, 0, shanghai)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.AddWorkdays(tt.start, tt.n)
			if !got.Equal(tt.want) || got.Location() != shanghai {
				t.Errorf("AddWorkdays(%v, %d) = %v, want %v", tt.start, tt.n, got, tt.want)
			}
		})
	}
}

func TestAddWorkdaysCap(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	start := date(t, "2026-01-05")
	capped := c.AddWorkdays(start, maxAddWorkdays)
	if got := c.AddWorkdays(start, 1<<62); !got.Equal(capped) {
		t.Errorf("AddWorkdays(start, 1<<62) = %v, want the cap %v", got, capped)
	}
	if got := c.WorkdaysBetween(start, capped); got != maxAddWorkdays {
		t.Errorf("WorkdaysBetween(start, capped) = %d, want %d", got, maxAddWorkdays)
	}
}

// TestAddWorkdaysAgreesWithWorkdaysBetween checks both directions of the clock for every start
// date of 2025–2026 and every limit up to 60 working days, and that the deadline is the earliest
// day that satisfies the count.
func TestAddWorkdaysAgreesWithWorkdaysBetween(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	for s := date(t, "2025-01-01"); s.Year() <= 2026; s = s.AddDate(0, 0, 1) {
		for n := 0; n <= 60; n++ {
			end := c.AddWorkdays(s, n)
			if got := c.WorkdaysBetween(s, end); got != n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d", s.Format(time.DateOnly), s.Format(time.DateOnly), n, end.Format(time.DateOnly), got)
			}
			if n > 0 {
				if !c.IsWorkday(end) {
					t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", s.Format(time.DateOnly), n, end.Format(time.DateOnly))
				}
				if got := c.WorkdaysBetween(s, end.AddDate(0, 0, -1)); got != n-1 {
					t.Fatalf("WorkdaysBetween(%s, day before %s) = %d, want %d", s.Format(time.DateOnly), end.Format(time.DateOnly), got, n-1)
				}
			}
		}
	}
}

// TestWorkdaysBetweenMatchesCounting compares the O(log n) count with a day-by-day count over
// ranges that include the epoch, negative day numbers and years without entries.
func TestWorkdaysBetweenMatchesCounting(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	naive := func(from, to time.Time) int {
		n := 0
		for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				n++
			}
		}
		return n
	}
	tests := []struct{ from, to string }{
		{"2024-12-25", "2027-01-10"},
		{"1969-12-20", "1970-01-20"},
		{"1899-12-25", "1900-03-10"},
		{"2026-02-14", "2026-02-14"},
		{"2026-02-14", "2026-02-13"},
		{"2026-02-13", "2026-02-14"},
		{"2026-02-14", "2026-02-24"},
	}
	for _, tt := range tests {
		t.Run(tt.from+".."+tt.to, func(t *testing.T) {
			t.Parallel()
			from := date(t, tt.from)
			for to := from.AddDate(0, 0, -3); !to.After(date(t, tt.to)); to = to.AddDate(0, 0, 1) {
				if got, want := c.WorkdaysBetween(from, to), naive(from, to); got != want {
					t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, to.Format(time.DateOnly), got, want)
				}
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	t.Parallel()
	c := defaultCalendar(t)
	// Both years have 365 days starting on a weekday (Wed 2025, Thu 2026), so 104 weekend days
	// and 261 weekdays. 2025: 18 holidays fall on weekdays, 5 weekends worked: 261-18+5 = 248.
	// 2026: 19 holidays on weekdays, 6 weekends worked: 261-19+6 = 248. Both match 365 - 104 - 13
	// statutory holidays, since 调休 only moves days.
	tests := []struct {
		from, to string
		want     int
	}{
		{"2024-12-31", "2025-12-31", 248},
		{"2025-12-31", "2026-12-31", 248},
		{"2026-02-10", "2026-03-16", 20},
		{"2026-03-16", "2026-02-10", 0},
		{"2026-02-10", "2026-02-10", 0},
		{"2026-09-30", "2026-10-08", 1},
	}
	for _, tt := range tests {
		t.Run(tt.from+".."+tt.to, func(t *testing.T) {
			t.Parallel()
			if got := c.WorkdaysBetween(date(t, tt.from), date(t, tt.to)); got != tt.want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
	t.Run("dates not instants", func(t *testing.T) {
		t.Parallel()
		// Friday 23:00 and the following Monday 01:00 are one working day apart, whatever the hours.
		from := time.Date(2026, 3, 6, 23, 0, 0, 0, shanghai)
		to := time.Date(2026, 3, 9, 1, 0, 0, 0, shanghai)
		if got := c.WorkdaysBetween(from, to); got != 1 {
			t.Errorf("WorkdaysBetween(%v, %v) = %d, want 1", from, to, got)
		}
	})
}

func TestDefaultCalendarDays(t *testing.T) {
	t.Parallel()
	days := DefaultCalendarDays()
	c := defaultCalendar(t)
	if got, want := c.Years(), []int{2025, 2026}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	if got := c.Days(); !slices.IsSortedFunc(got, func(a, b CalendarDay) int { return strings.Compare(a.Date, b.Date) }) || len(got) != len(days) {
		t.Errorf("Days() not sorted or lost entries: %d of %d", len(got), len(days))
	}
	var holidays, workdays int
	for _, d := range days {
		if d.Name == "" {
			t.Errorf("%s has no name", d.Date)
		}
		weekend := date(t, d.Date).Weekday() == time.Saturday || date(t, d.Date).Weekday() == time.Sunday
		switch d.Kind {
		case Holiday:
			holidays++
		case AdjustedWorkday:
			workdays++
			if !weekend {
				t.Errorf("adjusted workday %s (%s) is not a weekend day", d.Date, d.Name)
			}
		}
	}
	// 2025: 1+8+3+5+3+8 off days, 5 worked weekends; 2026: 3+9+3+5+3+3+7 off days, 6 worked weekends.
	if holidays != 28+33 || workdays != 5+6 {
		t.Errorf("got %d holidays and %d adjusted workdays, want %d and %d", holidays, workdays, 28+33, 5+6)
	}
	days[0].Name = "changed"
	if DefaultCalendarDays()[0].Name == "changed" || c.Days()[0].Name == "changed" {
		t.Error("DefaultCalendarDays shares its slice between calls")
	}
	got := c.Days()
	got[0].Name = "changed"
	if c.Days()[0].Name == "changed" {
		t.Error("Days exposes the calendar's own slice")
	}
}

func TestNewCalendarErrors(t *testing.T) {
	t.Parallel()
	ok := CalendarDay{Date: "2026-02-16", Kind: Holiday, Name: "春节"}
	tests := []struct {
		name string
		days []CalendarDay
		want []string // substrings the error must contain
	}{
		{"month 13", []CalendarDay{ok, {Date: "2026-13-01", Kind: Holiday, Name: "坏"}}, []string{"days[1]", `"2026-13-01"`, "month 13"}},
		{"single digits", []CalendarDay{{Date: "2026-2-1", Kind: Holiday, Name: "春节"}}, []string{"days[0]", `"2026-2-1"`, "YYYY-MM-DD"}},
		{"day out of range", []CalendarDay{{Date: "2026-02-29", Kind: Holiday}}, []string{"days[0]", "day 29"}},
		{"empty date", []CalendarDay{{Kind: Holiday}}, []string{"days[0]", "YYYY-MM-DD"}},
		{"unknown kind", []CalendarDay{{Date: "2026-02-16", Kind: "rest", Name: "春节"}}, []string{"days[0]", `"rest"`}},
		{"duplicate", []CalendarDay{ok, {Date: "2026-03-02", Kind: Holiday}, ok}, []string{"days[2]", "2026-02-16", "duplicates days[0]"}},
		{"holiday and workday", []CalendarDay{ok, {Date: "2026-02-16", Kind: AdjustedWorkday}}, []string{"days[0]", "days[1]", "2026-02-16", "both"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewCalendar(tt.days)
			if err == nil {
				t.Fatalf("NewCalendar(%v) = %v, want an error", tt.days, c)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestEmptyCalendar(t *testing.T) {
	t.Parallel()
	c, err := NewCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Calendar{"NewCalendar(nil)": c, "zero value": {}} {
		if got := c.AddWorkdays(date(t, "2026-02-13"), 1); !got.Equal(date(t, "2026-02-16")) {
			t.Errorf("%s: AddWorkdays = %v, want Monday 2026-02-16", name, got)
		}
		if got := c.WorkdaysBetween(date(t, "2026-02-13"), date(t, "2026-02-20")); got != 5 {
			t.Errorf("%s: WorkdaysBetween = %d, want 5", name, got)
		}
		if len(c.Days()) != 0 || len(c.Years()) != 0 {
			t.Errorf("%s: Days/Years not empty", name)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time // zero: an error is expected (0001-01-01 would read as zero, so it is not listed)
	}{
		{"2026-02-28", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)},
		{"2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2000-02-29", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"0001-01-02", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"9999-12-31", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"2026-02-29", time.Time{}},
		{"1900-02-29", time.Time{}},
		{"2026-04-31", time.Time{}},
		{"2026-00-10", time.Time{}},
		{"2026-13-01", time.Time{}},
		{"2026-01-00", time.Time{}},
		{"0000-01-01", time.Time{}},
		{"2026-2-1", time.Time{}},
		{"2026-02-1", time.Time{}},
		{"26-02-01", time.Time{}},
		{" 2026-02-01", time.Time{}},
		{"2026-02-01 ", time.Time{}},
		{"2026/02/01", time.Time{}},
		{"20260201", time.Time{}},
		{"2026-02-01T00:00:00Z", time.Time{}},
		{"+026-02-01", time.Time{}},
		{"2026-0a-01", time.Time{}},
		{"２０２６-02-01", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDate(tt.in)
			switch {
			case tt.want.IsZero() && err == nil:
				t.Errorf("ParseDate(%q) = %v, want an error", tt.in, got)
			case tt.want.IsZero() && !strings.Contains(err.Error(), tt.in):
				t.Errorf("ParseDate(%q) error %q does not quote the input", tt.in, err)
			case !tt.want.IsZero() && (err != nil || !got.Equal(tt.want) || got.Location() != time.UTC):
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestDayNumber checks the civil-date arithmetic against the time package, day by day, across
// both sides of the epoch and several 400-year cycles.
func TestDayNumber(t *testing.T) {
	t.Parallel()
	for d := time.Date(1599, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2402; d = d.AddDate(0, 0, 1) {
		want := floorDiv(int(d.Unix()), 24*60*60)
		y, m, dd := d.Date()
		n := dayNumber(y, int(m), dd)
		if n != want {
			t.Fatalf("dayNumber(%s) = %d, want %d", d.Format(time.DateOnly), n, want)
		}
		if cy, cm, cd := civil(n); cy != y || cm != int(m) || cd != dd {
			t.Fatalf("civil(%d) = %d-%d-%d, want %s", n, cy, cm, cd, d.Format(time.DateOnly))
		}
		wd := d.Weekday()
		if isWeekday(n) != (wd != time.Saturday && wd != time.Sunday) {
			t.Fatalf("isWeekday(%s) wrong", d.Format(time.DateOnly))
		}
	}
}

func TestAddWorkdaysDoesNotAllocate(t *testing.T) {
	c := defaultCalendar(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, shanghai)
	if allocs := testing.AllocsPerRun(100, func() { c.AddWorkdays(start, 200) }); allocs != 0 {
		t.Errorf("AddWorkdays allocates %v times per call", allocs)
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := defaultCalendar(b)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, shanghai)
	b.ReportAllocs()
	for b.Loop() {
		c.AddWorkdays(start, 20)
	}
}

func BenchmarkIsWorkday(b *testing.B) {
	c := defaultCalendar(b)
	d := time.Date(2026, 2, 16, 9, 0, 0, 0, shanghai)
	b.ReportAllocs()
	for b.Loop() {
		c.IsWorkday(d)
	}
}
