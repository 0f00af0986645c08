package form

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"onewindow/workflow"
)

// Rules name what an answer breaks, so a page can translate the message.
const (
	RuleRequired = "required" // a required field asked for this answer is blank
	RuleHidden   = "hidden"   // a value for a field not asked for this answer
	RuleUnknown  = "unknown"  // a key the form does not have
	RuleType     = "type"     // an API value of the wrong JSON type
	RulePattern  = "pattern"  // text not matching the field's pattern
	RuleOption   = "option"   // a choice the field does not offer, or chosen twice
	RuleTooLong  = "too_long" // text longer than allowed (Args max, in characters)
	RuleTooShort = "too_short"
	RuleTooMany  = "too_many_rows" // a table with more rows than allowed (Args max)
	RuleTooFew   = "too_few_rows"
	RuleFormat   = "format" // not a number, amount, date, identity number, phone or e-mail
	RuleMin      = "min"    // below the minimum (Args min)
	RuleMax      = "max"    // above the maximum (Args max)
	RuleSchema   = "schema" // the schema itself has problems
)

// Issue is why one answer is refused: a stable Rule, an English Message and the Args a
// translation fills in (min, max, value).
type Issue struct {
	Rule    string            `json:"rule"`
	Message string            `json:"message"`
	Args    map[string]string `json:"args,omitempty"`
}

// Issues are the refused answers keyed "form.<key>", or "form.<key>.<row>.<column>" for a
// table cell (rows count from 0); empty means the answers are accepted.
type Issues map[string]Issue

// Messages returns the English messages by key, the shape of an API error's "fields".
func (is Issues) Messages() map[string]string {
	out := make(map[string]string, len(is))
	for k, i := range is {
		out[k] = i.Message
	}
	return out
}

var (
	// phoneText is a mobile number or a landline with its area code and optional extension.
	phoneText = regexp.MustCompile(`^(?:1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(?:-[0-9]{1,6})?)$`)
	// emailText is a plain address: dot-separated local words, a host name with a dot.
	emailText = regexp.MustCompile(`^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$`)
)

// Email length limits (RFC 5321).
const (
	maxEmail      = 254
	maxEmailLocal = 64
)

// Validate checks answers against a schema (compiling it; see Compiled.Validate). A schema
// with problems yields one issue under "form".
func Validate(s *Schema, v Values, dicts Dicts, now time.Time) Issues {
	c, err := Compile(s, dicts)
	if err != nil {
		return Issues{"form": {Rule: RuleSchema, Message: err.Error()}}
	}
	return c.Validate(v, now)
}

// Validate checks answers: unknown keys, values for fields not asked (visible_if), blank
// required fields that are asked, and each value's type, format, options, length, rows and
// bounds. now bounds birth dates in resident ID numbers.
func (c *Compiled) Validate(v Values, now time.Time) Issues {
	is := Issues{}
	for key := range v {
		if _, ok := c.index[key]; !ok {
			is.add(key, RuleUnknown, nil, "the form has no field %q", key)
		}
	}
	vis := c.visible(v)
	for i := range c.fields {
		f := &c.fields[i]
		x, present := v[f.Key]
		if !vis[i] {
			if present && !blank(x) {
				is.add(f.Key, RuleHidden, nil, "the field is not asked for this answer; leave it out")
			}
			continue
		}
		c.value(is, f, f.Key, x, present, now)
	}
	return is
}

// value checks one field's value (a top-level field or a table cell) under the key path.
func (c *Compiled) value(is Issues, f *compiled, path string, x any, present bool, now time.Time) {
	if m, ok := x.(Mistyped); ok {
		is.add(m.Path, RuleType, map[string]string{"want": m.Want}, "must be a JSON %s", m.Want)
		return
	}
	if !present || blank(x) || (f.Required && f.Type == TypeCheckbox && x == "false") {
		if f.Required {
			is.add(path, RuleRequired, nil, "is required")
		}
		return
	}
	switch f.Type {
	case TypeMultiselect:
		chosen, ok := x.([]string)
		if !ok {
			is.add(path, RuleType, map[string]string{"want": "array"}, "must be a list of choices")
			return
		}
		seen := make(map[string]bool, len(chosen))
		for _, o := range chosen {
			if !f.offered[o] || seen[o] {
				is.add(path, RuleOption, map[string]string{"value": o}, "%q is not offered or chosen twice", o)
				return
			}
			seen[o] = true
		}
	case TypeTable:
		c.table(is, f, path, x, now)
	default:
		s, ok := x.(string)
		if !ok {
			is.add(path, RuleType, map[string]string{"want": "string"}, "must be a single value")
			return
		}
		scalar(is, f, path, s, now)
	}
}

