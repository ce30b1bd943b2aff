package warden

import (
	"strings"
	"testing"
)

func TestByteRangeResolve(t *testing.T) {
	tests := []struct {
		name  string
		rng   ByteRange
		size  int64
		want  ByteSpan
		error bool
	}{
		{"first ten bytes", ByteRange{First: 0, Last: 9}, 100, ByteSpan{0, 10}, false},
		{"to the end", ByteRange{First: 90, Last: -1}, 100, ByteSpan{90, 10}, false},
		{"past the end is clipped", ByteRange{First: 90, Last: 500}, 100, ByteSpan{90, 10}, false},
		{"suffix", ByteRange{Suffix: 5}, 100, ByteSpan{95, 5}, false},
		{"suffix longer than the object", ByteRange{Suffix: 500}, 100, ByteSpan{0, 100}, false},
		{"start at the end", ByteRange{First: 100, Last: -1}, 100, ByteSpan{}, true},
		{"suffix of nothing", ByteRange{Suffix: 1}, 0, ByteSpan{}, true},
		{"any range of nothing", ByteRange{First: 0, Last: 0}, 0, ByteSpan{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rng.Resolve(tt.size)
			if tt.error {
				if ErrorCode(err) != EInvalidRange {
					t.Fatalf("Resolve: %v, %v; want InvalidRange", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Resolve = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestValidateObjectKey(t *testing.T) {
	for key, code := range map[string]string{
		"a":                            "",
		"../../etc/passwd":             "",
		strings.Repeat("k", 1024):      "",
		strings.Repeat("é", 512):       "",
		"":                             EInvalidArgument,
		strings.Repeat("k", 1025):      EKeyTooLong,
		strings.Repeat("é", 512) + "x": EKeyTooLong,
		"\xff\xfe":                     EInvalidArgument,
	} {
		if got := ErrorCode(ValidateObjectKey(key)); got != code {
			t.Errorf("ValidateObjectKey(%.20q…) = %q, want %q", key, got, code)
		}
	}
}

func TestS3Status(t *testing.T) {
	for code, status := range map[string]int{
		ENoSuchKey: 404, EBucketNotEmpty: 409, EAccessDenied: 403, EInvalidRange: 416,
		EMissingContentLength: 411, ENotImplemented: 501, "SomethingUnknown": 500,
	} {
		if got := S3Status(code); got != status {
			t.Errorf("S3Status(%s) = %d, want %d", code, got, status)
		}
	}
}
