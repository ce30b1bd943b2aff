package sigv4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"pgregory.net/rapid"
)

// The tests in this file use aws-sdk-go-v2's signer as an oracle: requests
// it signs must verify.

// sdkRequest describes a request for the SDK to sign. Zero fields take the
// defaults of an IAM CreateUser call signed now with the long-term key.
type sdkRequest struct {
	method  string
	url     string
	headers [][2]string // added in order, so repeats make repeated headers
	body    string
	service string
	region  string
	keyID   string
	secret  string
	token   string
	at      time.Time
	// payloadHash is what the client signs for the body; empty means the
	// body's SHA-256.
	payloadHash string
}

const createUserBody = "Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=x"

func (s sdkRequest) withDefaults() sdkRequest {
	if s.method == "" {
		s.method = http.MethodPost
	}
	if s.url == "" {
		s.url = "http://127.0.0.1:18080/"
	}
	if s.service == "" {
		s.service = "iam"
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.keyID == "" {
		s.keyID, s.secret = testAccessKeyID, testSecret
	}
	if s.at.IsZero() {
		s.at = testTime
	}
	return s
}

func (s sdkRequest) credentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: s.keyID, SecretAccessKey: s.secret, SessionToken: s.token}
}

// clientRequest builds the unsigned client request.
func (s sdkRequest) clientRequest(t tb) *http.Request {
	t.Helper()
	var body io.Reader
	if s.body != "" {
		body = strings.NewReader(s.body)
	}
	req, err := http.NewRequest(s.method, s.url, body)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	for _, h := range s.headers {
		req.Header.Add(h[0], h[1])
	}
	return req
}

// sign signs the request in header form and returns it as the server sees it.
func (s sdkRequest) sign(t tb) (*http.Request, []byte) {
	t.Helper()
	s = s.withDefaults()
	req := s.clientRequest(t)
	payloadHash := s.payloadHash
	if payloadHash == "" {
		payloadHash = sha256Hex(s.body)
	}
	err := v4.NewSigner().SignHTTP(context.Background(), s.credentials(), req, payloadHash, s.service, s.region, s.at)
	if err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
	return overTheWire(t, req)
}

// presign signs the request as a presigned URL with the given payload hash
// and returns it, with the headers the signature covers, as the server sees
// it.
func (s sdkRequest) presign(t tb, payloadHash string) (*http.Request, []byte) {
	t.Helper()
	s = s.withDefaults()
	signedURL, signedHeaders, err := v4.NewSigner().PresignHTTP(context.Background(), s.credentials(), s.clientRequest(t), payloadHash, s.service, s.region, s.at)
	if err != nil {
		t.Fatalf("PresignHTTP: %v", err)
	}
	s.url = signedURL
	req := s.clientRequest(t)
	for name, values := range signedHeaders {
		if name != "Host" {
			req.Header[name] = values
		}
	}
	return overTheWire(t, req)
}

