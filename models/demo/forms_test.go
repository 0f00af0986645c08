package demo

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"onewindow/models"
	"onewindow/models/demo/forms"
	"onewindow/models/form"
)

// tidyForms rewrites the form files in their tidy layout: go test ./models/demo -run TestFormFilesTidy -tidy
var tidyForms = flag.Bool("tidy", false, "rewrite models/demo/forms/*.json tidily")

// formsNow is the day the example answers are checked on (birth dates in identity numbers).
var formsNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// minRealForms is how many items have a real form at least.
const minRealForms = 30

// richTypes are the field types a real form uses at least one of beyond plain text.
var richTypes = []form.Type{form.TypeSelect, form.TypeMultiselect, form.TypeNumber, form.TypeDate, form.TypeTable}

func loadForms(t *testing.T) (map[string]form.Schema, form.Dicts) {
	t.Helper()
	fs, dicts, err := Forms()
	if err != nil {
		t.Fatal(err)
	}
	return fs, dicts
}

// TestRealFormsAreApplicable checks that each real form is the form of a retained item that
// takes applications, passes the schema checks, asks at least six questions and more than
// plain text.
func TestRealFormsAreApplicable(t *testing.T) {
	fs, dicts := loadForms(t)
	if len(fs) < minRealForms {
		t.Fatalf("%d real forms; want at least %d", len(fs), minRealForms)
	}
	_, _, items := Catalogue()
	byName := map[string][]models.Item{}
	for _, it := range items {
		byName[it.Name] = append(byName[it.Name], it)
	}
	for name, s := range fs {
		its := byName[name]
		if len(its) != 1 {
			t.Errorf("%s: %d demo items have this name; want exactly one", name, len(its))
			continue
		}
		if it := its[0]; it.Disposition != models.DispositionRetained || !it.OnApplication {
			t.Errorf("%s: disposition %s, on application %v; want a retained item taking applications", name, it.Disposition, it.OnApplication)
		}
		if p := form.Check(&s, dicts); len(p) > 0 {
			t.Errorf("%s: schema problems: %v", name, p)
		}
		if len(s.Fields) < 6 {
			t.Errorf("%s: %d fields; want at least 6", name, len(s.Fields))
		}
		if !slices.ContainsFunc(s.Fields, func(f form.Field) bool { return slices.Contains(richTypes, f.Type) }) {
			t.Errorf("%s: no select, multiselect, number, date or table field", name)
		}
	}
}

// TestDictionaries checks the dictionaries the brief names exist with their full lists.
func TestDictionaries(t *testing.T) {
	_, dicts := loadForms(t)
	sizes := map[string]int{"民族": 56, "公共场所类型": 28, "行业门类": 20}
	for _, name := range []string{"主体业态", "经营项目", "民族", "学历", "性别", "与申请人关系", "证件类型", "公共场所类型", "行业门类", "婚姻状况", "政治面貌"} {
		opts, ok := dicts[name]
		switch {
		case !ok:
			t.Errorf("dictionary %s is missing", name)
		case sizes[name] > 0 && len(opts) != sizes[name]:
			t.Errorf("dictionary %s has %d options; want %d", name, len(opts), sizes[name])
		}
		labels := map[string]bool{}
		for _, o := range opts {
			if o.Label.En == "" || labels[o.Label.Zh] {
				t.Errorf("dictionary %s: option %q lacks an English label or repeats its label", name, o.Value)
			}
			labels[o.Label.Zh] = true
		}
	}
	s := form.Schema{Version: 1}
	for name := range dicts {
		s.Fields = append(s.Fields, form.Field{Key: "f" + string(rune('a'+len(s.Fields))), Label: form.Text{Zh: name}, Type: form.TypeSelect, Dictionary: name})
	}
	if p := form.Check(&s, dicts); len(p) > 0 {
		t.Errorf("dictionaries refused: %v", p)
	}
}

// TestFormExamples checks every form's example answer is accepted, and that answers spoilt
// one field at a time are refused under that field's key and no other.
func TestFormExamples(t *testing.T) {
	files, err := forms.Files()
	if err != nil {
		t.Fatal(err)
	}
	_, dicts := loadForms(t)
	for file, f := range files {
		c, err := form.Compile(&f.Form, dicts)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		v, err := form.FromJSON(&f.Form, f.Example)
		if err != nil {
			t.Fatalf("%s: example: %v", file, err)
		}
		if is := c.Validate(v, formsNow); len(is) > 0 {
			t.Errorf("%s: the example is refused: %v", file, is.Messages())
			continue
		}
		exportedAccepts(t, file, c, f.Example)
		for _, sp := range spoil(&f.Form, v, dicts) {
			got := c.Validate(sp.values, formsNow)
			if len(got) != 1 || got[sp.key].Rule != sp.rule {
				t.Errorf("%s: %s: issues %v; want only %s (%s)", file, sp.what, got, sp.key, sp.rule)
			}
		}
	}
}

