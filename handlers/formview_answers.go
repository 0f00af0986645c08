package handlers

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/workflow"
)

// The answers of a filed application in words, for the staff pages, the
// receipt, the status page and the printed form; and the reasons a refused
// answer gets, translated (web/locales/form.*.json), never the core's
// English message.

// answersView is an application's answers as the pages show them.
type answersView struct {
	Rows []answerRow
	// Raw is true for an application filed before forms existed: its
	// answers are shown by their keys, as they were stored.
	Raw bool
	// The view's own words in the page's language.
	BlankText, RawText, NoneText, Question, Answer string
}

// answerRow is one question and its answer.
type answerRow struct {
	Key, Label, Text string
	Prefill          string // the profile field the question is prefilled from
	Blank            bool   // an optional question left unanswered (未填写)
	Table            *answerTable
}

// answerTable is a table answer: its columns' labels and its rows' cells.
type answerTable struct {
	Columns []string
	Rows    [][]string
}

// answersOf renders the answers of an application: by its own form (the one
// it was filed under), or by key when it has none. Identity and phone numbers are
// masked (form.Masked) on every page, the applicant's own and the staff's, unless the
// request showed them in full through the logged action (revealed).
func (s *Server) answersOf(ctx context.Context, lang string, app *models.Application) (answersView, error) {
	v := form.Values(app.Form)
	sc := app.Definition.Form
	if !revealed(ctx) {
		v = form.Masked(sc, v)
	}
	var out answersView
	if sc == nil {
		out = rawAnswers(v)
	} else {
		dicts, err := s.store.FormDicts(ctx)
		if err != nil {
			return answersView{}, err
		}
		out = s.answersIn(lang, sc, dicts, v)
	}
	out.BlankText, out.RawText, out.NoneText = s.site.T(lang, "form.blank"), s.site.T(lang, "form.answers.raw"), s.site.T(lang, "form.answers.none")
	out.Question, out.Answer = s.site.T(lang, "form.answers.question"), s.site.T(lang, "form.answers.answer")
	return out, nil
}

// answersIn renders answers by a form: every asked question in the form's
// order, in words; a question not asked for these answers (visible_if) is
// left out unless it has an answer.
func (s *Server) answersIn(lang string, sc *form.Schema, dicts form.Dicts, v form.Values) answersView {
	var out answersView
	vis := form.Visible(sc, v)
	for i := range sc.Fields {
		f := &sc.Fields[i]
		x := v[f.Key]
		if form.Unanswered(x) && !vis[f.Key] {
			continue
		}
		row := answerRow{Key: f.Key, Label: f.Label.In(lang), Prefill: f.Prefill}
		switch t := x.(type) {
		case []map[string]string:
			row.Table = s.tableAnswer(lang, f, dicts, t)
		case []string:
			words := make([]string, len(t))
			for i, c := range t {
				words[i] = s.answerWord(lang, f, dicts, c)
			}
			row.Text = strings.Join(words, s.site.T(lang, "form.list_sep"))
		case string:
			row.Text = s.answerWord(lang, f, dicts, t)
		}
		if f.Type == form.TypeCheckbox && form.Unanswered(x) {
			row.Text = s.site.T(lang, "form.no") // an unticked box is stored absent
		}
		row.Blank = row.Text == "" && row.Table == nil
		out.Rows = append(out.Rows, row)
	}
	known := map[string]bool{}
	for _, f := range sc.Fields {
		known[f.Key] = true
	}
	for _, r := range rawAnswers(v).Rows {
		if !known[r.Key] {
			out.Rows = append(out.Rows, r)
		}
	}
	return out
}

