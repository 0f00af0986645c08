package handlers

import (
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"onewindow/models/form"
)

// draftValues posts a working copy the way the editor page names its inputs.
func draftValues(d formDraft) url.Values {
	v := url.Values{draftVersionInput: {strconv.Itoa(d.Version)}, draftFieldsInput: {strconv.Itoa(len(d.Fields))}}
	put := func(p string, f fieldDraft) {
		for name, val := range map[string]string{"key": f.Key, "label_zh": f.LabelZh, "label_en": f.LabelEn, "type": f.Type,
			"options": f.Options, "dictionary": f.Dictionary, "pattern": f.Pattern, "min": f.Min, "max": f.Max,
			"help_zh": f.HelpZh, "help_en": f.HelpEn, "if_field": f.IfField, "if_equals": f.IfEquals,
			"prefill": f.Prefill, "max_rows": f.MaxRows} {
			v.Set(p+name, val)
		}
		if f.Required {
			v.Set(p+"required", "1")
		}
	}
	for i, f := range d.Fields {
		put(draftPrefix(i), f)
		v.Set(draftPrefix(i)+"columns", strconv.Itoa(len(f.Columns)))
		for j, c := range f.Columns {
			put(draftPrefix(i, j), c)
		}
	}
	return v
}

func editorSample() *form.Schema {
	lo, hi := 1.0, 99.5
	return &form.Schema{Version: 1, Fields: []form.Field{
		{Key: "name", Type: form.TypeText, Required: true, Label: form.Text{Zh: "姓名", En: "Name"}, Max: &hi, Prefill: "name",
			Help: form.Text{Zh: "与证件一致", En: "As on the ID"}, Pattern: `[^0-9]+`},
		{Key: "kind", Type: form.TypeSelect, Label: form.Text{Zh: "类型"}, Options: []form.Option{
			{Value: "a", Label: form.Text{Zh: "甲", En: "A"}}, {Value: "b", Label: form.Text{Zh: "乙"}}}},
		{Key: "nation", Type: form.TypeSelect, Label: form.Text{Zh: "民族"}, Dictionary: "民族",
			VisibleIf: &form.Condition{Field: "kind", Equals: "a"}},
		{Key: "people", Type: form.TypeTable, Label: form.Text{Zh: "成员"}, Min: &lo, MaxRows: 5, Columns: []form.Field{
			{Key: "who", Type: form.TypeText, Label: form.Text{Zh: "姓名"}, Required: true},
			{Key: "rel", Type: form.TypeSelect, Label: form.Text{Zh: "关系"}, Dictionary: "与申请人关系"},
		}},
	}}
}

