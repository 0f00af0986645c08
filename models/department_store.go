package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// departmentCode is a department's code: short lowercase pinyin initials.
var departmentCode = regexp.MustCompile(`^[a-z]{2,16}$`)

// maxDepartmentName bounds a department's full and short names, in characters.
const maxDepartmentName = 100

// NewDepartment is what creating a department needs; ShortName defaults to Name.
type NewDepartment struct {
	Code      string
	Name      string
	ShortName string
}

// ValidateDepartment checks a department's code and names and returns a
// *ValidationError naming the bad fields ("code", "name", "short_name").
func ValidateDepartment(d NewDepartment) error {
	ve := &ValidationError{}
	if !departmentCode.MatchString(d.Code) {
		ve.add("code", "must be 2–16 lowercase letters a–z")
	}
	checkDepartmentName(ve, "name", d.Name, true)
	checkDepartmentName(ve, "short_name", d.ShortName, false)
	return ve.err()
}

func checkDepartmentName(ve *ValidationError, field, v string, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		ve.add(field, "required")
	case utf8.RuneCountInString(v) > maxDepartmentName:
		ve.add(field, fmt.Sprintf("at most %d characters", maxDepartmentName))
	}
}

// CreateDepartment adds a department after the existing ones in the official
// order. A code already in use is ErrConflict.
func (s *Store) CreateDepartment(ctx context.Context, nd NewDepartment) (*Department, error) {
	nd.Code, nd.Name, nd.ShortName = strings.TrimSpace(nd.Code), strings.TrimSpace(nd.Name), strings.TrimSpace(nd.ShortName)
	if err := ValidateDepartment(nd); err != nil {
		return nil, fmt.Errorf("models: create department %q: %w", nd.Code, err)
	}
	if nd.ShortName == "" {
		nd.ShortName = nd.Name
	}
	d := Department{Code: nd.Code, Name: nd.Name, ShortName: nd.ShortName}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var last struct{ Sort int }
		if err := tx.Model(&Department{}).Select("COALESCE(MAX(sort), 0) AS sort").Scan(&last).Error; err != nil {
			return err
		}
		d.Sort = last.Sort + 1
		return uniqueAsConflict(tx.Create(&d).Error)
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: create department %q: %w", nd.Code, err)
	}
	return &d, nil
}

// RenameDepartment changes a department's full and short names (an empty
// short name becomes the full name); its code, which items refer to, stays.
func (s *Store) RenameDepartment(ctx context.Context, code, name, shortName string) (*Department, error) {
	name, shortName = strings.TrimSpace(name), strings.TrimSpace(shortName)
	ve := &ValidationError{}
	checkDepartmentName(ve, "name", name, true)
	checkDepartmentName(ve, "short_name", shortName, false)
	if err := ve.err(); err != nil {
		return nil, fmt.Errorf("models: rename department %q: %w", code, err)
	}
	if shortName == "" {
		shortName = name
	}
	var d Department
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Department{}).Where("code = ?", code).Updates(map[string]any{"name": name, "short_name": shortName})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Where("code = ?", code).Take(&d).Error
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: rename department %q: %w", code, err)
	}
	return &d, nil
}

// Department returns the department with the given code.
func (s *Store) Department(ctx context.Context, code string) (*Department, error) {
	var d Department
	err := s.read.WithContext(ctx).Where("code = ?", code).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: department %q: %w", code, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: department %q: %w", code, err)
	}
	return &d, nil
}
