package objstore

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// Multipart uploads live beside the objects of their bucket:
//
//	buckets/NAME/uploads/ID/upload.json   key, initiator, content type, metadata
//	buckets/NAME/uploads/ID/part-NNNNN    one file per part, in the object file format
//
// An upload directory is built under tmp/ and renamed into place, so it
// always has its upload.json; parts are spooled under tmp/ and renamed in
// once whole, so an acknowledged part survives a crash and a half-received
// one never shows. Completing writes the object file under tmp/ from the
// parts, renames it into objects/ (the moment the object appears) and only
// then removes the upload. A crash between the two leaves the object and
// the upload both in place; completing or aborting the upload again
// settles it. Removing an upload renames its directory into tmp/ first, so
// it disappears at once and whatever a crash leaves is cleared by Open.
// Uploads in progress do not keep their bucket from being deleted; they go
// with it.

const (
	uploadsDir = "uploads"
	uploadFile = "upload.json"
	partPrefix = "part-"
)

var _ warden.MultipartStore = (*Store)(nil)

// uploadMeta is upload.json.
type uploadMeta struct {
	Key          string            `json:"key"`
	Initiated    time.Time         `json:"initiated"`
	Initiator    string            `json:"initiator"`
	OwnerAccount string            `json:"ownerAccount"`
	ContentType  string            `json:"contentType,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

func (m *uploadMeta) upload(bucket, id string) warden.MultipartUpload {
	return warden.MultipartUpload{Bucket: bucket, Key: m.Key, UploadID: id, Initiated: m.Initiated, Initiator: m.Initiator,
		OwnerAccount: m.OwnerAccount, ContentType: m.ContentType, Metadata: maps.Clone(m.Metadata)}
}

// newUploadID returns 32 hex digits: the creation time in nanoseconds,
// then random bits. IDs thus sort by creation, which is the order S3 lists
// the uploads of one key in, and name only hex-digit directories.
func newUploadID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixNano()))
	rand := randomName() // 24 hex digits
	return hex.EncodeToString(b[:8]) + rand[:16]
}

// validUploadID tells an ID this store could have issued from anything
// else, before the ID is used in a path.
func validUploadID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func noSuchUpload(id string) error {
	return &warden.Error{Code: warden.ENoSuchUpload,
		Message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
		Err:     fmt.Errorf("upload %q", id)}
}

func partName(n int) string { return fmt.Sprintf("%s%05d", partPrefix, n) }

// parsePartName returns the number of a part file, or 0 for another name.
func parsePartName(name string) int {
	digits, ok := strings.CutPrefix(name, partPrefix)
	if !ok || len(digits) != 5 || strings.Trim(digits, "0123456789") != "" {
		return 0
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < warden.MinPartNumber || n > warden.MaxPartNumber {
		return 0
	}
	return n
}

// readUpload reads the upload's metadata, checking that it is an upload of
// key: S3 answers NoSuchUpload to an upload ID used with another key.
func (b *bucket) readUpload(id, key string) (string, *uploadMeta, error) {
	if !validUploadID(id) {
		return "", nil, noSuchUpload(id)
	}
	dir := filepath.Join(b.dir, uploadsDir, id)
	m, err := readUploadMeta(dir)
	if errors.Is(err, fs.ErrNotExist) || err == nil && m.Key != key {
		return "", nil, noSuchUpload(id)
	}
	if err != nil {
		return "", nil, err
	}
	return dir, m, nil
}

func readUploadMeta(dir string) (*uploadMeta, error) {
	data, err := os.ReadFile(filepath.Join(dir, uploadFile))
	if err != nil {
		return nil, err
	}
	var m uploadMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("objstore: %s: %w", filepath.Join(dir, uploadFile), err)
	}
	return &m, nil
}

// CreateMultipartUpload implements warden.MultipartStore.
func (s *Store) CreateMultipartUpload(ctx context.Context, u *warden.MultipartUpload) (*warden.MultipartUpload, error) {
	if err := warden.ValidateObjectKey(u.Key); err != nil {
		return nil, err
	}
	b, err := s.lookup(u.Bucket)
	if err != nil {
		return nil, err
	}
	now := s.now()
	id := newUploadID(now)
	m := &uploadMeta{Key: u.Key, Initiated: now.UTC().Truncate(time.Millisecond), Initiator: u.Initiator, OwnerAccount: u.OwnerAccount,
		ContentType: u.ContentType, Metadata: maps.Clone(u.Metadata)}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(s.path(tmpDir), "upload-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging) // a no-op once renamed
	if err := writeFileAtomic(filepath.Join(staging, uploadFile), s.path(tmpDir), data); err != nil {
		return nil, err
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return nil, noSuchBucket(u.Bucket)
	}
	uploads := filepath.Join(b.dir, uploadsDir)
	if err := ensureDir(uploads); err != nil {
		return nil, err
	}
	if err := os.Rename(staging, filepath.Join(uploads, id)); err != nil {
		return nil, err
	}
	if err := syncDir(uploads); err != nil {
		return nil, err
	}
	out := m.upload(u.Bucket, id)
	return &out, nil
}

// UploadPart implements warden.MultipartStore. Like PutObject it streams
// the body without a lock and locks the bucket only to rename the part in.
func (s *Store) UploadPart(ctx context.Context, in *warden.UploadPartInput) (*warden.PartInfo, error) {
	if in.PartNumber < warden.MinPartNumber || in.PartNumber > warden.MaxPartNumber {
		return nil, &warden.Error{Code: warden.EInvalidArgument, Message: "Part number must be an integer between 1 and 10000, inclusive",
			Err: fmt.Errorf("part number %d", in.PartNumber)}
	}
	b, err := s.lookup(in.Bucket)
	if err != nil {
		return nil, err
	}
	// Checked before the body is read, so that a client sending to an
	// unknown upload learns it at once, and again at the commit, which an
	// abort may have overtaken.
	if _, _, err := b.readUpload(in.UploadID, in.Key); err != nil {
		return nil, err
	}
	tmp, h, err := s.spool(ctx, in.Body, in.Size, in.ContentMD5, func(size int64, sum []byte) *objectHeader {
		return &objectHeader{Key: in.Key, Size: size, ETag: `"` + hex.EncodeToString(sum) + `"`, LastModified: s.now().UTC().Truncate(time.Millisecond)}
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
	dir, _, err := b.readUpload(in.UploadID, in.Key)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, partName(in.PartNumber))); err != nil {
		return nil, err
	}
	committed = true
	if err := syncDir(dir); err != nil {
		return nil, err
	}
	return &warden.PartInfo{PartNumber: in.PartNumber, Size: h.Size, ETag: h.ETag, LastModified: h.LastModified}, nil
}

// CompleteMultipartUpload implements warden.MultipartStore. The parts are
// checked against the request and copied into a new object file without a
// lock; the bucket is locked for the commit only.
func (s *Store) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []warden.CompletedPart) (*warden.ObjectInfo, error) {
	b, err := s.lookup(bucket)
	if err != nil {
		return nil, err
	}
	dir, m, err := b.readUpload(uploadID, key)
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, warden.Errorf(warden.EMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	// The part files are opened before anything is copied: a part uploaded
	// again meanwhile replaces the file, not the bytes these reads see.
	files := make([]*os.File, 0, len(parts))
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	sizes := make([]int64, len(parts))
	etags := md5.New()
	var total int64
	for i := 1; i < len(parts); i++ {
		if parts[i].PartNumber <= parts[i-1].PartNumber {
			return nil, warden.Errorf(warden.EInvalidPartOrder, "The list of parts was not in ascending order. The parts list must be specified in order by part number.")
		}
	}
	for i, p := range parts {
		invalidPart := &warden.Error{Code: warden.EInvalidPart,
			Message: "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.",
			Err:     fmt.Errorf("part %d", p.PartNumber)}
		if p.PartNumber < warden.MinPartNumber || p.PartNumber > warden.MaxPartNumber {
			return nil, invalidPart
		}
		f, err := os.Open(filepath.Join(dir, partName(p.PartNumber)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, invalidPart
		}
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		h, err := statFooter(f)
		if err != nil {
			return nil, err
		}
		if strings.Trim(p.ETag, `"`) != strings.Trim(h.ETag, `"`) {
			return nil, invalidPart
		}
		if h.Size < warden.MinPartSize && i < len(parts)-1 {
			return nil, &warden.Error{Code: warden.EEntityTooSmall, Message: "Your proposed upload is smaller than the minimum allowed object size.",
				Err: fmt.Errorf("part %d has %d bytes", p.PartNumber, h.Size)}
		}
		sum, err := hex.DecodeString(strings.Trim(h.ETag, `"`))
		if err != nil {
			return nil, fmt.Errorf("objstore: %s: ETag %s: %w", f.Name(), h.ETag, err)
		}
		etags.Write(sum)
		sizes[i] = h.Size
		total += h.Size
	}
	if total > warden.MaxMultipartObjectSize {
		return nil, entityTooLarge(warden.MaxMultipartObjectSize)
	}

	out, err := os.CreateTemp(s.path(tmpDir), "object-")
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	w := uploadWriters.Get().(*bufio.Writer)
	w.Reset(out)
	defer func() {
		w.Reset(nil)
		uploadWriters.Put(w)
	}()
	for i, f := range files {
		if _, err := io.Copy(w, io.NewSectionReader(f, 0, sizes[i])); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	// "Checking object integrity": the ETag of a multipart object is the
	// MD5 of the parts' binary MD5s, then a dash and the number of parts.
	h := &objectHeader{
		Key:          key,
		Size:         total,
		ETag:         fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(etags.Sum(nil)), len(parts)),
		LastModified: s.now().UTC().Truncate(time.Millisecond),
		ContentType:  m.ContentType,
		Metadata:     m.Metadata,
	}
	if err := appendFooter(w, h); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := out.Sync(); err != nil {
		return nil, err
	}
	if err := out.Close(); err != nil {
		return nil, err
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return nil, noSuchBucket(bucket)
	}
	// An abort or another completion may have come first.
	if _, _, err := b.readUpload(uploadID, key); err != nil {
		return nil, err
	}
	dest := objectPath(b.dir, key)
	if err := ensureDir(filepath.Dir(dest)); err != nil {
		return nil, err
	}
	if err := os.Rename(out.Name(), dest); err != nil {
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
	if err := s.removeUpload(b, uploadID); err != nil {
		return nil, err
	}
	return &info, nil
}

