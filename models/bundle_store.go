package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// bundleRow is one row of bundles; definition holds items and mapping as JSON.
type bundleRow struct {
	ID          int64
	Code        string
	Name        string
	NameEn      string
	Description string
	Published   bool
	Version     int
	Definition  string
	UpdatedBy   string
	UpdatedAt   time.Time
}

// TableName keeps the table name of the migration.
func (bundleRow) TableName() string { return "bundles" }

// bundleChangeRow is one row of the append-only bundle_changes.
type bundleChangeRow struct {
	ID          int64
	Code        string
	Action      string
	Version     int
	BeforeValue string
	AfterValue  string
	Actor       string
	Reason      string
	CreatedAt   time.Time
}

// TableName keeps the table name of the migration.
func (bundleChangeRow) TableName() string { return "bundle_changes" }

// bundleItems is what bundles.definition holds.
type bundleItems struct {
	Items   []string        `json:"items"`
	Mapping []BundleMapping `json:"mapping,omitempty"`
}

func (r bundleRow) bundle() (Bundle, error) {
	b := Bundle{Code: r.Code, Name: r.Name, NameEn: r.NameEn, Description: r.Description, Published: r.Published,
		Version: r.Version, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt.UTC()}
	var d bundleItems
	if err := json.Unmarshal([]byte(r.Definition), &d); err != nil {
		return b, fmt.Errorf("definition of bundle %q: %w", r.Code, err)
	}
	b.Items, b.Mapping = d.Items, d.Mapping
	return b, nil
}

