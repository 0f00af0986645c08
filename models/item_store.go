package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SeedCatalogue inserts departments, item types and items into an empty
// catalogue in one transaction. It reports false and changes nothing when the
// catalogue already holds departments.
func (s *Store) SeedCatalogue(ctx context.Context, depts []Department, types []ItemType, items []Item) (bool, error) {
	seeded := false
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Department{}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.CreateInBatches(depts, 100).Error; err != nil {
			return err
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(types, 100).Error; err != nil {
			return err
		}
		if len(items) > 0 {
			if err := tx.CreateInBatches(items, 200).Error; err != nil {
				return err
			}
		}
		seeded = true
		return nil
	}, AreaCatalogue)
	if err != nil {
		return false, fmt.Errorf("models: seed catalogue: %w", err)
	}
	return seeded, nil
}

// DepartmentCount is a department with the number of its public retained items.
type DepartmentCount struct {
	Department
	Items int
}

// Departments lists every department in its official order with the number of
// its published, retained items.
func (s *Store) Departments(ctx context.Context) ([]DepartmentCount, error) {
	var out []DepartmentCount
	err := s.read.WithContext(ctx).Model(&Department{}).
		Select("departments.*, (SELECT COUNT(*) FROM items WHERE items.department_code = departments.code AND items.status = ? AND items.disposition = ?) AS items",
			ItemPublished, DispositionRetained).
		Order("sort, code").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: list departments: %w", err)
	}
	return out, nil
}

// ItemTypes lists the item types in their official order.
func (s *Store) ItemTypes(ctx context.Context) ([]ItemType, error) {
	var out []ItemType
	if err := s.read.WithContext(ctx).Order("sort, code").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list item types: %w", err)
	}
	return out, nil
}

// Item returns the published item with the given code and its whole guide.
func (s *Store) Item(ctx context.Context, code string) (*Item, error) {
	var it Item
	err := s.read.WithContext(ctx).
		Preload("Materials", orderBySort).Preload("Fees", orderBySort).
		Preload("Steps", orderBySort).Preload("Departments", orderBySort).
		Where("code = ? AND status = ?", code, ItemPublished).Take(&it).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: item %q: %w", code, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: item %q: %w", code, err)
	}
	return &it, nil
}

func orderBySort(db *gorm.DB) *gorm.DB { return db.Order("sort, id") }

// CountRow is one row of a catalogue breakdown: reviewed = retained + reduced.
type CountRow struct {
	Key      string
	Reviewed int
	Retained int
	Reduced  int
}

// CatalogueStats are the published power list's counts (types in the power list only).
type CatalogueStats struct {
	Reviewed      int
	Retained      int
	Reduced       int
	Departments   int
	ByType        map[string]int // retained items per type
	ByDisposition map[string]int
	Services      int // retained public-service items outside the power list
}

// Stats counts the published power list from the database.
func (s *Store) Stats(ctx context.Context) (CatalogueStats, error) {
	st := CatalogueStats{ByType: map[string]int{}, ByDisposition: map[string]int{}}
	var rows []struct {
		TypeCode    string
		Disposition string
		PowerList   bool
		N           int
	}
	err := s.read.WithContext(ctx).Table("items").
		Select("items.type_code, items.disposition, item_types.power_list, COUNT(*) AS n").
		Joins("JOIN item_types ON item_types.code = items.type_code").
		Where("items.status = ?", ItemPublished).
		Group("items.type_code, items.disposition, item_types.power_list").Scan(&rows).Error
	if err != nil {
		return st, fmt.Errorf("models: catalogue stats: %w", err)
	}
	for _, r := range rows {
		if !r.PowerList {
			if r.Disposition == DispositionRetained {
				st.Services += r.N
			}
			continue
		}
		st.Reviewed += r.N
		st.ByDisposition[r.Disposition] += r.N
		if r.Disposition == DispositionRetained {
			st.Retained += r.N
			st.ByType[r.TypeCode] += r.N
		} else {
			st.Reduced += r.N
		}
	}
	var depts int64
	if err := s.read.WithContext(ctx).Model(&Department{}).Count(&depts).Error; err != nil {
		return st, fmt.Errorf("models: count departments: %w", err)
	}
	st.Departments = int(depts)
	return st, nil
}

// Breakdown counts the published power list per department ("department") or
// per item type ("type"), in official order.
func (s *Store) Breakdown(ctx context.Context, by string) ([]CountRow, error) {
	var key, join, order string
	switch by {
	case "department":
		key, join, order = "departments.code", "JOIN departments ON departments.code = items.department_code", "departments.sort"
	case "type":
		key, join, order = "items.type_code", "", "items.type_code"
	default:
		return nil, fmt.Errorf("models: breakdown by %q is not supported", by)
	}
	var rows []CountRow
	q := s.read.WithContext(ctx).Table("items").
		Select(key+` AS key, COUNT(*) AS reviewed, SUM(CASE WHEN items.disposition = ? THEN 1 ELSE 0 END) AS retained,
			SUM(CASE WHEN items.disposition <> ? THEN 1 ELSE 0 END) AS reduced`,
			DispositionRetained, DispositionRetained).
		Joins("JOIN item_types ON item_types.code = items.type_code AND item_types.power_list")
	if join != "" {
		q = q.Joins(join)
	}
	// The order column is grouped by as well: PostgreSQL refuses to order groups by a column it does not group by.
	group := key
	if order != key {
		group += ", " + order
	}
	err := q.Where("items.status = ?", ItemPublished).Group(group).Order(order).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: catalogue breakdown by %s: %w", by, err)
	}
	return rows, nil
}
