package s3api

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// These tests send requests built by hand, for what the SDK and the CLI
// never send: aws-chunked bodies with chunk signatures, bodies that do not
// match their signature or digest, operations Warden does not serve.

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// signed builds a request signed as alice for S3 in us-east-1, with the
// given payload hash (the body's SHA-256 when empty).
func (ts *testServer) signed(t *testing.T, method, path string, body []byte, payloadHash string, prepare func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if payloadHash == "" {
		payloadHash = sha256Hex(body)
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	if prepare != nil {
		prepare(req)
	}
	id := identities["alice"]
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(t.Context(), aws.Credentials{AccessKeyID: id.keyID, SecretAccessKey: id.secret}, req, payloadHash, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// send sends a request and returns the status, the S3 error code (if the
// answer is an error document) and the body.
func (ts *testServer) send(t *testing.T, req *http.Request) (int, string, []byte) {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc errorDocument
	if resp.StatusCode >= 300 && xml.Unmarshal(body, &doc) == nil {
		return resp.StatusCode, doc.Code, body
	}
	return resp.StatusCode, "", body
}

func (ts *testServer) setup(t *testing.T) {
	t.Helper()
	createBucket(t, ts.client("alice", "us-east-1"), "wire")
	putString(t, ts.client("alice", "us-east-1"), "wire", "object", "original")
}

func TestErrorDocument(t *testing.T) {
	ts := startServer(t)
	resp, err := ts.Client().Do(ts.signed(t, http.MethodGet, "/absent-bucket/some/key", nil, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc struct {
		XMLName    xml.Name `xml:"Error"`
		Code       string
		Message    string
		BucketName string
		Resource   string
		RequestID  string `xml:"RequestId"`
		HostID     string `xml:"HostId"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if resp.StatusCode != http.StatusNotFound || doc.Code != "NoSuchBucket" || doc.Message != "The specified bucket does not exist" ||
		doc.BucketName != "absent-bucket" || doc.Resource != "/absent-bucket/some/key" || doc.RequestID != resp.Header.Get("x-amz-request-id") ||
		len(doc.RequestID) != 16 || doc.HostID == "" || resp.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("%d %+v\n%s", resp.StatusCode, doc, body)
	}
	if rec := ts.lastRecord(); rec == nil || rec.Code != "NoSuchBucket" || rec.Status != 404 || rec.Operation != "GetObject" || rec.Principal.Name != "alice" {
		t.Errorf("record %+v", rec)
	}
}

func TestUnsignedAndUnservedRequests(t *testing.T) {
	ts := startServer(t)
	ts.setup(t)
	unsigned, _ := http.NewRequest(http.MethodGet, ts.URL+"/wire/object", nil)
	tests := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"anonymous", unsigned, 403, warden.EAccessDenied},
		{"upload part copy", ts.signed(t, http.MethodPut, "/wire/big?partNumber=1&uploadId=x", nil, "", func(r *http.Request) { r.Header.Set("X-Amz-Copy-Source", "/wire/object") }), 501, warden.ENotImplemented},
		{"get object by part number", ts.signed(t, http.MethodGet, "/wire/object?partNumber=1", nil, "", nil), 501, warden.ENotImplemented},
		{"copy object", ts.signed(t, http.MethodPut, "/wire/copy", nil, "", func(r *http.Request) { r.Header.Set("X-Amz-Copy-Source", "/wire/object") }), 501, warden.ENotImplemented},
		{"bucket ACL", ts.signed(t, http.MethodGet, "/wire?acl", nil, "", nil), 501, warden.ENotImplemented},
		{"POST to a bucket", ts.signed(t, http.MethodPost, "/wire", nil, "", nil), 405, warden.EMethodNotAllowed},
		{"PUT to the service", ts.signed(t, http.MethodPut, "/", nil, "", nil), 405, warden.EMethodNotAllowed},
		{"list-type 3", ts.signed(t, http.MethodGet, "/wire?list-type=3", nil, "", nil), 400, warden.EInvalidArgument},
		{"max-keys not a number", ts.signed(t, http.MethodGet, "/wire?list-type=2&max-keys=ten", nil, "", nil), 400, warden.EInvalidArgument},
		{"encoding-type other than url", ts.signed(t, http.MethodGet, "/wire?list-type=2&encoding-type=base64", nil, "", nil), 400, warden.EInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, body := ts.send(t, tt.req)
			if status != tt.status || code != tt.code {
				t.Errorf("%d %s, want %d %s\n%s", status, code, tt.status, tt.code, body)
			}
		})
	}
}

func TestBodiesThatFailTheirChecks(t *testing.T) {
	ts := startServer(t)
	ts.setup(t)
	body := []byte("replacement")
	wrongMD5 := md5.Sum([]byte("something else"))
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		{"payload hash of another body", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire/object", body, sha256Hex([]byte("declared")), nil)
		}, 400, warden.EXAmzContentSHA256Mismatch},
		{"Content-MD5 of another body", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire/object", body, "", func(r *http.Request) {
				r.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(wrongMD5[:]))
			})
		}, 400, warden.EBadDigest},
		{"Content-MD5 not an MD5", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire/object", body, "", func(r *http.Request) { r.Header.Set("Content-MD5", "bm90IG1kNQ==") })
		}, 400, warden.EInvalidDigest},
		{"CRC32 of another body", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire/object", body, "", func(r *http.Request) { r.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==") })
		}, 400, warden.EBadDigest},
		{"two checksums", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire/object", body, "", func(r *http.Request) {
				r.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==")
				r.Header.Set("X-Amz-Checksum-Sha1", "AAAAAA==")
			})
		}, 400, warden.EInvalidRequest},
		{"tagging without Content-MD5", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire?tagging", []byte("<Tagging><TagSet></TagSet></Tagging>"), "", nil)
		}, 400, warden.EInvalidRequest},
		{"metadata over 2 KB", func() *http.Request {
			return ts.signed(t, http.MethodPut, "/wire/object", body, "", func(r *http.Request) { r.Header.Set("X-Amz-Meta-Big", strings.Repeat("m", 2100)) })
		}, 400, warden.EMetadataTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, resp := ts.send(t, tt.req())
			if status != tt.status || code != tt.code {
				t.Errorf("%d %s, want %d %s\n%s", status, code, tt.status, tt.code, resp)
			}
			if got := getString(t, ts.client("alice", "us-east-1"), "wire", "object"); got != "original" {
				t.Errorf("object now %q", got)
			}
		})
	}
}

// chunkSigner signs aws-chunked bodies following the S3 documentation
// with crypto/hmac, independently of the sigv4 package.
type chunkSigner struct {
	key      []byte
	scope    string
	amzDate  string
	previous string
}

func newChunkSigner(t *testing.T, req *http.Request) *chunkSigner {
	t.Helper()
	auth := req.Header.Get("Authorization")
	_, seed, _ := strings.Cut(auth, "Signature=")
	_, credential, _ := strings.Cut(auth, "Credential=")
	credential, _, _ = strings.Cut(credential, ",")
	_, scope, _ := strings.Cut(credential, "/")
	key := []byte("AWS4" + identities["alice"].secret)
	for part := range strings.SplitSeq(scope, "/") {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(part))
		key = h.Sum(nil)
	}
	return &chunkSigner{key: key, scope: scope, amzDate: req.Header.Get("X-Amz-Date"), previous: seed}
}

func (c *chunkSigner) chunk(data []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	h.Write([]byte("AWS4-HMAC-SHA256-PAYLOAD\n" + c.amzDate + "\n" + c.scope + "\n" + c.previous + "\n" + emptySHA256 + "\n" + sha256Hex(data)))
	c.previous = hex.EncodeToString(h.Sum(nil))
	return append([]byte(strconv.FormatInt(int64(len(data)), 16)+";chunk-signature="+c.previous+"\r\n"), append(data, "\r\n"...)...)
}

// chunkedPut signs a PutObject of data sent aws-chunked in 64 KiB chunks;
// edit may alter the encoded body after signing.
func (ts *testServer) chunkedPut(t *testing.T, key string, data []byte, edit func([]byte) []byte) *http.Request {
	t.Helper()
	var encoded []byte
	// The encoded length is signed (Content-Length), so it is computed
	// from a dry run with a throwaway signer of the same shape.
	dry := &chunkSigner{key: []byte("k"), previous: strings.Repeat("0", 64)}
	for chunk := range slices.Chunk(data, 64<<10) {
		encoded = append(encoded, dry.chunk(chunk)...)
	}
	encoded = append(encoded, dry.chunk(nil)...)
	size := len(encoded)

	req := ts.signed(t, http.MethodPut, "/wire/"+key, nil, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", func(r *http.Request) {
		r.Header.Set("Content-Encoding", "aws-chunked")
		r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
		r.ContentLength = int64(size)
	})
	signer := newChunkSigner(t, req)
	encoded = nil
	for chunk := range slices.Chunk(data, 64<<10) {
		encoded = append(encoded, signer.chunk(chunk)...)
	}
	encoded = append(encoded, signer.chunk(nil)...)
	if edit != nil {
		encoded = edit(encoded)
	}
	req.Body = io.NopCloser(bytes.NewReader(encoded))
	req.ContentLength = int64(len(encoded))
	return req
}

func TestChunkedSignedUpload(t *testing.T) {
	ts := startServer(t)
	ts.setup(t)
	data := bytes.Repeat([]byte("signed chunk by chunk. "), 20000) // 460 KB: 8 chunks

	status, code, body := ts.send(t, ts.chunkedPut(t, "chunked", data, nil))
	if status != http.StatusOK {
		t.Fatalf("%d %s\n%s", status, code, body)
	}
	if got := getString(t, ts.client("alice", "us-east-1"), "wire", "chunked"); got != string(data) {
		t.Fatalf("stored %d bytes", len(got))
	}

	tests := []struct {
		name   string
		edit   func([]byte) []byte
		status int
		code   string
	}{
		{"a byte changed in the third chunk", func(b []byte) []byte { b[3*(64<<10)] ^= 1; return b }, 403, warden.ESignatureDoesNotMatch},
		{"a chunk signature changed", func(b []byte) []byte {
			// Another hex digit, so the header stays well formed and only the
			// signature is wrong.
			i := bytes.Index(b, []byte("chunk-signature=")) + len("chunk-signature=")
			if b[i] == '0' {
				b[i] = '1'
			} else {
				b[i] = '0'
			}
			return b
		}, 403, warden.ESignatureDoesNotMatch},
		{"truncated", nil, 400, warden.EIncompleteBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := ts.chunkedPut(t, "object", data, tt.edit)
			var status int
			var code string
			var body []byte
			if tt.edit == nil {
				status, code, body = ts.sendTruncated(t, req)
			} else {
				status, code, body = ts.send(t, req)
			}
			if status != tt.status || code != tt.code {
				t.Errorf("%d %s, want %d %s\n%s", status, code, tt.status, tt.code, body)
			}
			if got := getString(t, ts.client("alice", "us-east-1"), "wire", "object"); got != "original" {
				t.Errorf("object replaced by a body that failed its check: %d bytes", len(got))
			}
		})
	}
}

// sendTruncated sends the request with only the first half of its body
// and then shuts the connection for writing, as a client that dies
// mid-upload does.
func (ts *testServer) sendTruncated(t *testing.T, req *http.Request) (int, string, []byte) {
	t.Helper()
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Fatal(err)
	}
	cut := wire.Len() - int(req.ContentLength)/2
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(wire.Bytes()[:cut]); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc errorDocument
	_ = xml.Unmarshal(body, &doc)
	return resp.StatusCode, doc.Code, body
}

func TestDeniedCallsAreRecorded(t *testing.T) {
	ts := startServer(t)
	ts.setup(t)
	ts.authz.reset()
	ts.authz.deny = func(c *authz.Call) bool { return c.Action == "s3:PutObject" }
	status, code, _ := ts.send(t, ts.signed(t, http.MethodPut, "/wire/object", []byte("x"), "", nil))
	if status != 403 || code != warden.EAccessDenied {
		t.Fatalf("%d %s", status, code)
	}
	calls := ts.authz.calls()
	if len(calls) != 1 || calls[0].Resource != "arn:aws:s3:::wire/object" || calls[0].ResourceAccount != accountA || calls[0].ResourcePolicy != nil {
		t.Errorf("calls %+v", calls)
	}
	if rec := ts.lastRecord(); rec.Operation != "PutObject" || rec.Code != warden.EAccessDenied || rec.Bucket != "wire" || rec.Key != "object" {
		t.Errorf("record %+v", rec)
	}
	if got := getString(t, ts.client("alice", "us-east-1"), "wire", "object"); got != "original" {
		t.Errorf("object now %q", got)
	}
}
