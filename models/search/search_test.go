package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Department codes and sort orders of the hand-made catalogue.
var depts = map[string]struct {
	name string
	sort int
}{
	"sc": {"市场监督管理局", 1},
	"zj": {"住房和城乡建设局", 2},
	"zr": {"自然资源局", 3},
	"ga": {"公安局", 4},
	"mz": {"民政局", 5},
	"wj": {"卫生健康委员会", 6},
	"jt": {"交通运输局", 7},
	"fg": {"发展和改革委员会", 8},
}

func entry(code, name, typ, dept, disposition string, onApp, joint bool, text string) Entry {
	d := depts[dept]
	return Entry{
		Code: code, Name: name, TypeCode: typ, DepartmentCode: dept, DepartmentName: d.name,
		DepartmentSort: d.sort, Disposition: disposition, OnApplication: onApp, Joint: joint,
		StatutoryDays: intp(20), PromisedDays: intp(10), Text: text,
	}
}

// sample is a small catalogue with realistic names; each call returns a fresh slice.
func sample() []Entry {
	const r, c, m, d = "retained", "cancelled", "merged", "delegated"
	return []Entry{
		entry("150902001010000001000", "食品经营许可", "01", "sc", r, true, false, "《中华人民共和国食品安全法》第三十五条 食品经营许可申请书 营业执照复印件 食品经营许可证"),
		entry("150902001010000002000", "食品生产许可", "01", "sc", r, true, false, "《食品生产许可管理办法》 食品生产许可申请书 食品生产许可证"),
		entry("150902001020000003000", "对未取得食品经营许可从事食品经营活动的处罚", "02", "sc", r, false, false, "《中华人民共和国食品安全法》第一百二十二条"),
		entry("150902001100000004000", "食品经营许可证注销", "10", "sc", r, true, false, "注销申请书"),
		entry("150902001060000005000", "对食品生产经营者的监督检查", "06", "sc", r, false, false, "双随机一公开"),
		entry("150902001010000006000", "企业设立登记（营业执照核发）", "01", "sc", r, true, true, "一表申请 一站受理 同步审批 统一发证 公司章程"),
		entry("150902001010000007000", "营业执照变更登记", "01", "sc", r, true, false, "变更登记申请书"),
		entry("150902001010000008000", "营业执照注销登记", "01", "sc", r, true, false, "清算报告"),
		entry("150902001010000009000", "个体工商户登记", "01", "sc", r, true, false, "经营者身份证明"),
		entry("150902003010000010000", "建设工程规划许可证核发", "01", "zr", r, true, true, "《中华人民共和国城乡规划法》第四十条 建设工程规划许可证"),
		entry("150902002010000011000", "建筑工程施工许可证核发", "01", "zj", r, true, true, "《中华人民共和国建筑法》第七条 施工许可证"),
		entry("150902002100000012000", "建设工程竣工验收备案", "10", "zj", r, true, false, "竣工验收报告"),
		entry("150902002020000013000", "对建设工程未取得施工许可擅自施工的处罚", "02", "zj", r, false, false, "《建设工程质量管理条例》第五十七条"),
		entry("150902002010000014000", "建设工程消防设计审查", "01", "zj", r, true, true, "消防设计文件"),
		entry("150902004070000015000", "户口迁移登记", "07", "ga", r, true, false, "迁移证明"),
		entry("150902004070000016000", "户口登记项目变更", "07", "ga", r, true, false, "变更更正申请"),
		entry("150902004070000017000", "居民身份证核发", "07", "ga", r, true, false, "居民户口簿 照片"),
		entry("150902005070000018000", "婚姻登记", "07", "mz", r, true, false, "居民户口簿 居民身份证 婚姻登记证"),
		entry("150902005070000019000", "收养登记", "07", "mz", r, true, false, "收养登记证"),
		entry("150902005010000020000", "社会团体成立登记", "01", "mz", r, true, false, "社会团体章程"),
		entry("150902005050000021000", "最低生活保障金给付", "05", "mz", r, true, false, "家庭收入证明"),
		entry("150902006010000022000", "医疗机构执业登记", "01", "wj", r, true, false, "《医疗机构管理条例》"),
		entry("150902006010000023000", "公共场所卫生许可", "01", "wj", r, true, false, "卫生许可证"),
		entry("150902006010000024000", "饮用水供水单位卫生许可", "01", "wj", d, true, false, "水质检验报告"),
		entry("150902006060000025000", "对医疗机构的监督检查", "06", "wj", r, false, false, ""),
		entry("150902007010000026000", "道路货物运输经营许可", "01", "jt", r, true, false, "车辆行驶证"),
		entry("150902007010000027000", "出租汽车经营许可", "01", "jt", m, true, false, "合并至道路运输经营许可"),
		entry("150902007010000028000", "道路运输从业人员从业资格证（IC卡）补发", "01", "jt", r, true, false, "从业资格证遗失声明"),
		entry("150902008010000029000", "粮食收购资格认定", "01", "fg", c, true, false, "已取消"),
		entry("150902008200000030000", "政府信息公开申请", "20", "fg", r, true, false, "申请表"),
	}
}

