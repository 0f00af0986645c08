package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"gorm.io/gorm"
)

// Files stores uploaded files under the data folder by the SHA-256 of their
// content; a name a user chose is never part of a path.
type Files struct{ dir string }

// NewFiles returns the file store rooted at dir, creating it.
func NewFiles(dir string) (*Files, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("models: files: %w", err)
	}
	return &Files{dir: dir}, nil
}

// ErrTooLarge is an upload over the size limit.
var ErrTooLarge = errors.New("file too large")

// Put stores at most limit bytes from r and returns their content address
// and size; more than limit bytes is ErrTooLarge and stores nothing.
func (f *Files) Put(r io.Reader, limit int64) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp(f.dir, ".upload-*")
	if err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	if size > limit {
		return "", 0, ErrTooLarge
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	dst := f.path(sum)
	if err = os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	return sum, size, nil
}

// Open opens the stored file with a content address.
func (f *Files) Open(sum string) (*os.File, error) {
	if len(sum) != 64 {
		return nil, ErrNotFound
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return nil, ErrNotFound
	}
	return os.Open(f.path(sum))
}

func (f *Files) path(sum string) string {
	return filepath.Join(f.dir, sum[:2], sum[2:4], sum)
}

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
