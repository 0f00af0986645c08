package form

import (
	"slices"
	"strconv"
	"strings"
)

// Change is one difference between two forms. Path names what changed:
//
//	fields[key]                      a field added (Old "", New its Chinese label) or removed (Old its label, New "")
//	fields[key].<attr>               one attribute of a field (DiffAttrs), Old and New rendered as text
//	fields[key].columns[col]         a table column added or removed, as a field
//	fields[key].columns[col].<attr>  one attribute of a column
//	fields[key].order                the order of a table's columns (keys joined by ", ")
//	order                            the order of the fields (keys joined by ", ")
//	version                          the schema's version number
//
// A field keeps its identity by its key: a renamed key is one field removed and another added.
type Change struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// DiffAttrs lists the attributes Diff compares, in the order it reports them.
var DiffAttrs = []string{"label.zh", "label.en", "type", "required", "options", "dictionary", "pattern",
	"min", "max", "help.zh", "help.en", "visible_if", "prefill", "max_rows"}

// Diff lists what changed from before to after: fields added and removed, each attribute
// changed, and the order of the fields where the fields both forms hold are in another
// order (a field only added or removed does not count as a move). Fields are matched by key;
// a key repeated in one form (which Check refuses) is matched at its first occurrence. A nil
// schema counts as a form without fields.
func Diff(before, after *Schema) []Change {
	if before == nil {
		before = &Schema{}
	}
	if after == nil {
		after = &Schema{}
	}
	var out []Change
	if before.Version != after.Version {
		out = append(out, Change{Path: "version", Old: strconv.Itoa(before.Version), New: strconv.Itoa(after.Version)})
	}
	return diffFields(out, "", before.Fields, after.Fields)
}

// diffFields compares two lists of fields under prefix ("" for the form, "fields[t]." for a
// table's columns, whose entries are "columns[...]").
func diffFields(out []Change, prefix string, a, b []Field) []Change {
	list := "fields"
	if prefix != "" {
		list = "columns"
	}
	old := firstByKey(a)
	seen := map[string]bool{}
	for i := range b {
		f := &b[i]
		if seen[f.Key] {
			continue
		}
		seen[f.Key] = true
		path := prefix + list + "[" + f.Key + "]"
		j, ok := old[f.Key]
		if !ok {
			out = append(out, Change{Path: path, New: f.Label.Zh})
			continue
		}
		out = diffField(out, path, &a[j], f)
	}
	now := firstByKey(b)
	removed := map[string]bool{}
	for _, f := range a {
		if _, still := now[f.Key]; !still && !removed[f.Key] {
			removed[f.Key] = true
			out = append(out, Change{Path: prefix + list + "[" + f.Key + "]", Old: f.Label.Zh})
		}
	}
	if x, y := keys(a), keys(b); !slices.Equal(common(x, y), common(y, x)) {
		out = append(out, Change{Path: prefix + "order", Old: strings.Join(x, ", "), New: strings.Join(y, ", ")})
	}
	return out
}

// diffField compares the attributes of one field, then its columns.
func diffField(out []Change, path string, a, b *Field) []Change {
	x, y := attrs(a), attrs(b)
	for _, name := range DiffAttrs {
		if x[name] != y[name] {
			out = append(out, Change{Path: path + "." + name, Old: x[name], New: y[name]})
		}
	}
	if len(a.Columns) > 0 || len(b.Columns) > 0 {
		out = diffFields(out, path+".", a.Columns, b.Columns)
	}
	return out
}

// attrs renders the compared attributes of a field as text; an attribute not set is "".
func attrs(f *Field) map[string]string {
	m := map[string]string{
		"label.zh": f.Label.Zh, "label.en": f.Label.En, "type": string(f.Type),
		"required": strconv.FormatBool(f.Required), "options": OptionsText(f.Options),
		"dictionary": f.Dictionary, "pattern": f.Pattern, "min": BoundText(f.Min), "max": BoundText(f.Max),
		"help.zh": f.Help.Zh, "help.en": f.Help.En, "prefill": f.Prefill,
	}
	if f.VisibleIf != nil {
		m["visible_if"] = f.VisibleIf.Field + " = " + f.VisibleIf.Equals
	}
	if f.MaxRows != 0 {
		m["max_rows"] = strconv.Itoa(f.MaxRows)
	}
	return m
}

// OptionsText writes options one a line as "value=中文标签|English label" (the English part
// only when there is one), the way the form editor takes them.
func OptionsText(opts []Option) string {
	lines := make([]string, len(opts))
	for i, o := range opts {
		lines[i] = o.Value + "=" + o.Label.Zh
		if o.Label.En != "" {
			lines[i] += "|" + o.Label.En
		}
	}
	return strings.Join(lines, "\n")
}

// BoundText writes a min or max; an unset bound is "".
func BoundText(b *float64) string {
	if b == nil {
		return ""
	}
	return strconv.FormatFloat(*b, 'f', -1, 64)
}

// firstByKey maps each key to the index of its first field.
func firstByKey(fs []Field) map[string]int {
	m := make(map[string]int, len(fs))
	for i, f := range fs {
		if _, dup := m[f.Key]; !dup {
			m[f.Key] = i
		}
	}
	return m
}

// keys lists the fields' keys in order, each once.
func keys(fs []Field) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		if !slices.Contains(out, f.Key) {
			out = append(out, f.Key)
		}
	}
	return out
}

// common returns the keys of x that y also holds, in x's order.
func common(x, y []string) []string {
	out := make([]string, 0, len(x))
	for _, k := range x {
		if slices.Contains(y, k) {
			out = append(out, k)
		}
	}
	return out
}
