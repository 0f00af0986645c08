// Package forms holds the demonstration catalogue's application forms as data: the
// files, one per item with a real application form (written from the form the item's
// department hands out); the dictionaries they use are the shipped ones (models/formdata),
// and every other item gets the default form (form.Default).
package forms

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"onewindow/models/form"
	"onewindow/models/formdata"
)

//go:embed *.json
var files embed.FS

// File is one item's form file: the demo item's exact name, its form and an example answer
// as the API's "form" object carries it (accepted by the form).
type File struct {
	Item    string          `json:"item"`
	Form    form.Schema     `json:"form"`
	Example json.RawMessage `json:"example"`
}

// Files returns every form file by file name (without ".json"), in name order of the keys.
func Files() (map[string]File, error) {
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, fmt.Errorf("demo forms: %w", err)
	}
	out := make(map[string]File, len(names))
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("demo forms: %w", err)
		}
		f, err := ParseFile(b)
		if err != nil {
			return nil, fmt.Errorf("demo forms: %s: %w", name, err)
		}
		out[name[:len(name)-len(path.Ext(name))]] = f
	}
	return out, nil
}

// ParseFile decodes one form file, refusing unknown members.
func ParseFile(b []byte) (File, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return File{}, err
	}
	if f.Item == "" {
		return File{}, fmt.Errorf("the item's name is missing")
	}
	return f, nil
}

// Dicts returns the shipped dictionaries the forms use (models/formdata).
func Dicts() (form.Dicts, error) {
	dec := json.NewDecoder(bytes.NewReader(formdata.Dicts()))
	dec.DisallowUnknownFields()
	var d form.Dicts
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("form dictionaries: %w", err)
	}
	return d, nil
}

// Load returns the real forms by the demo item's name and the dictionaries they use. Two
// files naming the same item are an error.
func Load() (map[string]form.Schema, form.Dicts, error) {
	dicts, err := Dicts()
	if err != nil {
		return nil, nil, err
	}
	fl, err := Files()
	if err != nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(fl))
	for k := range fl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]form.Schema, len(fl))
	for _, k := range keys {
		f := fl[k]
		if _, dup := out[f.Item]; dup {
			return nil, nil, fmt.Errorf("demo forms: %s: a second form for %q", k, f.Item)
		}
		out[f.Item] = f.Form
	}
	return out, dicts, nil
}

// Tidy renders a value as the files are written: two-space indent, no HTML escaping, a
// final newline.
func Tidy(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
