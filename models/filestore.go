package models

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// FileStore keeps uploaded files by the SHA-256 of their content; a name a user chose is
// never part of where a file is kept. Two kinds: a folder (Files; the data folder's files/
// by default, which several instances may share over NFS) and an S3-compatible object
// store (S3Files). Every instance of a deployment must use the same one.
type FileStore interface {
	// Put stores at most limit bytes from r and returns their content address and
	// size; more than limit bytes is ErrTooLarge and stores nothing.
	Put(ctx context.Context, r io.Reader, limit int64) (sum string, size int64, err error)
	// Open opens the stored file with a content address; ErrNotFound when there is none.
	Open(ctx context.Context, sum string) (io.ReadSeekCloser, FileInfo, error)
	// Stat describes the stored file with a content address; ErrNotFound when there is none.
	Stat(ctx context.Context, sum string) (FileInfo, error)
	// Walk calls fn for every stored file, in no particular order; an error from fn
	// stops the walk and is returned.
	Walk(ctx context.Context, fn func(FileInfo) error) error
	// String says where the files are kept, for logs and messages (no secret).
	String() string
}

// FileInfo describes one stored file.
type FileInfo struct {
	Sum     string // the hex SHA-256 of the content
	Size    int64
	ModTime time.Time
}

// ErrTooLarge is an upload over the size limit.
var ErrTooLarge = errors.New("file too large")

// validSum reports whether sum is a content address: 64 lower-case hex digits.
func validSum(sum string) bool {
	if len(sum) != 64 || strings.ToLower(sum) != sum {
		return false
	}
	_, err := hex.DecodeString(sum)
	return err == nil
}

// sumPath is where a content address is kept below the store's root: two levels of
// folders by its first four digits, so no folder grows too large.
func sumPath(sum string) string { return sum[:2] + "/" + sum[2:4] + "/" + sum }

// S3Options reach an S3-compatible object store: ONEWINDOW_S3_ENDPOINT and its
// companions in cmd/onewindow.
type S3Options struct {
	Endpoint  string // host[:port], without a scheme
	AccessKey string
	SecretKey string
	Region    string // empty: the store's default
	Insecure  bool   // plain http instead of https (a store on the same private network)
}

// OpenFileStore opens the file store a --files setting names: empty is the folder
// files/ of the data folder dataDir; s3://bucket/prefix is an object store reached with
// s3; anything else is a folder path.
func OpenFileStore(ctx context.Context, spec, dataDir string, s3 S3Options) (FileStore, error) {
	switch {
	case spec == "":
		return NewFiles(filepath.Join(dataDir, FilesDir))
	case strings.HasPrefix(spec, "s3://"):
		bucket, prefix, _ := strings.Cut(strings.TrimPrefix(spec, "s3://"), "/")
		return NewS3Files(ctx, bucket, prefix, s3)
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("models: files %q: give a folder or s3://bucket/prefix", spec)
	}
	return NewFiles(spec)
}
