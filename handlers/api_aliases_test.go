package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

type aliasListJSON struct {
	Aliases []struct {
		Term      string   `json:"term"`
		Targets   []string `json:"targets"`
		Note      string   `json:"note"`
		UpdatedBy string   `json:"updated_by"`
	} `json:"aliases"`
}

func aliasPath(term string) string { return "/api/v1/search/aliases/" + url.PathEscape(term) }

func TestAliasAPI(t *testing.T) {
	env := newStaffEnv(t)
	cat, clerk := loginToken(t, env, "catalog"), loginToken(t, env, "window1")

	// The shipped default answers everyday words; any catalogue reader may list it.
	status, body := call(t, env, http.MethodGet, "/api/v1/search/aliases?q="+url.QueryEscape("低保"), clerk, nil)
	var list aliasListJSON
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.Aliases) == 0 {
		t.Fatalf("GET aliases?q=低保 = %d %s", status, body)
	}
	if list.Aliases[0].Term != "低保" || !slices.Contains(list.Aliases[0].Targets, "最低生活保障") {
		t.Errorf("低保 → %+v, want 最低生活保障", list.Aliases[0])
	}

	// A window clerk reads but does not edit.
	put := map[string]any{"targets": []string{"居住证", "居住登记"}, "note": "户籍办理", "reason": "群众常这样问"}
	if status, _ := call(t, env, http.MethodPut, aliasPath("办暂住"), clerk, put); status != http.StatusForbidden {
		t.Errorf("a window clerk's PUT = %d, want 403", status)
	}

	stamp := env.store.Changes().Catalogue
	status, body = call(t, env, http.MethodPut, aliasPath("办暂住"), cat, put)
	if status != http.StatusCreated {
		t.Fatalf("PUT a new word = %d %s", status, body)
	}
	if env.store.Changes().Catalogue == stamp {
		t.Error("the new word did not signal a catalogue change (the search index would not be rebuilt)")
	}
	put["targets"] = []string{"居住证"}
	if status, body = call(t, env, http.MethodPut, aliasPath("办暂住"), cat, put); status != http.StatusOK {
		t.Fatalf("PUT a changed word = %d %s", status, body)
	}
	var got struct {
		Targets   []string `json:"targets"`
		UpdatedBy string   `json:"updated_by"`
	}
	if json.Unmarshal(body, &got); !slices.Equal(got.Targets, []string{"居住证"}) || got.UpdatedBy != "catalog" {
		t.Errorf("PUT answered %s", body)
	}

	// Bad input names the field and changes nothing.
	bad := []struct {
		term  string
		body  map[string]any
		field string
	}{
		{"办暂住", map[string]any{"targets": []string{"办暂住"}}, "targets"},
		{"办暂住", map[string]any{"targets": []string{"居住证|居住登记"}}, "targets"},
		{"这是一个超过二十个字的很长很长很长很长的词语", map[string]any{"targets": []string{"居住证"}}, "term"},
	}
	for _, b := range bad {
		status, body := call(t, env, http.MethodPut, aliasPath(b.term), cat, b.body)
		var e apiError
		if status != http.StatusUnprocessableEntity || json.Unmarshal(body, &e) != nil || e.Error.Fields[b.field] == "" {
			t.Errorf("PUT %s %v = %d %s, want 422 naming %s", b.term, b.body, status, body, b.field)
		}
	}
	if a, _ := env.store.SearchAlias(t.Context(), "办暂住"); a == nil || !slices.Equal(a.Targets, []string{"居住证"}) {
		t.Errorf("refused PUTs changed the word: %+v", a)
	}

	// Delete needs a reason; the log keeps what was deleted.
	if status, _ := call(t, env, http.MethodDelete, aliasPath("办暂住"), cat, map[string]string{"reason": ""}); status != http.StatusUnprocessableEntity {
		t.Errorf("DELETE without a reason = %d, want 422", status)
	}
	if status, body := call(t, env, http.MethodDelete, aliasPath("办暂住"), cat, map[string]string{"reason": "与暂住证重复"}); status != http.StatusNoContent {
		t.Fatalf("DELETE = %d %s", status, body)
	}
	if status, _ := call(t, env, http.MethodDelete, aliasPath("办暂住"), cat, map[string]string{"reason": "again"}); status != http.StatusNotFound {
		t.Errorf("DELETE a deleted word = %d, want 404", status)
	}
	log, err := env.store.SearchAliasChanges(t.Context(), "办暂住", 0)
	if err != nil || len(log) != 3 || log[0].Reason != "与暂住证重复" || log[0].Actor != "catalog" {
		t.Errorf("log of 办暂住 = %+v, %v; want create, edit, delete by catalog", log, err)
	}
}

// A word a catalogue administrator adds to the dictionary finds its items on
// the next search, through the change signal (no reload is called).
func TestNewAliasReachesTheSearch(t *testing.T) {
	env := newStaffEnv(t)
	cat := loginToken(t, env, "catalog")
	const word = "开个小吃铺"
	var l itemList
	if status, body := call(t, env, http.MethodGet, "/api/v1/items?q="+url.QueryEscape(word), "", nil); status != 200 ||
		json.Unmarshal(body, &l) != nil {
		t.Fatalf("search before = %d %s", status, body)
	}
	for _, it := range l.Items {
		if it.Name == "食品经营许可（新办）" {
			t.Fatalf("%s already finds 食品经营许可（新办）: the test word is not new", word)
		}
	}
	put := map[string]any{"targets": []string{"食品经营许可"}, "reason": "群众常这样问"}
	if status, body := call(t, env, http.MethodPut, aliasPath(word), cat, put); status != http.StatusCreated {
		t.Fatalf("PUT %s = %d %s", word, status, body)
	}
	status, body := call(t, env, http.MethodGet, "/api/v1/items?q="+url.QueryEscape(word), "", nil)
	if status != 200 || json.Unmarshal(body, &l) != nil {
		t.Fatalf("search after = %d %s", status, body)
	}
	found := false
	for i, it := range l.Items {
		found = found || (i < 5 && it.Name == "食品经营许可（新办）")
	}
	if !found {
		t.Errorf("after adding %s → 食品经营许可 the first five are %v", word, l.Items[:min(5, len(l.Items))])
	}
}
