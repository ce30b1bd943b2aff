package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

// chunkEncoder writes aws-chunked bodies following the S3 documentation
// step by step with crypto/hmac and none of the package's code, so that
// the decoder is checked against the specification rather than itself.
type chunkEncoder struct {
	secret, amzDate, scope string
	previous               string // hex signature of the previous chunk; the seed first
	unsigned               bool
}

func (e *chunkEncoder) key() []byte {
	key := []byte("AWS4" + e.secret)
	for part := range strings.SplitSeq(e.scope, "/") {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(part))
		key = h.Sum(nil)
	}
	return key
}

func (e *chunkEncoder) sign(stringToSign string) string {
	h := hmac.New(sha256.New, e.key())
	h.Write([]byte(stringToSign))
	return hex.EncodeToString(h.Sum(nil))
}

// chunk encodes one chunk (the last one when data is empty).
func (e *chunkEncoder) chunk(data []byte) string {
	if e.unsigned {
		return strconv.FormatInt(int64(len(data)), 16) + "\r\n" + string(data) + "\r\n"
	}
	sum := sha256.Sum256(data)
	sig := e.sign("AWS4-HMAC-SHA256-PAYLOAD\n" + e.amzDate + "\n" + e.scope + "\n" + e.previous + "\n" +
		sha256Hex("") + "\n" + hex.EncodeToString(sum[:]))
	e.previous = sig
	return strconv.FormatInt(int64(len(data)), 16) + ";chunk-signature=" + sig + "\r\n" + string(data) + "\r\n"
}

