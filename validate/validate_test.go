package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden/policy"
)

func TestFirstError(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind policy.Kind
		src  string
		code string // "" when IAM accepts the policy
	}{
		{"valid", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, ""},
		{"unknown action is accepted", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:getService","Resource":"*"}}`, ""},
		{"unknown service is accepted", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"app-integartions:ListEventIntegrations","Resource":"*"}}`, ""},
		{"unknown condition key is accepted", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:NoSuchKey":"x"}}}}`, ""},
		{"not JSON", policy.KindIdentity, `{"Version":"2012-10-17",}`, "JSON_SYNTAX_ERROR"},
		{"placeholder version", policy.KindIdentity, `{"Version":"{POLICY_VERSION}","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, "INVALID_VERSION"},
		{"first by position", policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3","Resource":"*"}]}`, "INVALID_EFFECT"},
		{"principal in identity policy", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`, "UNSUPPORTED_PRINCIPAL"},
		{"trust policy without principal", policy.KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "MISSING_PRINCIPAL"},
		{"unterminated variable", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"}}`, "MISSING_BRACE_IN_VARIABLE"},
		{"size is LimitExceeded, not malformed", policy.KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/x":["` + strings.Repeat("a", 3000) + `"]}}}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, found := FirstError([]byte(tc.src), tc.kind)
			switch {
			case tc.code == "" && found:
				t.Errorf("FirstError = %v, want none", f)
			case tc.code != "" && !found:
				t.Errorf("FirstError found nothing, want %s", tc.code)
			case tc.code != "" && f.Code != tc.code:
				t.Errorf("FirstError = %v, want %s", f, tc.code)
			}
		})
	}
}

// TestFirstErrorIsAValidatorFinding checks that the server's answer is the
// validator's own first grammar error, on every seed policy.
func TestFirstErrorIsAValidatorFinding(t *testing.T) {
	files, err := filepath.Glob("testdata/seeds/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed policies: %v", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		kind := seedKind(filepath.Base(file))
		f, found := FirstError(src, kind)
		if !found {
			continue
		}
		if !slices.Contains(Policy(src, kind, Options{}), f) {
			t.Errorf("%s: FirstError %v is not among the validator's findings", file, f)
		}
	}
}

func TestGlobCovers(t *testing.T) {
	for _, tc := range []struct {
		p, q string
		fold bool
		want bool
	}{
		{"s3:*", "s3:GetObject", true, true},
		{"s3:Get*", "s3:GetObject", true, true},
		{"s3:get*", "S3:GETOBJECT", true, true},
		{"s3:get*", "S3:GETOBJECT", false, false},
		{"s3:Get*", "s3:Get*Acl", true, true},
		{"s3:Get*Acl", "s3:Get*", true, false},
		{"s3:Get?", "s3:Get*", true, false},
		{"s3:Get?", "s3:GetA", true, true},
		{"s3:Get?", "s3:Get?", true, true},
		{"s3:GetObject", "s3:Get*", true, false},
		{"*", "anything:*", true, true},
		{"s3:GetObject", "s3:getobject", true, true},
		{"s3:List*", "s3:GetObject", true, false},
	} {
		if got := globCovers(tc.p, tc.q, tc.fold); got != tc.want {
			t.Errorf("globCovers(%q, %q, %v) = %v, want %v", tc.p, tc.q, tc.fold, got, tc.want)
		}
	}
}

