package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"onewindow/workflow"
)

// Values are a form's answers by field key. A value is a string (text-like fields; number and
// money as decimal text; date as YYYY-MM-DD; select; checkbox "true" or "false"), a []string
// (multiselect) or a []map[string]string (table rows by column key, cells as strings). A
// blank answer is absent, "" or an empty list; it is unknown, never zero. A value the API sent
// with the wrong JSON type is kept as a Mistyped so Validate can name it.
type Values map[string]any

// Mistyped stands for an API value of the wrong JSON type; Path is the field key, or
// "<key>.<row>.<column>" for a table cell, and Want the JSON type the field takes.
type Mistyped struct {
	Path string
	Want string
}

// PostPrefix starts the name of every form input of a posted HTML form.
const PostPrefix = "form."

// FromForm reads a posted HTML form: "form.<key>" inputs (a multiselect repeats its key, a
// checkbox is true when present), table cells as "form.<key>.<row>.<column>". Text is trimmed and
// blank inputs are left out; rows whose cells are all blank are dropped; an identity number is
// upper-cased. A visible checkbox not posted is "false". Unknown names are kept under their key
// so Validate refuses them.
func FromForm(s *Schema, post url.Values) Values {
	v := Values{}
	cells := map[string]map[int]map[string]string{} // table key → row → column → value
	for name, posted := range post {
		rest, ok := strings.CutPrefix(name, PostPrefix)
		if !ok || len(posted) == 0 {
			continue
		}
		if f := s.Field(rest); f != nil {
			readInput(v, f, posted)
			continue
		}
		if key, row, col, ok := tableCell(s, rest); ok {
			val := cleanText(col, posted[0])
			if val == "" {
				continue
			}
			if cells[key] == nil {
				cells[key] = map[int]map[string]string{}
			}
			if cells[key][row] == nil {
				cells[key][row] = map[string]string{}
			}
			cells[key][row][col.Key] = val
			continue
		}
		if t := strings.TrimSpace(posted[0]); t != "" {
			v[rest] = t
		}
	}
	for key, rows := range cells {
		v[key] = tableRows(rows)
	}
	vis := Visible(s, v)
	for _, f := range s.Fields {
		if _, ok := v[f.Key]; !ok && f.Type == TypeCheckbox && vis[f.Key] {
			v[f.Key] = "false"
		}
	}
	return v
}

// readInput stores a top-level field's posted inputs.
func readInput(v Values, f *Field, posted []string) {
	switch f.Type {
	case TypeMultiselect:
		var chosen []string
		for _, p := range posted {
			if t := strings.TrimSpace(p); t != "" {
				chosen = append(chosen, t)
			}
		}
		if len(chosen) > 0 {
			v[f.Key] = chosen
		}
	case TypeCheckbox:
		v[f.Key] = "true"
	case TypeTable:
		v[f.Key] = strings.TrimSpace(posted[0]) // not rows: Validate names it
	default:
		if t := cleanText(f, posted[0]); t != "" {
			v[f.Key] = t
		}
	}
}

// cleanText trims a posted text; identity numbers are upper-cased (x → X).
func cleanText(f *Field, s string) string {
	switch f.Type {
	case TypeIDNumber:
		return workflow.NormalizeID(s)
	case TypeCheckbox:
		return "true"
	}
	return strings.TrimSpace(s)
}

// maxRowIndex bounds the row number of a posted table cell.
const maxRowIndex = 9999

// tableCell splits "<key>.<row>.<column>" naming a cell of a table field.
func tableCell(s *Schema, name string) (string, int, *Field, bool) {
	parts := strings.Split(name, ".")
	if len(parts) != 3 {
		return "", 0, nil, false
	}
	f := s.Field(parts[0])
	row, err := strconv.Atoi(parts[1])
	if f == nil || f.Type != TypeTable || err != nil || row < 0 || row > maxRowIndex ||
		parts[1] != strconv.Itoa(row) {
		return "", 0, nil, false
	}
	for i := range f.Columns {
		if f.Columns[i].Key == parts[2] {
			return f.Key, row, &f.Columns[i], true
		}
	}
	return "", 0, nil, false
}

