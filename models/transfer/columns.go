package transfer

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
	"onewindow/workflow"
)

// Sheet names of the XLSX layout; the CSV layout uses them in problems too.
const (
	sheetItems       = "items"
	sheetMaterials   = "materials"
	sheetFees        = "fees"
	sheetSteps       = "steps"
	sheetDepartments = "departments"
)

// colItemCode links a child row to its item.
const colItemCode = "item_code"

// column is one column of a sheet: its header name and the field it holds. ptr returns a
// *string, *int, *bool, *models.StringList or *models.StagePlan pointing into the row value, so that one table
// both reads and writes the field and a field cannot be exported without being imported.
type column[T any] struct {
	name string
	ptr  func(*T) any
	date bool // YYYY-MM-DD text that a spreadsheet may have turned into a date serial
}

func itemColumns() []column[models.Item] {
	type it = models.Item
	return []column[models.Item]{
		{name: "code", ptr: func(v *it) any { return &v.Code }},
		{name: "catalog_code", ptr: func(v *it) any { return &v.CatalogCode }},
		{name: "main_name", ptr: func(v *it) any { return &v.MainName }},
		{name: "name", ptr: func(v *it) any { return &v.Name }},
		{name: "type_code", ptr: func(v *it) any { return &v.TypeCode }},
		{name: "department_code", ptr: func(v *it) any { return &v.DepartmentCode }},
		{name: "disposition", ptr: func(v *it) any { return &v.Disposition }},
		{name: "disposition_reason", ptr: func(v *it) any { return &v.DispositionReason }},
		{name: "disposition_basis", ptr: func(v *it) any { return &v.DispositionBasis }},
		{name: "merged_into", ptr: func(v *it) any { return &v.MergedInto }},
		{name: "on_application", ptr: func(v *it) any { return &v.OnApplication }},
		{name: "power_source", ptr: func(v *it) any { return &v.PowerSource }},
		{name: "use_level", ptr: func(v *it) any { return &v.UseLevel }},
		{name: "legal_basis", ptr: func(v *it) any { return &v.LegalBasis }},
		{name: "service_objects", ptr: func(v *it) any { return &v.ServiceObjects }},
		{name: "handling_kind", ptr: func(v *it) any { return &v.HandlingKind }},
		{name: "statutory_days", ptr: func(v *it) any { return &v.StatutoryDays }},
		{name: "promised_days", ptr: func(v *it) any { return &v.PromisedDays }},
		{name: "accept_conditions", ptr: func(v *it) any { return &v.AcceptConditions }},
		{name: "handle_forms", ptr: func(v *it) any { return &v.HandleForms }},
		{name: "visits", ptr: func(v *it) any { return &v.Visits }},
		{name: "location", ptr: func(v *it) any { return &v.Location }},
		{name: "hours", ptr: func(v *it) any { return &v.Hours }},
		{name: "phone", ptr: func(v *it) any { return &v.Phone }},
		{name: "complaint_phone", ptr: func(v *it) any { return &v.ComplaintPhone }},
		{name: "is_fee", ptr: func(v *it) any { return &v.IsFee }},
		{name: "fee_basis", ptr: func(v *it) any { return &v.FeeBasis }},
		{name: "special_procedure", ptr: func(v *it) any { return &v.SpecialProcedure }},
		{name: "result_type", ptr: func(v *it) any { return &v.ResultType }},
		{name: "result_name", ptr: func(v *it) any { return &v.ResultName }},
		{name: "online_depth", ptr: func(v *it) any { return &v.OnlineDepth }},
		{name: "area", ptr: func(v *it) any { return &v.Area }},
		{name: "status", ptr: func(v *it) any { return &v.Status }},
		{name: "version", ptr: func(v *it) any { return &v.Version }},
		{name: "effective_on", ptr: func(v *it) any { return &v.EffectiveOn }, date: true},
		{name: "cancel_on", ptr: func(v *it) any { return &v.CancelOn }, date: true},
		{name: "pledge_allowed", ptr: func(v *it) any { return &v.PledgeAllowed }},
		{name: "pledge_text", ptr: func(v *it) any { return &v.PledgeText }},
		{name: "pledge_check_days", ptr: func(v *it) any { return &v.PledgeCheckDays }},
		{name: "pending_days", ptr: func(v *it) any { return &v.PendingDays }},
	}
}

func materialColumns() []column[models.Material] {
	type m = models.Material
	return []column[models.Material]{
		{name: "key", ptr: func(v *m) any { return &v.Key }},
		{name: "sort", ptr: func(v *m) any { return &v.Sort }},
		{name: "name", ptr: func(v *m) any { return &v.Name }},
		{name: "necessity", ptr: func(v *m) any { return &v.Necessity }},
		{name: "form", ptr: func(v *m) any { return &v.Form }},
		{name: "kind", ptr: func(v *m) any { return &v.Kind }},
		{name: "copies", ptr: func(v *m) any { return &v.Copies }},
		{name: "source", ptr: func(v *m) any { return &v.Source }},
		{name: "blank_form", ptr: func(v *m) any { return &v.BlankForm }},
		{name: "remark", ptr: func(v *m) any { return &v.Remark }},
		{name: "pledge_replaces", ptr: func(v *m) any { return &v.PledgeReplaces }},
	}
}