// body encodes data in chunks of size bytes, then the final chunk and,
// when trailers are given, the trailer (signed unless unsigned).
func (e *chunkEncoder) body(data []byte, size int, trailers [][2]string) string {
	var b strings.Builder
	for len(data) > 0 {
		n := min(size, len(data))
		b.WriteString(e.chunk(data[:n]))
		data = data[n:]
	}
	last := e.chunk(nil)
	if trailers == nil {
		b.WriteString(last)
		return b.String()
	}
	b.WriteString(strings.TrimSuffix(last, "\r\n"))
	var canonical strings.Builder
	for _, t := range trailers {
		b.WriteString(t[0] + ":" + t[1] + "\r\n")
		canonical.WriteString(t[0] + ":" + t[1] + "\n")
	}
	if !e.unsigned {
		sig := e.sign("AWS4-HMAC-SHA256-TRAILER\n" + e.amzDate + "\n" + e.scope + "\n" + e.previous + "\n" + sha256Hex(canonical.String()))
		b.WriteString("x-amz-trailer-signature:" + sig + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// The complete example of "Signature Calculations for the Authorization
// Header: Transferring Payload in Multiple Chunks": 65 KB of 'a' in 64 KB
// chunks, with the seed and chunk signatures the documentation prints.
func TestChunkedUploadDocumentationExample(t *testing.T) {
	data := strings.Repeat("a", 65*1024)
	body := "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" + data[:65536] + "\r\n" +
		"400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" + data[65536:] + "\r\n" +
		"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
	wire := "PUT /examplebucket/chunkObject.txt HTTP/1.1\r\n" +
		"Host: s3.amazonaws.com\r\n" +
		"x-amz-date: 20130524T000000Z\r\n" +
		"x-amz-storage-class: REDUCED_REDUNDANCY\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\r\n" +
		"x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\n" +
		"Content-Encoding: aws-chunked\r\n" +
		"x-amz-decoded-content-length: 66560\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	if len(body) != 66824 {
		t.Fatalf("encoded length %d, the documentation says 66824", len(body))
	}

	t.Run("verifies", func(t *testing.T) {
		r := parseWire(t, wire)
		res := mustVerifyS3(t, docVerifier(docTime), r)
		if res.Payload != PayloadChunked || res.DecodedContentLength != 66560 {
			t.Fatalf("result %+v", res)
		}
		got, err := io.ReadAll(res.VerifiedBody(r.Body))
		if err != nil || string(got) != data {
			t.Fatalf("decoded %d bytes, %v", len(got), err)
		}
	})

	// Each variant changes the body the seed signature chains to.
	tampered := []struct {
		name, from, to, code string
	}{
		{"a byte of data", "aaaa\r\n400;", "aaab\r\n400;", warden.ESignatureDoesNotMatch},
		{"a chunk signature", "ad80c730", "ad80c731", warden.ESignatureDoesNotMatch},
		{"the final signature", "b6c6ea8a", "b6c6ea8b", warden.ESignatureDoesNotMatch},
		{"chunks swapped for a re-signed copy", "0055627c", "ad80c730", warden.ESignatureDoesNotMatch},
		{"no chunk signature", ";chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", "", warden.EInvalidRequest},
		{"size not hex", "400;", "4g0;", warden.EInvalidRequest},
		{"LF without CR", "\r\n0;chunk", "\n0;chunk", warden.EInvalidRequest},
		{"content after the body", "449df9\r\n\r\n", "449df9\r\n\r\nX", warden.EUnexpectedContent},
	}
	for _, tt := range tampered {
		t.Run("tampered: "+tt.name, func(t *testing.T) {
			tamperedBody := strings.Replace(body, tt.from, tt.to, 1)
			if tamperedBody == body {
				t.Fatalf("%q not in body", tt.from)
			}
			r := parseWire(t, strings.Replace(wire, body, tamperedBody, 1))
			res := mustVerifyS3(t, docVerifier(docTime), r)
			// The request signature covers Content-Length, so the reader
			// is given the tampered body directly.
			_, err := io.ReadAll(res.VerifiedBody(strings.NewReader(tamperedBody)))
			wantCode(t, err, tt.code)
		})
	}

	t.Run("truncated", func(t *testing.T) {
		for _, cut := range []int{0, 10, 90, 65536, len(body) - 3} {
			r := parseWire(t, wire)
			res := mustVerifyS3(t, docVerifier(docTime), r)
			_, err := io.ReadAll(res.VerifiedBody(strings.NewReader(body[:cut])))
			wantCode(t, err, warden.EIncompleteBody)
		}
	})
}

// chunkedRequest signs a request announcing an aws-chunked body of
// decodedLength bytes with the given X-Amz-Content-Sha256 and trailer.
func chunkedRequest(t *testing.T, declared string, decodedLength int, trailer string) (*http.Request, *chunkEncoder) {
	t.Helper()
	r := s3Request(t, http.MethodPut, "http://127.0.0.1:9000/bucket/key", "", declared, testTime, func(r *http.Request) {
		r.Header.Set("Content-Encoding", "aws-chunked")
		r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(decodedLength))
		if trailer != "" {
			r.Header.Set("X-Amz-Trailer", trailer)
		}
	})
	res := mustVerifyS3(t, s3Verifier(testTime), r)
	return r, &chunkEncoder{secret: testSecret, amzDate: testTime.Format(amzDateLayout), scope: "20261122/us-east-1/s3/aws4_request",
		previous: res.Signature, unsigned: declared == StreamingUnsignedTrailer}
}

func TestChunkedBodies(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 2048) // 32 KiB
	const checksum = "x-amz-checksum-crc32"
	tests := []struct {
		name      string
		declared  string
		trailer   string
		chunkSize int
		trailers  [][2]string
		edit      func(string) string
		length    int
		code      string // "" when the body must decode to data
	}{
		{name: "signed", declared: StreamingSigned, chunkSize: 8192},
		{name: "signed, one chunk", declared: StreamingSigned, chunkSize: len(data)},
		{name: "signed, last chunk short", declared: StreamingSigned, chunkSize: 10000},
		{name: "signed, chunk under 8 KB before the last", declared: StreamingSigned, chunkSize: 4096, code: warden.EInvalidChunkSizeError},
		{name: "signed with trailer", declared: StreamingSignedTrailer, trailer: checksum, chunkSize: 8192,
			trailers: [][2]string{{checksum, "sOO8/Q=="}}},
		{name: "signed trailer altered", declared: StreamingSignedTrailer, trailer: checksum, chunkSize: 8192,
			trailers: [][2]string{{checksum, "sOO8/Q=="}}, edit: func(s string) string { return strings.Replace(s, "sOO8/Q==", "AAAAAA==", 1) },
			code: warden.ESignatureDoesNotMatch},
		{name: "signed trailer without its signature", declared: StreamingSignedTrailer, trailer: checksum, chunkSize: 8192,
			trailers: [][2]string{{checksum, "sOO8/Q=="}},
			edit: func(s string) string {
				i := strings.Index(s, "x-amz-trailer-signature:")
				return s[:i] + "\r\n"
			},
			code: warden.EMalformedTrailerError},
		{name: "unsigned with trailer", declared: StreamingUnsignedTrailer, trailer: checksum, chunkSize: 1000,
			trailers: [][2]string{{checksum, "sOO8/Q=="}}},
		{name: "unsigned, trailer not announced", declared: StreamingUnsignedTrailer, trailer: checksum, chunkSize: 1000,
			trailers: [][2]string{{"x-amz-checksum-sha256", "abc="}}, code: warden.EMalformedTrailerError},
		{name: "unsigned, announced trailer missing", declared: StreamingUnsignedTrailer, trailer: checksum, chunkSize: 1000,
			trailers: [][2]string{}, code: warden.EMalformedTrailerError},
		{name: "decoded length larger than the body", declared: StreamingSigned, chunkSize: 8192, length: len(data) + 1, code: warden.EIncompleteBody},
		{name: "decoded length smaller than the body", declared: StreamingSigned, chunkSize: 8192, length: len(data) - 1, code: warden.EIncompleteBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			length := tt.length
			if length == 0 {
				length = len(data)
			}
			r, enc := chunkedRequest(t, tt.declared, length, tt.trailer)
			res := mustVerifyS3(t, s3Verifier(testTime), r)
			body := enc.body(data, tt.chunkSize, tt.trailers)
			if tt.edit != nil {
				body = tt.edit(body)
			}
			reader := res.VerifiedBody(strings.NewReader(body))
			got, err := io.ReadAll(reader)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("decoded %d bytes, %v", len(got), err)
			}
			for _, tr := range tt.trailers {
				if v := reader.(*ChunkedReader).Trailer(tr[0]); v != tr[1] {
					t.Errorf("trailer %s = %q, want %q", tr[0], v, tr[1])
				}
			}
		})
	}
}

