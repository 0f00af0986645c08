package search

import (
	"slices"
	"testing"
)

// aliasesWithout returns the test aliases less the given terms.
func aliasesWithout(terms ...string) []Alias {
	return slices.DeleteFunc(testAliases(), func(a Alias) bool { return slices.Contains(terms, a.Term) })
}

func TestPinyinOfAnAliasTermFindsItsTargets(t *testing.T) {
	t.Parallel()
	l := NewLive(realIndex(t))
	for _, q := range []string{"dibao", "DiBao", "dibao 认定"} {
		res := l.Search(Query{Q: q, Limit: 5})
		if len(res.Entries) == 0 || !slices.Contains(names(res.Entries), "最低生活保障对象认定") {
			t.Errorf("%q: first five %q, want 最低生活保障对象认定", q, names(res.Entries))
		}
	}
	// Pinyin that spells no alias term still matches the names' pinyin.
	if res := l.Search(Query{Q: "shipinjingying", Limit: 5}); !slices.Contains(names(res.Entries), "食品(含保健食品)经营许可") {
		t.Errorf("shipinjingying: %q", names(res.Entries))
	}
}

func TestSuggestCompletesAPartlyTypedAliasTerm(t *testing.T) {
	t.Parallel()
	// 狗 is no alias term here: only 狗证 and 养狗 are, as in a dictionary without it.
	l := NewLive(New(realEntries(t), aliasesWithout("狗")))
	tests := []struct{ q, want string }{
		{"开饭", "食品(含保健食品)经营许可"}, // → 开饭店
		{"我想开饭", "食品(含保健食品)经营许可"},
		{"狗", "犬只登记"}, // → 狗证
		{"低", "最低生活保障对象认定"},
	}
	for _, tt := range tests {
		res := l.Suggest(Query{Q: tt.q, Limit: 8})
		if !slices.Contains(names(res.Entries), tt.want) {
			t.Errorf("suggest %q: %q, want %q", tt.q, names(res.Entries), tt.want)
		}
		if len(res.Matches) != len(res.Entries) || len(res.Entries) > 8 {
			t.Errorf("suggest %q: %d entries, %d matches", tt.q, len(res.Entries), len(res.Matches))
		}
		seen := map[string]bool{}
		for _, e := range res.Entries {
			if seen[e.Code] {
				t.Errorf("suggest %q: %s twice", tt.q, e.Name)
			}
			seen[e.Code] = true
		}
	}
	// A full search does not complete: 开饭 as a query is what was asked.
	if res := l.Search(Query{Q: "开饭"}); slices.Contains(names(res.Entries), "食品(含保健食品)经营许可") {
		t.Errorf("search 开饭 completed the word: %q", names(res.Entries))
	}
	// What the typed text finds itself comes first.
	res := l.Suggest(Query{Q: "营业执照", Limit: 8})
	plain := l.Search(Query{Q: "营业执照", Limit: 8})
	if !slices.Equal(names(res.Entries), names(plain.Entries)) {
		t.Errorf("suggest 营业执照 %q, search %q", names(res.Entries), names(plain.Entries))
	}
}

// catalogueWithoutDogs is a small list in which the dog registration item is missing,
// as in a district list that has none: the dog words then find nothing.
func catalogueWithoutDogs() *Index {
	entries := []Entry{
		{Code: "a1", Name: "公证员执业登记", TypeCode: "07", Disposition: retained, OnApplication: true},
		{Code: "a2", Name: "居民身份证换证", TypeCode: "20", Disposition: retained, OnApplication: true},
		{Code: "p1", Name: "对携带犬只出户未束犬链的处罚", TypeCode: "02", Disposition: retained},
		{Code: "p2", Name: "对狗证过期的处罚", TypeCode: "02", Disposition: retained},
	}
	aliases := []Alias{
		{"狗证", []string{"养犬登记"}},
		{"犬证", []string{"养犬登记"}},
		{"签证", []string{"外国人签证"}},
	}
	return New(entries, aliases)
}

func TestDidYouMeanOffersOnlyTermsThatFindSomething(t *testing.T) {
	t.Parallel()
	l := NewLive(catalogueWithoutDogs())
	res := l.Search(Query{Q: "狗证"})
	if res.Total != 0 {
		t.Fatalf("狗证 found %q", names(res.Entries))
	}
	if slices.Contains(res.DidYouMean, "签证") || slices.Contains(res.DidYouMean, "犬证") || slices.Contains(res.DidYouMean, "狗证") {
		t.Errorf("狗证: did you mean %q offers terms that find nothing", res.DidYouMean)
	}
	if !slices.Equal(res.DidYouMean, []string{"公证"}) {
		t.Errorf("狗证: did you mean %q, want 公证", res.DidYouMean)
	}
	for _, scope := range []string{ScopeServices, ScopeAll} {
		for _, q := range []string{"狗证", "签证", "犬证", "狗正"} {
			res := l.Search(Query{Q: q, Scope: scope})
			for _, w := range res.DidYouMean {
				if l.Search(Query{Q: w, Scope: scope}).Total == 0 {
					t.Errorf("%s %q: did you mean %q, which finds nothing", scope, q, w)
				}
			}
		}
	}
	// The whole power list holds 狗证 in a penalty's name: offered there, not to citizens.
	if res := l.Search(Query{Q: "狗正", Scope: ScopeAll}); !slices.Contains(res.DidYouMean, "狗证") {
		t.Errorf("scope=all 狗正: did you mean %q, want 狗证", res.DidYouMean)
	}
	if res := l.Search(Query{Q: "狗正"}); slices.Contains(res.DidYouMean, "狗证") {
		t.Errorf("services 狗正: did you mean %q offers a term finding only penalties", res.DidYouMean)
	}
}
