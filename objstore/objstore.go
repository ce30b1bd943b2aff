// Package objstore keeps Warden's S3 buckets, objects and multipart
// uploads in a directory of plain files: it implements warden.ObjectStore
// and warden.MultipartStore.
//
// Layout, under the directory given to Open:
//
//	tmp/                              uploads and metadata being written
//	buckets/NAME/bucket.json          owner, region, creation time, policy, tags
//	buckets/NAME/objects/HH/HASH      one file per object
//	buckets/NAME/uploads/ID/          a multipart upload in progress (multipart.go)
//
// HASH is the hex SHA-256 of the object key and HH its first two digits, so
// no key, however it is spelled (../.., a 1024-byte name, NUL bytes), turns
// into a path of its own choosing. Each object file holds the data followed
// by a footer with the key and the object's metadata, so data and metadata
// are replaced together by one rename and a reader never pairs new metadata
// with old data.
//
// Every write goes to a file under tmp/, is synced, and is renamed into
// place; the directory is synced after the rename. A crash leaves either the
// old or the new state, plus stray files under tmp/ that Open removes.
// Bucket names follow S3's rules (lowercase letters, digits, '.', '-', no
// leading '.'), so they are safe directory names as they are.
//
// Key order for listings comes from an in-memory index per bucket, built on
// first use by reading the footers and kept up to date by every put and
// delete.
package objstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// Now is the clock for creation and modification times; nil means
	// time.Now.
	Now func() time.Time
	// MaxObjectSize bounds one upload; zero means warden.MaxObjectSize.
	MaxObjectSize int64
}

// Store is a warden.ObjectStore on the file system. It is safe for
// concurrent use within one process; two processes must not share a
// directory.
type Store struct {
	root    string
	now     func() time.Time
	maxSize int64

	mu      sync.RWMutex // guards buckets
	buckets map[string]*bucket
}

var _ warden.ObjectStore = (*Store)(nil)

// bucket is the in-memory state of one bucket. mu orders the commits of
// writes to the bucket (renames of object files and of bucket.json) with
// the index; object data is streamed to tmp/ without holding it.
type bucket struct {
	dir string

	mu      sync.RWMutex
	meta    warden.Bucket
	deleted bool // set once DeleteBucket removed it; writes holding it fail
	index   *keyIndex
}

const (
	tmpDir      = "tmp"
	bucketsDir  = "buckets"
	objectsDir  = "objects"
	bucketFile  = "bucket.json"
	dirMode     = 0o700
	fileMode    = 0o600
	opOpen      = "objstore.Open"
	maxMetaSize = 64 << 10 // bucket.json: a 20 KB policy and 50 tags fit easily
)

// Open opens (creating if needed) the store in dir and loads its buckets.
func Open(dir string, opt Options) (*Store, error) {
	s := &Store{root: dir, now: opt.Now, maxSize: opt.MaxObjectSize, buckets: map[string]*bucket{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxSize <= 0 {
		s.maxSize = warden.MaxObjectSize
	}
	for _, d := range []string{dir, s.path(tmpDir), s.path(bucketsDir)} {
		if err := os.MkdirAll(d, dirMode); err != nil {
			return nil, fmt.Errorf("%s: %w", opOpen, err)
		}
	}
	// Whatever is under tmp/ belongs to writes that never committed.
	stray, err := os.ReadDir(s.path(tmpDir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opOpen, err)
	}
	for _, e := range stray {
		if err := os.RemoveAll(s.path(tmpDir, e.Name())); err != nil {
			return nil, fmt.Errorf("%s: removing an uncommitted write: %w", opOpen, err)
		}
	}
	entries, err := os.ReadDir(s.path(bucketsDir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opOpen, err)
	}
	for _, e := range entries {
		dir := s.path(bucketsDir, e.Name())
		meta, err := readBucketMeta(dir)
		if err != nil {
			// A bucket whose metadata cannot be read is not hidden: the
			// operator must see that something is wrong.
			return nil, fmt.Errorf("%s: bucket %q: %w", opOpen, e.Name(), err)
		}
		if meta.Name != e.Name() {
			return nil, fmt.Errorf("%s: bucket directory %q holds the metadata of %q", opOpen, e.Name(), meta.Name)
		}
		s.buckets[meta.Name] = &bucket{dir: dir, meta: *meta}
	}
	return s, nil
}

func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.root}, elem...)...)
}

