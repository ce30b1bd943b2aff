package objstore

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func createUpload(t *testing.T, s *Store, key string) string {
	t.Helper()
	u, err := s.CreateMultipartUpload(context.Background(), &warden.MultipartUpload{Bucket: "bucket", Key: key, OwnerAccount: owner,
		Initiator: "arn:aws:iam::" + owner + ":user/alice", ContentType: "text/plain", Metadata: map[string]string{"case": "17"}})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	return u.UploadID
}

func uploadPart(t *testing.T, s *Store, key, id string, n int, data []byte) *warden.PartInfo {
	t.Helper()
	p, err := s.UploadPart(context.Background(), &warden.UploadPartInput{Bucket: "bucket", Key: key, UploadID: id, PartNumber: n,
		Body: bytes.NewReader(data), Size: int64(len(data))})
	if err != nil {
		t.Fatalf("UploadPart %d: %v", n, err)
	}
	return p
}

func cp(n int, etag string) warden.CompletedPart {
	return warden.CompletedPart{PartNumber: n, ETag: etag}
}

func md5Hex(data []byte) string {
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}

func TestMultipartUpload(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	id := createUpload(t, s, "scans/big.bin")
	first := bytes.Repeat([]byte("0123456789abcdef"), warden.MinPartSize/16)
	last := []byte("the end")
	// Parts may arrive in any order and be sent again; the last one sent
	// counts.
	uploadPart(t, s, "scans/big.bin", id, 2, []byte("replaced"))
	p2 := uploadPart(t, s, "scans/big.bin", id, 2, last)
	p1 := uploadPart(t, s, "scans/big.bin", id, 1, first)
	if p1.ETag != `"`+md5Hex(first)+`"` || p2.Size != int64(len(last)) {
		t.Fatalf("parts: %+v %+v", p1, p2)
	}

	// Parts are no objects.
	if _, err := s.HeadObject(ctx, "bucket", "scans/big.bin"); warden.ErrorCode(err) != warden.ENoSuchKey {
		t.Fatalf("HeadObject before completion: %v", err)
	}
	page, err := s.ListObjectsV2(ctx, &warden.ListObjectsInput{Bucket: "bucket", MaxKeys: -1})
	if err != nil || len(page.Contents) != 0 {
		t.Fatalf("ListObjectsV2 before completion: %+v, %v", page, err)
	}
	parts, err := s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "scans/big.bin", UploadID: id, MaxParts: -1})
	if err != nil || len(parts.Parts) != 2 || parts.Parts[0].PartNumber != 1 || parts.Parts[1].ETag != p2.ETag || parts.Upload.ContentType != "text/plain" {
		t.Fatalf("ListParts: %+v, %v", parts, err)
	}

	info, err := s.CompleteMultipartUpload(ctx, "bucket", "scans/big.bin", id, []warden.CompletedPart{cp(1, p1.ETag), cp(2, strings.Trim(p2.ETag, `"`))})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	raw, _ := hex.DecodeString(md5Hex(first) + md5Hex(last))
	if want := fmt.Sprintf(`"%s-2"`, md5Hex(raw)); info.ETag != want {
		t.Errorf("ETag %s, want %s", info.ETag, want)
	}
	obj, err := s.GetObject(ctx, "bucket", "scans/big.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if !bytes.Equal(got, append(append([]byte{}, first...), last...)) || obj.Info.ContentType != "text/plain" || obj.Info.Metadata["case"] != "17" {
		t.Errorf("object: %d bytes, info %+v", len(got), obj.Info)
	}

	// The upload is gone, and left nothing behind.
	_, err = s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "scans/big.bin", UploadID: id})
	wantCode(t, err, warden.ENoSuchUpload)
	_, err = s.CompleteMultipartUpload(ctx, "bucket", "scans/big.bin", id, []warden.CompletedPart{cp(1, p1.ETag)})
	wantCode(t, err, warden.ENoSuchUpload)
	assertNoLeftovers(t, dir)
}

// assertNoLeftovers checks that no upload directory or temporary file is
// left in the store.
func assertNoLeftovers(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{filepath.Join(dir, tmpDir), filepath.Join(dir, bucketsDir, "bucket", uploadsDir)} {
		entries, err := os.ReadDir(d)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			t.Errorf("%s holds %d entries", d, len(entries))
		}
	}
}

