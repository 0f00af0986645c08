package models

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestImportOfTheUnchangedExportChangesNothing(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	before, err := s.ItemsForExport(ctx, nil)
	if err != nil || len(before) != 4 {
		t.Fatalf("export = %d items, %v", len(before), err)
	}
	if n, err := s.CheckImport(ctx, before); err != nil || n != 0 {
		t.Errorf("check import of the export = %d, %v; want 0", n, err)
	}
	n, err := s.ApplyImport(ctx, before, "catalog", "年度核对")
	if err != nil || n != 0 {
		t.Fatalf("import of the export = %d, %v; want 0", n, err)
	}
	after, err := s.ItemsForExport(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range after {
		if after[i].Version != 1 || !after[i].UpdatedAt.Equal(before[i].UpdatedAt) || len(after[i].Materials) > 0 && after[i].Materials[0].ID != before[i].Materials[0].ID {
			t.Errorf("item %s was rewritten", after[i].Code)
		}
		if revs := revisions(t, s, after[i].Code); len(revs) != 0 {
			t.Errorf("item %s got %d revisions", after[i].Code, len(revs))
		}
	}
}

func TestImportWritesOneRevisionPerChangedItem(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	items, err := s.ItemsForExport(ctx, []string{"A2", "A1"})
	if err != nil || len(items) != 2 || items[0].Code != "A1" {
		t.Fatalf("export of two codes = %+v, %v", items, err)
	}
	if _, err := s.ItemsForExport(ctx, []string{"A1", "NOPE"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("export of a missing code: err = %v, want ErrNotFound", err)
	}
	items[1].Fees = []Fee{{Name: "证照工本费", Standard: "10元/本"}}
	items = append(items, Item{Code: "B1", CatalogCode: "0100100000B1", Name: "门头招牌设置审批", TypeCode: "01", DepartmentCode: "zjj",
		Disposition: DispositionRetained, OnApplication: true, StatutoryDays: IntPtr(20), PromisedDays: IntPtr(5)})
	if n, err := s.CheckImport(ctx, items); err != nil || n != 2 {
		t.Errorf("check import = %d, %v; want 2", n, err)
	}
	n, err := s.ApplyImport(ctx, items, "catalog", "批量导入")
	if err != nil || n != 2 {
		t.Fatalf("import = %d, %v; want 2", n, err)
	}
	revs := revisions(t, s, "A2")
	want := Changes{{Field: "fees[+]", New: "证照工本费"}}
	if len(revs) != 1 || revs[0].Action != RevisionImport || revs[0].Version != 2 || !reflect.DeepEqual(revs[0].Diff, want) {
		t.Errorf("A2 revisions = %+v", revs)
	}
	if revs := revisions(t, s, "A1"); len(revs) != 0 {
		t.Errorf("unchanged A1 got %d revisions", len(revs))
	}
	if pub, err := s.Item(ctx, "B1"); err != nil || pub.Version != 1 || len(revisions(t, s, "B1")) != 1 {
		t.Errorf("new item B1 = %+v, %v; want published at version 1 with a revision", pub, err)
	}
}

func TestInvalidImportChangesNothing(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	items, err := s.ItemsForExport(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	items[0].Name = "食品经营许可（变更）" // valid, but the import fails as a whole
	items[2].PromisedDays = IntPtr(99)
	items[3].Code = items[1].Code
	_, err = s.ApplyImport(ctx, items, "catalog", "批量导入")
	for _, f := range []string{"items[2].promised_days", "items[3].code"} {
		fieldError(t, err, f)
	}
	if _, err := s.ApplyImport(ctx, items[:1], "catalog", ""); err == nil {
		t.Error("an import without a reason was applied")
	}
	unchanged(t, s, "A1")
}

func TestDiffItems(t *testing.T) {
	before := &Item{Name: "a", StatutoryDays: IntPtr(20), HandleForms: nil,
		Materials: []Material{{Key: "m1", Sort: 1, Name: "申请书"}, {Key: "m2", Sort: 2, Name: "身份证"}, {Key: "m3", Sort: 3, Name: "照片"}},
		Steps:     []Step{{Sort: 1, Name: "受理"}, {Sort: 2, Name: "决定"}},
		Departments: []ItemDepartment{{Sort: 1, DepartmentCode: "scj", Stages: StringList{"review"}},
			{Sort: 2, DepartmentCode: "zjj"}}}
	after := &Item{Name: "b", StatutoryDays: IntPtr(20), HandleForms: StringList{},
		Materials: []Material{{Key: "m2", Sort: 1, Name: "居民身份证"}, {Key: "m1", Sort: 2, Name: "申请书"}, {Key: "m4", Sort: 3, Name: "承诺书"}},
		Steps:     []Step{{Sort: 1, Name: "受理", CountsTime: true}},
		Departments: []ItemDepartment{{Sort: 1, DepartmentCode: "scj", Stages: StringList{"review", "decide"}},
			{Sort: 2, DepartmentCode: "zjj"}}}
	want := []FieldChange{
		{Field: "name", Old: "a", New: "b"},
		{Field: "materials.order", Old: `["申请书","居民身份证"]`, New: `["居民身份证","申请书"]`},
		{Field: "materials[0].name", Old: "身份证", New: "居民身份证"},
		{Field: "materials[+]", New: "承诺书"},
		{Field: "materials[-]", Old: "照片"},
		{Field: "steps[0].counts_toward_limit", Old: "false", New: "true"},
		{Field: "steps[-]", Old: "决定"},
		{Field: "departments[0].stages", Old: `["review"]`, New: `["review","decide"]`},
	}
	for range 3 {
		if got := DiffItems(before, after); !reflect.DeepEqual(got, want) {
			t.Fatalf("diff =\n%+v\nwant\n%+v", got, want)
		}
	}
	if got := DiffItems(after, after); len(got) != 0 {
		t.Errorf("diff of an item with itself = %+v", got)
	}
	if got := DiffItems(nil, &Item{TypeCode: "01", DepartmentCode: "scj"}); len(got) != 2 || got[0].Field != "type" || got[1].Field != "department" {
		t.Errorf("diff from nothing = %+v", got)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := adminCatalogue(t)
	it := adminItem(t, s, "A2")
	snap, err := encodeSnapshot(it)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	if d := DiffItems(it, back); len(d) != 0 || back.ID != it.ID || back.Version != it.Version || !back.CreatedAt.Equal(it.CreatedAt) {
		t.Errorf("snapshot round trip lost %+v", d)
	}
	if back.Departments[1].ItemID != it.ID || back.Departments[1].DepartmentCode != "scj" {
		t.Errorf("rows lost: %+v", back.Departments)
	}
}
