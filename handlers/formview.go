package handlers

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"onewindow/models"
	"onewindow/models/form"
)

// An item's application form as the pages render it: every field's input
// named as form.FromForm reads it ("form.<key>", table cells
// "form.<key>.<row>.<column>"), its label, help and options in the page's
// language, the answer kept after a refused post and the translated reason
// next to it. Fields the applicant block already asks (a field prefilled
// from the applicant's kind, name, identity number, phone or address) are
// left out: the core fills them from the applicant at filing; a name or
// identity number it asks of one kind of applicant only is there, hidden
// and not posted, for the script to show when the kind changes.
// Conditional fields (visible_if) are all shown with a note saying when
// they apply; web/static/form.js hides the ones that do not apply as the
// answers change.

// blankTableRows is how many empty rows a table offers below its answered
// ones when the page works without scripts.
const blankTableRows = 2

// formView is the editable form of one item version.
type formView struct {
	Fields []fieldView
	// Other are refused answers no input shows: a key the form does not
	// have, or a form whose definition has problems.
	Other []formProblem
	// Block is what the form asks of the applicant block's inputs, by the
	// input's name: a required answer, its help, its least length.
	Block map[string]blockField
	T     *formTexts
}

// blockField is an applicant block's input as the item's form asks it.
type blockField struct {
	Required  bool
	Help      string
	MinLength int
	T         *formTexts
}

// Asks is what the form asks of the applicant block's input name; always
// marks the inputs the filing needs whatever the form (kind, name …).
func (fv formView) Asks(name string, always ...string) blockField {
	b := fv.Block[name]
	b.T = fv.T
	if slices.Contains(always, name) {
		b.Required = true
	}
	return b
}

// fieldView is one question: a top-level field, or a table cell.
type fieldView struct {
	Key          string // the field's key
	Name         string // the input's name
	ID           string // the input's id, the target of the error summary's link
	Label        string
	Help         string
	Input        string // text textarea number money date select multiselect checkbox table
	InputMode    string
	AutoComplete string
	Step, Min    string // number and money inputs
	Max          string
	MaxLength    int
	Required     bool
	Options      []optionView
	Value        string
	Error        string
	// Only is the note of a conditional field ("仅当「X」选择「Y」时填写");
	// IfName, IfEquals and IfType tell the script the input it depends on.
	Only             string
	IfName, IfEquals string
	IfType           string
	// AskedOf is the kind of applicant whose block asks this question
	// instead; Disabled when that is the applicant's kind now.
	AskedOf  string
	Disabled bool
	Columns  []fieldView
	Rows     []tableRow
	MaxRows  int
	Note     string // a table's note on its rows
	Cell     bool   // a table cell, labelled for screen readers only
	Column   string // a cell's column label, shown above it when rows stack
	T        *formTexts
}

// formTexts are the form's own words in the page's language.
type formTexts struct {
	Required, Choose, AddRow, RowNo string
}

// tableRow is one row of a table field's inputs.
type tableRow struct {
	Number int // from 1
	Cells  []fieldView
}

// optionView is one offered answer; Chosen marks the current one(s).
type optionView struct {
	Value, Label, ID string
	Chosen           bool
}

// formProblem is one line of a page's error summary.
type formProblem struct {
	Href, Label, Message string
}

// applicantInputs maps the profile fields an applicant block asks to the
// names of its inputs (kind, name, id_number, phone, address): a person's
// name and identity number, or an organisation's name and credit code.
func applicantInputs(kind string) map[string]string {
	m := map[string]string{"kind": "kind", "phone": "phone", "address": "address"}
	if kind == models.ApplicantOrganisation {
		m["org_name"], m["credit_code"] = "name", "id_number"
	} else {
		m["name"], m["id_number"] = "name", "id_number"
	}
	return m
}

// kindAsking is the kind of applicant whose block asks the profile field
// (a person's name and identity number, an organisation's name and credit
// code); "" for the fields every block asks or none does.
func kindAsking(prefill string) string {
	switch prefill {
	case "name", "id_number":
		return models.ApplicantPerson
	case "org_name", "credit_code":
		return models.ApplicantOrganisation
	}
	return ""
}

// formInput is what a page needs to lay out an item's form.
type formInput struct {
	Lang   string
	Schema *form.Schema
	Dicts  form.Dicts
	Values form.Values // the answers typed so far
	Issues form.Issues // the refused answers
	Kind   string      // the applicant's kind: it decides what the applicant block asks
	texts  *formTexts
}

