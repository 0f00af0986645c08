package models

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"gorm.io/gorm/schema"

	"onewindow/models/form"
)

// The diff and the snapshots walk the Item struct by reflection so that a
// field added to Item later is compared, recorded and restored without
// anyone remembering to list it here.

// DiffItems lists the field-level differences from before to after, item fields
// first (in struct order), then the rows of each list: materials are matched
// by key and workflow departments by department code, fees and steps by
// position. A changed row field is reported as "materials[3].name" (index in
// after), an added row as "materials[+]" with New = its name and a removed row
// as "materials[-]" with Old = its name. IDs, timestamps and the version are
// not compared. A nil item counts as an empty one.
func DiffItems(before, after *Item) []FieldChange {
	if before == nil {
		before = &Item{}
	}
	if after == nil {
		after = &Item{}
	}
	return diffStruct(nil, "", reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem())
}

// fieldName is the JSON name of a field of an item or of one of its rows: the
// service guide API's name where it has one, otherwise the snake_case column
// name.
func fieldName(owner reflect.Type, f reflect.StructField) string {
	switch owner.Name() + "." + f.Name {
	case "Item.TypeCode":
		return "type"
	case "Item.DepartmentCode":
		return "department"
	case "Step.CountsTime":
		return "counts_toward_limit"
	case "ItemDepartment.DepartmentCode":
		return "code"
	}
	return schema.NamingStrategy{}.ColumnName("", f.Name)
}

// notCompared are bookkeeping fields that every version changes or that
// only identify a row.
func notCompared(name string) bool {
	switch name {
	case "id", "item_id", "version", "created_at", "updated_at":
		return true
	}
	return false
}

// isRows reports whether t is a list of child rows ([]Material, …).
func isRows(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct
}

func diffStruct(out []FieldChange, prefix string, a, b reflect.Value) []FieldChange {
	t := a.Type()
	var lists []int
	for i := range t.NumField() {
		f := t.Field(i)
		name := fieldName(t, f)
		if !f.IsExported() || notCompared(name) || prefix != "" && name == "sort" {
			continue // a row's sort is its position: a real move is the list's "order"
		}
		if isRows(f.Type) {
			lists = append(lists, i)
			continue
		}
		if t == reflect.TypeFor[Item]() && f.Name == "FormSchema" {
			out = diffForms(out, a.Addr().Interface().(*Item), b.Addr().Interface().(*Item))
			continue
		}
		if x, y := render(a.Field(i)), render(b.Field(i)); x != y {
			out = append(out, FieldChange{Field: prefix + name, Old: x, New: y})
		}
	}
	for _, i := range lists {
		out = diffRows(out, prefix+fieldName(t, t.Field(i)), a.Field(i), b.Field(i))
	}
	return out
}

// diffForms lists the change of the application form field by field (form.Diff) under
// "form_schema.": the form the item used before against the one it uses after, each its own
// or the default form built from its guide. A change between the two kinds is
// "form_schema.source" ("default" or "custom"). A form that no longer parses is compared as
// its stored text.
func diffForms(out []FieldChange, before, after *Item) []FieldChange {
	if before.FormSchema == after.FormSchema {
		return out
	}
	a, customA, errA := before.ApplicationForm()
	b, customB, errB := after.ApplicationForm()
	if errA != nil || errB != nil {
		return append(out, FieldChange{Field: "form_schema", Old: before.FormSchema, New: after.FormSchema})
	}
	if customA != customB {
		kind := map[bool]string{false: "default", true: "custom"}
		out = append(out, FieldChange{Field: "form_schema.source", Old: kind[customA], New: kind[customB]})
	}
	for _, ch := range form.Diff(a, b) {
		out = append(out, FieldChange{Field: "form_schema." + ch.Path, Old: ch.Old, New: ch.New})
	}
	return out
}

// rowKey names the field that identifies a row across versions, or "" when
// rows are matched by position.
func rowKey(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Material]():
		return "Key"
	case reflect.TypeFor[ItemDepartment]():
		return "DepartmentCode"
	}
	return ""
}

// rowLabel is how an added or removed row is named in a diff.
func rowLabel(v reflect.Value) string {
	if f := v.FieldByName("Name"); f.IsValid() {
		return f.String()
	}
	if f := v.FieldByName("DepartmentCode"); f.IsValid() {
		return f.String()
	}
	return ""
}