// removeUpload takes an upload out of its bucket at once, by a rename into
// tmp/, and then deletes its files. The caller holds b.mu.
func (s *Store) removeUpload(b *bucket, id string) error {
	uploads := filepath.Join(b.dir, uploadsDir)
	grave := s.path(tmpDir, "aborted-"+randomName())
	if err := os.Rename(filepath.Join(uploads, id), grave); err != nil {
		return err
	}
	if err := syncDir(uploads); err != nil {
		return err
	}
	return os.RemoveAll(grave)
}

// AbortMultipartUpload implements warden.MultipartStore.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	b, err := s.lookup(bucket)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deleted {
		return noSuchBucket(bucket)
	}
	if _, _, err := b.readUpload(uploadID, key); err != nil {
		return err
	}
	return s.removeUpload(b, uploadID)
}

// ListParts implements warden.MultipartStore.
func (s *Store) ListParts(ctx context.Context, in *warden.ListPartsInput) (*warden.ListPartsPage, error) {
	b, err := s.lookup(in.Bucket)
	if err != nil {
		return nil, err
	}
	dir, m, err := b.readUpload(in.UploadID, in.Key)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var numbers []int
	for _, e := range entries {
		if n := parsePartName(e.Name()); n > in.PartNumberMarker {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	limit := in.MaxParts
	if limit < 0 || limit > warden.MaxListParts {
		limit = warden.MaxListParts
	}
	page := &warden.ListPartsPage{Upload: m.upload(in.Bucket, in.UploadID)}
	if len(numbers) > limit {
		numbers = numbers[:limit]
		page.IsTruncated = true
	}
	for _, n := range numbers {
		f, err := os.Open(filepath.Join(dir, partName(n)))
		if errors.Is(err, fs.ErrNotExist) {
			continue // the upload was completed or aborted meanwhile
		}
		if err != nil {
			return nil, err
		}
		h, err := statFooter(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		page.Parts = append(page.Parts, warden.PartInfo{PartNumber: n, Size: h.Size, ETag: h.ETag, LastModified: h.LastModified})
	}
	if page.IsTruncated && len(page.Parts) > 0 {
		page.NextPartNumberMarker = page.Parts[len(page.Parts)-1].PartNumber
	}
	return page, nil
}

// ListMultipartUploads implements warden.MultipartStore. Uploads are few
// and short-lived, so each listing reads them all rather than keeping an
// index.
func (s *Store) ListMultipartUploads(ctx context.Context, in *warden.ListUploadsInput) (*warden.ListUploadsPage, error) {
	b, err := s.lookup(in.Bucket)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(b.dir, uploadsDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var all []warden.MultipartUpload
	for _, e := range entries {
		if !validUploadID(e.Name()) {
			continue
		}
		m, err := readUploadMeta(filepath.Join(b.dir, uploadsDir, e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // completed or aborted meanwhile
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(m.Key, in.Prefix) || !afterUploadMarker(m.Key, e.Name(), in.KeyMarker, in.UploadIDMarker, in.Delimiter) {
			continue
		}
		all = append(all, m.upload(in.Bucket, e.Name()))
	}
	slices.SortFunc(all, func(x, y warden.MultipartUpload) int {
		if c := strings.Compare(x.Key, y.Key); c != 0 {
			return c
		}
		return strings.Compare(x.UploadID, y.UploadID)
	})
	limit := in.MaxUploads
	if limit < 0 || limit > warden.MaxListUploads {
		limit = warden.MaxListUploads
	}
	page := &warden.ListUploadsPage{}
	lastPrefix := ""
	for _, u := range all {
		prefix := ""
		if in.Delimiter != "" {
			if i := strings.Index(u.Key[len(in.Prefix):], in.Delimiter); i >= 0 {
				prefix = u.Key[:len(in.Prefix)+i+len(in.Delimiter)]
			}
		}
		if prefix != "" && prefix == lastPrefix {
			continue
		}
		if len(page.Uploads)+len(page.CommonPrefixes) == limit {
			page.IsTruncated = true
			break
		}
		if prefix != "" {
			page.CommonPrefixes = append(page.CommonPrefixes, prefix)
			lastPrefix = prefix
			page.NextKeyMarker, page.NextUploadIDMarker = prefix, ""
			continue
		}
		page.Uploads = append(page.Uploads, u)
		page.NextKeyMarker, page.NextUploadIDMarker = u.Key, u.UploadID
	}
	if !page.IsTruncated {
		page.NextKeyMarker, page.NextUploadIDMarker = "", ""
	}
	return page, nil
}

// afterUploadMarker applies ListMultipartUploads' markers: uploads of keys
// after keyMarker and, when uploadIDMarker is given, the later uploads of
// keyMarker itself. A key marker ending in the delimiter is a common prefix
// a previous page ended with, and skips every key under it.
func afterUploadMarker(key, id, keyMarker, uploadIDMarker, delimiter string) bool {
	switch {
	case keyMarker == "":
		return true
	case key == keyMarker:
		return uploadIDMarker != "" && id > uploadIDMarker
	case delimiter != "" && strings.HasSuffix(keyMarker, delimiter) && strings.HasPrefix(key, keyMarker):
		return false
	}
	return key > keyMarker
}
