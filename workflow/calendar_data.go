package workflow

import "fmt"

// DefaultCalendarYears are the years DefaultCalendarDays holds, official,
// and the year after, provisional (weekends only) until its schedule is
// published and imported.
func DefaultCalendarYears() []CalendarYear {
	return []CalendarYear{{2025, YearOfficial}, {2026, YearOfficial}, {2027, YearProvisional}}
}

// DefaultCalendarDays returns the State Council's 2025 and 2026 holiday schedules (DESIGN §2) as
// calendar entries, a fresh slice on every call.
func DefaultCalendarDays() []CalendarDay {
	// Each row is one run of days as the State Council notice words it; weekend days inside a
	// holiday run are listed as holidays too, which changes nothing and reads like the notice.
	// Worked weekends carry the name of the holiday they make up for.
	schedule := []struct {
		from, to string
		kind     DayKind
		name     string
	}{
		// 2025.
		{"2025-01-01", "2025-01-01", Holiday, "元旦"},
		{"2025-01-26", "2025-01-26", AdjustedWorkday, "春节"}, // Sunday
		{"2025-01-28", "2025-02-04", Holiday, "春节"},
		{"2025-02-08", "2025-02-08", AdjustedWorkday, "春节"}, // Saturday
		{"2025-04-04", "2025-04-06", Holiday, "清明节"},
		{"2025-04-27", "2025-04-27", AdjustedWorkday, "劳动节"}, // Sunday
		{"2025-05-01", "2025-05-05", Holiday, "劳动节"},
		{"2025-05-31", "2025-06-02", Holiday, "端午节"},
		{"2025-09-28", "2025-09-28", AdjustedWorkday, "国庆节、中秋节"}, // Sunday
		{"2025-10-01", "2025-10-08", Holiday, "国庆节、中秋节"},
		{"2025-10-11", "2025-10-11", AdjustedWorkday, "国庆节、中秋节"}, // Saturday

		// 2026.
		{"2026-01-01", "2026-01-03", Holiday, "元旦"},
		{"2026-01-04", "2026-01-04", AdjustedWorkday, "元旦"}, // Sunday
		{"2026-02-14", "2026-02-14", AdjustedWorkday, "春节"}, // Saturday
		{"2026-02-15", "2026-02-23", Holiday, "春节"},
		{"2026-02-28", "2026-02-28", AdjustedWorkday, "春节"}, // Saturday
		{"2026-04-04", "2026-04-06", Holiday, "清明节"},
		{"2026-05-01", "2026-05-05", Holiday, "劳动节"},
		{"2026-05-09", "2026-05-09", AdjustedWorkday, "劳动节"}, // Saturday
		{"2026-06-19", "2026-06-21", Holiday, "端午节"},
		{"2026-09-20", "2026-09-20", AdjustedWorkday, "国庆节"}, // Sunday
		{"2026-09-25", "2026-09-27", Holiday, "中秋节"},
		{"2026-10-01", "2026-10-07", Holiday, "国庆节"},
		{"2026-10-10", "2026-10-10", AdjustedWorkday, "国庆节"}, // Saturday
	}

	var days []CalendarDay
	for _, run := range schedule {
		fy, fm, fd, err1 := parseCivil(run.from)
		ty, tm, td, err2 := parseCivil(run.to)
		if err1 != nil || err2 != nil {
			// The table above is constant and covered by tests; this cannot happen at run time.
			panic(fmt.Sprintf("workflow: bad default calendar row %v: %v %v", run, err1, err2))
		}
		for day := dayNumber(fy, fm, fd); day <= dayNumber(ty, tm, td); day++ {
			y, m, d := civil(day)
			days = append(days, CalendarDay{Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d), Kind: run.kind, Name: run.name})
		}
	}
	return days
}
