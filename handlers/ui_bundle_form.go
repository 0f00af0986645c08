package handlers

import (
	"slices"
	"strconv"

	"onewindow/handlers/service"
	"onewindow/models/form"
)

// The merged form of a bundle as the pages render it, without JavaScript:
// every field is shown, a conditional one with the condition it is asked
// under; inputs are named form.<key> (table cells form.<key>.<row>.<col>),
// as form.FromForm reads them.

// bundleField is one field of the merged form on a page.
type bundleField struct {
	Key, Name, Label, Help string
	Type                   form.Type
	Input                  string // the HTML input type of a one-line field
	Required               bool
	Value                  string
	Checked                bool
	Options                []bundleOption
	Columns                []bundleField // a table's columns (labels and types)
	Rows                   [][]bundleCell
	Condition              string // when it is asked, in words; "" when always
	Error                  string
}

type bundleOption struct {
	Value, Label string
	Selected     bool
}

type bundleCell struct {
	Name, Value string
	Input       string
	Options     []bundleOption
}

// tableBlankRows is how many empty rows a table offers beyond its answers.
const tableBlankRows = 2

// inputTypes are the HTML input types of one-line fields.
var inputTypes = map[form.Type]string{form.TypeDate: "date", form.TypePhone: "tel", form.TypeEmail: "email",
	form.TypeNumber: "text", form.TypeMoney: "text"}

// bundleFields builds the page's fields of bf's merged form with the answers
// v and the problems errs (by "form.<key>", as the service names them).
func (s *Server) bundleFields(lang string, bf *service.BundleForm, v form.Values, errs form.Issues) []bundleField {
	schema := &bf.Merged.Schema
	out := make([]bundleField, 0, len(schema.Fields))
	for i := range schema.Fields {
		f := &schema.Fields[i]
		bfd := s.bundleField(lang, bf.Dicts, f, form.PostPrefix+f.Key, v[f.Key])
		text, _ := v[f.Key].(string)
		bfd.Error = s.issueText(lang, f, errs[form.PostPrefix+f.Key], text)
		if f.VisibleIf != nil {
			if ref := schema.Field(f.VisibleIf.Field); ref != nil {
				bfd.Condition = s.site.T(lang, "bundle.form.asked_when", ref.Label.In(lang), optionLabel(lang, bf.Dicts, ref, f.VisibleIf.Equals))
			}
		}
		if f.Type == form.TypeTable {
			rows, _ := v[f.Key].([]map[string]string)
			n := len(rows) + tableBlankRows
			if f.MaxRows > 0 && n > f.MaxRows {
				n = max(f.MaxRows, len(rows))
			}
			for r := range n {
				var cells []bundleCell
				for j := range f.Columns {
					col := &f.Columns[j]
					val := ""
					if r < len(rows) {
						val = rows[r][col.Key]
					}
					name := form.PostPrefix + f.Key + "." + strconv.Itoa(r) + "." + col.Key
					cell := bundleCell{Name: name, Value: val, Input: inputType(col.Type)}
					if col.Type == form.TypeSelect {
						cell.Options = options(lang, bf.Dicts, col, []string{val})
					}
					cells = append(cells, cell)
					if msg := s.issueText(lang, col, errs[name], val); msg != "" && bfd.Error == "" {
						bfd.Error = msg
					}
				}
				bfd.Rows = append(bfd.Rows, cells)
			}
			for j := range f.Columns {
				bfd.Columns = append(bfd.Columns, bundleField{Key: f.Columns[j].Key, Label: f.Columns[j].Label.In(lang),
					Required: f.Columns[j].Required})
			}
		}
		out = append(out, bfd)
	}
	return out
}

func (s *Server) bundleField(lang string, dicts form.Dicts, f *form.Field, name string, x any) bundleField {
	out := bundleField{Key: f.Key, Name: name, Label: f.Label.In(lang), Help: f.Help.In(lang), Type: f.Type,
		Input: inputType(f.Type), Required: f.Required}
	var chosen []string
	switch t := x.(type) {
	case string:
		out.Value, chosen = t, []string{t}
		out.Checked = t == "true"
	case []string:
		chosen = t
	}
	if f.Type == form.TypeSelect || f.Type == form.TypeMultiselect {
		out.Options = options(lang, dicts, f, chosen)
	}
	return out
}

func inputType(t form.Type) string {
	if it, ok := inputTypes[t]; ok {
		return it
	}
	return "text"
}

// bundleFieldOptions are a choice field's options: inline or its dictionary's.
func bundleFieldOptions(dicts form.Dicts, f *form.Field) []form.Option {
	if f.Dictionary != "" {
		return dicts[f.Dictionary]
	}
	return f.Options
}

func options(lang string, dicts form.Dicts, f *form.Field, chosen []string) []bundleOption {
	opts := bundleFieldOptions(dicts, f)
	out := make([]bundleOption, 0, len(opts))
	for _, o := range opts {
		out = append(out, bundleOption{Value: o.Value, Label: o.Label.In(lang), Selected: slices.Contains(chosen, o.Value)})
	}
	return out
}

// optionLabel names a value of a field in words: its option's label, yes
// or no for a checkbox.
func optionLabel(lang string, dicts form.Dicts, f *form.Field, value string) string {
	for _, o := range bundleFieldOptions(dicts, f) {
		if o.Value == value {
			return o.Label.In(lang)
		}
	}
	return value
}

// issueText translates a refused answer of field f with the single-item
// pages' messages ("" for none).
func (s *Server) issueText(lang string, f *form.Field, is form.Issue, value string) string {
	if is.Rule == "" {
		return ""
	}
	return s.issueMessage(lang, f, is, value)
}