func TestSDKSignedRequestsVerify(t *testing.T) {
	const arn = "arn%3Aaws%3Ahealth-agent%3Aus-east-1%3A123456789012%3Adomain%2Fd-1"
	tests := []struct {
		name string
		req  sdkRequest
	}{
		{"iam create user form post", sdkRequest{
			headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
			body:    createUserBody,
		}},
		{"iam list users with sdk invocation headers", sdkRequest{
			headers: [][2]string{
				{"Content-Type", "application/x-www-form-urlencoded"},
				{"Amz-Sdk-Invocation-Id", "0b1f2a9e-5d1c-4c8e-9a77-3d2f4f0e6a11"},
				{"Amz-Sdk-Request", "attempt=1; max=3"},
			},
			body: "Action=ListUsers&Version=2010-05-08",
		}},
		{"sts get caller identity with session token", sdkRequest{
			headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}},
			body:    "Action=GetCallerIdentity&Version=2011-06-15",
			service: "sts", keyID: testTempKeyID, secret: testTempSecret, token: testSessionToken,
		}},
		{"query protocol over get", sdkRequest{
			method: http.MethodGet,
			url:    "http://127.0.0.1:18080/?Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdivision_abc%2F",
		}},
		{"query with spaces plus tilde and repeated keys", sdkRequest{
			method: http.MethodGet,
			url:    "http://127.0.0.1:18080/?b=2&a=x%20y&a=x+z&c=&d=%7E%E2%82%AC&e=%2B",
		}},
		{"restjson path with arn label", sdkRequest{
			method: http.MethodGet, service: "health-agent",
			url: "http://127.0.0.1:18080/tags/" + arn,
		}},
		{"restjson path with lowercase escapes", sdkRequest{
			method: http.MethodGet, service: "health-agent",
			url: "http://127.0.0.1:18080/tags/arn%3aaws%3ahealth-agent%3aus-east-1%3a123456789012%3adomain%2fd-1",
		}},
		{"restjson delete with repeated query keys", sdkRequest{
			method: http.MethodDelete, service: "health-agent",
			url: "http://127.0.0.1:18080/tags/" + arn + "?tagKeys=team&tagKeys=cost%20center",
		}},
		{"restjson post json body", sdkRequest{
			service: "health-agent",
			url:     "http://127.0.0.1:18080/domains/d-1/subscriptions",
			headers: [][2]string{{"Content-Type", "application/json"}},
			body:    `{"name":"intake","clientToken":"6f0c"}`,
		}},
		{"path with utf-8 and space", sdkRequest{
			method: http.MethodGet, service: "health-agent",
			url: "http://127.0.0.1:18080/domains/caf%C3%A9%20bar/x~y",
		}},
		{"odd header whitespace", sdkRequest{
			headers: [][2]string{
				{"Content-Type", "application/x-www-form-urlencoded"},
				{"X-Amz-Meta-Note", "  a    b  c  "},
				{"X-Amz-Meta-Tab", "a\tb   c"},
				{"X-Amz-Meta-Empty", ""},
			},
			body: "Action=ListUsers&Version=2010-05-08",
		}},
		{"repeated headers", sdkRequest{
			headers: [][2]string{
				{"Content-Type", "application/x-www-form-urlencoded"},
				{"X-Multi", "one"},
				{"X-Multi", " two  words "},
				{"X-Multi", "three"},
			},
			body: "Action=ListUsers&Version=2010-05-08",
		}},
		{"empty body post", sdkRequest{}},
		{"declared payload hash", sdkRequest{
			service: "health-agent",
			url:     "http://127.0.0.1:18080/domains",
			headers: [][2]string{{"Content-Type", "application/json"}, {"X-Amz-Content-Sha256", sha256Hex(`{"name":"d"}`)}},
			body:    `{"name":"d"}`,
		}},
		{"other region", sdkRequest{
			region:  "eu-west-1",
			headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}},
			body:    "Action=ListRoles&Version=2010-05-08",
		}},
		{"host on default port", sdkRequest{
			method: http.MethodGet,
			url:    "http://localhost:80/?Action=ListUsers&Version=2010-05-08",
		}},
		{"put with large body", sdkRequest{
			method: http.MethodPut, service: "health-agent",
			url:     "http://127.0.0.1:18080/domains/d-1",
			headers: [][2]string{{"Content-Type", "application/json"}},
			body:    `{"description":"` + strings.Repeat("x", 70_000) + `"}`,
		}},
	}
	v := newTestVerifier(testTime)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := tt.req.sign(t)
			res := mustVerify(t, v, r, body)
			req := tt.req.withDefaults()
			if res.AccessKeyID != req.keyID || res.Service != req.service || res.Region != req.region {
				t.Errorf("result key %s service %s region %s, want %s %s %s", res.AccessKeyID, res.Service, res.Region, req.keyID, req.service, req.region)
			}
			if !res.SignedAt.Equal(testTime) || res.Presigned {
				t.Errorf("result signed at %v presigned %v", res.SignedAt, res.Presigned)
			}
			if res.PayloadHash != sha256Hex(req.body) {
				t.Errorf("payload hash %s, want %s", res.PayloadHash, sha256Hex(req.body))
			}
			if res.Credentials.SecretAccessKey != req.secret {
				t.Errorf("result carries the credentials of %s", res.Credentials.AccessKeyID)
			}
			authz := r.Header.Get("Authorization")
			if !strings.HasSuffix(authz, "Signature="+res.Signature) {
				t.Errorf("result signature %s is not the request's (%s)", res.Signature, authz)
			}
			if !res.HeaderSigned("Host") || !res.HeaderSigned("x-amz-date") || res.HeaderSigned("user-agent") {
				t.Errorf("HeaderSigned disagrees with SignedHeaders %q", res.SignedHeaders)
			}
		})
	}
}

