package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Files is the FileStore in a folder: <dir>/ab/cd/abcd… by content address. Several
// instances may share the folder (NFS): a file is written under a temporary name and
// renamed into place, so a reader never sees half of one.
type Files struct{ dir string }

var _ FileStore = (*Files)(nil)

// NewFiles returns the file store rooted at dir, creating it.
func NewFiles(dir string) (*Files, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("models: files: %w", err)
	}
	return &Files{dir: dir}, nil
}

// uploadPrefix names a file still being written.
const uploadPrefix = ".upload-"

// Put stores at most limit bytes from r and returns their content address
// and size; more than limit bytes is ErrTooLarge and stores nothing.
func (f *Files) Put(_ context.Context, r io.Reader, limit int64) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp(f.dir, uploadPrefix+"*")
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
func (f *Files) Open(_ context.Context, sum string) (io.ReadSeekCloser, FileInfo, error) {
	if !validSum(sum) {
		return nil, FileInfo{}, ErrNotFound
	}
	file, err := os.Open(f.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, FileInfo{}, ErrNotFound
	}
	if err != nil {
		return nil, FileInfo{}, fmt.Errorf("models: open file: %w", err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, FileInfo{}, fmt.Errorf("models: open file: %w", err)
	}
	return file, FileInfo{Sum: sum, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Stat describes the stored file with a content address.
func (f *Files) Stat(_ context.Context, sum string) (FileInfo, error) {
	if !validSum(sum) {
		return FileInfo{}, ErrNotFound
	}
	st, err := os.Stat(f.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return FileInfo{}, ErrNotFound
	}
	if err != nil {
		return FileInfo{}, fmt.Errorf("models: stat file: %w", err)
	}
	return FileInfo{Sum: sum, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Walk calls fn for every stored file; uploads still being written are left out.
func (f *Files) Walk(ctx context.Context, fn func(FileInfo) error) error {
	err := filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == f.dir {
				return fs.SkipDir
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || strings.HasPrefix(d.Name(), uploadPrefix) || !validSum(d.Name()) {
			return nil
		}
		st, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(FileInfo{Sum: d.Name(), Size: st.Size(), ModTime: st.ModTime()})
	})
	if err != nil {
		return fmt.Errorf("models: walk files: %w", err)
	}
	return nil
}

// String is the folder.
func (f *Files) String() string { return f.dir }

func (f *Files) path(sum string) string {
	return filepath.Join(f.dir, filepath.FromSlash(sumPath(sum)))
}
