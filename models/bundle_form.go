package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"onewindow/models/form"
)

// How a bundle's form is merged from its items' forms (一表申请):
//
//   - Items are read in the bundle's order and their fields in form order;
//     a field is answered by the merged field of its own key, or of the key
//     the bundle's mapping names for it (item X's field a is asked as b).
//   - A field whose merged key is already taken by a field of the same type
//     (and, for choices, the same options; for tables, the same columns) is
//     shared: asked once. A field that only clashes by key is asked on its
//     own under a free key, its label naming its item; a mapped field that
//     clashes is an error of the bundle.
//   - A shared field keeps the first item's label, help, bounds and prefill; it is
//     asked under a condition only when every item asks it under the same
//     one, and is required when an item requires it under that condition.
//     Every item still validates its own answers with its own form, so the
//     merged form is never stricter than the items together.
//   - The declaration is asked last.

// MergeBundle builds the merged form and materials list of items (in the
// bundle's order) under mapping, and checks the merged form with dicts. A
// mapping that names a missing field, or maps onto a field of another kind,
// is a *ValidationError on "mapping.<i>"; a merged form that fails
// form.Check one on "items".
func MergeBundle(items []BundleItemForm, mapping []BundleMapping, dicts form.Dicts) (*MergedForm, error) {
	ve := &ValidationError{}
	explicit := map[[2]string]int{}
	for i, m := range mapping {
		explicit[[2]string{m.Item, m.Field}] = i
	}
	out := &MergedForm{Keys: make([]map[string]string, len(items))}
	var fields []form.Field
	index := map[string]int{}           // merged key → position in fields
	occurs := map[string][]occurrence{} // merged key → its items' fields
	for i, it := range items {
		keys := map[string]string{}
		for _, f := range it.Schema.Fields {
			m, mapped := f.Key, false
			if row, ok := explicit[[2]string{it.Code, f.Key}]; ok {
				m, mapped = mapping[row].Merged, true
			}
			cond := remapCondition(f.VisibleIf, keys)
			if j, ok := index[m]; ok && !sameKind(&fields[j], &f) {
				if mapped {
					row := explicit[[2]string{it.Code, f.Key}]
					ve.addRule(fmt.Sprintf("mapping.%d", row), RuleInvalid, fmt.Sprintf(
						"field %q of %s (%s) cannot be answered by %q (%s)", f.Key, it.Name, f.Type, m, fields[j].Type))
					continue
				}
				m = freeKey(f.Key, i+1, index)
				f.Label = form.Text{Zh: f.Label.Zh + "（" + it.Name + "）", En: f.Label.En}
			}
			keys[f.Key] = m
			occurs[m] = append(occurs[m], occurrence{cond: cond, required: f.Required})
			if _, ok := index[m]; ok {
				continue
			}
			nf := f
			nf.Key, nf.VisibleIf = m, cond
			index[m] = len(fields)
			fields = append(fields, nf)
		}
		out.Keys[i] = keys
	}
	for i, m := range mapping {
		for j, it := range items {
			if it.Code == m.Item && it.Schema.Field(m.Field) == nil {
				ve.addRule(fmt.Sprintf("mapping.%d", i), RuleUnknown, fmt.Sprintf("%s has no field %q", items[j].Name, m.Field))
			}
		}
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	for j := range fields {
		settleShared(&fields[j], occurs[fields[j].Key])
	}
	out.Schema = form.Schema{Version: 1, Fields: declarationLast(fields)}
	if probs := form.Check(&out.Schema, dicts); len(probs) > 0 {
		ve.addRule("items", RuleInvalid, "the merged form has problems: "+probs[0].String())
		return nil, ve
	}
	out.Materials = mergeMaterials(items)
	return out, nil
}

// occurrence is one item's field answered by a merged field.
type occurrence struct {
	cond     *form.Condition // remapped to merged keys
	required bool
}

// settleShared decides a merged field's condition and requiredness from the
// items' fields it answers; its prefill stays the first field's (a field
// mapped onto the child's name must not be filled with the applicant's).
func settleShared(f *form.Field, occ []occurrence) {
	same := true
	for _, o := range occ[1:] {
		same = same && equalCondition(o.cond, occ[0].cond)
	}
	f.VisibleIf, f.Required = nil, false
	if same && occ[0].cond != nil {
		c := *occ[0].cond
		f.VisibleIf = &c
	}
	for _, o := range occ {
		if o.required && equalCondition(o.cond, f.VisibleIf) {
			f.Required = true
		}
	}
}

func remapCondition(c *form.Condition, keys map[string]string) *form.Condition {
	if c == nil {
		return nil
	}
	out := *c
	if m, ok := keys[c.Field]; ok {
		out.Field = m
	}
	return &out
}

func equalCondition(a, b *form.Condition) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// sameKind reports whether one answer can serve both fields: the same type,
// the same offered options, the same table columns.
func sameKind(a, b *form.Field) bool {
	if a.Type != b.Type || a.Dictionary != b.Dictionary || len(a.Options) != len(b.Options) || len(a.Columns) != len(b.Columns) {
		return false
	}
	for _, o := range a.Options {
		if !slices.ContainsFunc(b.Options, func(p form.Option) bool { return p.Value == o.Value }) {
			return false
		}
	}
	for i := range a.Columns {
		if a.Columns[i].Key != b.Columns[i].Key || !sameKind(&a.Columns[i], &b.Columns[i]) {
			return false
		}
	}
	return true
}

// freeKey is key with the item's position appended, short enough for a
// field key and not yet taken.
func freeKey(key string, n int, taken map[string]int) string {
	for ; ; n++ {
		suffix := fmt.Sprintf("_%d", n)
		base := key
		if len(base)+len(suffix) > 32 {
			base = base[:32-len(suffix)]
		}
		if _, ok := taken[base+suffix]; !ok {
			return base + suffix
		}
	}
}

// declarationLast moves the declaration checkbox, which no condition
// refers to, to the end of the form.
func declarationLast(fields []form.Field) []form.Field {
	const key = "declaration"
	i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == key && f.Type == form.TypeCheckbox })
	if i < 0 || slices.ContainsFunc(fields, func(f form.Field) bool { return f.VisibleIf != nil && f.VisibleIf.Field == key }) {
		return fields
	}
	d := fields[i]
	return append(slices.Delete(slices.Clone(fields), i, i+1), d)
}

