package models

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"onewindow/workflow"
)

// CalendarYearRow is one year the working-day calendar covers.
type CalendarYearRow struct {
	Year      int    `gorm:"primaryKey"`
	Status    string `gorm:"not null"`
	Source    string `gorm:"not null"`
	UpdatedAt time.Time
}

// TableName is the table of migration 0021.
func (CalendarYearRow) TableName() string { return "calendar_years" }

// CalendarYears returns the covered years in order; none means the calendar
// was never bounded (a database from before migration 0021 had no days).
func (s *Store) CalendarYears(ctx context.Context) ([]workflow.CalendarYear, error) {
	var rows []CalendarYearRow
	if err := s.read.WithContext(ctx).Order("year").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: load calendar years: %w", err)
	}
	out := make([]workflow.CalendarYear, len(rows))
	for i, r := range rows {
		out[i] = workflow.CalendarYear{Year: r.Year, Status: workflow.YearStatus(r.Status)}
	}
	return out, nil
}

// SeedCalendarYears records the given years where no year is recorded yet
// (an imported official year is never turned back into a provisional one).
func (s *Store) SeedCalendarYears(ctx context.Context, years []workflow.CalendarYear, now time.Time) error {
	rows := make([]CalendarYearRow, len(years))
	for i, y := range years {
		rows[i] = CalendarYearRow{Year: y.Year, Status: string(y.Status), Source: "seed", UpdatedAt: now}
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if len(rows) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
	}, AreaCalendar)
	if err != nil {
		return fmt.Errorf("models: seed calendar years: %w", err)
	}
	return nil
}

// AddProvisionalYear covers year with weekends only until its schedule is
// imported; ErrConflict when the year is already covered.
func (s *Store) AddProvisionalYear(ctx context.Context, year int, now time.Time) error {
	if year < 1 || year > 9999 {
		return fmt.Errorf("models: add calendar year %d: %w", year, &CalendarError{Problems: []CalendarProblem{
			{Column: "year", Code: "bad_year", Message: "must be between 1 and 9999"}}})
	}
	row := CalendarYearRow{Year: year, Status: string(workflow.YearProvisional), Source: "admin", UpdatedAt: now}
	err := s.write(ctx, func(tx *gorm.DB) error { return tx.Create(&row).Error }, AreaCalendar)
	if err != nil {
		return fmt.Errorf("models: add calendar year %d: %w", year, uniqueAsConflict(err))
	}
	return nil
}

// CalendarImport is what an imported schedule changed.
type CalendarImport struct {
	Years []int // the years replaced and marked official
	Days  int   // entries stored
}

// ImportCalendar replaces every year the schedule names with its entries
// and marks those years official, in one transaction. Entries with problems
// make a *CalendarError (rows are the schedule's entries, 1-based) and
// change nothing.
func (s *Store) ImportCalendar(ctx context.Context, days []workflow.CalendarDay, source string, now time.Time) (CalendarImport, error) {
	byYear := map[int][]workflow.CalendarDay{}
	var probs []CalendarProblem
	seen := map[string]int{}
	for i, d := range days {
		for _, p := range CheckCalendarDay(d) {
			p.Row = i + 1
			probs = append(probs, p)
		}
		if j, dup := seen[d.Date]; dup {
			// The same day twice is harmless when it says the same thing.
			if days[j].Kind != d.Kind {
				probs = append(probs, CalendarProblem{Row: i + 1, Column: "date", Code: "duplicate",
					Message: "is given both as a holiday and as a working day"})
			}
			continue
		}
		seen[d.Date] = i
		y, _ := strconv.Atoi(d.Date[:min(4, len(d.Date))])
		byYear[y] = append(byYear[y], d)
	}
	if len(days) == 0 {
		probs = append(probs, CalendarProblem{Column: "file", Code: "empty", Message: "the schedule names no day"})
	}
	if len(probs) > 0 {
		return CalendarImport{}, fmt.Errorf("models: import calendar: %w", &CalendarError{Problems: probs})
	}
	var out CalendarImport
	for y := range byYear {
		out.Years = append(out.Years, y)
	}
	slices.Sort(out.Years)
	err := s.write(ctx, func(tx *gorm.DB) error {
		for _, y := range out.Years {
			if err := tx.Where("date >= ? AND date <= ?", fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-12-31", y)).
				Delete(&CalendarDay{}).Error; err != nil {
				return err
			}
			rows := make([]CalendarDay, len(byYear[y]))
			for i, d := range byYear[y] {
				rows[i] = CalendarDay{Date: d.Date, Kind: string(d.Kind), Name: d.Name}
			}
			if err := tx.CreateInBatches(rows, 200).Error; err != nil {
				return err
			}
			out.Days += len(rows)
			if err := markYearOfficial(tx, y, source, now); err != nil {
				return err
			}
		}
		return nil
	}, AreaCalendar)
	if err != nil {
		return CalendarImport{}, fmt.Errorf("models: import calendar: %w", err)
	}
	return out, nil
}

// markYearOfficial records that year's official schedule is loaded.
func markYearOfficial(tx *gorm.DB, year int, source string, now time.Time) error {
	row := CalendarYearRow{Year: year, Status: string(workflow.YearOfficial), Source: source, UpdatedAt: now}
	return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
}