// fuzzEncoder and fuzzChain are an encoder and the decoder's chain for the
// same made-up request.
func fuzzEncoder(unsigned bool) *chunkEncoder {
	return &chunkEncoder{secret: testSecret, amzDate: "20261122T101500Z", scope: "20261122/us-east-1/s3/aws4_request",
		previous: strings.Repeat("ab", 32), unsigned: unsigned}
}

func fuzzChain(unsigned bool) *chunkChain {
	if unsigned {
		return nil
	}
	e := fuzzEncoder(false)
	var seed [sha256.Size]byte
	hex.Decode(seed[:], []byte(e.previous))
	return &chunkChain{key: [sha256.Size]byte(e.key()), amzDate: e.amzDate, scope: e.scope, previous: seed}
}

func FuzzChunkedReader(f *testing.F) {
	const checksum = "x-amz-checksum-crc32"
	f.Add([]byte(fuzzEncoder(false).body([]byte("hello"), 8192, nil)), false, int64(5))
	f.Add([]byte(fuzzEncoder(false).body(bytes.Repeat([]byte("x"), 9000), 8192, nil)), false, int64(9000))
	f.Add([]byte(fuzzEncoder(true).body([]byte("hello world"), 4, [][2]string{{checksum, "AAAAAA=="}})), true, int64(11))
	f.Add([]byte("0\r\n"+checksum+":x\r\n\r\n"), true, int64(0))
	f.Add([]byte("ffffffffffffffff\r\n"), true, int64(1<<40))
	f.Add([]byte("5;chunk-signature=zz\r\nhello\r\n"), false, int64(5))
	f.Fuzz(func(t *testing.T, body []byte, unsigned bool, decodedLength int64) {
		decodedLength = max(decodedLength, 0)
		// Unsigned bodies carry a checksum trailer; signed ones here none.
		cr := newChunkedReader(bytes.NewReader(body), fuzzChain(unsigned), unsigned, []string{checksum}, decodedLength)
		got, err := io.ReadAll(cr)
		if err != nil {
			if _, ok := errors.AsType[*warden.Error](err); !ok {
				t.Fatalf("error %v is not a domain error", err)
			}
			return
		}
		if int64(len(got)) != decodedLength || len(got) > len(body) {
			t.Fatalf("decoded %d bytes of a %d-byte body, announced %d", len(got), len(body), decodedLength)
		}
		// What was accepted, encoded again, decodes to the same.
		var trailers [][2]string
		if unsigned {
			trailers = [][2]string{{checksum, cr.Trailer(checksum)}}
		}
		again := fuzzEncoder(unsigned).body(got, max(len(got), 1), trailers)
		round, err := io.ReadAll(newChunkedReader(strings.NewReader(again), fuzzChain(unsigned), unsigned, []string{checksum}, decodedLength))
		if err != nil || !bytes.Equal(round, got) {
			t.Fatalf("re-encoded body decodes to %d bytes, %v", len(round), err)
		}
	})
}

func BenchmarkChunkedReader(b *testing.B) {
	data := bytes.Repeat([]byte("a"), 1<<20)
	e := &chunkEncoder{secret: testSecret, amzDate: "20261122T101500Z", scope: "20261122/us-east-1/s3/aws4_request", previous: strings.Repeat("ab", 32)}
	body := e.body(data, 64<<10, nil)
	var seed [sha256.Size]byte
	hex.Decode(seed[:], []byte(strings.Repeat("ab", 32)))
	key := [sha256.Size]byte(e.key())
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		cr := newChunkedReader(strings.NewReader(body), &chunkChain{key: key, amzDate: e.amzDate, scope: e.scope, previous: seed}, false, nil, int64(len(data)))
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{cr}, buf); err != nil {
			b.Fatal(err)
		}
	}
}