// lookup returns the bucket named name.
func (s *Store) lookup(name string) (*bucket, error) {
	s.mu.RLock()
	b := s.buckets[name]
	s.mu.RUnlock()
	if b == nil {
		return nil, noSuchBucket(name)
	}
	return b, nil
}

func noSuchBucket(name string) error {
	return &warden.Error{Code: warden.ENoSuchBucket, Message: "The specified bucket does not exist", Err: fmt.Errorf("bucket %q", name)}
}

// CreateBucket implements warden.ObjectStore.
func (s *Store) CreateBucket(ctx context.Context, b *warden.Bucket) error {
	if err := warden.ValidateBucketName(b.Name); err != nil {
		return err
	}
	if b.Tags != nil {
		if err := warden.ValidateBucketTags(b.Tags); err != nil {
			return err
		}
	}
	meta := *b
	if meta.CreateDate.IsZero() {
		meta.CreateDate = s.now().UTC().Truncate(time.Millisecond)
	}
	if meta.Region == "" {
		meta.Region = "us-east-1"
	}
	if meta.Policy != "" {
		if err := CheckBucketPolicy(meta.Name, meta.Policy); err != nil {
			return err
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if existing := s.buckets[meta.Name]; existing != nil {
		if existing.owner() == meta.AccountID {
			return warden.Errorf(warden.EBucketAlreadyOwnedByYou, "Your previous request to create the named bucket succeeded and you already own it.")
		}
		return warden.Errorf(warden.EBucketAlreadyExists, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
	}
	// The bucket is built under tmp/ and renamed into place whole, so a
	// bucket directory always has its metadata.
	staging, err := os.MkdirTemp(s.path(tmpDir), "bucket-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging) // a no-op once renamed
	if err := os.Mkdir(filepath.Join(staging, objectsDir), dirMode); err != nil {
		return err
	}
	if err := writeBucketMeta(staging, s.path(tmpDir), &meta); err != nil {
		return err
	}
	if err := syncDir(staging); err != nil {
		return err
	}
	dir := s.path(bucketsDir, meta.Name)
	if err := os.Rename(staging, dir); err != nil {
		return fmt.Errorf("objstore: creating bucket %q: %w", meta.Name, err)
	}
	if err := syncDir(s.path(bucketsDir)); err != nil {
		return err
	}
	s.buckets[meta.Name] = &bucket{dir: dir, meta: meta, index: &keyIndex{}}
	return nil
}

func (b *bucket) owner() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.meta.AccountID
}

// snapshot returns a copy of the bucket's metadata that the caller may keep.
func (b *bucket) snapshot() *warden.Bucket {
	b.mu.RLock()
	defer b.mu.RUnlock()
	meta := b.meta
	meta.Tags = slices.Clone(b.meta.Tags)
	return &meta
}

// Bucket implements warden.ObjectStore.
func (s *Store) Bucket(ctx context.Context, name string) (*warden.Bucket, error) {
	b, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	return b.snapshot(), nil
}

// ListBuckets implements warden.ObjectStore.
func (s *Store) ListBuckets(ctx context.Context, accountID string) ([]warden.Bucket, error) {
	s.mu.RLock()
	all := make([]*bucket, 0, len(s.buckets))
	for _, b := range s.buckets {
		all = append(all, b)
	}
	s.mu.RUnlock()
	var out []warden.Bucket
	for _, b := range all {
		if meta := b.snapshot(); accountID == "" || meta.AccountID == accountID {
			out = append(out, *meta)
		}
	}
	slices.SortFunc(out, func(a, b warden.Bucket) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// DeleteBucket implements warden.ObjectStore.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[name]
	if b == nil {
		return noSuchBucket(name)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	idx, err := b.loadIndex()
	if err != nil {
		return err
	}
	if idx.len() > 0 {
		return warden.Errorf(warden.EBucketNotEmpty, "The bucket you tried to delete is not empty")
	}
	// Moved out of buckets/ first, so that a crash while removing the files
	// leaves no half-deleted bucket behind: Open clears tmp/.
	grave := s.path(tmpDir, "deleted-"+randomName())
	if err := os.Rename(b.dir, grave); err != nil {
		return fmt.Errorf("objstore: deleting bucket %q: %w", name, err)
	}
	if err := syncDir(s.path(bucketsDir)); err != nil {
		return err
	}
	b.deleted = true
	delete(s.buckets, name)
	if err := os.RemoveAll(grave); err != nil {
		return fmt.Errorf("objstore: deleting bucket %q: %w", name, err)
	}
	return nil
}

// BucketPolicy implements warden.ObjectStore.
func (s *Store) BucketPolicy(ctx context.Context, bucket string) (string, error) {
	meta, err := s.Bucket(ctx, bucket)
	if err != nil {
		return "", err
	}
	if meta.Policy == "" {
		return "", warden.Errorf(warden.ENoSuchBucketPolicy, "The bucket policy does not exist")
	}
	return meta.Policy, nil
}

// PutBucketPolicy implements warden.ObjectStore.
func (s *Store) PutBucketPolicy(ctx context.Context, bucket, doc string) error {
	if _, err := s.lookup(bucket); err != nil {
		return err
	}
	if err := CheckBucketPolicy(bucket, doc); err != nil {
		return err
	}
	return s.updateMeta(bucket, func(m *warden.Bucket) { m.Policy = doc })
}

// DeleteBucketPolicy implements warden.ObjectStore.
func (s *Store) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	return s.updateMeta(bucket, func(m *warden.Bucket) { m.Policy = "" })
}

// BucketTagging implements warden.ObjectStore.
func (s *Store) BucketTagging(ctx context.Context, bucket string) ([]warden.Tag, error) {
	meta, err := s.Bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	if meta.Tags == nil {
		return nil, warden.Errorf(warden.ENoSuchTagSet, "The TagSet does not exist")
	}
	return meta.Tags, nil
}

// PutBucketTagging implements warden.ObjectStore. An empty tag set is kept
// as one: S3 then answers GetBucketTagging with an empty TagSet.
func (s *Store) PutBucketTagging(ctx context.Context, bucket string, tags []warden.Tag) error {
	if err := warden.ValidateBucketTags(tags); err != nil {
		return err
	}
	tags = slices.Clone(tags)
	if tags == nil {
		tags = []warden.Tag{}
	}
	return s.updateMeta(bucket, func(m *warden.Bucket) { m.Tags = tags })
}

// DeleteBucketTagging implements warden.ObjectStore.
func (s *Store) DeleteBucketTagging(ctx context.Context, bucket string) error {
	return s.updateMeta(bucket, func(m *warden.Bucket) { m.Tags = nil })
}

// updateMeta rewrites bucket.json with change applied, and only then
// changes the bucket in memory, so memory never runs ahead of the disk.
func (s *Store) updateMeta(name string, change func(*warden.Bucket)) error {
	b, err := s.lookup(name)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return noSuchBucket(name)
	}
	meta := b.meta
	change(&meta)
	if err := writeBucketMeta(b.dir, s.path(tmpDir), &meta); err != nil {
		return err
	}
	b.meta = meta
	return nil
}

// bucketMeta is bucket.json.
type bucketMeta struct {
	Name       string       `json:"name"`
	AccountID  string       `json:"accountId"`
	Region     string       `json:"region"`
	CreateDate time.Time    `json:"createDate"`
	Policy     string       `json:"policy,omitempty"`
	Tags       []warden.Tag `json:"tags"` // null: no tag set; []: an empty one
}

func writeBucketMeta(dir, tmp string, b *warden.Bucket) error {
	data, err := json.Marshal(bucketMeta{Name: b.Name, AccountID: b.AccountID, Region: b.Region, CreateDate: b.CreateDate, Policy: b.Policy, Tags: b.Tags})
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, bucketFile), tmp, data)
}

func readBucketMeta(dir string) (*warden.Bucket, error) {
	f, err := os.Open(filepath.Join(dir, bucketFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var m bucketMeta
	dec := json.NewDecoder(io.LimitReader(f, maxMetaSize))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("reading %s: %w", bucketFile, err)
	}
	return &warden.Bucket{Name: m.Name, AccountID: m.AccountID, Region: m.Region, CreateDate: m.CreateDate, Policy: m.Policy, Tags: m.Tags}, nil
}

// writeFileAtomic replaces path with data: written to a temporary file in
// tmp, synced, renamed over path, and path's directory synced.
func writeFileAtomic(path, tmp string, data []byte) error {
	f, err := os.CreateTemp(tmp, "meta-")
	if err != nil {
		return err
	}
	name := f.Name()
	committed := false
	defer func() {
		if !committed {
			f.Close()
			os.Remove(name)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	committed = true
	return syncDir(filepath.Dir(path))
}

// syncDir makes the entries of a directory (a rename into it) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	return nil
}

func randomName() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
