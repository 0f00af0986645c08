package transfer

import (
	"bytes"
	"strings"
	"testing"
)

// TestCSVCellsCannotRunAsFormulas: a guide text starting with = + - or @ is written with a
// leading apostrophe (a spreadsheet shows it as text instead of computing it) and reads
// back unchanged.
func TestCSVCellsCannotRunAsFormulas(t *testing.T) {
	t.Parallel()
	items := sampleItems()
	texts := []string{`=HYPERLINK("http://evil.example","点此")`, "+86 0474", "-仅限本人", "@SUM(1)"}
	items[0].AcceptConditions, items[0].Location, items[0].Hours, items[0].FeeBasis = texts[0], texts[1], texts[2], texts[3]
	var buf bytes.Buffer
	if err := Export(&buf, CSV, items, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, cell := range splitCells(t, buf.String()) {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("exported cell %q would run as a formula", cell)
		}
	}
	got := roundTrip(t, CSV, items, testKnown())
	g := got[0]
	if g.AcceptConditions != texts[0] || g.Location != texts[1] || g.Hours != texts[2] || g.FeeBasis != texts[3] {
		t.Errorf("read back %q %q %q %q", g.AcceptConditions, g.Location, g.Hours, g.FeeBasis)
	}
}

func splitCells(t *testing.T, csv string) []string {
	t.Helper()
	rows, err := splitCSV(strings.TrimPrefix(csv, bom), ',')
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
