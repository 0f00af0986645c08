// Package form holds an item's application form: its schema (typed fields with labels in both
// languages, options, conditions and prefill), the checks a schema passes when it is saved, the
// canonical answer values read from an HTML form or the API's "form" object, server-side
// validation with errors keyed by field, and the form's JSON Schema (draft 2020-12).
//
// A blank answer ("", an empty list, no rows) is not answered: a required field asked for
// the answer refuses it, an optional one accepts it, and a field not asked (its visible_if is
// false) accepts only a blank or absent value. The API's "form" object carries numbers and
// amounts as JSON numbers and checkboxes as booleans. The exported JSON Schema accepts the
// answers Validate accepts except for checks it cannot state, which only the server makes: an
// identity number's check character and birth date, and numbers longer than 40 characters.
//
// Use: Check a schema when it is saved; Compile it once per item version; read answers with
// FromForm or FromJSON; Compiled.Validate them (issues keyed "form.<key>"); serve
// Compiled.JSONSchema at the item's form endpoint.
package form

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Type is the kind of a field; it decides the input, the value's shape and its checks.
type Type string

// The field types.
const (
	TypeText        Type = "text"        // one line, at most 200 runes
	TypeTextarea    Type = "textarea"    // several lines, at most 2000 runes
	TypeNumber      Type = "number"      // a decimal number
	TypeMoney       Type = "money"       // yuan, at least 0, at most two decimals
	TypeDate        Type = "date"        // YYYY-MM-DD
	TypeSelect      Type = "select"      // one of the options
	TypeMultiselect Type = "multiselect" // some of the options
	TypeCheckbox    Type = "checkbox"    // yes or no
	TypeIDNumber    Type = "id_number"   // resident ID or 统一社会信用代码, check character verified
	TypePhone       Type = "phone"       // mobile or landline with area code
	TypeEmail       Type = "email"       // an e-mail address
	TypeAddress     Type = "address"     // an address, at most 200 runes
	TypeTable       Type = "table"       // rows of the columns' fields
)

// Types lists every field type in the order an editor offers them.
var Types = []Type{TypeText, TypeTextarea, TypeNumber, TypeMoney, TypeDate, TypeSelect,
	TypeMultiselect, TypeCheckbox, TypeIDNumber, TypePhone, TypeEmail, TypeAddress, TypeTable}

// ProfileFields lists the applicant profile fields a field may be prefilled from; "kind" is
// the applicant's kind, "person" or "organisation".
var ProfileFields = []string{"kind", "name", "id_number", "phone", "address", "email", "org_name", "credit_code"}

// Text is a label or help text in both languages; zh is the reference, en may be blank.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en,omitempty"`
}

// In returns the text in the language lang ("en" or anything else for zh); a blank English
// text falls back to Chinese.
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.Zh
}

// Option is one offered answer of a select or multiselect field.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// Condition makes a field asked only when an earlier field's value equals Equals (for a
// checkbox "true" or "false"; for a multiselect, when Equals is among the chosen values).
type Condition struct {
	Field  string `json:"field"`
	Equals string `json:"equals"`
}

// Field is one question of a form; Columns are a table's row fields.
type Field struct {
	Key        string     `json:"key"`
	Label      Text       `json:"label"`
	Type       Type       `json:"type"`
	Required   bool       `json:"required,omitempty"`
	Options    []Option   `json:"options,omitempty"`
	Dictionary string     `json:"dictionary,omitempty"`
	Pattern    string     `json:"pattern,omitempty"`
	Min        *float64   `json:"min,omitempty"`
	Max        *float64   `json:"max,omitempty"`
	Help       Text       `json:"help,omitzero"`
	VisibleIf  *Condition `json:"visible_if,omitempty"`
	Prefill    string     `json:"prefill,omitempty"`
	Columns    []Field    `json:"columns,omitempty"`
	MaxRows    int        `json:"max_rows,omitempty"`
}

// Schema is an item version's application form.
type Schema struct {
	Version int     `json:"version"`
	Fields  []Field `json:"fields"`
}

// Dicts are the named option lists (主体业态, 经营项目, 民族, 学历 ...) fields may refer to.
type Dicts map[string][]Option

// Parse decodes a schema from JSON, refusing unknown members so a typo is not silently lost.
// It does not Check the schema.
func Parse(data []byte) (*Schema, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Schema
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("form: parse schema: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("form: parse schema: data after the schema")
	}
	return &s, nil
}

// Marshal encodes the schema as indented JSON, the form Parse reads.
func (s *Schema) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("form: marshal schema: %w", err)
	}
	return b, nil
}

// Field returns the top-level field with the key, or nil.
func (s *Schema) Field(key string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Key == key {
			return &s.Fields[i]
		}
	}
	return nil
}

// options returns the field's offered options: inline ones or its dictionary's.
func (f *Field) options(dicts Dicts) []Option {
	if f.Dictionary != "" {
		return dicts[f.Dictionary]
	}
	return f.Options
}

// Resolve returns a copy of the schema with every dictionary's options written into the
// fields that use it (and Dictionary cleared), as they stand now. An application keeps the
// resolved form it answered, so that a later change of a dictionary (an option withdrawn or
// renamed) does not change what a filed application says was chosen.
func Resolve(s *Schema, dicts Dicts) *Schema {
	out := &Schema{Version: s.Version, Fields: resolveFields(s.Fields, dicts)}
	return out
}

func resolveFields(fs []Field, dicts Dicts) []Field {
	if fs == nil {
		return nil
	}
	out := make([]Field, len(fs))
	for i, f := range fs {
		if f.Dictionary != "" {
			f.Options = append([]Option(nil), dicts[f.Dictionary]...)
			f.Dictionary = ""
		} else {
			f.Options = append([]Option(nil), f.Options...)
		}
		if f.VisibleIf != nil {
			c := *f.VisibleIf
			f.VisibleIf = &c
		}
		f.Columns = resolveFields(f.Columns, dicts)
		out[i] = f
	}
	return out
}
