package demo

import (
	"strings"
	"testing"

	"onewindow/models"
)

// People ask for 狗证 and 养犬登记: the demo holds the dog registration permit of the
// public security bureau as a main item with its sub-items, retained and on application.
func TestDogRegistrationItems(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	found := map[string]models.Item{}
	for _, it := range items {
		if strings.HasPrefix(it.Name, "养犬登记证核发") {
			found[it.Name] = it
		}
	}
	for _, name := range []string{"养犬登记证核发", "养犬登记证核发（新办）", "养犬登记证核发（变更）", "养犬登记证核发（延续）", "养犬登记证核发（注销）"} {
		it, ok := found[name]
		switch {
		case !ok:
			t.Errorf("%s missing", name)
		case it.DepartmentCode != "gaj" || it.TypeCode != "01" || it.Reduced() || !it.OnApplication:
			t.Errorf("%s: department %s, type %s, disposition %s, on application %v", name, it.DepartmentCode, it.TypeCode, it.Disposition, it.OnApplication)
		case it.MainName != "养犬登记证核发":
			t.Errorf("%s: main item %q", name, it.MainName)
		}
	}
	if it := found["养犬登记证核发（新办）"]; it.StatutoryDays == nil || *it.StatutoryDays != 20 || len(it.Materials) == 0 {
		t.Errorf("养犬登记证核发（新办）: statutory days %v, %d materials", it.StatutoryDays, len(it.Materials))
	}
}
