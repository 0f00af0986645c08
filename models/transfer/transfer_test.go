package transfer

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
)

func TestSamplesCoverEveryField(t *testing.T) {
	t.Parallel()
	items := sampleItems()
	requireEveryField(t, items)
	var ms []models.Material
	var fs []models.Fee
	var ss []models.Step
	var ds []models.ItemDepartment
	for _, it := range items {
		ms, fs = append(ms, it.Materials...), append(fs, it.Fees...)
		ss, ds = append(ss, it.Steps...), append(ds, it.Departments...)
		if msgs := Validate(&it, testKnown()); len(msgs) > 0 {
			t.Errorf("sample %s is invalid: %v", it.Code, msgs)
		}
	}
	requireEveryField(t, ms)
	requireEveryField(t, fs)
	requireEveryField(t, ss)
	requireEveryField(t, ds)
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    Format
		lang Lang
	}{{XLSX, English}, {CSV, English}, {XLSX, Chinese}, {CSV, Chinese}} {
		f := tc.f
		t.Run(string(f)+"-"+string(tc.lang), func(t *testing.T) {
			t.Parallel()
			want := sampleItems()
			got := roundTrip(t, f, want, testKnown(), tc.lang)
			if !reflect.DeepEqual(normalise(got), normalise(want)) {
				for i := range min(len(got), len(want)) {
					if g, w := normalise(got[i:i+1]), normalise(want[i:i+1]); !reflect.DeepEqual(g, w) {
						t.Errorf("item %d differs:\n got %#v\nwant %#v", i, g[0], w[0])
					}
				}
				t.Fatalf("round trip changed the items (%d read, %d written)", len(got), len(want))
			}
		})
	}
}

func TestRoundTripEmptyCatalogue(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{XLSX, CSV} {
		if got := roundTrip(t, f, nil, testKnown()); len(got) != 0 {
			t.Errorf("%s: read %d items from an empty export", f, len(got))
		}
	}
}

// roundTrip exports items, reads them back and fails on any problem.
func roundTrip(t testing.TB, f Format, items []models.Item, known Known, lang ...Lang) []models.Item {
	t.Helper()
	var buf bytes.Buffer
	var opt Options
	if len(lang) > 0 {
		opt.Lang = lang[0]
	}
	if err := Export(&buf, f, items, opt); err != nil {
		t.Fatalf("Export %s: %v", f, err)
	}
	got, problems, err := Parse(&buf, f, known)
	if err != nil {
		t.Fatalf("Parse %s: %v", f, err)
	}
	if len(problems) > 0 {
		t.Fatalf("Parse %s: %d problems, first %+v", f, len(problems), problems[:min(5, len(problems))])
	}
	return got
}

func TestListEscaping(t *testing.T) {
	t.Parallel()
	l := models.StringList{"个体|工商户", `a\b`, "企业"}
	if got, want := joinList(l), `个体\|工商户|a\\b|企业`; got != want {
		t.Errorf("joinList = %q, want %q", got, want)
	}
	if got := splitList(joinList(l)); !reflect.DeepEqual(got, l) {
		t.Errorf("splitList(joinList) = %q", got)
	}
	if got, want := splitList(" person | enterprise "), (models.StringList{"person", "enterprise"}); !reflect.DeepEqual(got, want) {
		t.Errorf("hand-typed list = %q, want %q", got, want)
	}
	if got := splitList("  "); got == nil || len(got) != 0 {
		t.Errorf("blank cell = %#v, want an empty list", got)
	}
}

// Edits the malformed-file test makes, by section and 0-based data row.
func malformedEdits() []edit {
	items := sampleItems()
	return []edit{
		{sheetItems, 0, "statutory_days", "abc"},      // bad number; promised 15 > 0 must not be reported too
		{sheetItems, 1, "department_code", "nowhere"}, // unknown department
		{sheetItems, 2, "code", items[1].Code},        // duplicate code
		{sheetItems, 3, "promised_days", "99"},        // promised > statutory (5)
		{sheetItems, 5, "name", "  "},                 // empty name
		{sheetMaterials, 0, "blank_form", "yes"},      // bad boolean
		{sheetMaterials, 1, colItemCode, "nope"},      // unknown item
		{sheetFees, -1, "standard", ""},               // missing required header: the fees are skipped
	}
}

