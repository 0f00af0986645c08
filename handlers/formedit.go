package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"onewindow/models/form"
)

// The form editor works without JavaScript: its page is one form that posts the whole working
// copy of the schema as plain inputs, with one button per operation (move a field, remove it,
// add one, preview, save …). Each post reads the working copy back (readDraft), applies the
// operation (applyOp) and renders the page again; nothing is stored until it is saved. These
// functions are pure: posted values in, working copy and problems out.

// Input names of the working copy: "fields" is the number of fields, "f3.key" the key of
// the fourth field, "f3.columns" the number of its table columns and "f3.c1.key" the key of
// its second column; "form_version" is the schema's version number.
const (
	draftFieldsInput  = "fields"
	draftVersionInput = "form_version"
	// maxDraftRows bounds the fields (and the columns of a table) read from a post, far above
	// what form.Check accepts, so that a crafted count costs nothing.
	maxDraftRows = 2 * form.MaxFields
)

// formDraft is the editor's working copy of a form, every input kept as typed so that a
// half-written bound survives a re-render with its error.
type formDraft struct {
	Version int
	Fields  []fieldDraft
}

// fieldDraft is one field (or table column) of the working copy. Options are the textarea's
// lines "value=中文标签|English label"; Min, Max and MaxRows the inputs' text.
type fieldDraft struct {
	Key, LabelZh, LabelEn, Type string
	Required                    bool
	Options, Dictionary         string
	Pattern, Min, Max           string
	HelpZh, HelpEn              string
	IfField, IfEquals, Prefill  string
	MaxRows                     string
	Columns                     []fieldDraft
}

// editProblem is one thing wrong with the working copy, for the page to say in its language:
// Path names the member as form.Check does ("fields[3].key", "fields[3].columns[1].type",
// "fields[2].options[0].value"), or a page input ("reason", "import"); Key is a locale key
// formatted with Args.
type editProblem struct {
	Path string
	Key  string
	Args []any
}

// draftPrefix is the input name prefix of field i ("f3.") or of column j of field i ("f3.c1.").
func draftPrefix(i int, col ...int) string {
	p := "f" + strconv.Itoa(i) + "."
	for _, j := range col {
		p += "c" + strconv.Itoa(j) + "."
	}
	return p
}

// readDraft reads the working copy posted by the editor page.
func readDraft(v url.Values) formDraft {
	d := formDraft{Version: 1}
	if n, err := strconv.Atoi(strings.TrimSpace(v.Get(draftVersionInput))); err == nil {
		d.Version = n
	}
	for i := range draftCount(v.Get(draftFieldsInput)) {
		f := readFieldDraft(v, draftPrefix(i))
		for j := range draftCount(v.Get(draftPrefix(i) + "columns")) {
			f.Columns = append(f.Columns, readFieldDraft(v, draftPrefix(i, j)))
		}
		d.Fields = append(d.Fields, f)
	}
	return d
}

// draftCount reads a posted number of rows, bounded by maxDraftRows; anything else is none.
func draftCount(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, maxDraftRows)
}

func readFieldDraft(v url.Values, p string) fieldDraft {
	get := func(name string) string { return strings.TrimSpace(v.Get(p + name)) }
	return fieldDraft{
		Key: get("key"), LabelZh: get("label_zh"), LabelEn: get("label_en"), Type: get("type"),
		Required: v.Get(p+"required") != "", Options: strings.TrimSpace(strings.ReplaceAll(v.Get(p+"options"), "\r\n", "\n")),
		Dictionary: get("dictionary"), Pattern: get("pattern"), Min: get("min"), Max: get("max"),
		HelpZh: get("help_zh"), HelpEn: get("help_en"), IfField: get("if_field"), IfEquals: get("if_equals"),
		Prefill: get("prefill"), MaxRows: get("max_rows"),
	}
}

// draftOf is the working copy of a stored schema.
func draftOf(s *form.Schema) formDraft {
	d := formDraft{Version: s.Version}
	for i := range s.Fields {
		d.Fields = append(d.Fields, fieldDraftOf(&s.Fields[i]))
	}
	return d
}

