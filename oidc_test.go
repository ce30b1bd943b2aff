package warden

import (
	"slices"
	"strings"
	"testing"
)

func TestValidateOIDCProviderURL(t *testing.T) {
	tests := []struct {
		url  string
		code string // "" when valid
	}{
		{url: "https://token.actions.githubusercontent.com"},
		{url: "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
		{url: "https://login.example.test:8443/tenant"},
		{url: "http://token.example.test", code: EInvalidInput},
		{url: "HTTPS://token.example.test", code: EInvalidInput},
		{url: "token.example.test", code: EInvalidInput},
		{url: "https://", code: EInvalidInput},
		{url: "https:///path", code: EInvalidInput},
		{url: "https://token.example.test?tenant=7", code: EInvalidInput},
		{url: "https://token.example.test/?", code: EInvalidInput},
		{url: "https://token.example.test#frag", code: EInvalidInput},
		{url: "https://user:pw@token.example.test", code: EInvalidInput},
		{url: "https://token.example.test/a b", code: EInvalidInput},
		{url: "", code: EValidationError},
		{url: "https://" + strings.Repeat("a", 248), code: EValidationError},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if got := ErrorCode(ValidateOIDCProviderURL(tt.url)); got != tt.code {
				t.Fatalf("ValidateOIDCProviderURL(%q) = %q, want %q", tt.url, got, tt.code)
			}
		})
	}
}

func TestOIDCProviderARN(t *testing.T) {
	arn := OIDCProviderARN("123456789012", "https://oidc.example.test/id/abc")
	if arn != "arn:aws:iam::123456789012:oidc-provider/oidc.example.test/id/abc" {
		t.Fatalf("OIDCProviderARN = %s", arn)
	}
	account, url, err := ParseOIDCProviderARN(arn)
	if err != nil || account != "123456789012" || url != "https://oidc.example.test/id/abc" {
		t.Fatalf("ParseOIDCProviderARN = %q, %q, %v", account, url, err)
	}
	for _, bad := range []string{
		"arn:aws:iam::123456789012:oidc-provider/",
		"arn:aws:iam::123456789012:role/oidc.example.test",
		"arn:aws:sts::123456789012:oidc-provider/oidc.example.test",
		"arn:aws:iam:us-east-1:123456789012:oidc-provider/oidc.example.test",
		"arn:aws:iam::12345:oidc-provider/oidc.example.test",
		"arn:aws-cn:iam::123456789012:oidc-provider/oidc.example.test",
		"oidc.example.test",
	} {
		if _, _, err := ParseOIDCProviderARN(bad); ErrorCode(err) != EInvalidInput {
			t.Errorf("ParseOIDCProviderARN(%q) = %v; want InvalidInput", bad, err)
		}
	}
}

func TestCreateOpenIDConnectProviderInputValidate(t *testing.T) {
	tp := "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
	tests := []struct {
		name string
		in   CreateOpenIDConnectProviderInput
		code string
	}{
		{name: "minimal", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test"}},
		{name: "everything", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", ClientIDs: []string{"a"}, Thumbprints: []string{tp}, Tags: []Tag{{Key: "k", Value: "v"}}}},
		{name: "six thumbprints", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", Thumbprints: slices.Repeat([]string{tp}, 6)}, code: EValidationError},
		{name: "short thumbprint", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", Thumbprints: []string{"abc"}}, code: EValidationError},
		{name: "thumbprint not hex", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", Thumbprints: []string{strings.Repeat("g", 40)}}, code: EInvalidInput},
		{name: "empty client ID", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", ClientIDs: []string{""}}, code: EValidationError},
		{name: "101 client IDs", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", ClientIDs: hundredAndOne()}, code: ELimitExceeded},
		{name: "repeated client IDs count once", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", ClientIDs: slices.Repeat([]string{"a"}, 101)}},
		{name: "duplicate tags", in: CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", Tags: []Tag{{Key: "k"}, {Key: "K"}}}, code: EInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.in.Validate()); got != tt.code {
				t.Fatalf("Validate = %q, want %q", got, tt.code)
			}
		})
	}
}

func hundredAndOne() []string {
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = strings.Repeat("x", i+1)
	}
	return ids
}

func TestUniqueClientIDs(t *testing.T) {
	if got := UniqueClientIDs([]string{"b", "a", "b", "c", "a"}); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("UniqueClientIDs = %q", got)
	}
}
