package transfer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// maxUnzipped bounds the unpacked size of a workbook, so that a small crafted upload cannot
// unpack into gigabytes; a whole provincial catalogue unpacks to far less.
const maxUnzipped = 1 << 30

// header is one header row: where it is and which cell holds which column.
type header struct {
	row   int
	index map[string]int
	ok    bool        // every column of the layout is present exactly once
	tr    *translator // reads values written in Chinese
}

// rawRow is one data row with the header it is read under.
type rawRow struct {
	num   int
	cells []string
	hdr   *header
}

// cell returns the text of a column in the row; a cell past the end of the row is empty.
func (r rawRow) cell(name string) string {
	if i, ok := r.hdr.index[name]; ok && i < len(r.cells) {
		return r.hdr.tr.in(name, r.cells[i])
	}
	return ""
}

// table holds the rows of one section.
type table struct {
	rows []rawRow
	xlsx bool // cells come from a workbook, where a typed date becomes a date serial
}

// readXLSX reads the five sheets of a workbook. Decoding the sheet XML is nearly all the cost
// of reading a workbook, and excelize's row iterator is safe for concurrent use, so the sheets
// are decoded in parallel; their rows are then judged in order.
func (p *parser) readXLSX(r io.Reader) (tabs map[string]*table, err error) {
	// The workbook comes from an upload; a crafted file must cost an error, not the process.
	defer func() {
		if v := recover(); v != nil {
			tabs, err = nil, fmt.Errorf("transfer: unreadable xlsx file: %v", v)
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, fmt.Errorf("transfer: open xlsx: %w", err)
	}
	defer f.Close()
	actual := map[string]string{} // sheet → its name in the workbook, in either language
	for _, name := range f.GetSheetList() {
		if s := sheetOf(name); s != "" && actual[s] == "" {
			actual[s] = name
		}
	}
	if actual[sheetItems] == "" {
		return nil, errors.New("transfer: not a catalogue workbook: it has no items sheet")
	}
	sheets := sheetOrder()
	got := make([]sheetCells, len(sheets))
	var wg sync.WaitGroup
	for i, sheet := range sheets {
		wg.Go(func() { got[i] = readSheet(f, actual[sheet]) })
	}
	wg.Wait()
	tabs = map[string]*table{}
	for i, sheet := range sheets {
		if got[i].err != nil {
			return nil, got[i].err
		}
		tabs[sheet] = p.sheetTable(sheet, got[i])
	}
	return tabs, nil
}

// sheetCells is what one sheet holds: its non-blank rows, by row number.
type sheetCells struct {
	missing bool
	nums    []int
	rows    [][]string
	err     error
}

// readSheet decodes the rows of one sheet.
func readSheet(f *excelize.File, sheet string) (out sheetCells) {
	defer func() {
		if v := recover(); v != nil {
			out = sheetCells{err: fmt.Errorf("transfer: unreadable sheet %s: %v", sheet, v)}
		}
	}()
	if sheet == "" {
		return sheetCells{missing: true}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return sheetCells{err: fmt.Errorf("transfer: read sheet %s: %w", sheet, err)}
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return sheetCells{err: fmt.Errorf("transfer: read sheet %s row %d: %w", sheet, n, err)}
		}
		if !blank(cells) {
			out.nums, out.rows = append(out.nums, n), append(out.rows, cells)
		}
	}
	if err := rows.Error(); err != nil {
		return sheetCells{err: fmt.Errorf("transfer: read sheet %s: %w", sheet, err)}
	}
	return out
}

// sheetTable takes the first row of a sheet as its header and the others as its data.
func (p *parser) sheetTable(sheet string, c sheetCells) *table {
	t := &table{xlsx: true}
	switch {
	case c.missing:
		p.add(sheet, 0, "", RuleMissingSheet, "missing sheet "+sheet, sheet)
		p.noteBroken(sheet)
	case len(c.rows) == 0:
		p.add(sheet, 1, "", RuleEmptySheet, "sheet "+sheet+" has no header row", sheet)
		p.noteBroken(sheet)
	default:
		h := p.header(sheet, c.nums[0], c.rows[0], 0)
		for i := 1; i < len(c.rows); i++ {
			t.rows = append(t.rows, rawRow{num: c.nums[i], cells: c.rows[i], hdr: h})
		}
	}
	return t
}

