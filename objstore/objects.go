package objstore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

// PutObject implements warden.ObjectStore. The body is streamed to a file
// under tmp/ without any lock held; the bucket is locked only to rename the
// finished file into place and update the index, so uploads of any size run
// side by side and the last one to finish wins, as in S3.
func (s *Store) PutObject(ctx context.Context, in *warden.PutObjectInput) (*warden.ObjectInfo, error) {
	if err := warden.ValidateObjectKey(in.Key); err != nil {
		return nil, err
	}
	b, err := s.lookup(in.Bucket)
	if err != nil {
		return nil, err
	}
	if in.Size > s.maxSize {
		return nil, entityTooLarge(s.maxSize)
	}

	tmp, h, err := s.spool(ctx, in.Body, in.Size, in.ContentMD5, func(size int64, sum []byte) *objectHeader {
		return &objectHeader{
			Key:          in.Key,
			Size:         size,
			ETag:         `"` + hex.EncodeToString(sum) + `"`,
			LastModified: s.now().UTC().Truncate(time.Millisecond),
			ContentType:  in.ContentType,
			Metadata:     maps.Clone(in.Metadata),
		}
	})
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			os.Remove(tmp)
		}
	}()

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return nil, noSuchBucket(in.Bucket)
	}
	dest := objectPath(b.dir, in.Key)
	if err := ensureDir(filepath.Dir(dest)); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return nil, err
	}
	committed = true
	if err := syncDir(filepath.Dir(dest)); err != nil {
		return nil, err
	}
	info := h.info()
	if b.index != nil {
		b.index.put(entryOf(&info))
	}
	return &info, nil
}

// spool writes an upload body to a new file under tmp/: the data as it
// arrives, then the footer header builds from the size and MD5, synced and
// closed. It returns the file's name; the caller renames it into place or
// removes it. announced is the Content-Length, -1 when unknown; wantMD5 the
// Content-MD5, nil when none. A body over the store's size limit, shorter
// or longer than announced, or with another MD5 leaves no file behind.
func (s *Store) spool(ctx context.Context, body io.Reader, announced int64, wantMD5 []byte, header func(size int64, md5sum []byte) *objectHeader) (string, *objectHeader, error) {
	if announced > s.maxSize {
		return "", nil, entityTooLarge(s.maxSize)
	}
	f, err := os.CreateTemp(s.path(tmpDir), "object-")
	if err != nil {
		return "", nil, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	digest := md5.New()
	w := uploadWriters.Get().(*bufio.Writer)
	w.Reset(f)
	defer func() {
		w.Reset(nil)
		uploadWriters.Put(w)
	}()
	// One byte past the limit is read to tell a body of exactly the limit
	// from a longer one.
	size, err := io.Copy(w, io.TeeReader(io.LimitReader(body, s.maxSize+1), digest))
	if err != nil {
		return "", nil, bodyError(err)
	}
	switch {
	case size > s.maxSize:
		return "", nil, entityTooLarge(s.maxSize)
	case announced >= 0 && size != announced:
		return "", nil, &warden.Error{Code: warden.EIncompleteBody, Message: "You did not provide the number of bytes specified by the Content-Length HTTP header.",
			Err: fmt.Errorf("read %d bytes, announced %d", size, announced)}
	}
	sum := digest.Sum(nil)
	if wantMD5 != nil && !bytes.Equal(sum, wantMD5) {
		return "", nil, warden.Errorf(warden.EBadDigest, "The Content-MD5 you specified did not match what we received.")
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	h := header(size, sum)
	if err := appendFooter(w, h); err != nil {
		return "", nil, err
	}
	if err := w.Flush(); err != nil {
		return "", nil, err
	}
	if err := f.Sync(); err != nil {
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	done = true
	return f.Name(), h, nil
}

// uploadWriters recycles the buffers uploads are written through: large
// enough that a big object costs few write calls, too large to allocate
// for every small one.
var uploadWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}

// ensureDir creates a fan-out directory on first use, and syncs its parent
// so that the directory, and the object about to be renamed into it,
// survive a crash.
func ensureDir(dir string) error {
	switch err := os.Mkdir(dir, dirMode); {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return err
	}
	return syncDir(filepath.Dir(dir))
}

func entityTooLarge(limit int64) error {
	return &warden.Error{Code: warden.EEntityTooLarge, Message: "Your proposed upload exceeds the maximum allowed size",
		Err: fmt.Errorf("limit %d bytes", limit)}
}

// bodyError keeps the domain errors a verifying body reader fails with
// (SignatureDoesNotMatch, XAmzContentSHA256Mismatch, IncompleteBody, …);
// any other read failure is the client going away mid-upload.
func bodyError(err error) error {
	if _, ok := errors.AsType[*warden.Error](err); ok {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &warden.Error{Code: warden.EIncompleteBody, Message: "The request body terminated unexpectedly", Err: err}
	}
	return fmt.Errorf("objstore: reading the upload: %w", err)
}

// GetObject implements warden.ObjectStore. The file stays open for the
// reader, so an overwrite or delete meanwhile does not disturb it: the
// reader sees the object as it was when opened.
func (s *Store) GetObject(ctx context.Context, bucket, key string, rng *warden.ByteRange) (*warden.Object, error) {
	b, err := s.lookup(bucket)
	if err != nil {
		return nil, err
	}
	f, h, err := openObject(b.dir, key)
	if err != nil {
		return nil, objectError(err, key)
	}
	span := warden.ByteSpan{Length: h.Size}
	if rng != nil {
		if span, err = rng.Resolve(h.Size); err != nil {
			f.Close()
			return nil, err
		}
	}
	return &warden.Object{
		Info:  h.info(),
		Body:  &sectionCloser{SectionReader: io.NewSectionReader(f, span.Offset, span.Length), f: f},
		Range: span,
	}, nil
}

// HeadObject implements warden.ObjectStore.
func (s *Store) HeadObject(ctx context.Context, bucket, key string) (*warden.ObjectInfo, error) {
	b, err := s.lookup(bucket)
	if err != nil {
		return nil, err
	}
	f, h, err := openObject(b.dir, key)
	if err != nil {
		return nil, objectError(err, key)
	}
	f.Close()
	info := h.info()
	return &info, nil
}

func objectError(err error, key string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &warden.Error{Code: warden.ENoSuchKey, Message: "The specified key does not exist.", Err: fmt.Errorf("key %q", key)}
	}
	return err
}

// DeleteObject implements warden.ObjectStore.
func (s *Store) DeleteObject(ctx context.Context, bucket, key string) error {
	b, err := s.lookup(bucket)
	if err != nil {
		return err
	}
	if err := warden.ValidateObjectKey(key); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return noSuchBucket(bucket)
	}
	path := objectPath(b.dir, key)
	switch err := os.Remove(path); {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return err
	}
	if b.index != nil {
		b.index.remove(key)
	}
	return nil
}
