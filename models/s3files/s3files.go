package s3files

import (
	"path/filepath"

	"onewindow/models"

	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Store is the models.FileStore in an S3-compatible object store: object
// <prefix>/ab/cd/abcd… of a bucket by content address. Every instance reaches the same
// bucket, so none keeps a file of its own. The bucket must exist: the store checks it at
// start and creates nothing.
type Store struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	where  string // s3://bucket/prefix at the endpoint, for messages
}

var _ models.FileStore = (*Store)(nil)

// New reaches bucket at opt.Endpoint and keeps the files under prefix.
func New(ctx context.Context, bucket, prefix string, opt Options) (*Store, error) {
	switch {
	case bucket == "":
		return nil, errors.New("models: files: s3:// needs a bucket: s3://bucket/prefix")
	case opt.Endpoint == "":
		return nil, errors.New("models: files: an s3:// store needs its endpoint (ONEWINDOW_S3_ENDPOINT, host:port)")
	case strings.Contains(opt.Endpoint, "://"):
		return nil, fmt.Errorf("models: files: the S3 endpoint %q is host:port, without a scheme (ONEWINDOW_S3_INSECURE chooses http)", opt.Endpoint)
	case opt.AccessKey == "" || opt.SecretKey == "":
		return nil, errors.New("models: files: an s3:// store needs ONEWINDOW_S3_ACCESS_KEY and ONEWINDOW_S3_SECRET_KEY")
	}
	client, err := minio.New(opt.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(opt.AccessKey, opt.SecretKey, ""),
		Secure: !opt.Insecure, Region: opt.Region})
	if err != nil {
		return nil, fmt.Errorf("models: files: %w", err)
	}
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		prefix += "/"
	}
	s := &Store{client: client, bucket: bucket, prefix: prefix,
		where: "s3://" + path.Join(bucket, prefix) + " at " + opt.Endpoint}
	ok, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("models: files: reach %s: %w", s.where, err)
	}
	if !ok {
		return nil, fmt.Errorf("models: files: the bucket %q does not exist at %s; create it first", bucket, opt.Endpoint)
	}
	return s, nil
}

// Put stores at most limit bytes from r. The content address is known only at the end,
// so the bytes are hashed into a temporary file first: an upload over the limit never
// reaches the bucket, and one already there (the same content) is not sent again.
func (s *Store) Put(ctx context.Context, r io.Reader, limit int64) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp("", "onewindow-upload-*")
	if err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	if size > limit {
		return "", 0, models.ErrTooLarge
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if have, err := s.Stat(ctx, sum); err == nil && have.Size == size {
		return sum, size, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return "", 0, fmt.Errorf("models: store file: %w", err)
	}
	_, err = s.client.PutObject(ctx, s.bucket, s.key(sum), tmp, size,
		minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true})
	if err != nil {
		return "", 0, fmt.Errorf("models: store file in %s: %w", s.where, err)
	}
	return sum, size, nil
}

// Open opens the stored object with a content address.
func (s *Store) Open(ctx context.Context, sum string) (io.ReadSeekCloser, models.FileInfo, error) {
	if !models.ValidSum(sum) {
		return nil, models.FileInfo{}, models.ErrNotFound
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(sum), minio.GetObjectOptions{})
	if err != nil {
		return nil, models.FileInfo{}, s.fail("open", err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, models.FileInfo{}, s.fail("open", err)
	}
	return obj, models.FileInfo{Sum: sum, Size: st.Size, ModTime: st.LastModified}, nil
}

// Stat describes the stored object with a content address.
func (s *Store) Stat(ctx context.Context, sum string) (models.FileInfo, error) {
	if !models.ValidSum(sum) {
		return models.FileInfo{}, models.ErrNotFound
	}
	st, err := s.client.StatObject(ctx, s.bucket, s.key(sum), minio.StatObjectOptions{})
	if err != nil {
		return models.FileInfo{}, s.fail("stat", err)
	}
	return models.FileInfo{Sum: sum, Size: st.Size, ModTime: st.LastModified}, nil
}

// Walk calls fn for every stored object under the prefix whose name is a content address.
func (s *Store) Walk(ctx context.Context, fn func(models.FileInfo) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn stops the walk
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("models: walk files in %s: %w", s.where, obj.Err)
		}
		name := path.Base(obj.Key)
		if !models.ValidSum(name) || obj.Key != s.key(name) {
			continue
		}
		if err := fn(models.FileInfo{Sum: name, Size: obj.Size, ModTime: obj.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// String is the bucket, prefix and endpoint.
func (s *Store) String() string { return s.where }

func (s *Store) key(sum string) string { return s.prefix + models.SumPath(sum) }

// fail maps a missing object to models.ErrNotFound.
func (s *Store) fail(op string, err error) error {
	if code := minio.ToErrorResponse(err).Code; code == minio.NoSuchKey || code == "NotFound" {
		return models.ErrNotFound
	}
	return fmt.Errorf("models: %s file in %s: %w", op, s.where, err)
}

// Options reach an S3-compatible object store: ONEWINDOW_S3_ENDPOINT and its
// companions in cmd/onewindow.
type Options struct {
	Endpoint  string // host[:port], without a scheme
	AccessKey string
	SecretKey string
	Region    string // empty: the store's default
	Insecure  bool   // plain http instead of https (a store on the same private network)
}

// OpenFileStore opens the file store a --files setting names: empty is the folder
// files/ of the data folder dataDir; s3://bucket/prefix is an object store reached with
// s3; anything else is a folder path. (The object store lives in this package so that
// the models, and the service above them, stay free of an HTTP client.)
func OpenFileStore(ctx context.Context, spec, dataDir string, s3 Options) (models.FileStore, error) {
	switch {
	case spec == "":
		return models.NewFiles(filepath.Join(dataDir, models.FilesDir))
	case strings.HasPrefix(spec, "s3://"):
		bucket, prefix, _ := strings.Cut(strings.TrimPrefix(spec, "s3://"), "/")
		return New(ctx, bucket, prefix, s3)
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("files %q: give a folder or s3://bucket/prefix", spec)
	}
	return models.NewFiles(spec)
}
