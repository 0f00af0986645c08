package models

import (
	"context"
	"testing"
)

// TestGuideStatsNeverCountUnknownAsZero: averages are over known limits only,
// unknown values are counted as unknown, and the SQL notion of an incomplete
// guide agrees with Item.FilingGaps.
func TestGuideStatsNeverCountUnknownAsZero(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	base := func(code string) Item {
		return Item{Code: code, Name: "事项" + code, MainName: "事项" + code, TypeCode: "01", DepartmentCode: "scj",
			Disposition: DispositionRetained, OnApplication: true, Status: ItemPublished, Version: 1,
			ServiceObjects: StringList{}, HandleForms: StringList{},
			Materials: []Material{{Key: "m1", Sort: 1, Name: "申请书", Necessity: NecessityRequired}}}
	}
	immediate := base("B1") // 即办件 without published limits: complete, limits unknown
	immediate.HandlingKind = KindImmediate
	blankPromise := base("B2") // 承诺件 without a promised limit: incomplete
	blankPromise.HandlingKind, blankPromise.StatutoryDays, blankPromise.IsFee = KindPromised, IntPtr(60), BoolPtr(false)
	blankKind := base("B3") // nothing published but the materials
	if err := s.db.Create(&[]Item{immediate, blankPromise, blankKind}).Error; err != nil {
		t.Fatal(err)
	}
	g, err := s.GuideStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var items []Item
	if err := withChildren(s.read).Where("on_application AND status = ?", ItemPublished).Find(&items).Error; err != nil {
		t.Fatal(err)
	}
	wantIncomplete := 0
	for i := range items {
		if len(items[i].FilingGaps()) > 0 {
			wantIncomplete++
		}
	}
	// A1 and A3 have 20/10 days, the joint A2 45/10; B2 has 60 statutory and no promise; B1, B3 nothing.
	checks := []struct {
		name      string
		got, want any
	}{
		{"on application", g.OnApplication, 6},
		{"incomplete (as FilingGaps says)", g.Incomplete, wantIncomplete},
		{"incomplete", g.Incomplete, 4}, // A2, A3 lack materials; B2 a promise; B3 everything
		{"immediate", g.Immediate, 1},
		{"promised", g.Promised, 4},
		{"kind unknown", g.KindUnknown, 1},
		{"statutory unknown", g.StatutoryUnknown, 2},
		{"promised unknown", g.PromisedUnknown, 3},
		{"avg statutory", *g.AvgStatutoryDays, 36.3}, // (20+45+20+60)/4 to one decimal, not 145/6
		{"avg promised", *g.AvgPromisedDays, 10.0},   // 30/3, not 30/6
		{"fee no", g.FeeNo, 1},
		{"fee unknown", g.FeeUnknown, 5},
		{"visits unknown", g.VisitsUnknown, 6},
		{"at most one visit", g.AtMostOneVisit, 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestGuideStatsAverageIsNullWhenNothingIsKnown(t *testing.T) {
	s := openTest(t)
	g, err := s.GuideStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if g.AvgStatutoryDays != nil || g.AvgPromisedDays != nil || g.OnApplication != 0 {
		t.Errorf("empty catalogue: %+v", g)
	}
}
