package sigv4

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	f.Add("AWS4-HMAC-SHA256  Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31 , Credential=A/20150830/r/s/aws4_request,SignedHeaders=host")
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=zz")
	f.Add("AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=")
	f.Add("AWS4-HMAC-SHA256 ,,,")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=AKID/20150830/iam/aws4_request")
	f.Add("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")
	f.Add("")
	f.Fuzz(func(t *testing.T, header string) {
		auth, err := parseAuthorization(header)
		if err != nil {
			return
		}
		if !isLowerHex(auth.signature, 64) {
			t.Fatalf("accepted signature %q", auth.signature)
		}
		if err := checkSignedHeaders(auth.signedHeaders); err != nil {
			t.Fatalf("accepted SignedHeaders %q: %v", auth.signedHeaders, err)
		}
		if !signedHeaderListed(auth.signedHeaders, "host") {
			t.Fatalf("accepted SignedHeaders without host: %q", auth.signedHeaders)
		}
		// What was accepted, written out canonically, parses to the same.
		rendered := "AWS4-HMAC-SHA256 Credential=" + auth.credential.accessKeyID + "/" + auth.credential.scope +
			", SignedHeaders=" + auth.signedHeaders + ", Signature=" + auth.signature
		again, err := parseAuthorization(rendered)
		if err != nil || again != auth {
			t.Fatalf("re-rendered %q parses to %+v, %v; want %+v", rendered, again, err, auth)
		}
	})
}

func FuzzParseCredential(f *testing.F) {
	f.Add("AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/iam/aws4_request")
	f.Add("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request")
	f.Add("AKID/20150830/us-east-1/iam/aws4_request/extra")
	f.Add("AKID/20150830//iam/aws4_request")
	f.Add("AKID/2015083/us-east-1/iam/aws4_request")
	f.Add("/////")
	f.Add("AKID")
	f.Fuzz(func(t *testing.T, value string) {
		cred, err := parseCredential(value)
		if err != nil {
			return
		}
		if cred.accessKeyID+"/"+cred.scope != value {
			t.Fatalf("%q parsed to key %q scope %q", value, cred.accessKeyID, cred.scope)
		}
		want := cred.date + "/" + cred.region + "/" + cred.service + "/" + scopeTerminator
		if cred.scope != want {
			t.Fatalf("scope %q, elements give %q", cred.scope, want)
		}
		if !isAccessKeyID(cred.accessKeyID) || len(cred.date) != 8 || !isDigits(cred.date) || !isRegionName(cred.region) || cred.service == "" {
			t.Fatalf("accepted %+v", cred)
		}
	})
}

func FuzzCanonicalQuery(f *testing.F) {
	f.Add("Action=ListUsers&Version=2010-05-08", false)
	f.Add("b=2&a=1&a=0", false)
	f.Add("a=x+y&a=x%2By&c=&flag", false)
	f.Add("k=a-b&k=a/b&%E1%88%B4=bar", false)
	f.Add("X-Amz-Signature=abc&X-Amz-Date=20261122T101500Z", true)
	f.Add("a=1;b=2&&=&==", false)
	f.Add("a=%zz", false)
	f.Fuzz(func(t *testing.T, raw string, presigned bool) {
		params, err := parseQuery(raw)
		if err != nil {
			return
		}
		canonical := string(appendCanonicalQuery(nil, params, presigned))

		// Every name and value is fully encoded, and the pairs are sorted.
		var pairs [][2]string
		if canonical != "" {
			for pair := range strings.SplitSeq(canonical, "&") {
				key, value, ok := strings.Cut(pair, "=")
				if !ok || !isCanonicallyEncoded(key) || !isCanonicallyEncoded(value) {
					t.Fatalf("pair %q of %q is not canonically encoded", pair, canonical)
				}
				pairs = append(pairs, [2]string{key, value})
			}
		}
		if !slices.IsSortedFunc(pairs, func(a, b [2]string) int {
			if c := strings.Compare(a[0], b[0]); c != 0 {
				return c
			}
			return strings.Compare(a[1], b[1])
		}) {
			t.Fatalf("%q is not sorted", canonical)
		}

		// Nothing is lost or invented: decoding gives back the parameters.
		var want, got []string
		for _, p := range params {
			if !(presigned && p.key == paramSignature) {
				want = append(want, p.key+"\x00"+p.value)
			}
		}
		decoded, err := parseQuery(canonical)
		if err != nil {
			t.Fatalf("canonical query %q does not decode: %v", canonical, err)
		}
		for _, p := range decoded {
			got = append(got, p.key+"\x00"+p.value)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Fatalf("%q canonicalized to %q, which decodes to %q, want %q", raw, canonical, got, want)
		}

		// The standard library reads the same parameters (it treats ';' as
		// an error, so such queries are skipped).
		if std, err := url.ParseQuery(raw); err == nil && !strings.Contains(raw, ";") {
			var fromStd []string
			for k, vs := range std {
				for _, v := range vs {
					if !(presigned && k == paramSignature) {
						fromStd = append(fromStd, k+"\x00"+v)
					}
				}
			}
			slices.Sort(fromStd)
			if !slices.Equal(want, fromStd) {
				t.Fatalf("%q: parsed %q, net/url parsed %q", raw, want, fromStd)
			}
		}

		// Canonicalizing is idempotent.
		if again := string(appendCanonicalQuery(nil, decoded, false)); again != canonical {
			t.Fatalf("canonical query %q canonicalizes again to %q", canonical, again)
		}
	})
}

// isCanonicallyEncoded reports whether s holds only unreserved characters
// and uppercase percent-escapes of the other bytes.
func isCanonicallyEncoded(s string) bool {
	const upperHex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		if isUnreserved(s[i]) {
			continue
		}
		if s[i] != '%' || i+2 >= len(s) {
			return false
		}
		hi, lo := strings.IndexByte(upperHex, s[i+1]), strings.IndexByte(upperHex, s[i+2])
		if hi < 0 || lo < 0 || isUnreserved(byte(hi<<4|lo)) {
			return false
		}
		i += 2
	}
	return true
}

func FuzzNormalizePath(f *testing.F) {
	for _, p := range []string{"/", "//", "/./", "/a/../b", "//example//", "/a/%2E%2E/b", "/tags/arn%3Aaws%2Fd", ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		got := normalizePath(path)
		if strings.Contains(got, "//") {
			t.Fatalf("normalizePath(%q) = %q keeps an empty segment", path, got)
		}
		for segment := range strings.SplitSeq(got, "/") {
			if segment == "." || segment == ".." {
				t.Fatalf("normalizePath(%q) = %q keeps a dot segment", path, got)
			}
		}
		if again := normalizePath(got); again != got {
			t.Fatalf("normalizePath is not idempotent: %q → %q → %q", path, got, again)
		}
	})
}
