package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Importing a 实施清单 (the one-sheet list a provincial platform publishes): its rows name their
// department, and a file carries only some of a guide's fields. A department the catalogue
// does not know by name is created with a generated code in the same transaction as the items;
// a stored item keeps every field the file has no column for.

// ListingItem is one item of a 实施清单 as read and the name of its implementing department.
type ListingItem struct {
	Item       Item
	Department string
}

// ListingPlan is what importing a 实施清单 does: the items it creates and changes, and the
// departments it creates (with their generated codes).
type ListingPlan struct {
	ImportPlan
	Departments []Department
	// UnknownMains lists the rows (indexes into the rows given) whose 主项名称 names no item of
	// their department, neither in the file nor in the catalogue: their guides show the name
	// without a link. A note, not a problem.
	UnknownMains []int
}

// PlanListing is the dry run of ImportListing: it resolves departments, validates the items and
// lists what would be created and changed, writing nothing.
func (s *Store) PlanListing(ctx context.Context, rows []ListingItem, fields []string, opts ...ImportOptions) (*ListingPlan, error) {
	plan, _, err := planListing(s.read.WithContext(ctx), rows, fields, importOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("models: check listing: %w", err)
	}
	return plan, nil
}

// ImportListing imports a 实施清单 in one transaction: new departments are created, items are
// upserted by code as ImportItems does (unchanged items untouched, changed ones revised), and
// fields lists the fields the file has columns for (as transfer.Listing names them): the others of a stored item stay. Any
// problem fails the whole import, which then changes nothing; the ValidationError names
// problems as "items[i].field".
func (s *Store) ImportListing(ctx context.Context, rows []ListingItem, fields []string, actor, reason string, opts ...ImportOptions) (*ListingPlan, error) {
	opt := importOptions(opts)
	var plan *ListingPlan
	err := s.write(ctx, func(tx *gorm.DB) error {
		v := &ValidationError{}
		requireReason(reason, v)
		if err := v.err(); err != nil {
			return err
		}
		p, ops, err := planListing(tx, rows, fields, opt)
		if err != nil {
			return err
		}
		if len(p.Departments) > 0 {
			if err := tx.Create(&p.Departments).Error; err != nil {
				return err
			}
		}
		for i, op := range ops {
			if err := writeImported(tx, op, Revision{Action: RevisionImport, Actor: actor, Reason: reason}); err != nil {
				return err
			}
			opt.report(StageWrite, i+1, len(ops))
		}
		plan = p
		return nil
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: import listing: %w", err)
	}
	return plan, nil
}

// planListing resolves the departments of rows, merges each row into its stored item and plans
// the import of the result.
func planListing(db *gorm.DB, rows []ListingItem, fields []string, opt ImportOptions) (*ListingPlan, []importOp, error) {
	ref, err := loadRef(db)
	if err != nil {
		return nil, nil, err
	}
	var depts []Department
	if err := db.Order("sort, id").Find(&depts).Error; err != nil {
		return nil, nil, err
	}
	codes, created, err := listingDepartments(rows, depts)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range created {
		ref.Departments[d.Code] = true
	}
	items := make([]Item, len(rows))
	for i := range rows {
		items[i] = rows[i].Item
	}
	stored, err := storedItems(db, items)
	if err != nil {
		return nil, nil, err
	}
	has := map[string]bool{}
	for _, f := range fields {
		has[f] = true
	}
	for i := range items {
		items[i] = mergeListing(stored[items[i].Code], items[i], codes[i], has)
	}
	ops, err := planOps(items, stored, ref, opt)
	if err != nil {
		return nil, nil, err
	}
	plan := &ListingPlan{ImportPlan: *summarize(items, ops), Departments: created}
	if has["main_name"] {
		if plan.UnknownMains, err = unknownMains(db, items); err != nil {
			return nil, nil, err
		}
	}
	return plan, ops, nil
}

// unknownMains lists the items whose main item name (other than their own name) names no
// item of their department in items or among the published items of the catalogue, the way
// ItemGroup finds a main item.
func unknownMains(db *gorm.DB, items []Item) ([]int, error) {
	key := func(dept, name string) string { return dept + "\x00" + name }
	found := map[string]bool{}
	for _, it := range items {
		found[key(it.DepartmentCode, it.Name)] = true
	}
	var ask []string
	for _, it := range items {
		if it.MainName != "" && it.MainName != it.Name && !found[key(it.DepartmentCode, it.MainName)] {
			ask = append(ask, it.MainName)
		}
	}
	slices.Sort(ask)
	ask = slices.Compact(ask)
	for chunk := range slices.Chunk(ask, 500) {
		var refs []struct{ DepartmentCode, Name string }
		err := db.Table("items").Select("department_code, name").
			Where("name IN ? AND status = ?", chunk, ItemPublished).Scan(&refs).Error
		if err != nil {
			return nil, fmt.Errorf("main items: %w", err)
		}
		for _, r := range refs {
			found[key(r.DepartmentCode, r.Name)] = true
		}
	}
	var out []int
	for i, it := range items {
		if it.MainName != "" && it.MainName != it.Name && !found[key(it.DepartmentCode, it.MainName)] {
			out = append(out, i)
		}
	}
	return out, nil
}

// listingDepartments gives each row the code of the department it names (by full or short
// name) and lists the departments to create, in the order the file first names them.
func listingDepartments(rows []ListingItem, depts []Department) ([]string, []Department, error) {
	byName := map[string]string{}
	taken := map[string]bool{}
	sort := 0
	for _, d := range depts {
		byName[d.ShortName], byName[d.Name] = d.Code, d.Code
		taken[d.Code] = true
		sort = max(sort, d.Sort)
	}
	v := &ValidationError{}
	codes := make([]string, len(rows))
	var created []Department
	seq := 0
	for i, r := range rows {
		name := strings.TrimSpace(r.Department)
		if code, ok := byName[name]; ok || name == "" {
			codes[i] = code
			continue
		}
		if n := utf8.RuneCountInString(name); n > maxDepartmentName {
			v.addRule(fmt.Sprintf("items[%d].department", i), RuleTooLong, fmt.Sprintf("department has %d characters, at most %d", n, maxDepartmentName))
			continue
		}
		code := nextDepartmentCode(&seq, taken)
		sort++
		created = append(created, Department{Code: code, Name: name, ShortName: name, Sort: sort})
		byName[name], codes[i] = code, code
	}
	return codes, created, v.err()
}

// nextDepartmentCode is the next free generated department code: "d" and letters ("daa",
// "dab", …), since a department code is 2–16 lowercase letters. The sequence restarts at each
// import and skips taken codes, so the same file on the same catalogue gets the same codes.
func nextDepartmentCode(seq *int, taken map[string]bool) string {
	for {
		n := *seq
		*seq++
		var b []byte
		for i := 0; i < 2 || n > 0; i++ {
			b = append(b, byte('a'+n%26))
			n /= 26
		}
		slices.Reverse(b)
		code := "d" + string(b)
		if !taken[code] {
			taken[code] = true
			return code
		}
	}
}

// mergeListing is the item a row makes of the stored item (nil when new): the stored item with
// the fields the file holds replaced. A material the stored item lists by the same name keeps
// its key and attributes, so that re-importing an unchanged list changes nothing.
func mergeListing(stored *Item, in Item, dept string, has map[string]bool) Item {
	in.DepartmentCode = dept
	if stored == nil {
		in.Departments = []ItemDepartment{{DepartmentCode: dept, Stages: StringList{StageReview, StageDecide}}}
		return in
	}
	next := *stored
	next.Materials, next.Fees = slices.Clone(stored.Materials), slices.Clone(stored.Fees)
	next.Steps, next.Departments = slices.Clone(stored.Steps), slices.Clone(stored.Departments)
	for f := range has {
		overlay(&next, &in, f)
	}
	if has["department"] && stored.DepartmentCode != dept {
		next.Departments = []ItemDepartment{{DepartmentCode: dept, Stages: StringList{StageReview, StageDecide}}}
	}
	if has["materials"] {
		next.Materials = keepMaterials(stored.Materials, in.Materials)
	}
	return next
}

// overlay copies one listing field from in to next.
func overlay(next, in *Item, field string) {
	switch field {
	case "department":
		next.DepartmentCode = in.DepartmentCode
	case "main_name":
		next.MainName = in.MainName
	case "name":
		next.Name = in.Name
	case "catalog_code":
		next.CatalogCode = in.CatalogCode
	case "type":
		next.TypeCode, next.OnApplication = in.TypeCode, in.OnApplication
	case "statutory_days":
		next.StatutoryDays = in.StatutoryDays
	case "promised_days":
		next.PromisedDays = in.PromisedDays
	case "handling_kind":
		next.HandlingKind = in.HandlingKind
	case "is_fee":
		next.IsFee = in.IsFee
	case "fees":
		next.Fees = in.Fees
	case "fee_basis":
		next.FeeBasis = in.FeeBasis
	case "legal_basis":
		next.LegalBasis = in.LegalBasis
	case "accept_conditions":
		next.AcceptConditions = in.AcceptConditions
	case "location":
		next.Location = in.Location
	case "hours":
		next.Hours = in.Hours
	case "phone":
		next.Phone = in.Phone
	case "complaint_phone":
		next.ComplaintPhone = in.ComplaintPhone
	case "visits":
		next.Visits = in.Visits
	case "online_depth":
		next.OnlineDepth = in.OnlineDepth
	}
}

// keepMaterials lists the materials of a file, each one the stored item already has by that
// name taken as stored.
func keepMaterials(stored, in []Material) []Material {
	out := make([]Material, 0, len(in))
	used := map[int]bool{}
	for _, m := range in {
		j := slices.IndexFunc(stored, func(s Material) bool { return s.Name == m.Name })
		if j >= 0 && !used[j] {
			used[j] = true
			out = append(out, stored[j])
			continue
		}
		out = append(out, m)
	}
	return out
}
