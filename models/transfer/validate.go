package transfer

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"onewindow/models"
)

// Known is what validation checks references against.
//
// A nil map knows nothing, so every code is reported as unknown; the caller fills both maps
// from the database (or from the demonstration catalogue).
type Known struct {
	Departments map[string]bool
	Types       map[string]bool
}

// Field limits shared with the database columns.
const (
	maxCodeLen    = 36
	catalogLen    = 12
	maxNameRunes  = 200
	maxKeyLen     = 32
	dateLayout    = time.DateOnly
	reasonColumn  = "disposition_reason"
	mergedColumn  = "merged_into"
	promisedDays  = "promised_days"
	statutoryDays = "statutory_days"
)

// Validate checks one item's fields the way the form and API do (shared rule): returns field → message.
//
// Keys are the column names of the layout ("promised_days"); a child row's field is keyed by
// its list and 0-based index, as in "materials[2].necessity". An empty map means valid.
func Validate(it *models.Item, known Known) map[string]string {
	v := validator{out: map[string]string{}}
	v.identity(it, known)
	v.disposition(it)
	v.guide(it)
	checkText(&v, "", itemColumns(), it)
	mcols, fcols, scols := materialColumns(), feeColumns(), stepColumns()
	for i := range it.Materials {
		p := fmt.Sprintf("materials[%d].", i)
		v.material(p, &it.Materials[i], it.Materials[:i])
		checkText(&v, p, mcols, &it.Materials[i])
	}
	for i := range it.Fees {
		p := fmt.Sprintf("fees[%d].", i)
		v.required(p+"name", it.Fees[i].Name)
		checkText(&v, p, fcols, &it.Fees[i])
	}
	for i := range it.Steps {
		p := fmt.Sprintf("steps[%d].", i)
		v.required(p+"name", it.Steps[i].Name)
		v.nonNegative(p+"days", it.Steps[i].Days)
		checkText(&v, p, scols, &it.Steps[i])
	}
	for i := range it.Departments {
		v.department(fmt.Sprintf("departments[%d].", i), &it.Departments[i], it.Departments[:i], known)
	}
	return v.out
}

// validator collects the first message for each field.
type validator struct{ out map[string]string }

func (v *validator) add(field, format string, args ...any) {
	if _, ok := v.out[field]; !ok {
		v.out[field] = fmt.Sprintf(format, args...)
	}
}

func (v *validator) required(field, s string) bool {
	if strings.TrimSpace(s) == "" {
		v.add(field, "%s is required", leaf(field))
		return false
	}
	return true
}

func (v *validator) nonNegative(field string, n int) {
	if n < 0 {
		v.add(field, "%s %d is negative", leaf(field), n)
	}
}

func (v *validator) oneOf(field, s string, allowed ...string) {
	if slices.Contains(allowed, s) {
		return
	}
	shown := slices.DeleteFunc(slices.Clone(allowed), func(a string) bool { return a == "" })
	tail := ""
	if len(shown) < len(allowed) {
		tail = " (or empty)"
	}
	v.add(field, "%s %q is not one of %s%s", leaf(field), s, strings.Join(shown, ", "), tail)
}

func (v *validator) known(field, code string, known map[string]bool) {
	if v.required(field, code) && !known[code] {
		v.add(field, "unknown %s %q", leaf(field), code)
	}
}

func (v *validator) identity(it *models.Item, known Known) {
	if v.required("code", it.Code) {
		switch {
		case utf8.RuneCountInString(it.Code) > maxCodeLen:
			v.add("code", "code has %d characters, at most %d", utf8.RuneCountInString(it.Code), maxCodeLen)
		case strings.TrimSpace(it.Code) != it.Code:
			v.add("code", "code %q has leading or trailing spaces", it.Code)
		}
	}
	if n := utf8.RuneCountInString(it.CatalogCode); n != catalogLen {
		v.add("catalog_code", "catalog_code must have %d characters, not %d", catalogLen, n)
	}
	if v.required("name", it.Name) {
		if n := utf8.RuneCountInString(it.Name); n > maxNameRunes {
			v.add("name", "name has %d characters, at most %d", n, maxNameRunes)
		}
	}
	v.known("type_code", it.TypeCode, known.Types)
	v.known("department_code", it.DepartmentCode, known.Departments)
	v.oneOf("status", it.Status, models.ItemPublished, models.ItemDraft)
	v.nonNegative("version", it.Version)
	v.date("effective_on", it.EffectiveOn)
	v.date("cancel_on", it.CancelOn)
}

