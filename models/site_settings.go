package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// SiteSettings are the service centre's own facts that every page and
// printed notice shows (DESIGN §8). An empty value is not set yet.
type SiteSettings struct {
	ID       uint   `gorm:"primaryKey"` // always 1: there is one row
	District string `gorm:"not null"`   // the district the centre serves, e.g. 某某区
	Centre   string `gorm:"not null"`   // the centre's full name
	Address  string `gorm:"not null"`
	Hotline  string `gorm:"not null"`
	Hours    string `gorm:"not null"` // opening hours as published
	Footer   string `gorm:"not null"` // a line under every page
	// ReviewBody is where a refused applicant applies for 行政复议 (administrative
	// reconsideration); Court where they sue (行政诉讼). Printed on refusals.
	ReviewBody string     `gorm:"not null"`
	Court      string     `gorm:"not null"`
	UpdatedAt  *time.Time `gorm:"autoUpdateTime:false"` // nil until first set; the caller's clock
	UpdatedBy  string     `gorm:"not null"`             // the account (or "onewindow site") that last set them
}

// TableName keeps gorm off its plural guess.
func (SiteSettings) TableName() string { return "site_settings" }

// SiteKeys are the settings' names as the API, the page and the command
// spell them, in the order they are shown.
func SiteKeys() []string {
	return []string{"district", "centre", "address", "hotline", "hours", "footer", "review_body", "court"}
}

// siteLimits bounds each setting, in characters.
var siteLimits = map[string]int{
	"district": 50, "centre": 100, "address": 200, "hotline": 40, "hours": 200, "footer": 500,
	"review_body": 100, "court": 100,
}

// SiteLimit is the most characters the named setting may hold.
func SiteLimit(key string) int { return siteLimits[key] }

// phonePattern is a telephone number as offices publish them: digits,
// hyphens and spaces (several numbers separated by spaces), an optional
// leading +.
var phonePattern = regexp.MustCompile(`^\+?[0-9](?:[0-9 -]*[0-9])?$`)

// ValidPhone reports whether v reads as one or more telephone numbers.
func ValidPhone(v string) bool { return len(v) <= 40 && phonePattern.MatchString(v) }

// Get returns the setting named key ("district", "centre", …); ok is false
// for an unknown name.
func (st *SiteSettings) Get(key string) (v string, ok bool) {
	if p := st.field(key); p != nil {
		return *p, true
	}
	return "", false
}

// Set changes the setting named key; it reports false for an unknown name.
func (st *SiteSettings) Set(key, v string) bool {
	p := st.field(key)
	if p != nil {
		*p = v
	}
	return p != nil
}

func (st *SiteSettings) field(key string) *string {
	switch key {
	case "district":
		return &st.District
	case "centre":
		return &st.Centre
	case "address":
		return &st.Address
	case "hotline":
		return &st.Hotline
	case "hours":
		return &st.Hours
	case "footer":
		return &st.Footer
	case "review_body":
		return &st.ReviewBody
	case "court":
		return &st.Court
	}
	return nil
}

// normalize trims every setting.
func (st *SiteSettings) normalize() {
	for _, k := range SiteKeys() {
		v, _ := st.Get(k)
		st.Set(k, strings.TrimSpace(v))
	}
}

// ValidateSite checks settings as they would be stored (trimmed) and returns
// a *ValidationError naming each bad field: district and centre are
// required, every value is bounded, the hotline is a phone number.
func ValidateSite(st SiteSettings) error {
	st.normalize()
	ve := &ValidationError{}
	for _, k := range SiteKeys() {
		v, _ := st.Get(k)
		switch {
		case v == "" && (k == "district" || k == "centre"):
			ve.addRule(k, RuleRequired, "required")
		case utf8.RuneCountInString(v) > siteLimits[k]:
			ve.addRule(k, RuleTooLong, fmt.Sprintf("at most %d characters", siteLimits[k]))
		case k == "hotline" && v != "" && !ValidPhone(v):
			ve.addRule(k, RuleBadChar, "digits, '-' and spaces only")
		case strings.ContainsAny(v, "\x00\r") || (k != "footer" && strings.Contains(v, "\n")):
			ve.addRule(k, RuleBadChar, "one line of text")
		}
	}
	return ve.err()
}

// Site returns the site settings; before anyone set them every value is
// empty.
func (s *Store) Site(ctx context.Context) (SiteSettings, error) {
	var st SiteSettings
	if err := s.read.WithContext(ctx).Where("id = 1").Take(&st).Error; err != nil {
		return SiteSettings{}, fmt.Errorf("models: site settings: %w", err)
	}
	return st, nil
}

// SetSite validates and stores every setting at once, noting who set them,
// and signals the site area so that every process's pages show them.
func (s *Store) SetSite(ctx context.Context, st SiteSettings, by string, now time.Time) (SiteSettings, error) {
	st.normalize()
	if err := ValidateSite(st); err != nil {
		return SiteSettings{}, fmt.Errorf("models: set site settings: %w", err)
	}
	return s.saveSite(ctx, st, by, now, false)
}

// SeedSite stores st when no district has been set yet (a new database);
// it reports whether it did. Settings an administrator made are kept.
func (s *Store) SeedSite(ctx context.Context, st SiteSettings, now time.Time) (bool, error) {
	st.normalize()
	if err := ValidateSite(st); err != nil {
		return false, fmt.Errorf("models: seed site settings: %w", err)
	}
	_, err := s.saveSite(ctx, st, "seed", now, true)
	if errors.Is(err, errSiteAlreadySet) {
		return false, nil
	}
	return err == nil, err
}

// errSiteAlreadySet stops a seed that would overwrite settings someone made.
var errSiteAlreadySet = errors.New("site settings already set")

func (s *Store) saveSite(ctx context.Context, st SiteSettings, by string, now time.Time, onlyUnset bool) (SiteSettings, error) {
	now = now.UTC()
	st.ID, st.UpdatedAt, st.UpdatedBy = 1, &now, by
	err := s.write(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&SiteSettings{}).Where("id = 1")
		if onlyUnset {
			q = q.Where("district = ''")
		}
		res := q.Select("district", "centre", "address", "hotline", "hours", "footer", "review_body", "court", "updated_at", "updated_by").Updates(&st)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errSiteAlreadySet
		}
		return nil
	}, AreaSite)
	if errors.Is(err, errSiteAlreadySet) {
		return SiteSettings{}, err
	}
	if err != nil {
		return SiteSettings{}, fmt.Errorf("models: save site settings: %w", err)
	}
	return st, nil
}
