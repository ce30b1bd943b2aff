package sigv4

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/warden-iam/warden"
)

// The S3 documentation's examples ("Examples: Signature Calculations in
// AWS Signature Version 4" and "… Transferring Payload in Multiple Chunks")
// are signed with this key at this time.
const (
	docKeyID  = "AKIAIOSFODNN7EXAMPLE"
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var docTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func docVerifier(now time.Time) *Verifier {
	return &Verifier{
		Credentials: memoryStore{docKeyID: {AccessKeyID: docKeyID, SecretAccessKey: docSecret}},
		Services:    map[string]bool{"iam": true},
		Now:         func() time.Time { return now },
	}
}

// mustVerifyS3 fails the test unless the request verifies, and shows the
// canonical request the verifier built when the signature did not match.
func mustVerifyS3(t tb, v *Verifier, r *http.Request) *S3Result {
	t.Helper()
	res, err := v.VerifyS3(r)
	if err != nil {
		if m, ok := errors.AsType[*MismatchError](err); ok {
			t.Fatalf("VerifyS3: %v\ncanonical request:\n%s\nstring to sign:\n%s", err, m.CanonicalRequest, m.StringToSign)
		}
		t.Fatalf("VerifyS3: %v", err)
	}
	return res
}

func TestVerifyS3DocumentationExamples(t *testing.T) {
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		name string
		wire string
		body string
	}{
		{
			name: "GET object with a range",
			wire: "GET /test.txt HTTP/1.1\r\n" +
				"Host: examplebucket.s3.amazonaws.com\r\n" +
				"Range: bytes=0-9\r\n" +
				"x-amz-content-sha256: " + emptyHash + "\r\n" +
				"x-amz-date: 20130524T000000Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41\r\n\r\n",
		},
		{
			name: "PUT object with an escaped key",
			wire: "PUT /test%24file.text HTTP/1.1\r\n" +
				"Host: examplebucket.s3.amazonaws.com\r\n" +
				"Date: Fri, 24 May 2013 00:00:00 GMT\r\n" +
				"x-amz-date: 20130524T000000Z\r\n" +
				"x-amz-storage-class: REDUCED_REDUNDANCY\r\n" +
				"x-amz-content-sha256: 44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd\r\n" +
				"Content-Length: 21\r\n\r\n" +
				"Welcome to Amazon S3.",
			body: "Welcome to Amazon S3.",
		},
		{
			name: "list objects",
			wire: "GET /?max-keys=2&prefix=J HTTP/1.1\r\n" +
				"Host: examplebucket.s3.amazonaws.com\r\n" +
				"x-amz-content-sha256: " + emptyHash + "\r\n" +
				"x-amz-date: 20130524T000000Z\r\n" +
				"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7\r\n\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseWire(t, tt.wire)
			res := mustVerifyS3(t, docVerifier(docTime), r)
			if res.Payload != PayloadSigned || res.Service != "s3" || res.Region != "us-east-1" {
				t.Errorf("result %+v", res)
			}
			got, err := io.ReadAll(res.VerifiedBody(r.Body))
			if err != nil || string(got) != tt.body {
				t.Errorf("body %q, %v; want %q", got, err, tt.body)
			}
		})
	}
}

// parseWire parses a request as the server would, leaving the body unread.
func parseWire(t tb, wire string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(wire)))
	if err != nil {
		t.Fatalf("parsing request: %v", err)
	}
	return r
}

// s3Request signs an S3 request with aws-sdk-go-v2's signer configured as
// the SDK's S3 client configures it (no second path escaping).
func s3Request(t tb, method, url, body, payloadHash string, at time.Time, prepare func(*http.Request)) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	if payloadHash == "" {
		payloadHash = sha256Hex(body)
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	if prepare != nil {
		prepare(req)
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}
	if err := signer.SignHTTP(context.Background(), creds, req, payloadHash, "s3", "us-east-1", at); err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
	out, _ := overTheWire(t, req)
	// overTheWire read the body; put it back for the verifying reader.
	out.Body = io.NopCloser(strings.NewReader(body))
	return out
}

func s3Verifier(now time.Time) *Verifier {
	v := newTestVerifier(now)
	v.Services = map[string]bool{"iam": true} // VerifyS3 needs no "s3" here
	return v
}

func TestVerifyS3Paths(t *testing.T) {
	// Keys whose paths another service would normalize or escape again.
	for _, path := range []string{
		"/bucket/a/../b",
		"/bucket/a//b/./c",
		"/bucket/with%20space/%E2%9C%93",
		"/bucket/a%2Fb",
		"/bucket/",
		"/",
	} {
		t.Run(path, func(t *testing.T) {
			r := s3Request(t, http.MethodGet, "http://127.0.0.1:9000"+path, "", "", testTime, nil)
			mustVerifyS3(t, s3Verifier(testTime), r)
		})
	}
}

