package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"onewindow/models"
	"onewindow/models/s3files"
)

// filesUsage describes --files for every command that reaches the uploads.
const filesUsage = "where uploaded files are kept: a folder (default: files/ in the data folder; instances " +
	"may share it over NFS) or s3://bucket/prefix, an S3-compatible store reached with ONEWINDOW_S3_ENDPOINT " +
	"(host:port), ONEWINDOW_S3_ACCESS_KEY, ONEWINDOW_S3_SECRET_KEY, ONEWINDOW_S3_REGION and " +
	"ONEWINDOW_S3_INSECURE=true for plain http (ONEWINDOW_FILES)"

// filesFlag adds --files to fs.
func filesFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("files", envOr(getenv, "FILES", ""), filesUsage)
}

// openFiles opens the file store spec names for the data folder data. The S3 keys come
// from the environment only: a flag would show them in the process list.
func openFiles(ctx context.Context, spec, data string, getenv func(string) string) (models.FileStore, error) {
	opt := s3files.Options{Endpoint: getenv("ONEWINDOW_S3_ENDPOINT"), AccessKey: getenv("ONEWINDOW_S3_ACCESS_KEY"),
		SecretKey: getenv("ONEWINDOW_S3_SECRET_KEY"), Region: getenv("ONEWINDOW_S3_REGION")}
	if v := getenv("ONEWINDOW_S3_INSECURE"); v != "" {
		insecure, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("ONEWINDOW_S3_INSECURE must be true or false, not %q", v)
		}
		opt.Insecure = insecure
	}
	return s3files.OpenFileStore(ctx, spec, data, opt)
}

// isObjectStore reports whether a --files setting names an S3 store.
func isObjectStore(spec string) bool { return strings.HasPrefix(spec, "s3://") }

// moveRestoredFiles copies the files a restore unpacked into data's files/ folder to the
// object store to, checking each one's content address, and then removes the folder.
func moveRestoredFiles(ctx context.Context, data string, to models.FileStore, stdout io.Writer) error {
	dir := filepath.Join(data, models.FilesDir)
	from, err := models.NewFiles(dir)
	if err != nil {
		return err
	}
	n := 0
	err = from.Walk(ctx, func(fi models.FileInfo) error {
		r, _, err := from.Open(ctx, fi.Sum)
		if err != nil {
			return err
		}
		defer r.Close()
		sum, _, err := to.Put(ctx, r, fi.Size)
		if err != nil {
			return err
		}
		if sum != fi.Sum {
			return fmt.Errorf("the restored file %s reads as %s: the backup is damaged", fi.Sum, sum)
		}
		n++
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore: copy the files to %s: %w", to, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "copied %d files to %s\n", n, to)
	return nil
}
