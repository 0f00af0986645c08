package workflow

import "time"

// Legal bounds on extensions (行政许可法 Art. 42): ten working days for an
// item one department decides, fifteen for joint handling.
const (
	MaxExtensionSingle = 10
	MaxExtensionJoint  = 15
)

// MaxExtension is the most working days the limit may be extended by in total.
func MaxExtension(joint bool) int {
	if joint {
		return MaxExtensionJoint
	}
	return MaxExtensionSingle
}

// Clock is an application's legal clock in working days. Day 1 is the working
// day after acceptance; while stopped (waiting for a supplement, a special
// procedure) no day counts, and day 1 after a stop is the working day after
// the clock resumed. All dates are calendar dates in the centre's time zone.
type Clock struct {
	AcceptedOn    time.Time // zero until accepted
	StatutoryDays int       // 法定时限
	PromisedDays  int       // 承诺时限, ≤ statutory
	ExtendedDays  int       // 延期 granted so far
	StoppedDays   int       // working days of completed stops
	StoppedSince  time.Time // zero while the clock runs
	EndedOn       time.Time // zero until decided or ended
	// Immediate is a 即办件's same-day clock: decided on the day of
	// acceptance, whatever days the guide lists; still open once that day
	// has ended, it is overdue.
	Immediate bool
}

// limit is a limit of days as the clock counts it: none beyond the day of
// acceptance for a 即办件.
func (c Clock) limit(days int) int {
	if c.Immediate {
		return 0
	}
	return days
}

// Started reports whether the clock was started by an acceptance.
func (c Clock) Started() bool { return !c.AcceptedOn.IsZero() }

// Stopped reports whether the clock is stopped now.
func (c Clock) Stopped() bool { return !c.StoppedSince.IsZero() }

// Stop stops a running clock on day.
func (c Clock) Stop(day time.Time) Clock {
	if c.Started() && !c.Stopped() && c.EndedOn.IsZero() {
		c.StoppedSince = day
	}
	return c
}

// Resume restarts a stopped clock on day; the working days in between do not count.
func (c Clock) Resume(cal *Calendar, day time.Time) Clock {
	if c.Stopped() {
		c.StoppedDays += cal.WorkdaysBetween(c.StoppedSince, day)
		c.StoppedSince = time.Time{}
	}
	return c
}

// End records the day the clock ended (decision, withdrawal, termination).
func (c Clock) End(cal *Calendar, day time.Time) Clock {
	c = c.Resume(cal, day)
	if c.Started() && c.EndedOn.IsZero() {
		c.EndedOn = day
	}
	return c
}

// stoppedSoFar counts the stopped working days up to today, the current stop included.
func (c Clock) stoppedSoFar(cal *Calendar, today time.Time) int {
	n := c.StoppedDays
	if c.Stopped() {
		n += cal.WorkdaysBetween(c.StoppedSince, today)
	}
	return n
}

// deadline is the last working day of a limit of days, given today for a running stop.
func (c Clock) deadline(cal *Calendar, days int, today time.Time) time.Time {
	if !c.Started() {
		return time.Time{}
	}
	return cal.AddWorkdays(c.AcceptedOn, c.limit(days)+c.ExtendedDays+c.stoppedSoFar(cal, today))
}

// StatutoryDeadline is the last working day of the statutory limit; zero
// before acceptance. While stopped it moves with every stopped working day.
func (c Clock) StatutoryDeadline(cal *Calendar, today time.Time) time.Time {
	return c.deadline(cal, c.StatutoryDays, today)
}

// PromisedDeadline is the last working day of the promised limit.
func (c Clock) PromisedDeadline(cal *Calendar, today time.Time) time.Time {
	return c.deadline(cal, c.PromisedDays, today)
}

// Used counts the working days the clock has run up to today (or its end).
func (c Clock) Used(cal *Calendar, today time.Time) int {
	if !c.Started() {
		return 0
	}
	until := today
	if !c.EndedOn.IsZero() {
		until = c.EndedOn
	}
	if c.Stopped() && c.StoppedSince.Before(until) {
		until = c.StoppedSince
	}
	return max(0, cal.WorkdaysBetween(c.AcceptedOn, until)-c.StoppedDays)
}

// Remaining counts the working days left of the promised limit; negative when
// overdue. A 即办件 has none left on its day and is overdue from the next
// calendar day on (the working day it was due on has ended).
func (c Clock) Remaining(cal *Calendar, today time.Time) int {
	if c.Immediate && c.Started() {
		until := today
		if !c.EndedOn.IsZero() {
			until = c.EndedOn
		}
		if !until.After(c.AcceptedOn) {
			return 0
		}
		return -max(1, cal.WorkdaysBetween(c.AcceptedOn, until))
	}
	return c.limit(c.PromisedDays) + c.ExtendedDays - c.Used(cal, today)
}

// Overdue reports whether the promised limit has passed.
func (c Clock) Overdue(cal *Calendar, today time.Time) bool {
	return c.Started() && c.Remaining(cal, today) < 0
}

// DueSoon reports whether at most warn working days of the promised limit remain.
func (c Clock) DueSoon(cal *Calendar, today time.Time, warn int) bool {
	r := c.Remaining(cal, today)
	return c.Started() && c.EndedOn.IsZero() && r >= 0 && r <= warn
}
