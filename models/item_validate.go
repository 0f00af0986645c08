package models

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The rules of a valid item live here and only here: the store applies them
// to every edit, creation and import, and the file transfer reports them on
// the rows and columns of a spreadsheet, so the same bad input gets the same
// field error in the form, the API and an import.

// Limits of the national exchange schema and of the columns.
const (
	maxItemCode    = 100 // task_code: real lists publish 21 to 55 characters
	maxCatalogCode = 64  // catalog_code (基本编码), optional
	maxNameRunes   = 200
	maxKeyLen      = 32
)

// Rule names: the kind of problem a field has, for translated messages.
const (
	RuleRequired         = "required"
	RuleTooLong          = "too_long"
	RulePadded           = "padded"
	RuleLength           = "length"
	RuleUnknown          = "unknown"
	RuleOneOf            = "one_of"
	RuleNegative         = "negative"
	RuleExceedsStatutory = "exceeds_statutory"
	// RuleJointLimit is a joint item whose statutory limit is not the joint
	// limit its type's law sets (行政许可法 Art. 42: 45 working days).
	RuleJointLimit        = "joint_limit"
	RuleDate              = "date"
	RuleListValue         = "list_value"
	RuleBadChar           = "bad_char"
	RuleDuplicate         = "duplicate"
	RuleTaken             = "taken"
	RuleReasonRequired    = "reason_required"
	RuleMergedIntoMissing = "merged_into_required"
	RuleMergedIntoSelf    = "merged_into_self"
	RuleInvalid           = "invalid"
	RuleCodeChars         = "code_chars" // a code holding other than letters, digits and -
)

// Known is what an item may refer to: the department and item type codes in
// use. A nil map knows nothing, so every code is reported as unknown.
type Known struct {
	Departments map[string]bool
	Types       map[string]bool
	// StageRoles are the roles a department's own stages may name; the
	// zero value skips that check (the store re-checking a checked edit).
	StageRoles StageRoles
}

func loadRef(db *gorm.DB) (Known, error) {
	ref := Known{Departments: map[string]bool{}, Types: map[string]bool{}}
	var depts, types []string
	if err := db.Model(&Department{}).Pluck("code", &depts).Error; err != nil {
		return ref, err
	}
	if err := db.Model(&ItemType{}).Pluck("code", &types).Error; err != nil {
		return ref, err
	}
	for _, c := range depts {
		ref.Departments[c] = true
	}
	for _, c := range types {
		ref.Types[c] = true
	}
	return ref, nil
}

// CheckItem applies every rule of a valid item and returns the problems by
// field, or nil when the item is valid. Fields are named as in the service
// guide API and the revision diffs ("promised_days", "materials[2].name",
// "departments[0].code"); rename, when not nil, maps such a name to the one
// the caller shows (a spreadsheet column), and messages use the renamed one.
func CheckItem(it *Item, known Known, rename func(string) string) *ValidationError {
	v := &itemRules{out: &ValidationError{}, rename: rename}
	v.identity(it, known)
	v.disposition(it)
	v.guide(it)
	v.pledge(it)
	v.text("", reflect.ValueOf(it).Elem())
	for i := range it.Materials {
		p := fmt.Sprintf("materials[%d].", i)
		v.material(p, &it.Materials[i], it.Materials[:i])
		v.text(p, reflect.ValueOf(&it.Materials[i]).Elem())
	}
	for i := range it.Fees {
		p := fmt.Sprintf("fees[%d].", i)
		v.required(p+"name", it.Fees[i].Name)
		v.text(p, reflect.ValueOf(&it.Fees[i]).Elem())
	}
	for i := range it.Steps {
		p := fmt.Sprintf("steps[%d].", i)
		v.required(p+"name", it.Steps[i].Name)
		v.nonNegative(p+"days", &it.Steps[i].Days)
		v.text(p, reflect.ValueOf(&it.Steps[i]).Elem())
	}
	for i := range it.Departments {
		p := fmt.Sprintf("departments[%d].", i)
		v.department(p, &it.Departments[i], it.Departments[:i], known)
		v.text(p, reflect.ValueOf(&it.Departments[i]).Elem())
	}
	if len(v.out.Fields) == 0 {
		return nil
	}
	return v.out
}

