package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// departmentCode is a department's code: short lowercase pinyin initials.
var departmentCode = regexp.MustCompile(`^[a-z]{2,16}$`)

// maxDepartmentName bounds a department's full and short names, in characters.
const maxDepartmentName = 100

// NewDepartment is what creating a department needs; ShortName defaults to
// Name, and office details left empty are unknown.
type NewDepartment struct {
	Code      string
	Name      string
	ShortName string
	Address   string
	Phone     string
	Hours     string
	Website   string
	// Description is a short description of the department's work.
	Description string
}

// office lists the new department's office details by column name, trimmed.
func (d NewDepartment) office() map[string]string {
	return DepartmentChange{Address: &d.Address, Phone: &d.Phone, Hours: &d.Hours, Website: &d.Website,
		Description: &d.Description}.details()
}

// ValidateDepartment checks a department's code, names and office details
// and returns a *ValidationError naming the bad fields ("code", "name",
// "short_name", "phone", "website" …).
func ValidateDepartment(d NewDepartment) error {
	ve := &ValidationError{}
	if !departmentCode.MatchString(d.Code) {
		ve.add("code", "must be 2–16 lowercase letters a–z")
	}
	checkDepartmentName(ve, "name", d.Name, true)
	checkDepartmentName(ve, "short_name", d.ShortName, false)
	validateOffice(ve, d.office())
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
	office := nd.office()
	d := Department{Code: nd.Code, Name: nd.Name, ShortName: nd.ShortName, Address: office["address"], Phone: office["phone"],
		Hours: office["hours"], Website: office["website"], Description: office["description"]}
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
	return s.UpdateDepartment(ctx, code, DepartmentChange{Name: name, ShortName: shortName})
}

// DepartmentChange is what editing a department sets: its names always
// (an empty short name becomes the full name), each office detail only when
// it is not nil. An empty detail is unknown and reads 未公布.
type DepartmentChange struct {
	Name, ShortName string
	Address         *string
	Phone           *string
	Hours           *string
	Website         *string
	Description     *string
}

// officeLimits bounds a department's office details, in characters.
var officeLimits = map[string]int{"address": 200, "phone": 40, "hours": 200, "website": 200, "description": 1000}

// details lists the office details the change sets, by column name, trimmed.
func (ch DepartmentChange) details() map[string]string {
	out := map[string]string{}
	for col, p := range map[string]*string{"address": ch.Address, "phone": ch.Phone, "hours": ch.Hours,
		"website": ch.Website, "description": ch.Description} {
		if p != nil {
			out[col] = strings.TrimSpace(*p)
		}
	}
	return out
}

// validateOffice checks the office details: bounded lengths, a phone
// pattern, an http(s) website.
func validateOffice(ve *ValidationError, details map[string]string) {
	for col, v := range details {
		switch {
		case utf8.RuneCountInString(v) > officeLimits[col]:
			ve.addRule(col, RuleTooLong, fmt.Sprintf("at most %d characters", officeLimits[col]))
		case v == "":
		case col == "phone" && !ValidPhone(v):
			ve.addRule(col, RuleBadChar, "digits, '-' and spaces only")
		case col == "website" && !validWebsite(v):
			ve.addRule(col, RuleInvalid, "an http:// or https:// address")
		case col != "description" && strings.ContainsAny(v, "\r\n\x00"):
			ve.addRule(col, RuleBadChar, "one line of text")
		}
	}
}

// validWebsite reports whether v is an absolute http or https URL with a host.
func validWebsite(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil &&
		!strings.ContainsAny(v, " \t\r\n")
}

// UpdateDepartment changes a department's names and the office details the
// change names, in one transaction signalled as a catalogue change (guides
// and department pages show them). Its code, which items refer to, stays.
func (s *Store) UpdateDepartment(ctx context.Context, code string, ch DepartmentChange) (*Department, error) {
	name, shortName := strings.TrimSpace(ch.Name), strings.TrimSpace(ch.ShortName)
	details := ch.details()
	ve := &ValidationError{}
	checkDepartmentName(ve, "name", name, true)
	checkDepartmentName(ve, "short_name", shortName, false)
	validateOffice(ve, details)
	if err := ve.err(); err != nil {
		return nil, fmt.Errorf("models: update department %q: %w", code, err)
	}
	if shortName == "" {
		shortName = name
	}
	cols := map[string]any{"name": name, "short_name": shortName}
	for col, v := range details {
		cols[col] = v
	}
	var d Department
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Department{}).Where("code = ?", code).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Where("code = ?", code).Take(&d).Error
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: update department %q: %w", code, err)
	}
	return &d, nil
}

// DepartmentItem is one line of a department's public list of items.
type DepartmentItem struct {
	Code          string
	Name          string
	TypeCode      string
	OnApplication bool
}

// DepartmentItems lists the department's published, retained items by
// type and code.
func (s *Store) DepartmentItems(ctx context.Context, code string) ([]DepartmentItem, error) {
	var out []DepartmentItem
	err := s.read.WithContext(ctx).Model(&Item{}).Select("code, name, type_code, on_application").
		Where("department_code = ? AND status = ? AND disposition = ?", code, ItemPublished, DispositionRetained).
		Order("type_code, code").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: items of department %q: %w", code, err)
	}
	return out, nil
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
