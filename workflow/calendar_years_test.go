package workflow

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCalendarYearsBoundDeadlinesAndMarkProvisionalOnes(t *testing.T) {
	t.Parallel()
	base, err := NewCalendar(DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	if !base.Covers(day("2099-01-01")) || base.Bounded() {
		t.Fatal("a calendar without years covers every year")
	}
	cal := base.WithYears(DefaultCalendarYears())
	for _, c := range []struct {
		date              string
		covers, provision bool
	}{{"2025-01-02", true, false}, {"2026-12-31", true, false}, {"2027-06-01", true, true}, {"2028-01-03", false, false}, {"2024-12-31", false, false}} {
		if got := cal.Covers(day(c.date)); got != c.covers {
			t.Errorf("Covers(%s) = %v", c.date, got)
		}
		if got := cal.Provisional(day(c.date)); got != c.provision {
			t.Errorf("Provisional(%s) = %v", c.date, got)
		}
	}
	if last := cal.LastDay(time.UTC); last != day("2027-12-31") {
		t.Fatalf("last day %s", last)
	}
	// 2027 counts weekends only: 20 working days after Mon 13 Dec 2027 run into 2028.
	if _, err := cal.Deadline(day("2027-12-13"), 20); !errors.Is(err, ErrBeyondCalendar) {
		t.Fatalf("a deadline in 2028: %v", err)
	}
	if d, err := cal.Deadline(day("2027-12-01"), 5); err != nil || d != day("2027-12-08") {
		t.Fatalf("a deadline in provisional 2027: %s %v", d, err)
	}
	// A gap ends the coverage: 2029 alone does not make 2028 countable.
	gap := base.WithYears([]CalendarYear{{2026, YearOfficial}, {2027, YearOfficial}, {2029, YearOfficial}})
	if gap.Covers(day("2029-03-01")) || !gap.Covers(day("2027-03-01")) {
		t.Fatal("coverage across a missing year")
	}
}

func TestScheduleImportReadsICSAndCSV(t *testing.T) {
	t.Parallel()
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\nSUMMARY:元旦 休\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270207\r\nSUMMARY:春节 补\r\n 班\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	days, err := ParseSchedule([]byte(ics))
	if err != nil {
		t.Fatal(err)
	}
	want := []CalendarDay{{"2027-01-01", Holiday, "元旦"}, {"2027-01-02", Holiday, "元旦"}, {"2027-01-03", Holiday, "元旦"},
		{"2027-02-07", AdjustedWorkday, "春节"}}
	if len(days) != len(want) {
		t.Fatalf("days %+v", days)
	}
	for i := range want {
		if days[i] != want[i] {
			t.Fatalf("day %d: %+v, want %+v", i, days[i], want[i])
		}
	}
	csv := "日期,类型,名称,至\n2027-10-01,休,国庆节,2027-10-07\n2027-10-09,班,国庆节\n"
	if days, err = ParseSchedule([]byte(csv)); err != nil || len(days) != 8 || days[7] != (CalendarDay{"2027-10-09", AdjustedWorkday, "国庆节"}) {
		t.Fatalf("csv: %+v %v", days, err)
	}
	var ie *ImportError
	bad := "2027-10-01,holiday,国庆节\n2027-13-01,holiday,错\n2027-10-02,rest,错\n"
	if _, err = ParseSchedule([]byte(bad)); !errors.As(err, &ie) || len(ie.Problems) != 2 || ie.Problems[0].Line != 2 ||
		!strings.Contains(ie.Problems[1].Message, "rest") {
		t.Fatalf("bad csv: %v", err)
	}
	if _, err = ParseSchedule([]byte("BEGIN:VCALENDAR\nEND:VCALENDAR\n")); !errors.As(err, &ie) {
		t.Fatalf("an empty calendar: %v", err)
	}
}
