package models

// Catalogue administration: drafts, revisions, dispositions and import.
//
// Publication model. The public queries (Item, Items, Stats, SearchEntries)
// only ever read the items table filtered by status = 'published', so
// nothing an administrator has not published may reach that table's
// published rows:
//   - A new item is created with status 'draft' (version 1); it is invisible
//     to the public until PublishItem flips it to 'published'.
//   - Changes to an item are saved as its pending draft in item_drafts: one
//     row per item holding the whole edited item as a snapshot, the version it
//     was edited from (base_version), who saved it and why. The items row is
//     untouched, so the public keeps seeing the published version.
//   - PublishItem applies the draft to the items row and its child rows,
//     bumps the version, appends a revision and deletes the draft, in one
//     transaction. A draft whose base_version is no longer the item's version
//     (someone published, disposed or imported meanwhile) is stale: publishing
//     it is ErrConflict; saving a new draft from the current version replaces
//     it.
//   - UpdateItem (the API's PUT) and SetDisposition change the item directly
//     and publish at once; ApplyImport does the same for every changed item.
//
// History. Every write of an item version appends one item_revisions row
// (unique per item code and version) with the actor, the mandatory reason,
// the field-level diff and a snapshot of the whole item after the change, so
// an application pinned to a version can read the guide it was filed under.
// Triggers make the table append-only. Draft saves are not history: the
// published result of a draft is.

import (
	"cmp"
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Revision actions: what kind of change wrote an item version.
const (
	RevisionCreate  = "create"
	RevisionEdit    = "edit"
	RevisionDispose = "dispose"
	RevisionPublish = "publish"
	RevisionImport  = "import"
	RevisionForm    = "form" // the application form changed (SetItemForm)
)

// FieldChange is one field-level difference between two versions of an item.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Changes is a list of field changes stored as a JSON array in one column.
type Changes []FieldChange

// Value implements driver.Valuer.
func (c Changes) Value() (driver.Value, error) {
	if c == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]FieldChange(c))
	return string(b), err
}

// Scan implements sql.Scanner.
func (c *Changes) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return json.Unmarshal([]byte(v), (*[]FieldChange)(c))
	case []byte:
		return json.Unmarshal(v, (*[]FieldChange)(c))
	case nil:
		*c = nil
		return nil
	}
	return fmt.Errorf("models: scan Changes from %T", src)
}

// Revision is one recorded version of an item: who changed it, when, why and what.
type Revision struct {
	ID         uint      `gorm:"primaryKey"`
	ItemID     uint      `gorm:"not null;index"`
	ItemCode   string    `gorm:"size:36;not null"`
	Version    int       `gorm:"not null"` // the item's version after the change
	Actor      string    `gorm:"not null"` // username
	Action     string    `gorm:"size:16;not null"`
	Reason     string    `gorm:"not null"`
	LegalBasis string    `gorm:"not null"`
	Diff       Changes   `gorm:"type:text;not null"`
	Snapshot   string    `gorm:"type:text;not null"` // the whole item after the change, as JSON
	CreatedAt  time.Time `gorm:"not null"`
}

// TableName is the revisions table.
func (Revision) TableName() string { return "item_revisions" }

// Item decodes the revision's snapshot: the item as this version left it.
func (r *Revision) Item() (*Item, error) {
	it, err := decodeSnapshot(r.Snapshot)
	if err != nil {
		return nil, fmt.Errorf("models: revision %d of item %q: %w", r.Version, r.ItemCode, err)
	}
	return it, nil
}

// Draft is the pending, unpublished change of an item (table item_drafts).
type Draft struct {
	ItemCode    string    `gorm:"primaryKey;size:36"`
	BaseVersion int       `gorm:"not null"` // the item version the draft was edited from
	Snapshot    string    `gorm:"type:text;not null"`
	Actor       string    `gorm:"not null"`
	Reason      string    `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`

	Item *Item `gorm:"-"` // the decoded snapshot
}

// TableName is the drafts table.
func (Draft) TableName() string { return "item_drafts" }

// DispositionChange is a request to cancel, merge, delegate or restore an item.
type DispositionChange struct {
	Disposition string // retained (restore), cancelled, merged or delegated
	Reason      string
	LegalBasis  string
	MergedInto  string // code of the retained item that absorbs this one
}

