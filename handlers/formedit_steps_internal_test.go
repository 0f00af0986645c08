package handlers

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

func TestRegexProblemSaysWhatAndWhere(t *testing.T) {
	t.Parallel()
	fallback := editProblem{Path: "p", Key: "formedit.err.pattern_bad"}
	for _, c := range []struct {
		pattern string
		want    editProblem
	}{
		{`\d{6}[a-z`, editProblem{Path: "p", Key: "formedit.err.regex_at", Args: []any{localeRef("formedit.regex.missing_bracket"), 6, "[a-z"}}},
		{`号码\q`, editProblem{Path: "p", Key: "formedit.err.regex_at", Args: []any{localeRef("formedit.regex.invalid_escape"), 3, `\q`}}},
		{`(\d+`, editProblem{Path: "p", Key: "formedit.err.regex", Args: []any{localeRef("formedit.regex.missing_paren")}}},
		{`a)`, editProblem{Path: "p", Key: "formedit.err.regex", Args: []any{localeRef("formedit.regex.unexpected_paren")}}},
		{`ok`, fallback},
	} {
		if got := regexProblem("p", c.pattern, fallback); !reflect.DeepEqual(got, c.want) {
			t.Errorf("regexProblem(%q) = %+v, want %+v", c.pattern, got, c.want)
		}
	}
	// Every way a pattern fails is said in both languages.
	for _, lang := range []string{"zh-CN", "en"} {
		b, err := os.ReadFile("../web/locales/formedit." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]string
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		for _, name := range regexCodes {
			if keys["formedit.regex."+name] == "" {
				t.Errorf("%s lacks formedit.regex.%s", lang, name)
			}
		}
	}
}

func TestStepTargetsAndLandings(t *testing.T) {
	t.Parallel()
	anchor := func(k int) string { return fieldAnchor(k) }
	for _, c := range []struct {
		i, n             int
		up, down, remove string
	}{
		{18, 30, "fe-field-18", "fe-field-20", "fe-field-19"},
		{0, 3, "fe-field-1", "fe-field-2", "fe-field-1"},
		{2, 3, "fe-field-2", "fe-field-3", "fe-field-2"},
		{0, 1, "fe-field-1", "fe-field-1", "fe-fields"},
	} {
		up, down, remove := rowTargets(c.i, c.n, anchor, "fe-fields")
		if up != c.up || down != c.down || remove != c.remove {
			t.Errorf("rowTargets(%d, %d) = %s %s %s", c.i, c.n, up, down, remove)
		}
	}
	if a := fieldAnchor(2, 0); a != "fe-field-3-col-1" {
		t.Errorf("column anchor = %s", a)
	}
	d := formDraft{Fields: make([]fieldDraft, 4)}
	for op, want := range map[string]int{"add": 4, "up:2": 1, "up:0": 0, "down:3": 3, "down:1": 2, "remove:1": -1, "add_column:2": 2, "up:2.1": 2} {
		if got := opLanding(d, op); got != want {
			t.Errorf("opLanding(%s) = %d, want %d", op, got, want)
		}
	}
	moved := moveField(formDraft{Fields: []fieldDraft{{Key: "a"}, {Key: "b"}, {Key: "c"}, {Key: "d"}}}, 3, 0)
	if keys := []string{moved.Fields[0].Key, moved.Fields[1].Key, moved.Fields[3].Key}; !reflect.DeepEqual(keys, []string{"d", "a", "c"}) {
		t.Errorf("moveField = %v", keys)
	}
}