// formViewOf lays out the form; the issues of fields the applicant block
// asks are returned by the applicant input's name, for the page to show
// next to that input.
func (s *Server) formViewOf(in formInput) (formView, map[string]string) {
	in.texts = &formTexts{Required: s.site.T(in.Lang, "form.required"), Choose: s.site.T(in.Lang, "form.choose"),
		AddRow: s.site.T(in.Lang, "form.table.add_row"), RowNo: s.site.T(in.Lang, "form.table.no")}
	asked := applicantInputs(in.Kind)
	applicantErrs := map[string]string{}
	fv := formView{T: in.texts}
	for i := range in.Schema.Fields {
		f := &in.Schema.Fields[i]
		name, byApplicant := asked[f.Prefill]
		if byApplicant {
			if is, bad := in.Issues[form.PostPrefix+f.Key]; bad && applicantErrs[name] == "" {
				applicantErrs[name] = s.issueMessage(in.Lang, f, is, answerText(in.Values[f.Key]))
			}
		}
		kind := kindAsking(f.Prefill)
		if byApplicant && kind == "" {
			// The kind, phone and address are asked of every applicant, by
			// the block, with the form's rules.
			fv.Block = blockOf(fv.Block, name, f, in)
			continue
		}
		v := s.fieldViewOf(in, f, form.PostPrefix+f.Key, "f-"+f.Key, in.Values[f.Key])
		// A name or identity number the applicant block asks of this kind of
		// applicant only: left out (hidden, not posted) for that kind, and
		// shown by the script when the applicant's kind changes.
		v.AskedOf, v.Disabled = kind, byApplicant
		if byApplicant {
			v.Error = "" // shown by the applicant block's input
		}
		if c := f.VisibleIf; c != nil {
			v.Only, v.IfEquals = s.conditionNote(in, c), c.Equals
			v.IfName = form.PostPrefix + c.Field
			if ref := in.Schema.Field(c.Field); ref != nil {
				v.IfType = string(ref.Type)
				if name, ok := asked[ref.Prefill]; ok {
					v.IfName = name
				}
			}
		}
		fv.Fields = append(fv.Fields, v)
	}
	fv.Other = s.otherIssues(in, fv)
	return fv, applicantErrs
}

// blockOf adds what field f asks of the applicant block's input name.
func blockOf(block map[string]blockField, name string, f *form.Field, in formInput) map[string]blockField {
	if block == nil {
		block = map[string]blockField{}
	}
	b := block[name]
	// A conditional question is not always asked: it gets no mark.
	b.Required = b.Required || (f.Required && f.VisibleIf == nil)
	if h := f.Help.In(in.Lang); h != "" && b.Help == "" {
		b.Help = h
	}
	if f.Min != nil && (f.Type == form.TypeText || f.Type == form.TypeAddress || f.Type == form.TypeTextarea) {
		b.MinLength = max(b.MinLength, int(*f.Min))
	}
	block[name] = b
	return block
}

// otherIssues are the issues of keys that no input of the laid-out form
// (nor the applicant block) shows, in key order.
func (s *Server) otherIssues(in formInput, fv formView) []formProblem {
	shown := map[string]bool{}
	for _, f := range in.Schema.Fields {
		shown[form.PostPrefix+f.Key] = true
	}
	for _, f := range fv.Fields {
		for _, r := range f.Rows {
			for _, c := range r.Cells {
				shown[c.Name] = true
			}
		}
	}
	keys := make([]string, 0, len(in.Issues))
	for k := range in.Issues {
		if !shown[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]formProblem, 0, len(keys))
	for _, k := range keys {
		out = append(out, formProblem{Label: strings.TrimPrefix(k, form.PostPrefix), Message: s.issueMessage(in.Lang, nil, in.Issues[k], "")})
	}
	return out
}