// itemRules collects the first problem of each field.
type itemRules struct {
	out    *ValidationError
	rename func(string) string
}

// fail records a problem; "{f}" in format stands for the field's shown name.
func (v *itemRules) fail(field, rule, format string, args ...any) {
	if v.rename != nil {
		field = v.rename(field)
	}
	leaf := field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		leaf = field[i+1:]
	}
	v.out.addRule(field, rule, fmt.Sprintf(strings.ReplaceAll(format, "{f}", leaf), args...))
}

func (v *itemRules) required(field, s string) bool {
	if blank(s) {
		v.fail(field, RuleRequired, "{f} is required")
		return false
	}
	return true
}

// nonNegative checks a number that may be unknown (nil).
func (v *itemRules) nonNegative(field string, n *int) {
	if n != nil && *n < 0 {
		v.fail(field, RuleNegative, "{f} %d is negative", *n)
	}
}

// isCode reports whether s holds only ASCII letters, digits and "-", the
// characters of published implementation and basic codes, which every URL
// carries unescaped.
func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

func (v *itemRules) oneOf(field, s string, allowed ...string) {
	if slices.Contains(allowed, s) {
		return
	}
	shown := slices.DeleteFunc(slices.Clone(allowed), func(a string) bool { return a == "" })
	tail := ""
	if len(shown) < len(allowed) {
		tail = " (or empty)"
	}
	v.fail(field, RuleOneOf, "{f} %q is not one of %s%s", s, strings.Join(shown, ", "), tail)
}

func (v *itemRules) known(field, code string, known map[string]bool) {
	if v.required(field, code) && !known[code] {
		v.fail(field, RuleUnknown, "unknown {f} %q", code)
	}
}

func (v *itemRules) identity(it *Item, known Known) {
	if v.required("code", it.Code) {
		switch n := utf8.RuneCountInString(it.Code); {
		case n > maxItemCode:
			v.fail("code", RuleTooLong, "{f} has %d characters, at most %d", n, maxItemCode)
		case strings.TrimSpace(it.Code) != it.Code:
			v.fail("code", RulePadded, "{f} %q has leading or trailing spaces", it.Code)
		case !isCode(it.Code):
			v.fail("code", RuleCodeChars, "{f} %q may hold only letters, digits and -", it.Code)
		}
	}
	switch n := utf8.RuneCountInString(it.CatalogCode); {
	case n > maxCatalogCode:
		v.fail("catalog_code", RuleTooLong, "{f} has %d characters, at most %d", n, maxCatalogCode)
	case n > 0 && !isCode(it.CatalogCode):
		v.fail("catalog_code", RuleCodeChars, "{f} %q may hold only letters, digits and -", it.CatalogCode)
	}
	if n := utf8.RuneCountInString(it.MainName); n > maxNameRunes {
		v.fail("main_name", RuleTooLong, "{f} has %d characters, at most %d", n, maxNameRunes)
	}
	if v.required("name", it.Name) {
		if n := utf8.RuneCountInString(it.Name); n > maxNameRunes {
			v.fail("name", RuleTooLong, "{f} has %d characters, at most %d", n, maxNameRunes)
		}
	}
	v.known("type", it.TypeCode, known.Types)
	v.known("department", it.DepartmentCode, known.Departments)
	v.oneOf("status", it.Status, ItemPublished, ItemDraft)
	v.nonNegative("version", &it.Version)
	v.date("effective_on", it.EffectiveOn)
	v.date("cancel_on", it.CancelOn)
}

func (v *itemRules) disposition(it *Item) {
	v.oneOf("disposition", it.Disposition, DispositionRetained, DispositionCancelled, DispositionMerged, DispositionDelegated)
	reduced := []string{DispositionCancelled, DispositionMerged, DispositionDelegated}
	if slices.Contains(reduced, it.Disposition) && blank(it.DispositionReason) {
		v.fail("disposition_reason", RuleReasonRequired, "{f} is required when disposition is %s", it.Disposition)
	}
	if it.Disposition == DispositionMerged {
		switch {
		case blank(it.MergedInto):
			v.fail("merged_into", RuleMergedIntoMissing, "{f} is required when disposition is merged")
		case it.MergedInto == it.Code:
			v.fail("merged_into", RuleMergedIntoSelf, "an item cannot be merged into itself")
		}
	}
}

