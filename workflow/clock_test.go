package workflow

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestClockAcrossHolidaysWithStopsAndExtension(t *testing.T) {
	t.Parallel()
	cal, err := NewCalendar(DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	// Accepted Thu 2026-09-24; 20 statutory / 10 promised working days.
	c := Clock{AcceptedOn: day("2026-09-24"), StatutoryDays: 20, PromisedDays: 10}
	// 25–27 Sep and 1–7 Oct are holidays: day 1 is Mon 28 Sep, day 3 Wed 30 Sep,
	// day 4 Thu 8 Oct, day 5 Fri 9 Oct, Sat 10 Oct is a working day (6).
	if got := c.PromisedDeadline(cal, day("2026-09-24")); got != day("2026-10-15") {
		t.Fatalf("promised deadline %s", got.Format(time.DateOnly))
	}
	if used := c.Used(cal, day("2026-10-09")); used != 5 {
		t.Fatalf("used by 9 Oct: %d", used)
	}
	// Stop on Fri 9 Oct (day 5 counts), resume on Wed 14 Oct: Sat 10, Mon 12,
	// Tue 13 and Wed 14 do not count.
	c = c.Stop(day("2026-10-09"))
	if c.Used(cal, day("2026-10-13")) != 5 || !c.Stopped() {
		t.Fatal("clock ran while stopped")
	}
	c = c.Resume(cal, day("2026-10-14"))
	if c.StoppedDays != 4 || c.Used(cal, day("2026-10-15")) != 6 {
		t.Fatalf("stopped %d used %d", c.StoppedDays, c.Used(cal, day("2026-10-15")))
	}
	if got := c.PromisedDeadline(cal, day("2026-10-15")); got != day("2026-10-21") {
		t.Fatalf("deadline after stop %s", got.Format(time.DateOnly))
	}
	c.ExtendedDays = 10
	if got := c.StatutoryDeadline(cal, day("2026-10-15")); got != day("2026-11-18") {
		t.Fatalf("statutory deadline with extension %s", got.Format(time.DateOnly))
	}
	if c.Overdue(cal, day("2026-10-21")) || c.Remaining(cal, day("2026-10-21")) != 10 {
		t.Fatalf("remaining %d", c.Remaining(cal, day("2026-10-21")))
	}
	c.ExtendedDays = 0
	if !c.Overdue(cal, day("2026-10-22")) || !c.DueSoon(cal, day("2026-10-20"), 3) {
		t.Fatal("overdue / due soon")
	}
	c = c.End(cal, day("2026-10-20"))
	if c.Overdue(cal, day("2026-12-31")) {
		t.Fatal("a clock that ended on time turned overdue later")
	}
}

func TestExtensionBounds(t *testing.T) {
	t.Parallel()
	if MaxExtension(false) != 10 || MaxExtension(true) != 15 {
		t.Fatal("Art. 42 bounds")
	}
	today := day("2026-11-25")
	if p := CheckFields(Extend, map[string]string{"days": "11", "reason": "x"}, today, 10); p["days"] != FieldTooLarge {
		t.Fatalf("11 days: %v", p)
	}
	if p := CheckFields(Reject, map[string]string{}, today, 0); p["reason"] != FieldRequired {
		t.Fatalf("reject without reason: %v", p)
	}
	if p := CheckFields(AcceptPending, map[string]string{"pending": "m1", "due": "2026-11-25"}, today, 0); p["due"] != FieldPast {
		t.Fatalf("due today: %v", p)
	}
	if p := CheckFields(Issue, map[string]string{"delivery": "post"}, today, 0); p["tracking_number"] != FieldRequired {
		t.Fatalf("post without tracking: %v", p)
	}
}

func TestImmediateItemsRunASameDayClock(t *testing.T) {
	t.Parallel()
	cal, err := NewCalendar(DefaultCalendarDays())
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := ParseDate(s); return d }
	// Accepted Fri 6 Mar 2026; the guide's 5 days do not apply to a 即办件.
	c := Clock{AcceptedOn: day("2026-03-06"), StatutoryDays: 5, PromisedDays: 5, Immediate: true}
	if got := c.PromisedDeadline(cal, day("2026-03-06")); !got.Equal(day("2026-03-06")) {
		t.Fatalf("deadline %s, want the day of acceptance", got)
	}
	if c.Overdue(cal, day("2026-03-06")) || !c.DueSoon(cal, day("2026-03-06"), 0) {
		t.Fatal("on its day a 即办件 is due, not overdue")
	}
	// Still open the next day, a Saturday, it is overdue: its working day has ended.
	if !c.Overdue(cal, day("2026-03-07")) || c.Remaining(cal, day("2026-03-09")) != -1 {
		t.Fatalf("the next days: overdue %v, remaining on Monday %d", c.Overdue(cal, day("2026-03-07")), c.Remaining(cal, day("2026-03-09")))
	}
	// Decided on the day, it stays on time.
	done := c.End(cal, day("2026-03-06"))
	if done.Overdue(cal, day("2026-03-20")) {
		t.Fatal("a 即办件 decided on its day is overdue later")
	}
}
