package objstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/warden-iam/warden"
)

// An object file is the object's bytes followed by a footer:
//
//	data | header (JSON) | header length (uint32, big-endian) | magic
//
// The footer goes last because the size and MD5 are known only once the
// body has been read, and the body is written as it arrives.

// footerMagic ends every object file; a file without it is not one.
const footerMagic = "wdnobj01"

const (
	footerFixed   = 4 + len(footerMagic)
	maxHeaderSize = 1 << 20 // a 1024-byte key and 2 KB of user metadata need far less
)

// objectHeader is the footer's JSON.
type objectHeader struct {
	Key          string            `json:"key"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"`
	LastModified time.Time         `json:"lastModified"`
	ContentType  string            `json:"contentType,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

func (h *objectHeader) info() warden.ObjectInfo {
	return warden.ObjectInfo{Key: h.Key, Size: h.Size, ETag: h.ETag, LastModified: h.LastModified, ContentType: h.ContentType, Metadata: h.Metadata}
}

// objectPath maps a key to its file: objects/HH/HASH under the bucket
// directory, HASH the hex SHA-256 of the key. The name is made of hex
// digits only, whatever the key holds, so no key reaches outside the
// bucket or collides with the names of other files.
func objectPath(bucketDir, key string) string {
	sum := sha256.Sum256([]byte(key))
	name := hex.EncodeToString(sum[:])
	return filepath.Join(bucketDir, objectsDir, name[:2], name)
}

// appendFooter writes the footer after the data.
func appendFooter(w io.Writer, h *objectHeader) error {
	header, err := json.Marshal(h)
	if err != nil {
		return err
	}
	var fixed [footerFixed]byte
	binary.BigEndian.PutUint32(fixed[:4], uint32(len(header)))
	copy(fixed[4:], footerMagic)
	if _, err := w.Write(header); err != nil {
		return err
	}
	_, err = w.Write(fixed[:])
	return err
}

// errNotObjectFile reports a file under objects/ that is not an object
// file, or one that was cut short: the store's data is damaged.
var errNotObjectFile = errors.New("objstore: not an object file")

// readFooter reads the header of an object file of the given total size.
func readFooter(r io.ReaderAt, fileSize int64) (*objectHeader, error) {
	if fileSize < int64(footerFixed) {
		return nil, errNotObjectFile
	}
	var fixed [footerFixed]byte
	if _, err := r.ReadAt(fixed[:], fileSize-int64(footerFixed)); err != nil {
		return nil, err
	}
	if string(fixed[4:]) != footerMagic {
		return nil, errNotObjectFile
	}
	n := int64(binary.BigEndian.Uint32(fixed[:4]))
	if n > maxHeaderSize || n > fileSize-int64(footerFixed) {
		return nil, errNotObjectFile
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, fileSize-int64(footerFixed)-n); err != nil {
		return nil, err
	}
	var h objectHeader
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: %v", errNotObjectFile, err)
	}
	if h.Size != fileSize-int64(footerFixed)-n {
		return nil, fmt.Errorf("%w: header says %d bytes of data, file holds %d", errNotObjectFile, h.Size, fileSize-int64(footerFixed)-n)
	}
	return &h, nil
}

// openObject opens the object file of key and reads its header. A file
// whose header names another key (a SHA-256 collision, never seen) is
// treated as absent rather than served under the wrong name.
func openObject(bucketDir, key string) (*os.File, *objectHeader, error) {
	f, err := os.Open(objectPath(bucketDir, key))
	if err != nil {
		return nil, nil, err
	}
	h, err := statFooter(f)
	if err == nil && h.Key != key {
		err = fmt.Errorf("objstore: %s holds key %q, not %q: %w", f.Name(), h.Key, key, os.ErrNotExist)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, h, nil
}

func statFooter(f *os.File) (*objectHeader, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	h, err := readFooter(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return h, nil
}

// sectionCloser serves a span of an open object file and closes the file.
type sectionCloser struct {
	*io.SectionReader
	f *os.File
}

func (s *sectionCloser) Close() error { return s.f.Close() }
