package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// handBuilt returns a GET request carrying the given Authorization header
// and an X-Amz-Date of testTime, for failures found before any signature is
// computed.
func handBuilt(t *testing.T, authorization string, headers ...[2]string) (*http.Request, []byte) {
	t.Helper()
	wire := "GET / HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nX-Amz-Date: 20261122T101500Z\r\n"
	if authorization != "" {
		wire += "Authorization: " + authorization + "\r\n"
	}
	for _, h := range headers {
		wire += h[0] + ": " + h[1] + "\r\n"
	}
	return readRequest(t, wire+"\r\n")
}

const (
	goodCredential = "Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request"
	goodSignature  = "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func authz(credential, signedHeaders, signature string) string {
	return "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=" + signedHeaders + ", " + signature
}

// presignedURL returns the presigned form of a GET for the given query
// parameters, with the defaults of a valid URL for the long-term key.
func presignedQuery(overrides map[string]string) string {
	q := url.Values{
		"Action":              {"ListUsers"},
		"Version":             {"2010-05-08"},
		"X-Amz-Algorithm":     {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential":    {"AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request"},
		"X-Amz-Date":          {"20261122T101500Z"},
		"X-Amz-SignedHeaders": {"host"},
		"X-Amz-Signature":     {strings.Repeat("ab", 32)},
	}
	for k, v := range overrides {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

func TestVerifyFailures(t *testing.T) {
	formHeader := [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}
	listUsers := "Action=ListUsers&Version=2010-05-08"
	signedListUsers := sdkRequest{headers: formHeader, body: listUsers}
	tempKey := sdkRequest{headers: formHeader, body: listUsers, service: "sts", keyID: testTempKeyID, secret: testTempSecret, token: testSessionToken}

	tests := []struct {
		name    string
		request func(t *testing.T) (*http.Request, []byte)
		now     time.Time // zero means testTime
		store   CredentialStore
		code    string
		message string // checked when set
	}{
		// Signature.
		{name: "tampered body", code: "SignatureDoesNotMatch", message: msgSignatureMismatch,
			request: func(t *testing.T) (*http.Request, []byte) {
				r, _ := signedListUsers.sign(t)
				return r, []byte("Action=ListUsers&Version=2010-05-09")
			}},
		{name: "tampered signed header", code: "SignatureDoesNotMatch", message: msgSignatureMismatch,
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := signedListUsers.sign(t)
				r.Header.Set("Content-Type", "application/json")
				return r, body
			}},
		{name: "tampered path", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := sdkRequest{method: "GET", service: "health-agent", url: "http://127.0.0.1:18080/domains/d-1"}.sign(t)
				r.RequestURI = "/domains/d-2"
				return r, body
			}},
		{name: "tampered query", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := sdkRequest{method: "GET", url: "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08"}.sign(t)
				r.URL.RawQuery = "Action=DeleteUser&Version=2010-05-08"
				return r, body
			}},
		{name: "tampered host", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := signedListUsers.sign(t)
				r.Host = "127.0.0.1:18081"
				return r, body
			}},
		{name: "tampered method", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := signedListUsers.sign(t)
				r.Method = http.MethodPut
				return r, body
			}},
		{name: "wrong secret", code: "SignatureDoesNotMatch", message: msgSignatureMismatch,
			request: func(t *testing.T) (*http.Request, []byte) {
				s := signedListUsers
				s.keyID, s.secret = testAccessKeyID, "not-the-secret"
				return s.sign(t)
			}},
		{name: "other region's signature under this scope", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := signedListUsers.sign(t)
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/us-west-2/", 1))
				return r, body
			}},
		{name: "declared payload hash differs from body", code: "SignatureDoesNotMatch", message: msgPayloadHash,
			request: func(t *testing.T) (*http.Request, []byte) {
				s := signedListUsers
				s.headers = append(s.headers, [2]string{"X-Amz-Content-Sha256", sha256Hex("other")})
				return s.sign(t)
			}},

		// Credentials and tokens.
		{name: "unknown access key", code: "InvalidClientTokenId", message: msgInvalidToken,
			request: func(t *testing.T) (*http.Request, []byte) {
				s := signedListUsers
				s.keyID, s.secret = "AKIANOSUCHKEY0000000", "x"
				return s.sign(t)
			}},
		{name: "malformed access key id", code: "InvalidClientTokenId",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz("Credential=AKIA-BAD!/20261122/us-east-1/iam/aws4_request", "host;x-amz-date", goodSignature))
			}},
		{name: "expired temporary credentials", code: "ExpiredToken", message: msgExpiredToken,
			now: testTime.Add(time.Hour),
			request: func(t *testing.T) (*http.Request, []byte) {
				s := tempKey
				s.at = testTime.Add(time.Hour)
				return s.sign(t)
			}},
		{name: "session token of another session", code: "InvalidClientTokenId", message: msgInvalidToken,
			request: func(t *testing.T) (*http.Request, []byte) {
				s := tempKey
				s.token = testSessionToken + "x"
				return s.sign(t)
			}},
		{name: "temporary key without its token", code: "InvalidClientTokenId",
			request: func(t *testing.T) (*http.Request, []byte) { s := tempKey; s.token = ""; return s.sign(t) }},
		{name: "long-term key with a token", code: "InvalidClientTokenId",
			request: func(t *testing.T) (*http.Request, []byte) {
				s := signedListUsers
				s.token = testSessionToken
				return s.sign(t)
			}},
		{name: "unsigned session token header", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := tempKey.sign(t)
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-security-token", "", 1))
				return r, body
			}},
		{name: "store failure is not the client's fault", code: "InternalFailure",
			store:   failingStore{},
			request: func(t *testing.T) (*http.Request, []byte) { return signedListUsers.sign(t) }},

		// Clock.
		{name: "signed more than 15 minutes ago", code: "SignatureDoesNotMatch",
			message: "Signature expired: 20261122T095959Z is now earlier than 20261122T100000Z (20261122T101500Z - 15 min.)",
			request: func(t *testing.T) (*http.Request, []byte) {
				s := signedListUsers
				s.at = testTime.Add(-15*time.Minute - time.Second)
				return s.sign(t)
			}},
		{name: "signed more than 15 minutes ahead", code: "SignatureDoesNotMatch",
			message: "Signature not yet current: 20261122T103001Z is still later than 20261122T103000Z (20261122T101500Z + 15 min.)",
			request: func(t *testing.T) (*http.Request, []byte) {
				s := signedListUsers
				s.at = testTime.Add(15*time.Minute + time.Second)
				return s.sign(t)
			}},
		{name: "unsigned x-amz-date", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host", goodSignature))
			}},
		{name: "no request time", code: "IncompleteSignature",
			message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := handBuilt(t, authz(goodCredential, "host", goodSignature))
				r.Header.Del("X-Amz-Date")
				return r, body
			}},
		{name: "malformed x-amz-date", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, body := handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature))
				r.Header.Set("X-Amz-Date", "2026-11-22T10:15:00Z")
				return r, body
			}},
		{name: "two x-amz-date headers", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature), [2]string{"X-Amz-Date", "20261122T101500Z"})
			}},
		{name: "presigned url expired", code: "RequestExpired", message: msgRequestExpired,
			now: testTime.Add(time.Minute + time.Second),
			request: func(t *testing.T) (*http.Request, []byte) {
				s := sdkRequest{method: "GET", url: "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08&X-Amz-Expires=60"}
				return s.presign(t, sha256Hex(""))
			}},
		{name: "presigned url without expires after 15 minutes", code: "RequestExpired",
			now: testTime.Add(15*time.Minute + time.Second),
			request: func(t *testing.T) (*http.Request, []byte) {
				return sdkRequest{method: "GET", url: "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08"}.presign(t, sha256Hex(""))
			}},
		{name: "presigned url from the future", code: "SignatureDoesNotMatch",
			now: testTime.Add(-16 * time.Minute),
			request: func(t *testing.T) (*http.Request, []byte) {
				return sdkRequest{method: "GET", url: "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08&X-Amz-Expires=3600"}.presign(t, sha256Hex(""))
			}},
		{name: "presign expiry zero", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Expires": "0"})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "presign expiry over seven days", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Expires": "604801"})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "presign expiry not a number", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Expires": "-5"})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},

		// Credential scope.
		{name: "scope of another service", code: "SignatureDoesNotMatch",
			message: "Credential should be scoped to correct service: 'health-agent' or 'iam' or 'sts'.",
			request: func(t *testing.T) (*http.Request, []byte) { s := signedListUsers; s.service = "ec2"; return s.sign(t) }},
		{name: "scope date is not the request date", code: "SignatureDoesNotMatch",
			message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261121' != '20261122', from '20261122T101500Z'.",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz("Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/iam/aws4_request", "host;x-amz-date", goodSignature))
			}},
		{name: "scope with a wrong terminator", code: "SignatureDoesNotMatch",
			message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'.",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz("Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_requests", "host;x-amz-date", goodSignature))
			}},
		{name: "scope without region", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz("Credential=AKIAIOSFODNN7EXAMPLE/20261122//iam/aws4_request", "host;x-amz-date", goodSignature))
			}},
		{name: "scope with a region that is not a name", code: "SignatureDoesNotMatch",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE/20261122/us-east-1\nforged log line/iam/aws4_request"})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "scope with four elements", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz("Credential=AKIAIOSFODNN7EXAMPLE/20261122/iam/aws4_request", "host;x-amz-date", goodSignature))
			}},
		{name: "scope date not a date", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz("Credential=AKIAIOSFODNN7EXAMPLE/2026-11-22/us-east-1/iam/aws4_request", "host;x-amz-date", goodSignature))
			}},

		// Authorization header syntax.
		{name: "component without equal sign", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, "AWS4-HMAC-SHA256 "+goodCredential+", SignedHeaders, "+goodSignature)
			}},
		{name: "missing signature", code: "IncompleteSignature",
			message: "Authorization header requires 'Signature' parameter.",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, "AWS4-HMAC-SHA256 "+goodCredential+", SignedHeaders=host;x-amz-date")
			}},
		{name: "missing everything", code: "IncompleteSignature",
			message: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
			request: func(t *testing.T) (*http.Request, []byte) { return handBuilt(t, "AWS4-HMAC-SHA256") }},
		{name: "duplicate credential", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature)+", "+goodCredential)
			}},
		{name: "unknown component", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature)+", Region=us-east-1")
			}},
		{name: "non-hex signature", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", "Signature="+strings.Repeat("zz", 32)))
			}},
		{name: "uppercase hex signature", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", "Signature="+strings.Repeat("AB", 32)))
			}},
		{name: "short signature", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", "Signature="+strings.Repeat("a", 63)))
			}},
		{name: "unsorted signed headers", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "x-amz-date;host", goodSignature))
			}},
		{name: "duplicate signed header", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;host;x-amz-date", goodSignature))
			}},
		{name: "uppercase signed header", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "Host;x-amz-date", goodSignature))
			}},
		{name: "signed headers without host", code: "IncompleteSignature", message: "SignedHeaders must include 'host'.",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "x-amz-date", goodSignature))
			}},
		{name: "empty signed headers", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "", goodSignature))
			}},
		{name: "signed headers ending in a separator", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date;", goodSignature))
			}},
		{name: "two authorization headers", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				a := authz(goodCredential, "host;x-amz-date", goodSignature)
				return handBuilt(t, a, [2]string{"Authorization", a})
			}},

		// Other schemes and no scheme.
		{name: "sigv4a", code: "IncompleteSignature",
			message: "Signature Version 4A (AWS4-ECDSA-P256-SHA256) is not supported; sign requests with AWS4-HMAC-SHA256.",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, "AWS4-ECDSA-P256-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/iam/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045")
			}},
		{name: "sigv2 authorization header", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")
			}},
		{name: "bearer token", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) { return handBuilt(t, "Bearer eyJhbGciOi") }},
		{name: "sigv2 query", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?Action=ListUsers&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-22T10%3A15%3A00Z&Signature=abc%3D HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "sigv2 form body", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				body := "Action=ListUsers&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&SignatureVersion=2&SignatureMethod=HmacSHA256&Signature=abc%3D"
				return readRequest(t, "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
			}},
		{name: "no authentication", code: "MissingAuthenticationToken", message: msgMissingAuth,
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 35\r\n\r\n"+listUsers)
			}},
		{name: "header and query signatures together", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(nil)+" HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 20261122T101500Z\r\nAuthorization: "+authz(goodCredential, "host;x-amz-date", goodSignature)+"\r\n\r\n")
			}},
		{name: "malformed query encoding", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?Action=List%zzUsers HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 20261122T101500Z\r\nAuthorization: "+authz(goodCredential, "host;x-amz-date", goodSignature)+"\r\n\r\n")
			}},

		// Presigned syntax.
		{name: "presigned without signature", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Signature": ""})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "presigned without credential", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Credential": ""})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "presigned with sigv4a", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(map[string]string{"X-Amz-Algorithm": "AWS4-ECDSA-P256-SHA256"})+" HTTP/1.1\r\nHost: h\r\n\r\n")
			}},
		{name: "presigned parameter twice", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return readRequest(t, "GET /?"+presignedQuery(nil)+"&X-Amz-Date=20261122T101500Z HTTP/1.1\r\nHost: h\r\n\r\n")
			}},

		// Payload hash.
		{name: "unsigned payload in header form", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature), [2]string{"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"})
			}},
		{name: "unsigned payload on a presigned request with a body", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				r, _ := readRequest(t, "POST /?"+presignedQuery(map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})+" HTTP/1.1\r\nHost: h\r\n\r\n")
				return r, []byte(listUsers)
			}},
		{name: "event stream payload on an ordinary route", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature), [2]string{"X-Amz-Content-Sha256", streamingEvents})
			}},
		{name: "chunked upload payload", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature), [2]string{"X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"})
			}},
		{name: "payload hash that is not a digest", code: "IncompleteSignature",
			request: func(t *testing.T) (*http.Request, []byte) {
				return handBuilt(t, authz(goodCredential, "host;x-amz-date", goodSignature), [2]string{"X-Amz-Content-Sha256", "abc"})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = testTime
			}
			v := newTestVerifier(now)
			if tt.store != nil {
				v.Credentials = tt.store
			}
			r, body := tt.request(t)
			res, err := v.Verify(r, body)
			if res != nil {
				t.Errorf("Verify returned a result with error %v", err)
			}
			wantCode(t, err, tt.code)
			if tt.message != "" && warden.ErrorMessage(err) != tt.message {
				t.Errorf("message %q, want %q", warden.ErrorMessage(err), tt.message)
			}
		})
	}
}

