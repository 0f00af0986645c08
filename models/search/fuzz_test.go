package search

import "testing"

// FuzzSearch checks what must hold for any query: no panic, a page within its limit,
// highlights that spell out each name, scores in order.
func FuzzSearch(f *testing.F) {
	ix := New(append(realEntries(f), catalogue(200)...), testAliases())
	for _, s := range []string{"食品", "户口 变更", "ＩＣ卡", "' OR 1=1 --", "<script>", "\xff", "1509", "　", "",
		"怎么办理营业执照", "食品經營許可", "spjyxk", "食品经营许问", "对 处罚 食品", "a"} {
		f.Add(s, false, 0, 20)
	}
	f.Fuzz(func(t *testing.T, qs string, all bool, offset, limit int) {
		q := Query{Q: qs, Offset: offset, Limit: limit}
		if all {
			q.Scope = ScopeAll
		}
		res := ix.Search(q)
		if len(res.Entries) > maxLimit || len(res.Entries) > res.Total || res.Entries == nil {
			t.Fatalf("%q: %d entries of %d", qs, len(res.Entries), res.Total)
		}
		if res.Matches == nil {
			return
		}
		if len(res.Matches) != len(res.Entries) {
			t.Fatalf("%q: %d matches for %d entries", qs, len(res.Matches), len(res.Entries))
		}
		for i, m := range res.Matches {
			s := ""
			for _, sp := range m.Name {
				s += sp.Text
			}
			if s != res.Entries[i].Name {
				t.Fatalf("%q: spans %q spell %q", qs, s, res.Entries[i].Name)
			}
			if i > 0 && m.Score > res.Matches[i-1].Score {
				t.Fatalf("%q: scores out of order", qs)
			}
		}
	})
}
