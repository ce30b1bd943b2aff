package s3api

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sigv4"
)

// This file checks the integrity values a client may send with a body
// ("Checking object integrity in Amazon S3"): Content-MD5, and one
// x-amz-checksum-ALGORITHM given as a header or, with aws-chunked bodies,
// as a trailing header.

// checksumAlgorithms are the algorithms S3 accepts, by the suffix of their
// header name.
var checksumAlgorithms = map[string]func() hash.Hash{
	"crc32":     func() hash.Hash { return crc32.NewIEEE() },
	"crc32c":    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"crc64nvme": func() hash.Hash { return crc64.New(crc64NVME) },
	"sha1":      sha1.New,
	"sha256":    sha256.New,
}

// crc64NVME is the table of CRC-64/NVME, whose polynomial is
// 0xad93d23594c93659; hash/crc64 takes it bit-reversed.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

const checksumHeaderPrefix = "x-amz-checksum-"

// checkedBody verifies a body's integrity values once it has been read to
// the end; its Read returns BadDigest instead of io.EOF when one differs.
type checkedBody struct {
	r io.Reader

	md5     hash.Hash
	wantMD5 []byte

	algorithm string // "" when the client sent no checksum
	sum       hash.Hash
	want      string // base64; "" when it comes in the trailer
	trailer   *sigv4.ChunkedReader
	err       error
}

// newCheckedBody reads the request's integrity headers and wraps body.
// Content-MD5 is checked here only with checkMD5; PutObject leaves it to
// the store, which computes the MD5 for the ETag anyway.
func newCheckedBody(req *request, body io.Reader, checkMD5 bool) (*checkedBody, error) {
	cb := &checkedBody{r: body}
	if checkMD5 {
		want, err := contentMD5(req)
		if err != nil {
			return nil, err
		}
		if want != nil {
			cb.md5, cb.wantMD5 = md5.New(), want
		}
	}
	for name, newHash := range checksumAlgorithms {
		value := req.r.Header.Get(checksumHeaderPrefix + name)
		trailed := containsFold(req.auth.Trailer, checksumHeaderPrefix+name)
		if value == "" && !trailed {
			continue
		}
		if cb.algorithm != "" {
			return nil, warden.Errorf(warden.EInvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		cb.algorithm, cb.sum, cb.want = name, newHash(), value
		if trailed {
			cb.trailer, _ = body.(*sigv4.ChunkedReader)
		}
	}
	if declared := strings.ToLower(req.r.Header.Get("X-Amz-Sdk-Checksum-Algorithm")); declared != "" && declared != cb.algorithm {
		return nil, warden.Errorf(warden.EInvalidRequest, "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.")
	}
	return cb, nil
}

// contentMD5 decodes the Content-MD5 header: nil when absent, InvalidDigest
// when it is not a base64 MD5.
func contentMD5(req *request) ([]byte, error) {
	value := req.r.Header.Get("Content-Md5")
	if value == "" {
		return nil, nil
	}
	sum, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(sum) != md5.Size {
		return nil, warden.Errorf(warden.EInvalidDigest, "The Content-MD5 you specified was invalid.")
	}
	return sum, nil
}

func (cb *checkedBody) Read(p []byte) (int, error) {
	if cb.err != nil {
		return 0, cb.err
	}
	n, err := cb.r.Read(p)
	if cb.md5 != nil {
		cb.md5.Write(p[:n])
	}
	if cb.sum != nil {
		cb.sum.Write(p[:n])
	}
	if err == io.EOF {
		err = cb.verify()
	}
	if err != nil {
		cb.err = err
	}
	return n, err
}

func (cb *checkedBody) verify() error {
	if cb.md5 != nil && !bytes.Equal(cb.md5.Sum(nil), cb.wantMD5) {
		return warden.Errorf(warden.EBadDigest, "The Content-MD5 you specified did not match what we received.")
	}
	if cb.sum == nil {
		return io.EOF
	}
	want := cb.want
	if cb.trailer != nil {
		want = cb.trailer.Trailer(checksumHeaderPrefix + cb.algorithm)
	}
	if base64.StdEncoding.EncodeToString(cb.sum.Sum(nil)) != want {
		return warden.Errorf(warden.EBadDigest, "The %s you specified did not match the calculated checksum.", strings.ToUpper(cb.algorithm))
	}
	return io.EOF
}

// Checksum returns the header name and value of the checksum the client
// sent, verified, once the body has been read; "" when it sent none.
func (cb *checkedBody) Checksum() (header, value string) {
	if cb.sum == nil || cb.err != io.EOF {
		return "", ""
	}
	return checksumHeaderPrefix + cb.algorithm, base64.StdEncoding.EncodeToString(cb.sum.Sum(nil))
}

// hasIntegrityValue reports whether the request carries Content-MD5 or a
// checksum, which S3 requires of some operations (PutBucketTagging,
// DeleteObjects).
func hasIntegrityValue(req *request) bool {
	if req.r.Header.Get("Content-Md5") != "" {
		return true
	}
	for name := range checksumAlgorithms {
		if req.r.Header.Get(checksumHeaderPrefix+name) != "" || containsFold(req.auth.Trailer, checksumHeaderPrefix+name) {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// readBody reads a small request body (a policy, a tag set, a list of keys
// to delete) whole, with every integrity check of the request passed.
// requireIntegrity demands Content-MD5 or a checksum, as S3 does for
// operations whose body it must not misread.
func (h *Handler) readBody(req *request, limit int64, requireIntegrity bool) ([]byte, error) {
	if requireIntegrity && !hasIntegrityValue(req) {
		return nil, warden.Errorf(warden.EInvalidRequest, "Missing required header for this request: Content-MD5")
	}
	cb, err := newCheckedBody(req, req.auth.VerifiedBody(req.r.Body), true)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(cb, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, warden.Errorf(warden.EEntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
	}
	return data, nil
}