func TestVerifyS3ClientEscaping(t *testing.T) {
	// botocore leaves '!', '(' and ')' unescaped in paths and signs them as
	// sent; a client that escapes with lowercase hex signs the canonical
	// form. Both verify, and each is the same key.
	for _, tt := range []struct{ sent, signed string }{
		{"/bucket/a!b(c)", "/bucket/a!b(c)"},
		{"/bucket/a!b(c)", "/bucket/a%21b%28c%29"},
		{"/bucket/%e2%9c%93", "/bucket/%E2%9C%93"},
	} {
		t.Run(tt.sent+" signed as "+tt.signed, func(t *testing.T) {
			amzDate := testTime.Format(amzDateLayout)
			scope := "20261122/us-east-1/s3/aws4_request"
			canonical := "GET\n" + tt.signed + "\n\nhost:127.0.0.1:9000\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:" + amzDate +
				"\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"
			sig := independentSignature(testSecret, amzDate, scope, canonical)
			r := parseWire(t, "GET "+tt.sent+" HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nX-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\nX-Amz-Date: "+amzDate+
				"\r\nAuthorization: AWS4-HMAC-SHA256 Credential="+testAccessKeyID+"/"+scope+", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="+sig+"\r\n\r\n")
			mustVerifyS3(t, s3Verifier(testTime), r)
		})
	}
}

func TestVerifyS3PayloadKinds(t *testing.T) {
	const body = "hello, object"
	t.Run("signed payload", func(t *testing.T) {
		r := s3Request(t, http.MethodPut, "http://127.0.0.1:9000/b/k", body, "", testTime, nil)
		res := mustVerifyS3(t, s3Verifier(testTime), r)
		got, err := io.ReadAll(res.VerifiedBody(r.Body))
		if err != nil || string(got) != body {
			t.Fatalf("body %q, %v", got, err)
		}
	})
	t.Run("signed payload, body swapped in flight", func(t *testing.T) {
		r := s3Request(t, http.MethodPut, "http://127.0.0.1:9000/b/k", body, "", testTime, nil)
		res := mustVerifyS3(t, s3Verifier(testTime), r)
		_, err := io.ReadAll(res.VerifiedBody(strings.NewReader("HELLO, OBJECT")))
		wantCode(t, err, warden.EXAmzContentSHA256Mismatch)
	})
	t.Run("unsigned payload", func(t *testing.T) {
		r := s3Request(t, http.MethodPut, "http://127.0.0.1:9000/b/k", body, UnsignedPayload, testTime, nil)
		res := mustVerifyS3(t, s3Verifier(testTime), r)
		if res.Payload != PayloadUnsigned {
			t.Fatalf("payload kind %v", res.Payload)
		}
	})
	t.Run("no x-amz-content-sha256", func(t *testing.T) {
		r := s3Request(t, http.MethodGet, "http://127.0.0.1:9000/b/k", "", "", testTime, nil)
		r.Header.Del("X-Amz-Content-Sha256")
		_, err := s3Verifier(testTime).VerifyS3(r)
		wantCode(t, err, warden.EInvalidRequest)
	})
	t.Run("a value that is no hash", func(t *testing.T) {
		r := s3Request(t, http.MethodGet, "http://127.0.0.1:9000/b/k", "", "NOT-A-HASH", testTime, nil)
		_, err := s3Verifier(testTime).VerifyS3(r)
		wantCode(t, err, warden.EInvalidArgument)
	})
	t.Run("SigV4a streaming", func(t *testing.T) {
		r := s3Request(t, http.MethodPut, "http://127.0.0.1:9000/b/k", "", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", testTime, nil)
		_, err := s3Verifier(testTime).VerifyS3(r)
		wantCode(t, err, warden.EInvalidRequest)
	})
	t.Run("aws-chunked without decoded length", func(t *testing.T) {
		r := s3Request(t, http.MethodPut, "http://127.0.0.1:9000/b/k", "", StreamingSigned, testTime, nil)
		_, err := s3Verifier(testTime).VerifyS3(r)
		wantCode(t, err, warden.EMissingContentLength)
	})
}

func TestVerifyS3Failures(t *testing.T) {
	get := func(prepare func(*http.Request)) *http.Request {
		return s3Request(t, http.MethodGet, "http://127.0.0.1:9000/b/k", "", "", testTime, prepare)
	}
	tests := []struct {
		name string
		r    func(t *testing.T) *http.Request
		now  time.Time
		code string
	}{
		{"wrong signature", func(t *testing.T) *http.Request {
			r := get(nil)
			auth := r.Header.Get("Authorization")
			last := "0"
			if strings.HasSuffix(auth, "0") {
				last = "1"
			}
			r.Header.Set("Authorization", auth[:len(auth)-1]+last)
			return r
		}, testTime, warden.ESignatureDoesNotMatch},
		{"tampered header", func(t *testing.T) *http.Request {
			r := get(func(r *http.Request) { r.Header.Set("Range", "bytes=0-9") })
			r.Header.Set("Range", "bytes=0-99")
			return r
		}, testTime, warden.ESignatureDoesNotMatch},
		{"unknown key", func(t *testing.T) *http.Request {
			r := get(nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testAccessKeyID, "AKIANOTKNOWNEXAMPLE", 1))
			return r
		}, testTime, warden.EInvalidAccessKeyID},
		{"clock skew", func(t *testing.T) *http.Request { return get(nil) }, testTime.Add(16 * time.Minute), warden.ERequestTimeTooSkewed},
		{"scoped to iam", func(t *testing.T) *http.Request {
			r := get(nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/s3/", "/iam/", 1))
			return r
		}, testTime, warden.EAuthorizationHeaderMalformed},
		{"malformed header", func(t *testing.T) *http.Request {
			r := get(nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=nonsense")
			return r
		}, testTime, warden.EAuthorizationHeaderMalformed},
		{"unsigned", func(t *testing.T) *http.Request {
			r := get(nil)
			r.Header.Del("Authorization")
			return r
		}, testTime, warden.EMissingAuthenticationToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s3Verifier(tt.now).VerifyS3(tt.r(t))
			wantCode(t, err, tt.code)
		})
	}
}

func TestVerifyS3SessionTokens(t *testing.T) {
	sign := func(token string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/b/k", nil)
		req.Header.Set("X-Amz-Content-Sha256", sha256Hex(""))
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		creds := aws.Credentials{AccessKeyID: testTempKeyID, SecretAccessKey: testTempSecret, SessionToken: token}
		if err := signer.SignHTTP(context.Background(), creds, req, sha256Hex(""), "s3", "us-east-1", testTime); err != nil {
			t.Fatal(err)
		}
		r, _ := overTheWire(t, req)
		return r
	}
	mustVerifyS3(t, s3Verifier(testTime), sign(testSessionToken))
	_, err := s3Verifier(testTime).VerifyS3(sign("another-token"))
	wantCode(t, err, warden.EInvalidToken)
	_, err = s3Verifier(testTime.Add(2 * time.Hour)).VerifyS3(sign(testSessionToken))
	if err == nil {
		t.Fatal("expired session verified")
	}
	// Two hours on, the request itself is too old as well; with the clock
	// window widened only the token's expiry remains.
	v := s3Verifier(testTime.Add(2 * time.Hour))
	v.MaxSkew = 3 * time.Hour
	_, err = v.VerifyS3(sign(testSessionToken))
	wantCode(t, err, warden.EExpiredToken)
}

func TestVerifyS3Presigned(t *testing.T) {
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/bucket/some%20key?X-Amz-Expires=60", nil)
	creds := aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}
	url, _, err := signer.PresignHTTP(context.Background(), creds, req, UnsignedPayload, "s3", "us-east-1", testTime)
	if err != nil {
		t.Fatal(err)
	}
	presigned, _ := http.NewRequest(http.MethodGet, url, nil)
	r, _ := overTheWire(t, presigned)
	res := mustVerifyS3(t, s3Verifier(testTime.Add(30*time.Second)), r)
	if !res.Presigned || res.Payload != PayloadUnsigned {
		t.Errorf("result %+v", res)
	}
	_, err = s3Verifier(testTime.Add(2 * time.Minute)).VerifyS3(r)
	wantCode(t, err, warden.EAccessDenied)
}