// Bundles returns the bundles ordered by code: every one, or only the
// published ones.
func (s *Store) Bundles(ctx context.Context, publishedOnly bool) ([]Bundle, error) {
	db := s.read.WithContext(ctx).Order("code")
	if publishedOnly {
		db = db.Where("published = ?", true)
	}
	var rows []bundleRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: bundles: %w", err)
	}
	out := make([]Bundle, 0, len(rows))
	for _, r := range rows {
		b, err := r.bundle()
		if err != nil {
			return nil, fmt.Errorf("models: bundles: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// Bundle returns the bundle of a code, published or not.
func (s *Store) Bundle(ctx context.Context, code string) (*Bundle, error) {
	b, err := takeBundle(s.read.WithContext(ctx), code)
	if err != nil {
		return nil, fmt.Errorf("models: bundle %q: %w", code, err)
	}
	return b, nil
}

func takeBundle(db *gorm.DB, code string) (*Bundle, error) {
	var r bundleRow
	err := db.Where("code = ?", code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	b, err := r.bundle()
	return &b, err
}

// CreateBundle adds a bundle; a code already taken is a ValidationError on
// "code" (RuleTaken). The caller has checked the items and the merged form.
func (s *Store) CreateBundle(ctx context.Context, actor string, in BundleInput, now time.Time) (*Bundle, error) {
	b, err := s.saveBundle(ctx, actor, in, 0, now)
	if err != nil {
		return nil, fmt.Errorf("models: create bundle %q: %w", in.Code, err)
	}
	return b, nil
}

// UpdateBundle changes a bundle that is still at version (ErrConflict
// otherwise); a bundle submitted unchanged writes nothing.
func (s *Store) UpdateBundle(ctx context.Context, actor string, in BundleInput, version int, now time.Time) (*Bundle, error) {
	if version < 1 {
		return nil, fmt.Errorf("models: update bundle %q: %w", in.Code, &ValidationError{
			Fields: map[string]string{"version": "the version you edited is required"}, Rules: map[string]string{"version": RuleRequired}})
	}
	b, err := s.saveBundle(ctx, actor, in, version, now)
	if err != nil {
		return nil, fmt.Errorf("models: update bundle %q: %w", in.Code, err)
	}
	return b, nil
}

// errNoBundleChange rolls back an edit that changed nothing.
var errNoBundleChange = errors.New("no change")

// saveBundle creates (version 0) or edits the bundle and logs the change.
func (s *Store) saveBundle(ctx context.Context, actor string, in BundleInput, version int, now time.Time) (*Bundle, error) {
	in = NormalizeBundle(in)
	if err := ValidateBundle(in); err != nil {
		return nil, err
	}
	now = now.UTC()
	after, err := json.Marshal(in.value())
	if err != nil {
		return nil, err
	}
	def, err := json.Marshal(bundleItems{Items: in.Items, Mapping: in.Mapping})
	if err != nil {
		return nil, err
	}
	var out *Bundle
	err = s.write(ctx, func(tx *gorm.DB) error {
		old, err := takeBundle(tx, in.Code)
		switch {
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		case version == 0 && old != nil:
			return &ValidationError{Fields: map[string]string{"code": "a bundle with this code exists"},
				Rules: map[string]string{"code": RuleTaken}}
		case version > 0 && old == nil:
			return ErrNotFound
		case version > 0 && old.Version != version:
			return fmt.Errorf("version %d is stale, the bundle is at %d: %w", version, old.Version, ErrConflict)
		}
		change := bundleChangeRow{Code: in.Code, Action: "create", Version: 1, AfterValue: string(after), Actor: actor,
			Reason: in.Reason, CreatedAt: now}
		row := bundleRow{Code: in.Code, Name: in.Name, NameEn: in.NameEn, Description: in.Description, Published: in.Published,
			Version: 1, Definition: string(def), UpdatedBy: actor, UpdatedAt: now}
		if old == nil {
			if err := uniqueAsConflict(tx.Create(&row).Error); err != nil {
				return err
			}
		} else {
			before, err := json.Marshal(old.value())
			if err != nil {
				return err
			}
			if string(before) == string(after) {
				out = old
				return errNoBundleChange
			}
			change.Action, change.Version, change.BeforeValue = "edit", old.Version+1, string(before)
			res := tx.Model(&bundleRow{}).Where("code = ? AND version = ?", in.Code, old.Version).Updates(map[string]any{
				"name": in.Name, "name_en": in.NameEn, "description": in.Description, "published": in.Published,
				"version": old.Version + 1, "definition": string(def), "updated_by": actor, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return ErrConflict
			}
		}
		if err := tx.Create(&change).Error; err != nil {
			return err
		}
		out, err = takeBundle(tx, in.Code)
		return err
	}, AreaCatalogue)
	if errors.Is(err, errNoBundleChange) {
		return out, nil
	}
	return out, err
}

// BundleChanges returns a bundle's change log, newest first.
func (s *Store) BundleChanges(ctx context.Context, code string) ([]BundleChange, error) {
	var rows []bundleChangeRow
	if err := s.read.WithContext(ctx).Where("code = ?", code).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: bundle changes: %w", err)
	}
	out := make([]BundleChange, len(rows))
	for i, r := range rows {
		out[i] = BundleChange{ID: r.ID, Code: r.Code, Action: r.Action, Version: r.Version, Actor: r.Actor, Reason: r.Reason,
			At: r.CreatedAt.UTC(), Before: r.BeforeValue, After: r.AfterValue}
	}
	return out, nil
}

// SeedBundles adds the bundles of a new database (the demo's) when it has
// none yet, and reports whether it did.
func (s *Store) SeedBundles(ctx context.Context, bundles []BundleInput, now time.Time) (bool, error) {
	var n int64
	if err := s.read.WithContext(ctx).Model(&bundleRow{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("models: seed bundles: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	for _, b := range bundles {
		if _, err := s.CreateBundle(ctx, "system", b, now); err != nil {
			return false, fmt.Errorf("models: seed bundles: %w", err)
		}
	}
	return true, nil
}

// ProvidedFiles returns, by material name, the latest file the applicant
// with an identity number handed in on an earlier application: what a
// bundle lists as 免交 and attaches again instead of asking for it.
func (s *Store) ProvidedFiles(ctx context.Context, idNumber string) (map[string]AppFile, error) {
	out := map[string]AppFile{}
	if idNumber == "" {
		return out, nil
	}
	var rows []struct {
		Name string
		AppFile
	}
	err := s.read.WithContext(ctx).Raw(`SELECT m.name, f.id, f.application_id, f.material_key, f.sha256, f.size,
		f.content_type, f.display_name, f.uploaded_by, f.created_at
		FROM application_files f
		JOIN applications a ON a.id = f.application_id
		JOIN application_materials m ON m.application_id = f.application_id AND m.material_key = f.material_key
		WHERE a.applicant_id_index = ? ORDER BY f.id DESC LIMIT 500`, s.blindIndex(idNumber)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: provided files: %w", err)
	}
	for _, r := range rows {
		if _, ok := out[r.Name]; !ok {
			out[r.Name] = r.AppFile
		}
	}
	return out, nil
}

// ProvidedMaterials names the materials the applicant handed in a file
// for on an earlier application (see ProvidedFiles).
func (s *Store) ProvidedMaterials(ctx context.Context, idNumber string) (map[string]bool, error) {
	files, err := s.ProvidedFiles(ctx, idNumber)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(files))
	for name := range files {
		out[name] = true
	}
	return out, nil
}
