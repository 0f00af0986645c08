package handlers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/form"
)

// The form editor's view model: the working copy as inputs with their problems beside them,
// the choices its selects offer, and the preview of the working copy as an applicant sees it.

// editorChoice is one option of a select of the editor.
type editorChoice struct{ Value, Label string }

// editorChoices are the options of the editor's selects, the same for every field.
type editorChoices struct {
	Lang                   string
	Action                 string // the editor's address, which the buttons post to with a fragment
	Types, Dicts, Prefills []editorChoice
}

// hasChoice reports whether a choice list offers the value.
func hasChoice(list []editorChoice, v string) bool {
	return slices.ContainsFunc(list, func(c editorChoice) bool { return c.Value == v })
}

// editorFieldView is one field (or table column) of the working copy on the page.
type editorFieldView struct {
	fieldDraft
	Num     int    // 1-based position
	Index   string // the operation's argument: "3", or "3.1" for a column
	Name    string // input name prefix: "f3.", "f3.c1."
	ID      string // element id prefix: "f3-", "f3-c1-"
	Column  bool
	Table   bool // show the columns (a table, or a field that has columns)
	Cols    []editorFieldView
	Earlier []editorChoice // the fields a condition may refer to
	Errors  map[string][]string
	First   bool
	Last    bool
	// TypeKnown, DictKnown and PrefillKnown are false for a value the selects do not offer
	// (from an import), which the page keeps as an extra option so it is not lost.
	TypeKnown, DictKnown, PrefillKnown bool
	Opts                               *editorChoices
	// More opens the field's further settings (options, pattern, bounds, help, condition,
	// prefill): for a new or choice field, or one with a problem there; Brief says what
	// is set there while it is closed.
	More  bool
	Brief string
	// Anchor is the id of the field's box ("fe-field-3", "fe-field-3-col-2", counted from
	// 1); UpTo, DownTo, RemoveTo and AddColTo are the anchors where the page shows what the
	// button acted on after the post, so that a long form does not land at its top.
	Anchor, UpTo, DownTo, RemoveTo, AddColTo string
	Count                                    int  // the fields of the form, for the move-to input
	Focus                                    bool // the field was just moved to a position
}

// fieldAnchor is the id of field i's box (0-based i; "fe-field-3" for the third field),
// or of its column j.
func fieldAnchor(i int, col ...int) string {
	a := "fe-field-" + strconv.Itoa(i+1)
	for _, j := range col {
		a += "-col-" + strconv.Itoa(j+1)
	}
	return a
}

// rowTargets are the anchors the up, down and remove buttons of row i of n rows land on;
// anchor names row k, and after the last one goes away the page lands on whole.
func rowTargets(i, n int, anchor func(k int) string, whole string) (up, down, remove string) {
	up, down = anchor(max(i-1, 0)), anchor(min(i+1, n-1))
	switch {
	case i < n-1:
		remove = anchor(i) // the next one takes its place
	case i > 0:
		remove = anchor(i - 1)
	default:
		remove = whole
	}
	return up, down, remove
}

// moreSlots are the inputs among a field's further settings.
var moreSlots = []string{"options", "dictionary", "pattern", "min", "max", "prefill", "visible_if"}

// settle decides whether a field's further settings are open and says what they hold.
func (s *Server) settle(lang string, f *editorFieldView) {
	f.More = f.Key == "" || f.Type == string(form.TypeSelect) || f.Type == string(form.TypeMultiselect) ||
		slices.ContainsFunc(moreSlots, func(slot string) bool { return len(f.Errors[slot]) > 0 })
	var parts []string
	add := func(key string, args ...any) { parts = append(parts, s.site.T(lang, key, args...)) }
	if n := len(parseOptionLines(f.Options)); n > 0 {
		add("formedit.brief.options", n)
	}
	if f.Dictionary != "" {
		add("formedit.brief.dictionary", f.Dictionary)
	}
	if f.Pattern != "" {
		add("formedit.brief.pattern")
	}
	if f.Min != "" {
		add("formedit.brief.min", f.Min)
	}
	if f.Max != "" {
		add("formedit.brief.max", f.Max)
	}
	if f.HelpZh != "" || f.HelpEn != "" {
		add("formedit.brief.help")
	}
	if f.IfField != "" {
		add("formedit.brief.condition", f.IfField, f.IfEquals)
	}
	if f.Prefill != "" {
		add("formedit.brief.prefill", s.site.TOr(lang, "formedit.prefill."+f.Prefill, f.Prefill))
	}
	if len(parts) == 0 {
		add("formedit.brief.none")
	}
	f.Brief = strings.Join(parts, " · ")
}