// exportedAccepts checks the form's exported JSON Schema compiles and accepts the example.
func exportedAccepts(t *testing.T, file string, c *form.Compiled, example json.RawMessage) {
	t.Helper()
	doc, err := c.JSONSchema()
	if err != nil {
		t.Fatalf("%s: export: %v", file, err)
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	jc := jsonschema.NewCompiler()
	jc.AssertFormat()
	if err := jc.AddResource("form.json", parsed); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	sch, err := jc.Compile("form.json")
	if err != nil {
		t.Fatalf("%s: the exported schema does not compile: %v", file, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(example))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s: the exported schema refuses the example: %v", file, err)
	}
}

// spoilt is an answer with one thing wrong and the issue it must get.
type spoilt struct {
	what   string
	values form.Values
	key    string
	rule   string
}

// spoil derives refused answers from an accepted one: each required field asked left out,
// each choice given a value not offered, each visible table overfilled, each text made too
// long, each hidden field answered, and an unknown key.
func spoil(s *form.Schema, ok form.Values, dicts form.Dicts) []spoilt {
	vis := form.Visible(s, ok)
	with := func(key string, x any) form.Values {
		v := make(form.Values, len(ok)+1)
		for k, y := range ok {
			v[k] = y
		}
		if x == nil {
			delete(v, key)
		} else {
			v[key] = x
		}
		return v
	}
	out := []spoilt{{"an unknown key", with("no_such_field", "x"), "form.no_such_field", form.RuleUnknown}}
	for _, f := range s.Fields {
		key := form.PostPrefix + f.Key
		if !vis[f.Key] {
			if f.Type == form.TypeText || f.Type == form.TypeTextarea || f.Type == form.TypeAddress {
				out = append(out, spoilt{"hidden " + f.Key + " answered", with(f.Key, "答"), key, form.RuleHidden})
			}
			continue
		}
		if f.Required && f.Type != form.TypeCheckbox && !isCondition(s, f.Key) {
			out = append(out, spoilt{f.Key + " left out", with(f.Key, nil), key, form.RuleRequired})
		}
		switch f.Type {
		case form.TypeSelect:
			if !isCondition(s, f.Key) {
				out = append(out, spoilt{f.Key + " not offered", with(f.Key, "not_offered"), key, form.RuleOption})
			}
		case form.TypeMultiselect:
			if isCondition(s, f.Key) {
				continue
			}
			out = append(out, spoilt{f.Key + " not offered", with(f.Key, []string{"not_offered"}), key, form.RuleOption})
		case form.TypeText, form.TypeTextarea, form.TypeAddress:
			out = append(out, spoilt{f.Key + " too long", with(f.Key, strings.Repeat("长", form.MaxTextarea+1)), key, form.RuleTooLong})
		case form.TypeTable:
			rows := make([]map[string]string, f.MaxRows+1)
			out = append(out, spoilt{f.Key + " too many rows", with(f.Key, rows), key, form.RuleTooMany})
		case form.TypePhone, form.TypeIDNumber, form.TypeDate:
			out = append(out, spoilt{f.Key + " malformed", with(f.Key, "12345"), key, form.RuleFormat})
		}
	}
	return out
}

// isCondition reports whether another field's visible_if refers to the field, so changing
// it changes what else is asked.
func isCondition(s *form.Schema, key string) bool {
	return slices.ContainsFunc(s.Fields, func(f form.Field) bool { return f.VisibleIf != nil && f.VisibleIf.Field == key })
}

// TestDefaultForms checks the default form of every other retained item taking applications:
// it passes the checks, asks for a person's or an organisation's particulars as the item's
// service objects say, prefilled, and accepts a plain answer.
func TestDefaultForms(t *testing.T) {
	real, dicts := loadForms(t)
	_, _, items := Catalogue()
	n := 0
	for _, it := range items {
		if it.Disposition != models.DispositionRetained || !it.OnApplication {
			continue
		}
		if _, ok := real[it.Name]; ok {
			continue
		}
		n++
		s := DefaultForm(it)
		if p := form.Check(&s, dicts); len(p) > 0 {
			t.Fatalf("%s: default form problems: %v", it.Name, p)
		}
		person, org := slices.Contains(it.ServiceObjects, "person"), slices.ContainsFunc(it.ServiceObjects, func(o string) bool { return o != "person" })
		if (s.Field("id_number") != nil) != person || (s.Field("credit_code") != nil) != org || (s.Field("applicant_type") != nil) != (person && org) {
			t.Fatalf("%s (%v): fields %v do not fit the service objects", it.Name, it.ServiceObjects, keys(s))
		}
		v := form.Values{"phone": "13904741234", "address": "集宁区新华街18号", "request": "申请办理" + it.Name, "delivery": "window", "declaration": "true"}
		if person {
			v["name"], v["id_number"] = "张三", "150902198506121231"
		} else {
			v["org_name"], v["credit_code"], v["legal_rep"] = "集宁区好味道餐饮有限公司", "91150902MA0N3K7T1C", "张三"
		}
		if person && org {
			v["applicant_type"] = "person"
		}
		if is := form.Validate(&s, v, dicts, formsNow); len(is) > 0 {
			t.Fatalf("%s: a plain answer is refused: %v", it.Name, is.Messages())
		}
		delete(v, "request")
		if is := form.Validate(&s, v, dicts, formsNow); len(is) != 1 || is["form.request"].Rule != form.RuleRequired {
			t.Fatalf("%s: without what is applied for: %v; want form.request required", it.Name, is.Messages())
		}
	}
	if n < 500 {
		t.Errorf("%d items got the default form; the demo has more", n)
	}
	if s := DefaultForm(models.Item{Name: "某事项"}); s.Field("applicant_type") == nil {
		t.Error("an item naming no service objects: want a choice of person or organisation")
	}
}

func keys(s form.Schema) []string {
	var out []string
	for _, f := range s.Fields {
		out = append(out, f.Key)
	}
	return out
}

// TestFormFilesTidy checks each JSON file is laid out as forms.Tidy writes it (two-space
// indent, members in the schema's order) and every field has an English label.
func TestFormFilesTidy(t *testing.T) {
	paths, err := filepath.Glob("forms/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no form files: %v", err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := forms.ParseFile(b)
		v := any(f)
		for _, fld := range f.Form.Fields {
			if fld.Label.En == "" {
				t.Errorf("%s: field %s has no English label", p, fld.Key)
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		want, err := forms.Tidy(v)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(b, want) {
			continue
		}
		if *tidyForms {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not tidy; run go test ./models/demo -run TestFormFilesTidy -tidy", p)
	}
}
