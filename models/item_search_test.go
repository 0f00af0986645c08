package models

import (
	"context"
	"strings"
	"testing"
)

// The index's entries say of each published item what its guide says:
// limits (unknown stays nil), joint workflow, materials in the text.
func TestSearchEntriesMatchTheStoredGuides(t *testing.T) {
	s := adminCatalogue(t)
	ctx := context.Background()
	entries, err := s.SearchEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var items []Item
	if err := s.read.Preload("Materials", orderBySort).Preload("Departments", orderBySort).
		Where("status = ?", ItemPublished).Order("id").Find(&items).Error; err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(items) || len(items) == 0 {
		t.Fatalf("%d entries for %d published items", len(entries), len(items))
	}
	same := func(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for i, it := range items {
		e := entries[i]
		if e.Code != it.Code || e.Name != it.Name || e.MainName != it.MainName || e.TypeCode != it.TypeCode ||
			e.Joint != it.Joint() || e.Immediate != (it.HandlingKind == KindImmediate) || e.OnApplication != it.OnApplication ||
			!same(e.StatutoryDays, it.StatutoryDays) || !same(e.PromisedDays, it.PromisedDays) {
			t.Errorf("entry %+v for item %s", e, it.Code)
		}
		for _, m := range it.Materials {
			if !strings.Contains(e.Text, m.Name) {
				t.Errorf("%s: material %q not in the searchable text", it.Code, m.Name)
			}
		}
	}
}
