package transfer

import (
	"reflect"
	"strings"
	"testing"

	"onewindow/models"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(it *models.Item)
		want   map[string]string
		within int // index of the sample item to start from
	}{
		{"valid", func(*models.Item) {}, map[string]string{}, 0},
		{"code too long", func(it *models.Item) { it.Code = strings.Repeat("1", 101) },
			map[string]string{"code": "code has 101 characters, at most 100"}, 0},
		{"code with a space inside", func(it *models.Item) { it.Code = "511A0138 000000" },
			map[string]string{"code": `code "511A0138 000000" may hold only letters, digits and -`}, 0},
		{"code padded", func(it *models.Item) { it.Code = " X6" },
			map[string]string{"code": `code " X6" has leading or trailing spaces`}, 5},
		{"catalog code", func(it *models.Item) { it.CatalogCode = "01001/1" },
			map[string]string{"catalog_code": `catalog_code "01001/1" may hold only letters, digits and -`}, 0},
		{"name too long", func(it *models.Item) { it.Name = strings.Repeat("名", 201) },
			map[string]string{"name": "name has 201 characters, at most 200"}, 0},
		{"unknown type", func(it *models.Item) { it.TypeCode = "99" },
			map[string]string{"type_code": `unknown type_code "99"`}, 0},
		{"no department", func(it *models.Item) { it.DepartmentCode = "" },
			map[string]string{"department_code": "department_code is required"}, 0},
		{"bad disposition", func(it *models.Item) { it.Disposition = "kept" },
			map[string]string{"disposition": `disposition "kept" is not one of retained, cancelled, merged, delegated`}, 0},
		{"reduced without reason", func(it *models.Item) { it.DispositionReason = " " },
			map[string]string{"disposition_reason": "disposition_reason is required when disposition is cancelled"}, 1},
		{"merged without target", func(it *models.Item) { it.MergedInto = "" },
			map[string]string{"merged_into": "merged_into is required when disposition is merged"}, 2},
		{"merged into itself", func(it *models.Item) { it.MergedInto = it.Code },
			map[string]string{"merged_into": "an item cannot be merged into itself"}, 2},
		{"promised over statutory", func(it *models.Item) { it.PromisedDays = models.IntPtr(50) },
			map[string]string{"promised_days": "promised_days 50 exceeds statutory_days 45"}, 0},
		{"a joint licence off the joint limit", func(it *models.Item) { it.StatutoryDays = models.IntPtr(20) },
			map[string]string{"statutory_days": "statutory_days 20: items several departments decide together have the joint limit of 45 working days"}, 0},
		{"negative days", func(it *models.Item) { it.StatutoryDays, it.PromisedDays = models.IntPtr(-1), models.IntPtr(-2) },
			map[string]string{"statutory_days": "statutory_days -1 is negative", "promised_days": "promised_days -2 is negative"}, 0},
		{"handling kind", func(it *models.Item) { it.HandlingKind = "即办件" },
			map[string]string{"handling_kind": `handling_kind "即办件" is not one of immediate, promised (or empty)`}, 0},
		{"status", func(it *models.Item) { it.Status = "" },
			map[string]string{"status": `status "" is not one of published, draft`}, 0},
		{"date", func(it *models.Item) { it.EffectiveOn = "2025-02-30" },
			map[string]string{"effective_on": `effective_on "2025-02-30" is not a date (YYYY-MM-DD)`}, 0},
		{"blank list value", func(it *models.Item) { it.HandleForms = models.StringList{"window", ""} },
			map[string]string{"handle_forms": `handle_forms has an empty or space-padded value ""`}, 0},
		{"control character", func(it *models.Item) { it.Hours = "9:00\x0017:00" },
			map[string]string{"hours": "hours contains a character that cannot be stored (byte 4)"}, 0},
		{"necessity", func(it *models.Item) { it.Materials[1].Necessity = "必要" },
			map[string]string{"materials[1].necessity": `necessity "必要" is not one of required, optional, deferred`}, 0},
		{"material key", func(it *models.Item) { it.Materials[2].Key = "m1"; it.Materials[0].Form = "fax" },
			map[string]string{"materials[2].key": `key "m1" is used by another material of the item`,
				"materials[0].form": `form "fax" is not one of paper, electronic, both (or empty)`}, 0},
		{"fee and step names", func(it *models.Item) { it.Fees[1].Name = ""; it.Steps[0].Days = -1 },
			map[string]string{"fees[1].name": "name is required", "steps[0].days": "days -1 is negative"}, 0},
		{"workflow departments", func(it *models.Item) {
			it.Departments[1].DepartmentCode = "scj"
			it.Departments[0].Stages = models.StringList{"review", "approve"}
			it.Departments[0].Plan = nil // the stages of a department without its own sequence
		}, map[string]string{"departments[1].department_code": `department "scj" takes part twice`,
			"departments[0].stages": `stages "approve" is not one of review, decide`}, 0},
		{"no stages", func(it *models.Item) { it.Departments[0].Stages, it.Departments[0].Plan = nil, nil },
			map[string]string{"departments[0].stages": "stages is required (review, decide)"}, 3},
		{"stage sequence", func(it *models.Item) { it.Departments[0].Plan[1].Name = "初审" },
			map[string]string{"departments[0].plan[1].name": `stage "初审" is listed twice`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			it := sampleItems()[tt.within]
			tt.edit(&it)
			if got := Validate(&it, testKnown()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

func TestValidateKnowsNothingWithNilMaps(t *testing.T) {
	t.Parallel()
	it := sampleItems()[5]
	got := Validate(&it, Known{})
	if len(got) != 2 || got["type_code"] == "" || got["department_code"] == "" {
		t.Errorf("Validate with empty Known = %q", got)
	}
}
