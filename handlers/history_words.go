package handlers

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// The item history in words: each recorded change (models.FieldChange, keyed
// "promised_days", "materials[2].necessity", "materials[+]" …) is shown with
// the field's label in the page's language and its values as the guide shows
// them — 是/否, department names, day counts in 工作日, materials by name —
// never as keys or JSON. A row's sort number is its position, not a change
// anyone made: revisions recorded before the diff knew that are read without
// it.

// historyRow is one change as the history page shows it.
type historyRow struct {
	Field    string // the recorded key, kept for the page's data attribute
	Label    string // what changed, in the page's language
	Row      string // the row it is on (a material's name …), data
	Old, New string // the values as users see them, data
}

// changePath reads "name", "materials[3].name", "materials[+]", "materials.order" and a
// department's stage plan, "departments[0].plan[+]" and "departments[0].plan[1].name".
var changePath = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+|\+|-)\])?(?:\.([a-z_]+)(?:\[(\d+|\+|-)\](?:\.([a-z_]+))?)?)?$`)

// How a field's values are shown.
const (
	valText     = iota
	valBool     // 是 / 否
	valWorkdays // N 个工作日
	valCount    // a number, 未公布 when unknown
	valDept     // a department code, shown by name
	valEnum     // one enum value (historyEnums names the group)
	valEnumList // a JSON list of enum values
	valTextList // a JSON list of text
)

// historyKinds gives the fields that are not plain text, by their key ("steps.days" for a row's field).
var historyKinds = map[string]int{
	"on_application": valBool, "is_fee": valBool, "pledge_allowed": valBool,
	"statutory_days": valWorkdays, "promised_days": valWorkdays, "pledge_check_days": valWorkdays,
	"pending_days": valWorkdays, "steps.days": valWorkdays,
	"visits": valCount, "online_depth": valCount, "materials.copies": valCount,
	"department": valDept, "departments.code": valDept,
	"type": valEnum, "handling_kind": valEnum, "power_source": valEnum, "use_level": valEnum, "result_type": valEnum,
	"disposition": valEnum, "materials.necessity": valEnum, "materials.form": valEnum, "materials.kind": valEnum,
	"materials.source":     valEnum,
	"materials.blank_form": valBool, "materials.pledge_replaces": valBool, "steps.counts_toward_limit": valBool,
	"service_objects": valEnumList, "handle_forms": valEnumList, "departments.stages": valEnumList,
	"materials.order": valTextList, "departments.order": valTextList,
}

// historyEnums names the locale group ("enum.<group>.<value>") of an enum field.
var historyEnums = map[string]string{
	"type": "type", "handling_kind": "kind", "power_source": "power_source", "use_level": "use_level",
	"result_type": "result", "disposition": "disposition", "materials.necessity": "necessity",
	"materials.form": "material_form", "materials.kind": "material_kind", "materials.source": "source",
	"service_objects": "object", "handle_forms": "form",
}

// historyWords turns a revision's changes (other than the application
// form's) into rows; after is the item as the revision left it, whose rows
// name the changed rows.
func (s *Server) historyWords(lang string, changes []models.FieldChange, after *models.Item) []historyRow {
	var out []historyRow
	for _, ch := range changes {
		m := changePath.FindStringSubmatch(ch.Field)
		if m == nil {
			out = append(out, historyRow{Field: ch.Field, Label: s.site.TOr(lang, "hist.field."+ch.Field, ch.Field), Old: ch.Old, New: ch.New})
			continue
		}
		list, index, sub, subIndex, subField := m[1], m[2], m[3], m[4], m[5]
		if sub == "sort" || subField == "sort" {
			continue // a position, recorded by older versions of the diff
		}
		key := list
		if sub != "" {
			key = list + "." + sub
		}
		if subIndex != "" { // a stage of a department's plan: named by its department
			row := historyRow{Field: ch.Field, Old: ch.Old, New: ch.New}
			i, _ := strconv.Atoi(index)
			row.Row = s.historyRowOf(lang, after, list, i)
			switch subIndex {
			case "+", "-":
				row.Label = s.site.TOr(lang, "hist."+map[string]string{"+": "added", "-": "removed"}[subIndex]+"."+key, key)
			default:
				row.Label = s.site.TOr(lang, "hist.field."+key+"."+subField, key+"."+subField)
				if subField == "role" {
					row.Old, row.New = s.site.TOr(lang, "admin.role."+ch.Old, ch.Old), s.site.TOr(lang, "admin.role."+ch.New, ch.New)
				}
			}
			out = append(out, row)
			continue
		}
		row := historyRow{Field: ch.Field, Label: s.site.TOr(lang, "hist.field."+key, key)}
		switch index {
		case "+", "-":
			row.Label = s.site.TOr(lang, "hist."+map[string]string{"+": "added", "-": "removed"}[index]+"."+list, key)
			row.Old, row.New = s.historyRowName(lang, list, ch.Old), s.historyRowName(lang, list, ch.New)
			out = append(out, row)
			continue
		case "":
		default:
			i, _ := strconv.Atoi(index)
			row.Row = s.historyRowOf(lang, after, list, i)
		}
		row.Old, row.New = s.historyValue(lang, key, ch.Old), s.historyValue(lang, key, ch.New)
		out = append(out, row)
	}
	return out
}

// historyRowOf names row i of a list of the item as the revision left it.
func (s *Server) historyRowOf(lang string, it *models.Item, list string, i int) string {
	if it == nil {
		return ""
	}
	switch {
	case list == "materials" && i < len(it.Materials):
		return it.Materials[i].Name
	case list == "fees" && i < len(it.Fees):
		return it.Fees[i].Name
	case list == "steps" && i < len(it.Steps):
		return it.Steps[i].Name
	case list == "departments" && i < len(it.Departments):
		return s.historyRowName(lang, list, it.Departments[i].DepartmentCode)
	}
	return ""
}

// historyRowName is an added or removed row's name: departments by name.
func (s *Server) historyRowName(lang, list, v string) string {
	if list == "departments" && v != "" {
		return s.historyValue(lang, "department", v)
	}
	return v
}

// historyValue shows one recorded value of a field.
func (s *Server) historyValue(lang, key, v string) string {
	kind := historyKinds[key]
	if v == "" {
		if kind == valWorkdays || kind == valCount || kind == valBool {
			return s.site.T(lang, "unknown")
		}
		return ""
	}
	switch kind {
	case valBool:
		if b, err := strconv.ParseBool(v); err == nil {
			return s.site.T(lang, map[bool]string{true: "hist.yes", false: "hist.no"}[b])
		}
	case valWorkdays:
		if n, err := strconv.Atoi(v); err == nil {
			return s.site.T(lang, "item.workdays", n)
		}
	case valDept:
		if d, ok := s.ref.Load().deptByKey[v]; ok && d.Name != "" {
			return d.Name
		}
	case valEnum:
		label := s.site.TOr(lang, "enum."+historyEnums[key]+"."+v, v)
		if key == "type" {
			return v + " " + label
		}
		return label
	case valEnumList, valTextList:
		var l []string
		if json.Unmarshal([]byte(v), &l) != nil {
			return v
		}
		for i, e := range l {
			switch {
			case key == "departments.order":
				l[i] = s.historyValue(lang, "department", e)
			case key == "departments.stages":
				l[i] = s.site.TOr(lang, "catalogue.stage."+e, e)
			case kind == valEnumList:
				l[i] = s.site.TOr(lang, "enum."+historyEnums[key]+"."+e, e)
			}
		}
		if len(l) == 0 {
			return s.site.T(lang, "hist.none")
		}
		return strings.Join(l, s.site.T(lang, "lang.sep"))
	}
	return v
}

// fileChangeView is one upload or removal of a material's blank form or sample.
type fileChangeView struct {
	Time, Actor, Action, Material, FileName string
}

// fileChanges lists the item's attachment log for its history page.
func (s *Server) fileChanges(c *gin.Context, code string) ([]fileChangeView, error) {
	log, err := s.store.MaterialFileLog(c.Request.Context(), code)
	if err != nil {
		return nil, err
	}
	lang := langOf(c)
	out := make([]fileChangeView, 0, len(log))
	for _, a := range log {
		out = append(out, fileChangeView{Time: a.CreatedAt.In(shanghai).Format("2006-01-02 15:04:05"), Actor: a.Actor,
			Action:   s.site.T(lang, "hist.files."+a.Action, s.site.T(lang, "blank.kind."+a.Kind)),
			Material: a.MaterialName, FileName: a.FileName})
	}
	return out, nil
}
