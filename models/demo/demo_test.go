package demo

import (
	"reflect"
	"strings"
	"testing"

	"onewindow/models"
)

func TestDepartments(t *testing.T) {
	t.Parallel()
	depts, _, _ := Catalogue()
	if len(depts) != 34 {
		t.Fatalf("departments = %d, want 34", len(depts))
	}
	seen := map[string]bool{}
	for i, d := range depts {
		if seen[d.Code] {
			t.Errorf("duplicate department code %q", d.Code)
		}
		seen[d.Code] = true
		if d.Sort != i+1 {
			t.Errorf("%s: sort %d, want %d", d.Code, d.Sort, i+1)
		}
		if !strings.HasPrefix(d.Name, "集宁") || !strings.HasSuffix(d.Name, d.ShortName) {
			t.Errorf("%s: name %q does not extend short name %q", d.Code, d.Name, d.ShortName)
		}
		if !strings.HasPrefix(d.Phone, "0474-82") || d.Address == "" {
			t.Errorf("%s: phone %q address %q", d.Code, d.Phone, d.Address)
		}
	}
	for _, c := range []string{"scj", "zjj"} {
		if !seen[c] {
			t.Errorf("department %s missing", c)
		}
	}
}

func TestItemTypes(t *testing.T) {
	t.Parallel()
	_, types, _ := Catalogue()
	if len(types) != 11 {
		t.Fatalf("item types = %d, want 11", len(types))
	}
	for _, ty := range types {
		if ty.PowerList != (ty.Code != "20") {
			t.Errorf("type %s: power list %v", ty.Code, ty.PowerList)
		}
		exOfficio := ty.Code == "02" || ty.Code == "03" || ty.Code == "04" || ty.Code == "06"
		if ty.OnApplication == exOfficio {
			t.Errorf("type %s: on application %v", ty.Code, ty.OnApplication)
		}
	}
}

func TestPowerListCounts(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	power, retained := 0, 0
	reduced := map[string]int{}
	byType := map[string]int{}
	for _, it := range items {
		if it.TypeCode == "20" {
			if it.Reduced() || !it.OnApplication {
				t.Errorf("%s: public service must be retained and on application", it.Name)
			}
			continue
		}
		power++
		if it.Reduced() {
			reduced[it.Disposition]++
			if it.DispositionReason == "" || it.DispositionBasis == "" {
				t.Errorf("%s: reduced without reason or basis", it.Code)
			}
			continue
		}
		retained++
		byType[it.TypeCode]++
	}
	if services := len(items) - power; services != 120 {
		t.Errorf("public services = %d, want 120", services)
	}
	if power != 4099 || retained != 3804 {
		t.Errorf("power items = %d, retained = %d; want 4099 and 3804", power, retained)
	}
	wantReduced := map[string]int{
		models.DispositionCancelled: 160, models.DispositionMerged: 85, models.DispositionDelegated: 50,
	}
	if !reflect.DeepEqual(reduced, wantReduced) {
		t.Errorf("reduced = %v, want %v", reduced, wantReduced)
	}
	wantTypes := map[string]int{
		"02": 2449, "06": 390, "01": 300, "10": 200, "07": 180,
		"03": 140, "05": 55, "04": 40, "08": 40, "09": 10,
	}
	if !reflect.DeepEqual(byType, wantTypes) {
		t.Errorf("retained by type = %v, want %v", byType, wantTypes)
	}
}

func TestCodesAndNames(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	codes := map[string]*models.Item{}
	names := map[string]bool{}
	for i := range items {
		it := &items[i]
		if codes[it.Code] != nil {
			t.Errorf("duplicate code %s", it.Code)
		}
		codes[it.Code] = it
		if len(it.CatalogCode) != 12 || len(it.Code) > 36 || !strings.HasPrefix(it.CatalogCode, it.TypeCode) {
			t.Errorf("%s: catalog code %q, code %q", it.Name, it.CatalogCode, it.Code)
		}
		key := it.DepartmentCode + "/" + it.Name
		if names[key] {
			t.Errorf("duplicate name within department: %s", key)
		}
		names[key] = true
		if it.ID != 0 || it.LegalBasis == "" || it.Status != models.ItemPublished || it.Version != 1 {
			t.Errorf("%s: id %d, basis %q, status %q, version %d", it.Code, it.ID, it.LegalBasis, it.Status, it.Version)
		}
		if len(it.Departments) == 0 || it.Departments[0].DepartmentCode != it.DepartmentCode {
			t.Errorf("%s: lead department missing", it.Code)
		}
	}
	for _, it := range codes {
		if it.Disposition != models.DispositionMerged {
			continue
		}
		target := codes[it.MergedInto]
		if target == nil || target.Reduced() || target.DepartmentCode != it.DepartmentCode || target.TypeCode != it.TypeCode {
			t.Errorf("%s merged into %q, which is not a retained item of the same department and type", it.Code, it.MergedInto)
		}
	}
}

