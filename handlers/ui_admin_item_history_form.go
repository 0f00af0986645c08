package handlers

import (
	"regexp"
	"slices"
	"strings"

	"onewindow/models"
	"onewindow/models/form"
)

// The item history shows a change of the application form as sentences (新增字段「经营面积」
// (area), 字段「姓名」(name) 的必填：否 → 是 …) rather than as rows of the form's JSON. A
// revision records the form's change field by field (models.DiffItems, "form_schema.…");
// the labels are read in the page's language from the forms before and after the change,
// which the revisions' snapshots hold.

// formChangePath reads "form_schema.fields[key]", "form_schema.fields[key].type",
// "form_schema.fields[key].columns[col].label.zh" and "form_schema.fields[key].order".
var formChangePath = regexp.MustCompile(`^form_schema\.fields\[([^\]]*)\](?:\.columns\[([^\]]*)\])?(?:\.(.+))?$`)

// isFormChange reports whether a change is one of the application form's.
func isFormChange(ch models.FieldChange) bool {
	return ch.Field == "form_schema" || strings.HasPrefix(ch.Field, "form_schema.")
}

// revisionForm is the form an item version used, or nil when its snapshot cannot be read.
func revisionForm(r *models.Revision) *form.Schema {
	it, err := r.Item()
	if err != nil {
		return nil
	}
	s, _, err := it.ApplicationForm()
	if err != nil {
		return nil
	}
	return s
}

// historyForms returns the forms before and after revision i of revs (newest first). The
// form before the oldest revision listed is known only where that revision left the default
// form for the item's own without changing what the default form is built from.
func historyForms(revs []models.Revision, i int) (before, after *form.Schema) {
	after = revisionForm(&revs[i])
	if i+1 < len(revs) {
		return revisionForm(&revs[i+1]), after
	}
	fromDefault, builtFromChanged := false, false
	for _, ch := range revs[i].Diff {
		fromDefault = fromDefault || ch.Field == "form_schema.source" && ch.Old == "default"
		builtFromChanged = builtFromChanged || ch.Field == "name" || ch.Field == "service_objects"
	}
	if it, err := revs[i].Item(); err == nil && fromDefault && !builtFromChanged {
		d := form.Default(it.Name, it.ServiceObjects)
		before = &d
	}
	return before, after
}

// formHistory says a revision's form changes in a language; before and after are the forms
// of the previous version and of this one (nil when unknown).
type formHistory struct {
	s             *Server
	lang          string
	before, after *form.Schema
}

// lines returns the sentences of the form's changes and the revision's other changes.
func (h formHistory) lines(changes []models.FieldChange) (lines []string, other []models.FieldChange) {
	for _, ch := range changes {
		if !isFormChange(ch) {
			other = append(other, ch)
			continue
		}
		if ch.Field == "form_schema" { // a stored form that could not be read when the change was recorded
			if h.before == nil || h.after == nil {
				lines = append(lines, h.s.site.T(h.lang, "formedit.diff.raw"))
				continue
			}
			for _, c := range form.Diff(h.before, h.after) {
				lines = append(lines, h.line(models.FieldChange{Field: "form_schema." + c.Path, Old: c.Old, New: c.New}))
			}
			continue
		}
		lines = append(lines, h.line(ch))
	}
	return lines, other
}

