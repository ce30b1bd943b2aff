package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestParseAmzDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time // zero means rejected
	}{
		{"20261122T101500Z", time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)},
		{"20240229T235959Z", time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)},
		{"20000101T000000Z", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"20230229T000000Z", time.Time{}}, // not a leap year
		{"20260631T000000Z", time.Time{}},
		{"20261301T000000Z", time.Time{}},
		{"20260001T000000Z", time.Time{}},
		{"20261100T000000Z", time.Time{}},
		{"20261122T240000Z", time.Time{}},
		{"20261122T106000Z", time.Time{}},
		{"20261122T101560Z", time.Time{}},
		{"20261122T101500", time.Time{}},
		{"20261122 101500Z", time.Time{}},
		{"2026-11-22T10:15:00Z", time.Time{}},
		{"2026112aT101500Z", time.Time{}},
		{"+0261122T101500Z", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseAmzDate(tt.in)
			if tt.want.IsZero() {
				wantCode(t, err, "IncompleteSignature")
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("parseAmzDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			// The same instant as time.Parse reads it.
			if std, err := time.Parse(amzDateLayout, tt.in); err != nil || !std.Equal(got) {
				t.Errorf("time.Parse gives %v, %v", std, err)
			}
		})
	}
}

func TestParseExpires(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration // zero means rejected
	}{
		{"1", time.Second},
		{"900", 15 * time.Minute},
		{"604800", 7 * 24 * time.Hour},
		{"0", 0},
		{"604801", 0},
		{"99999999999", 0},
		{"-1", 0},
		{"+60", 0},
		{"60s", 0},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseExpires(tt.in)
			if tt.want == 0 {
				wantCode(t, err, "IncompleteSignature")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseExpires(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseAuthorizationForms(t *testing.T) {
	const sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	want := credential{accessKeyID: "AKID", date: "20150830", region: "us-east-1", service: "service", scope: "20150830/us-east-1/service/aws4_request"}
	for _, header := range []string{
		"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=" + sig,
		"AWS4-HMAC-SHA256 Signature=" + sig + ",  SignedHeaders=host;x-amz-date ,Credential=AKID/20150830/us-east-1/service/aws4_request",
		"  AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + sig + "  ",
	} {
		auth, err := parseAuthorization(header)
		if err != nil {
			t.Errorf("%q: %v", header, err)
			continue
		}
		if auth.credential != want || auth.signedHeaders != "host;x-amz-date" || auth.signature != sig {
			t.Errorf("%q parsed to %+v", header, auth)
		}
		if auth.mac[0] != 0x5f || auth.mac[31] != 0x31 {
			t.Errorf("%q: decoded signature %x", header, auth.mac)
		}
	}
}

// TestHMACMatchesStandardLibrary holds the allocation-free HMAC to
// crypto/hmac for keys shorter than, equal to and longer than a block.
func TestHMACMatchesStandardLibrary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.OneOf(
			rapid.SliceOfN(rapid.Byte(), 0, sha256.BlockSize),
			rapid.SliceOfN(rapid.Byte(), sha256.BlockSize+1, 150),
		).Draw(t, "key")
		data := rapid.SliceOfN(rapid.Byte(), 0, 600).Draw(t, "data")
		mac := hmac.New(sha256.New, key)
		mac.Write(data)
		want := mac.Sum(nil)
		if got := hmacSHA256(key, data); !hmac.Equal(got[:], want) {
			t.Fatalf("hmacSHA256(%x, %x) = %x, want %x", key, data, got, want)
		}
	})
}
