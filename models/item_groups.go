package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
// published items of its department (a cancelled 子项 is no longer handled),
// by main item name (主项名称), the sub-items in the order of an item's life
// (SubItemRank). Both lookups use the
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
	slices.SortStableFunc(g.Subs, func(a, b ItemRef) int {
		return SubItemRank(it.Name, a.Name) - SubItemRank(it.Name, b.Name)
	})
	return g, nil
}

// subItemStages are the words that name a sub-item's stage in an item's
// life, in the order a guide lists them: a first application, then changes,
// renewals, replacements and the end.
var subItemStages = [][]string{
	{"新办", "设立", "首次", "新申请", "申领", "核发"},
	{"变更"},
	{"延续", "续期", "延期"},
	{"补办", "换发", "补发", "换证", "补证"},
	{"注销", "撤销", "终止"},
}

// SubItemRank is where a sub-item named name stands among the sub-items of
// the main item mainName: 0 for 新办 / 设立 / 首次, then 变更, 延续, 补办 / 换发,
// 注销, and len(subItemStages) for any other. It reads the variant the name
// adds to its main item: the last parenthesised part, else what follows the
// main item's name.
func SubItemRank(mainName, name string) int {
	variant := strings.TrimPrefix(name, mainName)
	if i := strings.LastIndexAny(name, "（("); i >= 0 {
		variant = name[i:]
	}
	for rank, words := range subItemStages {
		for _, w := range words {
			if strings.Contains(variant, w) {
				return rank
			}
		}
	}
	return len(subItemStages)
}