func names(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

func ptr(b bool) *bool { return &b }

func TestSearchRanking(t *testing.T) {
	t.Parallel()
	ix := New(sample(), nil)
	tests := []struct {
		q     string
		total int      // -1: do not check
		want  []string // the first names, in order
	}{
		{"食品", -1, []string{"食品经营许可", "食品生产许可", "食品经营许可证注销", "对食品生产经营者的监督检查", "对未取得食品经营许可从事食品经营活动的处罚"}},
		{"建设工程", 5, []string{"建设工程消防设计审查", "建设工程竣工验收备案", "建设工程规划许可证核发", "对建设工程未取得施工许可擅自施工的处罚", "建筑工程施工许可证核发"}}, // the last one character away
		{"营业执照", 4, []string{"营业执照变更登记", "营业执照注销登记", "企业设立登记（营业执照核发）", "食品经营许可"}},
		{"户口", 4, []string{"户口迁移登记", "户口登记项目变更", "婚姻登记", "居民身份证核发"}},
		{"户", 5, []string{"户口迁移登记", "户口登记项目变更", "个体工商户登记", "婚姻登记", "居民身份证核发"}},
		{"食", -1, []string{"食品经营许可", "食品生产许可", "食品经营许可证注销"}},
		{"婚姻登记", 1, []string{"婚姻登记"}},
		{"营业执照变更登记", 1, []string{"营业执照变更登记"}},
		{"食品经营许可", 3, []string{"食品经营许可", "食品经营许可证注销", "对未取得食品经营许可从事食品经营活动的处罚"}},
		{"登记", -1, []string{"婚姻登记", "收养登记"}},
		{"食品 处罚", -1, []string{"对未取得食品经营许可从事食品经营活动的处罚"}},
		{"营业执照   变更", -1, []string{"营业执照变更登记"}},
		{"户口 变更", -1, []string{"户口登记项目变更"}},
		{"处罚 食品 食品", -1, []string{"对未取得食品经营许可从事食品经营活动的处罚"}},
		{"住房和城乡建设局", -1, []string{"建设工程消防设计审查", "建设工程竣工验收备案", "对建设工程未取得施工许可擅自施工的处罚", "建筑工程施工许可证核发"}}, // department name only
		{"消防设计文件", 1, []string{"建设工程消防设计审查"}}, // material name
		{"ＩＣ卡", 1, []string{"道路运输从业人员从业资格证（IC卡）补发"}},
		{"ic卡）补发", 1, []string{"道路运输从业人员从业资格证（IC卡）补发"}},
		{"150902004070000017000", 1, []string{"居民身份证核发"}},
		{"１５０９０２００４", 3, []string{"户口迁移登记", "居民身份证核发", "户口登记项目变更"}},
		{"食品 户口", -1, nil}, // partial matches only
		{"殡葬", 0, nil},
		{"粮食收购", 0, nil}, // cancelled: hidden by the default status
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			t.Parallel()
			res := ix.Search(Query{Q: tt.q, Limit: 100, Scope: ScopeAll})
			got := names(res.Entries)
			if tt.total >= 0 && res.Total != tt.total {
				t.Errorf("Total = %d, want %d; got %q", res.Total, tt.total, got)
			}
			if len(res.Entries) != min(res.Total, 100) {
				t.Errorf("len(Entries) = %d, Total %d", len(res.Entries), res.Total)
			}
			if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
				t.Errorf("got %q,\nwant prefix %q", got, tt.want)
			}
		})
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	ix := New(sample(), nil)
	tests := []struct {
		name  string
		q     Query
		total int
		want  []string // all names, in order; nil: do not check
	}{
		{"default listing retained only", Query{}, 27, nil},
		{"department", Query{Department: "ga"}, 3, []string{"户口迁移登记", "户口登记项目变更", "居民身份证核发"}},
		{"department with query", Query{Department: "zj", Q: "许可"}, 2, []string{"建筑工程施工许可证核发", "对建设工程未取得施工许可擅自施工的处罚"}},
		{"unknown department", Query{Department: "xx"}, 0, []string{}},
		{"type", Query{Type: "02"}, 2, []string{"对未取得食品经营许可从事食品经营活动的处罚", "对建设工程未取得施工许可擅自施工的处罚"}},
		{"type with query", Query{Type: "06", Q: "检查"}, 2, []string{"对医疗机构的监督检查", "对食品生产经营者的监督检查"}},
		{"reduced", Query{Status: "reduced"}, 3, []string{"饮用水供水单位卫生许可", "出租汽车经营许可", "粮食收购资格认定"}},
		{"reduced with query", Query{Status: "reduced", Q: "许可"}, 2, []string{"出租汽车经营许可", "饮用水供水单位卫生许可"}},
		{"all", Query{Status: "all"}, 30, nil},
		{"all finds cancelled", Query{Status: "all", Q: "粮食收购"}, 1, []string{"粮食收购资格认定"}},
		{"unknown status is retained", Query{Status: "bogus"}, 27, nil},
		{"ex officio", Query{OnApplication: ptr(false)}, 4, nil},
		{"on application", Query{OnApplication: ptr(true), Type: "02"}, 0, []string{}},
		{"joint", Query{Joint: ptr(true)}, 4, []string{"企业设立登记（营业执照核发）", "建筑工程施工许可证核发", "建设工程消防设计审查", "建设工程规划许可证核发"}},
		{"not joint with query", Query{Joint: ptr(false), Q: "建设工程"}, 2, []string{"建设工程竣工验收备案", "对建设工程未取得施工许可擅自施工的处罚"}},
		{"everything", Query{Q: "许可", Department: "sc", Type: "01", Status: "retained", OnApplication: ptr(true), Joint: ptr(false)}, 2, []string{"食品经营许可", "食品生产许可"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.q.Limit = 100
			tt.q.Scope = ScopeAll
			res := ix.Search(tt.q)
			got := names(res.Entries)
			if res.Total != tt.total {
				t.Errorf("Total = %d, want %d; got %q", res.Total, tt.total, got)
			}
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("got %q,\nwant %q", got, tt.want)
			}
			if res.Entries == nil {
				t.Error("Entries is nil, want an empty slice")
			}
		})
	}
}

