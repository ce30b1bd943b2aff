package arn

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want ARN
		err  error
	}{
		{"arn:aws:iam::123456789012:user/alice", ARN{"aws", "iam", "", "123456789012", "user/alice"}, nil},
		{"arn:aws:s3:::bucket/a:b/c", ARN{"aws", "s3", "", "", "bucket/a:b/c"}, nil},
		{"arn:aws:health-agent:us-east-1:123456789012:domain/d-1/agent/a-2", ARN{"aws", "health-agent", "us-east-1", "123456789012", "domain/d-1/agent/a-2"}, nil},
		{"arn:aws-cn:sts::1:assumed-role/r/s", ARN{"aws-cn", "sts", "", "1", "assumed-role/r/s"}, nil},
		{"arn:aws:s3:::", ARN{"aws", "s3", "", "", ""}, nil},
		{"ARN:aws:s3:::b", ARN{}, ErrPrefix},
		{"*", ARN{}, ErrPrefix},
		{"arn:aws:s3::b", ARN{}, ErrTooFew},
		{"arn:", ARN{}, ErrTooFew},
		{"arn::s3:::b", ARN{"", "s3", "", "", "b"}, ErrNoParts},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != tt.err {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if err == nil && got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestSplitDoesNotAllocate(t *testing.T) {
	s := "arn:aws:iam::123456789012:user/alice"
	if n := testing.AllocsPerRun(100, func() { Split(s) }); n != 0 {
		t.Fatalf("Split allocates %v times", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:user/alice", "arn:aws:s3:::b/k:x", "arn:", "arn:::::", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if err != ErrNoParts {
				return
			}
		}
		if a.String() != s {
			t.Fatalf("round trip: %q -> %+v -> %q", s, a, a.String())
		}
		if strings.Count(s, ":") < 5 {
			t.Fatalf("accepted %q with fewer than five colons", s)
		}
	})
}
