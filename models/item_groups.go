package models

import (
	"context"
	"fmt"
)

// ItemRef names a published item: its code and name.
type ItemRef struct {
	Code string
	Name string
}

// ItemGroup is an item's place in its 主项 / 子项 group: the main item it is
// a sub-item of (nil when it is a main item itself or its main item is not
// published) and the retained items that name it as their main item.
type ItemGroup struct {
	Main *ItemRef
	Subs []ItemRef
}

// ItemGroup finds the main item and the retained sub-items of it among the
// published items of its department (a cancelled 子项 is no longer handled), by main item name (主项名称). Both lookups use the
// (department_code, main_name) index: a main item's main name is its own name
// (or blank where a list did not fill it in).
func (s *Store) ItemGroup(ctx context.Context, it *Item) (ItemGroup, error) {
	var g ItemGroup
	db := s.read.WithContext(ctx)
	if it.MainName != "" && it.MainName != it.Name {
		var mains []ItemRef
		err := db.Table("items").Select("code, name").
			Where("department_code = ? AND main_name IN (?, '') AND name = ? AND code <> ? AND status = ?",
				it.DepartmentCode, it.MainName, it.MainName, it.Code, ItemPublished).
			Order("id").Limit(1).Scan(&mains).Error
		if err != nil {
			return g, fmt.Errorf("models: main item of %q: %w", it.Code, err)
		}
		if len(mains) > 0 {
			g.Main = &mains[0]
		}
	}
	g.Subs = []ItemRef{}
	err := db.Table("items").Select("code, name").
		Where("department_code = ? AND main_name = ? AND code <> ? AND status = ? AND disposition = ?",
			it.DepartmentCode, it.Name, it.Code, ItemPublished, DispositionRetained).
		Order("name, id").Scan(&g.Subs).Error
	if err != nil {
		return g, fmt.Errorf("models: sub-items of %q: %w", it.Code, err)
	}
	return g, nil
}