func feeColumns() []column[models.Fee] {
	type f = models.Fee
	return []column[models.Fee]{
		{name: "sort", ptr: func(v *f) any { return &v.Sort }},
		{name: "name", ptr: func(v *f) any { return &v.Name }},
		{name: "standard", ptr: func(v *f) any { return &v.Standard }},
		{name: "basis", ptr: func(v *f) any { return &v.Basis }},
		{name: "exemption", ptr: func(v *f) any { return &v.Exemption }}, // addedLater: older files have none
	}
}

func stepColumns() []column[models.Step] {
	type s = models.Step
	return []column[models.Step]{
		{name: "sort", ptr: func(v *s) any { return &v.Sort }},
		{name: "name", ptr: func(v *s) any { return &v.Name }},
		{name: "actor", ptr: func(v *s) any { return &v.Actor }},
		{name: "days", ptr: func(v *s) any { return &v.Days }},
		{name: "counts_time", ptr: func(v *s) any { return &v.CountsTime }},
		{name: "note", ptr: func(v *s) any { return &v.Note }},
	}
}

func departmentColumns() []column[models.ItemDepartment] {
	type d = models.ItemDepartment
	return []column[models.ItemDepartment]{
		{name: "sort", ptr: func(v *d) any { return &v.Sort }},
		{name: "department_code", ptr: func(v *d) any { return &v.DepartmentCode }},
		{name: "stages", ptr: func(v *d) any { return &v.Stages }},
		{name: "plan", ptr: func(v *d) any { return &v.Plan }},
	}
}

// names lists the header of a sheet; child sheets start with item_code.
func names[T any](cols []column[T], child bool) []string {
	var out []string
	if child {
		out = append(out, colItemCode)
	}
	for _, c := range cols {
		out = append(out, c.name)
	}
	return out
}

// text formats a field the way both layouts show it as text.
func text(p any) string {
	switch v := p.(type) {
	case *string:
		return *v
	case *int:
		return strconv.Itoa(*v)
	case *bool:
		return strconv.FormatBool(*v)
	case **int: // unknown (nil) is a blank cell, never 0
		if *v == nil {
			return ""
		}
		return strconv.Itoa(**v)
	case **bool:
		if *v == nil {
			return ""
		}
		return strconv.FormatBool(**v)
	case *models.StringList:
		return joinList(*v)
	case *models.StagePlan: // the department's own stages as JSON; blank for the default
		if len(*v) == 0 {
			return ""
		}
		b, _ := json.Marshal([]workflow.StageStep(*v)) // plain strings and numbers always marshal
		return string(b)
	}
	panic(fmt.Sprintf("transfer: column of type %T", p))
}

// decode stores cell s into the field p points to; the error says what is wrong with s.
func decode(p any, name, s string, date bool) error {
	switch v := p.(type) {
	case *string:
		*v = s
		if date {
			*v = serialDate(s)
		}
	case *int:
		n, err := parseInt(s)
		if err != nil {
			return cellError{RuleNotWhole, s, fmt.Sprintf("%s %q is not a whole number", name, s)}
		}
		*v = n
	case *bool:
		if addedLater[name] && strings.TrimSpace(s) == "" {
			// A file older than the column: the flag it did not know is off.
			*v = false
			return nil
		}
		b, err := parseBool(name, s)
		if err != nil {
			return err
		}
		*v = b
	case **int: // a blank cell is unknown
		*v = nil
		if strings.TrimSpace(s) == "" {
			return nil
		}
		n, err := parseInt(s)
		if err != nil {
			return cellError{RuleNotWhole, s, fmt.Sprintf("%s %q is not a whole number", name, s)}
		}
		*v = &n
	case **bool:
		*v = nil
		if strings.TrimSpace(s) == "" {
			return nil
		}
		b, err := parseBool(name, s)
		if err != nil {
			return err
		}
		*v = &b
	case *models.StringList:
		*v = splitList(s)
	case *models.StagePlan:
		*v = nil
		if strings.TrimSpace(s) == "" {
			return nil
		}
		var steps []workflow.StageStep
		if err := json.Unmarshal([]byte(s), &steps); err != nil {
			return cellError{RuleNotStages, s, fmt.Sprintf(`%s %q is not a list of stages ([{"name","role","share"}])`, name, s)}
		}
		*v = steps
	}
	return nil
}

// parseBool reads true or false (TRUE, 1, FALSE and 0 too).
func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "是":
		return true, nil
	case "false", "0", "否":
		return false, nil
	}
	return false, cellError{RuleNotBool, s, fmt.Sprintf("%s %q is not true or false", name, s)}
}

// parseInt reads a whole number; a spreadsheet may store one as "30.0" or "3E1".
func parseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, strconv.ErrSyntax
	}
	return int(f), nil
}

// serialDate turns a spreadsheet date serial (what a date typed into a cell becomes) back into
// YYYY-MM-DD; any other text is kept as it is for validation to judge.
func serialDate(s string) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 1 || f != math.Trunc(f) {
		return s
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return s
	}
	return t.Format(time.DateOnly)
}

// joinList writes a list as values separated by "|"; a "|" or "\" inside a value is
// escaped with a backslash so that every list reads back exactly.
func joinList(l models.StringList) string {
	var b strings.Builder
	for i, s := range l {
		if i > 0 {
			b.WriteByte('|')
		}
		for _, r := range s {
			if r == '|' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// splitList reverses joinList. Values are trimmed, since people type "a | b" by hand; an empty
// cell is an empty list.
func splitList(s string) models.StringList {
	out := models.StringList{}
	if strings.TrimSpace(s) == "" {
		return out
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '|':
			out = append(out, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, strings.TrimSpace(b.String()))
}
