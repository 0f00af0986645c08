package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SaveDraft validates edited and stores it as the pending draft of the item,
// replacing any earlier draft; the public keeps seeing the published version
// until PublishItem. baseVersion is the item version the edit was made from;
// another version is ErrConflict. The code, status, version and disposition
// are not edited here (SetDisposition changes the disposition).
func (s *Store) SaveDraft(ctx context.Context, code string, edited Item, actor, reason string, baseVersion int) (*Draft, error) {
	var d *Draft
	err := s.write(ctx, func(tx *gorm.DB) error {
		stored, next, err := prepareEdit(tx, code, edited, reason, baseVersion)
		if err != nil {
			return err
		}
		snap, err := encodeSnapshot(next)
		if err != nil {
			return err
		}
		d = &Draft{ItemCode: stored.Code, BaseVersion: stored.Version, Snapshot: snap, Actor: actor,
			Reason: reason, UpdatedAt: time.Now().UTC(), Item: next}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(d).Error
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: save draft of item %q: %w", code, err)
	}
	return d, nil
}

// DiscardDraft deletes the item's pending draft; no draft is ErrNotFound.
func (s *Store) DiscardDraft(ctx context.Context, code string) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Where("item_code = ?", code).Delete(&Draft{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	}, AreaCatalogue)
	if err != nil {
		return fmt.Errorf("models: discard draft of item %q: %w", code, err)
	}
	return nil
}

