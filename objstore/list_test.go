package objstore

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/warden-iam/warden"
)

func TestListObjects(t *testing.T) {
	s, _ := newStore(t)
	keys := []string{
		"a", "a/b", "a/b/c", "a/c", "a0", "b", "photos/2026/01/x.jpg", "photos/2026/02/y.jpg", "photos/index.html",
		"z", "é", "日本", "Z", "a b", "a+b",
	}
	for _, k := range keys {
		put(t, s, "bucket", k, k)
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted) // byte order is S3's UTF-8 binary order

	tests := []struct {
		name     string
		in       warden.ListObjectsInput
		keys     []string
		prefixes []string
	}{
		{name: "everything in key order", in: warden.ListObjectsInput{}, keys: sorted},
		{name: "prefix", in: warden.ListObjectsInput{Prefix: "a/"}, keys: []string{"a/b", "a/b/c", "a/c"}},
		{name: "delimiter at the root", in: warden.ListObjectsInput{Delimiter: "/"},
			keys:     []string{"Z", "a", "a b", "a+b", "a0", "b", "z", "é", "日本"},
			prefixes: []string{"a/", "photos/"}},
		{name: "prefix and delimiter", in: warden.ListObjectsInput{Prefix: "photos/", Delimiter: "/"},
			keys: []string{"photos/index.html"}, prefixes: []string{"photos/2026/"}},
		{name: "deeper", in: warden.ListObjectsInput{Prefix: "photos/2026/", Delimiter: "/"},
			prefixes: []string{"photos/2026/01/", "photos/2026/02/"}},
		{name: "a delimiter of several characters", in: warden.ListObjectsInput{Delimiter: "/b"},
			keys: []string{"Z", "a", "a b", "a+b", "a/c", "a0", "b", "photos/2026/01/x.jpg", "photos/2026/02/y.jpg", "photos/index.html", "z", "é", "日本"}, prefixes: []string{"a/b"}},
		{name: "start after", in: warden.ListObjectsInput{StartAfter: "photos/"}, keys: []string{"photos/2026/01/x.jpg", "photos/2026/02/y.jpg", "photos/index.html", "z", "é", "日本"}},
		{name: "start after inside a common prefix", in: warden.ListObjectsInput{StartAfter: "a/b", Delimiter: "/"},
			keys: []string{"a0", "b", "z", "é", "日本"}, prefixes: []string{"a/", "photos/"}},
		{name: "no match", in: warden.ListObjectsInput{Prefix: "nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Bucket, in.MaxKeys = "bucket", -1
			page, err := s.ListObjectsV2(t.Context(), &in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range page.Contents {
				got = append(got, o.Key)
				if o.Size != int64(len(o.Key)) || o.ETag == "" || o.LastModified.IsZero() {
					t.Errorf("listed %+v", o)
				}
			}
			if !slices.Equal(got, tt.keys) || !slices.Equal(page.CommonPrefixes, tt.prefixes) || page.IsTruncated {
				t.Errorf("keys %q prefixes %q truncated %v\nwant keys %q prefixes %q", got, page.CommonPrefixes, page.IsTruncated, tt.keys, tt.prefixes)
			}
		})
	}

	t.Run("bad continuation token", func(t *testing.T) {
		for _, token := range []string{"!!!", "eA", ""} {
			if token == "" {
				continue
			}
			_, err := s.ListObjectsV2(t.Context(), &warden.ListObjectsInput{Bucket: "bucket", ContinuationToken: token, MaxKeys: -1})
			wantCode(t, err, warden.EInvalidArgument)
		}
	})
	t.Run("max keys zero", func(t *testing.T) {
		page, err := s.ListObjectsV2(t.Context(), &warden.ListObjectsInput{Bucket: "bucket"})
		if err != nil || len(page.Contents) != 0 || page.IsTruncated {
			t.Errorf("page %+v, %v", page, err)
		}
	})
	t.Run("no such bucket", func(t *testing.T) {
		_, err := s.ListObjectsV2(t.Context(), &warden.ListObjectsInput{Bucket: "nobucket"})
		wantCode(t, err, warden.ENoSuchBucket)
	})
}

// referenceList is ListObjectsV2 written the obvious way, over all keys
// at once, without pages.
func referenceList(keys []string, prefix, delimiter, startAfter string) (entries []string) {
	slices.Sort(keys)
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || k <= startAfter {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				common := k[:len(prefix)+i+len(delimiter)]
				if !seen[common] {
					seen[common] = true
					entries = append(entries, "P:"+common)
				}
				continue
			}
		}
		entries = append(entries, "K:"+k)
	}
	return entries
}

