package models

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// adminCatalogue is a small hand-made catalogue: three departments, a
// licence with a full guide, a joint licence, a confirmation and an
// ex-officio penalty, all published and retained at version 1.
func adminCatalogue(t testing.TB) *Store {
	t.Helper()
	s := openTest(t)
	depts := []Department{
		{Code: "scj", Name: "集宁区市场监督管理局", ShortName: "区市场监管局", Sort: 1},
		{Code: "zjj", Name: "集宁区住房和城乡建设局", ShortName: "区住建局", Sort: 2},
		{Code: "rsj", Name: "集宁区人力资源和社会保障局", ShortName: "区人社局", Sort: 3},
	}
	item := func(code, name, typ, dept string, onApp bool) Item {
		return Item{Code: code, CatalogCode: "0100100000" + code, Name: name, TypeCode: typ, DepartmentCode: dept,
			Disposition: DispositionRetained, OnApplication: onApp, HandlingKind: KindPromised,
			StatutoryDays: IntPtr(20), PromisedDays: IntPtr(10), ServiceObjects: StringList{"企业法人"}, HandleForms: StringList{"窗口办理", "网上办理"},
			Status: ItemPublished, Version: 1,
			Departments: []ItemDepartment{{Sort: 1, DepartmentCode: dept, Stages: StringList{"review", "decide"}}}}
	}
	food := item("A1", "食品经营许可", "01", "scj", true)
	food.Materials = []Material{
		{Key: "m1", Sort: 1, Name: "食品经营许可申请书", Necessity: NecessityRequired, Copies: IntPtr(1)},
		{Key: "m2", Sort: 2, Name: "营业执照复印件", Necessity: NecessityRequired, Copies: IntPtr(1)},
	}
	food.Fees = []Fee{{Sort: 1, Name: "工本费", Standard: "不收费"}}
	food.Steps = []Step{{Sort: 1, Name: "受理", Days: 1, CountsTime: true}, {Sort: 2, Name: "决定", Days: 9, CountsTime: true}}
	build := item("A2", "建筑工程施工许可", "01", "zjj", true)
	build.Departments = append(build.Departments, ItemDepartment{Sort: 2, DepartmentCode: "scj", Stages: StringList{"review"}})
	build.StatutoryDays = IntPtr(45) // the joint limit (行政许可法 Art. 42)
	items := []Item{food, build, item("A3", "失业保险金申领确认", "07", "rsj", true), item("A4", "食品安全违法行为处罚", "02", "scj", false)}
	if _, err := s.SeedCatalogue(context.Background(), depts, DefaultItemTypes(), items); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s
}

func adminItem(t *testing.T, s *Store, code string) *Item {
	t.Helper()
	it, _, err := s.AdminItem(context.Background(), code)
	if err != nil {
		t.Fatalf("admin item %s: %v", code, err)
	}
	return it
}

func revisions(t *testing.T, s *Store, code string) []Revision {
	t.Helper()
	revs, err := s.Revisions(context.Background(), code)
	if err != nil {
		t.Fatalf("revisions of %s: %v", code, err)
	}
	return revs
}

// fieldError asserts that err is a ValidationError naming field.
func fieldError(t *testing.T, err error, field string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a ValidationError on %s", err, field)
	}
	if _, ok := ve.Fields[field]; !ok {
		t.Fatalf("ValidationError names %v, want %s", ve.Fields, field)
	}
}

// unchanged asserts that item code is still at version 1 without history.
func unchanged(t *testing.T, s *Store, code string) {
	t.Helper()
	if it := adminItem(t, s, code); it.Version != 1 || Days(it.PromisedDays) != 10 || it.Name == "" {
		t.Errorf("item %s changed: version %d, promised %d, name %q", code, it.Version, it.PromisedDays, it.Name)
	}
	if revs := revisions(t, s, code); len(revs) != 0 {
		t.Errorf("item %s has %d revisions, want none", code, len(revs))
	}
}