// readCSV reads the one-file layout: the first cell of a row names its record kind, and a
// row whose first cell is "#kind" is the header of the rows of that kind below it.
func (p *parser) readCSV(r io.Reader) (map[string]*table, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("transfer: read csv: %w", err)
	}
	s, comma, err := csvText(b)
	if err != nil {
		return nil, err
	}
	rows, err := splitCSV(s, comma)
	if err != nil {
		return nil, err
	}
	for _, cells := range rows {
		for i, c := range cells {
			cells[i] = unescapeFormula(c)
		}
	}
	tabs := map[string]*table{}
	for _, sheet := range sheetOrder() {
		tabs[sheet] = &table{}
	}
	headers := map[string]*header{}
	for n, cells := range rows {
		num := n + 1
		if blank(cells) {
			continue
		}
		kind := strings.TrimSpace(cells[0])
		if name, ok := strings.CutPrefix(kind, "#"); ok {
			if sheet, ok := p.sheetOf(num, name); ok {
				headers[sheet] = p.header(sheet, num, cells, 1)
			}
			continue
		}
		sheet, ok := p.sheetOf(num, kind)
		if !ok {
			continue
		}
		if headers[sheet] == nil {
			p.add(sheet, num, "record", RuleNoHeader, fmt.Sprintf("no #%s header row above this row", kind), "#"+recordOf(sheet))
			continue
		}
		tabs[sheet].rows = append(tabs[sheet].rows, rawRow{num: num, cells: cells, hdr: headers[sheet]})
	}
	if headers[sheetItems] == nil {
		return nil, errors.New("transfer: not a catalogue csv file: it has no #item header row")
	}
	return tabs, nil
}

// sheetOf maps a CSV record kind to its section, reporting an unknown kind.
func (p *parser) sheetOf(row int, kind string) (string, bool) {
	for _, s := range sheetOrder() {
		if recordOf(s) == kind || zhSheet(s) == kind {
			return s, true
		}
	}
	p.add("", row, "record", RuleUnknownRecord, fmt.Sprintf("record %q is not one of item, material, fee, step, department", kind), kind)
	return "", false
}

// addedLater are columns newer than the layout's first files: a file without
// one reads as if each of its cells were blank.
var addedLater = map[string]bool{"main_name": true, "exemption": true, "plan": true,
	// 告知承诺制 and the per-item 容缺 period (migration 0018).
	"pledge_allowed": true, "pledge_text": true, "pledge_check_days": true, "pending_days": true, "pledge_replaces": true}

// header reads a header row; skip is the number of leading cells that are not columns.
func (p *parser) header(sheet string, num int, cells []string, skip int) *header {
	h := &header{row: num, index: map[string]int{}, ok: true}
	zh := false
	defer func() {
		if zh {
			h.tr = newTranslator(sheet, Chinese, p.layout[sheet])
		}
	}()
	for i := skip; i < len(cells); i++ {
		name := strings.TrimSpace(cells[i])
		if name == "" {
			continue
		}
		if col, ok := p.titles[sheet][name]; ok && !slices.Contains(cells[skip:], col) {
			name, zh = col, true
		}
		if _, dup := h.index[name]; dup {
			p.add(sheet, num, name, RuleRepeatColumn, "column "+name+" appears twice", name)
			h.ok = false
			continue
		}
		h.index[name] = i
	}
	for _, name := range p.layout[sheet] {
		if _, ok := h.index[name]; !ok && !addedLater[name] {
			p.add(sheet, num, name, RuleMissingColumn, "missing column "+name, name)
			h.ok = false
		}
	}
	if !h.ok {
		p.noteBroken(sheet)
	}
	return h
}

// noteBroken records that rows of a sheet could not be read, so that children pointing at
// items of an unreadable items sheet are not each reported as orphans.
func (p *parser) noteBroken(sheet string) {
	if sheet == sheetItems {
		p.itemsBroken = true
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func sheetOrder() []string {
	return []string{sheetItems, sheetMaterials, sheetFees, sheetSteps, sheetDepartments}
}

// recordOf is the CSV record kind of a sheet: the singular of its name.
func recordOf(sheet string) string { return strings.TrimSuffix(sheet, "s") }