// fieldViewOf lays out one field (or table cell) named name with the answer x.
func (s *Server) fieldViewOf(in formInput, f *form.Field, name, id string, x any) fieldView {
	v := fieldView{Key: f.Key, Name: name, ID: id, Label: f.Label.In(in.Lang), Help: f.Help.In(in.Lang),
		Input: string(f.Type), Required: f.Required, T: in.texts}
	v.Value = answerText(x)
	if is, bad := in.Issues[name]; bad {
		v.Error = s.issueMessage(in.Lang, f, is, v.Value)
	}
	switch f.Type {
	case form.TypeText, form.TypeAddress:
		v.Input, v.MaxLength = "text", lengthLimit(f, form.MaxText)
		if f.Type == form.TypeAddress {
			v.AutoComplete = "street-address"
		}
	case form.TypeTextarea:
		v.MaxLength = lengthLimit(f, form.MaxTextarea)
	case form.TypeNumber:
		v.Step, v.Min, v.Max = "any", bound(f.Min), bound(f.Max)
		v.InputMode = "decimal"
	case form.TypeMoney:
		v.Input, v.Step, v.Min, v.Max, v.InputMode = "number", "0.01", "0", bound(f.Max), "decimal"
		if f.Min != nil {
			v.Min = bound(f.Min)
		}
	case form.TypeIDNumber:
		v.Input, v.MaxLength, v.AutoComplete = "text", 18, "off"
	case form.TypePhone:
		v.Input, v.InputMode, v.AutoComplete, v.MaxLength = "tel", "tel", "tel", 30
	case form.TypeEmail:
		v.Input, v.InputMode, v.AutoComplete, v.MaxLength = "email", "email", "email", 254
	case form.TypeDate:
		// A browser empties a date input holding a date that does not exist
		// (2026-02-30): such an answer is shown as text, to be corrected.
		if _, err := time.Parse(time.DateOnly, v.Value); v.Value != "" && err != nil {
			v.Input, v.MaxLength = "text", 10
		}
	case form.TypeSelect, form.TypeMultiselect:
		v.Options = s.optionViews(in, f, id, x)
	case form.TypeCheckbox:
		v.Value = ""
		if x == "true" {
			v.Value = "true"
		}
	case form.TypeTable:
		s.tableRows(in, f, &v, x)
	}
	switch f.Prefill {
	case "name":
		v.AutoComplete = "name"
	case "org_name":
		v.AutoComplete = "organization"
	}
	return v
}

// optionViews lists a choice's options, marking the chosen ones.
func (s *Server) optionViews(in formInput, f *form.Field, id string, x any) []optionView {
	chosen := map[string]bool{}
	switch t := x.(type) {
	case string:
		chosen[t] = true
	case []string:
		for _, c := range t {
			chosen[c] = true
		}
	}
	opts := fieldOptions(f, in.Dicts)
	out := make([]optionView, 0, len(opts))
	for i, o := range opts {
		out = append(out, optionView{Value: o.Value, Label: o.Label.In(in.Lang), ID: id + "-" + strconv.Itoa(i), Chosen: chosen[o.Value]})
	}
	return out
}

// tableRows lays out a table's answered rows and blank ones to fill.
func (s *Server) tableRows(in formInput, f *form.Field, v *fieldView, x any) {
	rows, _ := x.([]map[string]string)
	v.MaxRows = f.MaxRows
	n := min(max(len(rows)+blankTableRows, minRows(f)), f.MaxRows)
	n = max(n, len(rows)) // answered rows are never dropped, even over the limit
	for c := range f.Columns {
		col := &f.Columns[c]
		v.Columns = append(v.Columns, fieldView{Key: col.Key, Label: col.Label.In(in.Lang), Help: col.Help.In(in.Lang), Required: col.Required, T: in.texts})
	}
	for r := range n {
		row := tableRow{Number: r + 1}
		for c := range f.Columns {
			col := &f.Columns[c]
			var cell any
			if r < len(rows) {
				cell = rows[r][col.Key]
			}
			rs := strconv.Itoa(r)
			cv := s.fieldViewOf(in, col, v.Name+"."+rs+"."+col.Key, v.ID+"-"+rs+"-"+col.Key, cell)
			// The column's help is in the table's head, once.
			cv.Column = cv.Label
			cv.Label, cv.Cell, cv.Help = s.site.T(in.Lang, "form.table.cell", cv.Label, r+1), true, ""
			row.Cells = append(row.Cells, cv)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Note = s.site.T(in.Lang, "form.table.hint", f.MaxRows)
}

// answerText is a single answer's text ("" for none or a list).
func answerText(x any) string {
	t, _ := x.(string)
	return t
}

// minRows is the fewest rows a table takes.
func minRows(f *form.Field) int {
	if f.Min != nil {
		return int(*f.Min)
	}
	return 0
}

// lengthLimit is a text's largest length: its max, at most the type's limit.
func lengthLimit(f *form.Field, limit int) int {
	if f.Max != nil && int(*f.Max) < limit {
		return int(*f.Max)
	}
	return limit
}

// bound renders a min or max for an input's attribute ("" when none).
func bound(b *float64) string {
	if b == nil {
		return ""
	}
	return strconv.FormatFloat(*b, 'f', -1, 64)
}

// conditionNote says when a conditional field is asked: "仅当「X」选择「Y」时填写".
func (s *Server) conditionNote(in formInput, c *form.Condition) string {
	ref := in.Schema.Field(c.Field)
	if ref == nil {
		return ""
	}
	return s.site.T(in.Lang, "form.only_if", ref.Label.In(in.Lang), s.answerWord(in.Lang, ref, in.Dicts, c.Equals))
}
