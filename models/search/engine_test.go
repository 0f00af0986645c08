package search

import (
	"slices"
	"strings"
	"testing"
)

func realIndex(t testing.TB) *Index {
	t.Helper()
	return New(realEntries(t), testAliases())
}

func TestSegmentationDropsQuestionWords(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"怎么办理营业执照", []string{"营业执照"}},
		{"我想开公司需要什么", []string{"开公司"}},
		{"食品经营许可", []string{"食品经营许可"}},
		{"办护照", []string{"护照"}},
		{"殡葬", []string{"殡葬"}},
		{"办理", []string{"办理"}}, // only question words: taken as asked
		{"ic卡 补发", []string{"ic", "卡", "补发"}},
	}
	for _, tt := range tests {
		p := ix.plan(tt.q)
		var got []string
		for _, c := range p.concepts {
			got = append(got, c.word)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("plan(%q) words %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestFoldingTraditionalAndWidth(t *testing.T) {
	t.Parallel()
	f := newFolder()
	for in, want := range map[string]string{
		"食品經營許可":    "食品经营许可",
		"ＩＣ卡（補發）":   "ic卡(补发)",
		"居民身份證　辦理":  "居民身份证 办理",
		"建設工程規劃許可證": "建设工程规划许可证",
	} {
		if got := f.fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := bareName("建设工程(含临时建设)规划许可证核发"); got != "建设工程规划许可证核发" {
		t.Errorf("bareName = %q", got)
	}
}

func TestPinyinAndInitials(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	for _, q := range []string{"shipinjingying", "spjyxk", "SHIPIN JINGYING", "shipinjingyingxuke"} {
		res := ix.Search(Query{Q: q, Limit: 5})
		if !slices.Contains(names(res.Entries), "食品(含保健食品)经营许可") {
			t.Errorf("%q: %q", q, names(res.Entries))
		}
	}
	res := ix.Search(Query{Q: "quanzhi", Limit: 5}) // 犬只
	if len(res.Entries) == 0 || !strings.Contains(res.Entries[0].Name, "犬只") {
		t.Errorf("quanzhi: %q", names(res.Entries))
	}
	if len(res.Matches) == 0 || !strings.Contains(res.Matches[0].HighlightHTML(), "<mark>犬只</mark>") {
		t.Errorf("pinyin highlight: %+v", res.Matches)
	}
}

func TestFuzzyOneCharacter(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	tests := []struct{ q, want string }{
		{"食品经营许问", "食品(含保健食品)经营许可"},  // one wrong
		{"食品经营可", "食品(含保健食品)经营许可"},   // one missing
		{"建筑工程施工许许可", "建筑工程施工许可证核发"}, // one extra
		{"居民身分证", "居民身份证办理"},
	}
	for _, tt := range tests {
		res := ix.Search(Query{Q: tt.q, Limit: 5})
		if !slices.Contains(names(res.Entries), tt.want) {
			t.Errorf("%q: %q, want %q", tt.q, names(res.Entries), tt.want)
		}
	}
	// Exact matches rank above forgiven ones.
	small := New([]Entry{
		{Code: "a", Name: "食品经营许可", OnApplication: true, Disposition: retained},
		{Code: "b", Name: "食品经营许问", OnApplication: true, Disposition: retained},
	}, nil)
	res := small.Search(Query{Q: "食品经营许问"})
	if got := codes(res.Entries); !slices.Equal(got, []string{"b", "a"}) || res.Matches[1].Score >= res.Matches[0].Score {
		t.Errorf("exact and forgiven: %q %v", got, res.Matches)
	}
	for _, c := range []struct {
		t, w string
		ok   bool
	}{{"食品经营许可", "食品经营许问", true}, {"食品经营许可", "食品经许可", true}, {"食品经营许可", "食品经营营许可", true}, {"食品经营许可", "食物经营许问", false}} {
		if _, _, ok := within1([]rune(c.t), []rune(c.w)); ok != c.ok {
			t.Errorf("within1(%q, %q) = %v", c.t, c.w, ok)
		}
	}
}

func TestRankingOrder(t *testing.T) {
	t.Parallel()
	es := []Entry{
		{Code: "a", Name: "居民身份证办理（首次申领）", MainName: "居民身份证办理", TypeCode: "07", OnApplication: true, Disposition: retained},
		{Code: "b", Name: "居民身份证办理", TypeCode: "07", OnApplication: true, Disposition: retained},
		{Code: "c", Name: "户口迁移", TypeCode: "07", OnApplication: true, Disposition: retained, Text: "居民身份证 户口簿"},
		{Code: "d", Name: "临时身份证明", TypeCode: "07", OnApplication: true, Disposition: retained, Applications: 5},
		{Code: "e", Name: "身份证明开具", TypeCode: "07", OnApplication: true, Disposition: retained, Applications: 9},
		{Code: "f", Name: "身份证明补开", TypeCode: "07", OnApplication: true, Disposition: retained, Applications: 1},
	}
	ix := New(es, nil)
	// Name > guide text; a main item above its sub-item.
	got := codes(ix.Search(Query{Q: "居民身份证"}).Entries)
	if !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Errorf("居民身份证: %q", got)
	}
	// Every word > some words: 户口 迁移 both in c; 身份证 户口 both in c too (text).
	got = codes(ix.Search(Query{Q: "居民身份证 户口"}).Entries)
	if got[0] != "c" {
		t.Errorf("居民身份证 户口: %q", got)
	}
	// Then how often items are applied for.
	got = codes(ix.Search(Query{Q: "身份证明"}).Entries)
	if !slices.Equal(got[:3], []string{"e", "f", "d"}) && !slices.Equal(got[:3], []string{"e", "d", "f"}) {
		t.Errorf("身份证明: %q", got)
	}
	res := ix.Search(Query{Q: "身份证明"})
	for i := 1; i < len(res.Matches); i++ {
		if res.Matches[i].Score > res.Matches[i-1].Score {
			t.Errorf("scores not descending: %v", res.Matches)
		}
	}
}

func TestScopeKeepsPenaltiesOut(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	for _, q := range []string{"身份证", "营业执照", "食品经营许可", "犬只"} {
		res := ix.Search(Query{Q: q, Limit: 10})
		for _, e := range res.Entries {
			if strings.HasPrefix(e.Name, "对") && strings.HasSuffix(e.Name, "处罚") {
				t.Errorf("%q, default scope: a penalty %q in the first ten", q, e.Name)
			}
		}
		all := ix.Search(Query{Q: q, Scope: ScopeAll, Limit: 100})
		if all.Total <= res.Total {
			t.Errorf("%q: scope all found %d, services %d", q, all.Total, res.Total)
		}
		if !slices.ContainsFunc(all.Entries, func(e Entry) bool { return e.TypeCode == "02" }) {
			t.Errorf("%q, scope all: no penalty found", q)
		}
	}
	// A search for a type asks for that type; a listing is the whole published list.
	if ix.Search(Query{Q: "身份证", Type: "02"}).Total == 0 {
		t.Error("type 02 search found nothing")
	}
	if ix.Search(Query{Type: "02"}).Total == 0 {
		t.Error("type 02 listing found nothing")
	}
}

func TestHighlightEscapes(t *testing.T) {
	t.Parallel()
	ix := New([]Entry{{Code: "x", Name: `<script>alert("食品")</script>食品许可`, Disposition: retained, OnApplication: true}}, nil)
	res := ix.Search(Query{Q: "食品"})
	if res.Total != 1 {
		t.Fatalf("Total %d", res.Total)
	}
	h := res.Matches[0].HighlightHTML()
	want := `&lt;script&gt;alert(&#34;<mark>食品</mark>&#34;)&lt;/script&gt;<mark>食品</mark>许可`
	if h != want {
		t.Errorf("highlight\n got %s\nwant %s", h, want)
	}
	var joined strings.Builder
	for _, s := range res.Matches[0].Name {
		joined.WriteString(s.Text)
	}
	if joined.String() != res.Entries[0].Name {
		t.Errorf("spans do not add up to the name: %q", joined.String())
	}
	// Traditional and full-width queries highlight the simplified name's characters.
	ix = New([]Entry{{Code: "y", Name: "ＩＣ卡食品经营许可", Disposition: retained, OnApplication: true}}, nil)
	if h := ix.Search(Query{Q: "食品經營"}).Matches[0].HighlightHTML(); h != "ＩＣ卡<mark>食品经营</mark>许可" {
		t.Errorf("traditional highlight %s", h)
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	ix := realIndex(t)
	res := ix.Search(Query{Q: "犬支"})
	if res.Total != 0 {
		t.Fatalf("犬支 found %q", names(res.Entries))
	}
	if !slices.Contains(res.DidYouMean, "犬只") {
		t.Errorf("did you mean %q, want 犬只", res.DidYouMean)
	}
	if got := ix.didYouMean(&plan{parts: []string{"狗正"}}); !slices.Contains(got, "狗证") {
		t.Errorf("did you mean %q, want the alias 狗证", got)
	}
	if found := ix.Search(Query{Q: "犬只"}); found.DidYouMean != nil {
		t.Errorf("a search that found something offers %q", found.DidYouMean)
	}
}

func codes(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Code
	}
	return out
}
