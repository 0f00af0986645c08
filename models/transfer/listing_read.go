package transfer

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// listingLine is one row of the listing's sheet as a spreadsheet numbers it.
type listingLine struct {
	num   int
	cells []string
}

// listingCells reads the rows of a listing: every row of a CSV text, or of a workbook's first
// sheet, with the cells of that sheet that hold a formula (by reference, "C12").
func listingCells(data []byte, f Format) ([]listingLine, map[string]bool, error) {
	switch f {
	case CSV:
		s, comma, err := csvText(data)
		if err != nil {
			return nil, nil, err
		}
		rows, err := splitCSV(s, comma)
		if err != nil {
			return nil, nil, err
		}
		var out []listingLine
		for i, r := range rows {
			if len(out) == 0 && blank(r) {
				continue
			}
			out = append(out, listingLine{num: i + 1, cells: r})
		}
		return out, nil, nil
	case XLSX:
		return xlsxListing(data)
	}
	return nil, nil, fmt.Errorf("transfer: unknown format %q", f)
}

func xlsxListing(data []byte) (out []listingLine, formulas map[string]bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, formulas, err = nil, nil, fileError(RuleFileNotXLSX, fmt.Sprintf("unreadable xlsx file: %v", v))
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, nil, &FileError{Rule: RuleFileNotXLSX, Err: fmt.Errorf("open xlsx: %w", err)}
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, fmt.Errorf("transfer: read sheet %s: %w", sheet, err)
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, fmt.Errorf("transfer: read sheet %s row %d: %w", sheet, n, err)
		}
		if len(out) == 0 && blank(cells) {
			continue
		}
		out = append(out, listingLine{num: n, cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, nil, fmt.Errorf("transfer: read sheet %s: %w", sheet, err)
	}
	formulas, err = formulaCells(data)
	return out, formulas, err
}

// hasItemsSheet reports whether a workbook has the items sheet of the multi-sheet layout.
func hasItemsSheet(data []byte) bool {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return false
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		if sheetOf(name) == sheetItems {
			return true
		}
	}
	return false
}

// xlsxFirstRow is the first non-blank row of a workbook's first sheet.
func xlsxFirstRow(data []byte) ([]string, error) {
	rows, _, err := xlsxListing(data)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0].cells, nil
}

// formulaCells lists the cells of a workbook's first sheet that hold a formula. The sheet's XML
// is scanned directly: excelize reads a formula cell as its cached value (or as nothing), and
// asking it cell by cell would cost a lookup per cell.
func formulaCells(data []byte) (map[string]bool, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("transfer: open xlsx: %w", err)
	}
	name, err := firstSheetPath(zr)
	if err != nil {
		return nil, err
	}
	file, err := zr.Open(name)
	if err != nil {
		return nil, fmt.Errorf("transfer: open sheet %s: %w", name, err)
	}
	defer file.Close()
	out := map[string]bool{}
	dec := xml.NewDecoder(io.LimitReader(file, maxUnzipped))
	cell := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("transfer: read sheet %s: %w", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "c":
				cell = attr(se, "r")
			case "f":
				out[cell] = true
			}
		}
	}
}

// firstSheetPath finds the part of the workbook's first sheet through workbook.xml and its
// relationships.
func firstSheetPath(zr *zip.Reader) (string, error) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(zr, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	if err := readXMLPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	if len(wb.Sheets) == 0 {
		return "", fmt.Errorf("transfer: the workbook has no sheet")
	}
	for _, r := range rels.Rel {
		if r.ID == wb.Sheets[0].ID {
			if strings.HasPrefix(r.Target, "/") {
				return strings.TrimPrefix(r.Target, "/"), nil
			}
			return path.Join("xl", r.Target), nil
		}
	}
	return "", fmt.Errorf("transfer: the workbook's first sheet has no part")
}

func readXMLPart(zr *zip.Reader, name string, v any) error {
	f, err := zr.Open(name)
	if err != nil {
		return fmt.Errorf("transfer: open %s: %w", name, err)
	}
	defer f.Close()
	if err := xml.NewDecoder(io.LimitReader(f, 64<<20)).Decode(v); err != nil {
		return fmt.Errorf("transfer: read %s: %w", name, err)
	}
	return nil
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// cellRef is the spreadsheet name of the cell in 0-based column col of row ("C12").
func cellRef(col, row int) string {
	ref, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return fmt.Sprintf("R%dC%d", row, col+1)
	}
	return ref
}

// sortProblems orders one row's problems by column, for a stable listing.
func sortProblems(ps []fieldProblem) {
	slices.SortFunc(ps, func(a, b fieldProblem) int { return cmp.Compare(a.Column, b.Column) })
}
