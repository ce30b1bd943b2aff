package stsapi

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/sqlstore"
)

const testUserID = "906749f0b2-4f9f2b2e-1b51-4e9e-8f5b-3b9b6d2a1c7e"

func providedContext(provider, assertion string) []s.ProvidedContext {
	return []s.ProvidedContext{{ProviderArn: &provider, ContextAssertion: &assertion}}
}

// contextRole creates a role of account A whose trust policy lets the
// user assume it, and with setContext, set its context; its permissions
// allow reading one's own records only (identitystore:UserId in the
// resource).
func contextRole(t *testing.T, f *fixture, user string, setContext bool) string {
	t.Helper()
	actions := `"sts:AssumeRole"`
	if setContext {
		actions = `["sts:AssumeRole","sts:SetContext"]`
	}
	return f.role(t, accountA, "clinician", trust(`{"AWS":"`+user+`"}`, actions, ""), nil,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::records/${identitystore:UserId}/*"}]}`)
}

func TestProvidedContexts(t *testing.T) {
	f := newFixture(t)
	user := f.user(t, accountA, "webapp", allow("sts:AssumeRole", "*"))
	role := contextRole(t, f, user, true)
	assertion, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: testUserID,
		IdentityStoreARN: "arn:aws:identitystore::111111111111:identitystore/d-1234567890", IssuedAt: f.clock()})
	mustOK(t, err)
	if len(assertion) > maxContextAssertion {
		t.Fatalf("assertion of %d characters exceeds the model's limit", len(assertion))
	}

	out, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s",
		ProvidedContexts: providedContext(IdentityCenterContextProvider, assertion)})
	mustOK(t, err)
	sess := f.sessionCaller(t, out.Credentials.AccessKeyId)
	if v, ok := contextKey(sess, "identitystore:UserId"); !ok || v != testUserID {
		t.Fatalf("identitystore:UserId = %q, %v", v, ok)
	}
	if v, _ := contextKey(sess, "identitystore:IdentityStoreArn"); v != "arn:aws:identitystore::111111111111:identitystore/d-1234567890" {
		t.Fatalf("identitystore:IdentityStoreArn = %q", v)
	}
	// The key decides with policy variables: the user's own records
	// only.
	if !f.allowed(t, sess, "s3:GetObject", "arn:aws:s3:::records/"+testUserID+"/chart.json") {
		t.Error("the session may not read its user's records")
	}
	if f.allowed(t, sess, "s3:GetObject", "arn:aws:s3:::records/someone-else/chart.json") {
		t.Error("the session may read another user's records")
	}

	// Without a context the key is absent and the variable matches
	// nothing.
	plain, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "plain"})
	mustOK(t, err)
	plainCaller := f.sessionCaller(t, plain.Credentials.AccessKeyId)
	if _, ok := contextKey(plainCaller, "identitystore:UserId"); ok {
		t.Error("a session without ProvidedContexts has identitystore:UserId")
	}
	if f.allowed(t, plainCaller, "s3:GetObject", "arn:aws:s3:::records/"+testUserID+"/chart.json") {
		t.Error("a session without context reads the user's records")
	}
}

func TestProvidedContextsRefused(t *testing.T) {
	f := newFixture(t)
	user := f.user(t, accountA, "webapp", allow("sts:AssumeRole", "*"))
	role := contextRole(t, f, user, true)
	valid, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: testUserID, IssuedAt: f.clock(), Lifetime: 10 * time.Minute})
	mustOK(t, err)

	// An assertion of another installation: same format, other data key.
	other, err := sqlstore.Open(t.Context(), t.TempDir(), sqlstore.Options{AWSManagedPolicies: managed.Default()})
	mustOK(t, err)
	t.Cleanup(func() { other.Close() })
	foreign, err := MintIdentityCenterContext(other, IdentityCenterContext{UserID: testUserID, IssuedAt: f.clock()})
	mustOK(t, err)
	// Claims swapped under the valid signature.
	prefix, sig, _ := strings.Cut(strings.TrimPrefix(valid, contextAssertionPrefix), ".")
	claims, _ := base64.RawURLEncoding.DecodeString(prefix)
	swapped := contextAssertionPrefix + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(claims), "4f9f2b2e", "00000000", 1))) + "." + sig
	future, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: testUserID, IssuedAt: f.clock().Add(time.Hour)})
	mustOK(t, err)

	tests := []struct {
		name     string
		contexts []s.ProvidedContext
		code     string
		part     string
	}{
		{"foreign provider", providedContext("arn:aws:iam::aws:contextProvider/Other", valid), warden.EInvalidParameterValue, "not a trusted context provider"},
		{"other installation", providedContext(IdentityCenterContextProvider, foreign), warden.EInvalidParameterValue, "not valid"},
		{"altered claims", providedContext(IdentityCenterContextProvider, swapped), warden.EInvalidParameterValue, "not valid"},
		{"garbage", providedContext(IdentityCenterContextProvider, "wic1.not-base64!.x"), warden.EInvalidParameterValue, "not valid"},
		{"no signature", providedContext(IdentityCenterContextProvider, contextAssertionPrefix+prefix), warden.EInvalidParameterValue, "not valid"},
		{"issued in the future", providedContext(IdentityCenterContextProvider, future), warden.EInvalidParameterValue, "future"},
		{"twice", append(providedContext(IdentityCenterContextProvider, valid), providedContext(IdentityCenterContextProvider, valid)...),
			warden.EInvalidParameterValue, "more than once"},
		{"no assertion", []s.ProvidedContext{{ProviderArn: new(IdentityCenterContextProvider)}}, warden.EInvalidParameterValue, "ContextAssertion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s", ProvidedContexts: tt.contexts})
			assertCode(t, err, tt.code, tt.part)
		})
	}

	// Expired: the assertion lived ten minutes.
	f.advance(10 * time.Minute)
	_, err = assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s",
		ProvidedContexts: providedContext(IdentityCenterContextProvider, valid)})
	assertCode(t, err, warden.EExpiredTokenException, "expired")

	// A trust policy without sts:SetContext refuses even a valid
	// assertion.
	f2 := newFixture(t)
	user2 := f2.user(t, accountA, "webapp", allow("sts:AssumeRole", "*"))
	role2 := contextRole(t, f2, user2, false)
	fresh, err := MintIdentityCenterContext(f2.store, IdentityCenterContext{UserID: testUserID, IssuedAt: f2.clock()})
	mustOK(t, err)
	_, err = assumeRole(t, f2, f2.caller(t, user2), &s.AssumeRoleInput{RoleArn: role2, RoleSessionName: "s",
		ProvidedContexts: providedContext(IdentityCenterContextProvider, fresh)})
	assertCode(t, err, warden.EAccessDenied, "sts:SetContext")
}

func TestMintIdentityCenterContext(t *testing.T) {
	f := newFixture(t)
	for _, c := range []IdentityCenterContext{
		{UserID: "alice"},
		{UserID: testUserID, IdentityStoreARN: "arn:aws:identitystore:::identitystore/d-1"},
		{UserID: testUserID, Lifetime: -time.Second},
	} {
		if _, err := MintIdentityCenterContext(f.store, c); warden.ErrorCode(err) != warden.EInvalidParameterValue {
			t.Errorf("MintIdentityCenterContext(%+v) = %v; want InvalidParameterValue", c, err)
		}
	}
	// Identity Store's own user IDs are accepted, with or without the
	// store's digits.
	if _, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: warden.NewIdentityStoreUserID(warden.NewIdentityStoreID()),
		IdentityStoreARN: warden.IdentityStoreARN(accountA, warden.NewIdentityStoreID())}); err != nil {
		t.Fatalf("MintIdentityCenterContext of an Identity Store user: %v", err)
	}
	a, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: "4f9f2b2e-1b51-4e9e-8f5b-3b9b6d2a1c7e", IssuedAt: f.clock()})
	mustOK(t, err)
	c, err := parseContextAssertion(f.store, a)
	mustOK(t, err)
	if c.Expires-c.IssuedAt != int64(DefaultContextAssertionLifetime/time.Second) || c.UserID != "4f9f2b2e-1b51-4e9e-8f5b-3b9b6d2a1c7e" {
		t.Fatalf("claims = %+v", c)
	}
}

// FuzzParseContextAssertion checks that no input panics the parser and
// that only signed assertions parse.
func FuzzParseContextAssertion(f *testing.F) {
	st, err := sqlstore.Open(f.Context(), f.TempDir(), sqlstore.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	valid, err := MintIdentityCenterContext(st, IdentityCenterContext{UserID: testUserID, IssuedAt: time.Unix(1_700_000_000, 0)})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{valid, "", "wic1.", "wic1..", "wic1.e30.", "wic1.e30.AAAA", valid + "x", strings.Repeat("a", 3000)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, assertion string) {
		c, err := parseContextAssertion(st, assertion)
		if err != nil {
			if warden.ErrorCode(err) != warden.EInvalidParameterValue {
				t.Fatalf("error %v is not InvalidParameterValue", err)
			}
			return
		}
		if assertion != valid || c.UserID != testUserID {
			t.Fatalf("%q parsed as %+v", assertion, c)
		}
	})
}
