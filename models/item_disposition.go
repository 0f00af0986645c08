package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// localDate is the date in the district (UTC+8, no daylight saving); a
// fixed zone needs no tzdata on the machine.
func localDate(t time.Time) string {
	return t.In(centreZone).Format(time.DateOnly)
}

// SetDisposition cancels, merges, delegates or restores ("retained") an item,
// with a mandatory reason and legal basis, bumping its version and recording
// a "dispose" revision in one transaction. Cancelling sets cancel_on to
// today; a merge names another published, retained item; restoring clears
// the disposition's reason, basis, merge target and cancel date (the
// revision keeps them). It takes effect publicly at once.
func (s *Store) SetDisposition(ctx context.Context, code string, d DispositionChange, actor string, baseVersion int) (*Item, error) {
	var out *Item
	err := s.write(ctx, func(tx *gorm.DB) error {
		stored, err := loadItem(tx, code)
		if err != nil {
			return err
		}
		if err := checkVersion(stored, baseVersion); err != nil {
			return err
		}
		if err := validateDisposition(tx, code, d); err != nil {
			return err
		}
		next := normalized(stored)
		applyDisposition(next, d, localDate(time.Now()))
		if len(DiffItems(normalized(stored), next)) == 0 {
			return &ValidationError{Fields: map[string]string{"disposition": "the item already has this disposition"}}
		}
		out, err = writeVersion(tx, stored, next, Revision{Action: RevisionDispose, Actor: actor,
			Reason: d.Reason, LegalBasis: d.LegalBasis})
		return err
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: set disposition of item %q: %w", code, err)
	}
	return out, nil
}

func applyDisposition(it *Item, d DispositionChange, today string) {
	it.Disposition = d.Disposition
	it.DispositionReason, it.DispositionBasis, it.MergedInto = d.Reason, d.LegalBasis, ""
	switch d.Disposition {
	case DispositionRetained:
		it.DispositionReason, it.DispositionBasis, it.CancelOn = "", "", ""
	case DispositionCancelled:
		it.CancelOn = today
	case DispositionMerged:
		it.MergedInto = d.MergedInto
	}
}

func validateDisposition(tx *gorm.DB, code string, d DispositionChange) error {
	v := &ValidationError{}
	switch d.Disposition {
	case DispositionRetained, DispositionCancelled, DispositionMerged, DispositionDelegated:
	default:
		v.add("disposition", "must be retained, cancelled, merged or delegated")
	}
	requireReason(d.Reason, v)
	if blank(d.LegalBasis) {
		v.add("legal_basis", "must name the legal basis of the change")
	}
	if d.Disposition != DispositionMerged {
		return v.err()
	}
	if blank(d.MergedInto) {
		v.add("merged_into", "must name the item this one is merged into")
		return v.err()
	}
	if d.MergedInto == code {
		v.add("merged_into", "an item cannot be merged into itself")
		return v.err()
	}
	var target Item
	err := tx.Select("status", "disposition").Where("code = ?", d.MergedInto).Take(&target).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		v.add("merged_into", fmt.Sprintf("no item has the code %q", d.MergedInto))
	case err != nil:
		return err
	case target.Status != ItemPublished || target.Disposition != DispositionRetained:
		v.add("merged_into", fmt.Sprintf("item %q is not a published, retained item", d.MergedInto))
	}
	return v.err()
}