func TestDefaultListingOrder(t *testing.T) {
	t.Parallel()
	res := New(sample(), nil).Search(Query{Status: "all", Limit: 100})
	less := func(a, b Entry) bool {
		if a.DepartmentSort != b.DepartmentSort {
			return a.DepartmentSort < b.DepartmentSort
		}
		if a.TypeCode != b.TypeCode {
			return a.TypeCode < b.TypeCode
		}
		return a.Code < b.Code
	}
	for i := 1; i < len(res.Entries); i++ {
		if less(res.Entries[i], res.Entries[i-1]) {
			t.Fatalf("entry %d %q sorts before %q", i, res.Entries[i].Name, res.Entries[i-1].Name)
		}
	}
	if len(res.Entries) != 30 {
		t.Fatalf("got %d entries, want 30", len(res.Entries))
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	small, big := New(sample(), nil), New(catalogue(500), nil)
	tests := []struct {
		name string
		ix   *Index
		q    Query
	}{
		{"listing", small, Query{Status: "all"}},
		{"ranked", small, Query{Q: "许可", Status: "all"}},
		{"ranked big", big, Query{Q: "许可"}},
		{"listing big", big, Query{Department: "d03"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			all := tt.ix.Search(Query{Q: tt.q.Q, Status: tt.q.Status, Department: tt.q.Department, Limit: 100})
			var pages []Entry
			for off := 0; off < all.Total+10; off += 7 {
				q := tt.q
				q.Offset, q.Limit = off, 7
				res := tt.ix.Search(q)
				if res.Total != all.Total {
					t.Fatalf("offset %d: Total %d, want %d", off, res.Total, all.Total)
				}
				pages = append(pages, res.Entries...)
			}
			if want := all.Entries; !slices.Equal(names(pages[:len(want)]), names(want)) || len(pages) != all.Total {
				t.Errorf("pages differ from one big page: %d vs %d entries", len(pages), all.Total)
			}
		})
	}
	limits := []struct{ offset, limit, wantLen int }{
		{-5, 0, defaultLimit}, {0, -1, defaultLimit}, {0, 1000, maxLimit}, {0, 3, 3},
		{1 << 62, 100, 0}, {int(^uint(0) >> 1), int(^uint(0) >> 1), 0},
	}
	for _, l := range limits {
		t.Run(fmt.Sprintf("offset %d limit %d", l.offset, l.limit), func(t *testing.T) {
			t.Parallel()
			for _, q := range []string{"", "许可"} {
				res := big.Search(Query{Q: q, Offset: l.offset, Limit: l.limit})
				if len(res.Entries) != l.wantLen || res.Entries == nil {
					t.Errorf("q %q: %d entries (nil %v), want %d", q, len(res.Entries), res.Entries == nil, l.wantLen)
				}
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"ＡＢ", "ab"},
		{"　食品　　经营\t许可\n", "食品 经营 许可"},
		{"ＩＣ卡（补发）", "ic卡(补发)"},
		{"Food\u200b许可", "food许可"},
		{"\x00a\x7fb", "a b"},
		{"～！", "~!"},
		{"\xff食", "\ufffd食"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := normalize(tt.in); got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHostileQueries(t *testing.T) {
	t.Parallel()
	ix := New(sample(), nil)
	tests := []string{
		"' OR 1=1 --",
		"'; DROP TABLE items; --",
		"\" OR \"\"=\"",
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"%00",
		"../../etc/passwd",
		"${jndi:ldap://x}",
		"\xff\xfe\xfd",
		strings.Repeat("a ", 100_000),
	}
	for _, q := range tests {
		t.Run(fmt.Sprintf("%.20q", q), func(t *testing.T) {
			t.Parallel()
			res := ix.Search(Query{Q: q, Status: "all"})
			if res.Total != 0 || len(res.Entries) != 0 {
				t.Errorf("got %d results: %q", res.Total, names(res.Entries))
			}
		})
	}
}

// A query of nothing but spaces, control and format characters is no query at all.
func TestBlankQueryLists(t *testing.T) {
	t.Parallel()
	ix := New(sample(), nil)
	for _, q := range []string{"", " ", "\x00", "\u3000\t\n", "\u200b"} {
		if res := ix.Search(Query{Q: q}); res.Total != 27 {
			t.Errorf("Search(%q): Total %d, want the full listing", q, res.Total)
		}
	}
}

func TestIndexKeepsItsOwnCopy(t *testing.T) {
	t.Parallel()
	es := sample()
	ix := New(es, nil)
	es[0].Name = "changed"
	res := ix.Search(Query{Q: "食品经营许可"})
	if res.Entries[0].Name != "食品经营许可" {
		t.Fatalf("index saw the caller's change: %q", res.Entries[0].Name)
	}
	res.Entries[0].Name = "changed too"
	if again := ix.Search(Query{Q: "食品经营许可"}); again.Entries[0].Name != "食品经营许可" {
		t.Fatalf("a result aliased the index: %q", again.Entries[0].Name)
	}
	if ix.Len() != 30 || New(nil, nil).Len() != 0 {
		t.Fatalf("Len = %d", ix.Len())
	}
	var zero Index
	if res := zero.Search(Query{Q: "食品 1509"}); res.Total != 0 || zero.Len() != 0 {
		t.Fatalf("the zero Index found %d", res.Total)
	}
}

func TestLiveSwap(t *testing.T) {
	t.Parallel()
	a, b := New(sample(), nil), New(catalogue(300), nil)
	live := NewLive(a)
	if live.Search(Query{Q: "婚姻登记"}).Total != 1 {
		t.Fatal("Live does not serve its first index")
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				res := live.Search(Query{Q: "许可", Offset: i % 5, Limit: 10})
				if res.Total != a.Search(Query{Q: "许可"}).Total && res.Total != b.Search(Query{Q: "许可"}).Total {
					t.Errorf("goroutine %d: Total %d belongs to neither index", g, res.Total)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 100 {
			if i%2 == 0 {
				live.Swap(b)
			} else {
				live.Swap(a)
			}
		}
	})
	wg.Wait()
	live.Swap(nil)
	if res := live.Search(Query{}); res.Total != 0 || res.Entries == nil {
		t.Fatalf("after Swap(nil): %+v", res)
	}
	if NewLive(nil).Search(Query{Q: "x"}).Total != 0 {
		t.Fatal("NewLive(nil) is not empty")
	}
}
