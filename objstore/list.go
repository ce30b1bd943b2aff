package objstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// entry is what a listing shows of an object.
type entry struct {
	key      string
	size     int64
	etag     string
	modified time.Time
}

func entryOf(info *warden.ObjectInfo) entry {
	return entry{key: info.Key, size: info.Size, etag: info.ETag, modified: info.LastModified}
}

// keyIndex holds a bucket's objects sorted by key (byte order, which is
// S3's UTF-8 binary order). It is guarded by its bucket's mutex.
type keyIndex struct {
	entries []entry
}

func (x *keyIndex) len() int { return len(x.entries) }

// search returns the position of the first key >= key.
func (x *keyIndex) search(key string) int {
	i, _ := slices.BinarySearchFunc(x.entries, key, func(e entry, k string) int { return strings.Compare(e.key, k) })
	return i
}

func (x *keyIndex) put(e entry) {
	i := x.search(e.key)
	if i < len(x.entries) && x.entries[i].key == e.key {
		x.entries[i] = e
		return
	}
	x.entries = slices.Insert(x.entries, i, e)
}

func (x *keyIndex) remove(key string) {
	if i := x.search(key); i < len(x.entries) && x.entries[i].key == key {
		x.entries = slices.Delete(x.entries, i, i+1)
	}
}

// loadIndex builds the index from the object files on first use. The
// caller holds b.mu for writing.
func (b *bucket) loadIndex() (*keyIndex, error) {
	if b.index != nil {
		return b.index, nil
	}
	fanout, err := os.ReadDir(filepath.Join(b.dir, objectsDir))
	if err != nil {
		return nil, err
	}
	idx := &keyIndex{}
	for _, d := range fanout {
		dir := filepath.Join(b.dir, objectsDir, d.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			f, err := os.Open(filepath.Join(dir, file.Name()))
			if err != nil {
				return nil, err
			}
			h, err := statFooter(f)
			f.Close()
			if err != nil {
				return nil, err
			}
			if objectPath(b.dir, h.Key) != f.Name() {
				return nil, fmt.Errorf("objstore: %s holds key %q, which belongs elsewhere", f.Name(), h.Key)
			}
			info := h.info()
			idx.entries = append(idx.entries, entryOf(&info))
		}
	}
	slices.SortFunc(idx.entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	b.index = idx
	return idx, nil
}

// readIndex locks b for reading with its index loaded; the caller calls
// b.mu.RUnlock.
func (b *bucket) readIndex() (*keyIndex, error) {
	b.mu.RLock()
	if b.index != nil {
		return b.index, nil
	}
	b.mu.RUnlock()
	b.mu.Lock()
	_, err := b.loadIndex()
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b.mu.RLock()
	return b.index, nil
}

// Continuation tokens say where the previous page stopped: after a key, or
// after a common prefix (and so after every key under it). They are
// opaque to clients, as S3's are, and hold nothing a client could not list.
const (
	afterKey    = 'k'
	afterPrefix = 'p'
)

func continuationToken(kind byte, marker string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{kind}, marker...))
}

func parseContinuationToken(token string) (kind byte, marker string, err error) {
	raw, decodeErr := base64.RawURLEncoding.DecodeString(token)
	// Only tokens this store wrote are accepted, in exactly the form it
	// wrote them (base64 decoders skip line breaks and stray bits).
	if decodeErr != nil || len(raw) == 0 || (raw[0] != afterKey && raw[0] != afterPrefix) || continuationToken(raw[0], string(raw[1:])) != token {
		return 0, "", &warden.Error{Code: warden.EInvalidArgument, Message: "The continuation token provided is incorrect",
			Err: fmt.Errorf("continuation token %q", token)}
	}
	return raw[0], string(raw[1:]), nil
}

// ListObjectsV2 implements warden.ObjectStore: the keys after the start
// point that begin with Prefix, in order, those with Delimiter after the
// prefix rolled up into one common prefix each. Keys and common prefixes
// together fill at most MaxKeys places ("ListObjectsV2": "A response can
// contain CommonPrefixes only if you specify a delimiter … each rolled-up
// result counts as only one return against the MaxKeys value").
func (s *Store) ListObjectsV2(ctx context.Context, in *warden.ListObjectsInput) (*warden.ListObjectsPage, error) {
	b, err := s.lookup(in.Bucket)
	if err != nil {
		return nil, err
	}
	kind, marker := byte(afterKey), in.StartAfter
	if in.ContinuationToken != "" {
		if kind, marker, err = parseContinuationToken(in.ContinuationToken); err != nil {
			return nil, err
		}
	}
	maxKeys := in.MaxKeys
	if maxKeys < 0 || maxKeys > warden.MaxListKeys {
		maxKeys = warden.MaxListKeys
	}

	idx, err := b.readIndex()
	if err != nil {
		return nil, err
	}
	defer b.mu.RUnlock()
	if b.deleted {
		return nil, noSuchBucket(in.Bucket)
	}
	entries := idx.entries

	// Start at the first key that has the prefix and comes after the marker.
	i := idx.search(in.Prefix)
	if marker != "" {
		i = max(i, idx.search(marker))
		if i < len(entries) && entries[i].key == marker {
			i++
		}
		if kind == afterPrefix {
			i = skipPrefix(entries, i, marker)
		}
	}

	page := &warden.ListObjectsPage{}
	var last string
	var lastKind byte
	for i < len(entries) && strings.HasPrefix(entries[i].key, in.Prefix) {
		if len(page.Contents)+len(page.CommonPrefixes) == maxKeys {
			page.IsTruncated = maxKeys > 0
			break
		}
		e := entries[i]
		if in.Delimiter != "" {
			rest := e.key[len(in.Prefix):]
			if j := strings.Index(rest, in.Delimiter); j >= 0 {
				common := in.Prefix + rest[:j+len(in.Delimiter)]
				page.CommonPrefixes = append(page.CommonPrefixes, common)
				last, lastKind = common, afterPrefix
				i = skipPrefix(entries, i, common)
				continue
			}
		}
		page.Contents = append(page.Contents, warden.ObjectInfo{Key: e.key, Size: e.size, ETag: e.etag, LastModified: e.modified})
		last, lastKind = e.key, afterKey
		i++
	}
	if page.IsTruncated {
		page.NextContinuationToken = continuationToken(lastKind, last)
		page.NextMarker = last
	}
	return page, nil
}

// skipPrefix returns the position of the first entry from i on that does
// not begin with prefix. Keys with a prefix are contiguous in key order, so
// this is a binary search.
func skipPrefix(entries []entry, i int, prefix string) int {
	return i + sort.Search(len(entries)-i, func(j int) bool {
		k := entries[i+j].key
		return k > prefix && !strings.HasPrefix(k, prefix)
	})
}
