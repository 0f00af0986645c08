package handlers

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"

	"onewindow/models/form"
)

// form.Check says what is wrong with a schema in English, at a path; the editor says it in
// the page's language beside the input it concerns. checkRules recognise each of Check's
// messages (a test feeds every one of them through), and problemAt places a path on the page.

// checkRule recognises one of form.Check's messages at an attribute ("key", "label.zh",
// "visible_if.field"; option members are "option.value", "option.label.zh"); the message's
// quoted or numbered parts become the locale message's arguments.
type checkRule struct {
	attr string
	re   *regexp.Regexp
	key  string
}

var checkRules = func() []checkRule {
	rule := func(attr, re, key string) checkRule {
		return checkRule{attr, regexp.MustCompile(re), "formedit.err." + key}
	}
	return []checkRule{
		rule("", `^has (\d+) fields; at most (\d+) are allowed$`, "too_many_fields"),
		rule("key", `^is missing$`, "key_missing"),
		rule("key", `^"(.*)" must be a lower-case letter`, "key_pattern"),
		rule("key", `^"(.*)" is already the key of field (\d+)$`, "key_duplicate"),
		rule("label.zh", `^is missing$`, "label_missing"),
		rule("type", `^"(.*)" is not a known type$`, "type_unknown"),
		rule("type", `^a table cannot hold a table$`, "table_in_table"),
		rule("type", `^a table cell holds one value`, "multiselect_in_table"),
		rule("visible_if", `^table columns cannot be conditional$`, "column_condition"),
		rule("prefill", `^table columns cannot be prefilled$`, "column_prefill"),
		rule("options", `^only select and multiselect fields take options$`, "options_not_choice"),
		rule("dictionary", `^give inline options or a dictionary, not both$`, "options_and_dictionary"),
		rule("dictionary", `^"(.*)" is not an existing dictionary$`, "dictionary_unknown"),
		rule("options", `^a \S+ field needs options or a dictionary$`, "options_missing"),
		rule("option.value", `^is missing$`, "option_value_missing"),
		rule("option.value", `^"(.*)" is offered twice$`, "option_twice"),
		rule("option.label.zh", `^is missing$`, "option_label_missing"),
		rule("pattern", `^only text, textarea and address fields take a pattern$`, "pattern_type"),
		rule("pattern", `^does not compile: (.*)$`, "pattern_bad"),
		rule("min", `^a length or row count must be a whole number`, "bound_whole"),
		rule("max", `^a length or row count must be a whole number`, "bound_whole"),
		rule("min", `^min and max apply to`, "bound_type"),
		rule("min", `^(\S+) is more than the (\d+) characters a \S+ field holds$`, "min_too_long"),
		rule("min", `^(\S+) is greater than max (\S+)$`, "min_over_max"),
		rule("prefill", `^"(.*)" is not a profile field`, "prefill_unknown"),
		rule("columns", `^only a table has columns and max_rows$`, "columns_not_table"),
		rule("columns", `^a table needs at least one column$`, "columns_missing"),
		rule("max_rows", `^a table needs max_rows`, "max_rows_missing"),
		rule("visible_if.field", `^is missing$`, "if_field_missing"),
		rule("visible_if.field", `^"(.*)" is not an earlier field$`, "if_field_later"),
		rule("visible_if.field", `^"(.*)" is a table;`, "if_field_table"),
		rule("visible_if.equals", `^a checkbox condition equals`, "if_equals_checkbox"),
		rule("visible_if.equals", `^"(.*)" is not an option of "(.*)"$`, "if_equals_option"),
	}
}()

// problemPath reads a Check path: "fields[3].columns[1].options[0].label.zh" is field 3,
// column 1, option 0, attribute "label.zh"; absent parts are -1 and "".
var problemPath = regexp.MustCompile(`^fields\[(\d+)\](?:\.columns\[(\d+)\])?(?:\.options\[(\d+)\])?(?:\.(.+))?$`)

// problemPlace is where the page shows a problem: the field, its column (-1 for the field
// itself), the option (-1 for none) and the input it concerns (slot).
type problemPlace struct {
	Field, Column, Option int
	Attr                  string
}