// Paging through a listing with any page size gives the reference listing,
// each page no larger than asked.
func TestListPagesMatchReference(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			rt.Fatal(err)
		}
		if err := s.CreateBucket(t.Context(), &warden.Bucket{Name: "bucket", AccountID: owner}); err != nil {
			rt.Fatal(err)
		}
		alphabet := rapid.SampledFrom([]rune{'a', 'b', '/', '-', 'é'})
		keyGen := rapid.StringOfN(alphabet, 1, 6, -1)
		keys := rapid.SliceOfDistinct(keyGen, func(k string) string { return k }).Draw(rt, "keys")
		for _, k := range keys {
			put(rt, s, "bucket", k, "")
		}
		prefix := rapid.StringOfN(alphabet, 0, 2, -1).Draw(rt, "prefix")
		delimiter := rapid.SampledFrom([]string{"", "/", "-", "a/"}).Draw(rt, "delimiter")
		startAfter := rapid.SampledFrom([]string{"", "a", "a/", "b-"}).Draw(rt, "startAfter")
		maxKeys := rapid.IntRange(1, 7).Draw(rt, "maxKeys")

		var got []string
		in := warden.ListObjectsInput{Bucket: "bucket", Prefix: prefix, Delimiter: delimiter, StartAfter: startAfter, MaxKeys: maxKeys}
		for range len(keys) + 2 {
			page, err := s.ListObjectsV2(t.Context(), &in)
			if err != nil {
				rt.Fatal(err)
			}
			if n := len(page.Contents) + len(page.CommonPrefixes); n > maxKeys || (page.IsTruncated && n != maxKeys) {
				rt.Fatalf("page of %d entries for max-keys %d, truncated %v", n, maxKeys, page.IsTruncated)
			}
			// Keys and prefixes interleave in key order within a page.
			var entries []string
			for _, o := range page.Contents {
				entries = append(entries, "K:"+o.Key)
			}
			for _, p := range page.CommonPrefixes {
				entries = append(entries, "P:"+p)
			}
			slices.SortFunc(entries, func(a, b string) int { return strings.Compare(a[2:], b[2:]) })
			got = append(got, entries...)
			if !page.IsTruncated {
				break
			}
			in.ContinuationToken = page.NextContinuationToken
		}
		if want := referenceList(keys, prefix, delimiter, startAfter); !slices.Equal(got, want) {
			rt.Fatalf("paged listing\n%q\nwant\n%q", got, want)
		}
	})
}

func FuzzObjectPath(f *testing.F) {
	for _, k := range []string{"a", "../../etc/passwd", "/abs", "\x00", strings.Repeat("x", 1024), "dir/", "é/日本"} {
		f.Add(k)
	}
	dir := filepath.Join("data", "buckets", "b")
	f.Fuzz(func(t *testing.T, key string) {
		path := objectPath(dir, key)
		rel, err := filepath.Rel(filepath.Join(dir, objectsDir), path)
		if err != nil {
			t.Fatal(err)
		}
		fanout, name := filepath.Split(rel)
		sum := sha256.Sum256([]byte(key))
		want := hex.EncodeToString(sum[:])
		if name != want || fanout != want[:2]+string(filepath.Separator) {
			t.Fatalf("key %q maps to %s", key, path)
		}
		if objectPath(dir, key) != path {
			t.Fatal("mapping is not deterministic")
		}
	})
}

// FuzzKeys stores and reads back arbitrary keys through a real store.
func FuzzKeys(f *testing.F) {
	for _, k := range []string{"a", "../x", "\x00", "dir/", "é"} {
		f.Add(k, "body")
	}
	s, err := Open(f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.CreateBucket(f.Context(), &warden.Bucket{Name: "bucket", AccountID: owner}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key, body string) {
		_, err := s.PutObject(t.Context(), &warden.PutObjectInput{Bucket: "bucket", Key: key, Body: strings.NewReader(body), Size: int64(len(body))})
		if warden.ValidateObjectKey(key) != nil {
			if err == nil {
				t.Fatalf("key %q stored", key)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "bucket", key); got != body {
			t.Fatalf("key %q reads %q, want %q", key, got, body)
		}
		page, err := s.ListObjectsV2(t.Context(), &warden.ListObjectsInput{Bucket: "bucket", Prefix: key, MaxKeys: 1})
		if err != nil || len(page.Contents) != 1 || page.Contents[0].Key != key {
			t.Fatalf("listing prefix %q: %+v, %v", key, page, err)
		}
		if err := s.DeleteObject(t.Context(), "bucket", key); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzContinuationToken(f *testing.F) {
	f.Add(continuationToken(afterKey, "jobs/1/output.json"))
	f.Add(continuationToken(afterPrefix, "jobs/"))
	f.Add("a0")     // not canonical base64: the last digit carries stray bits
	f.Add("a0\r00") // decoders skip line breaks
	f.Add("!!!")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		kind, marker, err := parseContinuationToken(token)
		if err != nil {
			wantCode(t, err, warden.EInvalidArgument)
			return
		}
		if again := continuationToken(kind, marker); again != token {
			t.Fatalf("%q parsed to %c %q, which encodes as %q", token, kind, marker, again)
		}
	})
}
