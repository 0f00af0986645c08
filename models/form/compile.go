package form

import (
	"math/big"
	"regexp"
	"slices"
	"strings"
)

// Default length limits in runes; a field's max may only lower them.
const (
	MaxText     = 200
	MaxTextarea = 2000
)

// Compiled is a checked schema prepared for validating many answers: patterns compiled,
// options indexed and bounds parsed once.
type Compiled struct {
	Schema *Schema
	fields []compiled
	index  map[string]int
}

// compiled is one field prepared for validation.
type compiled struct {
	*Field
	re         *regexp.Regexp
	opts       []Option
	offered    map[string]bool
	lo, hi     *big.Rat // number and money bounds
	minN, maxN int      // text length in runes, or table rows; maxN < 0 means no limit
	ref        int      // index of the field visible_if refers to, or -1
	columns    []compiled
	colIndex   map[string]int
}

// CheckError is returned by Compile for a schema with problems.
type CheckError struct{ Problems []Problem }

// Error lists the problems.
func (e *CheckError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.String()
	}
	return "form: schema has problems: " + strings.Join(msgs, "; ")
}

// Compile checks the schema against the dictionaries and prepares it for validation; a
// schema with problems is a *CheckError. Dictionary options are copied, so later changes to
// dicts do not affect the result.
func Compile(s *Schema, dicts Dicts) (*Compiled, error) {
	if p := Check(s, dicts); len(p) > 0 {
		return nil, &CheckError{Problems: p}
	}
	c := &Compiled{Schema: s, index: make(map[string]int, len(s.Fields))}
	c.fields, c.index = compileFields(s.Fields, dicts)
	for i := range c.fields {
		if cond := c.fields[i].VisibleIf; cond != nil {
			c.fields[i].ref = c.index[cond.Field]
		}
	}
	return c, nil
}

// compileFields prepares a list of checked fields and indexes them by key.
func compileFields(fs []Field, dicts Dicts) ([]compiled, map[string]int) {
	out := make([]compiled, len(fs))
	index := make(map[string]int, len(fs))
	for i := range fs {
		out[i] = compileField(&fs[i], dicts)
		index[fs[i].Key] = i
	}
	return out, index
}

// compileField prepares one checked field.
func compileField(f *Field, dicts Dicts) compiled {
	c := compiled{Field: f, maxN: -1, ref: -1}
	if f.Pattern != "" {
		c.re = regexp.MustCompile(anchor(f.Pattern)) // Check compiled it already
	}
	if opts := f.options(dicts); f.Type == TypeSelect || f.Type == TypeMultiselect {
		c.opts = slices.Clone(opts)
		c.offered = make(map[string]bool, len(opts))
		for _, o := range opts {
			c.offered[o.Value] = true
		}
	}
	switch f.Type {
	case TypeNumber, TypeMoney:
		c.lo, c.hi = boundRat(f.Min), boundRat(f.Max)
	case TypeText, TypeAddress:
		c.minN, c.maxN = lengthBounds(f, MaxText)
	case TypeTextarea:
		c.minN, c.maxN = lengthBounds(f, MaxTextarea)
	case TypeTable:
		c.minN, c.maxN = lengthBounds(f, f.MaxRows)
		c.columns, c.colIndex = compileFields(f.Columns, dicts)
	}
	return c
}

// lengthBounds returns the field's min and its max capped at limit.
func lengthBounds(f *Field, limit int) (int, int) {
	lo, hi := 0, limit
	if f.Min != nil {
		lo = int(*f.Min)
	}
	if f.Max != nil && int(*f.Max) < hi {
		hi = int(*f.Max)
	}
	return lo, hi
}

// Visible reports which fields are asked for these answers: a field with visible_if is asked
// when the field it refers to is asked and its value equals the condition's (a multiselect's
// when it is among the chosen; an absent checkbox counts as "false").
func Visible(s *Schema, v Values) map[string]bool {
	vis := make(map[string]bool, len(s.Fields))
	types := make(map[string]Type, len(s.Fields))
	for _, f := range s.Fields {
		types[f.Key] = f.Type
		if f.VisibleIf == nil {
			vis[f.Key] = true
			continue
		}
		ref := f.VisibleIf.Field
		vis[f.Key] = vis[ref] && satisfies(types[ref], v[ref], f.VisibleIf.Equals)
	}
	return vis
}

// visible is Visible by field index, without building maps.
func (c *Compiled) visible(v Values) []bool {
	vis := make([]bool, len(c.fields))
	for i := range c.fields {
		f := &c.fields[i]
		if f.ref < 0 {
			vis[i] = true
			continue
		}
		ref := &c.fields[f.ref]
		vis[i] = vis[f.ref] && satisfies(ref.Type, v[ref.Key], f.VisibleIf.Equals)
	}
	return vis
}

// satisfies reports whether a referred field's value meets a condition.
func satisfies(t Type, x any, equals string) bool {
	switch val := x.(type) {
	case string:
		return val == equals
	case []string:
		return slices.Contains(val, equals)
	case nil:
		return t == TypeCheckbox && equals == "false"
	}
	return false
}
