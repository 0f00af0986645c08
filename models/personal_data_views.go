package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PersonalDataView is one time a member of staff chose to see an applicant's full identity
// number and phone: who, in which role, when, from where, on which application, and why.
type PersonalDataView struct {
	ID                uint      `gorm:"primaryKey" json:"-"`
	At                time.Time `gorm:"not null" json:"at"`
	Username          string    `gorm:"not null" json:"username"`
	Role              string    `gorm:"not null" json:"role,omitempty"`
	ApplicationNumber string    `gorm:"not null" json:"application_number"`
	Fields            string    `gorm:"not null" json:"fields"` // what was shown, comma-separated
	Reason            string    `gorm:"not null" json:"reason,omitempty"`
	IP                string    `gorm:"column:ip;not null" json:"ip,omitempty"`
}

// TableName keeps the table name of the migration.
func (PersonalDataView) TableName() string { return "personal_data_views" }

// LogPersonalDataView records a view before the data is shown (no record, no view) and
// returns the record's id.
func (s *Store) LogPersonalDataView(ctx context.Context, v PersonalDataView) (uint, error) {
	if v.At.IsZero() {
		v.At = time.Now()
	}
	v.At = v.At.UTC()
	if err := s.db.WithContext(ctx).Create(&v).Error; err != nil {
		return 0, fmt.Errorf("models: log personal data view: %w", err)
	}
	return v.ID, nil
}

// PersonalDataViewByID returns one record of the log.
func (s *Store) PersonalDataViewByID(ctx context.Context, id uint) (*PersonalDataView, error) {
	var v PersonalDataView
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: personal data view %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: personal data view %d: %w", id, err)
	}
	return &v, nil
}

// PersonalDataViewFilter narrows the log: by member of staff, by application, by time.
type PersonalDataViewFilter struct {
	Username, Number string
	From, To         time.Time // To is exclusive; zero: open
	Limit, Offset    int
}

// PersonalDataViews lists the log, newest first, with the number of matching rows.
func (s *Store) PersonalDataViews(ctx context.Context, f PersonalDataViewFilter) ([]PersonalDataView, int64, error) {
	q := s.read.WithContext(ctx).Model(&PersonalDataView{})
	if f.Username != "" {
		q = q.Where("username = ?", f.Username)
	}
	if f.Number != "" {
		q = q.Where("application_number = ?", f.Number)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count personal data views: %w", err)
	}
	out := []PersonalDataView{}
	if err := q.Order("at DESC, id DESC").Limit(max(f.Limit, 1)).Offset(f.Offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("models: read personal data views: %w", err)
	}
	return out, total, nil
}
