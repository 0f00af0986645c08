package models

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// FilesDir is the folder of uploaded files inside a data folder.
const FilesDir = "files"

// Backup writes a consistent copy of the data folder dir to w, while a server may be
// running on it: the database as one snapshot (SQLite's VACUUM INTO, which reads one
// transaction's view and writes a compact database), then every uploaded file of files
// (nil: the folder files/ of dir). A file is stored before the row naming it commits, so
// the snapshot names no missing file. The archive is a gzipped tar holding onewindow.db
// and files/…; the files of an S3 store are copied into it too, so a backup restores on
// its own into a data folder whose files are a folder.
func Backup(ctx context.Context, dir string, files FileStore, w io.Writer) (BackupSummary, error) {
	var sum BackupSummary
	if files == nil {
		var err error
		if files, err = NewFiles(filepath.Join(dir, FilesDir)); err != nil {
			return sum, err
		}
	}
	// VACUUM INTO reads in one read transaction (in WAL mode writers go on) but needs a
	// connection that may write, for the new file.
	db, err := OpenSQL(filepath.Join(dir, DatabaseFile), Options{}, false)
	if err != nil {
		return sum, err
	}
	defer db.Close()
	tmp, err := os.MkdirTemp("", "onewindow-backup-")
	if err != nil {
		return sum, fmt.Errorf("models: backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, DatabaseFile)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, snap); err != nil {
		return sum, fmt.Errorf("models: backup: snapshot the database: %w", err)
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	if sum.DatabaseBytes, err = addFile(tw, snap, DatabaseFile); err != nil {
		return sum, err
	}
	err = files.Walk(ctx, func(fi FileInfo) error {
		n, err := addStored(ctx, tw, files, fi.Sum, FilesDir+"/"+sumPath(fi.Sum))
		sum.Files++
		sum.FileBytes += n
		return err
	})
	if err != nil {
		return sum, fmt.Errorf("models: backup: files: %w", err)
	}
	if err := tw.Close(); err != nil {
		return sum, fmt.Errorf("models: backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return sum, fmt.Errorf("models: backup: %w", err)
	}
	return sum, nil
}

// BackupSummary says what a backup or a restore holds.
type BackupSummary struct {
	DatabaseBytes int64
	Files         int
	FileBytes     int64
}

func addFile(tw *tar.Writer, src, name string) (int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("models: backup: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("models: backup: %w", err)
	}
	hdr := &tar.Header{Name: name, Mode: 0o640, Size: st.Size(), ModTime: st.ModTime().UTC(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return 0, fmt.Errorf("models: backup: %w", err)
	}
	n, err := io.Copy(tw, f)
	if err != nil {
		return n, fmt.Errorf("models: backup: %s: %w", name, err)
	}
	return n, nil
}

// addStored copies the stored file sum of files into the archive as name.
func addStored(ctx context.Context, tw *tar.Writer, files FileStore, sum, name string) (int64, error) {
	r, fi, err := files.Open(ctx, sum)
	if err != nil {
		return 0, fmt.Errorf("models: backup: %s: %w", name, err)
	}
	defer r.Close()
	hdr := &tar.Header{Name: name, Mode: 0o640, Size: fi.Size, ModTime: fi.ModTime.UTC(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return 0, fmt.Errorf("models: backup: %w", err)
	}
	n, err := io.Copy(tw, r)
	if err != nil {
		return n, fmt.Errorf("models: backup: %s: %w", name, err)
	}
	return n, nil
}

// ErrDataExists refuses a restore into a data folder that already holds a database.
var ErrDataExists = errors.New("models: the data folder already holds a database; restore into an empty one")

// Restore unpacks a backup written by Backup into dir, which must not hold a database yet,
// and checks the restored database's integrity. Only onewindow.db and files under files/
// are taken; any other name (an absolute path, "..", a link) refuses the whole archive and
// leaves nothing behind.
func Restore(ctx context.Context, r io.Reader, dir string) (BackupSummary, error) {
	var sum BackupSummary
	if _, err := os.Stat(filepath.Join(dir, DatabaseFile)); err == nil {
		return sum, ErrDataExists
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return sum, fmt.Errorf("models: restore: %w", err)
	}
	stage, err := os.MkdirTemp(dir, ".restore-")
	if err != nil {
		return sum, fmt.Errorf("models: restore: %w", err)
	}
	defer os.RemoveAll(stage)
	gz, err := gzip.NewReader(r)
	if err != nil {
		return sum, fmt.Errorf("models: restore: not a backup file: %w", err)
	}
	tr := tar.NewReader(gz)
	sawDB := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("models: restore: not a backup file: %w", err)
		}
		name := path.Clean(hdr.Name)
		ok := hdr.Typeflag == tar.TypeReg && (name == DatabaseFile ||
			strings.HasPrefix(name, FilesDir+"/") && !strings.Contains(name, "..") && !path.IsAbs(name))
		if !ok {
			return sum, fmt.Errorf("models: restore: the backup holds %q, which is not part of a data folder", hdr.Name)
		}
		dst := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return sum, fmt.Errorf("models: restore: %w", err)
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
		if err != nil {
			return sum, fmt.Errorf("models: restore: %w", err)
		}
		n, err := io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return sum, fmt.Errorf("models: restore: %s: %w", name, err)
		}
		if name == DatabaseFile {
			sawDB, sum.DatabaseBytes = true, n
		} else {
			sum.Files++
			sum.FileBytes += n
		}
	}
	if !sawDB {
		return sum, errors.New("models: restore: the backup holds no database")
	}
	if err := checkIntegrity(ctx, filepath.Join(stage, DatabaseFile)); err != nil {
		return sum, err
	}
	// Move into place: the files first, the database last, so a data folder with a
	// database is always whole.
	if _, err := os.Stat(filepath.Join(stage, FilesDir)); err == nil {
		if err := os.Rename(filepath.Join(stage, FilesDir), filepath.Join(dir, FilesDir)); err != nil {
			return sum, fmt.Errorf("models: restore: the files folder: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(stage, DatabaseFile), filepath.Join(dir, DatabaseFile)); err != nil {
		return sum, fmt.Errorf("models: restore: %w", err)
	}
	return sum, nil
}

// checkIntegrity runs SQLite's integrity check on the database file at p.
func checkIntegrity(ctx context.Context, p string) error {
	db, err := OpenSQL(p, Options{}, true)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("models: restore: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("models: restore: the database fails its integrity check: %s", res)
	}
	return nil
}
