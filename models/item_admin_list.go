package models

import (
	"context"
	"fmt"
	"strings"
)

// AdminItemFilter selects items for the catalogue administrators' list.
type AdminItemFilter struct {
	Departments []string // the departments the user may edit; nil means all
	Department  string   // one department, or "" for every allowed one
	Text        string   // contained in the name or the code
	Incomplete  bool     // only guides with filing gaps
	Status      string   // ItemPublished, ItemDraft or "" for both
	Offset      int
	Limit       int
}

// AdminItemRow is one row of the administrators' list.
type AdminItemRow struct {
	Code, Name, TypeCode, DepartmentCode, Disposition, Status string
	Version                                                   int
	OnApplication                                             bool
	Gaps                                                      []string // what a filing needs and the guide lacks
}

// AdminItems lists items for catalogue administrators, in department and
// code order, with the total that matches the filter.
func (s *Store) AdminItems(ctx context.Context, f AdminItemFilter) ([]AdminItemRow, int, error) {
	q := s.read.WithContext(ctx).Table("items")
	if f.Departments != nil {
		q = q.Where("items.department_code IN ?", f.Departments)
	}
	if f.Department != "" {
		q = q.Where("items.department_code = ?", f.Department)
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		like := "%" + escapeLike(t) + "%"
		// lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
		q = q.Where(`(lower(items.name) LIKE lower(?) ESCAPE '\' OR lower(items.code) LIKE lower(?) ESCAPE '\')`, like, like)
	}
	if f.Status != "" {
		q = q.Where("items.status = ?", f.Status)
	}
	if f.Incomplete {
		q = q.Where("items.on_application AND items.disposition = ? AND "+guideGapSQL, DispositionRetained)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count admin items: %w", err)
	}
	var rows []struct {
		Item
		MaterialCount int
	}
	err := q.Select("items.*, (SELECT COUNT(*) FROM materials WHERE materials.item_id = items.id) AS material_count").
		Order("items.department_code, items.code").Offset(f.Offset).Limit(f.Limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: admin items: %w", err)
	}
	out := make([]AdminItemRow, len(rows))
	for i, r := range rows {
		it := r.Item
		out[i] = AdminItemRow{Code: it.Code, Name: it.Name, TypeCode: it.TypeCode, DepartmentCode: it.DepartmentCode,
			Disposition: it.Disposition, Status: it.Status, Version: it.Version, OnApplication: it.OnApplication}
		if it.OnApplication && !it.Reduced() {
			// FilingGaps only asks whether there are materials.
			it.Materials = make([]Material, min(r.MaterialCount, 1))
			out[i].Gaps = it.FilingGaps()
		}
	}
	return out, int(total), nil
}
