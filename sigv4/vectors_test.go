package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSignatureTestSuite replays cases of AWS's SigV4 test suite (the
// aws-sig-v4-test-suite / aws-c-auth v4 vectors): key AKIDEXAMPLE, region
// us-east-1, service "service", signed at 20150830T123600Z. Each case gives
// the request as the suite's .req file has it and the signature its .authz
// file expects.
func TestSignatureTestSuite(t *testing.T) {
	type header = [2]string
	const date = "20150830T123600Z"
	const unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		name          string
		method        string
		target        string
		headers       []header
		body          string
		signedHeaders string
		signature     string
	}{
		{"get-vanilla", "GET", "/", nil, "", "host;x-amz-date",
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-vanilla-empty-query-key", "GET", "/?Param1=value1", nil, "", "host;x-amz-date",
			"a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
		{"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", nil, "", "host;x-amz-date",
			"b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{"get-vanilla-query-unreserved", "GET", "/?" + unreserved + "=" + unreserved, nil, "", "host;x-amz-date",
			"9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
		{"get-vanilla-utf8-query", "GET", "/?ሴ=bar", nil, "", "host;x-amz-date",
			"2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
		{"get-unreserved", "GET", "/" + unreserved, nil, "", "host;x-amz-date",
			"07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
		{"get-utf8", "GET", "/ሴ", nil, "", "host;x-amz-date",
			"8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
		{"get-space", "GET", "/example space/", nil, "", "host;x-amz-date",
			"652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
		{"get-slash", "GET", "//", nil, "", "host;x-amz-date",
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-slash-dot-slash", "GET", "/./", nil, "", "host;x-amz-date",
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-slashes", "GET", "//example//", nil, "", "host;x-amz-date",
			"9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
		{"get-slash-pointless-dot", "GET", "/./example", nil, "", "host;x-amz-date",
			"ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
		{"get-relative", "GET", "/example/..", nil, "", "host;x-amz-date",
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-relative-relative", "GET", "/example1/example2/../..", nil, "", "host;x-amz-date",
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-header-key-duplicate", "GET", "/",
			[]header{{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}, "",
			"host;my-header1;x-amz-date",
			"c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
		{"get-header-value-trim", "GET", "/",
			[]header{{"My-Header1", " value1"}, {"My-Header2", ` "a   b   c"`}}, "",
			"host;my-header1;my-header2;x-amz-date",
			"acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
		{"post-vanilla", "POST", "/", nil, "", "host;x-amz-date",
			"5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"post-vanilla-query", "POST", "/?Param1=value1", nil, "", "host;x-amz-date",
			"28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
		{"post-header-key-sort", "POST", "/", []header{{"My-Header1", "value1"}}, "",
			"host;my-header1;x-amz-date",
			"c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
		{"post-header-value-case", "POST", "/", []header{{"My-Header1", "VALUE1"}}, "",
			"host;my-header1;x-amz-date",
			"cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
		{"post-x-www-form-urlencoded", "POST", "/",
			[]header{{"Content-Type", "application/x-www-form-urlencoded"}}, "Param1=value1",
			"content-type;host;x-amz-date",
			"ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
		{"post-x-www-form-urlencoded-parameters", "POST", "/",
			[]header{{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}}, "Param1=value1",
			"content-type;host;x-amz-date",
			"1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
	}

	v := &Verifier{
		Credentials: memoryStore{"AKIDEXAMPLE": {AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
		Services:    map[string]bool{"service": true},
		Now:         func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) },
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Built as net/http's server would hand it over, because some
			// targets (a space, raw UTF-8) are not valid on the wire.
			path, rawQuery, _ := strings.Cut(tt.target, "?")
			r := &http.Request{
				Method:     tt.method,
				RequestURI: tt.target,
				URL:        &url.URL{Path: path, RawQuery: rawQuery},
				Host:       "example.amazonaws.com",
				Header:     http.Header{},
			}
			for _, h := range tt.headers {
				r.Header.Add(h[0], h[1])
			}
			r.Header.Set("X-Amz-Date", date)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="+tt.signedHeaders+", Signature="+tt.signature)
			mustVerify(t, v, r, []byte(tt.body))

			// One digit off in the signature must fail.
			flipped := []byte(tt.signature)
			if flipped[0] == '0' {
				flipped[0] = '1'
			} else {
				flipped[0] = '0'
			}
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="+tt.signedHeaders+", Signature="+string(flipped))
			_, err := v.Verify(r, []byte(tt.body))
			wantCode(t, err, "SignatureDoesNotMatch")
		})
	}
}

// TestSignatureTestSuiteCanonicalRequests checks the canonical requests the
// suite gives for cases whose point is canonicalization.
func TestSignatureTestSuiteCanonicalRequests(t *testing.T) {
	tests := []struct {
		name, target, headers, want string
	}{
		{"get-vanilla-query-order-key-case", "/?Param2=value2&Param1=value1", "",
			"GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"get-utf8", "/ሴ", "",
			"GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"get-slashes", "//example//", "",
			"GET\n/example/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"get-header-value-trim", "/", "My-Header1: value1\nMy-Header2: \"a   b   c\"",
			"GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	v := &Verifier{
		Credentials: memoryStore{"AKIDEXAMPLE": {AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
		Services:    map[string]bool{"service": true},
		Now:         func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) },
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, rawQuery, _ := strings.Cut(tt.target, "?")
			r := &http.Request{Method: "GET", RequestURI: tt.target, URL: &url.URL{Path: path, RawQuery: rawQuery}, Host: "example.amazonaws.com", Header: http.Header{}}
			signedHeaders := "host;x-amz-date"
			if tt.headers != "" {
				for line := range strings.Lines(tt.headers) {
					name, value, _ := strings.Cut(strings.TrimSuffix(line, "\n"), ":")
					r.Header.Add(name, value)
				}
				signedHeaders = "host;my-header1;my-header2;x-amz-date"
			}
			r.Header.Set("X-Amz-Date", "20150830T123600Z")
			// A zero signature cannot match, so the error carries the
			// canonical request the verifier built.
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="+signedHeaders+", Signature="+strings.Repeat("0", 64))
			_, err := v.Verify(r, nil)
			m, ok := errors.AsType[*MismatchError](err)
			if !ok {
				t.Fatalf("Verify: %v, want a signature mismatch", err)
			}
			if m.CanonicalRequest != tt.want {
				t.Errorf("canonical request:\n%s\nwant:\n%s", m.CanonicalRequest, tt.want)
			}
		})
	}
}
