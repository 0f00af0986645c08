package models

import (
	"reflect"
	"testing"
)

// Removing or adding a material shifts the rows after it; that is not a move
// anyone made, so the history must not report one.
func TestDiffItemsReportsNoOrderChangeNobodyMade(t *testing.T) {
	before := &Item{Materials: []Material{{Key: "m1", Sort: 1, Name: "申请书"}, {Key: "m2", Sort: 2, Name: "身份证"},
		{Key: "m3", Sort: 3, Name: "照片"}}}
	after := &Item{Materials: []Material{{Key: "m2", Sort: 1, Name: "身份证"}, {Key: "m4", Sort: 2, Name: "承诺书"},
		{Key: "m3", Sort: 3, Name: "照片"}}}
	want := []FieldChange{{Field: "materials[+]", New: "承诺书"}, {Field: "materials[-]", Old: "申请书"}}
	if got := DiffItems(before, after); !reflect.DeepEqual(got, want) {
		t.Errorf("diff = %+v, want %+v", got, want)
	}
	// Rows stored numbered from 0 (older data) against the same rows numbered from 1.
	zero := &Item{Materials: []Material{{Key: "m1", Sort: 0, Name: "申请书"}, {Key: "m2", Sort: 1, Name: "身份证"}},
		Steps: []Step{{Sort: 0, Name: "受理"}}}
	one := &Item{Materials: []Material{{Key: "m1", Sort: 1, Name: "申请书"}, {Key: "m2", Sort: 2, Name: "身份证"}},
		Steps: []Step{{Sort: 1, Name: "受理"}}}
	if got := DiffItems(zero, one); len(got) != 0 {
		t.Errorf("renumbering alone = %+v, want no change", got)
	}
	moved := &Item{Materials: []Material{{Key: "m2", Sort: 1, Name: "身份证"}, {Key: "m1", Sort: 2, Name: "申请书"}}, Steps: one.Steps}
	want = []FieldChange{{Field: "materials.order", Old: `["申请书","身份证"]`, New: `["身份证","申请书"]`}}
	if got := DiffItems(one, moved); !reflect.DeepEqual(got, want) {
		t.Errorf("a real move = %+v, want %+v", got, want)
	}
}

// Saving and publishing the draft the editor showed publishes it and clears
// it; a plain update leaves another's draft (stale) in place.
func TestUpdateItemFromDraftClearsTheDraft(t *testing.T) {
	s := adminCatalogue(t)
	ctx := t.Context()
	edited := *adminItem(t, s, "A1")
	edited.Visits = IntPtr(1)
	if _, err := s.SaveDraft(ctx, "A1", edited, "catalog", "最多跑一次", 1); err != nil {
		t.Fatal(err)
	}
	edited.Hours = "工作日 9:00-17:00"
	if _, err := s.UpdateItemFromDraft(ctx, "A1", edited, "catalog", "最多跑一次", 1); err != nil {
		t.Fatal(err)
	}
	if _, d, _ := s.AdminItem(ctx, "A1"); d != nil {
		t.Errorf("the draft survived its publication: %+v", d)
	}
	if pub, _ := s.Item(ctx, "A1"); pub == nil || pub.Version != 2 || Days(pub.Visits) != 1 || pub.Hours != edited.Hours {
		t.Errorf("published = %+v", pub)
	}
}