func TestUpdateItemRecordsExactlyTheChanges(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	edited := *adminItem(t, s, "A1")
	edited.PromisedDays = IntPtr(5)
	edited.Materials = append(edited.Materials, Material{Name: "食品安全管理制度", Necessity: NecessityDeferred, Copies: IntPtr(1)})
	if _, err := s.UpdateItem(ctx, "A1", edited, "catalog", "压缩承诺时限", 1); err != nil {
		t.Fatalf("update: %v", err)
	}
	pub, err := s.Item(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	if pub.Version != 2 || Days(pub.PromisedDays) != 5 || len(pub.Materials) != 3 || pub.Materials[2].Key != "m3" {
		t.Errorf("public item: version %d, promised %d, %d materials", pub.Version, pub.PromisedDays, len(pub.Materials))
	}
	revs := revisions(t, s, "A1")
	if len(revs) != 1 {
		t.Fatalf("%d revisions, want 1", len(revs))
	}
	r := revs[0]
	if r.Actor != "catalog" || r.Reason != "压缩承诺时限" || r.Action != RevisionEdit || r.Version != 2 {
		t.Errorf("revision = %s %s %q v%d", r.Actor, r.Action, r.Reason, r.Version)
	}
	want := Changes{{Field: "promised_days", Old: "10", New: "5"}, {Field: "materials[+]", New: "食品安全管理制度"}}
	if !reflect.DeepEqual(r.Diff, want) {
		t.Errorf("diff = %+v, want %+v", r.Diff, want)
	}
	snap, err := r.Item()
	if err != nil {
		t.Fatal(err)
	}
	if d := DiffItems(pub, snap); len(d) != 0 || snap.Version != 2 {
		t.Errorf("snapshot differs from the published item: %+v", d)
	}
}

func TestStaleVersionIsConflictAndChangesNothing(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	edited := *adminItem(t, s, "A1")
	edited.PromisedDays = IntPtr(3)
	if _, err := s.UpdateItem(ctx, "A1", edited, "catalog", "过期版本", 0); !errors.Is(err, ErrConflict) {
		t.Errorf("update from version 0: err = %v, want ErrConflict", err)
	}
	if _, err := s.SaveDraft(ctx, "A1", edited, "catalog", "过期版本", 7); !errors.Is(err, ErrConflict) {
		t.Errorf("draft from version 7: err = %v, want ErrConflict", err)
	}
	if _, err := s.UpdateItem(ctx, "NOPE", edited, "catalog", "不存在", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing item: err = %v, want ErrNotFound", err)
	}
	unchanged(t, s, "A1")
	if _, d, _ := s.AdminItem(ctx, "A1"); d != nil {
		t.Error("a refused draft was stored")
	}
}

func TestInvalidEditNamesTheFieldAndChangesNothing(t *testing.T) {
	tests := []struct {
		field  string
		reason string
		edit   func(*Item)
	}{
		{"promised_days", "r", func(it *Item) { it.PromisedDays = IntPtr(30) }},
		{"name", "r", func(it *Item) { it.Name = "  " }},
		{"department", "r", func(it *Item) { it.DepartmentCode = "nope" }},
		{"type", "r", func(it *Item) { it.TypeCode = "99" }},
		{"handling_kind", "r", func(it *Item) { it.HandlingKind = "sometimes" }},
		{"materials[1].name", "r", func(it *Item) { it.Materials[1].Name = "" }},
		{"materials[1].necessity", "r", func(it *Item) { it.Materials[1].Necessity = "maybe" }},
		{"materials[1].key", "r", func(it *Item) { it.Materials[1].Key = "m1" }},
		{"departments[0].code", "r", func(it *Item) { it.Departments[0].DepartmentCode = "nope" }},
		{"reason", " ", func(it *Item) { it.PromisedDays = IntPtr(4) }},
	}
	s := adminCatalogue(t)
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			edited := *adminItem(t, s, "A1")
			tt.edit(&edited)
			_, err := s.UpdateItem(ctx, "A1", edited, "catalog", tt.reason, 1)
			fieldError(t, err, tt.field)
			_, err = s.SaveDraft(ctx, "A1", edited, "catalog", tt.reason, 1)
			fieldError(t, err, tt.field)
			unchanged(t, s, "A1")
		})
	}
}