func TestVerifyS3LeavesVerifyAlone(t *testing.T) {
	// A request signed for S3 is not one for the Query APIs, and the other
	// way round.
	r := s3Request(t, http.MethodGet, "http://127.0.0.1:9000/b/k", "", "", testTime, nil)
	_, err := newTestVerifier(testTime).Verify(r, nil)
	wantCode(t, err, warden.ESignatureDoesNotMatch)

	iam, _ := sdkRequest{}.withDefaults().sign(t)
	_, err = s3Verifier(testTime).VerifyS3(iam)
	if err == nil {
		t.Fatal("an IAM request verified as an S3 one")
	}
}

func BenchmarkVerifyS3(b *testing.B) {
	r := s3Request(b, http.MethodGet, "http://127.0.0.1:9000/bucket/some/key.txt?list-type=2", "", "", testTime, nil)
	v := s3Verifier(testTime)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyS3(r); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzCanonicalS3Path(f *testing.F) {
	for _, p := range []string{"/", "", "/bucket/key", "/b/a!b(c)", "/b/%e2%9c%93", "/b/a%2Fb", "/b/100%", "/b/%zz", "/b/with space", "/b/../x"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		canonical := canonicalS3Path(path)
		if again := canonicalS3Path(canonical); again != canonical {
			t.Fatalf("not idempotent: %q -> %q -> %q", path, canonical, again)
		}
		for i := range len(canonical) {
			c := canonical[i]
			if c != '/' && c != '%' && !isUnreserved(c) {
				t.Fatalf("%q has a raw %q", canonical, c)
			}
		}
		if path == "" {
			return // the canonical URI of an empty path is "/"
		}
		// Both forms name the same key: they decode alike.
		want, errRaw := url.PathUnescape(path)
		got, errCanonical := url.PathUnescape(canonical)
		if errRaw == nil && (errCanonical != nil || got != want) {
			t.Fatalf("%q decodes to %q, its canonical form %q to %q (%v)", path, want, canonical, got, errCanonical)
		}
	})
}
