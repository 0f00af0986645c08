package form

import (
	"encoding/json"
	"fmt"
)

// Draft is the JSON Schema dialect JSONSchema writes.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Patterns the exported schema uses for typed fields; the server checks more (an identity
// number's check character and birth date) than a pattern can say.
const (
	idPattern = `^(?:(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])[0-9]{15}[0-9X]` +
		`|(?:1[1239]|2[19]|3[1-59]|4[19]|5[1239]|6[129]|7[129]|8[19]|9[123]|A[19]|N[1239]|Y1)[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10})$`
	nonBlankPattern = `\S`
)

// obj is a JSON Schema object under construction.
type obj = map[string]any

// JSONSchema exports the form as a draft 2020-12 JSON Schema of the API's "form" object. A
// blank answer ("" or []) is accepted where the server accepts it: for an optional field, and
// for a field not asked (visible_if), which must otherwise be absent. Numbers and amounts are
// JSON numbers, checkboxes booleans. Labels are titles and help texts descriptions (zh).
func JSONSchema(s *Schema, dicts Dicts) ([]byte, error) {
	c, err := Compile(s, dicts)
	if err != nil {
		return nil, err
	}
	return c.JSONSchema()
}

// JSONSchema exports the compiled form; see the function JSONSchema.
func (c *Compiled) JSONSchema() ([]byte, error) {
	props := obj{}
	required := []string{}
	var conds []any
	for i := range c.fields {
		f := &c.fields[i]
		if f.VisibleIf == nil {
			props[f.Key] = property(f, f.Required)
			if f.Required {
				required = append(required, f.Key)
			}
			continue
		}
		props[f.Key] = property(f, false)
		conds = append(conds, c.conditional(f))
	}
	root := obj{
		"$schema":              Draft,
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
	if len(conds) > 0 {
		root["allOf"] = conds
	}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("form: export JSON Schema: %w", err)
	}
	return b, nil
}

// conditional is the if/then/else of a field with visible_if: when asked it may be required;
// when not asked it must be absent or blank.
func (c *Compiled) conditional(f *compiled) obj {
	out := obj{"if": c.asked(f)}
	if f.Required {
		out["then"] = obj{"required": []string{f.Key}, "properties": obj{f.Key: property(f, true)}}
	}
	switch f.Type {
	case TypeNumber, TypeMoney, TypeCheckbox:
		out["else"] = obj{"not": obj{"required": []string{f.Key}}}
	case TypeMultiselect, TypeTable:
		out["else"] = obj{"properties": obj{f.Key: obj{"maxItems": 0}}}
	default:
		out["else"] = obj{"properties": obj{f.Key: obj{"maxLength": 0}}}
	}
	return out
}

// asked is the condition under which a field is asked: its own and those of the fields its
// condition refers to, up the chain.
func (c *Compiled) asked(f *compiled) obj {
	var all []any
	for f != nil && f.VisibleIf != nil {
		ref := &c.fields[c.index[f.VisibleIf.Field]]
		all = append(all, condition(ref, f.VisibleIf.Equals))
		f = ref
	}
	if len(all) == 1 {
		return all[0].(obj)
	}
	return obj{"allOf": all}
}

// condition is "the field ref equals the value" as a schema; an absent checkbox is false.
func condition(ref *compiled, equals string) obj {
	switch ref.Type {
	case TypeCheckbox:
		if equals == "false" {
			return obj{"properties": obj{ref.Key: obj{"const": false}}}
		}
		return obj{"properties": obj{ref.Key: obj{"const": true}}, "required": []string{ref.Key}}
	case TypeMultiselect:
		return obj{"properties": obj{ref.Key: obj{"contains": obj{"const": equals}}}, "required": []string{ref.Key}}
	}
	return obj{"properties": obj{ref.Key: obj{"const": equals}}, "required": []string{ref.Key}}
}