func (v *validator) disposition(it *models.Item) {
	v.oneOf("disposition", it.Disposition, models.DispositionRetained, models.DispositionCancelled,
		models.DispositionMerged, models.DispositionDelegated)
	reduced := []string{models.DispositionCancelled, models.DispositionMerged, models.DispositionDelegated}
	if slices.Contains(reduced, it.Disposition) && strings.TrimSpace(it.DispositionReason) == "" {
		v.add(reasonColumn, "disposition_reason is required when disposition is %s", it.Disposition)
	}
	if it.Disposition == models.DispositionMerged {
		switch {
		case strings.TrimSpace(it.MergedInto) == "":
			v.add(mergedColumn, "merged_into is required when disposition is merged")
		case it.MergedInto == it.Code:
			v.add(mergedColumn, "an item cannot be merged into itself")
		}
	}
}

func (v *validator) guide(it *models.Item) {
	v.oneOf("handling_kind", it.HandlingKind, "", models.KindImmediate, models.KindPromised)
	v.nonNegative(statutoryDays, it.StatutoryDays)
	v.nonNegative(promisedDays, it.PromisedDays)
	if it.PromisedDays > it.StatutoryDays {
		v.add(promisedDays, "promised_days %d exceeds statutory_days %d", it.PromisedDays, it.StatutoryDays)
	}
	v.nonNegative("visits", it.Visits)
	v.nonNegative("online_depth", it.OnlineDepth)
	v.list("service_objects", it.ServiceObjects)
	v.list("handle_forms", it.HandleForms)
}

// material checks one material. A blank key is allowed: the store gives a new material the
// next free key, which is how a row added by hand in a spreadsheet gets one.
func (v *validator) material(p string, m *models.Material, before []models.Material) {
	switch {
	case len(m.Key) > maxKeyLen:
		v.add(p+"key", "key has %d characters, at most %d", len(m.Key), maxKeyLen)
	case m.Key != "" && slices.ContainsFunc(before, func(o models.Material) bool { return o.Key == m.Key }):
		v.add(p+"key", "key %q is used by another material of the item", m.Key)
	}
	v.required(p+"name", m.Name)
	v.oneOf(p+"necessity", m.Necessity, models.NecessityRequired, models.NecessityOptional, models.NecessityDeferred)
	v.oneOf(p+"form", m.Form, "", "paper", "electronic", "both")
	v.oneOf(p+"kind", m.Kind, "", "original", "copy", "both")
	v.oneOf(p+"source", m.Source, "", "applicant", "government", "other")
	v.nonNegative(p+"copies", m.Copies)
}

func (v *validator) department(p string, d *models.ItemDepartment, before []models.ItemDepartment, known Known) {
	v.known(p+"department_code", d.DepartmentCode, known.Departments)
	if slices.ContainsFunc(before, func(o models.ItemDepartment) bool { return o.DepartmentCode == d.DepartmentCode }) {
		v.add(p+"department_code", "department %q takes part twice", d.DepartmentCode)
	}
	if len(d.Stages) == 0 {
		v.add(p+"stages", "stages is required (review, decide)")
	}
	for i, s := range d.Stages {
		v.oneOf(p+"stages", s, "review", "decide")
		if slices.Contains(d.Stages[:i], s) {
			v.add(p+"stages", "stage %q is listed twice", s)
		}
	}
}

func (v *validator) list(field string, l models.StringList) {
	for _, s := range l {
		switch {
		case s == "" || strings.TrimSpace(s) != s:
			v.add(field, "%s has an empty or space-padded value %q", field, s)
		case badChar(s) >= 0:
			v.add(field, "%s contains a character that cannot be stored", field)
		}
	}
}

func (v *validator) date(field, s string) {
	if s == "" {
		return
	}
	if t, err := time.Parse(dateLayout, s); err != nil || t.Format(dateLayout) != s {
		v.add(field, "%s %q is not a date (YYYY-MM-DD)", field, s)
	}
}

// checkText rejects text that no spreadsheet cell can hold: invalid UTF-8 and control
// characters other than tab and line breaks (the XML inside an XLSX file cannot carry them).
func checkText[T any](v *validator, prefix string, cols []column[T], row *T) {
	for _, c := range cols {
		s, ok := c.ptr(row).(*string)
		if !ok {
			continue
		}
		if i := badChar(*s); i >= 0 {
			v.add(prefix+c.name, "%s contains a character that cannot be stored (byte %d)", c.name, i)
		}
	}
}

// badChar returns the byte offset of the first character outside the XML character range, or -1.
func badChar(s string) int {
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

// leaf is the column name of a field key: "materials[2].name" → "name".
func leaf(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}