func TestMalformedFile(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{XLSX, CSV} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Export(&buf, f, sampleItems()); err != nil {
				t.Fatal(err)
			}
			data, rowOf := applyEdits(t, f, buf.Bytes(), malformedEdits())
			items, problems, err := Parse(bytes.NewReader(data), f, testKnown())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := []bareProblem{
				{sheetItems, rowOf(sheetItems, 0), "statutory_days", `statutory_days "abc" is not a whole number`},
				{sheetItems, rowOf(sheetItems, 1), "department_code", `unknown department_code "nowhere"`},
				{sheetItems, rowOf(sheetItems, 2), "code", `duplicate code "150902020010000002000", first used on row ` + strconv.Itoa(rowOf(sheetItems, 1))},
				{sheetItems, rowOf(sheetItems, 3), "promised_days", "promised_days 99 exceeds statutory_days 5"},
				{sheetItems, rowOf(sheetItems, 5), "name", "name is required"},
				{sheetMaterials, rowOf(sheetMaterials, 0), "blank_form", `blank_form "yes" is not true or false`},
				{sheetMaterials, rowOf(sheetMaterials, 1), colItemCode, `no item with code "nope" in the items sheet`},
				{sheetFees, rowOf(sheetFees, -1), "standard", "missing column standard"},
			}
			if !reflect.DeepEqual(bare(problems), want) {
				t.Errorf("problems:\n%s\nwant:\n%s", dump(problems), dump(want))
			}
			if len(items) != 5 || items[0].Fees != nil || len(items[0].Materials) != 2 {
				t.Errorf("read %d items (want 5 without the duplicate), item 0 with %d fees and %d materials (want 0 and 2)",
					len(items), len(items[0].Fees), len(items[0].Materials))
			}
		})
	}
}

func dump(ps any) string {
	var b strings.Builder
	list, ok := ps.([]bareProblem)
	if !ok {
		list = bare(ps.([]Problem))
	}
	for _, p := range list {
		b.WriteString("  " + p.Sheet + " row " + strconv.Itoa(p.Row) + " " + p.Column + ": " + p.Message + "\n")
	}
	return b.String()
}

func TestNotASpreadsheet(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if err := Export(&good, XLSX, sampleItems()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	inputs := map[string][]byte{
		"empty":          nil,
		"png":            []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"),
		"random":         random,
		"truncated xlsx": good.Bytes()[:good.Len()/2],
		"zip header":     []byte("PK\x03\x04garbage"),
	}
	for name, in := range inputs {
		for _, f := range []Format{XLSX, CSV} {
			items, problems, err := Parse(bytes.NewReader(in), f, testKnown())
			if err == nil {
				t.Errorf("%s as %s: no error (%d items, %d problems)", name, f, len(items), len(problems))
			}
		}
	}
	if _, _, err := Parse(strings.NewReader("a,b,c\n1,2,3\n"), CSV, testKnown()); err == nil {
		t.Error("a CSV file of other data: no error")
	}
	if _, _, err := Parse(bytes.NewReader(good.Bytes()), Format("ods"), testKnown()); err == nil {
		t.Error("unknown format: no error")
	}
}

func TestExportRefusesWhatCannotComeBack(t *testing.T) {
	t.Parallel()
	for name, mutate := range map[string]func(*models.Item){
		"control character": func(it *models.Item) { it.Hours = "9:00\x0b17:00" },
		"invalid UTF-8":     func(it *models.Item) { it.Materials[0].Remark = "\xff" },
		"too long for XLSX": func(it *models.Item) { it.LegalBasis = strings.Repeat("法", excelize.TotalCellChars+1) },
	} {
		items := sampleItems()
		mutate(&items[0])
		for _, f := range []Format{XLSX, CSV} {
			err := Export(&bytes.Buffer{}, f, items)
			if long := strings.HasPrefix(name, "too long"); (err == nil) != (long && f == CSV) {
				t.Errorf("%s, %s: err = %v", name, f, err)
			}
		}
	}
}

func TestChildrenOrderedBySort(t *testing.T) {
	t.Parallel()
	items := sampleItems()[:1]
	steps := items[0].Steps
	items[0].Steps = []models.Step{steps[2], steps[0], steps[4], steps[1], steps[3]}
	for _, f := range []Format{XLSX, CSV} {
		got := roundTrip(t, f, items, testKnown())
		if !slices.IsSortedFunc(got[0].Steps, func(a, b models.Step) int { return a.Sort - b.Sort }) ||
			!reflect.DeepEqual(normalise(got)[0].Steps, normalise(sampleItems()[:1])[0].Steps) {
			t.Errorf("%s: steps not back in sort order: %+v", f, got[0].Steps)
		}
	}
}

func BenchmarkExportParse(b *testing.B) {
	items := syntheticItems(4200)
	for _, f := range []Format{XLSX, CSV} {
		var file bytes.Buffer
		if err := Export(&file, f, items); err != nil {
			b.Fatal(err)
		}
		b.Run("export_"+string(f), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Export(&buf, f, items); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len())/1e6, "MB")
		})
		b.Run("parse_"+string(f), func(b *testing.B) {
			for b.Loop() {
				got, problems, err := Parse(bytes.NewReader(file.Bytes()), f, testKnown())
				if err != nil || len(problems) > 0 || len(got) != len(items) {
					b.Fatalf("%d items, %d problems, %v", len(got), len(problems), err)
				}
			}
		})
	}
}
