package handlers

import (
	"regexp"
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
		return t("formedit.diff.order", ch.Old, ch.New)
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
	fieldLabel := h.label(key, "", map[bool]string{true: recorded}[col == ""])
	if col == "" {
		switch {
		case attr == "order":
			return t("formedit.diff.column_order", fieldLabel, key, ch.Old, ch.New)
		case attr != "":
			return t("formedit.diff.changed", fieldLabel, key, t("formedit.attr."+attr), h.value(attr, ch.Old), h.value(attr, ch.New))
		case ch.Old == "":
			return t("formedit.diff.added", fieldLabel, key)
		}
		return t("formedit.diff.removed", fieldLabel, key)
	}
	colLabel := h.label(key, col, recorded)
	switch {
	case attr != "":
		return t("formedit.diff.column_changed", fieldLabel, key, colLabel, col, t("formedit.attr."+attr), h.value(attr, ch.Old), h.value(attr, ch.New))
	case ch.Old == "":
		return t("formedit.diff.column_added", fieldLabel, key, colLabel, col)
	}
	return t("formedit.diff.column_removed", fieldLabel, key, colLabel, col)
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
