package transfer

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"onewindow/models"
)

// provincialCSV is a 实施清单 as provincial platforms export it: a title row, a note row and a
// blank row above the header row (row 4), and two items on rows 5 and 6.
const provincialCSV = "XX区政务服务事项实施清单,,,,\r\n" +
	"导出时间：2026-01-05,,,,\r\n" +
	",,,,\r\n" +
	"序号,实施主体,事项名称,实施编码,事项类型\r\n" +
	"1,市场监督管理局,食品经营许可（新办）,C-1,行政许可\r\n" +
	"2,民政局,最低生活保障对象认定,C-2,行政确认\r\n"

func checkProvincial(t *testing.T, l *Listing) {
	t.Helper()
	if len(l.Problems) != 0 {
		t.Fatalf("problems: %+v", l.Problems)
	}
	if len(l.Rows) != 2 || l.Rows[0].Row != 5 || l.Rows[1].Row != 6 {
		t.Fatalf("rows = %+v, want rows 5 and 6", l.Rows)
	}
	if a := l.Rows[0]; a.Department != "市场监督管理局" || a.Item.Name != "食品经营许可（新办）" || a.Item.TypeCode != "01" {
		t.Errorf("row 5 = %+v", a)
	}
	if len(l.Warnings) != 1 || l.Warnings[0].Column != "序号" || l.Warnings[0].Row != 4 {
		t.Errorf("warnings = %+v, want one about 序号 on row 4", l.Warnings)
	}
}

func TestListingGBKWithTitleRows(t *testing.T) {
	t.Parallel()
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(provincialCSV))
	if err != nil {
		t.Fatal(err)
	}
	if !IsListing(gbk, CSV) {
		t.Fatal("a GBK 实施清单 is not recognised")
	}
	l, err := ParseListing(bytes.NewReader(gbk), CSV, models.DefaultItemTypes())
	if err != nil {
		t.Fatal(err)
	}
	checkProvincial(t, l)
}

func TestListingUTF8BOMAndUTF16WithTitleRows(t *testing.T) {
	t.Parallel()
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range strings.ReplaceAll(provincialCSV, ",", "\t") {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	for name, data := range map[string][]byte{
		"utf-8 bom": []byte(bom + provincialCSV),
		"semicolon": []byte(strings.ReplaceAll(provincialCSV, ",", ";")),
		"utf-16":    utf16, // Excel's "Unicode text": UTF-16LE, tab-separated
	} {
		l, err := ParseListing(bytes.NewReader(data), CSV, models.DefaultItemTypes())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkProvincial(t, l)
	}
}

func TestListingXLSXMergedTitle(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	f.SetCellStr(sh, "A1", "XX区政务服务事项实施清单")
	if err := f.MergeCell(sh, "A1", "E1"); err != nil {
		t.Fatal(err)
	}
	f.SetCellStr(sh, "A2", "说明：本表由省平台导出")
	for i, v := range []string{"实施主体", "事项名称", "*实施编码", "事项\n类型", "法定办结时限"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		f.SetCellStr(sh, cell, v)
	}
	for i, v := range []string{"局", "名", "C-1", "01"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 4)
		f.SetCellStr(sh, cell, v)
	}
	f.SetCellFormula(sh, "E4", "SUM(1,2)")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !IsListing(buf.Bytes(), XLSX) {
		t.Fatal("a listing with a title row is not recognised")
	}
	l, err := ParseListing(bytes.NewReader(buf.Bytes()), XLSX, models.DefaultItemTypes())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rows) != 1 || l.Rows[0].Row != 4 || l.Rows[0].Item.Code != "C-1" || l.Rows[0].Item.TypeCode != "01" {
		t.Errorf("rows = %+v, want the item of row 4", l.Rows)
	}
	if len(l.Problems) != 1 || l.Problems[0].Row != 4 || l.Problems[0].Rule != RuleFormula || l.Problems[0].Args[0] != "E4" {
		t.Errorf("problems = %+v, want the formula in E4", l.Problems)
	}
}