// PublishItem makes the pending draft public, or publishes an item that was
// created as a draft: it applies the changes, bumps the version, records a
// revision and deletes the draft in one transaction. A blank reason takes the
// draft's. Nothing to publish, or a draft edited from an older version, is
// ErrConflict.
func (s *Store) PublishItem(ctx context.Context, code, actor, reason string, baseVersion int) (*Item, error) {
	var out *Item
	err := s.write(ctx, func(tx *gorm.DB) error {
		stored, err := loadItem(tx, code)
		if err != nil {
			return err
		}
		if err := checkVersion(stored, baseVersion); err != nil {
			return err
		}
		next, draftReason, err := pendingChanges(tx, stored)
		if err != nil {
			return err
		}
		if blank(reason) {
			reason = draftReason
		}
		if err := validateEdit(tx, next, reason); err != nil {
			return err
		}
		next.Status = ItemPublished
		out, err = writeVersion(tx, stored, next, Revision{Action: RevisionPublish, Actor: actor, Reason: reason})
		if err != nil {
			return err
		}
		return tx.Where("item_code = ?", code).Delete(&Draft{}).Error
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: publish item %q: %w", code, err)
	}
	return out, nil
}

// pendingChanges is the item as publishing would leave it, and the draft's reason.
func pendingChanges(tx *gorm.DB, stored *Item) (*Item, string, error) {
	d, err := loadDraft(tx, stored.Code)
	switch {
	case err == nil:
		if d.BaseVersion != stored.Version {
			return nil, "", conflictf("the draft was edited from version %d but the item is at version %d", d.BaseVersion, stored.Version)
		}
		return editedFrom(stored, *d.Item), d.Reason, nil
	case !errors.Is(err, ErrNotFound):
		return nil, "", err
	case stored.Status == ItemDraft:
		return normalized(stored), "", nil
	}
	return nil, "", conflictf("item %q has no pending draft to publish", stored.Code)
}

// UpdateItem validates edited and publishes it at once (save and publish),
// with a revision. A pending draft is left alone and becomes stale.
func (s *Store) UpdateItem(ctx context.Context, code string, edited Item, actor, reason string, baseVersion int) (*Item, error) {
	return s.updateItem(ctx, code, edited, actor, reason, baseVersion, false)
}

// UpdateItemFromDraft is UpdateItem for an edit of the pending draft (the
// editor showed the draft and its author saves and publishes it): the draft
// edited from baseVersion is deleted in the same transaction, since what it
// held is now public. A draft edited from another version is left alone.
func (s *Store) UpdateItemFromDraft(ctx context.Context, code string, edited Item, actor, reason string, baseVersion int) (*Item, error) {
	return s.updateItem(ctx, code, edited, actor, reason, baseVersion, true)
}

func (s *Store) updateItem(ctx context.Context, code string, edited Item, actor, reason string, baseVersion int, fromDraft bool) (*Item, error) {
	var out *Item
	err := s.write(ctx, func(tx *gorm.DB) error {
		stored, next, err := prepareEdit(tx, code, edited, reason, baseVersion)
		if err != nil {
			return err
		}
		next.Status = ItemPublished
		out, err = writeVersion(tx, stored, next, Revision{Action: RevisionEdit, Actor: actor, Reason: reason})
		if err != nil || !fromDraft {
			return err
		}
		return tx.Where("item_code = ? AND base_version = ?", code, baseVersion).Delete(&Draft{}).Error
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: update item %q: %w", code, err)
	}
	return out, nil
}

// CreateItem stores a new, unpublished item (status draft, version 1,
// retained) with its rows and a "create" revision. A code already in use is
// a ValidationError on "code".
func (s *Store) CreateItem(ctx context.Context, it Item, actor, reason string) (*Item, error) {
	next := it
	normalizeItem(&next, nil)
	next.ID, next.Status, next.Version = 0, ItemDraft, 1
	next.Disposition, next.DispositionReason, next.DispositionBasis = DispositionRetained, "", ""
	next.MergedInto, next.CancelOn = "", ""
	next.CreatedAt, next.UpdatedAt = time.Time{}, time.Time{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		v := &ValidationError{}
		var n int64
		if err := tx.Model(&Item{}).Where("code = ?", next.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			v.addRule("code", RuleTaken, fmt.Sprintf("code %q is already used by another item", next.Code))
		}
		if err := validateInto(tx, &next, reason, v); err != nil {
			return err
		}
		if err := tx.Create(&next).Error; err != nil {
			return err
		}
		return addRevision(tx, nil, &next, Revision{Action: RevisionCreate, Actor: actor, Reason: reason})
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: create item %q: %w", it.Code, err)
	}
	return &next, nil
}

// prepareEdit loads the item, checks the version and validates the edit.
func prepareEdit(tx *gorm.DB, code string, edited Item, reason string, baseVersion int) (stored, next *Item, err error) {
	if stored, err = loadItem(tx, code); err != nil {
		return nil, nil, err
	}
	if err := checkVersion(stored, baseVersion); err != nil {
		return nil, nil, err
	}
	next = editedFrom(stored, edited)
	if err := validateEdit(tx, next, reason); err != nil {
		return nil, nil, err
	}
	return stored, next, nil
}

// editedFrom is the stored item with the edited guide: identity, status,
// version, disposition and the application form stay as stored.
func editedFrom(stored *Item, edited Item) *Item {
	next := edited
	normalizeItem(&next, stored.Materials)
	next.ID, next.Code, next.Status, next.Version = stored.ID, stored.Code, stored.Status, stored.Version
	next.CreatedAt, next.UpdatedAt = stored.CreatedAt, stored.UpdatedAt
	next.Disposition, next.DispositionReason = stored.Disposition, stored.DispositionReason
	next.DispositionBasis, next.MergedInto, next.CancelOn = stored.DispositionBasis, stored.MergedInto, stored.CancelOn
	// The application form has its own editor (SetItemForm); a guide edit keeps it.
	next.FormSchema = stored.FormSchema
	return &next
}

func validateEdit(tx *gorm.DB, it *Item, reason string) error {
	return validateInto(tx, it, reason, &ValidationError{})
}

// validateInto adds the reason's and the guide's problems to v and returns
// v when any field is invalid.
func validateInto(tx *gorm.DB, it *Item, reason string, v *ValidationError) error {
	ref, err := loadRef(tx)
	if err != nil {
		return err
	}
	requireReason(reason, v)
	validateItem(it, ref, "", v)
	return v.err()
}

// writeVersion stores next as the item's following version: the item row
// (guarded by the version it was read at), its rows and the revision.
func writeVersion(tx *gorm.DB, stored, next *Item, rev Revision) (*Item, error) {
	next.ID, next.Code, next.CreatedAt = stored.ID, stored.Code, stored.CreatedAt
	next.Version, next.UpdatedAt = stored.Version+1, time.Now().UTC()
	res := tx.Model(&Item{}).Where("id = ? AND version = ?", stored.ID, stored.Version).
		Select("*").Omit("id", "created_at", clause.Associations).Updates(next)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected != 1 {
		return nil, conflictf("item %q changed while it was being saved", stored.Code)
	}
	if err := replaceRows(tx, next); err != nil {
		return nil, err
	}
	return next, addRevision(tx, normalized(stored), next, rev)
}

// replaceRows replaces the item's materials, fees, steps and workflow departments.
func replaceRows(tx *gorm.DB, it *Item) error {
	for _, m := range []any{&Material{}, &Fee{}, &Step{}, &ItemDepartment{}} {
		if err := tx.Where("item_id = ?", it.ID).Delete(m).Error; err != nil {
			return err
		}
	}
	for i := range it.Materials {
		it.Materials[i].ID, it.Materials[i].ItemID = 0, it.ID
	}
	for i := range it.Fees {
		it.Fees[i].ID, it.Fees[i].ItemID = 0, it.ID
	}
	for i := range it.Steps {
		it.Steps[i].ID, it.Steps[i].ItemID = 0, it.ID
	}
	for i := range it.Departments {
		it.Departments[i].ID, it.Departments[i].ItemID = 0, it.ID
	}
	if err := createRows(tx, it.Materials); err != nil {
		return err
	}
	if err := createRows(tx, it.Fees); err != nil {
		return err
	}
	if err := createRows(tx, it.Steps); err != nil {
		return err
	}
	return createRows(tx, it.Departments)
}

// createRows inserts child rows, writing their new IDs back into rows.
func createRows[T any](tx *gorm.DB, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Create(&rows).Error
}

// addRevision appends the revision of next (the version just written) with
// its diff from before (nil for a new item) and its snapshot.
func addRevision(tx *gorm.DB, before, next *Item, rev Revision) error {
	snap, err := encodeSnapshot(next)
	if err != nil {
		return err
	}
	rev.ID, rev.ItemID, rev.ItemCode, rev.Version = 0, next.ID, next.Code, next.Version
	rev.Diff, rev.Snapshot, rev.CreatedAt = DiffItems(before, next), snap, time.Now().UTC()
	return tx.Create(&rev).Error
}
