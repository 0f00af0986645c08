package transfer

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
)

// minimalCSV is one valid item with one material, as a person might type it: no byte order
// mark, semicolons (as spreadsheets save in some locales), padding cells, a blank line and a
// quoted "\r\n" that must survive.
func minimalCSV() string {
	head := names(itemColumns(), false)
	vals := map[string]string{"code": "A1", "catalog_code": "010010000001", "name": "测试事项",
		"type_code": "01", "department_code": "scj", "disposition": "retained", "on_application": "TRUE",
		"statutory_days": "20", "promised_days": " 10 ", "visits": "0", "is_fee": "0", "online_depth": "0",
		"status": "published", "version": "1", "service_objects": " person | enterprise ",
		"accept_conditions": "\"第一行\r\n第二行；\"\"引号\"\"\""}
	row := []string{"item"}
	for _, h := range head {
		row = append(row, vals[h])
	}
	return "#item;" + strings.Join(head, ";") + "\r\n" +
		strings.Join(row, ";") + "\r\n" +
		";;;;\r\n" +
		"#material;item_code;key;sort;name;necessity;form;kind;copies;source;blank_form;remark;;;\r\n" +
		"material;A1;m1;1;身份证;required;paper;original;1;applicant;false;;;;\r\n"
}

func TestParseHandTypedCSV(t *testing.T) {
	t.Parallel()
	items, problems, err := Parse(strings.NewReader(minimalCSV()), CSV, testKnown())
	if err != nil || len(problems) > 0 {
		t.Fatalf("Parse: %v, problems %+v", err, problems)
	}
	it := items[0]
	if it.AcceptConditions != "第一行\r\n第二行；\"引号\"" || models.Days(it.PromisedDays) != 10 || !it.OnApplication ||
		!reflect.DeepEqual(it.ServiceObjects, models.StringList{"person", "enterprise"}) {
		t.Errorf("item read as %+v", it)
	}
	if len(it.Materials) != 1 || it.Materials[0].Name != "身份证" {
		t.Errorf("materials read as %+v", it.Materials)
	}
}

func TestCSVRowProblems(t *testing.T) {
	t.Parallel()
	in := bom + minimalCSV() +
		"fee;A1;1;工本费;10 元;依据\r\n" + // row 6: no #fee header above it
		"step;A1;1;申请\r\n" + // row 7: no #step header either
		"\r\n" + // row 8: blank
		"lunch;A1\r\n" + // row 9: unknown record kind
		";A1;m9\r\n" + // row 10: record kind missing
		"material;A1;m2;2;\"多行\n名称\";optional;paper;copy;x;other;false;\r\n" + // row 11: bad copies
		"material;B2;m1;1;证明;required;paper;copy;1;other;false;\r\n" // row 12: unknown item
	_, problems, err := Parse(strings.NewReader(in), CSV, testKnown())
	if err != nil {
		t.Fatal(err)
	}
	want := []bareProblem{
		{sheetMaterials, 11, "copies", `copies "x" is not a whole number`},
		{sheetMaterials, 12, colItemCode, `no item with code "B2" in the items sheet`},
		{sheetFees, 6, "record", "no #fee header row above this row"},
		{sheetSteps, 7, "record", "no #step header row above this row"},
		{"", 9, "record", `record "lunch" is not one of item, material, fee, step, department`},
		{"", 10, "record", `record "" is not one of item, material, fee, step, department`},
	}
	if !reflect.DeepEqual(bare(problems), want) {
		t.Errorf("problems:\n%s\nwant:\n%s", dump(problems), dump(want))
	}
}

func TestCSVStructuralErrors(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"unclosed quote":   "#item,code\r\nitem,\"A1\r\n",
		"text after quote": "#item,code\r\nitem,\"A1\"x,\r\n",
		"undecodable text": "#item,code\r\nitem,\xff\x80\xff\r\n",
		"no item header":   "#material,item_code\r\n",
	} {
		if _, _, err := Parse(strings.NewReader(in), CSV, testKnown()); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestParseSpreadsheetEditedXLSX reads a workbook written the way a spreadsheet program
// writes one: shared strings, columns in another order plus a column of notes, a real date
// cell, a boolean cell, a number stored as 20.0, and a blank row.
func TestParseSpreadsheetEditedXLSX(t *testing.T) {
	t.Parallel()
	want := sampleItems()[3]
	var file bytes.Buffer
	if err := Export(&file, XLSX, []models.Item{want}); err != nil {
		t.Fatal(err)
	}
	src, err := excelize.OpenReader(&file)
	if err != nil {
		t.Fatal(err)
	}
	wb := excelize.NewFile()
	for i, sheet := range sheetOrder() {
		rows, err := src.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			wb.SetSheetName("Sheet1", sheet)
		} else {
			wb.NewSheet(sheet)
		}
		for r, row := range rows {
			vals := make([]any, 0, len(rows[0])+1)
			for c := len(rows[0]) - 1; c >= 0; c-- { // reversed column order
				v := ""
				if c < len(row) {
					v = row[c]
				}
				if r > 0 {
					vals = append(vals, handTyped(rows[0][c], v))
				} else {
					vals = append(vals, v)
				}
			}
			vals = append(vals, "备注")
			ref, _ := excelize.CoordinatesToCellName(1, 2*r+1) // blank rows between
			if err := wb.SetSheetRow(sheet, ref, &vals); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	items, problems, err := Parse(buf, XLSX, testKnown())
	if err != nil || len(problems) > 0 {
		t.Fatalf("Parse: %v, problems %+v", err, problems)
	}
	want.EffectiveOn = "2026-02-28"
	if !reflect.DeepEqual(normalise(items), normalise([]models.Item{want})) {
		t.Errorf("read %+v\nwant %+v", items, want)
	}
}

// handTyped turns an exported cell into what typing it into a spreadsheet stores.
func handTyped(col, v string) any {
	switch col {
	case "effective_on":
		return time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	case "on_application":
		return v == "true"
	case "statutory_days":
		return 5.0
	}
	return v
}