// property is a field's value schema; required refuses a blank answer, otherwise a blank one
// is accepted besides the field's constraints.
func property(f *compiled, required bool) obj {
	p, blankOK := constraints(f, required)
	if !required && !blankOK {
		blankAnswer := obj{"const": ""}
		if p["type"] == "array" {
			blankAnswer = obj{"maxItems": 0}
		}
		p = obj{"type": p["type"], "anyOf": []any{blankAnswer, p}}
	}
	p["title"] = f.Label.Zh
	if f.Help.Zh != "" {
		p["description"] = f.Help.Zh
	}
	return p
}

// constraints are the field's value constraints and whether they accept a blank answer.
func constraints(f *compiled, required bool) (obj, bool) {
	switch f.Type {
	case TypeText, TypeTextarea, TypeAddress:
		return textConstraints(f, required)
	case TypeNumber, TypeMoney:
		return numberConstraints(f), true
	case TypeCheckbox:
		if required {
			return obj{"type": "boolean", "const": true}, true
		}
		return obj{"type": "boolean"}, true
	case TypeSelect:
		return obj{"type": "string", "enum": optionValues(f)}, false
	case TypeMultiselect:
		p := obj{"type": "array", "items": obj{"type": "string", "enum": optionValues(f)}, "uniqueItems": true}
		if required {
			p["minItems"] = 1
		}
		return p, true
	case TypeDate:
		return obj{"type": "string", "format": "date"}, false
	case TypeIDNumber:
		return obj{"type": "string", "pattern": idPattern}, false
	case TypePhone:
		return obj{"type": "string", "pattern": phoneText.String()}, false
	case TypeEmail:
		return obj{"type": "string", "pattern": emailText.String(), "format": "email", "maxLength": maxEmail}, false
	case TypeTable:
		return tableConstraints(f, required)
	}
	return obj{}, true
}

// textConstraints limit a text's length and form; a required text has a non-space character.
func textConstraints(f *compiled, required bool) (obj, bool) {
	p := obj{"type": "string", "maxLength": f.maxN}
	if f.minN > 0 {
		p["minLength"] = f.minN
	}
	if f.re != nil {
		p["pattern"] = f.re.String()
	}
	if required {
		p["minLength"] = max(f.minN, 1)
		if f.re == nil {
			p["pattern"] = nonBlankPattern
		} else {
			p["allOf"] = []any{obj{"pattern": nonBlankPattern}}
		}
	}
	return p, f.minN == 0 && f.re == nil
}

// numberConstraints bound a number; an amount is at least 0 in steps of 0.01.
func numberConstraints(f *compiled) obj {
	p := obj{"type": "number"}
	lo := f.Min
	if f.Type == TypeMoney {
		p["multipleOf"] = json.Number("0.01")
		if lo == nil || *lo < 0 {
			zero := 0.0
			lo = &zero
		}
	}
	if lo != nil {
		p["minimum"] = *lo
	}
	if f.Max != nil {
		p["maximum"] = *f.Max
	}
	return p
}

// tableConstraints describe the rows: objects of the columns' values, at most max rows.
func tableConstraints(f *compiled, required bool) (obj, bool) {
	cols := obj{}
	need := []string{}
	for i := range f.columns {
		col := &f.columns[i]
		cols[col.Key] = property(col, col.Required)
		if col.Required {
			need = append(need, col.Key)
		}
	}
	p := obj{
		"type":     "array",
		"maxItems": f.maxN,
		"items": obj{"type": "object", "properties": cols, "required": need,
			"additionalProperties": false},
	}
	lo := f.minN
	if required {
		lo = max(lo, 1)
	}
	if lo > 0 {
		p["minItems"] = lo
	}
	return p, f.minN == 0
}

// optionValues lists the offered values in the field's or dictionary's order.
func optionValues(f *compiled) []string {
	out := make([]string, 0, len(f.opts))
	for _, o := range f.opts {
		out = append(out, o.Value)
	}
	return out
}
