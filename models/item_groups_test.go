package models

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestItemGroupFindsMainItemAndSubItemsInTheDepartment(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	sub := func(code, name, dept, status string) Item {
		return Item{Code: code, Name: name, MainName: "食品经营许可", TypeCode: "01", DepartmentCode: dept,
			Disposition: DispositionRetained, OnApplication: true, Status: status, Version: 1,
			ServiceObjects: StringList{}, HandleForms: StringList{}}
	}
	rows := []Item{
		sub("S2", "食品经营许可（延续）", "scj", ItemPublished),
		sub("S1", "食品经营许可（变更）", "scj", ItemPublished),
		sub("S3", "食品经营许可（注销）", "scj", ItemDraft),     // not published
		sub("X1", "食品经营许可（新办）", "zjj", ItemPublished), // another department's group
	}
	if err := s.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.db.Model(&Item{}).Where("code = ?", "A1").Update("main_name", "食品经营许可").Error; err != nil {
		t.Fatal(err)
	}
	group := func(code string) ItemGroup {
		var it Item
		if err := s.read.Where("code = ?", code).Take(&it).Error; err != nil {
			t.Fatal(err)
		}
		g, err := s.ItemGroup(ctx, &it)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	main := group("A1")
	if main.Main != nil || len(main.Subs) != 2 || main.Subs[0].Code != "S1" || main.Subs[1].Code != "S2" {
		t.Errorf("main item's group: %+v", main) // published, same department, ordered by name
	}
	s1 := group("S1")
	if s1.Main == nil || s1.Main.Code != "A1" || len(s1.Subs) != 0 {
		t.Errorf("sub-item's group: %+v", s1)
	}
	if x := group("X1"); x.Main != nil || len(x.Subs) != 0 {
		t.Errorf("a sub-item whose main item is in another department: %+v", x)
	}
	if lone := group("A2"); lone.Main != nil || lone.Subs == nil || len(lone.Subs) != 0 {
		t.Errorf("an ungrouped item: %+v", lone)
	}
}

func TestSubItemsAreListedInTheOrderOfAnItemsLife(t *testing.T) {
	t.Parallel()
	main := "食品经营许可"
	names := []string{"食品经营许可（注销）", "食品经营许可（变更）", "食品经营许可（延续）", "食品经营许可（新办）",
		"食品经营许可（补办）", "食品经营许可（仓储备案）", "食品经营许可（换发）", "食品经营许可(首次申请)"}
	want := []string{"食品经营许可(首次申请)", "食品经营许可（新办）", "食品经营许可（变更）", "食品经营许可（延续）",
		"食品经营许可（换发）", "食品经营许可（补办）", "食品经营许可（注销）", "食品经营许可（仓储备案）"}
	slices.SortStableFunc(names, func(a, b string) int {
		if d := SubItemRank(main, a) - SubItemRank(main, b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("order = %v, want %v", names, want)
		}
	}
	for _, c := range []struct {
		main, name string
		rank       int
	}{
		{"公司登记", "公司设立登记", 0},
		{"道路运输经营许可", "道路运输经营许可证换证", 3},
		{"建设工程规划许可", "建设工程（含临时建设）规划许可证核发", 0},
		{"建设工程规划许可", "建设工程（含临时建设）规划许可证变更", 1},
		{"取水许可", "取水许可（其他）", len(subItemStages)},
	} {
		if got := SubItemRank(c.main, c.name); got != c.rank {
			t.Errorf("SubItemRank(%q, %q) = %d, want %d", c.main, c.name, got, c.rank)
		}
	}
}