func (v *itemRules) guide(it *Item) {
	v.oneOf("handling_kind", it.HandlingKind, "", KindImmediate, KindPromised)
	v.nonNegative("statutory_days", it.StatutoryDays)
	v.nonNegative("promised_days", it.PromisedDays)
	if it.PromisedDays != nil && it.StatutoryDays != nil && *it.PromisedDays > *it.StatutoryDays {
		v.fail("promised_days", RuleExceedsStatutory, "{f} %d exceeds statutory_days %d", *it.PromisedDays, *it.StatutoryDays)
	}
	if joint := TermsOf(it.TypeCode).JointDays; joint > 0 && len(it.Departments) > 1 && it.StatutoryDays != nil && *it.StatutoryDays != joint {
		v.fail("statutory_days", RuleJointLimit, "{f} %d: items several departments decide together have the joint limit of %d working days", *it.StatutoryDays, joint)
	}
	v.nonNegative("visits", it.Visits)
	v.nonNegative("online_depth", it.OnlineDepth)
	v.list("service_objects", it.ServiceObjects)
	v.list("handle_forms", it.HandleForms)
}

// material checks one material. A blank key is allowed: the store gives a new
// material the next free key, which is how a row added in a form or by hand
// in a spreadsheet gets one.
func (v *itemRules) material(p string, m *Material, before []Material) {
	switch {
	case len(m.Key) > maxKeyLen:
		v.fail(p+"key", RuleTooLong, "{f} has %d characters, at most %d", len(m.Key), maxKeyLen)
	case m.Key != "" && slices.ContainsFunc(before, func(o Material) bool { return o.Key == m.Key }):
		v.fail(p+"key", RuleDuplicate, "{f} %q is used by another material of the item", m.Key)
	}
	v.required(p+"name", m.Name)
	v.oneOf(p+"necessity", m.Necessity, NecessityRequired, NecessityOptional, NecessityDeferred)
	v.oneOf(p+"form", m.Form, "", "paper", "electronic", "both")
	v.oneOf(p+"kind", m.Kind, "", "original", "copy", "both")
	v.oneOf(p+"source", m.Source, "", "applicant", "government", "other")
	v.nonNegative(p+"copies", m.Copies)
}

// Stages a workflow department may run.
const (
	StageReview = "review"
	StageDecide = "decide"
)

func (v *itemRules) department(p string, d *ItemDepartment, before []ItemDepartment, known Known) {
	v.known(p+"code", d.DepartmentCode, known.Departments)
	if slices.ContainsFunc(before, func(o ItemDepartment) bool { return o.DepartmentCode == d.DepartmentCode }) {
		v.fail(p+"code", RuleDuplicate, "department %q takes part twice", d.DepartmentCode)
	}
	if len(d.Plan) > 0 {
		v.plan(p, d.Plan, known.StageRoles)
		return // the review and decide stages follow from the sequence
	}
	if len(d.Stages) == 0 {
		v.fail(p+"stages", RuleRequired, "{f} is required (review, decide)")
	}
	for i, s := range d.Stages {
		v.oneOf(p+"stages", s, StageReview, StageDecide)
		if slices.Contains(d.Stages[:i], s) {
			v.fail(p+"stages", RuleDuplicate, "stage %q is listed twice", s)
		}
	}
}

func (v *itemRules) list(field string, l StringList) {
	for _, s := range l {
		switch {
		case s == "" || strings.TrimSpace(s) != s:
			v.fail(field, RuleListValue, "{f} has an empty or space-padded value %q", s)
		case UnstorableAt(s) >= 0:
			v.fail(field, RuleBadChar, "{f} contains a character that cannot be stored")
		}
	}
}

func (v *itemRules) date(field, s string) {
	if s == "" {
		return
	}
	if t, err := time.Parse(time.DateOnly, s); err != nil || t.Format(time.DateOnly) != s {
		v.fail(field, RuleDate, "{f} %q is not a date (YYYY-MM-DD)", s)
	}
}