func TestMultipartErrors(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	id := createUpload(t, s, "k")
	small := uploadPart(t, s, "k", id, 1, []byte("small"))
	other := uploadPart(t, s, "k", id, 3, []byte("other"))

	for _, tc := range []struct {
		name  string
		parts []warden.CompletedPart
		code  string
	}{
		{"no parts", nil, warden.EMalformedXML},
		{"descending", []warden.CompletedPart{cp(3, other.ETag), cp(1, small.ETag)}, warden.EInvalidPartOrder},
		{"repeated", []warden.CompletedPart{cp(1, small.ETag), cp(1, small.ETag)}, warden.EInvalidPartOrder},
		{"missing part", []warden.CompletedPart{cp(2, small.ETag)}, warden.EInvalidPart},
		{"wrong ETag", []warden.CompletedPart{cp(1, other.ETag)}, warden.EInvalidPart},
		{"part number 0", []warden.CompletedPart{cp(0, small.ETag)}, warden.EInvalidPart},
		{"small part not last", []warden.CompletedPart{cp(1, small.ETag), cp(3, other.ETag)}, warden.EEntityTooSmall},
	} {
		_, err := s.CompleteMultipartUpload(ctx, "bucket", "k", id, tc.parts)
		if warden.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	// A failed completion leaves the upload as it was.
	if parts, err := s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "k", UploadID: id, MaxParts: -1}); err != nil || len(parts.Parts) != 2 {
		t.Fatalf("ListParts after failed completions: %+v, %v", parts, err)
	}

	for _, n := range []int{0, 10001, -1} {
		_, err := s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumber: n, Body: strings.NewReader("x"), Size: 1})
		wantCode(t, err, warden.EInvalidArgument)
	}
	for _, tc := range []struct{ key, id string }{{"k", "0123456789abcdef0123456789abcdef"}, {"other-key", id}, {"k", "../../objects"}, {"k", ""}} {
		_, err := s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "bucket", Key: tc.key, UploadID: tc.id, PartNumber: 1, Body: strings.NewReader("x"), Size: 1})
		wantCode(t, err, warden.ENoSuchUpload)
		wantCode(t, s.AbortMultipartUpload(ctx, "bucket", tc.key, tc.id), warden.ENoSuchUpload)
		_, err = s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: tc.key, UploadID: tc.id})
		wantCode(t, err, warden.ENoSuchUpload)
	}
	_, err := s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "nope", Key: "k", UploadID: id, PartNumber: 1, Body: strings.NewReader("x"), Size: 1})
	wantCode(t, err, warden.ENoSuchBucket)

	// A part whose body fails its checks keeps the earlier one.
	wrong := md5.Sum([]byte("not this"))
	_, err = s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumber: 1, Body: strings.NewReader("new"), Size: 3, ContentMD5: wrong[:]})
	wantCode(t, err, warden.EBadDigest)
	_, err = s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumber: 1, Body: strings.NewReader("new"), Size: 4})
	wantCode(t, err, warden.EIncompleteBody)
	parts, err := s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "k", UploadID: id, MaxParts: -1})
	if err != nil || parts.Parts[0].ETag != small.ETag {
		t.Fatalf("part 1 after failed uploads: %+v, %v", parts, err)
	}

	if err := s.AbortMultipartUpload(ctx, "bucket", "k", id); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.AbortMultipartUpload(ctx, "bucket", "k", id), warden.ENoSuchUpload)
	_, err = s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumber: 1, Body: strings.NewReader("x"), Size: 1})
	wantCode(t, err, warden.ENoSuchUpload)
	assertNoLeftovers(t, dir)
}

func TestMultipartPartTooLarge(t *testing.T) {
	s, err := Open(t.TempDir(), Options{MaxObjectSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.CreateBucket(ctx, &warden.Bucket{Name: "bucket", AccountID: owner}); err != nil {
		t.Fatal(err)
	}
	id := createUpload(t, s, "k")
	_, err = s.UploadPart(ctx, &warden.UploadPartInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumber: 1, Body: strings.NewReader("123456789"), Size: -1})
	wantCode(t, err, warden.EEntityTooLarge)
}

// TestMultipartSurvivesReopen stands for a crash: acknowledged parts are
// kept, a part being received is not, and the upload completes afterwards.
func TestMultipartSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	id := createUpload(t, s, "k")
	p1 := uploadPart(t, s, "k", id, 1, []byte("acknowledged"))
	// What an interrupted part upload leaves: a file under tmp/.
	if err := os.WriteFile(filepath.Join(dir, tmpDir, "object-123"), []byte("half a part"), 0o600); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, dir)
	parts, err := s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "k", UploadID: id, MaxParts: -1})
	if err != nil || len(parts.Parts) != 1 || parts.Parts[0].ETag != p1.ETag {
		t.Fatalf("ListParts after reopening: %+v, %v", parts, err)
	}
	if _, err := s.CompleteMultipartUpload(ctx, "bucket", "k", id, []warden.CompletedPart{cp(1, p1.ETag)}); err != nil {
		t.Fatal(err)
	}
	assertNoLeftovers(t, dir)
}

