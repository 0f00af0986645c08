package transfer

import (
	"bufio"
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// edit changes one cell of an exported file, the way someone would in a spreadsheet.
type edit struct {
	sheet string
	row   int // 0-based data row of the section; -1 is its header row
	col   string
	val   string
}

// applyEdits returns the edited file and a function giving the spreadsheet row number of a
// section's data row (or of its header row, for -1).
func applyEdits(t *testing.T, f Format, data []byte, edits []edit) ([]byte, func(string, int) int) {
	t.Helper()
	if f == XLSX {
		return editXLSX(t, data, edits), func(_ string, k int) int { return k + 2 }
	}
	return editCSV(t, data, edits)
}

func editXLSX(t *testing.T, data []byte, edits []edit) []byte {
	t.Helper()
	wb, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	for _, e := range edits {
		rows, err := wb.GetRows(e.sheet)
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], e.col)
		ref, err := excelize.CoordinatesToCellName(col+1, e.row+2)
		if col < 0 || err != nil {
			t.Fatalf("no column %s in %s", e.col, e.sheet)
		}
		if err := wb.SetCellValue(e.sheet, ref, e.val); err != nil {
			t.Fatal(err)
		}
	}
	out, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func editCSV(t *testing.T, data []byte, edits []edit) ([]byte, func(string, int) int) {
	t.Helper()
	s, comma, err := csvText(data)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := splitCSV(s, comma)
	if err != nil {
		t.Fatal(err)
	}
	// at maps a section and data row (-1 for the header) to its index in rows.
	at := map[string][]int{}
	for i, r := range rows {
		for _, sheet := range sheetOrder() {
			switch r[0] {
			case "#" + recordOf(sheet):
				at[sheet] = append([]int{i}, at[sheet]...)
			case recordOf(sheet):
				at[sheet] = append(at[sheet], i)
			}
		}
	}
	index := func(sheet string, k int) int { return at[sheet][k+1] }
	for _, e := range edits {
		hdr := rows[index(e.sheet, -1)]
		col := slices.Index(hdr, e.col)
		if col < 0 {
			t.Fatalf("no column %s in %s", e.col, e.sheet)
		}
		rows[index(e.sheet, e.row)][col] = e.val
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	w.WriteString(bom)
	for _, r := range rows {
		csvWriter{w}.row(r)
	}
	w.Flush()
	return buf.Bytes(), func(sheet string, k int) int { return index(sheet, k) + 1 }
}