// line says one change of the form.
func (h formHistory) line(ch models.FieldChange) string {
	t := func(key string, args ...any) string { return h.s.site.T(h.lang, key, args...) }
	switch ch.Field {
	case "form_schema.source":
		if ch.New == "default" {
			return t("formedit.diff.source_default")
		}
		return t("formedit.diff.source_custom")
	case "form_schema.order":
		return t("formedit.diff.order", h.moves("", ch.Old, ch.New))
	case "form_schema.version":
		return t("formedit.diff.version", ch.Old, ch.New)
	}
	m := formChangePath.FindStringSubmatch(ch.Field)
	if m == nil {
		return ch.Field + ": " + ch.Old + " → " + ch.New
	}
	key, col, attr := m[1], m[2], m[3]
	recorded := "" // an added or removed field or column carries its Chinese label
	if attr == "" {
		recorded = ch.Old + ch.New
	}
	var what string // the field, or the table's column, the change is about
	if col == "" {
		what = t("formedit.diff.field", h.label(key, "", recorded), key)
	} else {
		what = t("formedit.diff.column", h.label(key, "", ""), key, h.label(key, col, recorded), col)
	}
	switch {
	case attr == "order" && col == "":
		return t("formedit.diff.column_order", what, h.moves(key, ch.Old, ch.New))
	case attr == "options":
		return t("formedit.diff.changed_how", what, t("formedit.attr.options"), h.optionsDelta(ch.Old, ch.New))
	case attr != "":
		return t("formedit.diff.changed", what, t("formedit.attr."+attr), h.value(attr, ch.Old), h.value(attr, ch.New))
	case ch.Old == "":
		if d := h.details(h.after, key, col, true); d != "" {
			return t("formedit.diff.added_detail", what, d)
		}
		return t("formedit.diff.added", what)
	}
	if d := h.details(h.before, key, col, false); d != "" {
		return t("formedit.diff.removed_detail", what, d)
	}
	return t("formedit.diff.removed", what)
}

// maxDiffOptions bounds the options a history line names one by one.
const maxDiffOptions = 8

// details says what a field (or column col of the table key) of the form s is: its type,
// whether it is required, with all its options or dictionary, and its position ("第 N 项");
// "" when s does not hold it.
func (h formHistory) details(s *form.Schema, key, col string, all bool) string {
	t := func(k string, args ...any) string { return h.s.site.T(h.lang, k, args...) }
	if s == nil {
		return ""
	}
	list, posKey := s.Fields, "formedit.diff.detail.position"
	i := slices.IndexFunc(list, func(f form.Field) bool { return f.Key == key })
	if i >= 0 && col != "" {
		list, posKey = list[i].Columns, "formedit.diff.detail.column_position"
		i = slices.IndexFunc(list, func(f form.Field) bool { return f.Key == col })
	}
	if i < 0 {
		return ""
	}
	f := &list[i]
	parts := []string{h.value("type", string(f.Type))}
	if f.Required {
		parts = append(parts, t("formedit.diff.detail.required"))
	} else {
		parts = append(parts, t("formedit.diff.detail.optional"))
	}
	switch {
	case !all:
	case f.Dictionary != "":
		parts = append(parts, t("formedit.diff.detail.dictionary", f.Dictionary))
	case len(f.Options) > 0:
		var labels []string
		for _, o := range f.Options[:min(len(f.Options), maxDiffOptions)] {
			labels = append(labels, o.Label.In(h.lang))
		}
		list := strings.Join(labels, t("formedit.diff.list_sep"))
		if more := len(f.Options) - len(labels); more > 0 {
			parts = append(parts, t("formedit.diff.detail.options_more", list, len(f.Options)))
		} else {
			parts = append(parts, t("formedit.diff.detail.options", list))
		}
	}
	parts = append(parts, t(posKey, i+1))
	return strings.Join(parts, t("formedit.diff.detail.sep"))
}

// moves says which fields (or columns of the table key) moved from the order old to the order
// new (keys joined by ", "): those outside the longest run of fields that kept their order,
// each with its new position.
func (h formHistory) moves(table, old, new string) string {
	x, y := strings.Split(old, ", "), strings.Split(new, ", ")
	kept := map[string]bool{}
	for _, k := range longestCommon(x, y) {
		kept[k] = true
	}
	var parts []string
	for i, k := range y {
		if kept[k] || !slices.Contains(x, k) {
			continue
		}
		if table == "" {
			parts = append(parts, h.s.site.T(h.lang, "formedit.diff.moved", h.label(k, "", ""), k, i+1))
		} else {
			parts = append(parts, h.s.site.T(h.lang, "formedit.diff.moved", h.label(table, k, ""), k, i+1))
		}
	}
	return strings.Join(parts, h.s.site.T(h.lang, "formedit.diff.sep"))
}