func TestListPartsPages(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	id := createUpload(t, s, "k")
	for _, n := range []int{5, 1, 9, 3} {
		uploadPart(t, s, "k", id, n, []byte{byte(n)})
	}
	var got []int
	marker := 0
	for range 3 {
		page, err := s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumberMarker: marker, MaxParts: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Parts {
			got = append(got, p.PartNumber)
		}
		if !page.IsTruncated {
			break
		}
		marker = page.NextPartNumberMarker
	}
	if fmt.Sprint(got) != "[1 3 5 9]" {
		t.Errorf("parts %v", got)
	}
}

func TestListMultipartUploads(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	for _, key := range []string{"b", "a/1", "a/2", "c", "b"} {
		createUpload(t, s, key)
	}
	page, err := s.ListMultipartUploads(ctx, &warden.ListUploadsInput{Bucket: "bucket", Delimiter: "/", MaxUploads: -1})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(page.CommonPrefixes) != "[a/]" || len(page.Uploads) != 3 || page.Uploads[0].Key != "b" || page.Uploads[2].Key != "c" || page.IsTruncated {
		t.Fatalf("with delimiter: %+v", page)
	}

	// Page by page, two at a time: every upload once, in order.
	var keys []string
	in := &warden.ListUploadsInput{Bucket: "bucket", MaxUploads: 2}
	for range 5 {
		page, err := s.ListMultipartUploads(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Uploads {
			keys = append(keys, u.Key)
		}
		if !page.IsTruncated {
			break
		}
		in.KeyMarker, in.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	if fmt.Sprint(keys) != "[a/1 a/2 b b c]" {
		t.Errorf("paged: %v", keys)
	}

	page, err = s.ListMultipartUploads(ctx, &warden.ListUploadsInput{Bucket: "bucket", Prefix: "a/", Delimiter: "/", MaxUploads: -1})
	if err != nil || len(page.Uploads) != 2 || len(page.CommonPrefixes) != 0 {
		t.Fatalf("prefix a/: %+v, %v", page, err)
	}
	_, err = s.ListMultipartUploads(ctx, &warden.ListUploadsInput{Bucket: "nope"})
	wantCode(t, err, warden.ENoSuchBucket)
}

// An upload in progress does not keep its bucket from being deleted, and
// goes with it.
func TestDeleteBucketWithUpload(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	id := createUpload(t, s, "k")
	uploadPart(t, s, "k", id, 1, []byte("x"))
	if err := s.DeleteBucket(ctx, "bucket"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBucket(ctx, &warden.Bucket{Name: "bucket", AccountID: owner}); err != nil {
		t.Fatal(err)
	}
	_, err := s.ListParts(ctx, &warden.ListPartsInput{Bucket: "bucket", Key: "k", UploadID: id})
	wantCode(t, err, warden.ENoSuchUpload)
	assertNoLeftovers(t, dir)
}

func FuzzParsePartName(f *testing.F) {
	for _, seed := range []string{"part-00001", "part-10000", "part-10001", "part-00000", "part-1", "upload.json", "part--0001", "part-+0001"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n := parsePartName(name)
		if n != 0 && partName(n) != name {
			t.Errorf("%q parsed as part %d, whose file is %q", name, n, partName(n))
		}
	})
}

func FuzzValidUploadID(f *testing.F) {
	f.Add(newUploadID(testNow))
	f.Add("../../objects/00/00")
	f.Add("")
	f.Fuzz(func(t *testing.T, id string) {
		if validUploadID(id) && filepath.Base(id) != id {
			t.Errorf("%q accepted as an upload ID", id)
		}
	})
}

// Parts uploaded side by side all land, and the upload completes with
// them in order.
func TestMultipartConcurrentParts(t *testing.T) {
	s, dir := newStore(t)
	id := createUpload(t, s, "k")
	const n = 8
	errs := make(chan error, n)
	for i := 1; i <= n; i++ {
		go func() {
			_, err := s.UploadPart(context.Background(), &warden.UploadPartInput{Bucket: "bucket", Key: "k", UploadID: id, PartNumber: i,
				Body: strings.NewReader(fmt.Sprint(i)), Size: 1})
			errs <- err
		}()
	}
	var parts []warden.CompletedPart
	for i := 1; i <= n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		parts = append(parts, cp(i, md5Hex([]byte(fmt.Sprint(i)))))
	}
	// Each part but the last is under 5 MiB, so only the last one may be
	// named alone; the others must be refused as too small.
	_, err := s.CompleteMultipartUpload(context.Background(), "bucket", "k", id, parts)
	wantCode(t, err, warden.EEntityTooSmall)
	if _, err := s.CompleteMultipartUpload(context.Background(), "bucket", "k", id, parts[n-1:]); err != nil {
		t.Fatal(err)
	}
	assertNoLeftovers(t, dir)
}