func TestListingUnreadableFiles(t *testing.T) {
	t.Parallel()
	tenTitles := strings.Repeat("标题,\r\n", 10)
	for _, c := range []struct {
		name string
		data string
		f    Format
		rule string
		args []string
	}{
		{"empty", "", CSV, RuleFileEmpty, nil},
		{"only separators", ",,,\r\n\r\n;;\r\n", CSV, RuleFileEmpty, nil},
		{"only a bom", bom, CSV, RuleFileEmpty, nil},
		{"undecodable", "事项名称,实施编码\r\n\xff\x80\xff,1\r\n", CSV, RuleFileEncoding, nil},
		{"binary", "a,b\x00c\r\n", CSV, RuleFileNotText, nil},
		{"not a catalogue", "姓名,电话\r\n张三,123\r\n", CSV, RuleFileNoHeader, []string{"10"}},
		{"header below row 10", tenTitles + "实施主体,事项名称,实施编码\r\n局,名,C1\r\n", CSV, RuleFileNoHeader, []string{"10"}},
		{"open quote", "实施主体,事项名称,实施编码\r\n局,\"名,C1\r\n", CSV, RuleFileBadCSV, []string{"2"}},
		{"not a workbook", "实施主体,事项名称", XLSX, RuleFileNotXLSX, nil},
	} {
		if !IsListing([]byte(c.data), c.f) {
			t.Errorf("%s: not read as a listing, so its reader cannot say what is wrong", c.name)
		}
		_, err := ParseListing(strings.NewReader(c.data), c.f, models.DefaultItemTypes())
		var fe *FileError
		if !errors.As(err, &fe) || fe.Rule != c.rule || !reflect.DeepEqual(fe.Args, c.args) {
			t.Errorf("%s: err = %#v, want rule %s %v", c.name, err, c.rule, c.args)
			continue
		}
		if p := fe.Problem(); p.Rule != c.rule || p.Message == "" {
			t.Errorf("%s: problem = %+v", c.name, p)
		}
	}
}

func TestListingMaterialsSplit(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"流转合同;身份证明":             {"流转合同", "身份证明"},
		"流转合同；身份证明；":            {"流转合同", "身份证明"},
		"1.身份证 2.户口簿":           {"身份证", "户口簿"},
		"1.身份证2.户口簿3.近期1寸照片":    {"身份证", "户口簿", "近期1寸照片"},
		"（1）申请书\n（2）身份证、户口簿复印件": {"申请书", "身份证、户口簿复印件"},
		"(1)申请书 (2)营业执照":        {"申请书", "营业执照"},
		"①申请书②身份证明":             {"申请书", "身份证明"},
		"1、申请书\r\n2、身份证明。\r\n":  {"申请书", "身份证明"},
		"1.5倍面积的平面图":            {"1.5倍面积的平面图"},
		"营业执照 2.0 版":            {"营业执照 2.0 版"},
		"1.身份证、户口簿 3.照片":        {"身份证、户口簿 3.照片"},
		"身份证、户口簿、结婚证":           {"身份证、户口簿、结婚证"},
		"  ":                    {},
	} {
		in := "实施主体,事项名称,实施编码,事项类型,申请材料\r\n局,名,C1,01,\"" + in + "\"\r\n"
		l := parseListingCSV(t, in)
		got := []string{}
		for _, m := range l.Rows[0].Item.Materials {
			got = append(got, m.Name)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: materials = %q, want %q", in, got, want)
		}
	}
}

// TestListingUnknownMainNoted: a 主项名称 naming no item of the department in the file or in
// the catalogue is noted in the dry run, by row; the others are not.
func TestListingUnknownMainNoted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := models.Open(ctx, t.TempDir(), models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.SeedItemTypes(ctx, models.DefaultItemTypes()); err != nil {
		t.Fatal(err)
	}
	head := "实施主体,主项名称,事项名称,实施编码,事项类型\r\n"
	first := parseListingCSV(t, head+"甲局,食品经营许可,食品经营许可,M-1,01\r\n")
	if _, err := store.ImportListing(ctx, first.Items(), first.Fields, "admin", "导入"); err != nil {
		t.Fatal(err)
	}
	l := parseListingCSV(t, head+
		"甲局,食品经营许可,食品经营许可（变更）,M-2,01\r\n"+ // row 2: main item in the catalogue
		"甲局,新主项,新主项,N-1,01\r\n"+ // row 3: a main item itself
		"甲局,新主项,新主项（注销）,N-2,01\r\n"+ // row 4: main item in the file
		"甲局,不存在的主项,某子项,X-1,01\r\n"+ // row 5: nowhere
		"乙局,食品经营许可,乙局子项,Y-1,01\r\n"+ // row 6: only another department has it
		"甲局,,无主项,Z-1,01\r\n") // row 7: blank
	plan, err := store.PlanListing(ctx, l.Items(), l.Fields)
	if err != nil {
		t.Fatal(err)
	}
	var got []Problem
	for _, p := range l.MainNotes(plan) {
		got = append(got, Problem{Row: p.Row, Column: p.Column, Rule: p.Rule, Args: p.Args})
	}
	want := []Problem{
		{Row: 5, Column: HeadMainName, Rule: RuleUnknownMain, Args: []string{"不存在的主项"}},
		{Row: 6, Column: HeadMainName, Rule: RuleUnknownMain, Args: []string{"食品经营许可"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("notes = %+v, want %+v", got, want)
	}
}
