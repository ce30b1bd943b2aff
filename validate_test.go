package warden_test

import (
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

func TestValidateNames(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"good user", warden.ValidateUserName("alice+ops@example.com"), "", ""},
		{"user with space", warden.ValidateUserName("al ice"), warden.EValidationError,
			`1 validation error detected: Value 'al ice' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"user too long", warden.ValidateUserName(strings.Repeat("a", 65)), warden.EValidationError,
			"1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"empty role", warden.ValidateRoleName(""), warden.EValidationError,
			"1 validation error detected: Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"group of 128", warden.ValidateGroupName(strings.Repeat("g", 128)), "", ""},
		{"account id", warden.ValidateAccountID("12345678901"), warden.EValidationError,
			`1 validation error detected: Value '12345678901' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\d{12}$`},
		{"alias ok", warden.ValidateAccountAlias("my-company-1"), "", ""},
		{"alias double hyphen", warden.ValidateAccountAlias("my--company"), warden.EValidationError, ""},
		{"alias upper case", warden.ValidateAccountAlias("MyCompany"), warden.EValidationError, ""},
		{"alias trailing hyphen", warden.ValidateAccountAlias("company-"), warden.EValidationError, ""},
		{"version id", warden.ValidatePolicyVersionID("v12"), "", ""},
		{"bad version id", warden.ValidatePolicyVersionID("v0"), warden.EValidationError, ""},
		{"duplicate tag keys", warden.ValidateTags([]warden.Tag{{Key: "Team", Value: "a"}, {Key: "team", Value: "b"}}), warden.EInvalidInput,
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"tag value with colon", warden.ValidateTags([]warden.Tag{{Key: "aws:x", Value: "a:b/c=d+e-f@g h"}}), "", ""},
		{"tag key with star", warden.ValidateTags([]warden.Tag{{Key: "a*", Value: "v"}}), warden.EValidationError, ""},
		{"password hidden", warden.ValidatePassword("\x01secret"), warden.EValidationError,
			`1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := warden.ErrorCode(tt.err); code != tt.code {
				t.Fatalf("code = %q (%v), want %q", code, tt.err, tt.code)
			}
			if tt.message != "" && warden.ErrorMessage(tt.err) != tt.message {
				t.Fatalf("message = %q\nwant      %q", warden.ErrorMessage(tt.err), tt.message)
			}
		})
	}
}

func TestValidatePolicyARN(t *testing.T) {
	for _, tt := range []struct {
		arn  string
		code string
	}{
		{"arn:aws:iam::123456789012:policy/p", ""},
		{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", ""},
		{"arn:aws:iam::123456789012:role/p", warden.EInvalidInput},
		{"arn:aws:iam:us-east-1:123456789012:policy/p", warden.EInvalidInput},
		{"arn:aws:s3:::policy/pppppppppppp", warden.EInvalidInput},
		{"policy/p", warden.EValidationError},
	} {
		t.Run(tt.arn, func(t *testing.T) {
			if _, err := warden.ValidatePolicyARN(tt.arn); warden.ErrorCode(err) != tt.code {
				t.Fatalf("code = %q (%v), want %q", warden.ErrorCode(err), err, tt.code)
			}
		})
	}
}

func TestMultipleValidationErrors(t *testing.T) {
	in := warden.CreateUserInput{Name: "bad name", Path: "no-slash"}
	err := in.Validate()
	if !strings.HasPrefix(warden.ErrorMessage(err), "2 validation errors detected: ") {
		t.Fatalf("message = %q", warden.ErrorMessage(err))
	}
}

func TestListOptionsValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts warden.ListOptions
		ok   bool
	}{
		{"zero", warden.ListOptions{}, true},
		{"max", warden.ListOptions{MaxItems: 1000, PathPrefix: "/a/"}, true},
		{"too many", warden.ListOptions{MaxItems: 1001}, false},
		{"negative", warden.ListOptions{MaxItems: -1}, false},
		{"prefix without slash", warden.ListOptions{PathPrefix: "a/"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.opts.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	if (warden.ListOptions{}).Limit() != warden.DefaultMaxItems {
		t.Fatal("default limit")
	}
}

func TestPolicySize(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\t\"Statement\": []\r\n}"
	if got, want := warden.PolicySize(doc), len(strings.Join(strings.Fields(doc), "")); got != want {
		t.Fatalf("PolicySize = %d, want %d", got, want)
	}
}