// necessityRank orders necessities: a material required by one item is required.
var necessityRank = map[string]int{NecessityOptional: 1, NecessityDeferred: 2, NecessityRequired: 3}

// mergeMaterials lists each material name once, in the order the items list them.
func mergeMaterials(items []BundleItemForm) []MergedMaterial {
	var out []MergedMaterial
	byName := map[string]int{}
	for _, it := range items {
		mats := slices.Clone(it.Materials)
		slices.SortStableFunc(mats, func(a, b Material) int { return a.Sort - b.Sort })
		for _, m := range mats {
			name := strings.TrimSpace(m.Name)
			j, ok := byName[name]
			if !ok {
				j = len(out)
				byName[name] = j
				out = append(out, MergedMaterial{Key: fmt.Sprintf("m%d", j+1), Name: name, Necessity: m.Necessity,
					Items: map[string]string{}})
			}
			if necessityRank[m.Necessity] > necessityRank[out[j].Necessity] {
				out[j].Necessity = m.Necessity
			}
			if _, dup := out[j].Items[it.Code]; !dup {
				out[j].Items[it.Code] = m.Key
			}
		}
	}
	return out
}

// Project returns the answers item i (whose form is item) receives from the
// merged answers v: each of its fields answered by its merged field, less
// the answers to fields the item does not ask for these answers.
func (m *MergedForm) Project(i int, item *form.Schema, v form.Values) form.Values {
	out := form.Values{}
	for _, f := range item.Fields {
		if x, ok := v[m.Keys[i][f.Key]]; ok {
			out[f.Key] = x
		}
	}
	// Dropping a hidden answer may hide a later field: repeat until stable.
	for {
		vis := form.Visible(item, out)
		dropped := false
		for k := range out {
			if !vis[k] {
				delete(out, k)
				dropped = true
			}
		}
		if !dropped {
			return out
		}
	}
}

// IssueKey names, in the merged form's terms, an issue item i's form raised
// ("form.<key>" or "form.<key>.<row>.<column>").
func (m *MergedForm) IssueKey(i int, key string) string {
	rest, ok := strings.CutPrefix(key, form.PostPrefix)
	if !ok {
		return key
	}
	field, tail, _ := strings.Cut(rest, ".")
	merged, ok := m.Keys[i][field]
	if !ok {
		return key
	}
	if tail != "" {
		return form.PostPrefix + merged + "." + tail
	}
	return form.PostPrefix + merged
}

// MaterialFor returns the merged material that item code's material key is part of, or nil.
func (m *MergedForm) MaterialFor(code, key string) *MergedMaterial {
	for i := range m.Materials {
		if m.Materials[i].Items[code] == key {
			return &m.Materials[i]
		}
	}
	return nil
}

// BundleDefinition is a bundle as filed: what a filing keeps whatever the
// bundle or its items become later.
type BundleDefinition struct {
	Code    string          `json:"code"`
	Version int             `json:"version"`
	Name    string          `json:"name"`
	NameEn  string          `json:"name_en,omitempty"`
	Items   []BundleItemRef `json:"items"`
	Mapping []BundleMapping `json:"mapping,omitempty"`
	MergedForm
}

// BundleItemRef is one item of a filed bundle.
type BundleItemRef struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Department string `json:"department"`
}

// NameIn is the bundle's name in lang.
func (d *BundleDefinition) NameIn(lang string) string {
	if lang == "en" && d.NameEn != "" {
		return d.NameEn
	}
	return d.Name
}

func (d *BundleDefinition) encode() (encodedDefinition, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return encodedDefinition{}, err
	}
	sum := sha256.Sum256(b)
	return encodedDefinition{code: d.Code, version: d.Version, json: string(b), sum: hex.EncodeToString(sum[:])}, nil
}
