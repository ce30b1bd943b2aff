package s3api

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

func TestParseRange(t *testing.T) {
	tests := []struct {
		header string
		want   *warden.ByteRange
	}{
		{"bytes=0-9", &warden.ByteRange{First: 0, Last: 9}},
		{"bytes=100-", &warden.ByteRange{First: 100, Last: -1}},
		{"bytes=-500", &warden.ByteRange{Suffix: 500}},
		{"bytes= 5-6", &warden.ByteRange{First: 5, Last: 6}},
		{"", nil},
		{"bytes=9-0", nil},
		{"bytes=0-1,5-6", nil},
		{"bytes=-0", nil},
		{"bytes=-", nil},
		{"bytes=+1-2", nil},
		{"items=0-9", nil},
		{"bytes=a-b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got := parseRange(tt.header)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("parseRange(%q) = %+v, want %+v", tt.header, got, tt.want)
			}
		})
	}
}

func FuzzParseRange(f *testing.F) {
	for _, h := range []string{"bytes=0-9", "bytes=100-", "bytes=-500", "bytes=0-1,5-6", "bytes=9223372036854775807-", "bytes=-9223372036854775807"} {
		f.Add(h, int64(1000))
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		rng := parseRange(header)
		if rng == nil {
			return
		}
		if rng.Suffix < 0 || rng.First < 0 || (rng.Last >= 0 && rng.Last < rng.First) || (rng.Last < -1) {
			t.Fatalf("%q parsed to %+v", header, rng)
		}
		if size < 0 {
			return
		}
		span, err := rng.Resolve(size)
		if err != nil {
			return
		}
		if span.Offset < 0 || span.Length <= 0 || span.Offset+span.Length > size {
			t.Fatalf("%+v of %d bytes resolved to %+v", rng, size, span)
		}
	})
}

func TestPreconditions(t *testing.T) {
	modified := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	info := &warden.ObjectInfo{ETag: `"abc"`, LastModified: modified}
	tests := []struct {
		name   string
		header map[string]string
		status int
		code   string
	}{
		{"none", nil, 0, ""},
		{"If-Match matches", map[string]string{"If-Match": `"abc"`}, 0, ""},
		{"If-Match unquoted", map[string]string{"If-Match": "abc"}, 0, ""},
		{"If-Match differs", map[string]string{"If-Match": `"xyz"`}, 0, warden.EPreconditionFailed},
		{"If-None-Match matches", map[string]string{"If-None-Match": `"abc"`}, 304, ""},
		{"If-None-Match *", map[string]string{"If-None-Match": "*"}, 304, ""},
		{"If-Modified-Since later", map[string]string{"If-Modified-Since": modified.Add(time.Hour).Format(http.TimeFormat)}, 304, ""},
		{"If-Modified-Since earlier", map[string]string{"If-Modified-Since": modified.Add(-time.Hour).Format(http.TimeFormat)}, 0, ""},
		{"If-Unmodified-Since earlier", map[string]string{"If-Unmodified-Since": modified.Add(-time.Hour).Format(http.TimeFormat)}, 0, warden.EPreconditionFailed},
		{"If-Match wins over If-Unmodified-Since", map[string]string{"If-Match": `"abc"`, "If-Unmodified-Since": modified.Add(-time.Hour).Format(http.TimeFormat)}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/b/k", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			status, err := checkPreconditions(r, info)
			if status != tt.status || warden.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Errorf("status %d, err %v; want %d %s", status, err, tt.status, tt.code)
			}
		})
	}
}

func FuzzEncodeKey(f *testing.F) {
	for _, k := range []string{"plain/key.txt", "a b+c", "ключ", "\x00\x01<&>", "%41"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		encoded := encodeKey(key, true)
		decoded, err := url.PathUnescape(encoded)
		if err != nil || decoded != key {
			t.Fatalf("%q encoded to %q decodes to %q, %v", key, encoded, decoded, err)
		}
		if encodeKey(key, false) != key {
			t.Fatal("encoding without encoding-type changed the key")
		}
	})
}
