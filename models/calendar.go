package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"onewindow/workflow"
)

// CalendarDay is one stored exception to the weekday rule: a statutory
// holiday or an adjusted working weekend.
type CalendarDay struct {
	Date string `gorm:"primaryKey;size:10"`
	Kind string `gorm:"size:16;not null"`
	Name string `gorm:"not null"`
}

// CalendarDays returns the stored calendar entries in date order.
func (s *Store) CalendarDays(ctx context.Context) ([]workflow.CalendarDay, error) {
	var rows []CalendarDay
	if err := s.read.WithContext(ctx).Order("date").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: load calendar: %w", err)
	}
	out := make([]workflow.CalendarDay, len(rows))
	for i, r := range rows {
		out[i] = workflow.CalendarDay{Date: r.Date, Kind: workflow.DayKind(r.Kind), Name: r.Name}
	}
	return out, nil
}

// SeedCalendar stores the given entries when the calendar is empty and
// reports whether it did.
func (s *Store) SeedCalendar(ctx context.Context, days []workflow.CalendarDay) (bool, error) {
	seeded := false
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&CalendarDay{}).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		rows := make([]CalendarDay, len(days))
		for i, d := range days {
			rows[i] = CalendarDay{Date: d.Date, Kind: string(d.Kind), Name: d.Name}
		}
		if len(rows) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 200).Error; err != nil {
				return err
			}
		}
		seeded = true
		return nil
	}, AreaCalendar)
	if err != nil {
		return false, fmt.Errorf("models: seed calendar: %w", err)
	}
	return seeded, nil
}

// maxCalendarName bounds the name of a calendar entry, in characters.
const maxCalendarName = 50

// CalendarProblem is one thing wrong with a calendar entry.
type CalendarProblem struct {
	Row     int    // 1-based position in the submitted list; 0 for a single entry
	Column  string // date, kind or name
	Code    string // bad_date, wrong_year, duplicate, bad_kind, weekday_workday, no_name, long_name
	Message string // English text for the API
}

// CalendarError lists every problem of a calendar change; nothing was changed.
type CalendarError struct {
	Problems []CalendarProblem
}

// Error names the first problem and how many there are.
func (e *CalendarError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid calendar entries"
	}
	p := e.Problems[0]
	return fmt.Sprintf("invalid calendar entries: row %d %s: %s (%d problems)", p.Row, p.Column, p.Message, len(e.Problems))
}

// CheckCalendarDay returns the problems of one entry: the date must be a real
// YYYY-MM-DD day, the kind holiday or workday, the name present and short,
// and an adjusted working day must fall on a Saturday or Sunday (a weekday is
// worked anyway). A holiday may fall on a weekend: notices list whole runs.
func CheckCalendarDay(d workflow.CalendarDay) []CalendarProblem {
	var out []CalendarProblem
	add := func(col, code, msg string) {
		out = append(out, CalendarProblem{Column: col, Code: code, Message: msg})
	}
	date, err := workflow.ParseDate(d.Date)
	if err != nil {
		add("date", "bad_date", "must be a date YYYY-MM-DD")
	}
	switch d.Kind {
	case workflow.Holiday:
	case workflow.AdjustedWorkday:
		if err == nil && date.Weekday() != time.Saturday && date.Weekday() != time.Sunday {
			add("kind", "weekday_workday", "an adjusted working day must be a Saturday or Sunday")
		}
	default:
		add("kind", "bad_kind", "must be holiday or workday")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(d.Name)); {
	case n == 0:
		add("name", "no_name", "required")
	case n > maxCalendarName:
		add("name", "long_name", fmt.Sprintf("at most %d characters", maxCalendarName))
	}
	return out
}

