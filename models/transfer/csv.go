package transfer

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// bom is the UTF-8 byte order mark that tells spreadsheet programs the file is UTF-8.
const bom = "\uFEFF"

// csvWriter writes RFC 4180 records. encoding/csv is not used because its reader drops the
// carriage return of a "\r\n" inside a quoted cell, and text typed into a browser textarea
// arrives with exactly those line breaks; the round trip must keep them.
type csvWriter struct{ w *bufio.Writer }

func (c csvWriter) row(cells []string) {
	for i, s := range cells {
		if i > 0 {
			c.w.WriteByte(',')
		}
		s = escapeFormula(s)
		if !strings.ContainsAny(s, ",\"\r\n") {
			c.w.WriteString(s)
			continue
		}
		c.w.WriteByte('"')
		c.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
		c.w.WriteByte('"')
	}
	c.w.WriteString("\r\n")
}

// A spreadsheet opening a CSV file runs a cell that starts with = + - @ (or a tab or a
// carriage return before them) as a formula: a guide's text could then compute, link or
// call out. The export writes such a cell with a leading apostrophe, which spreadsheets show
// as text, and the import takes the apostrophe off again.
const formulaStarts = "=+-@\t\r"

// escapeFormula is the cell as exported: an apostrophe before a formula's first character.
func escapeFormula(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// unescapeFormula undoes escapeFormula.
func unescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStarts, s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// splitCSV splits a whole CSV text into rows of cells. Row i of the result is row i+1 in a
// spreadsheet: a blank line is a row of one empty cell, and a quoted cell may span lines.
// Inside quotes every byte is kept as written. A quote that is never closed, or text right after
// a closing quote, makes the rest of the file ambiguous, so it is an error.
func splitCSV(data string, comma byte) ([][]string, error) {
	var rows [][]string
	var row []string
	line := 1
	for i := 0; ; {
		var cell string
		if i < len(data) && data[i] == '"' {
			var err error
			cell, i, err = quoted(data, i, comma, &line)
			if err != nil {
				return nil, err
			}
		} else {
			j := i
			for j < len(data) && data[j] != comma && data[j] != '\n' && data[j] != '\r' {
				j++
			}
			cell, i = data[i:j], j
		}
		row = append(row, cell)
		if i >= len(data) {
			return append(rows, row), nil
		}
		switch data[i] {
		case comma:
			i++
			continue
		case '\r':
			i++
			if i < len(data) && data[i] == '\n' {
				i++
			}
		default:
			i++
		}
		line++
		rows, row = append(rows, row), nil
		if i >= len(data) {
			return rows, nil
		}
	}
}

// quoted reads the quoted cell that starts at data[i] and returns it with the offset after it.
func quoted(data string, i int, comma byte, line *int) (string, int, error) {
	start := *line
	var b strings.Builder
	i++
	for {
		j := strings.IndexByte(data[i:], '"')
		if j < 0 {
			return "", 0, fileError(RuleFileBadCSV, fmt.Sprintf("csv line %d: quoted cell is never closed", start), strconv.Itoa(start))
		}
		seg := data[i : i+j]
		b.WriteString(seg)
		*line += strings.Count(seg, "\n")
		i += j + 1
		if i < len(data) && data[i] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		if i < len(data) && data[i] != comma && data[i] != '\r' && data[i] != '\n' {
			return "", 0, fileError(RuleFileBadCSV, fmt.Sprintf("csv line %d: text after a closing quote", *line), strconv.Itoa(*line))
		}
		return b.String(), i, nil
	}
}

// csvText decodes a CSV file (see decodeText) and returns its text with the separator: a
// comma, or the semicolon or tab a spreadsheet may save in some locales.
func csvText(b []byte) (string, byte, error) {
	s, err := decodeText(b)
	if err != nil {
		return "", 0, err
	}
	return s, separator(s), nil
}

// separator is the first of comma, semicolon or tab on the first line holding one of them
// within the first rows (a title row above the header may hold none), else a comma.
func separator(s string) byte {
	for i := 0; i < headerSearchRows && s != ""; i++ {
		line := s
		if j := strings.IndexAny(s, "\r\n"); j >= 0 {
			line, s = s[:j], strings.TrimLeft(s[j:], "\r\n")
		} else {
			s = ""
		}
		if k := strings.IndexAny(line, ",;\t"); k >= 0 {
			return line[k]
		}
	}
	return ','
}
