package transfer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
)

const realCode = "511A0138000000-511602000000-000-115113010833722043-1-00"

func parseListingCSV(t *testing.T, s string) *Listing {
	t.Helper()
	l, err := ParseListing(strings.NewReader(s), CSV, models.DefaultItemTypes())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestListingHeadersAnyOrderBlanksUnknown(t *testing.T) {
	t.Parallel()
	in := "备注,事项类型,实施编码,事项名称,实施主体,主项名称,基本编码,法定办结时限,承诺办结时限,是否收费,办件类型,到现场次数,网办深度,申请材料\r\n" +
		"x,行政许可," + realCode + ",食品经营许可（新办）,市场监督管理局,食品经营许可,,20个工作日,10工作日,否,承诺件,1次,四级,\"1.申请书\n2、营业执照复印件\n\"\r\n" +
		"y,07,511A0138000000-511602000000-000-115113010833722043-2-00,食品经营许可（注销）,市场监督管理局,食品经营许可,,,,,,,,\r\n"
	l := parseListingCSV(t, in)
	if len(l.Problems) != 0 {
		t.Fatalf("problems: %+v", l.Problems)
	}
	if len(l.Warnings) != 1 || l.Warnings[0].Column != "备注" || l.Warnings[0].Rule != RuleUnknownColumn {
		t.Errorf("warnings = %+v, want one about 备注", l.Warnings)
	}
	if len(l.Rows) != 2 {
		t.Fatalf("rows = %d", len(l.Rows))
	}
	a, b := l.Rows[0], l.Rows[1]
	if a.Row != 2 || a.Department != "市场监督管理局" || a.Item.Code != realCode || a.Item.MainName != "食品经营许可" {
		t.Errorf("row 2 = %+v", a)
	}
	it := a.Item
	if it.TypeCode != "01" || !it.OnApplication || *it.StatutoryDays != 20 || *it.PromisedDays != 10 ||
		*it.IsFee || it.HandlingKind != models.KindPromised || *it.Visits != 1 || *it.OnlineDepth != 4 {
		t.Errorf("item = %+v", it)
	}
	if len(it.Materials) != 2 || it.Materials[0].Name != "申请书" || it.Materials[1].Name != "营业执照复印件" ||
		it.Materials[0].Necessity != models.NecessityRequired || it.Materials[0].Copies != nil {
		t.Errorf("materials = %+v", it.Materials)
	}
	u := b.Item
	if u.TypeCode != "07" || u.StatutoryDays != nil || u.PromisedDays != nil || u.IsFee != nil || u.Visits != nil ||
		u.OnlineDepth != nil || u.HandlingKind != "" || len(u.Materials) != 0 {
		t.Errorf("blank cells must be unknown: %+v", u)
	}
	if it.Disposition != models.DispositionRetained || it.Status != models.ItemPublished {
		t.Errorf("disposition %q status %q", it.Disposition, it.Status)
	}
}

func TestListingDaysForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"20": 20, "20个工作日": 20, "20工作日": 20, " 5 ": 5, "0": 0} {
		l := parseListingCSV(t, "实施主体,事项名称,实施编码,事项类型,法定办结时限\r\n局,名,C1,01,"+in+"\r\n")
		if len(l.Problems) != 0 || l.Rows[0].Item.StatutoryDays == nil || *l.Rows[0].Item.StatutoryDays != want {
			t.Errorf("%q: %+v %+v", in, l.Problems, l.Rows)
		}
	}
}

func TestListingBadCells(t *testing.T) {
	t.Parallel()
	in := "实施主体,事项名称,实施编码,事项类型,法定办结时限,承诺办结时限,是否收费,办件类型\r\n" +
		"局,甲,C1,许可,20,10,是,承诺件\r\n" + // row 2: unknown type
		"局,乙,C2,01,二十天,10,是,承诺件\r\n" + // row 3: not a number
		"局,丙,C3,01,10,20,是,承诺件\r\n" + // row 4: promised > statutory
		"局,丁,C1,01,10,5,也许,承诺件\r\n" + // row 5: duplicate code
		"局,戊,C5,01,=SUM(A1:A2),5,否,马上办\r\n" + // row 6: formula, kind
		",己,C6,01,,,,\r\n" // row 7: no department
	l := parseListingCSV(t, in)
	want := []struct {
		row       int
		col, rule string
	}{
		{2, HeadType, RuleUnknownType},
		{3, HeadStatutory, RuleNotDays},
		{4, HeadPromised, models.RuleExceedsStatutory},
		{5, HeadIsFee, RuleNotYesNo},
		{5, HeadCode, RuleDuplicateCode},
		{6, HeadStatutory, RuleFormula},
		{6, HeadKind, RuleNotKind},
		{7, HeadDepartment, models.RuleRequired},
	}
	if len(l.Problems) != len(want) {
		t.Fatalf("problems = %+v", l.Problems)
	}
	for i, w := range want {
		p := l.Problems[i]
		if p.Row != w.row || p.Column != w.col || p.Rule != w.rule {
			t.Errorf("problem %d = %+v, want %+v", i, p, w)
		}
	}
	if d := l.Problems[4]; d.Args[0] != "C1" || d.Args[1] != "2" {
		t.Errorf("duplicate names both rows: %+v", d)
	}
}

func TestListingMissingHeaders(t *testing.T) {
	t.Parallel()
	l := parseListingCSV(t, "事项名称,事项类型\r\n名,01\r\n")
	if len(l.Problems) != 2 || l.Problems[0].Column != HeadCode || l.Problems[1].Column != HeadDepartment || l.Problems[0].Row != 1 {
		t.Errorf("problems = %+v", l.Problems)
	}
	if len(l.Rows) != 0 {
		t.Errorf("rows read under a wrong header: %+v", l.Rows)
	}
}

func TestListingXLSXFormulaAndDetect(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for i, v := range []string{"实施主体", "事项名称", "实施编码", "事项类型", "法定办结时限"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr(sh, cell, v)
	}
	f.SetCellStr(sh, "A2", "局")
	f.SetCellStr(sh, "B2", "名")
	f.SetCellStr(sh, "C2", realCode)
	f.SetCellStr(sh, "D2", "01")
	f.SetCellFormula(sh, "E2", "SUM(1,2)")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !IsListing(buf.Bytes(), XLSX) || IsListing([]byte("#item,code\r\n"), CSV) {
		t.Error("layout detection")
	}
	l, err := ParseListing(bytes.NewReader(buf.Bytes()), XLSX, models.DefaultItemTypes())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != 1 || l.Problems[0].Rule != RuleFormula || l.Problems[0].Row != 2 || l.Problems[0].Column != HeadStatutory {
		t.Errorf("problems = %+v", l.Problems)
	}
}

// bareProblem is a problem without its rule, for tests that list expected messages.
type bareProblem struct {
	Sheet   string
	Row     int
	Column  string
	Message string
}

func bare(ps []Problem) []bareProblem {
	out := make([]bareProblem, len(ps))
	for i, p := range ps {
		out[i] = bareProblem{p.Sheet, p.Row, p.Column, p.Message}
	}
	return out
}