// table checks a table's row count and every cell.
func (c *Compiled) table(is Issues, f *compiled, path string, x any, now time.Time) {
	rows, ok := x.([]map[string]string)
	if !ok {
		is.add(path, RuleType, map[string]string{"want": "array"}, "must be a list of rows")
		return
	}
	if len(rows) > f.maxN {
		is.add(path, RuleTooMany, map[string]string{"max": strconv.Itoa(f.maxN)}, "has %d rows; at most %d are allowed", len(rows), f.maxN)
		return
	}
	if len(rows) < f.minN {
		is.add(path, RuleTooFew, map[string]string{"min": strconv.Itoa(f.minN)}, "has %d rows; at least %d are needed", len(rows), f.minN)
	}
	for r, row := range rows {
		rowPath := path + "." + strconv.Itoa(r)
		for key := range row {
			if _, ok := f.colIndex[key]; !ok {
				is.add(rowPath+"."+key, RuleUnknown, nil, "the table has no column %q", key)
			}
		}
		for i := range f.columns {
			col := &f.columns[i]
			cell, present := row[col.Key]
			c.value(is, col, rowPath+"."+col.Key, cell, present, now)
		}
	}
}

// blank reports whether a value counts as not answered.
func blank(x any) bool {
	switch v := x.(type) {
	case string:
		return v == ""
	case []string:
		return len(v) == 0
	case []map[string]string:
		return len(v) == 0
	}
	return false
}

// add records the first issue of a key.
func (is Issues) add(path, rule string, args map[string]string, format string, a ...any) {
	key := PostPrefix + path
	if _, ok := is[key]; !ok {
		is[key] = Issue{Rule: rule, Message: fmt.Sprintf(format, a...), Args: args}
	}
}

// scalar checks a non-blank single value by the field's type.
func scalar(is Issues, f *compiled, path, s string, now time.Time) {
	switch f.Type {
	case TypeText, TypeTextarea, TypeAddress:
		text(is, f, path, s)
	case TypeNumber:
		number(is, f, path, s, numberText, "must be a number such as 12 or 3.5")
	case TypeMoney:
		number(is, f, path, s, moneyText, "must be an amount in yuan with at most two decimals")
	case TypeDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			is.add(path, RuleFormat, nil, "must be a date as YYYY-MM-DD")
		}
	case TypeSelect:
		if !f.offered[s] {
			is.add(path, RuleOption, map[string]string{"value": s}, "%q is not offered", s)
		}
	case TypeCheckbox:
		if s != "true" && s != "false" {
			is.add(path, RuleFormat, nil, "must be true or false")
		}
	case TypeIDNumber:
		idNumber(is, path, s, now)
	case TypePhone:
		if !phoneText.MatchString(s) {
			is.add(path, RuleFormat, nil, "must be a mobile number or a landline with its area code")
		}
	case TypeEmail:
		local, _, _ := cutLast(s, '@')
		if len(s) > maxEmail || len(local) > maxEmailLocal || !emailText.MatchString(s) {
			is.add(path, RuleFormat, nil, "must be an e-mail address")
		}
	}
}

// text checks a text's length in runes, that a required text is not only spaces, and its pattern.
func text(is Issues, f *compiled, path, s string) {
	n := utf8.RuneCountInString(s)
	switch {
	case n > f.maxN:
		is.add(path, RuleTooLong, map[string]string{"max": strconv.Itoa(f.maxN)}, "has %d characters; at most %d are allowed", n, f.maxN)
	case n < f.minN:
		is.add(path, RuleTooShort, map[string]string{"min": strconv.Itoa(f.minN)}, "has %d characters; at least %d are needed", n, f.minN)
	case f.Required && onlySpace(s):
		is.add(path, RuleRequired, nil, "is required")
	case f.re != nil && !f.re.MatchString(s):
		is.add(path, RulePattern, map[string]string{"pattern": f.Pattern}, "does not have the required form")
	}
}

// number checks a number's or amount's text and bounds.
func number(is Issues, f *compiled, path, s string, form *regexp.Regexp, msg string) {
	if len(s) > maxNumberText || !form.MatchString(s) {
		is.add(path, RuleFormat, nil, "%s", msg)
		return
	}
	r := decimal(s)
	if f.lo != nil && r.Cmp(f.lo) < 0 {
		is.add(path, RuleMin, map[string]string{"min": formatBound(*f.Min)}, "must be at least %s", formatBound(*f.Min))
	}
	if f.hi != nil && r.Cmp(f.hi) > 0 {
		is.add(path, RuleMax, map[string]string{"max": formatBound(*f.Max)}, "must be at most %s", formatBound(*f.Max))
	}
}

// idNumber accepts a valid resident ID number or unified social credit code.
func idNumber(is Issues, path, s string, now time.Time) {
	if workflow.ValidateResidentID(s, now) == nil || workflow.ValidateCreditCode(s) == nil {
		return
	}
	err := workflow.ValidateID(workflow.IDKindOf(s), s, now)
	var idErr *workflow.IDError
	check := ""
	if errors.As(err, &idErr) {
		check = idErr.Check
	}
	is.add(path, RuleFormat, map[string]string{"check": check}, "must be a resident ID or unified social credit code (%v)", err)
}

// onlySpace reports whether s holds nothing but ASCII white space, what \s means in RE2 and
// so in the exported JSON Schema's "\S" for required text.
func onlySpace(s string) bool {
	return strings.Trim(s, "\t\n\f\r ") == ""
}

// cutLast splits s around the last sep.
func cutLast(s string, sep byte) (string, string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
