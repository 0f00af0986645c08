package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ItemsForExport returns the items with the given codes, or every item when
// codes is empty, as stored (any status, pending drafts not applied) with
// their whole guides, in id order. A code that names no item is ErrNotFound.
func (s *Store) ItemsForExport(ctx context.Context, codes []string) ([]Item, error) {
	items, err := loadItems(s.read.WithContext(ctx), codes)
	if err != nil {
		return nil, fmt.Errorf("models: export items: %w", err)
	}
	if len(codes) > 0 && len(items) != len(codes) {
		found := make(map[string]bool, len(items))
		for _, it := range items {
			found[it.Code] = true
		}
		for _, c := range codes {
			if !found[c] {
				return nil, fmt.Errorf("models: export items: item %q: %w", c, ErrNotFound)
			}
		}
	}
	return items, nil
}

// importOp is one item an import writes: stored is nil for a new item.
type importOp struct {
	stored *Item
	next   *Item
}

// Import stages reported to ImportOptions.Progress.
const (
	StageCheck = "check" // comparing the file's items with the catalogue
	StageWrite = "write" // writing the changed items
)

// ImportOptions tunes an import.
type ImportOptions struct {
	// Progress, when set, is called as items are checked and written, with
	// the stage (StageCheck, StageWrite), the items done and the total.
	Progress func(stage string, done, total int)
}

func (o ImportOptions) report(stage string, done, total int) {
	if o.Progress != nil {
		o.Progress(stage, done, total)
	}
}

func importOptions(opts []ImportOptions) ImportOptions {
	if len(opts) > 0 {
		return opts[0]
	}
	return ImportOptions{}
}

// ImportChange is one item an import creates or changes.
type ImportChange struct {
	Code    string
	Name    string
	New     bool
	Changes []FieldChange // what changes in a stored item; nil for a new one
}

// ImportPlan is what an import does: the items it creates and changes, and
// how many items of the file equal what is stored.
type ImportPlan struct {
	Items     int // items in the file
	New       int
	Changed   int
	Unchanged int
	Changes   []ImportChange // in file order
}

// CheckImport validates items as ApplyImport would and reports how many it
// would change, writing nothing (the import's dry run). Problems are one
// ValidationError with fields such as "items[3].promised_days".
func (s *Store) CheckImport(ctx context.Context, items []Item) (changed int, err error) {
	plan, err := s.PlanImport(ctx, items)
	if err != nil {
		return 0, err
	}
	return plan.New + plan.Changed, nil
}

// PlanImport is the dry run of an import: it validates items as ImportItems
// would and lists what it would create and change, writing nothing.
func (s *Store) PlanImport(ctx context.Context, items []Item, opts ...ImportOptions) (*ImportPlan, error) {
	ops, err := planImport(s.read.WithContext(ctx), items, importOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("models: check import: %w", err)
	}
	return summarize(items, ops), nil
}

// ApplyImport upserts items by code in one transaction and returns how many
// it created or changed; see ImportItems.
func (s *Store) ApplyImport(ctx context.Context, items []Item, actor, reason string) (changed int, err error) {
	plan, err := s.ImportItems(ctx, items, actor, reason)
	if err != nil {
		return 0, err
	}
	return plan.New + plan.Changed, nil
}

