package search

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// oracle holds entries with their fields normalised once, for naiveSearch.
type oracle []struct {
	e                      Entry
	name, code, dept, text string
	nameLen                int
}

func newOracle(entries []Entry) oracle {
	o := make(oracle, len(entries))
	for i, e := range entries {
		o[i].e = e
		o[i].name, o[i].code = normalize(e.Name), normalize(e.Code)
		o[i].dept, o[i].text = normalize(e.DepartmentName), normalize(e.Text)
		o[i].nameLen = utf8.RuneCountInString(o[i].name)
	}
	return o
}

// naiveSearch is the specification in its plainest form, an oracle for the index.
func (o oracle) naiveSearch(q Query) Result {
	terms := parseTerms(q.Q)
	type scored struct {
		e                 Entry
		key, pos, nameLen int
	}
	var found []scored
	for pos, oe := range o {
		e := oe.e
		reduced := e.Disposition != "retained"
		switch {
		case q.Department != "" && e.DepartmentCode != q.Department,
			q.Type != "" && e.TypeCode != q.Type,
			q.Status == "reduced" && !reduced,
			q.Status != "reduced" && q.Status != "all" && reduced,
			q.OnApplication != nil && e.OnApplication != *q.OnApplication,
			q.Joint != nil && e.Joint != *q.Joint:
			continue
		}
		worst := 0
		for _, t := range terms {
			name, code := oe.name, oe.code
			key := -1
			switch i := strings.Index(name, t); {
			case name == t || code == t:
				key = 0
			case i == 0:
				key = 1
			case i > 0:
				key = 1 + min(utf8.RuneCountInString(name[:i]), 253)
			case strings.Contains(oe.dept, t),
				strings.Contains(oe.text, t),
				strings.Contains(code, t):
				key = 255
			}
			if key < 0 {
				worst = -1
				break
			}
			worst = max(worst, key)
		}
		if worst >= 0 {
			found = append(found, scored{e, worst, pos, oe.nameLen})
		}
	}
	slices.SortFunc(found, func(a, b scored) int {
		if len(terms) == 0 {
			return cmp.Or(cmp.Compare(a.e.DepartmentSort, b.e.DepartmentSort),
				strings.Compare(a.e.TypeCode, b.e.TypeCode), strings.Compare(a.e.Code, b.e.Code),
				cmp.Compare(a.pos, b.pos))
		}
		return cmp.Or(cmp.Compare(a.key, b.key),
			cmp.Compare(a.nameLen, b.nameLen),
			strings.Compare(a.e.Code, b.e.Code), cmp.Compare(a.pos, b.pos))
	})
	offset, limit := max(q.Offset, 0), q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	res := Result{Total: len(found), Entries: []Entry{}}
	for i, s := range found {
		if i >= offset && i-offset < limit {
			res.Entries = append(res.Entries, s.e)
		}
	}
	return res
}

func codes(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Code
	}
	return out
}

func checkAgainstNaive(t *testing.T, ix *Index, o oracle, q Query) {
	t.Helper()
	got, want := ix.Search(q), o.naiveSearch(q)
	if got.Total != want.Total || !slices.Equal(codes(got.Entries), codes(want.Entries)) {
		t.Fatalf("Search(%+v):\n got %d %q\nwant %d %q", q, got.Total, names(got.Entries), want.Total, names(want.Entries))
	}
}

func TestAgainstNaive(t *testing.T) {
	t.Parallel()
	entries := append(sample(), catalogue(1000)...)
	ix, o := New(entries), newOracle(entries)
	queries := []string{
		"", "食品", "建设工程", "营业执照", "户口", "许可", "食", "户", "殡葬", "登记 变更", "食品 处罚",
		"许可证核发", "集宁区", "居民户口簿", "申请书", "（新办）", "(变更)", "对", "15090200", "0000001",
		"150902001010000001000", "ic", "许可 许可证 可证", "法", "营业执照复印件 公安分局", "建设工程规划许可证核发",
	}
	filters := []Query{
		{}, {Status: "all"}, {Status: "reduced"}, {Department: "d01"}, {Department: "sc", Status: "all"},
		{Type: "02"}, {OnApplication: ptr(true), Joint: ptr(false)}, {Joint: ptr(true), Status: "all"},
	}
	for _, qs := range queries {
		t.Run(qs, func(t *testing.T) {
			t.Parallel()
			for _, f := range filters {
				for _, page := range [][2]int{{0, 100}, {0, 7}, {13, 7}, {95, 20}} {
					q := f
					q.Q, q.Offset, q.Limit = qs, page[0], page[1]
					checkAgainstNaive(t, ix, o, q)
				}
			}
		})
	}
}

func FuzzSearch(f *testing.F) {
	entries := append(sample(), catalogue(200)...)
	ix, o := New(entries), newOracle(entries)
	for _, s := range []string{
		"食品", "户口 变更", "ＩＣ卡", "' OR 1=1 --", "<script>", "\xff", "1509", "　", "",
		"营业执照 复印件", "许可证核发", "建设工程规划", "对 处罚 食品", "集宁区公安分局", "c许可",
	} {
		f.Add(s, uint8(0), 0, 20)
	}
	f.Add("许可", uint8(0xff), 3, 5)
	depts := []string{"", "sc", "ga", "d03", "xx"}
	types := []string{"", "01", "02", "07"}
	statuses := []string{"", "retained", "reduced", "all", "bogus"}
	bools := []*bool{nil, ptr(true), ptr(false)}
	f.Fuzz(func(t *testing.T, qs string, sel uint8, offset, limit int) {
		q := Query{
			Q:             qs,
			Department:    depts[int(sel)%len(depts)],
			Type:          types[int(sel>>2)%len(types)],
			Status:        statuses[int(sel>>4)%len(statuses)],
			OnApplication: bools[int(sel>>6)%len(bools)],
			Joint:         bools[int(sel>>1)%len(bools)],
			Offset:        offset,
			Limit:         limit,
		}
		res := ix.Search(q)
		if len(res.Entries) > 100 || len(res.Entries) > res.Total || res.Entries == nil {
			t.Fatalf("Search(%+v): %d entries of %d", q, len(res.Entries), res.Total)
		}
		checkAgainstNaive(t, ix, o, q)
	})
}

// Postings record only first occurrences; these entries put a term's grams elsewhere
// before the term itself, or beyond the offsets the postings can hold.
func TestTrickyPositions(t *testing.T) {
	t.Parallel()
	var entries []Entry
	for i, s := range []struct{ name, text string }{
		{"营业场所营业执照核发", "执照 业执 营业"},
		{"执照营业业执", "营业执 业执照"},
		{"许可许可证", "行政许可法 许可证核发"},
		{"许许可可证证", "许可 可证"},
		{strings.Repeat("甲", 300) + "食品经营", strings.Repeat("某", 30000) + "营业执照复印件"},
		{"食品" + strings.Repeat("乙", 100), strings.Repeat("营业", 20000) + " 营业执照"},
		{"ａｂｃ许可ＡＢＣ", "ABC abc"},
	} {
		entries = append(entries, Entry{Code: fmt.Sprintf("c%02d", i), Name: s.name, Text: s.text, Disposition: "retained"})
	}
	ix, o := New(entries), newOracle(entries)
	for _, q := range []string{
		"营业执照", "营业执", "业执照", "执照营业", "许可证", "许可许可证", "可证", "许可", "食品经营",
		"食品", "营业执照复印件", "某营业", "营业营业", "abc", "ab", "bc许可", "c许可a", "c0", "c01",
	} {
		checkAgainstNaive(t, ix, o, Query{Q: q, Limit: 100})
	}
}