func TestGuides(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	joint, immediate := 0, 0
	for _, it := range items {
		if incompleteGuides[it.Name] {
			continue // TestIncompleteGuides
		}
		if !it.OnApplication {
			if len(it.Materials) > 0 || it.AcceptConditions != "" || it.HandlingKind != "" {
				t.Errorf("%s: ex-officio item with an application guide", it.Code)
			}
			continue
		}
		if len(it.Materials) < 3 || len(it.Materials) > 7 || len(it.Steps) == 0 || it.AcceptConditions == "" {
			t.Errorf("%s %s: %d materials, %d steps", it.Code, it.Name, len(it.Materials), len(it.Steps))
		}
		if models.Days(it.PromisedDays) > models.Days(it.StatutoryDays) {
			t.Errorf("%s: promised %d > statutory %d", it.Code, models.Days(it.PromisedDays), models.Days(it.StatutoryDays))
		}
		switch it.HandlingKind {
		case models.KindImmediate:
			immediate++
		case models.KindPromised:
			if models.Days(it.PromisedDays) < 1 {
				t.Errorf("%s: promised item with %d promised days", it.Code, models.Days(it.PromisedDays))
			}
		default:
			t.Errorf("%s: handling kind %q", it.Code, it.HandlingKind)
		}
		if it.IsFee == nil || *it.IsFee != (len(it.Fees) > 0) {
			t.Errorf("%s: is fee %v with %d fee rows", it.Code, it.IsFee, len(it.Fees))
		}
		if it.Joint() {
			joint++
			if it.TypeCode != "01" || it.Reduced() || models.Days(it.StatutoryDays) != 45 {
				t.Errorf("%s: joint item type %s, disposition %s, statutory %d", it.Code, it.TypeCode, it.Disposition, models.Days(it.StatutoryDays))
			}
		}
	}
	if joint < 5 {
		t.Errorf("joint items = %d, want at least 5", joint)
	}
	if immediate < 30 {
		t.Errorf("immediate items = %d, want at least 30", immediate)
	}
}

func TestSearchableNames(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	for _, q := range []string{"食品", "建设工程", "营业执照", "户口", "许可"} {
		n := 0
		for _, it := range items {
			if strings.Contains(it.Name, q) {
				n++
			}
		}
		if n < 3 {
			t.Errorf("query %q finds %d items, want at least 3", q, n)
		}
	}
}

func TestDepartmentSizes(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	size := map[string]int{}
	for _, it := range items {
		size[it.DepartmentCode]++
	}
	depts, _, _ := Catalogue()
	for _, d := range depts {
		if size[d.Code] < 3 {
			t.Errorf("%s has only %d items", d.Code, size[d.Code])
		}
	}
	for _, big := range []string{"scj", "cgj"} {
		for _, small := range []string{"sjj", "dag"} {
			if size[big] < 20*size[small] {
				t.Errorf("%s (%d items) should be far larger than %s (%d)", big, size[big], small, size[small])
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	d1, t1, i1 := Catalogue()
	d2, t2, i2 := Catalogue()
	if !reflect.DeepEqual(d1, d2) || !reflect.DeepEqual(t1, t2) || !reflect.DeepEqual(i1, i2) {
		t.Fatal("Catalogue is not deterministic")
	}
}

func TestNoFillerNames(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	for _, it := range items {
		// pick numbers names only when a sheet runs out of templates; the sheets are sized so
		// that it never has to.
		if strings.HasSuffix(it.Name, "（二）") || strings.HasPrefix(it.Name, "对对") {
			t.Errorf("%s: filler name %q", it.DepartmentCode, it.Name)
		}
	}
}

func TestParseSheet(t *testing.T) {
	t.Parallel()
	src := `@obj person
[02 对%s的处罚]
@law 《某某法》 12-12
$o = 甲|乙
{$o}未按规定{报告|备案}{$o}情况
=对丙的处罚
对丁的免疫接种
[10]
@apply no
^戊 ;; kind=immediate`
	got, err := parseSheet(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got["02"] {
		names = append(names, e.name)
	}
	want := []string{
		"对甲未按规定报告甲情况的处罚", "对甲未按规定备案甲情况的处罚",
		"对乙未按规定报告乙情况的处罚", "对乙未按规定备案乙情况的处罚",
		"对丙的处罚", "对丁的免疫接种的处罚",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
	e := got["02"][0]
	if e.apply || e.pinned || legalBasis(e) != "《某某法》第十二条" || !reflect.DeepEqual(e.objs, []string{"person"}) {
		t.Errorf("entry = %+v, basis %q", e, legalBasis(e))
	}
	if ten := got["10"]; len(ten) != 1 || ten[0].apply || !ten[0].pinned || ten[0].attrs["kind"] != "immediate" {
		t.Errorf("type 10 entries = %+v", ten)
	}
	for _, bad := range []string{"未分节", "[02]\n{$x}", "[02]\n{甲|乙", "@unknown x"} {
		if _, err := parseSheet(bad); err == nil {
			t.Errorf("parseSheet(%q) accepted a malformed sheet", bad)
		}
	}
}

func TestChineseNumber(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{
		1: "一", 10: "十", 12: "十二", 35: "三十五", 100: "一百", 105: "一百零五",
		110: "一百一十", 122: "一百二十二", 1010: "一千零一十", 1105: "一千一百零五",
	} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func BenchmarkCatalogue(b *testing.B) {
	for b.Loop() {
		Catalogue()
	}
}
