package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// ErrNoSuchMaterial is an attachment for a material the item does not list.
var ErrNoSuchMaterial = errors.New("models: the item lists no such material")

// AttachMaterialFile records an uploaded blank form or sample (a.Kind) for a
// material (a.MaterialKey) of an item the stored version lists, in place of
// the one it had. The file must already be in the file store under a.SHA256.
func (s *Store) AttachMaterialFile(ctx context.Context, actor, code string, a MaterialAttachment) (*MaterialAttachment, error) {
	v := &ValidationError{}
	if a.Kind != AttachmentBlank && a.Kind != AttachmentSample {
		v.add("kind", "must be blank or sample")
	}
	if len(a.SHA256) != 64 {
		v.addRule("file", RuleRequired, "must be a stored file")
	}
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("models: attach to item %q: %w", code, err)
	}
	a.ID, a.ItemCode, a.Action, a.Actor = 0, code, AttachmentUpload, actor
	err := s.write(ctx, func(tx *gorm.DB) error {
		m, err := listedMaterial(tx, code, a.MaterialKey)
		if err != nil {
			return err
		}
		a.MaterialName, a.CreatedAt = m.Name, time.Now().UTC()
		return tx.Create(&a).Error
	}, AreaCatalogue)
	if err != nil {
		return nil, fmt.Errorf("models: attach to item %q: %w", code, err)
	}
	return &a, nil
}

// RemoveMaterialFile takes a material's blank form or sample off the guide;
// the file and the upload stay in the log. A material without one is ErrNotFound.
func (s *Store) RemoveMaterialFile(ctx context.Context, actor, code, key, kind string) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		m, err := listedMaterial(tx, code, key)
		if err != nil {
			return err
		}
		now, err := currentAttachments(tx, code)
		if err != nil {
			return err
		}
		if now[key].Of(kind) == nil {
			return ErrNotFound
		}
		return tx.Create(&MaterialAttachment{ItemCode: code, MaterialKey: key, MaterialName: m.Name, Kind: kind,
			Action: AttachmentRemove, Actor: actor, CreatedAt: time.Now().UTC()}).Error
	}, AreaCatalogue)
	if err != nil {
		return fmt.Errorf("models: remove %s of material %q of item %q: %w", kind, key, code, err)
	}
	return nil
}

// MaterialFiles returns the blank forms and samples an item's materials have
// now, by material key.
func (s *Store) MaterialFiles(ctx context.Context, code string) (map[string]MaterialFiles, error) {
	out, err := currentAttachments(s.read.WithContext(ctx), code)
	if err != nil {
		return nil, fmt.Errorf("models: attachments of item %q: %w", code, err)
	}
	return out, nil
}

// MaterialFileLog returns every upload and removal of an item's attachments, newest first.
func (s *Store) MaterialFileLog(ctx context.Context, code string) ([]MaterialAttachment, error) {
	var out []MaterialAttachment
	if err := s.read.WithContext(ctx).Where("item_code = ?", code).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: attachment log of item %q: %w", code, err)
	}
	return out, nil
}

// currentAttachments folds the item's log: the latest row of each material
// and kind, kept when it is an upload.
func currentAttachments(db *gorm.DB, code string) (map[string]MaterialFiles, error) {
	var log []MaterialAttachment
	if err := db.Where("item_code = ?", code).Order("id").Find(&log).Error; err != nil {
		return nil, err
	}
	out := map[string]MaterialFiles{}
	for i := range log {
		a := &log[i]
		f := out[a.MaterialKey]
		if a.Action == AttachmentRemove {
			a = nil
		}
		if log[i].Kind == AttachmentSample {
			f.Sample = a
		} else {
			f.Blank = a
		}
		out[log[i].MaterialKey] = f
	}
	for k, f := range out {
		if f.Blank == nil && f.Sample == nil {
			delete(out, k)
		}
	}
	return out, nil
}

// listedMaterial is the material of the item's stored version with a key.
func listedMaterial(tx *gorm.DB, code, key string) (*Material, error) {
	it, err := loadItem(tx, code)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(it.Materials, func(m Material) bool { return m.Key == key })
	if i < 0 {
		return nil, fmt.Errorf("material %q: %w", key, ErrNoSuchMaterial)
	}
	return &it.Materials[i], nil
}