// tableRows orders posted rows by their number; all-blank rows were never stored.
func tableRows(rows map[int]map[string]string) []map[string]string {
	idx := make([]int, 0, len(rows))
	for i := range rows {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]map[string]string, 0, len(idx))
	for _, i := range idx {
		out = append(out, rows[i])
	}
	return out
}

// ErrNotObject is returned by FromJSON when the "form" member is not a JSON object.
var ErrNotObject = errors.New("form: the form must be a JSON object")

// FromJSON reads the API's "form" object: strings as they are (not trimmed), numbers (JSON
// numbers) as decimal text, checkboxes (JSON booleans) as "true"/"false", multiselects as
// arrays of strings, tables as arrays of objects. A value of the wrong JSON type becomes a
// Mistyped; an absent or null form is empty. The error is for JSON that is not an object.
func FromJSON(s *Schema, raw json.RawMessage) (Values, error) {
	v := Values{}
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return v, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, ErrNotObject
		}
		return nil, fmt.Errorf("form: read form: %w", err)
	}
	if obj == nil {
		return v, nil
	}
	for key, x := range obj {
		f := s.Field(key)
		if f == nil {
			v[key] = x
			continue
		}
		v[key] = jsonValue(f, key, x)
	}
	return v, nil
}

// jsonValue converts one decoded JSON value of field f to its canonical form.
func jsonValue(f *Field, path string, x any) any {
	switch f.Type {
	case TypeMultiselect:
		arr, ok := x.([]any)
		if !ok {
			return Mistyped{Path: path, Want: "array"}
		}
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			s, ok := e.(string)
			if !ok {
				return Mistyped{Path: path, Want: "array of strings"}
			}
			out = append(out, s)
		}
		return out
	case TypeTable:
		return jsonRows(f, path, x)
	}
	return jsonScalar(f, path, x)
}

// jsonScalar converts a single value, or returns a Mistyped naming path.
func jsonScalar(f *Field, path string, x any) any {
	switch f.Type {
	case TypeNumber, TypeMoney:
		n, ok := x.(json.Number)
		if !ok {
			return Mistyped{Path: path, Want: "number"}
		}
		if d, ok := canonicalNumber(string(n)); ok {
			return d
		}
		return Mistyped{Path: path, Want: "number"}
	case TypeCheckbox:
		b, ok := x.(bool)
		if !ok {
			return Mistyped{Path: path, Want: "boolean"}
		}
		return strconv.FormatBool(b)
	}
	s, ok := x.(string)
	if !ok {
		return Mistyped{Path: path, Want: "string"}
	}
	return s
}

// jsonRows converts a table's rows; a wrong cell type makes the whole table a Mistyped
// naming the cell.
func jsonRows(f *Field, path string, x any) any {
	arr, ok := x.([]any)
	if !ok {
		return Mistyped{Path: path, Want: "array"}
	}
	rows := make([]map[string]string, 0, len(arr))
	for i, e := range arr {
		obj, ok := e.(map[string]any)
		rowPath := path + "." + strconv.Itoa(i)
		if !ok {
			return Mistyped{Path: rowPath, Want: "object"}
		}
		row := make(map[string]string, len(obj))
		for ck, cx := range obj {
			col := columnOf(f, ck)
			if col == nil {
				row[ck] = fmt.Sprint(cx) // Validate refuses the unknown column
				continue
			}
			cv := jsonScalar(col, rowPath+"."+ck, cx)
			if m, bad := cv.(Mistyped); bad {
				return m
			}
			row[ck] = cv.(string)
		}
		rows = append(rows, row)
	}
	return rows
}

// columnOf returns the table's column with the key, or nil.
func columnOf(f *Field, key string) *Field {
	for i := range f.Columns {
		if f.Columns[i].Key == key {
			return &f.Columns[i]
		}
	}
	return nil
}

// Unanswered reports whether a value is absent or blank as a person reads it: nothing, text
// of spaces only, an empty list or no rows. Pages and prefilling use it; Validate's own
// test takes read answers, whose text FromForm has already trimmed.
func Unanswered(x any) bool {
	switch t := x.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case []string:
		return len(t) == 0
	case []map[string]string:
		return len(t) == 0
	}
	return false
}
