package sigv4

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"testing"
)

func TestNormalizePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "/"},
		{"", ""},
		{"//", "/"},
		{"/./", "/"},
		{"/a/b", "/a/b"},
		{"/a/b/", "/a/b/"},
		{"//example//", "/example/"},
		{"/./example", "/example"},
		{"/example/..", "/"},
		{"/example1/example2/../..", "/"},
		{"/../a", "/a"},
		{"/a/%2E%2E/b", "/a/%2E%2E/b"}, // encoded dots are data, not segments
		{"/a/..b/c.", "/a/..b/c."},
		{"/tags/arn%3Aaws%3Ax%2Fd-1", "/tags/arn%3Aaws%3Ax%2Fd-1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normalizePath(tt.in); got != tt.want {
				t.Errorf("normalizePath(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := []struct{ escapedPath, want string }{
		{"", "/"},
		{"/", "/"},
		{"/tags/arn%3Aaws%3Ahealth-agent%2Fd-1", "/tags/arn%253Aaws%253Ahealth-agent%252Fd-1"},
		{"/caf%C3%A9%20x", "/caf%25C3%25A9%2520x"},
		{"/ሴ", "/%E1%88%B4"},
		{"/a:b@c", "/a%3Ab%40c"},
		{"/-._~AZaz09", "/-._~AZaz09"},
	}
	for _, tt := range tests {
		t.Run(tt.escapedPath, func(t *testing.T) {
			if got := string(appendCanonicalURI(nil, tt.escapedPath)); got != tt.want {
				t.Errorf("canonical URI of %q = %q, want %q", tt.escapedPath, got, tt.want)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		name, raw string
		presigned bool
		want      string
	}{
		{"empty", "", false, ""},
		{"sorted by key", "b=2&a=1", false, "a=1&b=2"},
		{"repeated key sorted by value", "a=2&a=10&a=1", false, "a=1&a=10&a=2"},
		{"plus is a space", "a=x+y", false, "a=x%20y"},
		{"encoded plus stays a plus", "a=x%2By", false, "a=x%2By"},
		{"key without value", "acl", false, "acl="},
		{"empty pairs skipped", "a=1&&b=2&", false, "a=1&b=2"},
		{"lowercase escapes made uppercase", "p=%2fa%3a", false, "p=%2Fa%3A"},
		{"unescaped reserved characters", "p=a/b:c", false, "p=a%2Fb%3Ac"},
		{"sorted after encoding", "k=a-b&k=a/b", false, "k=a%2Fb&k=a-b"},
		{"utf-8", "ሴ=bar", false, "%E1%88%B4=bar"},
		{"semicolon is data", "a=1;b=2", false, "a=1%3Bb%3D2"},
		{"signature kept in header form", "X-Amz-Signature=ab&a=1", false, "X-Amz-Signature=ab&a=1"},
		{"signature dropped when presigned", "X-Amz-Signature=ab&a=1", true, "a=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonicalQueryString(tt.raw, tt.presigned)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("canonical query of %q = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
	if _, err := canonicalQueryString("a=%zz", false); err == nil {
		t.Error("an undecodable query was canonicalized")
	}
}

// canonicalQueryString canonicalizes a raw query string.
func canonicalQueryString(raw string, presigned bool) (string, error) {
	params, err := parseQuery(raw)
	if err != nil {
		return "", err
	}
	return string(appendCanonicalQuery(nil, params, presigned)), nil
}

func TestTrimmedValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"value", "value"},
		{"  a   b   c  ", "a b c"},
		{"\ta\t", "a"},
		{"a\t\tb", "a\t\tb"}, // only spaces collapse
		{`"a   b"`, `"a b"`},
	}
	for _, tt := range tests {
		if got := string(appendTrimmedValue(nil, tt.in)); got != tt.want {
			t.Errorf("appendTrimmedValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeaderValuesFromWhereTheServerPutsThem(t *testing.T) {
	r := &http.Request{
		Host:             "h.example:8443",
		URL:              &url.URL{},
		ContentLength:    -1,
		TransferEncoding: []string{"chunked"},
		Header: http.Header{
			"Content-Length": {"12"},
			"x-hand-written": {"kept"}, // not in canonical form
		},
	}
	tests := []struct{ name, want string }{
		{"host", "h.example:8443"},
		{"transfer-encoding", "chunked"},
		{"content-length", "12"}, // length unknown to the server: the header as sent
		{"expect", "100-continue"},
		{"x-hand-written", "kept"},
		{"x-absent", ""},
	}
	for _, tt := range tests {
		if got := string(appendHeaderValue(nil, r, tt.name)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	r.ContentLength = 35
	if got := string(appendHeaderValue(nil, r, "content-length")); got != "35" {
		t.Errorf("content-length with a known length: %q", got)
	}
	r.Host = ""
	r.URL.Host = "from-url"
	if got := string(appendHeaderValue(nil, r, "host")); got != "from-url" {
		t.Errorf("host of a request built in code: %q", got)
	}
}

// TestDeriveSigningKey checks the key derivation against the example in
// "Examples of how to derive a signing key for Signature Version 4".
func TestDeriveSigningKey(t *testing.T) {
	key := deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	const want = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
	if got := hex.EncodeToString(key[:]); got != want {
		t.Errorf("signing key %s, want %s", got, want)
	}
}

func TestKeyCache(t *testing.T) {
	cred := credential{accessKeyID: "AKID", date: "20261122", region: "us-east-1", service: "iam"}
	var c keyCache

	first := c.signingKey(cred, "secret-1", 2)
	if first != deriveSigningKey("secret-1", cred.date, cred.region, cred.service) {
		t.Fatal("cached key differs from the derived one")
	}
	if again := c.signingKey(cred, "secret-1", 2); again != first || c.len() != 1 {
		t.Errorf("second lookup gave another key or entry (%d entries)", c.len())
	}

	// A secret replaced under the same key id must not reuse the old key.
	if rotated := c.signingKey(cred, "secret-2", 2); rotated == first {
		t.Error("a changed secret reused the cached signing key")
	}

	for _, region := range []string{"eu-west-1", "ap-south-1", "sa-east-1"} {
		other := cred
		other.region = region
		c.signingKey(other, "secret-1", 2)
		if n := c.len(); n > 2 {
			t.Fatalf("cache holds %d keys, bound is 2", n)
		}
	}
}

func TestVerifyConcurrently(t *testing.T) {
	v := newTestVerifier(testTime)
	var requests []sdkRequest
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		requests = append(requests,
			sdkRequest{region: region, headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, body: "Action=ListUsers&Version=2010-05-08"},
			sdkRequest{region: region, service: "sts", keyID: testTempKeyID, secret: testTempSecret, token: testSessionToken})
	}
	var wg sync.WaitGroup
	for _, s := range requests {
		r, body := s.sign(t)
		for range 4 {
			wg.Go(func() {
				for range 50 {
					if _, err := v.Verify(r, body); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
}