func TestCredentialStoreAnswers(t *testing.T) {
	r, body := sdkRequest{}.sign(t)

	v := newTestVerifier(testTime)
	v.Credentials = nilStore{}
	_, err := v.Verify(r, body)
	wantCode(t, err, "InvalidClientTokenId")

	v.Credentials = nil
	_, err = v.Verify(r, body)
	wantCode(t, err, "InternalFailure")
}

// nilStore finds nothing and says nothing.
type nilStore struct{}

func (nilStore) LookupAccessKey(context.Context, string) (*Credentials, error) { return nil, nil }

type failingStore struct{}

func (failingStore) LookupAccessKey(context.Context, string) (*Credentials, error) {
	return nil, errors.New("database is locked")
}

// TestSignatureMismatchKeepsCanonicalRequestOutOfMessage checks that what
// the server signed is available to logs through Err and never reaches the
// client's message.
func TestSignatureMismatchKeepsCanonicalRequestOutOfMessage(t *testing.T) {
	s := sdkRequest{headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, body: "Action=ListUsers&Version=2010-05-08", secret: "wrong", keyID: testAccessKeyID}
	r, body := s.sign(t)
	_, err := newTestVerifier(testTime).Verify(r, body)
	wantCode(t, err, "SignatureDoesNotMatch")
	m, ok := errors.AsType[*MismatchError](err)
	if !ok {
		t.Fatalf("error %v carries no MismatchError", err)
	}
	wantCanonical := "POST\n/\n\ncontent-length:35\ncontent-type:application/x-www-form-urlencoded\nhost:127.0.0.1:18080\nx-amz-date:20261122T101500Z\n\ncontent-length;content-type;host;x-amz-date\n" + sha256Hex("Action=ListUsers&Version=2010-05-08")
	if m.CanonicalRequest != wantCanonical {
		t.Errorf("canonical request:\n%s\nwant:\n%s", m.CanonicalRequest, wantCanonical)
	}
	if !strings.HasPrefix(m.StringToSign, "AWS4-HMAC-SHA256\n20261122T101500Z\n20261122/us-east-1/iam/aws4_request\n") {
		t.Errorf("string to sign:\n%s", m.StringToSign)
	}
	for _, leaked := range []string{"content-length", "x-amz-date:"} {
		if strings.Contains(warden.ErrorMessage(err), leaked) || strings.Contains(err.Error(), leaked) {
			t.Errorf("error text %q shows the canonical request", err.Error())
		}
	}
}

