package transfer

import (
	"bufio"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"onewindow/models"
)

// Format is xlsx or csv.
type Format string

// The two file formats.
const (
	// XLSX is an Office Open XML workbook with one sheet per section.
	XLSX Format = "xlsx"
	// CSV is one UTF-8 text file holding every section, told apart by its record column.
	CSV Format = "csv"
)

// section is one sheet of the XLSX layout, one record kind of the CSV layout.
type section struct {
	sheet, record string
	header        []string
	// each calls emit with every row as pointers to its fields; a child row starts with a
	// pointer to its item's code. The slice is reused between calls.
	each func(emit func(cells []any) error) error
}

// sections lists the five sections in file order.
func sections(items []models.Item) []section {
	cols := itemColumns()
	return []section{
		{sheet: sheetItems, record: recordOf(sheetItems), header: names(cols, false), each: func(emit func([]any) error) error {
			row := make([]any, len(cols))
			for i := range items {
				for j, c := range cols {
					row[j] = c.ptr(&items[i])
				}
				if err := emit(row); err != nil {
					return err
				}
			}
			return nil
		}},
		childSection(sheetMaterials, materialColumns(), items, func(it *models.Item) []models.Material { return it.Materials }),
		childSection(sheetFees, feeColumns(), items, func(it *models.Item) []models.Fee { return it.Fees }),
		childSection(sheetSteps, stepColumns(), items, func(it *models.Item) []models.Step { return it.Steps }),
		childSection(sheetDepartments, departmentColumns(), items, func(it *models.Item) []models.ItemDepartment { return it.Departments }),
	}
}

func childSection[T any](sheet string, cols []column[T], items []models.Item, list func(*models.Item) []T) section {
	return section{sheet: sheet, record: recordOf(sheet), header: names(cols, true), each: func(emit func([]any) error) error {
		row := make([]any, len(cols)+1)
		for i := range items {
			children := list(&items[i])
			for k := range children {
				row[0] = &items[i].Code
				for j, c := range cols {
					row[j+1] = c.ptr(&children[k])
				}
				if err := emit(row); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

// Options tunes Export and Parse.
type Options struct {
	// Lang is the language of an export's sheet names, headers and coded values (English when
	// empty); Parse reads either.
	Lang Lang
	// Progress, when set, is called as rows are written or read, with the rows done and the
	// total, so that a long transfer can show how far it is.
	Progress func(done, total int)
}

func options(opts []Options) Options {
	if len(opts) > 0 {
		return opts[0]
	}
	return Options{}
}

// progress counts rows and reports them every so often and at the end.
type progress struct {
	fn          func(done, total int)
	done, total int
}

func (p *progress) step() {
	p.done++
	if p.fn != nil && (p.done%200 == 0 || p.done == p.total) {
		p.fn(p.done, p.total)
	}
}

// rowCount is the number of data rows items take in a file: the items and all their children.
func rowCount(items []models.Item) int {
	n := len(items)
	for i := range items {
		n += len(items[i].Materials) + len(items[i].Fees) + len(items[i].Steps) + len(items[i].Departments)
	}
	return n
}

// Export writes items (with their materials, fees, steps and workflow departments) to w.
//
// Children are written in the order of their slices. Text that no file can carry back (invalid
// UTF-8, control characters, or more than an XLSX cell holds) is an error, never cut short.
func Export(w io.Writer, f Format, items []models.Item, opts ...Options) error {
	o := options(opts)
	pr := &progress{fn: o.Progress, total: rowCount(items)}
	switch f {
	case XLSX:
		return exportXLSX(w, items, pr, o.Lang)
	case CSV:
		return exportCSV(w, items, pr, o.Lang)
	}
	return fmt.Errorf("transfer: unknown format %q", f)
}

// maxCellUnits is the most UTF-16 code units an XLSX cell holds; excelize silently cuts longer text.
const maxCellUnits = excelize.TotalCellChars

func exportXLSX(w io.Writer, items []models.Item, pr *progress, lang Lang) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("transfer: close workbook: %w", cerr)
		}
	}()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("transfer: header style: %w", err)
	}
	for i, s := range sections(items) {
		name := sheetTitle(s.sheet, lang)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("transfer: add sheet %s: %w", s.sheet, err)
		}
		if err := writeSheet(f, s, name, bold, pr, lang); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("transfer: write xlsx: %w", err)
	}
	return nil
}

