package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AddFile records an uploaded file against a listed material of an
// application and marks the material provided.
func (s *Store) AddFile(ctx context.Context, number string, file AppFile) (*AppFile, error) {
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var app Application
		if err := tx.Select("id").Where("number = ?", number).Take(&app).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		var have struct {
			N     int
			Bytes int64
		}
		if err := tx.Raw(`SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM application_files WHERE application_id = ?`,
			app.ID).Scan(&have).Error; err != nil {
			return err
		}
		if have.N+1 > s.fileCaps.files || have.Bytes+file.Size > s.fileCaps.bytes {
			return fmt.Errorf("%w: %d files, %d MB stored; at most %d files, %d MB", ErrTooManyFiles,
				have.N, have.Bytes>>20, s.fileCaps.files, s.fileCaps.bytes>>20)
		}
		res := tx.Model(&AppMaterial{}).Where("application_id = ? AND material_key = ?", app.ID, file.MaterialKey).
			Updates(map[string]any{"provided": true})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("material %q is not on the list: %w", file.MaterialKey, ErrNotFound)
		}
		file.ID, file.ApplicationID = 0, app.ID
		if file.CreatedAt.IsZero() {
			file.CreatedAt = time.Now().UTC()
		}
		return tx.Create(&file).Error
	})
	if err != nil {
		return nil, fmt.Errorf("models: add file to %q: %w", number, err)
	}
	return &file, nil
}

// ErrTooManyFiles refuses an upload past an application's caps (Options.FilesPerApplication,
// Options.BytesPerApplication).
var ErrTooManyFiles = errors.New("models: the application holds as many files as it may")

// File returns one file of an application.
func (s *Store) File(ctx context.Context, number string, id uint) (*AppFile, error) {
	var f AppFile
	err := s.read.WithContext(ctx).Joins("JOIN applications ON applications.id = application_files.application_id").
		Where("applications.number = ? AND application_files.id = ?", number, id).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("models: file: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("models: file: %w", err)
	}
	return &f, nil
}