func TestSDKPresignedRequestsVerify(t *testing.T) {
	tests := []struct {
		name        string
		req         sdkRequest
		payloadHash string
		wantPayload string
	}{
		{
			// As sts.PresignGetCallerIdentity emits it: GET, no X-Amz-Expires.
			name: "sts get caller identity without expires",
			req: sdkRequest{
				method: http.MethodGet, service: "sts",
				url:   "http://127.0.0.1:18080/?Action=GetCallerIdentity&Version=2011-06-15",
				keyID: testTempKeyID, secret: testTempSecret, token: testSessionToken,
			},
			payloadHash: sha256Hex(""), wantPayload: sha256Hex(""),
		},
		{
			// As aws-iam-authenticator presigns: a signed x-k8s-aws-id header.
			name: "sts with expires and a signed header",
			req: sdkRequest{
				method: http.MethodGet, service: "sts",
				url:     "http://127.0.0.1:18080/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60",
				headers: [][2]string{{"X-K8s-Aws-Id", "cluster-1"}},
			},
			payloadHash: sha256Hex(""), wantPayload: sha256Hex(""),
		},
		{
			name: "s3 style unsigned payload",
			req: sdkRequest{
				method: http.MethodGet, service: "health-agent",
				url: "http://127.0.0.1:18080/domains/d-1?X-Amz-Expires=604800",
			},
			payloadHash: unsignedPayload, wantPayload: unsignedPayload,
		},
		{
			name: "declared unsigned payload",
			req: sdkRequest{
				method: http.MethodGet, service: "health-agent",
				url: "http://127.0.0.1:18080/domains/d-1?X-Amz-Content-Sha256=UNSIGNED-PAYLOAD",
			},
			payloadHash: unsignedPayload, wantPayload: unsignedPayload,
		},
		{
			name: "form post",
			req: sdkRequest{
				url:     "http://127.0.0.1:18080/?X-Amz-Expires=300",
				headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}},
				body:    "Action=ListUsers&Version=2010-05-08",
			},
			payloadHash: sha256Hex("Action=ListUsers&Version=2010-05-08"),
			wantPayload: sha256Hex("Action=ListUsers&Version=2010-05-08"),
		},
	}
	v := newTestVerifier(testTime.Add(10 * time.Second))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := tt.req.presign(t, tt.payloadHash)
			if r.Header.Get("Authorization") != "" || r.URL.Query().Get("X-Amz-Signature") == "" {
				t.Fatalf("the SDK did not presign: %s", r.URL)
			}
			res := mustVerify(t, v, r, body)
			if !res.Presigned || res.PayloadHash != tt.wantPayload {
				t.Errorf("presigned %v payload %s, want presigned payload %s", res.Presigned, res.PayloadHash, tt.wantPayload)
			}
			if res.Signature != r.URL.Query().Get("X-Amz-Signature") {
				t.Errorf("result signature %s is not the URL's", res.Signature)
			}
		})
	}
}

// TestVerifyRequestBuiltInCode verifies a signed client request handed
// over directly, as a test or an in-process caller would: no RequestURI,
// the host only in the URL.
func TestVerifyRequestBuiltInCode(t *testing.T) {
	s := sdkRequest{
		method: http.MethodGet, service: "health-agent",
		url: "http://127.0.0.1:18080/tags/arn%3Aaws%3Ahealth-agent%3Aus-east-1%3A123456789012%3Adomain%2Fd-1",
	}.withDefaults()
	req := s.clientRequest(t)
	if err := v4.NewSigner().SignHTTP(t.Context(), s.credentials(), req, sha256Hex(""), s.service, s.region, s.at); err != nil {
		t.Fatal(err)
	}
	if req.RequestURI != "" {
		t.Fatalf("request looks server-side: RequestURI %q", req.RequestURI)
	}
	req.Host = "" // the SDK set it to the URL's host; leave only the URL
	mustVerify(t, newTestVerifier(testTime), req, nil)
}