// CheckCalendarYear returns the problems of a whole year's entries: each
// entry's own, a date outside year, and a date given twice.
func CheckCalendarYear(year int, days []workflow.CalendarDay) []CalendarProblem {
	var out []CalendarProblem
	seen := make(map[string]bool, len(days))
	prefix := fmt.Sprintf("%04d-", year)
	for i, d := range days {
		row := i + 1
		for _, p := range CheckCalendarDay(d) {
			p.Row = row
			out = append(out, p)
		}
		if _, err := workflow.ParseDate(d.Date); err != nil {
			continue
		}
		if !strings.HasPrefix(d.Date, prefix) {
			out = append(out, CalendarProblem{Row: row, Column: "date", Code: "wrong_year",
				Message: fmt.Sprintf("is not in %04d", year)})
		}
		if seen[d.Date] {
			out = append(out, CalendarProblem{Row: row, Column: "date", Code: "duplicate", Message: "is given more than once"})
			continue
		}
		seen[d.Date] = true
	}
	return out
}

// CalendarYear returns the stored entries of one year in date order.
func (s *Store) CalendarYear(ctx context.Context, year int) ([]workflow.CalendarDay, error) {
	var rows []CalendarDay
	err := s.read.WithContext(ctx).Where("date >= ? AND date <= ?", fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)).
		Order("date").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: load calendar %d: %w", year, err)
	}
	out := make([]workflow.CalendarDay, len(rows))
	for i, r := range rows {
		out[i] = workflow.CalendarDay{Date: r.Date, Kind: workflow.DayKind(r.Kind), Name: r.Name}
	}
	return out, nil
}

// AddCalendarDay stores one entry. An invalid entry is a *CalendarError; a
// date that already has an entry is ErrConflict (remove it first).
func (s *Store) AddCalendarDay(ctx context.Context, d workflow.CalendarDay) error {
	d.Name = strings.TrimSpace(d.Name)
	if ps := CheckCalendarDay(d); len(ps) > 0 {
		return fmt.Errorf("models: add calendar day %q: %w", d.Date, &CalendarError{Problems: ps})
	}
	row := CalendarDay{Date: d.Date, Kind: string(d.Kind), Name: d.Name}
	err := s.write(ctx, func(tx *gorm.DB) error { return tx.Create(&row).Error }, AreaCalendar)
	if err != nil {
		return fmt.Errorf("models: add calendar day %q: %w", d.Date, uniqueAsConflict(err))
	}
	return nil
}

// RemoveCalendarDay deletes the entry of one date; ErrNotFound when there is none.
func (s *Store) RemoveCalendarDay(ctx context.Context, date string) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Where("date = ?", date).Delete(&CalendarDay{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	}, AreaCalendar)
	if err != nil {
		return fmt.Errorf("models: remove calendar day %q: %w", date, err)
	}
	return nil
}

// ReplaceCalendarYear replaces every entry of year with days in one
// transaction. When any entry has a problem it returns a *CalendarError
// listing all of them and changes nothing.
func (s *Store) ReplaceCalendarYear(ctx context.Context, year int, days []workflow.CalendarDay) error {
	if year < 1 || year > 9999 {
		return fmt.Errorf("models: replace calendar %d: %w", year, &CalendarError{Problems: []CalendarProblem{
			{Column: "year", Code: "bad_year", Message: "must be between 1 and 9999"}}})
	}
	if ps := CheckCalendarYear(year, days); len(ps) > 0 {
		return fmt.Errorf("models: replace calendar %d: %w", year, &CalendarError{Problems: ps})
	}
	rows := make([]CalendarDay, len(days))
	for i, d := range days {
		rows[i] = CalendarDay{Date: d.Date, Kind: string(d.Kind), Name: strings.TrimSpace(d.Name)}
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Where("date >= ? AND date <= ?", fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)).
			Delete(&CalendarDay{}).Error
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			if err := tx.CreateInBatches(rows, 200).Error; err != nil {
				return err
			}
		}
		// A whole year's schedule loaded is that year's official calendar.
		return markYearOfficial(tx, year, "import", time.Now().UTC())
	}, AreaCalendar)
	if err != nil {
		return fmt.Errorf("models: replace calendar %d: %w", year, err)
	}
	return nil
}
