package demo

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"onewindow/models"
)

// incompleteGuides are the retained on-application items published as a bare imported list
// gives them (department, name, code and type): no handling kind, no limits, no materials.
// They show the "not yet open" state until a catalogue administrator completes them.
var incompleteGuides = map[string]bool{
	"水利基建项目初步设计文件审批": true, // slj
	"生鲜乳收购站许可":       true, // nmj
	"城镇污水排入排水管网许可":   true, // cgj
	"城镇供热经营许可":       true, // zjj
	"母婴保健技术服务执业许可":   true, // wjw
}

// keptNames are the demo names other tests and documents rely on.
var keptNames = []string{
	"食品经营许可（新办）", "食品经营许可（变更）", "餐饮店开办一件事", "企业开办（多证合一）",
	"居民身份证首次申领", "最低生活保障对象认定", "普通护照签发", "建设工程规划许可证核发",
	"建筑工程施工许可证核发", "企业设立登记（营业执照核发）", "对未取得食品经营许可从事食品经营活动的处罚",
}

func TestMainItems(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	mains := map[string]*models.Item{} // department/name of every item that is its own main item
	for i := range items {
		it := &items[i]
		if it.MainName == "" {
			t.Errorf("%s %s: no main item name", it.Code, it.Name)
		}
		if it.MainName == it.Name {
			mains[it.DepartmentCode+"/"+it.Name] = it
		}
	}
	subs := map[*models.Item][]*models.Item{}
	for i := range items {
		it := &items[i]
		if it.MainName == it.Name {
			continue
		}
		main := mains[it.DepartmentCode+"/"+it.MainName]
		if main == nil || main.TypeCode != it.TypeCode {
			t.Errorf("%s %s: main item %q is not an item of the same department and type", it.Code, it.Name, it.MainName)
			continue
		}
		subs[main] = append(subs[main], it)
	}
	byType := map[string]int{}
	for main, list := range subs {
		byType[main.TypeCode]++
		retained := 0
		for _, s := range list {
			if !s.Reduced() {
				retained++
			}
		}
		if main.Reduced() || len(list) < 2 || len(list) > 5 || retained < 2 {
			t.Errorf("%s %s: %d sub-items (%d retained), main reduced %v", main.Code, main.Name, len(list), retained, main.Reduced())
		}
	}
	if len(subs) < 50 {
		t.Errorf("%d main items with sub-items, want at least 50", len(subs))
	}
	if n := byType["01"] + byType["20"]; 2*n < len(subs) {
		t.Errorf("main items by type %v: most should be permits and public services", byType)
	}
	for dept, name := range map[string]string{
		"scj": "食品经营许可", "wjw": "公共场所卫生许可", "slj": "取水许可", "gaj": "居民身份证办理",
		"zrj": "建设工程（含临时建设）规划许可证核发", "scj ": "企业设立、变更、注销登记",
	} {
		main := mains[strings.TrimSpace(dept)+"/"+name]
		if main == nil || len(subs[main]) < 2 {
			t.Errorf("%s: main item %s missing or without sub-items", dept, name)
		}
	}
}

func TestOfficialNamingStyle(t *testing.T) {
	t.Parallel()
	_, _, items := Catalogue()
	names := map[string]bool{}
	onApp, paren, long := 0, 0, 0
	for _, it := range items {
		names[it.Name] = true
		if it.OnApplication && strings.ContainsAny(it.Name, "（(") {
			paren++
		}
		if it.OnApplication {
			onApp++
		}
		if strings.HasPrefix(it.Name, "对") && utf8.RuneCountInString(it.Name) >= 30 {
			long++
		}
	}
	// Real 实施清单 name variants in parentheses: 食品经营许可（新办）, 乡（镇）村…, （含临时建设）.
	if 6*paren < onApp {
		t.Errorf("%d of %d on-application names carry a parenthesised variant, want at least a sixth", paren, onApp)
	}
	if long < 300 {
		t.Errorf("%d penalty names of 30 or more characters (对…的处罚 with the offence wording), want at least 300", long)
	}
	for _, n := range keptNames {
		if !names[n] {
			t.Errorf("demo item %q is gone", n)
		}
	}
}

func TestIncompleteGuides(t *testing.T) {
	t.Parallel()
	depts, _, items := Catalogue()
	phone := map[string]string{}
	for _, d := range depts {
		phone[d.Code] = d.Phone
	}
	found := 0
	for _, it := range items {
		if !incompleteGuides[it.Name] {
			if it.OnApplication && !it.Reduced() && len(it.FilingGaps()) > 0 {
				t.Errorf("%s %s: undocumented filing gaps %v", it.Code, it.Name, it.FilingGaps())
			}
			continue
		}
		found++
		gaps := it.FilingGaps()
		for _, want := range []string{models.GapHandlingKind, models.GapStatutoryDays, models.GapPromisedDays, models.GapMaterials} {
			if !slices.Contains(gaps, want) {
				t.Errorf("%s: gaps %v lack %s", it.Name, gaps, want)
			}
		}
		if it.Reduced() || !it.OnApplication || it.Status != models.ItemPublished || it.Phone != phone[it.DepartmentCode] ||
			it.IsFee != nil || it.Visits != nil || it.OnlineDepth != nil || len(it.Steps) > 0 {
			t.Errorf("%s: not a bare published item with its department's phone: %+v", it.Name, it)
		}
	}
	if found != len(incompleteGuides) {
		t.Errorf("found %d incomplete items, want %d", found, len(incompleteGuides))
	}
}
