package models

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Limits of the national exchange schema.
const (
	maxItemCode    = 36 // task_code
	maxCatalogCode = 12 // catalog_code
)

// catalogueRef is what an item may refer to: the known departments and item types.
type catalogueRef struct {
	departments map[string]bool
	types       map[string]bool
}

func loadRef(db *gorm.DB) (catalogueRef, error) {
	ref := catalogueRef{departments: map[string]bool{}, types: map[string]bool{}}
	var depts, types []string
	if err := db.Model(&Department{}).Pluck("code", &depts).Error; err != nil {
		return ref, err
	}
	if err := db.Model(&ItemType{}).Pluck("code", &types).Error; err != nil {
		return ref, err
	}
	for _, c := range depts {
		ref.departments[c] = true
	}
	for _, c := range types {
		ref.types[c] = true
	}
	return ref, nil
}

// normalizeItem gives the item its own copies of the row lists, numbers every
// row by its position (the list order is the order shown) and gives a new
// material without a key a fresh one that is neither in the list nor in
// reserved (the materials of the stored version), since applications refer
// to materials by key.
func normalizeItem(it *Item, reserved []Material) {
	it.Materials = slices.Clone(it.Materials)
	it.Fees = slices.Clone(it.Fees)
	it.Steps = slices.Clone(it.Steps)
	it.Departments = slices.Clone(it.Departments)
	used := map[string]bool{}
	for _, m := range slices.Concat(reserved, it.Materials) {
		used[m.Key] = true
	}
	next := 1
	for i := range it.Materials {
		m := &it.Materials[i]
		m.ID, m.ItemID, m.Sort = 0, 0, i+1
		if strings.TrimSpace(m.Key) != "" {
			continue
		}
		for used[fmt.Sprintf("m%d", next)] {
			next++
		}
		m.Key = fmt.Sprintf("m%d", next)
		used[m.Key] = true
	}
	for i := range it.Fees {
		it.Fees[i].ID, it.Fees[i].ItemID, it.Fees[i].Sort = 0, 0, i+1
	}
	for i := range it.Steps {
		it.Steps[i].ID, it.Steps[i].ItemID, it.Steps[i].Sort = 0, 0, i+1
	}
	for i := range it.Departments {
		it.Departments[i].ID, it.Departments[i].ItemID, it.Departments[i].Sort = 0, 0, i+1
	}
}

// normalized is a normalized copy of a stored item, for comparisons.
func normalized(it *Item) *Item {
	c := *it
	normalizeItem(&c, nil)
	return &c
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// validateCode checks a new item's implementation code.
func validateCode(code, prefix string, v *ValidationError) {
	switch {
	case blank(code):
		v.add(prefix+"code", "must not be blank")
	case len(code) > maxItemCode || strings.TrimSpace(code) != code:
		v.add(prefix+"code", fmt.Sprintf("must be at most %d characters without surrounding spaces", maxItemCode))
	}
}

// validateItem checks the service guide; field names are prefixed with
// prefix ("" or "items[3].").
func validateItem(it *Item, ref catalogueRef, prefix string, v *ValidationError) {
	if blank(it.Name) {
		v.add(prefix+"name", "must not be blank")
	}
	if len(it.CatalogCode) > maxCatalogCode {
		v.add(prefix+"catalog_code", fmt.Sprintf("must be at most %d characters", maxCatalogCode))
	}
	if !ref.types[it.TypeCode] {
		v.add(prefix+"type", fmt.Sprintf("unknown item type %q", it.TypeCode))
	}
	if !ref.departments[it.DepartmentCode] {
		v.add(prefix+"department", fmt.Sprintf("unknown department %q", it.DepartmentCode))
	}
	switch it.Disposition {
	case DispositionRetained, DispositionCancelled, DispositionMerged, DispositionDelegated:
	default:
		v.add(prefix+"disposition", "must be retained, cancelled, merged or delegated")
	}
	switch it.HandlingKind {
	case "", KindImmediate, KindPromised:
	default:
		v.add(prefix+"handling_kind", "must be immediate, promised or empty")
	}
	switch {
	case it.StatutoryDays < 0:
		v.add(prefix+"statutory_days", "must not be negative")
	case it.PromisedDays < 0:
		v.add(prefix+"promised_days", "must not be negative")
	case it.PromisedDays > it.StatutoryDays:
		v.add(prefix+"promised_days", fmt.Sprintf("must not exceed the statutory time limit of %d working days", it.StatutoryDays))
	}
	if it.Visits < 0 {
		v.add(prefix+"visits", "must not be negative")
	}
	for name, d := range map[string]string{"effective_on": it.EffectiveOn, "cancel_on": it.CancelOn} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			v.add(prefix+name, "must be a date as YYYY-MM-DD or empty")
		}
	}
	validateRows(it, ref, prefix, v)
}

// validateRows checks materials, fees, steps and the workflow departments.
func validateRows(it *Item, ref catalogueRef, prefix string, v *ValidationError) {
	keys := map[string]bool{}
	for i, m := range it.Materials {
		p := fmt.Sprintf("%smaterials[%d].", prefix, i)
		if blank(m.Name) {
			v.add(p+"name", "must not be blank")
		}
		switch m.Necessity {
		case NecessityRequired, NecessityOptional, NecessityDeferred:
		default:
			v.add(p+"necessity", "must be required, optional or deferred")
		}
		if keys[m.Key] {
			v.add(p+"key", fmt.Sprintf("key %q is used by another material of this item", m.Key))
		}
		keys[m.Key] = true
		if m.Copies < 0 {
			v.add(p+"copies", "must not be negative")
		}
	}
	for i, f := range it.Fees {
		if blank(f.Name) {
			v.add(fmt.Sprintf("%sfees[%d].name", prefix, i), "must not be blank")
		}
	}
	for i, st := range it.Steps {
		p := fmt.Sprintf("%ssteps[%d].", prefix, i)
		if blank(st.Name) {
			v.add(p+"name", "must not be blank")
		}
		if st.Days < 0 {
			v.add(p+"days", "must not be negative")
		}
	}
	depts := map[string]bool{}
	for i, d := range it.Departments {
		p := fmt.Sprintf("%sdepartments[%d].code", prefix, i)
		switch {
		case !ref.departments[d.DepartmentCode]:
			v.add(p, fmt.Sprintf("unknown department %q", d.DepartmentCode))
		case depts[d.DepartmentCode]:
			v.add(p, "department is listed twice")
		}
		depts[d.DepartmentCode] = true
	}
}

// requireReason checks that a change says why it is made.
func requireReason(reason string, v *ValidationError) {
	if blank(reason) {
		v.add("reason", "must say why the change is made")
	}
}