// ImportItems upserts items by code in one transaction. An item equal to the
// stored one (every field and row compared, ignoring IDs, timestamps, version
// and status) is not written and gets no revision; a changed item gets the
// next version and an "import" revision and keeps its status; a new item is
// created published at version 1 with an "import" revision. Any invalid item
// fails the whole import, which then changes nothing; the ValidationError
// names every problem as "items[i].field".
func (s *Store) ImportItems(ctx context.Context, items []Item, actor, reason string, opts ...ImportOptions) (*ImportPlan, error) {
	opt := importOptions(opts)
	var plan *ImportPlan
	err := s.write(ctx, func(tx *gorm.DB) error {
		v := &ValidationError{}
		requireReason(reason, v)
		if err := v.err(); err != nil {
			return err
		}
		ops, err := planImport(tx, items, opt)
		if err != nil {
			return err
		}
		for i, op := range ops {
			if err := writeImported(tx, op, Revision{Action: RevisionImport, Actor: actor, Reason: reason}); err != nil {
				return err
			}
			opt.report(StageWrite, i+1, len(ops))
		}
		plan = summarize(items, ops)
		return nil
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: import items: %w", err)
	}
	return plan, nil
}

func writeImported(tx *gorm.DB, op importOp, rev Revision) error {
	if op.stored != nil {
		_, err := writeVersion(tx, op.stored, op.next, rev)
		return err
	}
	if err := tx.Create(op.next).Error; err != nil {
		return err
	}
	return addRevision(tx, nil, op.next, rev)
}

func summarize(items []Item, ops []importOp) *ImportPlan {
	p := &ImportPlan{Items: len(items), Changes: make([]ImportChange, 0, len(ops))}
	for _, op := range ops {
		ch := ImportChange{Code: op.next.Code, Name: op.next.Name, New: op.stored == nil}
		if ch.New {
			p.New++
		} else {
			p.Changed++
			ch.Changes = DiffItems(normalized(op.stored), op.next)
		}
		p.Changes = append(p.Changes, ch)
	}
	p.Unchanged = len(items) - len(ops)
	return p
}

// planImport validates the import against the catalogue in db and lists the
// items that differ from what is stored.
func planImport(db *gorm.DB, items []Item, opt ImportOptions) ([]importOp, error) {
	ref, err := loadRef(db)
	if err != nil {
		return nil, err
	}
	stored, err := storedItems(db, items)
	if err != nil {
		return nil, err
	}
	return planOps(items, stored, ref, opt)
}

// storedItems loads the stored items with the codes of items, by code.
func storedItems(db *gorm.DB, items []Item) (map[string]*Item, error) {
	codes := make([]string, len(items))
	for i := range items {
		codes[i] = items[i].Code
	}
	existing, err := loadItems(db, codes)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]*Item, len(existing))
	for i := range existing {
		stored[existing[i].Code] = &existing[i]
	}
	return stored, nil
}

// planOps validates items against ref and lists those that differ from stored.
func planOps(items []Item, stored map[string]*Item, ref Known, opt ImportOptions) ([]importOp, error) {
	v := &ValidationError{}
	seen := make(map[string]int, len(items))
	var ops []importOp
	for i := range items {
		opt.report(StageCheck, i+1, len(items))
		prefix := fmt.Sprintf("items[%d].", i)
		if j, dup := seen[items[i].Code]; dup {
			v.addRule(prefix+"code", RuleDuplicate, fmt.Sprintf("code %q is also used by items[%d]", items[i].Code, j))
			continue
		}
		seen[items[i].Code] = i
		op, ok := importedItem(items[i], stored[items[i].Code])
		if !ok {
			continue
		}
		validateItem(op.next, ref, prefix, v)
		ops = append(ops, op)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return ops, nil
}

// importedItem is what importing in does to stored (nil when new); ok is
// false when it would change nothing.
func importedItem(in Item, stored *Item) (op importOp, ok bool) {
	next := in
	if stored == nil {
		normalizeItem(&next, nil)
		next.ID, next.Status, next.Version = 0, ItemPublished, 1
		next.CreatedAt, next.UpdatedAt = time.Time{}, time.Time{}
		return importOp{next: &next}, true
	}
	normalizeItem(&next, stored.Materials)
	next.ID, next.Status, next.Version = stored.ID, stored.Status, stored.Version
	next.CreatedAt, next.UpdatedAt = stored.CreatedAt, stored.UpdatedAt
	// A list carries no application forms: an imported item keeps its own.
	next.FormSchema = stored.FormSchema
	keepPlans(&next, stored)
	if len(DiffItems(normalized(stored), &next)) == 0 {
		return importOp{}, false
	}
	return importOp{stored: stored, next: &next}, true
}