func TestDraftRoundTripsASchemaThroughThePostedInputs(t *testing.T) {
	t.Parallel()
	want := editorSample()
	got, probs := readDraft(draftValues(draftOf(want))).schema()
	if len(probs) != 0 {
		t.Fatalf("problems: %+v", probs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", got, want)
	}
}

func TestDraftKeepsWhatIsNotANumberAsAProblem(t *testing.T) {
	t.Parallel()
	d := draftOf(editorSample())
	d.Fields[0].Max = "五十"
	d.Fields[3].MaxRows = "2.5"
	v := draftValues(d)
	back := readDraft(v)
	if back.Fields[0].Max != "五十" {
		t.Errorf("the typed bound was lost: %q", back.Fields[0].Max)
	}
	s, probs := back.schema()
	want := []editProblem{
		{Path: "fields[0].max", Key: "formedit.err.not_number", Args: []any{"五十"}},
		{Path: "fields[3].max_rows", Key: "formedit.err.not_whole", Args: []any{"2.5"}},
	}
	if !reflect.DeepEqual(probs, want) {
		t.Errorf("problems = %+v", probs)
	}
	if s.Fields[0].Max != nil || s.Fields[3].MaxRows != 0 {
		t.Error("a bad bound reached the schema")
	}
	// A crafted count reads no more than the bound and no negative rows.
	v.Set(draftFieldsInput, "100000000")
	if n := len(readDraft(v).Fields); n != maxDraftRows {
		t.Errorf("read %d fields", n)
	}
	v.Set(draftFieldsInput, "-3")
	if n := len(readDraft(v).Fields); n != 0 {
		t.Errorf("read %d fields from a negative count", n)
	}
}

func TestParseOptionLines(t *testing.T) {
	t.Parallel()
	got := parseOptionLines("m=男|Male\r\n\n  f = 女 \n其他\n=无值|None")
	want := []form.Option{
		{Value: "m", Label: form.Text{Zh: "男", En: "Male"}},
		{Value: "f", Label: form.Text{Zh: "女"}},
		{Value: "其他", Label: form.Text{Zh: "其他"}},
		{Value: "", Label: form.Text{Zh: "无值", En: "None"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options = %+v", got)
	}
}

func keysOf(d formDraft) []string {
	var out []string
	for _, f := range d.Fields {
		out = append(out, f.Key)
	}
	return out
}

func TestApplyOpMovesAddsAndRemoves(t *testing.T) {
	t.Parallel()
	d := draftOf(editorSample())
	cases := []struct {
		op   string
		keys []string
	}{
		{"up:1", []string{"kind", "name", "nation", "people"}},
		{"up:0", []string{"name", "kind", "nation", "people"}},
		{"down:0", []string{"kind", "name", "nation", "people"}},
		{"down:3", []string{"name", "kind", "nation", "people"}},
		{"remove:2", []string{"name", "kind", "people"}},
		{"add", []string{"name", "kind", "nation", "people", ""}},
	}
	for _, tc := range cases {
		got, ok := applyOp(d, tc.op)
		if !ok || !reflect.DeepEqual(keysOf(got), tc.keys) {
			t.Errorf("%s: ok %v, keys %v", tc.op, ok, keysOf(got))
		}
	}
	if !reflect.DeepEqual(keysOf(d), []string{"name", "kind", "nation", "people"}) {
		t.Errorf("an operation changed the draft it was given: %v", keysOf(d))
	}
	added, _ := applyOp(d, "add")
	if f := added.Fields[4]; f.Type != "text" || f.Key != "" {
		t.Errorf("added field = %+v", f)
	}
	cols := func(d formDraft) []string {
		var out []string
		for _, c := range d.Fields[3].Columns {
			out = append(out, c.Key)
		}
		return out
	}
	for op, want := range map[string][]string{
		"up:3.1": {"rel", "who"}, "down:3.0": {"rel", "who"}, "remove:3.0": {"rel"}, "add_column:3": {"who", "rel", ""},
	} {
		got, ok := applyOp(d, op)
		if !ok || !reflect.DeepEqual(cols(got), want) {
			t.Errorf("%s: ok %v, columns %v", op, ok, cols(got))
		}
	}
	if !reflect.DeepEqual(cols(d), []string{"who", "rel"}) {
		t.Errorf("a column operation changed the draft it was given: %v", cols(d))
	}
	for _, bad := range []string{"up:9", "down:-1", "remove:x", "up:3.7", "add_column:3.1", "sideways:1", "add:1", "up:", ""} {
		if _, ok := applyOp(d, bad); ok {
			t.Errorf("%q was applied", bad)
		}
	}
}

// TestEveryCheckMessageIsTranslated feeds forms with every kind of problem through Check
// and the editor's rules: none may fall back to the English message, and every rule must
// be used, so that a changed message in Check fails here rather than on a page.
func TestEveryCheckMessageIsTranslated(t *testing.T) {
	t.Parallel()
	n := func(f float64) *float64 { return &f }
	bad := &form.Schema{Version: 1, Fields: []form.Field{
		{Key: "", Type: form.TypeText, Label: form.Text{Zh: "无标识"}},
		{Key: "Bad-Key", Type: "colour", Label: form.Text{Zh: " "}},
		{Key: "a", Type: form.TypeText, Label: form.Text{Zh: "甲"}, Options: []form.Option{{Value: "x", Label: form.Text{Zh: "X"}}},
			Pattern: "([", Min: n(300), Prefill: "shoe_size", Columns: []form.Field{{Key: "c", Type: form.TypeText, Label: form.Text{Zh: "列"}}}},
		{Key: "a", Type: form.TypeSelect, Label: form.Text{Zh: "重复"}, Dictionary: "无此字典", Options: []form.Option{
			{Value: "", Label: form.Text{Zh: "空"}}, {Value: "y", Label: form.Text{Zh: ""}}, {Value: "y", Label: form.Text{Zh: "Y"}}}},
		{Key: "b", Type: form.TypeMultiselect, Label: form.Text{Zh: "乙"}},
		{Key: "b2", Type: form.TypeMultiselect, Label: form.Text{Zh: "乙二"}, Dictionary: "无此字典"},
		{Key: "c", Type: form.TypeDate, Label: form.Text{Zh: "丙"}, Min: n(1), Pattern: "x"},
		{Key: "d", Type: form.TypeNumber, Label: form.Text{Zh: "丁"}, Min: n(5), Max: n(1)},
		{Key: "e", Type: form.TypeText, Label: form.Text{Zh: "戊"}, Max: n(2.5)},
		{Key: "t", Type: form.TypeTable, Label: form.Text{Zh: "表"}},
		{Key: "u", Type: form.TypeTable, Label: form.Text{Zh: "表二"}, MaxRows: 2, Columns: []form.Field{
			{Key: "x", Type: form.TypeTable, Label: form.Text{Zh: "嵌套"}, MaxRows: 1, Columns: []form.Field{{Key: "y", Type: form.TypeText, Label: form.Text{Zh: "y"}}}},
			{Key: "z", Type: form.TypeMultiselect, Label: form.Text{Zh: "多选"}, Options: []form.Option{{Value: "1", Label: form.Text{Zh: "一"}}},
				VisibleIf: &form.Condition{Field: "x", Equals: "1"}, Prefill: "name"}}},
		{Key: "f", Type: form.TypeText, Label: form.Text{Zh: "己"}, VisibleIf: &form.Condition{Field: ""}},
		{Key: "g", Type: form.TypeText, Label: form.Text{Zh: "庚"}, VisibleIf: &form.Condition{Field: "later"}},
		{Key: "h", Type: form.TypeText, Label: form.Text{Zh: "辛"}, VisibleIf: &form.Condition{Field: "u"}},
		{Key: "box", Type: form.TypeCheckbox, Label: form.Text{Zh: "勾"}},
		{Key: "i", Type: form.TypeText, Label: form.Text{Zh: "壬"}, VisibleIf: &form.Condition{Field: "box", Equals: "yes"}},
		{Key: "sel", Type: form.TypeSelect, Label: form.Text{Zh: "选"}, Options: []form.Option{{Value: "1", Label: form.Text{Zh: "一"}}}},
		{Key: "j", Type: form.TypeText, Label: form.Text{Zh: "癸"}, VisibleIf: &form.Condition{Field: "sel", Equals: "2"}},
	}}
	for len(bad.Fields) <= form.MaxFields {
		bad.Fields = append(bad.Fields, form.Field{Key: "k" + strconv.Itoa(len(bad.Fields)), Type: form.TypeText, Label: form.Text{Zh: "填充"}})
	}
	used := map[string]bool{}
	for _, p := range form.Check(bad, form.Dicts{}) {
		ep := checkProblem(p)
		if ep.Key == "formedit.err.other" {
			t.Errorf("untranslated: %s", p)
		}
		used[ep.Key] = true
	}
	for _, r := range checkRules {
		if !used[r.key] {
			t.Errorf("rule %s (%s) was not used; does Check still say it?", r.key, r.re)
		}
	}
}

func TestCheckProblemArgumentsAndPlaces(t *testing.T) {
	t.Parallel()
	got := checkProblem(form.Problem{Path: "fields[4].key", Message: `"phone" is already the key of field 2`})
	if !reflect.DeepEqual(got, editProblem{Path: "fields[4].key", Key: "formedit.err.key_duplicate", Args: []any{"phone", 3}}) {
		t.Errorf("duplicate = %+v", got)
	}
	got = checkProblem(form.Problem{Path: "fields[1].columns[2].options[0].value", Message: `"y" is offered twice`})
	if got.Key != "formedit.err.option_twice" || !reflect.DeepEqual(got.Args, []any{1, "y"}) {
		t.Errorf("option = %+v", got)
	}
	for path, want := range map[string]problemPlace{
		"fields[3].key":                         {3, -1, -1, "key"},
		"fields[3].columns[1].type":             {3, 1, -1, "type"},
		"fields[2].options[4].label.zh":         {2, -1, 4, "label.zh"},
		"fields[0].visible_if.equals":           {0, -1, -1, "visible_if.equals"},
		"fields[7]":                             {7, -1, -1, ""},
		"fields[1].columns[0].options[1].value": {1, 0, 1, "value"},
	} {
		if p, ok := problemAt(path); !ok || p != want {
			t.Errorf("%s at %+v", path, p)
		}
	}
	if _, ok := problemAt("fields"); ok {
		t.Error("fields placed at a field")
	}
	slots := map[string]string{"fields[0].visible_if.field": "visible_if", "fields[0].options[1].value": "options",
		"fields[0].label.zh": "label_zh", "fields[0]": "field", "fields[0].max_rows": "max_rows"}
	for path, want := range slots {
		if p, _ := problemAt(path); p.slot() != want {
			t.Errorf("%s shown at %s, want %s", path, p.slot(), want)
		}
	}
}
