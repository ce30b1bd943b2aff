package objstore

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

const (
	owner = "111122223333"
	other = "444455556666"
)

var testNow = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// newStore returns an empty store with one bucket, "bucket", of owner.
func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := s.CreateBucket(context.Background(), &warden.Bucket{Name: "bucket", AccountID: owner}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	return s, dir
}

// tb is the part of testing.TB the helpers use, which rapid.T has too.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

func wantCode(t tb, err error, code string) {
	t.Helper()
	if got := warden.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func put(t tb, s *Store, bucket, key, body string) *warden.ObjectInfo {
	t.Helper()
	info, err := s.PutObject(context.Background(), &warden.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader(body), Size: int64(len(body))})
	if err != nil {
		t.Fatalf("PutObject %q: %v", key, err)
	}
	return info
}

func get(t tb, s *Store, bucket, key string) string {
	t.Helper()
	obj, err := s.GetObject(context.Background(), bucket, key, nil)
	if err != nil {
		t.Fatalf("GetObject %q: %v", key, err)
	}
	defer obj.Body.Close()
	data, err := io.ReadAll(obj.Body)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return string(data)
}

func TestBuckets(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openStore(t, dir)
	for _, name := range []string{"alpha", "beta.example", "gamma-1"} {
		if err := s.CreateBucket(ctx, &warden.Bucket{Name: name, AccountID: owner, Region: "eu-west-1"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateBucket(ctx, &warden.Bucket{Name: "delta", AccountID: other}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreateBucket(ctx, &warden.Bucket{Name: "alpha", AccountID: owner}), warden.EBucketAlreadyOwnedByYou)
	wantCode(t, s.CreateBucket(ctx, &warden.Bucket{Name: "alpha", AccountID: other}), warden.EBucketAlreadyExists)

	names := func(account string) []string {
		bs, err := s.ListBuckets(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range bs {
			out = append(out, b.Name)
		}
		return out
	}
	if got := names(owner); !slices.Equal(got, []string{"alpha", "beta.example", "gamma-1"}) {
		t.Errorf("owner's buckets %v", got)
	}
	if got := names(""); len(got) != 4 {
		t.Errorf("all buckets %v", got)
	}
	b, err := s.Bucket(ctx, "alpha")
	if err != nil || b.AccountID != owner || b.Region != "eu-west-1" || !b.CreateDate.Equal(testNow) {
		t.Errorf("Bucket: %+v, %v", b, err)
	}
	if b, _ := s.Bucket(ctx, "delta"); b.Region != "us-east-1" {
		t.Errorf("bucket created without a region is in %q", b.Region)
	}

	put(t, s, "alpha", "k", "v")
	wantCode(t, s.DeleteBucket(ctx, "alpha"), warden.EBucketNotEmpty)
	if err := s.DeleteObject(ctx, "alpha", "k"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBucket(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteBucket(ctx, "alpha"), warden.ENoSuchBucket)
	_, err = s.Bucket(ctx, "alpha")
	wantCode(t, err, warden.ENoSuchBucket)
	_, err = s.PutObject(ctx, &warden.PutObjectInput{Bucket: "alpha", Key: "k", Body: strings.NewReader(""), Size: -1})
	wantCode(t, err, warden.ENoSuchBucket)

	// Everything survives a restart; nothing of the deleted bucket does.
	again := openStore(t, dir)
	if got := names(""); !slices.Equal(got, []string{"beta.example", "delta", "gamma-1"}) {
		t.Errorf("before reopening: %v", got)
	}
	s = again
	if got := names(""); !slices.Equal(got, []string{"beta.example", "delta", "gamma-1"}) {
		t.Errorf("after reopening: %v", got)
	}
	if b, err := s.Bucket(ctx, "beta.example"); err != nil || b.Region != "eu-west-1" || b.AccountID != owner {
		t.Errorf("reopened bucket %+v, %v", b, err)
	}
}

func TestBucketNames(t *testing.T) {
	s := openStore(t, t.TempDir())
	for _, name := range []string{
		"", "ab", strings.Repeat("a", 64), "Upper", "under_score", "-dash", "dash-", ".dot", "dot.", "two..dots",
		"192.168.5.4", "xn--punycode", "sthree-bucket", "amzn-s3-demo-bucket", "b-s3alias", "b--ol-s3", "b.mrap", "b--x-s3", "b--table-s3",
		"../escape", "a/b", "spa ce",
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, s.CreateBucket(t.Context(), &warden.Bucket{Name: name, AccountID: owner}), warden.EInvalidBucketName)
		})
	}
	for _, name := range []string{"abc", strings.Repeat("a", 63), "my.bucket-1", "192.168.5.4.5", "1bucket"} {
		t.Run(name, func(t *testing.T) {
			if err := s.CreateBucket(t.Context(), &warden.Bucket{Name: name, AccountID: owner}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBucketPolicy(t *testing.T) {
	ctx := t.Context()
	s, dir := newStore(t)
	_, err := s.BucketPolicy(ctx, "bucket")
	wantCode(t, err, warden.ENoSuchBucketPolicy)
	_, err = s.BucketPolicy(ctx, "nobucket")
	wantCode(t, err, warden.ENoSuchBucket)

	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"read from the other account","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["s3:GetObject","s3:ListBucket"],
		"Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]}]}`
	if err := s.PutBucketPolicy(ctx, "bucket", doc); err != nil {
		t.Fatal(err)
	}
	if got, err := openStore(t, dir).BucketPolicy(ctx, "bucket"); err != nil || got != doc {
		t.Fatalf("policy after reopening: %q, %v", got, err)
	}
	if err := s.DeleteBucketPolicy(ctx, "bucket"); err != nil {
		t.Fatal(err)
	}
	_, err = s.BucketPolicy(ctx, "bucket")
	wantCode(t, err, warden.ENoSuchBucketPolicy)
	if err := s.DeleteBucketPolicy(ctx, "bucket"); err != nil {
		t.Fatalf("deleting an absent policy: %v", err)
	}
	wantCode(t, s.PutBucketPolicy(ctx, "nobucket", doc), warden.ENoSuchBucket)
}

func TestCheckBucketPolicy(t *testing.T) {
	statement := func(body string) string { return `{"Version":"2012-10-17","Statement":[{` + body + `}]}` }
	allowAll := `"Effect":"Allow","Principal":"*","Action":"s3:GetObject",`
	tests := []struct {
		name, doc, message string
	}{
		{"not JSON", "not json", "Policies must be valid JSON and the first byte must be '{'"},
		{"no principal", statement(`"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"`), "Missing required field Principal"},
		{"no resource", statement(`"Effect":"Allow","Principal":"*","Action":"s3:GetObject"`), "Missing required field Resource"},
		{"no action", statement(`"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::bucket/*"`), ""},
		{"IAM action", statement(`"Effect":"Allow","Principal":"*","Action":"iam:CreateUser","Resource":"arn:aws:s3:::bucket/*"`), "Policy has invalid action"},
		{"another bucket", statement(allowAll + `"Resource":"arn:aws:s3:::other/*"`), "Policy has invalid resource"},
		{"a bucket sharing the prefix", statement(allowAll + `"Resource":"arn:aws:s3:::bucket2/*"`), "Policy has invalid resource"},
		{"bad effect", statement(`"Effect":"Permit","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"`), ""},
		{"too large", statement(allowAll + `"Resource":"arn:aws:s3:::bucket/` + strings.Repeat("x", MaxBucketPolicySize) + `"`), "Policy exceeds the maximum allowed document size."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBucketPolicy("bucket", tt.doc)
			wantCode(t, err, warden.EMalformedPolicy)
			if tt.message != "" && warden.ErrorMessage(err) != tt.message {
				t.Errorf("message %q, want %q", warden.ErrorMessage(err), tt.message)
			}
		})
	}
	for _, resource := range []string{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", "arn:aws:s3:::buck*", "*"} {
		t.Run("accepts "+resource, func(t *testing.T) {
			// Larger than IAM's 6,144-character limit, within S3's 20 KB.
			pad := `,"Sid":"` + strings.Repeat("p", 7000) + `"`
			if err := CheckBucketPolicy("bucket", statement(allowAll+`"Resource":"`+resource+`"`+pad)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBucketTagging(t *testing.T) {
	ctx := t.Context()
	s, dir := newStore(t)
	_, err := s.BucketTagging(ctx, "bucket")
	wantCode(t, err, warden.ENoSuchTagSet)
	tags := []warden.Tag{{Key: "team", Value: "care"}, {Key: "cost center", Value: ""}, {Key: "ключ", Value: "значение"}}
	if err := s.PutBucketTagging(ctx, "bucket", tags); err != nil {
		t.Fatal(err)
	}
	if got, err := openStore(t, dir).BucketTagging(ctx, "bucket"); err != nil || !slices.Equal(got, tags) {
		t.Fatalf("tags after reopening: %v, %v", got, err)
	}
	if err := s.PutBucketTagging(ctx, "bucket", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.BucketTagging(ctx, "bucket"); err != nil || len(got) != 0 {
		t.Fatalf("an empty tag set reads back as %v, %v", got, err)
	}
	if err := s.DeleteBucketTagging(ctx, "bucket"); err != nil {
		t.Fatal(err)
	}
	_, err = s.BucketTagging(ctx, "bucket")
	wantCode(t, err, warden.ENoSuchTagSet)

	for name, bad := range map[string][]warden.Tag{
		"duplicate key": {{Key: "a", Value: "1"}, {Key: "a", Value: "2"}},
		"aws: prefix":   {{Key: "aws:cloudformation:stack", Value: "x"}},
		"empty key":     {{Key: "", Value: "x"}},
		"long key":      {{Key: strings.Repeat("k", 129)}},
		"long value":    {{Key: "k", Value: strings.Repeat("v", 257)}},
		"bad character": {{Key: "semi;colon"}},
		"too many": func() []warden.Tag {
			var ts []warden.Tag
			for i := range 51 {
				ts = append(ts, warden.Tag{Key: fmt.Sprint(i)})
			}
			return ts
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, s.PutBucketTagging(ctx, "bucket", bad), warden.EInvalidTag)
		})
	}
}

func TestObjects(t *testing.T) {
	ctx := t.Context()
	s, dir := newStore(t)
	body := "hello, object store"
	sum := md5.Sum([]byte(body))
	info, err := s.PutObject(ctx, &warden.PutObjectInput{
		Bucket: "bucket", Key: "dir/file.txt", Body: strings.NewReader(body), Size: int64(len(body)),
		ContentType: "text/plain", Metadata: map[string]string{"origin": "test"}, ContentMD5: sum[:],
	})
	if err != nil {
		t.Fatal(err)
	}
	wantETag := `"` + hex.EncodeToString(sum[:]) + `"`
	if info.ETag != wantETag || info.Size != int64(len(body)) || !info.LastModified.Equal(testNow) {
		t.Errorf("PutObject info %+v", info)
	}
	head, err := s.HeadObject(ctx, "bucket", "dir/file.txt")
	if err != nil || head.ETag != wantETag || head.ContentType != "text/plain" || head.Metadata["origin"] != "test" || head.Key != "dir/file.txt" {
		t.Errorf("HeadObject %+v, %v", head, err)
	}
	if got := get(t, s, "bucket", "dir/file.txt"); got != body {
		t.Errorf("GetObject %q", got)
	}

	ranges := []struct {
		rng  warden.ByteRange
		want string
		code string
	}{
		{warden.ByteRange{First: 0, Last: 4}, "hello", ""},
		{warden.ByteRange{First: 7, Last: -1}, "object store", ""},
		{warden.ByteRange{First: 7, Last: 1000}, "object store", ""},
		{warden.ByteRange{Suffix: 5}, "store", ""},
		{warden.ByteRange{Suffix: 500}, body, ""},
		{warden.ByteRange{First: int64(len(body)), Last: -1}, "", warden.EInvalidRange},
	}
	for _, r := range ranges {
		t.Run(fmt.Sprintf("range %+v", r.rng), func(t *testing.T) {
			obj, err := s.GetObject(ctx, "bucket", "dir/file.txt", &r.rng)
			if r.code != "" {
				wantCode(t, err, r.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Body.Close()
			data, _ := io.ReadAll(obj.Body)
			if string(data) != r.want || obj.Range.Length != int64(len(r.want)) || obj.Info.Size != int64(len(body)) {
				t.Errorf("got %q, span %+v", data, obj.Range)
			}
		})
	}

	// Overwrite, then a reader opened before a delete keeps its object.
	put(t, s, "bucket", "dir/file.txt", "second version")
	obj, err := s.GetObject(ctx, "bucket", "dir/file.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteObject(ctx, "bucket", "dir/file.txt"); err != nil {
		t.Fatal(err)
	}
	if data, _ := io.ReadAll(obj.Body); string(data) != "second version" {
		t.Errorf("open reader after delete read %q", data)
	}
	obj.Body.Close()
	_, err = s.GetObject(ctx, "bucket", "dir/file.txt", nil)
	wantCode(t, err, warden.ENoSuchKey)
	_, err = s.HeadObject(ctx, "bucket", "dir/file.txt")
	wantCode(t, err, warden.ENoSuchKey)
	if err := s.DeleteObject(ctx, "bucket", "dir/file.txt"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
	_, err = s.GetObject(ctx, "nobucket", "k", nil)
	wantCode(t, err, warden.ENoSuchBucket)

	put(t, s, "bucket", "kept", "kept")
	if got := get(t, openStore(t, dir), "bucket", "kept"); got != "kept" {
		t.Errorf("after reopening: %q", got)
	}
}

// failingReader yields some data, then fails.
type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestFailedUploadsLeaveNoTrace(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(dir, Options{Now: func() time.Time { return testNow }, MaxObjectSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBucket(ctx, &warden.Bucket{Name: "bucket", AccountID: owner}); err != nil {
		t.Fatal(err)
	}
	put(t, s, "bucket", "key", "original")
	badSignature := warden.Errorf(warden.ESignatureDoesNotMatch, "bad chunk")
	wrongMD5 := md5.Sum([]byte("something else"))
	tests := []struct {
		name string
		in   warden.PutObjectInput
		code string
	}{
		{"body fails with a verdict", warden.PutObjectInput{Body: &failingReader{"partial", badSignature}, Size: -1}, warden.ESignatureDoesNotMatch},
		{"client goes away", warden.PutObjectInput{Body: &failingReader{"partial", io.ErrUnexpectedEOF}, Size: -1}, warden.EIncompleteBody},
		{"shorter than announced", warden.PutObjectInput{Body: strings.NewReader("short"), Size: 10}, warden.EIncompleteBody},
		{"longer than announced", warden.PutObjectInput{Body: strings.NewReader("longer body"), Size: 3}, warden.EIncompleteBody},
		{"too large, announced", warden.PutObjectInput{Body: strings.NewReader(""), Size: 65}, warden.EEntityTooLarge},
		{"too large, streamed", warden.PutObjectInput{Body: strings.NewReader(strings.Repeat("x", 65)), Size: -1}, warden.EEntityTooLarge},
		{"wrong Content-MD5", warden.PutObjectInput{Body: strings.NewReader("body"), Size: 4, ContentMD5: wrongMD5[:]}, warden.EBadDigest},
		{"key too long", warden.PutObjectInput{Key: strings.Repeat("k", 1025), Body: strings.NewReader("x"), Size: 1}, warden.EKeyTooLong},
		{"key not UTF-8", warden.PutObjectInput{Key: "\xff", Body: strings.NewReader("x"), Size: 1}, warden.EInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Bucket = "bucket"
			if in.Key == "" {
				in.Key = "key"
			}
			_, err := s.PutObject(ctx, &in)
			wantCode(t, err, tt.code)
			if got := get(t, s, "bucket", "key"); got != "original" {
				t.Errorf("object now %q", got)
			}
			if left, err := os.ReadDir(filepath.Join(dir, tmpDir)); err != nil || len(left) != 0 {
				t.Errorf("left in tmp/: %v (%v)", left, err)
			}
		})
	}
}

func TestOpenClearsUncommittedWrites(t *testing.T) {
	s, dir := newStore(t)
	put(t, s, "bucket", "key", "v")
	stray := filepath.Join(dir, tmpDir, "object-123")
	if err := os.WriteFile(stray, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	if _, err := os.Stat(stray); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stray upload still there: %v", err)
	}
	if got := get(t, s, "bucket", "key"); got != "v" {
		t.Errorf("object %q", got)
	}
}

func TestDamagedObjectFileIsReported(t *testing.T) {
	s, dir := newStore(t)
	put(t, s, "bucket", "key", "value")
	path := objectPath(filepath.Join(dir, bucketsDir, "bucket"), "key")
	if err := os.Truncate(path, 3); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	_, err := s.GetObject(t.Context(), "bucket", "key", nil)
	if err == nil || warden.ErrorCode(err) != warden.EInternalFailure || !errors.Is(err, errNotObjectFile) {
		t.Errorf("GetObject of a damaged file: %v", err)
	}
	_, err = s.ListObjectsV2(t.Context(), &warden.ListObjectsInput{Bucket: "bucket", MaxKeys: -1})
	if err == nil {
		t.Error("listing a bucket with a damaged file succeeded")
	}
}

// Keys that would be paths elsewhere stay keys here: they round-trip, and
// every file the store writes is under the bucket's objects/ directory.
func TestKeysCannotEscape(t *testing.T) {
	s, dir := newStore(t)
	if err := s.CreateBucket(t.Context(), &warden.Bucket{Name: "victim", AccountID: other}); err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"../victim/objects/x", "../../../../etc/passwd", "/absolute", "a/../../b", "..", ".", "./.",
		"nul\x00byte", "back\\slash\\..\\..", strings.Repeat("../", 300), strings.Repeat("k", 1024), "bucket.json", "objects",
	}
	for _, key := range keys {
		put(t, s, "bucket", key, "data of "+key)
	}
	for _, key := range keys {
		if got := get(t, s, "bucket", key); got != "data of "+key {
			t.Errorf("key %q reads %q", key, got)
		}
	}
	objects := filepath.Join(dir, bucketsDir, "bucket", objectsDir)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Base(path) == bucketFile && filepath.Dir(filepath.Dir(path)) == filepath.Join(dir, bucketsDir) {
			return nil
		}
		if !strings.HasPrefix(path, objects+string(filepath.Separator)) {
			t.Errorf("file outside the bucket's objects: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ListObjectsV2(t.Context(), &warden.ListObjectsInput{Bucket: "victim", MaxKeys: -1})
	if err != nil || len(page.Contents) != 0 {
		t.Errorf("victim bucket lists %v, %v", page, err)
	}
}

func TestConcurrentPuts(t *testing.T) {
	ctx := t.Context()
	s, dir := newStore(t)
	const writers, rounds = 8, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				// Every writer overwrites a shared key and adds its own.
				body := fmt.Sprintf("writer %d round %d", w, r)
				if _, err := s.PutObject(ctx, &warden.PutObjectInput{Bucket: "bucket", Key: "shared", Body: strings.NewReader(body), Size: -1}); err != nil {
					t.Error(err)
				}
				if _, err := s.PutObject(ctx, &warden.PutObjectInput{Bucket: "bucket", Key: fmt.Sprintf("own/%d/%02d", w, r), Body: strings.NewReader(body), Size: -1}); err != nil {
					t.Error(err)
				}
				if _, err := s.ListObjectsV2(ctx, &warden.ListObjectsInput{Bucket: "bucket", Prefix: "own/", MaxKeys: 5}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	shared := get(t, s, "bucket", "shared")
	if !strings.HasPrefix(shared, "writer ") || !strings.HasSuffix(shared, fmt.Sprintf("round %d", rounds-1)) {
		t.Errorf("shared key holds %q, not one writer's last round", shared)
	}
	for _, store := range []*Store{s, openStore(t, dir)} {
		page, err := store.ListObjectsV2(ctx, &warden.ListObjectsInput{Bucket: "bucket", MaxKeys: -1})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Contents) != writers*rounds+1 {
			t.Errorf("%d objects listed, want %d", len(page.Contents), writers*rounds+1)
		}
		info, err := store.HeadObject(ctx, "bucket", "shared")
		if err != nil {
			t.Fatal(err)
		}
		if sum := md5.Sum([]byte(shared)); info.ETag != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Errorf("shared key's metadata %+v does not belong to its data %q", info, shared)
		}
	}
}

func TestConcurrentPutAndDeleteBucket(t *testing.T) {
	ctx := t.Context()
	s, _ := newStore(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			_, err := s.PutObject(ctx, &warden.PutObjectInput{Bucket: "bucket", Key: fmt.Sprint(i), Body: bytes.NewReader(nil), Size: 0})
			if err != nil && warden.ErrorCode(err) != warden.ENoSuchBucket {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for {
			err := s.DeleteBucket(ctx, "bucket")
			if err == nil {
				return
			}
			if warden.ErrorCode(err) != warden.EBucketNotEmpty {
				t.Error(err)
				return
			}
			page, err := s.ListObjectsV2(ctx, &warden.ListObjectsInput{Bucket: "bucket", MaxKeys: -1})
			if err != nil {
				t.Error(err)
				return
			}
			for _, o := range page.Contents {
				_ = s.DeleteObject(ctx, "bucket", o.Key)
			}
		}
	})
	wg.Wait()
	if _, err := s.Bucket(ctx, "bucket"); warden.ErrorCode(err) != warden.ENoSuchBucket {
		t.Errorf("bucket still there: %v", err)
	}
}