func fieldDraftOf(f *form.Field) fieldDraft {
	fd := fieldDraft{
		Key: f.Key, LabelZh: f.Label.Zh, LabelEn: f.Label.En, Type: string(f.Type), Required: f.Required,
		Options: form.OptionsText(f.Options), Dictionary: f.Dictionary, Pattern: f.Pattern,
		Min: form.BoundText(f.Min), Max: form.BoundText(f.Max), HelpZh: f.Help.Zh, HelpEn: f.Help.En, Prefill: f.Prefill,
	}
	if f.VisibleIf != nil {
		fd.IfField, fd.IfEquals = f.VisibleIf.Field, f.VisibleIf.Equals
	}
	if f.MaxRows != 0 {
		fd.MaxRows = strconv.Itoa(f.MaxRows)
	}
	for i := range f.Columns {
		fd.Columns = append(fd.Columns, fieldDraftOf(&f.Columns[i]))
	}
	return fd
}

// schema converts the working copy into a form schema. Inputs that are not what they must be
// (a bound that is not a number, a row count that is not a whole number) are problems and
// are left out of the schema; what form.Check refuses is for the caller to check.
func (d formDraft) schema() (*form.Schema, []editProblem) {
	s := &form.Schema{Version: d.Version, Fields: []form.Field{}}
	var probs []editProblem
	for i, fd := range d.Fields {
		path := fmt.Sprintf("fields[%d]", i)
		f := fd.field(path, &probs)
		for j, cd := range fd.Columns {
			f.Columns = append(f.Columns, cd.field(fmt.Sprintf("%s.columns[%d]", path, j), &probs))
		}
		s.Fields = append(s.Fields, f)
	}
	return s, probs
}

func (fd fieldDraft) field(path string, probs *[]editProblem) form.Field {
	f := form.Field{
		Key: fd.Key, Label: form.Text{Zh: fd.LabelZh, En: fd.LabelEn}, Type: form.Type(fd.Type), Required: fd.Required,
		Options: parseOptionLines(fd.Options), Dictionary: fd.Dictionary, Pattern: fd.Pattern,
		Help: form.Text{Zh: fd.HelpZh, En: fd.HelpEn}, Prefill: fd.Prefill,
	}
	f.Min = draftBound(fd.Min, path+".min", probs)
	f.Max = draftBound(fd.Max, path+".max", probs)
	if fd.IfField != "" || fd.IfEquals != "" {
		f.VisibleIf = &form.Condition{Field: fd.IfField, Equals: fd.IfEquals}
	}
	if fd.MaxRows != "" {
		n, err := strconv.Atoi(fd.MaxRows)
		if err != nil || n < 0 {
			*probs = append(*probs, editProblem{Path: path + ".max_rows", Key: "formedit.err.not_whole", Args: []any{fd.MaxRows}})
		} else {
			f.MaxRows = n
		}
	}
	return f
}

// draftBound reads a min or max input; blank is no bound.
func draftBound(s, path string, probs *[]editProblem) *float64 {
	if s == "" {
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n != n || n > 1e15 || n < -1e15 {
		*probs = append(*probs, editProblem{Path: path, Key: "formedit.err.not_number", Args: []any{s}})
		return nil
	}
	return &n
}

// parseOptionLines reads the options textarea: one option a line, "value=中文标签|English label";
// the English label may be left out, and a line without "=" is its own value and Chinese
// label. Blank lines are skipped.
func parseOptionLines(text string) []form.Option {
	var out []form.Option
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		value, label, ok := strings.Cut(line, "=")
		if !ok {
			label = line
		}
		zh, en, _ := strings.Cut(label, "|")
		out = append(out, form.Option{Value: strings.TrimSpace(value),
			Label: form.Text{Zh: strings.TrimSpace(zh), En: strings.TrimSpace(en)}})
	}
	return out
}

// applyOp applies a structural operation of the editor to the working copy: "add" (a blank
// field at the end), "up:3", "down:3", "remove:3" (a field by index), "add_column:3" (a blank
// column to field 3) and "up:3.1", "down:3.1", "remove:3.1" (column 1 of field 3). ok is
// false for anything else, including an index that is not there.
func applyOp(d formDraft, op string) (formDraft, bool) {
	name, arg, _ := strings.Cut(op, ":")
	if name == "add" && arg == "" {
		d.Fields = append(slices.Clone(d.Fields), fieldDraft{Type: string(form.TypeText)})
		return d, true
	}
	i, j, col, ok := opIndex(arg)
	if !ok || i >= len(d.Fields) {
		return d, false
	}
	d.Fields = slices.Clone(d.Fields)
	if name == "add_column" {
		if col {
			return d, false
		}
		d.Fields[i].Columns = append(slices.Clone(d.Fields[i].Columns), fieldDraft{Type: string(form.TypeText)})
		return d, true
	}
	if !col {
		d.Fields, ok = moveRow(d.Fields, name, i)
		return d, ok
	}
	if j >= len(d.Fields[i].Columns) {
		return d, false
	}
	d.Fields[i].Columns, ok = moveRow(slices.Clone(d.Fields[i].Columns), name, j)
	return d, ok
}