func TestJSONCode(t *testing.T) {
	tests := map[string]string{
		"InvalidClientTokenId":       "UnrecognizedClientException",
		"SignatureDoesNotMatch":      "InvalidSignatureException",
		"IncompleteSignature":        "IncompleteSignatureException",
		"ExpiredToken":               "ExpiredTokenException",
		"MissingAuthenticationToken": "MissingAuthenticationTokenException",
		"RequestExpired":             "RequestExpired",
		"AccessDenied":               "AccessDenied",
	}
	for code, want := range tests {
		if got := JSONCode(code); got != want {
			t.Errorf("JSONCode(%s) = %s, want %s", code, got, want)
		}
	}
}

func TestServicesMustBeConfigured(t *testing.T) {
	r, body := sdkRequest{}.sign(t)
	v := newTestVerifier(testTime)
	v.Services = nil
	_, err := v.Verify(r, body)
	wantCode(t, err, "SignatureDoesNotMatch")
}

func TestEventStream(t *testing.T) {
	stream := sdkRequest{
		service:     "health-agent",
		url:         "http://127.0.0.1:18080/domains/d-1/medical-scribe-stream",
		headers:     [][2]string{{"Content-Type", "application/vnd.amazon.eventstream"}, {"X-Amz-Content-Sha256", streamingEvents}},
		payloadHash: streamingEvents,
	}
	r, _ := stream.sign(t)
	v := newTestVerifier(testTime)

	res, err := v.VerifyEventStream(r)
	if err != nil {
		t.Fatalf("VerifyEventStream: %v", err)
	}
	if res.PayloadHash != streamingEvents || !strings.HasSuffix(r.Header.Get("Authorization"), "Signature="+res.Signature) {
		t.Errorf("result payload %s signature %s", res.PayloadHash, res.Signature)
	}

	_, err = v.Verify(r, nil)
	wantCode(t, err, "IncompleteSignature")

	plain, _ := sdkRequest{service: "health-agent", url: stream.url}.sign(t)
	_, err = v.VerifyEventStream(plain)
	wantCode(t, err, "IncompleteSignature")
}
