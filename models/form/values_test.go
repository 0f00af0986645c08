package form

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestFromForm(t *testing.T) {
	t.Parallel()
	birth := loadSchema(t, "birth_registration")
	food := loadSchema(t, "food_licence")
	tests := []struct {
		name   string
		schema *Schema
		post   url.Values
		want   Values
	}{
		{"text trimmed, blanks left out, ID upper-cased", birth, url.Values{
			"form.child_name": {"  王小明 "}, "form.notes": {"   "}, "form.mother_id": {"11010519491231002x"},
			"csrf": {"token"}},
			Values{"child_name": "王小明", "mother_id": "11010519491231002X", "father_known": "false"}},
		{"checkbox present is true", birth, url.Values{"form.father_known": {"on"}},
			Values{"father_known": "true"}},
		{"multiselect repeats its key", food, url.Values{"form.business_items": {"hot", "", "cold"}},
			Values{"business_items": []string{"hot", "cold"}, "online": "false", "declaration": "false"}},
		{"a hidden checkbox not posted stays absent", food, url.Values{"form.online": {"on"}},
			Values{"online": "true", "declaration": "false"}},
		{"table cells by row, blank rows dropped, rows ordered", birth, url.Values{
			"form.members.2.name": {"乙"}, "form.members.2.relation": {"sibling"},
			"form.members.0.name": {"甲"}, "form.members.0.lives_here": {"on"},
			"form.members.1.name": {" "}, "form.members.1.relation": {""}},
			Values{"members": []map[string]string{{"name": "甲", "lives_here": "true"}, {"name": "乙", "relation": "sibling"}},
				"father_known": "false"}},
		{"unknown names kept for Validate", birth, url.Values{"form.colour": {"red"}, "form.members.0.age": {"3"},
			"form.members.x.name": {"甲"}},
			Values{"colour": "red", "members.0.age": "3", "members.x.name": "甲", "father_known": "false"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := FromForm(tc.schema, tc.post); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("FromForm = %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestFromJSON(t *testing.T) {
	t.Parallel()
	hygiene := loadSchema(t, "public_hygiene")
	birth := loadSchema(t, "birth_registration")
	tests := []struct {
		name   string
		schema *Schema
		raw    string
		want   Values
	}{
		{"absent form", hygiene, ``, Values{}},
		{"null form", hygiene, `null`, Values{}},
		{"numbers become decimal text", hygiene, `{"area": 1.50e2, "investment": 12.50, "staff": -0}`,
			Values{"area": "150", "investment": "12.5", "staff": "0"}},
		{"tiny and large exponents", hygiene, `{"area": 25e-3, "staff": 1E3}`, Values{"area": "0.025", "staff": "1000"}},
		{"an absurd exponent is not a number we take", hygiene, `{"area": 1e999}`,
			Values{"area": Mistyped{Path: "area", Want: "number"}}},
		{"strings kept as sent", hygiene, `{"unit_name": " 清泉 "}`, Values{"unit_name": " 清泉 "}},
		{"wrong types become Mistyped", hygiene, `{"area": "800", "unit_name": 5, "place_type": null}`,
			Values{"area": Mistyped{Path: "area", Want: "number"}, "unit_name": Mistyped{Path: "unit_name", Want: "string"},
				"place_type": Mistyped{Path: "place_type", Want: "string"}}},
		{"checkbox and table", birth, `{"father_known": true, "members": [{"name": "甲", "lives_here": false}]}`,
			Values{"father_known": "true", "members": []map[string]string{{"name": "甲", "lives_here": "false"}}}},
		{"a mistyped cell names the cell", birth, `{"members": [{"name": "甲"}, {"name": 3}]}`,
			Values{"members": Mistyped{Path: "members.1.name", Want: "string"}}},
		{"unknown keys kept", birth, `{"colour": "red"}`, Values{"colour": "red"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromJSON(tc.schema, json.RawMessage(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("FromJSON = %#v\nwant %#v", got, tc.want)
			}
		})
	}
	for _, raw := range []string{`[1]`, `"text"`, `{"a":`} {
		if _, err := FromJSON(hygiene, json.RawMessage(raw)); err == nil {
			t.Errorf("FromJSON(%s) took it", raw)
		}
	}
	if _, err := FromJSON(hygiene, json.RawMessage(`[]`)); !errors.Is(err, ErrNotObject) {
		t.Errorf("an array form: %v, want ErrNotObject", err)
	}
}

// TestPagePathRefusals posts each refusal issue 15 names through FromForm, the page path.
func TestPagePathRefusals(t *testing.T) {
	t.Parallel()
	dicts := loadDicts(t)
	c, err := Compile(loadSchema(t, "birth_registration"), dicts)
	if err != nil {
		t.Fatal(err)
	}
	base := url.Values{
		"form.child_name": {"王小明"}, "form.child_sex": {"male"}, "form.birth_date": {"2026-01-15"},
		"form.birth_place": {"集宁区妇幼保健院"}, "form.birth_cert_no": {"R150123456"}, "form.ethnicity": {"han"},
		"form.mother_name": {"李四"}, "form.mother_id": {"150902198803202222"}, "form.household": {"mother"},
		"form.household_address": {"集宁区新华街18号"}, "form.applicant_phone": {"13904741234"},
	}
	rows := url.Values{}
	for i := range 7 {
		rows.Set("form.members."+string(rune('0'+i))+".name", "甲")
		rows.Set("form.members."+string(rune('0'+i))+".relation", "sibling")
	}
	tests := []struct {
		name string
		set  url.Values
		drop string
		key  string
		rule string
	}{
		{"accepted", nil, "", "", ""},
		{"missing required", nil, "form.child_name", "form.child_name", RuleRequired},
		{"wrong pattern", url.Values{"form.birth_cert_no": {"R15"}}, "", "form.birth_cert_no", RulePattern},
		{"option not offered", url.Values{"form.ethnicity": {"martian"}}, "", "form.ethnicity", RuleOption},
		{"hidden field sent", url.Values{"form.father_name": {"王五"}}, "", "form.father_name", RuleHidden},
		{"too many rows", rows, "", "form.members", RuleTooMany},
		{"oversize text", url.Values{"form.notes": {strings.Repeat("注", 501)}}, "", "form.notes", RuleTooLong},
		{"table cell", url.Values{"form.members.0.name": {"甲"}}, "", "form.members.0.relation", RuleRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			post := url.Values{}
			for k, v := range base {
				post[k] = v
			}
			for k, v := range tc.set {
				post[k] = v
			}
			delete(post, tc.drop)
			issues := c.Validate(FromForm(c.Schema, post), testNow)
			if tc.key == "" {
				if len(issues) > 0 {
					t.Fatalf("refused: %v", issues)
				}
				return
			}
			if len(issues) != 1 || issues[tc.key].Rule != tc.rule {
				t.Errorf("issues %v, want only %s %s", issues, tc.key, tc.rule)
			}
		})
	}
}

func TestVisibleFollowsChains(t *testing.T) {
	t.Parallel()
	s := loadSchema(t, "food_licence")
	tests := []struct {
		v    Values
		want map[string]bool
	}{
		{Values{}, map[string]bool{"website": false, "platform": false, "platform_name": false, "cold_room_area": false}},
		{Values{"online": "true"}, map[string]bool{"website": true, "platform": true, "platform_name": false}},
		{Values{"online": "true", "platform": "third_party"}, map[string]bool{"platform_name": true}},
		{Values{"online": "false", "platform": "third_party"}, map[string]bool{"platform_name": false}},
		{Values{"business_items": []string{"hot", "cold"}}, map[string]bool{"cold_room_area": true}},
	}
	for _, tc := range tests {
		vis := Visible(s, tc.v)
		for k, want := range tc.want {
			if vis[k] != want {
				t.Errorf("Visible(%v)[%s] = %v, want %v", tc.v, k, vis[k], want)
			}
		}
		if !vis["operator_name"] {
			t.Errorf("an unconditional field is hidden")
		}
	}
}
