package s3api

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

func TestSDKMultipartUpload(t *testing.T) {
	ts := startServer(t)
	c := ts.client("alice", "us-east-1")
	ctx := t.Context()
	createBucket(t, c, "mpu")

	created, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin"),
		ContentType: aws.String("application/dicom"), Metadata: map[string]string{"study": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	id := created.UploadId
	first := bytes.Repeat([]byte("multipart "), warden.MinPartSize/10+1)
	last := []byte("and the last part, which may be small")
	var completed []types.CompletedPart
	for i, data := range [][]byte{first, last} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin"), UploadId: id,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(data)})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		sum := md5.Sum(data)
		if want := `"` + hex.EncodeToString(sum[:]) + `"`; aws.ToString(out.ETag) != want {
			t.Errorf("part %d ETag %s, want %s", i+1, aws.ToString(out.ETag), want)
		}
		completed = append(completed, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}

	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin"), UploadId: id})
	if err != nil || len(parts.Parts) != 2 || aws.ToInt64(parts.Parts[0].Size) != int64(len(first)) || aws.ToString(parts.Initiator.ID) != identities["alice"].principal.ARN {
		t.Fatalf("ListParts: %+v, %v", parts, err)
	}
	uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
	if err != nil || len(uploads.Uploads) != 1 || aws.ToString(uploads.Uploads[0].UploadId) != aws.ToString(id) {
		t.Fatalf("ListMultipartUploads: %+v, %v", uploads, err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin")}); errorCode(err) != "NotFound" {
		t.Fatalf("HeadObject of an uncompleted upload: %v", err)
	}

	// Errors of CompleteMultipartUpload leave the upload to be completed.
	for _, tc := range []struct {
		parts []types.CompletedPart
		code  string
	}{
		{[]types.CompletedPart{completed[1], completed[0]}, warden.EInvalidPartOrder},
		{[]types.CompletedPart{{PartNumber: aws.Int32(1), ETag: completed[1].ETag}}, warden.EInvalidPart},
		{[]types.CompletedPart{{PartNumber: aws.Int32(3), ETag: completed[1].ETag}}, warden.EInvalidPart},
		{[]types.CompletedPart{completed[0], {PartNumber: aws.Int32(3), ETag: completed[1].ETag}}, warden.EInvalidPart},
	} {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin"), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: tc.parts}})
		wantErrorCode(t, err, tc.code)
	}

	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin"), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(done.ETag), `-2"`) || aws.ToString(done.Key) != "scans/big.bin" {
		t.Errorf("CompleteMultipartUpload: %+v", done)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(body, append(append([]byte{}, first...), last...)) || aws.ToString(got.ContentType) != "application/dicom" ||
		got.Metadata["study"] != "42" || aws.ToString(got.ETag) != aws.ToString(done.ETag) {
		t.Errorf("GetObject: %d bytes, %+v", len(body), got)
	}

	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("scans/big.bin"), UploadId: id})
	wantErrorCode(t, err, warden.ENoSuchUpload)

	// Abort.
	created, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: created.UploadId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: created.UploadId})
	wantErrorCode(t, err, warden.ENoSuchUpload)
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: created.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("late")})
	wantErrorCode(t, err, warden.ENoSuchUpload)
}

// createUpload starts an upload of key in the bucket "wire" as alice,
// over the wire.
func (ts *testServer) createUpload(t *testing.T, key string) string {
	t.Helper()
	status, _, body := ts.send(t, ts.signed(t, http.MethodPost, "/wire/"+key+"?uploads", nil, "", nil))
	var out initiateMultipartUploadResult
	if status != 200 || xml.Unmarshal(body, &out) != nil || out.UploadID == "" || out.Key != key {
		t.Fatalf("CreateMultipartUpload: %d %s", status, body)
	}
	return out.UploadID
}

func TestMultipartWire(t *testing.T) {
	ts := startServer(t)
	ts.setup(t)
	id := ts.createUpload(t, "big")
	part := func(n string) string { return "/wire/big?partNumber=" + n + "&uploadId=" + id }

	// An unsigned part, and one sent aws-chunked with chunk signatures.
	unsigned := []byte("sent with UNSIGNED-PAYLOAD")
	resp, err := ts.Client().Do(ts.signed(t, http.MethodPut, part("1"), unsigned, "UNSIGNED-PAYLOAD", nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sum := md5.Sum(unsigned)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Fatalf("unsigned part: %d, ETag %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
	chunked := bytes.Repeat([]byte("chunk "), 30000)
	resp, err = ts.Client().Do(ts.chunkedPut(t, "big?partNumber=2&uploadId="+id, chunked, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sum = md5.Sum(chunked)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Fatalf("chunked part: %d, ETag %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
	// A chunked part whose chunk was altered is refused and keeps part 2.
	status, code, _ := ts.send(t, ts.chunkedPut(t, "big?partNumber=2&uploadId="+id, chunked, func(b []byte) []byte { b[200] ^= 1; return b }))
	if status != 403 || code != warden.ESignatureDoesNotMatch {
		t.Errorf("altered chunk: %d %s", status, code)
	}

	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"part number 0", ts.signed(t, http.MethodPut, part("0"), []byte("x"), "", nil), 400, warden.EInvalidArgument},
		{"part number 10001", ts.signed(t, http.MethodPut, part("10001"), []byte("x"), "", nil), 400, warden.EInvalidArgument},
		{"part number not a number", ts.signed(t, http.MethodPut, part("one"), []byte("x"), "", nil), 400, warden.EInvalidArgument},
		{"unknown upload", ts.signed(t, http.MethodPut, "/wire/big?partNumber=1&uploadId=0123456789abcdef0123456789abcdef", []byte("x"), "", nil), 404, warden.ENoSuchUpload},
		{"upload of another key", ts.signed(t, http.MethodPut, "/wire/other?partNumber=1&uploadId="+id, []byte("x"), "", nil), 404, warden.ENoSuchUpload},
		{"list parts of an unknown upload", ts.signed(t, http.MethodGet, "/wire/big?uploadId=nope", nil, "", nil), 404, warden.ENoSuchUpload},
		{"complete with bad XML", ts.signed(t, http.MethodPost, "/wire/big?uploadId="+id, []byte("<CompleteMultipartUpload><Part>"), "", nil), 400, warden.EMalformedXML},
		{"complete with no parts", ts.signed(t, http.MethodPost, "/wire/big?uploadId="+id, []byte("<CompleteMultipartUpload></CompleteMultipartUpload>"), "", nil), 400, warden.EMalformedXML},
		{"complete with a small part first", ts.signed(t, http.MethodPost, "/wire/big?uploadId="+id, []byte(fmt.Sprintf(
			`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%x</ETag></Part><Part><PartNumber>2</PartNumber><ETag>%x</ETag></Part></CompleteMultipartUpload>`,
			md5.Sum(unsigned), md5.Sum(chunked))), "", nil), 400, warden.EEntityTooSmall},
		{"list uploads with max-uploads not a number", ts.signed(t, http.MethodGet, "/wire?uploads&max-uploads=many", nil, "", nil), 400, warden.EInvalidArgument},
		{"list parts with a bad marker", ts.signed(t, http.MethodGet, "/wire/big?uploadId="+id+"&part-number-marker=-1", nil, "", nil), 400, warden.EInvalidArgument},
		{"GET with uploads on an object", ts.signed(t, http.MethodGet, "/wire/big?uploads", nil, "", nil), 405, warden.EMethodNotAllowed},
	} {
		status, code, body := ts.send(t, tc.req)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s, want %d %s\n%s", tc.name, status, code, tc.status, tc.code, body)
		}
		if code == warden.ENoSuchUpload && !bytes.Contains(body, []byte("<UploadId>")) {
			t.Errorf("%s: no UploadId in %s", tc.name, body)
		}
	}

	// The last part may be small: completing with part 2 alone works.
	status, _, body := ts.send(t, ts.signed(t, http.MethodPost, "/wire/big?uploadId="+id, []byte(fmt.Sprintf(
		`<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>"%x"</ETag></Part></CompleteMultipartUpload>`, md5.Sum(chunked))), "", nil))
	var done completeMultipartUploadResult
	if status != 200 || xml.Unmarshal(body, &done) != nil || done.Location != ts.URL+"/wire/big" {
		t.Fatalf("complete: %d %s", status, body)
	}
	inner := md5.Sum(chunked)
	if want := fmt.Sprintf(`"%x-1"`, md5.Sum(inner[:])); done.ETag != want {
		t.Errorf("ETag %s, want %s", done.ETag, want)
	}
	if got := getString(t, ts.client("alice", "us-east-1"), "wire", "big"); got != string(chunked) {
		t.Errorf("object holds %d bytes", len(got))
	}
}

func TestMultipartAuthorization(t *testing.T) {
	ts := startServer(t)
	ts.setup(t)
	id := ts.createUpload(t, "big")
	ts.authz.reset()
	for _, req := range []*http.Request{
		ts.signed(t, http.MethodPut, "/wire/big?partNumber=1&uploadId="+id, []byte("x"), "", nil),
		ts.signed(t, http.MethodGet, "/wire/big?uploadId="+id, nil, "", nil),
		ts.signed(t, http.MethodGet, "/wire?uploads", nil, "", nil),
		ts.signed(t, http.MethodPost, "/wire/big?uploadId="+id, []byte("<CompleteMultipartUpload/>"), "", nil),
		ts.signed(t, http.MethodDelete, "/wire/big?uploadId="+id, nil, "", nil),
	} {
		ts.send(t, req)
	}
	var got []string
	for _, c := range ts.authz.calls() {
		got = append(got, c.Action+" "+c.Resource)
	}
	want := []string{
		"s3:PutObject arn:aws:s3:::wire/big",
		"s3:ListMultipartUploadParts arn:aws:s3:::wire/big",
		"s3:ListBucketMultipartUploads arn:aws:s3:::wire",
		"s3:PutObject arn:aws:s3:::wire/big",
		"s3:AbortMultipartUpload arn:aws:s3:::wire/big",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Denied, each operation stops before the store: the upload and its
	// part are untouched.
	id = ts.createUpload(t, "kept")
	ts.send(t, ts.signed(t, http.MethodPut, "/wire/kept?partNumber=1&uploadId="+id, []byte("part"), "", nil))
	ts.authz.deny = func(c *authz.Call) bool { return true }
	for _, req := range []*http.Request{
		ts.signed(t, http.MethodPost, "/wire/new?uploads", nil, "", nil),
		ts.signed(t, http.MethodPut, "/wire/kept?partNumber=1&uploadId="+id, []byte("replaced"), "", nil),
		ts.signed(t, http.MethodDelete, "/wire/kept?uploadId="+id, nil, "", nil),
		ts.signed(t, http.MethodGet, "/wire/kept?uploadId="+id, nil, "", nil),
		ts.signed(t, http.MethodGet, "/wire?uploads", nil, "", nil),
	} {
		if status, code, _ := ts.send(t, req); status != 403 || code != warden.EAccessDenied {
			t.Errorf("%s %s denied: %d %s", req.Method, req.URL, status, code)
		}
	}
	ts.authz.reset()
	page, err := ts.store.ListParts(t.Context(), &warden.ListPartsInput{Bucket: "wire", Key: "kept", UploadID: id, MaxParts: -1})
	sum := md5.Sum([]byte("part"))
	if err != nil || len(page.Parts) != 1 || page.Parts[0].ETag != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("upload after denied calls: %+v, %v", page, err)
	}
	uploads, err := ts.store.ListMultipartUploads(t.Context(), &warden.ListUploadsInput{Bucket: "wire", MaxUploads: -1})
	if err != nil || len(uploads.Uploads) != 1 {
		t.Errorf("uploads after a denied create: %+v, %v", uploads, err)
	}
}

func FuzzPartNumber(f *testing.F) {
	for _, seed := range []string{"1", "10000", "0", "10001", "-1", "+5", "one", "", "99999999999999999999"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := partNumber(&request{query: url.Values{"partNumber": {v}}})
		switch {
		case err != nil && warden.ErrorCode(err) != warden.EInvalidArgument:
			t.Errorf("%q: %v", v, err)
		case err == nil && (n < warden.MinPartNumber || n > warden.MaxPartNumber):
			t.Errorf("%q accepted as part %d", v, n)
		}
	})
}

func FuzzCompleteMultipartUploadXML(f *testing.F) {
	f.Add(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"abc"</ETag></Part></CompleteMultipartUpload>`)
	f.Add(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>x</ETag><PartNumber>2</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>`)
	f.Add(`<CompleteMultipartUpload><Part><PartNumber>one</PartNumber></Part></CompleteMultipartUpload>`)
	f.Add(`<Delete/>`)
	f.Fuzz(func(t *testing.T, body string) {
		var doc completeMultipartUpload
		if err := readXML(strings.NewReader(body), &doc); err != nil && warden.ErrorCode(err) != warden.EMalformedXML {
			t.Errorf("%q: %v", body, err)
		}
	})
}
