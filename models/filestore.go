package models

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
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
func validSum(sum string) bool { return ValidSum(sum) }

// ValidSum tells whether sum is a content address: 64 lowercase hexadecimal digits.
func ValidSum(sum string) bool {
	if len(sum) != 64 || strings.ToLower(sum) != sum {
		return false
	}
	_, err := hex.DecodeString(sum)
	return err == nil
}

// sumPath is where a content address is kept below the store's root: two levels of
// folders by its first four digits, so no folder grows too large.
func sumPath(sum string) string { return SumPath(sum) }

// SumPath is sumPath, for file stores outside this package.
func SumPath(sum string) string { return sum[:2] + "/" + sum[2:4] + "/" + sum }
