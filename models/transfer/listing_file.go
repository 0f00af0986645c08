package transfer

import (
	"bytes"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	textunicode "golang.org/x/text/encoding/unicode"
)

// Rules of a file that cannot be read as a catalogue at all; the page and the API translate a
// FileError by its rule ("import.rule.<rule>"), with its arguments.
const (
	RuleFileEmpty    = "file_empty"     // the file holds no text or no rows
	RuleFileEncoding = "file_encoding"  // the text is neither UTF-8 nor GB18030 (GBK)
	RuleFileNotText  = "file_not_text"  // a CSV file holding NUL bytes: a binary file
	RuleFileNotXLSX  = "file_not_xlsx"  // an .xlsx upload that is not a workbook
	RuleFileNoHeader = "file_no_header" // args: rows searched; no header row near the top
	RuleFileBadCSV   = "file_bad_csv"   // args: line; a quote that makes the rest ambiguous
)

// headerSearchRows is how many rows at the top of a listing may hold titles and notes above
// the header row.
const headerSearchRows = 10

// FileError is a file that cannot be read as a catalogue at all: empty, in an unknown text
// encoding, not a workbook, or without a header row. Rule and Args let the reader's language
// say so; Err is the English detail.
type FileError struct {
	Rule string
	Args []string
	Err  error
}

// Error is the English detail of the error.
func (e *FileError) Error() string { return "transfer: " + e.Err.Error() }

// Unwrap returns the detail, so that a reader error stays inspectable.
func (e *FileError) Unwrap() error { return e.Err }

// Problem is the error as a problem of the whole file, for callers that translate problems.
func (e *FileError) Problem() Problem {
	return Problem{Rule: e.Rule, Args: e.Args, Message: e.Err.Error()}
}

func fileError(rule, msg string, args ...string) *FileError {
	return &FileError{Rule: rule, Args: args, Err: errors.New(msg)}
}

// decodeText returns the text of a CSV file as UTF-8: UTF-8 with or without a byte order mark,
// UTF-16 with one (Excel's "Unicode text"), or else GB18030, the superset of GBK that Excel on
// Chinese Windows saves. Text that is none of them cleanly is an error, never guessed at.
func decodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte(bom)):
		b = b[len(bom):]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		out, err := textunicode.UTF16(textunicode.BigEndian, textunicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return "", fileError(RuleFileEncoding, "csv file is not readable UTF-16 text")
		}
		b = out
	case !utf8.Valid(b):
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return "", fileError(RuleFileEncoding, "csv file is neither UTF-8 nor GB18030 (GBK) text")
		}
		b = out
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fileError(RuleFileNotText, "csv file contains NUL bytes; it is not a text file")
	}
	if strings.TrimSpace(strings.Trim(string(b), ",;\t\r\n")) == "" {
		return "", fileError(RuleFileEmpty, "the file is empty")
	}
	return string(b), nil
}

// headerRow finds the header row among the first rows, below any title and note rows: the
// first row naming 事项名称 and at least two other columns of the layout, else the first naming
// 事项名称, 实施编码 or 实施主体 (whose missing columns are then reported).
func headerRow(rows []listingLine) (int, bool) {
	known := map[string]bool{}
	for _, lf := range listingFields() {
		known[lf.head] = true
	}
	fallback := -1
	for i, r := range rows[:min(len(rows), headerSearchRows)] {
		n, name := 0, false
		for _, c := range r.cells {
			h := headName(c)
			if known[h] {
				n++
			}
			name = name || h == HeadName
			if fallback < 0 && (h == HeadName || h == HeadCode || h == HeadDepartment) {
				fallback = i
			}
		}
		if name && n >= 3 {
			return i, true
		}
	}
	return fallback, fallback >= 0
}

// headName is the column name a header cell holds: without spaces and line breaks (a long
// header is often wrapped in its cell) and without the "*" that marks a required column.
func headName(c string) string {
	c = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\uFEFF' {
			return -1
		}
		return r
	}, c)
	return strings.Trim(c, "*＊")
}