// tableAnswer renders a table's rows with its columns' labels.
func (s *Server) tableAnswer(lang string, f *form.Field, dicts form.Dicts, rows []map[string]string) *answerTable {
	t := &answerTable{}
	for _, c := range f.Columns {
		t.Columns = append(t.Columns, c.Label.In(lang))
	}
	for _, r := range rows {
		cells := make([]string, len(f.Columns))
		for i := range f.Columns {
			col := &f.Columns[i]
			if val := r[col.Key]; val != "" {
				cells[i] = s.answerWord(lang, col, dicts, val)
			} else if col.Type == form.TypeCheckbox {
				cells[i] = s.site.T(lang, "form.no")
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// rawAnswers shows stored answers without their form, by key.
func rawAnswers(v form.Values) answersView {
	out := answersView{Raw: true}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row := answerRow{Key: k, Label: k}
		switch t := v[k].(type) {
		case string:
			row.Text = t
		case []string:
			row.Text = strings.Join(t, "、")
		case []map[string]string:
			row.Table = rawTable(t)
		default:
			b, _ := json.Marshal(t)
			row.Text = string(b)
		}
		row.Blank = row.Text == "" && row.Table == nil
		out.Rows = append(out.Rows, row)
	}
	return out
}

// rawTable shows stored rows by their column keys.
func rawTable(rows []map[string]string) *answerTable {
	cols := map[string]bool{}
	for _, r := range rows {
		for k := range r {
			cols[k] = true
		}
	}
	t := &answerTable{}
	for k := range cols {
		t.Columns = append(t.Columns, k)
	}
	sort.Strings(t.Columns)
	for _, r := range rows {
		cells := make([]string, len(t.Columns))
		for i, k := range t.Columns {
			cells[i] = r[k]
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// answerOf is the text answer of the first field prefilled from the profile
// field prefill ("" when the form has none or it is blank): the address a
// filing gave, which the application keeps only in its form.
func answerOf(app *models.Application, prefill string) string {
	if app.Definition.Form == nil {
		return ""
	}
	for _, f := range app.Definition.Form.Fields {
		if f.Prefill == prefill {
			if t, ok := app.Form[f.Key].(string); ok && t != "" {
				return t
			}
		}
	}
	return ""
}

// issueMessage is why the answer value of field f was refused, in the
// page's language; f is nil for a key the form does not have.
func (s *Server) issueMessage(lang string, f *form.Field, is form.Issue, value string) string {
	a := is.Args
	switch is.Rule {
	case form.RuleRequired:
		if f != nil && (f.Type == form.TypeCheckbox || f.Type == form.TypeSelect || f.Type == form.TypeMultiselect) {
			return s.site.T(lang, "form.rule.required_"+chooseOrTick(f.Type))
		}
		return s.site.T(lang, "form.rule.required")
	case form.RuleTooLong, form.RuleTooMany, form.RuleMax:
		return s.site.T(lang, "form.rule."+is.Rule, a["max"])
	case form.RuleTooShort, form.RuleTooFew, form.RuleMin:
		return s.site.T(lang, "form.rule."+is.Rule, a["min"])
	case form.RuleFormat:
		if f == nil {
			return s.site.T(lang, "form.rule.format")
		}
		return s.formatMessage(lang, f, a, strings.TrimSpace(value))
	case form.RuleHidden, form.RuleUnknown, form.RuleType, form.RulePattern, form.RuleOption, form.RuleSchema:
		return s.site.T(lang, "form.rule."+is.Rule)
	}
	return s.site.T(lang, "form.rule.format")
}

var (
	// dateShape is a date written as the form asks (it may still not exist: 2026-02-30).
	dateShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	// negativeAmount is an amount in yuan but for its minus sign.
	negativeAmount = regexp.MustCompile(`^-[0-9]+(\.[0-9]{1,2})?$`)
)

// formatMessage says what is wrong with an answer not in its type's form:
// a date that does not exist, an amount below its minimum (the core refuses
// a negative amount as malformed), the check an identity number failed.
func (s *Server) formatMessage(lang string, f *form.Field, a map[string]string, value string) string {
	switch f.Type {
	case form.TypeIDNumber:
		return s.idIssue(lang, value, a["check"])
	case form.TypeDate:
		if dateShape.MatchString(value) {
			return s.site.T(lang, "form.rule.format.date_absent")
		}
	case form.TypeMoney:
		if negativeAmount.MatchString(value) {
			least := "0"
			if f.Min != nil {
				least = bound(f.Min)
			}
			return s.site.T(lang, "form.rule.min", least)
		}
	}
	return s.site.TOr(lang, "form.rule.format."+string(f.Type), s.site.T(lang, "form.rule.format"))
}

// chooseOrTick names the kind of a blank required choice: "tick" for a
// checkbox, "choose" for a select.
func chooseOrTick(t form.Type) string {
	if t == form.TypeCheckbox {
		return "tick"
	}
	return "choose"
}

// idIssue names the check an identity number or credit code failed, in the
// words the applicant block uses for that kind of number (idCheckKey): the
// kind is the one the core checked the number as (workflow.IDKindOf).
func (s *Server) idIssue(lang, value, check string) string {
	switch check {
	case workflow.IDCheckLength, workflow.IDCheckCharset, workflow.IDCheckRegion, workflow.IDCheckBirthDate, workflow.IDCheckChecksum:
		kind := workflow.IDKindOf(workflow.NormalizeID(value))
		return s.site.TOr(lang, "citizen.err."+string(kind)+"."+check, s.site.T(lang, "form.rule.id."+check))
	}
	return s.site.T(lang, "form.rule.format.id_number")
}

// formProblems lists a laid-out form's refused answers for the summary at
// the top of a page, in the form's order, each linking to its input.
func formProblems(fv formView) []formProblem {
	var out []formProblem
	for _, f := range fv.Fields {
		if f.Error != "" {
			out = append(out, formProblem{Href: "#" + f.ID, Label: f.Label, Message: f.Error})
		}
		for _, r := range f.Rows {
			for _, c := range r.Cells {
				if c.Error != "" {
					out = append(out, formProblem{Href: "#" + c.ID, Label: f.Label + " · " + c.Label, Message: c.Error})
				}
			}
		}
	}
	return append(out, fv.Other...)
}

// fieldOptions are a choice's options: its own, or its dictionary's.
func fieldOptions(f *form.Field, dicts form.Dicts) []form.Option {
	if f.Dictionary != "" {
		return dicts[f.Dictionary]
	}
	return f.Options
}

// answerWord is one answer of a field in words: an option's label, 是 or 否
// for a checkbox, an amount in yuan; other answers as they are.
func (s *Server) answerWord(lang string, f *form.Field, dicts form.Dicts, val string) string {
	switch f.Type {
	case form.TypeSelect, form.TypeMultiselect:
		if i := slices.IndexFunc(fieldOptions(f, dicts), func(o form.Option) bool { return o.Value == val }); i >= 0 {
			return fieldOptions(f, dicts)[i].Label.In(lang)
		}
	case form.TypeCheckbox:
		switch val {
		case "true":
			return s.site.T(lang, "form.yes")
		case "false":
			return s.site.T(lang, "form.no")
		}
	case form.TypeMoney:
		return s.site.T(lang, "form.money", val)
	}
	return val
}
