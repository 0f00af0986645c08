package models

import (
	"context"
	"fmt"

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
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
	})
	if err != nil {
		return false, fmt.Errorf("models: seed calendar: %w", err)
	}
	return seeded, nil
}