// ValidationError lists invalid fields by JSON path ("promised_days",
// "materials[2].name") with a message for each, and the rule each broke
// (RuleRequired, …) so that pages can explain it in the reader's language.
type ValidationError struct {
	Fields map[string]string
	Rules  map[string]string
}

// Error lists the fields in a stable order.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid " + strings.Join(parts, "; ")
}

// Rule is the rule the field broke, RuleInvalid when none was recorded.
func (e *ValidationError) Rule(field string) string {
	if r, ok := e.Rules[field]; ok {
		return r
	}
	return RuleInvalid
}

// add records the first problem found for a field.
func (e *ValidationError) add(field, msg string) { e.addRule(field, RuleInvalid, msg) }

// addRule records the first problem found for a field with the rule it broke.
func (e *ValidationError) addRule(field, rule, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if e.Rules == nil {
		e.Rules = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
		e.Rules[field] = rule
	}
}

// err is the error to return: nil when no field was invalid.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// AdminItem returns the item as stored, whatever its status, with its whole
// guide, and its pending draft or nil when there is none.
func (s *Store) AdminItem(ctx context.Context, code string) (*Item, *Draft, error) {
	db := s.read.WithContext(ctx)
	it, err := loadItem(db, code)
	if err != nil {
		return nil, nil, fmt.Errorf("models: admin item %q: %w", code, err)
	}
	d, err := loadDraft(db, code)
	if errors.Is(err, ErrNotFound) {
		return it, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("models: admin item %q: %w", code, err)
	}
	return it, d, nil
}

// Revisions returns the item's history, newest first.
func (s *Store) Revisions(ctx context.Context, code string) ([]Revision, error) {
	db := s.read.WithContext(ctx)
	var n int64
	if err := db.Model(&Item{}).Where("code = ?", code).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("models: list revisions of item %q: %w", code, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("models: list revisions of item %q: %w", code, ErrNotFound)
	}
	out := []Revision{}
	if err := db.Where("item_code = ?", code).Order("version DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: list revisions of item %q: %w", code, err)
	}
	return out, nil
}

func withChildren(db *gorm.DB) *gorm.DB {
	return db.Preload("Materials", orderBySort).Preload("Fees", orderBySort).
		Preload("Steps", orderBySort).Preload("Departments", orderBySort)
}

// loadItem reads one item of any status with its rows.
func loadItem(db *gorm.DB, code string) (*Item, error) {
	var it Item
	err := withChildren(db).Where("code = ?", code).Take(&it).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// loadItems reads items of any status with their rows, in id order: those
// with the given codes, or all when codes is empty. It pages so that the
// child preloads stay well below SQLite's limit on bound parameters.
func loadItems(db *gorm.DB, codes []string) ([]Item, error) {
	const page = 500
	var out []Item
	if len(codes) == 0 {
		for last := uint(0); ; {
			var batch []Item
			if err := withChildren(db).Where("id > ?", last).Order("id").Limit(page).Find(&batch).Error; err != nil {
				return nil, err
			}
			out = append(out, batch...)
			if len(batch) < page {
				return out, nil
			}
			last = batch[len(batch)-1].ID
		}
	}
	for chunk := range slices.Chunk(codes, page) {
		var batch []Item
		if err := withChildren(db).Where("code IN ?", chunk).Find(&batch).Error; err != nil {
			return nil, err
		}
		out = append(out, batch...)
	}
	slices.SortFunc(out, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// loadDraft reads an item's pending draft with its snapshot decoded.
func loadDraft(db *gorm.DB, code string) (*Draft, error) {
	var d Draft
	err := db.Where("item_code = ?", code).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if d.Item, err = decodeSnapshot(d.Snapshot); err != nil {
		return nil, err
	}
	return &d, nil
}

// conflictf reports a stale or impossible change as ErrConflict.
func conflictf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, ErrConflict)...)
}

// checkVersion refuses a change made from another version than the stored one.
func checkVersion(it *Item, baseVersion int) error {
	if it.Version != baseVersion {
		return conflictf("item %q is at version %d, the change was made from version %d", it.Code, it.Version, baseVersion)
	}
	return nil
}