// text rejects, in every text field of a struct, what no page, file or
// spreadsheet cell can carry: invalid UTF-8 and control characters other than
// tab and line breaks.
func (v *itemRules) text(prefix string, row reflect.Value) {
	t := row.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.String {
			continue
		}
		if at := UnstorableAt(row.Field(i).String()); at >= 0 {
			v.fail(prefix+fieldName(t, f), RuleBadChar, "{f} contains a character that cannot be stored (byte %d)", at)
		}
	}
}

// UnstorableAt returns the byte offset of the first character outside the XML
// character range (which no XLSX cell can hold), or -1.
func UnstorableAt(s string) int {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return i
		}
	}
	return -1
}

// normalizeItem gives the item its own copies of the row lists, numbers every
// row by its position (the list order is the order shown) and gives a new
// material without a key a fresh one that is neither in the list nor in
// reserved (the materials of the stored version), since applications refer
// to materials by key.
func normalizeItem(it *Item, reserved []Material) {
	it.Materials = slices.Clone(it.Materials)
	it.Fees = slices.Clone(it.Fees)
	it.Steps = slices.Clone(it.Steps)
	it.Departments = slices.Clone(it.Departments)
	used := map[string]bool{}
	for _, m := range slices.Concat(reserved, it.Materials) {
		used[m.Key] = true
	}
	next := 1
	for i := range it.Materials {
		m := &it.Materials[i]
		m.ID, m.ItemID, m.Sort = 0, 0, i+1
		if strings.TrimSpace(m.Key) != "" {
			continue
		}
		for used[fmt.Sprintf("m%d", next)] {
			next++
		}
		m.Key = fmt.Sprintf("m%d", next)
		used[m.Key] = true
	}
	for i := range it.Fees {
		it.Fees[i].ID, it.Fees[i].ItemID, it.Fees[i].Sort = 0, 0, i+1
	}
	for i := range it.Steps {
		it.Steps[i].ID, it.Steps[i].ItemID, it.Steps[i].Sort = 0, 0, i+1
	}
	for i := range it.Departments {
		it.Departments[i].ID, it.Departments[i].ItemID, it.Departments[i].Sort = 0, 0, i+1
		it.Departments[i].Plan = slices.Clone(it.Departments[i].Plan)
		normalizePlan(&it.Departments[i])
	}
}

// normalized is a normalized copy of a stored item, for comparisons.
func normalized(it *Item) *Item {
	c := *it
	normalizeItem(&c, nil)
	return &c
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// validateItem adds the item's problems to v, field names prefixed with
// prefix ("" or "items[3].").
func validateItem(it *Item, ref Known, prefix string, v *ValidationError) {
	ve := CheckItem(it, ref, nil)
	if ve == nil {
		return
	}
	for f, msg := range ve.Fields {
		v.addRule(prefix+f, ve.Rule(f), msg)
	}
}

// requireReason checks that a change says why it is made.
func requireReason(reason string, v *ValidationError) {
	if blank(reason) {
		v.addRule("reason", RuleRequired, "must say why the change is made")
	}
}

// pledge checks the 告知承诺 and 容缺 fields: an item that takes a pledge
// says what is pledged and within how many working days it is checked; a
// period, when given, is at least one working day (blank is the default).
func (v *itemRules) pledge(it *Item) {
	atLeastOne := func(field string, n *int) {
		if n != nil && *n < 1 {
			v.fail(field, RuleInvalid, "{f} %d must be at least 1 working day", *n)
		}
	}
	atLeastOne("pending_days", it.PendingDays)
	atLeastOne("pledge_check_days", it.PledgeCheckDays)
	if !it.PledgeAllowed {
		for i, m := range it.Materials {
			if m.PledgeReplaces {
				v.fail(fmt.Sprintf("materials[%d].pledge_replaces", i), RuleInvalid, "{f}: the item takes no pledge")
			}
		}
		return
	}
	v.required("pledge_text", it.PledgeText)
	if it.PledgeCheckDays == nil {
		v.fail("pledge_check_days", RuleRequired, "{f} is required when the item takes a pledge")
	}
}
