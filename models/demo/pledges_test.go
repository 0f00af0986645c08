package demo

import (
	"testing"

	"onewindow/models"
)

func TestDemoPledgesAreValidItemsWithMarkedProofs(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	n := 0
	for i := range items {
		it := &items[i]
		if !it.PledgeAllowed {
			continue
		}
		n++
		replaced := 0
		for _, m := range it.Materials {
			if m.PledgeReplaces {
				replaced++
			}
		}
		if it.PledgeText == "" || models.Days(it.PledgeCheckDays) < 1 || replaced == 0 {
			t.Errorf("%s %s: pledge %q, check days %v, %d proofs replaced", it.Code, it.Name, it.PledgeText, it.PledgeCheckDays, replaced)
		}
		if p := models.CheckItem(it, models.Known{Departments: map[string]bool{it.DepartmentCode: true}, Types: map[string]bool{it.TypeCode: true}}, nil); p != nil {
			for f, msg := range p.Fields {
				if len(f) > 6 && (f[:6] == "pledge" || f == "pending_days") {
					t.Errorf("%s: %s %s", it.Code, f, msg)
				}
			}
		}
	}
	if n != pledgeItems {
		t.Fatalf("%d demo items take a pledge, want %d", n, pledgeItems)
	}
}