// itemFormPage is the data of the editor page.
type itemFormPage struct {
	Item        *models.Item
	Code        string
	Department  string
	Version     int // the item version the working copy was started from
	Custom      bool
	FormVersion int
	Fields      []editorFieldView
	Summary     []string            // every problem as one line, in the page's language
	PageErrors  map[string][]string // problems of "reason", "import" and the form as a whole
	Reason      string
	Notice      string // a locale key
	Stale       bool
	Preview     []previewField
	ShowPreview bool
	IsDefault   bool // the working copy is the default form
	Problems    int
	AddTo       string // the anchor of the field "add" appends
}

func (s *Server) renderFormEditor(c *gin.Context, status int, e *formEditor, st editorState) {
	lang := langOf(c)
	p := itemFormPage{Item: e.item, Code: e.item.Code, Version: e.version, Custom: e.custom,
		Department: s.ref.Load().deptByKey[e.item.DepartmentCode].Name, FormVersion: st.draft.Version,
		PageErrors: map[string][]string{}, Reason: st.reason, Notice: st.notice, Stale: st.stale,
		ShowPreview: st.preview, Problems: len(st.problems)}
	opts := s.editorChoices(lang, e.dicts)
	opts.Action = "/admin/items/" + e.item.Code + "/form"
	n := len(st.draft.Fields)
	p.AddTo = fieldAnchor(n)
	for i, fd := range st.draft.Fields {
		fv := fieldViewOf(fd, opts, strconv.Itoa(i), draftPrefix(i))
		fv.First, fv.Last = i == 0, i == n-1
		fv.Anchor, fv.Count, fv.Focus = fieldAnchor(i), n, st.moved && st.focus == i
		fv.UpTo, fv.DownTo, fv.RemoveTo = rowTargets(i, n, func(k int) string { return fieldAnchor(k) }, "fe-fields")
		fv.AddColTo = fieldAnchor(i, len(fd.Columns))
		for j, cd := range fd.Columns {
			cv := fieldViewOf(cd, opts, strconv.Itoa(i)+"."+strconv.Itoa(j), draftPrefix(i, j))
			cv.Num, cv.Column = j+1, true
			cv.First, cv.Last = j == 0, j == len(fd.Columns)-1
			cv.Anchor = fieldAnchor(i, j)
			cv.UpTo, cv.DownTo, cv.RemoveTo = rowTargets(j, len(fd.Columns), func(k int) string { return fieldAnchor(i, k) }, fv.Anchor)
			fv.Cols = append(fv.Cols, cv)
		}
		fv.Num = i + 1
		for _, earlier := range st.draft.Fields[:i] {
			if earlier.Key != "" {
				fv.Earlier = append(fv.Earlier, editorChoice{earlier.Key,
					earlier.Key + " " + form.Text{Zh: earlier.LabelZh, En: earlier.LabelEn}.In(lang)})
			}
		}
		if fd.IfField != "" && !hasChoice(fv.Earlier, fd.IfField) {
			fv.Earlier = append(fv.Earlier, editorChoice{fd.IfField, fd.IfField})
		}
		p.Fields = append(p.Fields, fv)
	}
	for _, pr := range st.problems {
		msg := s.site.T(lang, pr.Key, s.localeArgs(lang, pr.Args)...)
		p.Summary = append(p.Summary, s.placeProblem(lang, &p, pr.Path, msg))
	}
	for i := range p.Fields {
		s.settle(lang, &p.Fields[i])
		for j := range p.Fields[i].Cols {
			s.settle(lang, &p.Fields[i].Cols[j])
		}
	}
	schema, _ := st.draft.schema()
	p.IsDefault = sameForm(schema, e.defaultForm())
	if st.preview {
		p.Preview = s.previewFields(lang, schema.Fields, e.byName, schema.Fields)
	}
	s.render(c, status, "admin_item_form", s.site.T(lang, "formedit.title", e.item.Name), "staff", p)
}

// localeArgs says a problem's arguments that are locale keys (localeRef) in lang.
func (s *Server) localeArgs(lang string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if k, ok := a.(localeRef); ok {
			a = s.site.T(lang, string(k))
		}
		out[i] = a
	}
	return out
}

func fieldViewOf(fd fieldDraft, opts *editorChoices, index, name string) editorFieldView {
	id := strings.ReplaceAll(name, ".", "-")
	return editorFieldView{fieldDraft: fd, Index: index, Name: name, ID: id, Errors: map[string][]string{}, Opts: opts,
		Table:     fd.Type == string(form.TypeTable) || len(fd.Columns) > 0,
		TypeKnown: hasChoice(opts.Types, fd.Type), DictKnown: fd.Dictionary == "" || hasChoice(opts.Dicts, fd.Dictionary),
		PrefillKnown: fd.Prefill == "" || hasChoice(opts.Prefills, fd.Prefill)}
}