// moveField moves field i of the working copy to position to (both 0-based, in range).
func moveField(d formDraft, i, to int) formDraft {
	f := d.Fields[i]
	d.Fields = slices.Insert(slices.Delete(slices.Clone(d.Fields), i, i+1), to, f)
	return d
}

// opLanding is the index of the field an operation on d acted on, where it is after the
// operation: the field moved, the field added, the table a column was added to, moved or
// removed from; -1 when the operation removed the field.
func opLanding(d formDraft, op string) int {
	name, arg, _ := strings.Cut(op, ":")
	if name == "add" {
		return len(d.Fields)
	}
	i, _, col, ok := opIndex(arg)
	switch {
	case !ok:
		return -1
	case col || name == "add_column":
		return i
	case name == "up":
		return max(i-1, 0)
	case name == "down":
		return min(i+1, len(d.Fields)-1)
	}
	return -1
}

// blank reports whether a field (or column) is as "add" made it: nothing filled in yet.
func (fd fieldDraft) blank() bool {
	return fd.Key == "" && fd.LabelZh == "" && fd.LabelEn == "" && !fd.Required && fd.Options == "" &&
		fd.Dictionary == "" && fd.Pattern == "" && fd.Min == "" && fd.Max == "" && fd.HelpZh == "" && fd.HelpEn == "" &&
		fd.IfField == "" && fd.IfEquals == "" && fd.Prefill == "" && fd.MaxRows == "" && len(fd.Columns) == 0 &&
		(fd.Type == "" || fd.Type == string(form.TypeText))
}

// problemsFor keeps the problems worth showing after an editing step: the form's own
// (a path naming no field) and those of the field at index only (any field when only is
// -1), leaving out the fields and columns still blank, whose problems wait for the preview
// or the save. With none true no field's problems are kept.
func problemsFor(probs []editProblem, d formDraft, only int, none bool) []editProblem {
	var out []editProblem
	for _, p := range probs {
		at, ok := problemAt(p.Path)
		if !ok || at.Field >= len(d.Fields) {
			out = append(out, p)
			continue
		}
		f := d.Fields[at.Field]
		switch {
		case none, only >= 0 && at.Field != only, f.blank():
			continue
		case at.Column >= 0 && at.Column < len(f.Columns) && f.Columns[at.Column].blank():
			continue
		}
		out = append(out, p)
	}
	return out
}

// opIndex reads "3" (a field) or "3.1" (a column of field 3).
func opIndex(arg string) (i, j int, col, ok bool) {
	a, b, col := strings.Cut(arg, ".")
	i, err := strconv.Atoi(a)
	if err != nil || i < 0 {
		return 0, 0, false, false
	}
	if col {
		if j, err = strconv.Atoi(b); err != nil || j < 0 {
			return 0, 0, false, false
		}
	}
	return i, j, col, true
}

// moveRow moves row i of rows (a clone the caller owns) up or down, or removes it; moving
// the first up or the last down leaves the order as it is.
func moveRow(rows []fieldDraft, op string, i int) ([]fieldDraft, bool) {
	switch op {
	case "up":
		if i > 0 {
			rows[i-1], rows[i] = rows[i], rows[i-1]
		}
	case "down":
		if i+1 < len(rows) {
			rows[i], rows[i+1] = rows[i+1], rows[i]
		}
	case "remove":
		rows = slices.Delete(rows, i, i+1)
	default:
		return rows, false
	}
	return rows, true
}

// importedSchema reads an imported form definition: the editor's export (an object whose
// "form" member is the schema, as GET /api/v1/items/{code}/form/definition answers) or a bare
// schema ({"version", "fields"}). It does not Check the schema.
func importedSchema(b []byte) (*form.Schema, error) {
	b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf"))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, errors.New("the file is not a JSON object")
	}
	if raw, ok := top["form"]; ok {
		if _, bare := top["fields"]; !bare {
			b = raw
		}
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || string(t) == "null" {
		return nil, errors.New("the definition holds no form")
	}
	s, err := form.Parse(b)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "form: parse schema: "))
	}
	if s.Fields == nil {
		return nil, errors.New(`the form has no "fields" list`)
	}
	return s, nil
}