// TestVerifyOverLoopback sends SDK-signed requests through a real net/http
// client and server, where the transport adds unsigned headers
// (Accept-Encoding, User-Agent, Expect) and the server strips others.
func TestVerifyOverLoopback(t *testing.T) {
	v := &Verifier{Credentials: testStore(), Services: map[string]bool{"iam": true, "health-agent": true}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := v.Verify(r, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		fmt.Fprint(w, res.AccessKeyID)
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		headers [][2]string
	}{
		{"form post", http.MethodPost, "/", createUserBody, [][2]string{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}},
		{"expect continue", http.MethodPost, "/", createUserBody, [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}, {"Expect", "100-continue"}}},
		{"escaped arn path", http.MethodGet, "/tags/arn%3Aaws%3Ahealth-agent%3Aus-east-1%3A123456789012%3Adomain%2Fd-1", "", nil},
		{"get query", http.MethodGet, "/?Action=ListUsers&Version=2010-05-08&Marker=a%2Bb%20c", "", nil},
	}
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Second}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = bytes.NewReader([]byte(tt.body))
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.headers {
				req.Header.Add(h[0], h[1])
			}
			service := "iam"
			if strings.HasPrefix(tt.path, "/tags/") {
				service = "health-agent"
			}
			creds := aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}
			if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, sha256Hex(tt.body), service, "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || string(got) != testAccessKeyID {
				t.Fatalf("status %d: %s", resp.StatusCode, got)
			}
		})
	}
}

// TestSDKSignedRequestsVerifyProperty signs generated requests (header
// names, values with odd whitespace, repeated headers, paths and queries
// with reserved and non-ASCII characters) with the SDK, and requires every
// one to verify and to fail once a signed part is changed.
func TestSDKSignedRequestsVerifyProperty(t *testing.T) {
	v := newTestVerifier(testTime)
	valueChars := rapid.SampledFrom([]rune(" \tabcXYZ019-_.~!\"#$%&'()*+,/:;<=>?@[\\]^`{|}é€"))
	rapid.Check(t, func(t *rapid.T) {
		s := sdkRequest{method: rapid.SampledFrom([]string{"GET", "POST", "PUT", "DELETE", "PATCH"}).Draw(t, "method")}

		segments := rapid.SliceOfN(rapid.StringOfN(rapid.SampledFrom([]rune("aZ09-_.~:@!$&'()*+,;= %/?#éሴ")), 1, 12, -1), 0, 4).Draw(t, "segments")
		path := ""
		for _, seg := range segments {
			path += "/" + url.PathEscape(seg)
		}
		query := url.Values{}
		for i, kv := range rapid.SliceOfN(rapid.StringOfN(valueChars, 0, 10, -1), 0, 6).Draw(t, "query") {
			key := fmt.Sprintf("k%d", i%3)
			if i%2 == 0 {
				key = kv
			}
			query.Add(key, kv)
		}
		s.url = "http://127.0.0.1:18080" + path + "/?" + query.Encode()

		for i := range rapid.IntRange(0, 5).Draw(t, "headerCount") {
			name := "X-Test-" + rapid.StringMatching(`[a-z0-9]{1,6}(-[a-z0-9]{1,4})?`).Draw(t, fmt.Sprint("name", i))
			value := rapid.StringOfN(valueChars, 0, 16, -1).Draw(t, fmt.Sprint("value", i))
			s.headers = append(s.headers, [2]string{name, value})
		}
		if s.method != "GET" && s.method != "DELETE" {
			s.body = rapid.StringN(0, 64, -1).Draw(t, "body")
		}

		r, body := s.sign(t)
		if _, err := v.Verify(r, body); err != nil {
			var canonical string
			if m, ok := errors.AsType[*MismatchError](err); ok {
				canonical = m.CanonicalRequest
			}
			t.Fatalf("Verify %s %s: %v\n%s", r.Method, r.RequestURI, err, canonical)
		}
		tampered := append(bytes.Clone(body), 'x')
		if _, err := v.Verify(r, tampered); err == nil {
			t.Fatalf("a changed body verified")
		}
	})
}