func diffRows(out []FieldChange, name string, a, b reflect.Value) []FieldChange {
	key := rowKey(a.Type().Elem())
	if key == "" {
		for i := range max(a.Len(), b.Len()) {
			switch {
			case i >= a.Len():
				out = append(out, FieldChange{Field: name + "[+]", New: rowLabel(b.Index(i))})
			case i >= b.Len():
				out = append(out, FieldChange{Field: name + "[-]", Old: rowLabel(a.Index(i))})
			default:
				out = diffStruct(out, fmt.Sprintf("%s[%d].", name, i), a.Index(i), b.Index(i))
			}
		}
		return out
	}
	old := make(map[string]int, a.Len())
	for i := range a.Len() {
		old[a.Index(i).FieldByName(key).String()] = i
	}
	out = diffOrder(out, name, key, a, b)
	matched := make(map[string]bool, b.Len())
	for i := range b.Len() {
		k := b.Index(i).FieldByName(key).String()
		if j, ok := old[k]; ok && !matched[k] {
			matched[k] = true
			out = diffStruct(out, fmt.Sprintf("%s[%d].", name, i), a.Index(j), b.Index(i))
			continue
		}
		out = append(out, FieldChange{Field: name + "[+]", New: rowLabel(b.Index(i))})
	}
	for i := range a.Len() {
		if !matched[a.Index(i).FieldByName(key).String()] {
			out = append(out, FieldChange{Field: name + "[-]", Old: rowLabel(a.Index(i))})
		}
	}
	return out
}

// diffOrder reports a move of keyed rows as name+".order": the rows both
// versions hold, named as after names them (a JSON array), when their order
// differs. A row only added or removed shifts the others but moves none.
func diffOrder(out []FieldChange, name, key string, a, b reflect.Value) []FieldChange {
	inA, inB := map[string]bool{}, map[string]string{}
	for i := range a.Len() {
		inA[a.Index(i).FieldByName(key).String()] = true
	}
	for i := range b.Len() {
		inB[b.Index(i).FieldByName(key).String()] = rowLabel(b.Index(i))
	}
	var x, y []string
	for i := range a.Len() {
		if l, ok := inB[a.Index(i).FieldByName(key).String()]; ok {
			x = append(x, l)
		}
	}
	for i := range b.Len() {
		if k := b.Index(i).FieldByName(key).String(); inA[k] {
			y = append(y, inB[k])
		}
	}
	if slices.Equal(x, y) {
		return out
	}
	ox, _ := json.Marshal(x) // a []string always marshals
	oy, _ := json.Marshal(y)
	return append(out, FieldChange{Field: name + ".order", Old: string(ox), New: string(oy)})
}

// render shows a field value as text; lists are JSON arrays so that an
// element containing a separator stays unambiguous, and nil equals empty.
func render(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer: // a value that may be unknown: nil is "", never 0
		if v.IsNil() {
			return ""
		}
		return render(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			l := make([]string, v.Len())
			for i := range l {
				l[i] = v.Index(i).String()
			}
			b, _ := json.Marshal(l) // a []string always marshals
			return string(b)
		}
	}
	return fmt.Sprint(v.Interface())
}

// encodeSnapshot renders the whole item, every field and every row, as a JSON
// object under the same names as the diff.
func encodeSnapshot(it *Item) (string, error) {
	b, err := json.Marshal(record(reflect.ValueOf(it).Elem()))
	if err != nil {
		return "", fmt.Errorf("encode item snapshot: %w", err)
	}
	return string(b), nil
}

func record(v reflect.Value) map[string]any {
	t := v.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if isRows(f.Type) {
			rows := make([]map[string]any, v.Field(i).Len())
			for j := range rows {
				rows[j] = record(v.Field(i).Index(j))
			}
			out[fieldName(t, f)] = rows
			continue
		}
		out[fieldName(t, f)] = v.Field(i).Interface()
	}
	return out
}

// decodeSnapshot restores an item from encodeSnapshot's JSON. Names it does
// not know are ignored and missing ones stay zero, so snapshots written
// before a field was added still decode.
func decodeSnapshot(s string) (*Item, error) {
	var it Item
	if err := restore([]byte(s), reflect.ValueOf(&it).Elem()); err != nil {
		return nil, fmt.Errorf("decode item snapshot: %w", err)
	}
	return &it, nil
}

func restore(raw []byte, v reflect.Value) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		r, ok := m[fieldName(t, f)]
		if !f.IsExported() || !ok {
			continue
		}
		if !isRows(f.Type) {
			if err := json.Unmarshal(r, v.Field(i).Addr().Interface()); err != nil {
				return fmt.Errorf("%s: %w", fieldName(t, f), err)
			}
			continue
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(r, &rows); err != nil {
			return fmt.Errorf("%s: %w", fieldName(t, f), err)
		}
		list := reflect.MakeSlice(f.Type, len(rows), len(rows))
		for j, row := range rows {
			if err := restore(row, list.Index(j)); err != nil {
				return err
			}
		}
		v.Field(i).Set(list)
	}
	return nil
}