// problemAt places a path; ok is false for a path that names no field ("fields", "reason").
func problemAt(path string) (problemPlace, bool) {
	m := problemPath.FindStringSubmatch(path)
	if m == nil {
		return problemPlace{Field: -1, Column: -1, Option: -1}, false
	}
	num := func(s string) int {
		if s == "" {
			return -1
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	return problemPlace{Field: num(m[1]), Column: num(m[2]), Option: num(m[3]), Attr: m[4]}, true
}

// slot is the input a problem is shown under: "key", "label_zh", "type", "options",
// "dictionary", "pattern", "min", "max", "prefill", "visible_if", "max_rows", "columns", or
// "field" for the field as a whole.
func (p problemPlace) slot() string {
	switch {
	case p.Option >= 0:
		return "options"
	case strings.HasPrefix(p.Attr, "visible_if"):
		return "visible_if"
	case p.Attr == "label.zh":
		return "label_zh"
	case p.Attr == "":
		return "field"
	}
	return p.Attr
}

// checkProblem turns one of form.Check's problems into the editor's: a locale key and its
// arguments. A message no rule knows keeps its English text (formedit.err.other).
func checkProblem(p form.Problem) editProblem {
	at, _ := problemAt(p.Path)
	attr := at.Attr
	if at.Option >= 0 {
		attr = "option." + attr
	}
	for _, r := range checkRules {
		m := r.re.FindStringSubmatch(p.Message)
		if r.attr != attr || m == nil {
			continue
		}
		args := make([]any, 0, len(m))
		for _, a := range m[1:] {
			args = append(args, a)
		}
		switch r.key {
		case "formedit.err.key_duplicate": // Check counts fields from 0, people from 1
			n, _ := strconv.Atoi(m[2])
			args[1] = n + 1
		case "formedit.err.option_value_missing", "formedit.err.option_label_missing", "formedit.err.option_twice":
			args = append([]any{at.Option + 1}, args...)
		}
		return editProblem{Path: p.Path, Key: r.key, Args: args}
	}
	return editProblem{Path: p.Path, Key: "formedit.err.other", Args: []any{p.Message}}
}

// checkDraft converts the working copy and checks it: the inputs that are not what they must
// be, then form.Check's problems with the dictionaries that exist.
func checkDraft(d formDraft, dicts form.Dicts) (*form.Schema, []editProblem) {
	s, probs := d.schema()
	for _, p := range form.Check(s, dicts) {
		ep := checkProblem(p)
		if ep.Key == "formedit.err.pattern_bad" {
			if f := schemaField(s, p.Path); f != nil {
				ep = regexProblem(p.Path, f.Pattern, ep)
			}
		}
		probs = append(probs, ep)
	}
	return s, probs
}

// schemaField is the field (or table column) a problem's path names, or nil.
func schemaField(s *form.Schema, path string) *form.Field {
	at, ok := problemAt(path)
	if !ok || at.Field >= len(s.Fields) {
		return nil
	}
	f := &s.Fields[at.Field]
	if at.Column < 0 {
		return f
	}
	if at.Column >= len(f.Columns) {
		return nil
	}
	return &f.Columns[at.Column]
}

// regexCodes names the locale key (formedit.regex.<name>) of each way a regular expression
// fails to parse.
var regexCodes = map[syntax.ErrorCode]string{
	syntax.ErrInternalError:         "internal",
	syntax.ErrInvalidCharClass:      "invalid_char_class",
	syntax.ErrInvalidCharRange:      "invalid_char_range",
	syntax.ErrInvalidEscape:         "invalid_escape",
	syntax.ErrInvalidNamedCapture:   "invalid_named_capture",
	syntax.ErrInvalidPerlOp:         "invalid_perl_op",
	syntax.ErrInvalidRepeatOp:       "invalid_repeat_op",
	syntax.ErrInvalidRepeatSize:     "invalid_repeat_size",
	syntax.ErrInvalidUTF8:           "invalid_utf8",
	syntax.ErrMissingBracket:        "missing_bracket",
	syntax.ErrMissingParen:          "missing_paren",
	syntax.ErrMissingRepeatArgument: "missing_repeat_argument",
	syntax.ErrTrailingBackslash:     "trailing_backslash",
	syntax.ErrUnexpectedParen:       "unexpected_paren",
	syntax.ErrNestingDepth:          "nesting_depth",
	syntax.ErrLarge:                 "large",
}

// regexProblem says why a field's pattern does not compile in the page's words: what is
// wrong (a locale key formedit.regex.<code>, formatted by the page) and, where the parser
// names the part it stopped at, its position (1-based, in characters) and text. A failure
// it cannot name keeps fallback.
func regexProblem(path, pattern string, fallback editProblem) editProblem {
	_, err := regexp.Compile(pattern)
	var se *syntax.Error
	if !errors.As(err, &se) {
		return fallback
	}
	what, ok := regexCodes[se.Code]
	if !ok {
		return fallback
	}
	what = "formedit.regex." + what
	// A parenthesis missing or too many is reported with the whole expression: no position.
	whole := se.Code == syntax.ErrMissingParen || se.Code == syntax.ErrUnexpectedParen
	if i := strings.Index(pattern, se.Expr); !whole && se.Expr != "" && i >= 0 {
		return editProblem{Path: path, Key: "formedit.err.regex_at", Args: []any{localeRef(what), utf8.RuneCountInString(pattern[:i]) + 1, se.Expr}}
	}
	return editProblem{Path: path, Key: "formedit.err.regex", Args: []any{localeRef(what)}}
}

// localeRef is an argument of a problem that is itself a locale key, said in the page's
// language when the problem is.
type localeRef string
