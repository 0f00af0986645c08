package form

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// MaxFields bounds the number of top-level fields of a form.
const MaxFields = 100

// keyPattern is what a field key looks like: it becomes part of "form.<key>" names.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Problem is one thing wrong with a schema: Path names the member ("fields[3].visible_if.field").
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String renders the problem as "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// Check returns what is wrong with the schema before it may be saved; none means it is fine.
// dicts are the dictionaries that exist.
func Check(s *Schema, dicts Dicts) []Problem {
	c := &checker{dicts: dicts}
	if len(s.Fields) > MaxFields {
		c.add("fields", "has %d fields; at most %d are allowed", len(s.Fields), MaxFields)
	}
	seen := map[string]int{}
	for i := range s.Fields {
		f := &s.Fields[i]
		path := fmt.Sprintf("fields[%d]", i)
		c.field(path, f, seen, false)
		c.condition(path, f, s.Fields[:i])
		if f.Key != "" {
			seen[f.Key] = i
		}
	}
	return c.problems
}

// checker collects problems.
type checker struct {
	dicts    Dicts
	problems []Problem
}

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// field checks one field; inTable restricts what a table column may be.
func (c *checker) field(path string, f *Field, seen map[string]int, inTable bool) {
	switch {
	case f.Key == "":
		c.add(path+".key", "is missing")
	case !keyPattern.MatchString(f.Key):
		c.add(path+".key", "%q must be a lower-case letter followed by at most 31 letters, digits or _", f.Key)
	default:
		if j, dup := seen[f.Key]; dup {
			c.add(path+".key", "%q is already the key of field %d", f.Key, j)
		}
	}
	if strings.TrimSpace(f.Label.Zh) == "" {
		c.add(path+".label.zh", "is missing")
	}
	if !slices.Contains(Types, f.Type) {
		c.add(path+".type", "%q is not a known type", f.Type)
		return
	}
	if inTable {
		c.column(path, f)
	}
	c.options(path, f)
	if f.Pattern != "" {
		if f.Type != TypeText && f.Type != TypeTextarea && f.Type != TypeAddress {
			c.add(path+".pattern", "only text, textarea and address fields take a pattern")
		} else if _, err := regexp.Compile(anchor(f.Pattern)); err != nil {
			c.add(path+".pattern", "does not compile: %v", err)
		}
	}
	c.bounds(path, f)
	if f.Prefill != "" && !slices.Contains(ProfileFields, f.Prefill) {
		c.add(path+".prefill", "%q is not a profile field (%s)", f.Prefill, strings.Join(ProfileFields, ", "))
	}
	if f.Type == TypeTable {
		c.table(path, f)
	} else if len(f.Columns) > 0 || f.MaxRows != 0 {
		c.add(path+".columns", "only a table has columns and max_rows")
	}
}

// column refuses what a table cell cannot hold.
func (c *checker) column(path string, f *Field) {
	switch {
	case f.Type == TypeTable:
		c.add(path+".type", "a table cannot hold a table")
	case f.Type == TypeMultiselect:
		c.add(path+".type", "a table cell holds one value; use select")
	}
	if f.VisibleIf != nil {
		c.add(path+".visible_if", "table columns cannot be conditional")
	}
	if f.Prefill != "" {
		c.add(path+".prefill", "table columns cannot be prefilled")
	}
}

// options checks a choice field's options or dictionary.
func (c *checker) options(path string, f *Field) {
	choice := f.Type == TypeSelect || f.Type == TypeMultiselect
	switch {
	case !choice && (len(f.Options) > 0 || f.Dictionary != ""):
		c.add(path+".options", "only select and multiselect fields take options")
	case choice && len(f.Options) > 0 && f.Dictionary != "":
		c.add(path+".dictionary", "give inline options or a dictionary, not both")
	case choice && f.Dictionary != "":
		if _, ok := c.dicts[f.Dictionary]; !ok {
			c.add(path+".dictionary", "%q is not an existing dictionary", f.Dictionary)
		}
	case choice && len(f.Options) == 0:
		c.add(path+".options", "a %s field needs options or a dictionary", f.Type)
	}
	values := map[string]bool{}
	for j, o := range f.Options {
		op := fmt.Sprintf("%s.options[%d]", path, j)
		if o.Value == "" {
			c.add(op+".value", "is missing")
		} else if values[o.Value] {
			c.add(op+".value", "%q is offered twice", o.Value)
		}
		values[o.Value] = true
		if strings.TrimSpace(o.Label.Zh) == "" {
			c.add(op+".label.zh", "is missing")
		}
	}
}

// bounds checks min and max: where they apply and that min ≤ max.
func (c *checker) bounds(path string, f *Field) {
	if f.Min == nil && f.Max == nil {
		return
	}
	switch f.Type {
	case TypeNumber, TypeMoney:
	case TypeText, TypeTextarea, TypeAddress, TypeTable:
		for name, b := range map[string]*float64{"min": f.Min, "max": f.Max} {
			if b != nil && (*b < 0 || *b != float64(int(*b))) {
				c.add(path+"."+name, "a length or row count must be a whole number ≥ 0")
			}
		}
	default:
		c.add(path+".min", "min and max apply to number, money, text, textarea, address and table fields")
		return
	}
	if limit := map[Type]int{TypeText: MaxText, TypeAddress: MaxText, TypeTextarea: MaxTextarea}[f.Type]; limit > 0 &&
		f.Min != nil && *f.Min > float64(limit) {
		c.add(path+".min", "%v is more than the %d characters a %s field holds", *f.Min, limit, f.Type)
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		c.add(path+".min", "%v is greater than max %v", *f.Min, *f.Max)
	}
}

// table checks a table's columns and row limit.
func (c *checker) table(path string, f *Field) {
	if len(f.Columns) == 0 {
		c.add(path+".columns", "a table needs at least one column")
	}
	if f.MaxRows < 1 {
		c.add(path+".max_rows", "a table needs max_rows ≥ 1")
	}
	seen := map[string]int{}
	for j := range f.Columns {
		col := &f.Columns[j]
		c.field(fmt.Sprintf("%s.columns[%d]", path, j), col, seen, true)
		if col.Key != "" {
			seen[col.Key] = j
		}
	}
}

// condition checks that visible_if refers to an earlier field and, for a choice field, to one
// of its values.
func (c *checker) condition(path string, f *Field, earlier []Field) {
	if f.VisibleIf == nil {
		return
	}
	path += ".visible_if"
	var ref *Field
	for i := range earlier {
		if earlier[i].Key == f.VisibleIf.Field {
			ref = &earlier[i]
		}
	}
	switch {
	case f.VisibleIf.Field == "":
		c.add(path+".field", "is missing")
	case ref == nil:
		c.add(path+".field", "%q is not an earlier field", f.VisibleIf.Field)
	case ref.Type == TypeTable:
		c.add(path+".field", "%q is a table; a condition refers to a single value", ref.Key)
	case ref.Type == TypeCheckbox && f.VisibleIf.Equals != "true" && f.VisibleIf.Equals != "false":
		c.add(path+".equals", "a checkbox condition equals \"true\" or \"false\"")
	case ref.Type == TypeSelect || ref.Type == TypeMultiselect:
		if !slices.ContainsFunc(ref.options(c.dicts), func(o Option) bool { return o.Value == f.VisibleIf.Equals }) {
			c.add(path+".equals", "%q is not an option of %q", f.VisibleIf.Equals, ref.Key)
		}
	}
}

// anchor makes a pattern match the whole value.
func anchor(p string) string { return `^(?:` + p + `)$` }