// placeProblem puts a problem beside its input and returns its summary line.
func (s *Server) placeProblem(lang string, p *itemFormPage, path, msg string) string {
	at, ok := problemAt(path)
	if !ok || at.Field >= len(p.Fields) {
		p.PageErrors[path] = append(p.PageErrors[path], msg)
		return msg
	}
	f := &p.Fields[at.Field]
	name := s.draftLabel(lang, f.fieldDraft)
	if at.Column < 0 || at.Column >= len(f.Cols) {
		f.Errors[at.slot()] = append(f.Errors[at.slot()], msg)
		return s.site.T(lang, "formedit.summary.field", f.Num, name, msg)
	}
	col := &f.Cols[at.Column]
	col.Errors[at.slot()] = append(col.Errors[at.slot()], msg)
	return s.site.T(lang, "formedit.summary.column", f.Num, name, col.Num, s.draftLabel(lang, col.fieldDraft), msg)
}

// draftLabel names a field of the working copy: its label, else its key, else 未命名.
func (s *Server) draftLabel(lang string, fd fieldDraft) string {
	label := form.Text{Zh: fd.LabelZh, En: fd.LabelEn}.In(lang)
	switch {
	case label != "" && fd.Key != "":
		return label + " (" + fd.Key + ")"
	case label != "":
		return label
	case fd.Key != "":
		return fd.Key
	}
	return s.site.T(lang, "formedit.unnamed")
}

func (s *Server) editorChoices(lang string, dicts []models.FormDictionary) *editorChoices {
	o := &editorChoices{Lang: lang}
	for _, t := range form.Types {
		o.Types = append(o.Types, editorChoice{string(t), s.site.T(lang, "formedit.type."+string(t))})
	}
	for _, d := range dicts {
		label := dictTitle(lang, &d)
		if label == d.Name {
			label = d.Name
		} else {
			label = d.Name + "（" + label + "）"
		}
		o.Dicts = append(o.Dicts, editorChoice{d.Name, s.site.T(lang, "formedit.dictionary_option", label, len(d.Options))})
	}
	for _, pf := range form.ProfileFields {
		o.Prefills = append(o.Prefills, editorChoice{pf, s.site.T(lang, "formedit.prefill."+pf)})
	}
	return o
}

// previewField is one question of the preview, as the applicant would read it.
type previewField struct {
	Lang             string
	Key, Label, Help string
	Type             string // the field type, which decides the input shown
	Required         bool
	Options          []string
	Condition        string // when the question is asked, or ""
	Prefill          string // what the profile fills in, or ""
	Columns          []previewField
	MaxRows          int
}

// previewFields renders fields in lang; all are the form's top-level fields, which
// conditions refer to.
func (s *Server) previewFields(lang string, fields []form.Field, dicts form.Dicts, all []form.Field) []previewField {
	out := make([]previewField, 0, len(fields))
	for _, f := range fields {
		pf := previewField{Lang: lang, Key: f.Key, Label: f.Label.In(lang), Help: f.Help.In(lang), Type: string(f.Type),
			Required: f.Required, MaxRows: f.MaxRows}
		opts := f.Options
		if f.Dictionary != "" {
			opts = dicts[f.Dictionary]
		}
		for _, o := range opts {
			pf.Options = append(pf.Options, o.Label.In(lang))
		}
		if c := f.VisibleIf; c != nil {
			pf.Condition = s.previewCondition(lang, c, all, dicts)
		}
		if f.Prefill != "" {
			pf.Prefill = s.site.T(lang, "formedit.preview.prefill", s.site.T(lang, "formedit.prefill."+f.Prefill))
		}
		if len(f.Columns) > 0 {
			pf.Columns = s.previewFields(lang, f.Columns, dicts, all)
		}
		out = append(out, pf)
	}
	return out
}

// previewCondition says when a question of the preview is asked, in the words the applicant's
// form uses (form.only_if): the referred field's label, and 是/否 for a checkbox or the
// option's label for a choice; a field the form does not hold is named by its key.
func (s *Server) previewCondition(lang string, c *form.Condition, all []form.Field, dicts form.Dicts) string {
	subject, value := c.Field, c.Equals
	if i := slices.IndexFunc(all, func(f form.Field) bool { return f.Key == c.Field }); i >= 0 {
		if l := all[i].Label.In(lang); l != "" {
			subject = l
		}
		value = s.answerWord(lang, &all[i], dicts, c.Equals)
	}
	return s.site.T(lang, "form.only_if", subject, value)
}
