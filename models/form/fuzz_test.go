package form

import (
	"encoding/json"
	"net/url"
	"testing"
)

// FuzzValidate feeds random API answers and posted forms to every realistic schema:
// reading and validating never panic, and an answer the server accepts has no unknown keys.
func FuzzValidate(f *testing.F) {
	dicts := loadDicts(f)
	var compiled []*Compiled
	for _, name := range corpusNames {
		c, err := Compile(loadSchema(f, name), dicts)
		if err != nil {
			f.Fatal(err)
		}
		compiled = append(compiled, c)
	}
	f.Add([]byte(`{"members":[{"name":"甲","relation":"sibling"}],"father_known":true}`), "form.members.0.name=x&form.online=on")
	f.Add([]byte(`{"area":1e308,"investment":-0.001,"business_items":["hot",null]}`), "form.business_items=hot&form.business_items=cold")
	f.Add([]byte(`{"members":[[]],"website":{},"cold_room_area":"5"}`), "form.members.99999.name=a&form.=&form..=")
	f.Fuzz(func(t *testing.T, raw []byte, query string) {
		post, _ := url.ParseQuery(query)
		for _, c := range compiled {
			if v, err := FromJSON(c.Schema, json.RawMessage(raw)); err == nil {
				checkAccepted(t, c, v)
			}
			checkAccepted(t, c, FromForm(c.Schema, post))
		}
	})
}

// checkAccepted validates and checks that accepted answers only hold the schema's keys.
func checkAccepted(t *testing.T, c *Compiled, v Values) {
	issues := c.Validate(v, testNow)
	if len(issues) > 0 {
		return
	}
	for k := range v {
		if c.Schema.Field(k) == nil {
			t.Fatalf("accepted unknown key %q", k)
		}
	}
}

// TestValidateOddGoValues hands Validate values no reader produces.
func TestValidateOddGoValues(t *testing.T) {
	t.Parallel()
	c, err := Compile(loadSchema(t, "birth_registration"), loadDicts(t))
	if err != nil {
		t.Fatal(err)
	}
	odd := []any{nil, 3, 1.5, true, []any{"a"}, map[string]any{}, []map[string]string{{"x": "y"}}, []string{"a"},
		Mistyped{Path: "child_name", Want: "string"}, struct{}{}}
	for _, x := range odd {
		for _, f := range c.Schema.Fields {
			v := Values{f.Key: x}
			if is := c.Validate(v, testNow); len(is) == 0 && x != nil {
				t.Errorf("%s = %#v accepted", f.Key, x)
			}
		}
	}
}