// writeSheet streams one section into its sheet, with a bold, frozen header row.
func writeSheet(f *excelize.File, s section, name string, headerStyle int, pr *progress, lang Lang) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("transfer: stream sheet %s: %w", s.sheet, err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("transfer: freeze header of %s: %w", s.sheet, err)
	}
	if err := sw.SetColWidth(1, len(s.header), 18); err != nil {
		return fmt.Errorf("transfer: column width of %s: %w", s.sheet, err)
	}
	vals := make([]any, len(s.header))
	titles := headerTitles(s.sheet, s.header, lang)
	for i, h := range titles {
		vals[i] = excelize.Cell{StyleID: headerStyle, Value: h}
	}
	tr := newTranslator(s.sheet, lang, s.header)
	if err := sw.SetRow("A1", vals); err != nil {
		return fmt.Errorf("transfer: header of %s: %w", s.sheet, err)
	}
	n := 1
	err = s.each(func(cells []any) error {
		n++
		for j, p := range cells {
			v, err := xlsxValue(p, s.header[j], tr)
			if err != nil {
				return fmt.Errorf("transfer: item %q, sheet %s, column %s: %w", *cells[0].(*string), s.sheet, s.header[j], err)
			}
			vals[j] = v
		}
		ref, err := excelize.CoordinatesToCellName(1, n)
		if err == nil {
			err = sw.SetRow(ref, vals)
		}
		pr.step()
		return err
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("transfer: flush sheet %s: %w", s.sheet, err)
	}
	return nil
}

// xlsxValue is the cell value of a field: numbers as numbers, everything else as text;
// an empty text is no cell at all, which reads back as "".
func xlsxValue(p any, col string, tr *translator) (any, error) {
	switch n := p.(type) {
	case *int:
		return *n, nil
	case **int:
		if *n != nil {
			return **n, nil
		}
	}
	s := tr.cell(p, col)
	if err := storable(s); err != nil {
		return nil, err
	}
	if utf16Len(s) > maxCellUnits {
		return nil, fmt.Errorf("text of %d characters is longer than a cell holds (%d)", utf16Len(s), maxCellUnits)
	}
	if s == "" {
		return nil, nil
	}
	return s, nil
}

func storable(s string) error {
	if i := models.UnstorableAt(s); i >= 0 {
		return fmt.Errorf("text contains a character that cannot be stored (byte %d)", i)
	}
	return nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func exportCSV(w io.Writer, items []models.Item, pr *progress, lang Lang) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(bom)
	c := csvWriter{bw}
	for _, s := range sections(items) {
		cells := make([]string, len(s.header)+1)
		record := recordTitle(s.sheet, lang)
		tr := newTranslator(s.sheet, lang, s.header)
		started := false
		header := func() {
			c.row(append([]string{"#" + record}, headerTitles(s.sheet, s.header, lang)...))
			started = true
		}
		if s.sheet == sheetItems {
			// Always present, so that even an empty catalogue reads back as one.
			header()
		}
		err := s.each(func(ptrs []any) error {
			if !started {
				header()
			}
			cells[0] = record
			for j, p := range ptrs {
				cells[j+1] = tr.cell(p, s.header[j])
				if err := storable(cells[j+1]); err != nil {
					return fmt.Errorf("transfer: item %q, %s column %s: %w", *ptrs[0].(*string), s.record, s.header[j], err)
				}
			}
			c.row(cells)
			pr.step()
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("transfer: write csv: %w", err)
	}
	return nil
}
