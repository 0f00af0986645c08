package form

import (
	"fmt"
	"strings"
	"testing"
)

func f64(v float64) *float64 { return &v }

// text is a valid text field with the key.
func textField(key string) Field {
	return Field{Key: key, Label: Text{Zh: "名称"}, Type: TypeText}
}

func TestCheckAcceptsTheRealisticForms(t *testing.T) {
	t.Parallel()
	dicts := loadDicts(t)
	for _, name := range corpusNames {
		if p := Check(loadSchema(t, name), dicts); len(p) > 0 {
			t.Errorf("%s: %v", name, p)
		}
	}
}

func TestCheckRefusesBadSchemas(t *testing.T) {
	t.Parallel()
	dicts := Dicts{"学历": {{Value: "bachelor", Label: Text{Zh: "大学本科"}}}}
	choice := Field{Key: "kind", Label: Text{Zh: "类型"}, Type: TypeSelect,
		Options: []Option{{Value: "a", Label: Text{Zh: "甲"}}}}
	tick := Field{Key: "tick", Label: Text{Zh: "勾选"}, Type: TypeCheckbox}
	many := make([]Field, MaxFields+1)
	for i := range many {
		many[i] = textField(fmt.Sprintf("f%d", i))
	}
	tests := []struct {
		name   string
		fields []Field
		path   string
		says   string
	}{
		{"duplicate key", []Field{textField("name"), textField("name")}, "fields[1].key", "already"},
		{"bad key", []Field{textField("Name")}, "fields[0].key", "lower-case"},
		{"long key", []Field{textField("a" + strings.Repeat("b", 32))}, "fields[0].key", "lower-case"},
		{"missing key", []Field{textField("")}, "fields[0].key", "missing"},
		{"unknown type", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: "colour"}}, "fields[0].type", "not a known type"},
		{"missing zh label", []Field{{Key: "x", Label: Text{En: "Name"}, Type: TypeText}}, "fields[0].label.zh", "missing"},
		{"select without options", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeSelect}}, "fields[0].options", "needs options"},
		{"options and dictionary", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeSelect, Dictionary: "学历",
			Options: []Option{{Value: "a", Label: Text{Zh: "甲"}}}}}, "fields[0].dictionary", "not both"},
		{"missing dictionary", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeMultiselect, Dictionary: "民族"}}, "fields[0].dictionary", "not an existing dictionary"},
		{"duplicate option", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeSelect,
			Options: []Option{{Value: "a", Label: Text{Zh: "甲"}}, {Value: "a", Label: Text{Zh: "乙"}}}}}, "fields[0].options[1].value", "twice"},
		{"options on text", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText, Options: choice.Options}}, "fields[0].options", "only select"},
		{"condition on a later field", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText,
			VisibleIf: &Condition{Field: "kind", Equals: "a"}}, choice}, "fields[0].visible_if.field", "not an earlier field"},
		{"condition on itself", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText,
			VisibleIf: &Condition{Field: "x", Equals: "a"}}}, "fields[0].visible_if.field", "not an earlier field"},
		{"condition on an option not offered", []Field{choice, {Key: "x", Label: Text{Zh: "x"}, Type: TypeText,
			VisibleIf: &Condition{Field: "kind", Equals: "b"}}}, "fields[1].visible_if.equals", "not an option"},
		{"checkbox condition not a boolean", []Field{tick, {Key: "x", Label: Text{Zh: "x"}, Type: TypeText,
			VisibleIf: &Condition{Field: "tick", Equals: "yes"}}}, "fields[1].visible_if.equals", "true"},
		{"bad pattern", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText, Pattern: "[a-"}}, "fields[0].pattern", "does not compile"},
		{"pattern on a number", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeNumber, Pattern: "[0-9]+"}}, "fields[0].pattern", "only text"},
		{"min over max", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeNumber, Min: f64(5), Max: f64(1)}}, "fields[0].min", "greater than max"},
		{"fractional length", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText, Max: f64(2.5)}}, "fields[0].max", "whole number"},
		{"min on a date", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeDate, Min: f64(1)}}, "fields[0].min", "apply to"},
		{"table without columns", []Field{{Key: "t", Label: Text{Zh: "表"}, Type: TypeTable, MaxRows: 3}}, "fields[0].columns", "at least one column"},
		{"table without max rows", []Field{{Key: "t", Label: Text{Zh: "表"}, Type: TypeTable, Columns: []Field{textField("a")}}}, "fields[0].max_rows", "max_rows"},
		{"duplicate column", []Field{{Key: "t", Label: Text{Zh: "表"}, Type: TypeTable, MaxRows: 2,
			Columns: []Field{textField("a"), textField("a")}}}, "fields[0].columns[1].key", "already"},
		{"nested table", []Field{{Key: "t", Label: Text{Zh: "表"}, Type: TypeTable, MaxRows: 2,
			Columns: []Field{{Key: "u", Label: Text{Zh: "表"}, Type: TypeTable, MaxRows: 1, Columns: []Field{textField("a")}}}}}, "fields[0].columns[0].type", "cannot hold a table"},
		{"columns on text", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText, Columns: []Field{textField("a")}}}, "fields[0].columns", "only a table"},
		{"unknown prefill", []Field{{Key: "x", Label: Text{Zh: "x"}, Type: TypeText, Prefill: "salary"}}, "fields[0].prefill", "not a profile field"},
		{"too many fields", many, "fields", "at most 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			probs := Check(&Schema{Version: 1, Fields: tc.fields}, dicts)
			for _, p := range probs {
				if p.Path == tc.path && strings.Contains(p.Message, tc.says) {
					return
				}
			}
			t.Errorf("problems %v, want %s saying %q", probs, tc.path, tc.says)
		})
	}
}

func TestCompileRefusesASchemaWithProblems(t *testing.T) {
	t.Parallel()
	_, err := Compile(&Schema{Fields: []Field{textField("a"), textField("a")}}, nil)
	if err == nil || !strings.Contains(err.Error(), "fields[1].key") {
		t.Fatalf("err = %v, want the duplicate named", err)
	}
	if is := Validate(&Schema{Fields: []Field{textField("A")}}, Values{}, nil, testNow); is["form"].Rule != RuleSchema {
		t.Errorf("Validate on a bad schema = %v", is)
	}
}

func TestParseAndMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range corpusNames {
		s := loadSchema(t, name)
		b, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := back.Marshal()
		if string(b) != string(b2) {
			t.Errorf("%s: round trip changed the schema", name)
		}
		if !strings.Contains(string(b), `"visible_if"`) && name != "public_hygiene" {
			t.Errorf("%s: snake_case names missing:\n%s", name, b)
		}
	}
	if _, err := Parse([]byte(`{"version":1,"fields":[{"key":"a","lable":{"zh":"x"}}]}`)); err == nil {
		t.Error("a misspelt member parsed")
	}
}