func TestDraftIsInvisibleUntilPublished(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	edited := *adminItem(t, s, "A1")
	edited.Name = "食品经营许可（新办）"
	if _, err := s.SaveDraft(ctx, "A1", edited, "someone", "初稿", 1); err != nil {
		t.Fatalf("save draft: %v", err)
	}
	edited.PromisedDays = IntPtr(7) // the second save replaces the first
	if _, err := s.SaveDraft(ctx, "A1", edited, "catalog", "规范事项名称", 1); err != nil {
		t.Fatalf("save draft again: %v", err)
	}
	if pub, _ := s.Item(ctx, "A1"); pub.Name != "食品经营许可" || Days(pub.PromisedDays) != 10 || pub.Version != 1 {
		t.Errorf("the public sees the draft: %q, %d days, v%d", pub.Name, pub.PromisedDays, pub.Version)
	}
	_, d, err := s.AdminItem(ctx, "A1")
	if err != nil || d == nil || d.Item.Name != edited.Name || d.BaseVersion != 1 || d.Actor != "catalog" {
		t.Fatalf("admin draft = %+v, %v", d, err)
	}
	if len(revisions(t, s, "A1")) != 0 {
		t.Error("saving a draft wrote history")
	}
	if _, err := s.PublishItem(ctx, "A1", "lead", "", 2); !errors.Is(err, ErrConflict) {
		t.Errorf("publish from a wrong version: err = %v, want ErrConflict", err)
	}
	if _, err := s.PublishItem(ctx, "A1", "lead", "", 1); err != nil {
		t.Fatalf("publish: %v", err)
	}
	pub, err := s.Item(ctx, "A1")
	if err != nil || pub.Name != edited.Name || Days(pub.PromisedDays) != 7 || pub.Version != 2 {
		t.Fatalf("published item = %q, %d days, v%d, %v", pub.Name, pub.PromisedDays, pub.Version, err)
	}
	if _, d, _ := s.AdminItem(ctx, "A1"); d != nil {
		t.Error("the draft survived publication")
	}
	revs := revisions(t, s, "A1")
	if len(revs) != 1 || revs[0].Action != RevisionPublish || revs[0].Reason != "规范事项名称" || revs[0].Actor != "lead" || len(revs[0].Diff) != 2 {
		t.Errorf("revisions = %+v", revs)
	}
	if _, err := s.PublishItem(ctx, "A1", "lead", "再次发布", 2); !errors.Is(err, ErrConflict) {
		t.Errorf("publishing with no draft: err = %v, want ErrConflict", err)
	}
}