func TestARNCovers(t *testing.T) {
	for _, tc := range []struct {
		p, q string
		want bool
	}{
		{"*", "arn:aws:s3:::bucket/key", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
		{"arn:aws:s3:::bucket/*", "*", false},
		{"arn:aws:*:*:*:*", "arn:aws:s3:::bucket", true},
		// A wildcard does not cross into the next of the first five components.
		{"arn:aws:s3*", "arn:aws:s3:::bucket", false},
	} {
		if got := arnCovers(tc.p, tc.q); got != tc.want {
			t.Errorf("arnCovers(%q, %q) = %v, want %v", tc.p, tc.q, got, tc.want)
		}
	}
}

func TestSeverity(t *testing.T) {
	for sev := Suggestion; sev <= Error; sev++ {
		for _, spelling := range []string{sev.String(), sev.Flag()} {
			got, ok := ParseSeverity(spelling)
			if !ok || got != sev {
				t.Errorf("ParseSeverity(%q) = %v, %v; want %v", spelling, got, ok, sev)
			}
		}
	}
	if _, ok := ParseSeverity("fatal"); ok {
		t.Error(`ParseSeverity("fatal") succeeded`)
	}
	if !(Error > SecurityWarning && SecurityWarning > Warning && Warning > Suggestion) {
		t.Error("severities are not ordered by gravity")
	}
}

func TestFindingsAreSortedByPosition(t *testing.T) {
	src := []byte(`{"Statement": [
  {"Effect": "Allow", "Action": ["s3:Gett*", "iam:PassRole"], "Resource": "*"},
  {"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
]}`)
	fs := Policy(src, policy.KindIdentity, Options{})
	if len(fs) < 3 {
		t.Fatalf("findings:\n%s", formatFindings(fs))
	}
	if !slices.IsSortedFunc(fs, compareFindings) {
		t.Errorf("findings are not sorted:\n%s", formatFindings(fs))
	}
}

// TestConditionValueTypes checks that values which cannot be read as their
// operator's type are errors, whatever the type.
func TestConditionValueTypes(t *testing.T) {
	for _, tc := range []struct {
		name, operator, key, value string
		code                       string // "" for a valid value
	}{
		{"date", "DateLessThan", "aws:CurrentTime", "next week", "INVALID_CONDITION_DATA_TYPE"},
		{"date ok", "DateLessThan", "aws:CurrentTime", "2026-06-30T00:00:00Z", ""},
		{"number", "NumericLessThan", "aws:MultiFactorAuthAge", "an hour", "INVALID_CONDITION_DATA_TYPE"},
		{"number ok", "NumericLessThan", "aws:MultiFactorAuthAge", "3600", ""},
		{"ip", "IpAddress", "aws:SourceIp", "203.0.113.300", "INVALID_CONDITION_DATA_TYPE"},
		{"ip ok", "IpAddress", "aws:SourceIp", "2001:db8::/32", ""},
		{"arn", "ArnLike", "aws:SourceArn", "my-trail", "INVALID_CONDITION_DATA_TYPE"},
		{"arn too short", "ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:us-east-1", "MISSING_ARN_FIELD"},
		{"arn ok", "ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:111122223333:trail/*", ""},
		{"boolean", "Bool", "aws:SecureTransport", "yes", "INVALID_CONDITION_DATA_TYPE"},
		{"boolean ok", "Bool", "aws:SecureTransport", "false", ""},
		{"null", "Null", "aws:TokenIssueTime", "absent", "INVALID_CONDITION_DATA_TYPE"},
		{"null ok", "Null", "aws:TokenIssueTime", "true", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fmt.Sprintf(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {%q: {%q: %q}}}}`, tc.operator, tc.key, tc.value)
			fs := Policy([]byte(src), policy.KindIdentity, Options{})
			if tc.code == "" {
				if len(fs) > 0 {
					t.Errorf("findings for a valid value:\n%s", formatFindings(fs))
				}
				return
			}
			if len(fs) != 1 || fs[0].Code != tc.code || fs[0].Severity != Error || fs[0].Path != "Statement.Condition."+tc.operator+"."+tc.key {
				t.Errorf("findings:\n%swant one %s at the value", formatFindings(fs), tc.code)
			}
		})
	}
}

// TestConcurrentValidation validates the seed policies from many
// goroutines at once, sharing the catalog's derived indexes and memos (run
// with -race).
func TestConcurrentValidation(t *testing.T) {
	files, err := filepath.Glob("testdata/seeds/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed policies: %v", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := formatFindings(Policy(src, seedKind(filepath.Base(file)), Options{}))
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			for range 20 {
				if got := formatFindings(Policy(src, seedKind(filepath.Base(file)), Options{})); got != want {
					t.Fatalf("findings differ between runs:\n%s\nthen:\n%s", want, got)
				}
			}
		})
	}
}
