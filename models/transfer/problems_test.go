package transfer

import (
	"bytes"
	"reflect"
	"strconv"
	"testing"

	"onewindow/models"
)

// Every problem of a malformed file names its rule and the values its message needs, so that a
// page can say it in the reader's language; Localize names sheets and columns as the file in
// that language does.
func TestProblemsCarryRulesAndLocalize(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Export(&buf, CSV, sampleItems()); err != nil {
		t.Fatal(err)
	}
	data, rowOf := applyEdits(t, CSV, buf.Bytes(), malformedEdits())
	_, problems, err := Parse(bytes.NewReader(data), CSV, testKnown())
	if err != nil {
		t.Fatal(err)
	}
	type ruled struct {
		Sheet  string
		Row    int
		Column string
		Rule   string
		Args   []string
	}
	var got []ruled
	for _, p := range problems {
		got = append(got, ruled{p.Sheet, p.Row, p.Column, p.Rule, p.Args})
	}
	want := []ruled{
		{sheetItems, rowOf(sheetItems, 0), "statutory_days", RuleNotWhole, []string{"abc"}},
		{sheetItems, rowOf(sheetItems, 1), "department_code", models.RuleUnknown, nil},
		{sheetItems, rowOf(sheetItems, 2), "code", RuleDuplicateCode, []string{"150902020010000002000", strconv.Itoa(rowOf(sheetItems, 1))}},
		{sheetItems, rowOf(sheetItems, 3), "promised_days", models.RuleExceedsStatutory, nil},
		{sheetItems, rowOf(sheetItems, 5), "name", models.RuleRequired, nil},
		{sheetMaterials, rowOf(sheetMaterials, 0), "blank_form", RuleNotBool, []string{"yes"}},
		{sheetMaterials, rowOf(sheetMaterials, 1), colItemCode, RuleNoItem, []string{"nope"}},
		{sheetFees, rowOf(sheetFees, -1), "standard", RuleMissingColumn, []string{"standard"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%+v\nwant:\n%+v", got, want)
	}
	zh := Localize(problems[len(problems)-1], Chinese)
	if zh.Sheet != "收费" || zh.Column != "收费标准" || !reflect.DeepEqual(zh.Args, []string{"收费标准"}) {
		t.Errorf("in Chinese: %+v", zh)
	}
	if en := Localize(problems[len(problems)-1], English); en.Sheet != sheetFees || en.Column != "standard" || en.Args[0] != "standard" {
		t.Errorf("in English: %+v", en)
	}
	if problems[len(problems)-1].Args[0] != "standard" {
		t.Error("Localize changed the problem it was given")
	}
	for _, p := range []Problem{
		{Sheet: sheetMaterials, Row: 3, Column: "record", Rule: RuleNoHeader, Args: []string{"#material"}},
		{Sheet: sheetSteps, Rule: RuleMissingSheet, Args: []string{sheetSteps}},
		{Row: 4, Column: "record", Rule: RuleUnknownRecord, Args: []string{"thing"}},
		{Row: 2, Column: HeadPromised, Rule: models.RuleExceedsStatutory}, // a 实施清单 problem keeps the file's header
	} {
		l := Localize(p, Chinese)
		switch p.Rule {
		case RuleNoHeader:
			if l.Sheet != "材料" || l.Column != "记录类型" || l.Args[0] != "#材料" {
				t.Errorf("no header: %+v", l)
			}
		case RuleMissingSheet:
			if l.Sheet != "环节" || l.Args[0] != "环节" {
				t.Errorf("missing sheet: %+v", l)
			}
		case RuleUnknownRecord:
			if l.Sheet != "" || l.Column != "记录类型" || l.Args[0] != "thing" {
				t.Errorf("unknown record: %+v", l)
			}
		default:
			if !reflect.DeepEqual(l, p) {
				t.Errorf("listing problem changed: %+v", l)
			}
		}
	}
}