func TestStaleDraftCannotBePublished(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	edited := *adminItem(t, s, "A1")
	edited.Visits = IntPtr(1)
	if _, err := s.SaveDraft(ctx, "A1", edited, "catalog", "最多跑一次", 1); err != nil {
		t.Fatal(err)
	}
	edited.Hours = "工作日 9:00-17:00"
	if _, err := s.UpdateItem(ctx, "A1", edited, "other", "更新办理时间", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishItem(ctx, "A1", "catalog", "", 2); !errors.Is(err, ErrConflict) {
		t.Errorf("publishing a draft edited from version 1 at version 2: err = %v, want ErrConflict", err)
	}
	if err := s.DiscardDraft(ctx, "A1"); err != nil {
		t.Errorf("discard: %v", err)
	}
}

func TestCreatedItemIsPublicOnlyAfterPublishing(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	before, _ := s.Stats(ctx)
	it := Item{Code: "A9", CatalogCode: "0100100000A9", Name: "小餐饮登记", TypeCode: "01", DepartmentCode: "scj",
		OnApplication: true, StatutoryDays: IntPtr(15), PromisedDays: IntPtr(5),
		Materials: []Material{{Name: "登记申请表", Necessity: NecessityRequired, Copies: IntPtr(1)}}}
	created, err := s.CreateItem(ctx, it, "catalog", "新增事项")
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.Status != ItemDraft || created.Version != 1 || created.Materials[0].Key != "m1" {
		t.Errorf("created = status %s v%d key %q", created.Status, created.Version, created.Materials[0].Key)
	}
	if _, err := s.Item(ctx, "A9"); !errors.Is(err, ErrNotFound) {
		t.Errorf("public item of a draft: err = %v, want ErrNotFound", err)
	}
	if after, _ := s.Stats(ctx); after.Reviewed != before.Reviewed {
		t.Errorf("a draft item is counted: %d reviewed, want %d", after.Reviewed, before.Reviewed)
	}
	if _, err := s.CreateItem(ctx, it, "catalog", "重复"); err == nil {
		t.Fatal("a duplicate code was created")
	} else {
		fieldError(t, err, "code")
	}
	created.PromisedDays = IntPtr(3)
	if _, err := s.SaveDraft(ctx, "A9", *created, "catalog", "压缩时限", 1); err != nil {
		t.Fatalf("draft of a new item: %v", err)
	}
	if _, err := s.PublishItem(ctx, "A9", "catalog", "发布新增事项", 1); err != nil {
		t.Fatalf("publish: %v", err)
	}
	pub, err := s.Item(ctx, "A9")
	if err != nil || pub.Version != 2 || len(pub.Materials) != 1 || Days(pub.PromisedDays) != 3 {
		t.Fatalf("published = %+v, %v", pub, err)
	}
	revs := revisions(t, s, "A9")
	if len(revs) != 2 || revs[0].Action != RevisionPublish || revs[1].Action != RevisionCreate {
		t.Errorf("revisions = %+v", revs)
	}
	want := Changes{{Field: "promised_days", Old: "5", New: "3"}, {Field: "status", Old: ItemDraft, New: ItemPublished}}
	if !reflect.DeepEqual(revs[0].Diff, want) {
		t.Errorf("publish diff = %+v", revs[0].Diff)
	}
}

func TestDispositionCancelMergeRestore(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	base, _ := s.Stats(ctx)
	cancel := DispositionChange{Disposition: DispositionCancelled, Reason: "上位法废止", LegalBasis: "国发〔2025〕1号"}
	noReason := cancel
	noReason.Reason = ""
	_, err := s.SetDisposition(ctx, "A1", noReason, "catalog", 1)
	fieldError(t, err, "reason")
	noBasis := cancel
	noBasis.LegalBasis = " "
	_, err = s.SetDisposition(ctx, "A1", noBasis, "catalog", 1)
	fieldError(t, err, "legal_basis")
	unchanged(t, s, "A1")

	it, err := s.SetDisposition(ctx, "A1", cancel, "catalog", 1)
	if err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if it.CancelOn != localDate(time.Now()) || it.Version != 2 {
		t.Errorf("cancelled item: cancel_on %q v%d", it.CancelOn, it.Version)
	}
	st, _ := s.Stats(ctx)
	if st.Retained != base.Retained-1 || st.Reduced != base.Reduced+1 || st.Reviewed != base.Reviewed {
		t.Errorf("stats after cancel = %d/%d of %d, want %d/%d", st.Retained, st.Reduced, st.Reviewed, base.Retained-1, base.Reduced+1)
	}

	merge := DispositionChange{Disposition: DispositionMerged, Reason: "合并办理", LegalBasis: "区政府决定", MergedInto: "A3"}
	for _, into := range []string{"A3", "NOPE", "A1"} { // itself, missing, cancelled
		merge.MergedInto = into
		_, err := s.SetDisposition(ctx, "A3", merge, "catalog", 1)
		fieldError(t, err, "merged_into")
	}
	merge.MergedInto = "A2"
	if it, err := s.SetDisposition(ctx, "A3", merge, "catalog", 1); err != nil || it.MergedInto != "A2" {
		t.Fatalf("merge: %v", err)
	}

	restore := DispositionChange{Disposition: DispositionRetained, Reason: "恢复实施", LegalBasis: "区政府决定"}
	it, err = s.SetDisposition(ctx, "A1", restore, "catalog", 2)
	if err != nil || it.Disposition != DispositionRetained || it.CancelOn != "" || it.DispositionReason != "" {
		t.Fatalf("restore: %+v, %v", it, err)
	}
	if _, err := s.SetDisposition(ctx, "A1", restore, "catalog", 3); err == nil {
		t.Error("restoring a retained item was recorded as a change")
	}
	revs := revisions(t, s, "A1")
	if len(revs) != 2 || revs[1].Action != RevisionDispose || revs[1].LegalBasis != "国发〔2025〕1号" || revs[0].Reason != "恢复实施" {
		t.Errorf("revisions = %+v", revs)
	}
}

func TestRevisionsAreAppendOnly(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	edited := *adminItem(t, s, "A1")
	edited.Phone = "0474-1234567"
	if _, err := s.UpdateItem(ctx, "A1", edited, "catalog", "更新咨询电话", 1); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"UPDATE item_revisions SET reason = 'rewritten'",
		"DELETE FROM item_revisions",
		"DELETE FROM items WHERE code = 'A1'",
	} {
		err := s.db.WithContext(ctx).Exec(stmt).Error
		if err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
	if revs := revisions(t, s, "A1"); len(revs) != 1 || revs[0].Reason != "更新咨询电话" {
		t.Errorf("revisions after tampering = %+v", revs)
	}
	if err := s.db.Exec("UPDATE item_revisions SET reason = 'x'").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("update error = %v, want the trigger's message", err)
	}
}
