package models

import (
	"context"
	"fmt"
	"strings"

	"onewindow/models/search"
)

// SearchEntries returns every published item as the search index sees it, with how
// often each was applied for (a late tie-breaker of the ranking).
func (s *Store) SearchEntries(ctx context.Context) ([]search.Entry, error) {
	var items []Item
	err := s.read.WithContext(ctx).
		Preload("Materials", orderBySort).Preload("Departments", orderBySort).
		Where("status = ?", ItemPublished).Order("id").Find(&items).Error
	if err != nil {
		return nil, fmt.Errorf("models: load search entries: %w", err)
	}
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]Department, len(depts))
	for _, d := range depts {
		byCode[d.Code] = d.Department
	}
	apps, err := s.applicationCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]search.Entry, 0, len(items))
	for i := range items {
		it := &items[i]
		d := byCode[it.DepartmentCode]
		text := []string{it.AcceptConditions, it.LegalBasis, it.ResultName}
		for _, m := range it.Materials {
			text = append(text, m.Name)
		}
		out = append(out, search.Entry{
			Code:           it.Code,
			Name:           it.Name,
			MainName:       it.MainName,
			TypeCode:       it.TypeCode,
			DepartmentCode: it.DepartmentCode,
			DepartmentName: d.ShortName,
			DepartmentSort: d.Sort,
			Disposition:    it.Disposition,
			OnApplication:  it.OnApplication,
			Joint:          it.Joint(),
			Immediate:      it.HandlingKind == KindImmediate,
			StatutoryDays:  it.StatutoryDays,
			PromisedDays:   it.PromisedDays,
			Applications:   apps[it.Code],
			Text:           strings.Join(text, "\n"),
		})
	}
	return out, nil
}

// applicationCounts returns the number of applications filed per item code.
func (s *Store) applicationCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		ItemCode string
		N        int
	}
	err := s.read.WithContext(ctx).Table("applications").
		Select("item_code, COUNT(*) AS n").Group("item_code").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: count applications per item: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.ItemCode] = r.N
	}
	return out, nil
}