// longestCommon is a longest common subsequence of two key lists.
func longestCommon(x, y []string) []string {
	n := make([][]int, len(x)+1)
	for i := range n {
		n[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				n[i][j] = n[i+1][j+1] + 1
			} else {
				n[i][j] = max(n[i+1][j], n[i][j+1])
			}
		}
	}
	var out []string
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] == y[j]:
			out = append(out, x[i])
			i, j = i+1, j+1
		case n[i+1][j] >= n[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// optionsDelta says how a list of options (form.OptionsText) changed: the options added and
// taken out by their labels, those whose labels changed, and whether the order changed.
func (h formHistory) optionsDelta(old, new string) string {
	t := func(key string, args ...any) string { return h.s.site.T(h.lang, key, args...) }
	a, b := parseOptionLines(old), parseOptionLines(new)
	byValue := func(opts []form.Option) map[string]form.Option {
		m := map[string]form.Option{}
		for _, o := range opts {
			m[o.Value] = o
		}
		return m
	}
	was, now := byValue(a), byValue(b)
	name := func(o form.Option) string { return t("formedit.diff.option", o.Label.In(h.lang), o.Value) }
	var added, removed, changed, parts []string
	var keptA, keptB []string
	for _, o := range b {
		if p, ok := was[o.Value]; !ok {
			added = append(added, name(o))
		} else if p.Label != o.Label {
			changed = append(changed, t("formedit.diff.option_relabelled", form.OptionsText([]form.Option{p}), form.OptionsText([]form.Option{o})))
		}
		if _, ok := was[o.Value]; ok {
			keptB = append(keptB, o.Value)
		}
	}
	for _, o := range a {
		if _, ok := now[o.Value]; !ok {
			removed = append(removed, name(o))
		} else {
			keptA = append(keptA, o.Value)
		}
	}
	list := t("formedit.diff.list_sep")
	if len(added) > 0 {
		parts = append(parts, t("formedit.diff.options_added", strings.Join(added, list)))
	}
	if len(removed) > 0 {
		parts = append(parts, t("formedit.diff.options_removed", strings.Join(removed, list)))
	}
	parts = append(parts, changed...)
	if !slices.Equal(keptA, keptB) {
		parts = append(parts, t("formedit.diff.options_order"))
	}
	if len(parts) == 0 { // the same options written another way
		return h.value("options", old) + " → " + h.value("options", new)
	}
	return strings.Join(parts, t("formedit.diff.sep"))
}

// label names a field (or a column of it) in the page's language: from the form after the
// change, else before it, else recorded (the Chinese label an added or removed one carries),
// else its key.
func (h formHistory) label(key, col, recorded string) string {
	for _, s := range []*form.Schema{h.after, h.before} {
		if s == nil {
			continue
		}
		f := s.Field(key)
		if f != nil && col != "" {
			f = (&form.Schema{Fields: f.Columns}).Field(col)
		}
		if f != nil && f.Label.In(h.lang) != "" {
			return f.Label.In(h.lang)
		}
	}
	switch {
	case recorded != "":
		return recorded
	case col != "":
		return col
	}
	return key
}

// value says an attribute's value: types, yes/no and profile fields translated, options one
// after another, an unset one as （无）.
func (h formHistory) value(attr, v string) string {
	t := func(key string) string { return h.s.site.T(h.lang, key) }
	switch {
	case v == "":
		return t("formedit.diff.blank")
	case attr == "type":
		return h.s.site.TOr(h.lang, "formedit.type."+v, v)
	case attr == "prefill":
		return h.s.site.TOr(h.lang, "formedit.prefill."+v, v)
	case attr == "required" && v == "true":
		return t("formedit.diff.yes")
	case attr == "required" && v == "false":
		return t("formedit.diff.no")
	case attr == "options":
		return strings.ReplaceAll(v, "\n", "；")
	}
	return v
}
