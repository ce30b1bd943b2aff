package stsapi

import (
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

// mfaUser creates a user with an enabled virtual MFA device and returns
// the user's ARN, the device's serial number and seed.
func mfaUser(t *testing.T, f *fixture, name string, policies ...string) (arn, serial string, seed []byte) {
	t.Helper()
	arn = f.user(t, accountA, name, policies...)
	d, err := f.store.CreateVirtualMFADevice(t.Context(), accountA, name+"-phone", "")
	mustOK(t, err)
	mustOK(t, f.store.EnableMFADevice(t.Context(), accountA, name, d.SerialNumber))
	return arn, d.SerialNumber, d.Seed
}

// An action allowed only with MFA: long-term keys and sessions without MFA
// are refused, a session whose MFA is recent enough is allowed.
func TestMFAProtectedAction(t *testing.T) {
	f := newFixture(t)
	const mfaOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"health-agent:ListDomains","Resource":"*",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`
	alice, serial, seed := mfaUser(t, f, "alice", mfaOnly)
	longTerm := f.caller(t, alice)
	if f.allowed(t, longTerm, "health-agent:ListDomains", "*") {
		t.Fatal("a long-term key was allowed an MFA-only action")
	}

	plain, err := call[*s.GetSessionTokenOutput](t, f, longTerm, "GetSessionToken", &s.GetSessionTokenInput{})
	mustOK(t, err)
	if want := f.clock().Add(12 * time.Hour); !plain.Credentials.Expiration.Equal(want) {
		t.Errorf("default GetSessionToken expiry %v, want %v", plain.Credentials.Expiration, want)
	}
	noMFA := f.sessionCaller(t, plain.Credentials.AccessKeyId)
	if got, _ := contextKey(noMFA, "aws:MultiFactorAuthPresent"); got != "false" {
		t.Errorf("session without MFA: aws:MultiFactorAuthPresent = %q", got)
	}
	if f.allowed(t, noMFA, "health-agent:ListDomains", "*") {
		t.Error("a session without MFA was allowed an MFA-only action")
	}

	code := referenceTOTP(seed, f.clock())
	withMFA, err := call[*s.GetSessionTokenOutput](t, f, longTerm, "GetSessionToken",
		&s.GetSessionTokenInput{SerialNumber: &serial, TokenCode: &code, DurationSeconds: new(int32(7200))})
	mustOK(t, err)
	mfa := f.sessionCaller(t, withMFA.Credentials.AccessKeyId)
	if !f.allowed(t, mfa, "health-agent:ListDomains", "*") {
		t.Error("a session with MFA was refused")
	}
	id, err := call[*s.GetCallerIdentityOutput](t, f, mfa, "GetCallerIdentity", &s.GetCallerIdentityInput{})
	mustOK(t, err)
	if *id.Arn != alice {
		t.Errorf("GetSessionToken credentials are %s, want the user %s", *id.Arn, alice)
	}

	f.advance(time.Hour + time.Minute)
	mfa.Time = f.clock()
	if got, _ := contextKey(mfa, "aws:MultiFactorAuthAge"); got != "3660" {
		t.Errorf("aws:MultiFactorAuthAge = %q, want 3660", got)
	}
	if f.allowed(t, mfa, "health-agent:ListDomains", "*") {
		t.Error("MFA older than the policy allows was accepted")
	}

	t.Run("codes", func(t *testing.T) {
		now := f.clock()
		for _, tt := range []struct {
			name, serial, code string
			ok                 bool
		}{
			{"current code", serial, referenceTOTP(seed, now), true},
			{"the same code again", serial, referenceTOTP(seed, now), false},
			{"wrong code", serial, otherCode(referenceTOTP(seed, now)), false},
			{"another account's serial", "arn:aws:iam::" + accountB + ":mfa/alice-phone", referenceTOTP(seed, now.Add(30*time.Second)), false},
			{"code of the next step", serial, referenceTOTP(seed, now.Add(30*time.Second)), true},
			{"code two steps ahead", serial, referenceTOTP(seed, now.Add(90*time.Second)), false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := call[*s.GetSessionTokenOutput](t, f, f.caller(t, alice), "GetSessionToken",
					&s.GetSessionTokenInput{SerialNumber: &tt.serial, TokenCode: &tt.code})
				if tt.ok {
					mustOK(t, err)
				} else {
					assertCode(t, err, warden.EAccessDenied, "MultiFactorAuthentication failed with invalid MFA one time pass code.")
				}
			})
		}
	})
}

// otherCode returns a six-digit code that differs from code.
func otherCode(code string) string {
	b := []byte(code)
	b[5] = '0' + (b[5]-'0'+5)%10
	return string(b)
}

func TestAssumeRoleWithMFA(t *testing.T) {
	f := newFixture(t)
	alice, serial, seed := mfaUser(t, f, "alice", allow("sts:AssumeRole", "*"))
	bob, _, _ := mfaUser(t, f, "bob", allow("sts:AssumeRole", "*"))
	role := f.role(t, accountA, "admin", trust(`{"AWS":"`+accountA+`"}`, `"sts:AssumeRole"`, `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), nil)

	_, err := assumeRole(t, f, f.caller(t, alice), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s"})
	assertCode(t, err, warden.EAccessDenied, "sts:AssumeRole on resource: "+role)

	code := referenceTOTP(seed, f.clock())
	_, err = assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s", SerialNumber: &serial, TokenCode: &code})
	assertCode(t, err, warden.EAccessDenied, "MultiFactorAuthentication failed")

	out, err := assumeRole(t, f, f.caller(t, alice), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s", SerialNumber: &serial, TokenCode: &code})
	mustOK(t, err)
	if got, _ := contextKey(f.sessionCaller(t, out.Credentials.AccessKeyId), "aws:MultiFactorAuthPresent"); got != "true" {
		t.Errorf("role session after MFA: aws:MultiFactorAuthPresent = %q", got)
	}

	// MFA verified by GetSessionToken carries into the role session.
	next := referenceTOTP(seed, f.clock().Add(30*time.Second))
	st, err := call[*s.GetSessionTokenOutput](t, f, f.caller(t, alice), "GetSessionToken", &s.GetSessionTokenInput{SerialNumber: &serial, TokenCode: &next})
	mustOK(t, err)
	out, err = assumeRole(t, f, f.sessionCaller(t, st.Credentials.AccessKeyId), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s2"})
	mustOK(t, err)
	if got, _ := contextKey(f.sessionCaller(t, out.Credentials.AccessKeyId), "aws:MultiFactorAuthPresent"); got != "true" {
		t.Errorf("role session from an MFA session: aws:MultiFactorAuthPresent = %q", got)
	}
}

func TestGetSessionTokenRules(t *testing.T) {
	f := newFixture(t)
	alice := f.user(t, accountA, "alice", allow("*", "*"))
	root := f.caller(t, warden.RootARN(accountA))
	out, err := call[*s.GetSessionTokenOutput](t, f, root, "GetSessionToken", &s.GetSessionTokenInput{DurationSeconds: new(int32(7200))})
	mustOK(t, err)
	if want := f.clock().Add(time.Hour); !out.Credentials.Expiration.Equal(want) {
		t.Errorf("root session expiry %v, want at most an hour: %v", out.Credentials.Expiration, want)
	}
	rootSession := f.sessionCaller(t, out.Credentials.AccessKeyId)
	if rootSession.Principal.ARN != warden.RootARN(accountA) || !f.allowed(t, rootSession, "health-agent:ListDomains", "*") {
		t.Errorf("root session principal %s", rootSession.Principal.ARN)
	}

	us, err := call[*s.GetSessionTokenOutput](t, f, f.caller(t, alice), "GetSessionToken", &s.GetSessionTokenInput{})
	mustOK(t, err)
	session := f.sessionCaller(t, us.Credentials.AccessKeyId)
	_, err = call[*s.GetSessionTokenOutput](t, f, session, "GetSessionToken", &s.GetSessionTokenInput{})
	assertCode(t, err, warden.EAccessDenied, "Cannot call GetSessionToken with session credentials")
	_, err = call[*s.GetFederationTokenOutput](t, f, session, "GetFederationToken", &s.GetFederationTokenInput{Name: "fed"})
	assertCode(t, err, warden.EAccessDenied, "Cannot call GetFederationToken with session credentials")
	for action, want := range map[string]bool{"health-agent:ListDomains": true, "iam:ListUsers": false, "sts:GetAccessKeyInfo": false} {
		if got := f.allowed(t, session, action, "*"); got != want {
			t.Errorf("GetSessionToken credentials without MFA: %s allowed = %v, want %v", action, got, want)
		}
	}
}

func TestGetFederationToken(t *testing.T) {
	f := newFixture(t)
	broker := f.user(t, accountA, "broker",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","sts:TagSession","health-agent:List*"],"Resource":"*"}]}`)
	nobody := f.user(t, accountA, "nobody")

	_, err := call[*s.GetFederationTokenOutput](t, f, f.caller(t, nobody), "GetFederationToken", &s.GetFederationTokenInput{Name: "fed"})
	assertCode(t, err, warden.EAccessDenied,
		"User: "+nobody+" is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::"+accountA+":federated-user/fed")

	bare, err := call[*s.GetFederationTokenOutput](t, f, f.caller(t, broker), "GetFederationToken", &s.GetFederationTokenInput{Name: "bare"})
	mustOK(t, err)
	if bare.FederatedUser.Arn != "arn:aws:sts::"+accountA+":federated-user/bare" || bare.FederatedUser.FederatedUserId != accountA+":bare" {
		t.Errorf("FederatedUser = %+v", bare.FederatedUser)
	}
	if f.allowed(t, f.sessionCaller(t, bare.Credentials.AccessKeyId), "health-agent:ListDomains", "*") {
		t.Error("a federated user without a session policy was allowed")
	}

	out, err := call[*s.GetFederationTokenOutput](t, f, f.caller(t, broker), "GetFederationToken", &s.GetFederationTokenInput{
		Name: "clinic", Policy: new(allow("health-agent:*", "*")), Tags: []s.Tag{{Key: "clinic", Value: "north"}}})
	mustOK(t, err)
	fed := f.sessionCaller(t, out.Credentials.AccessKeyId)
	for action, want := range map[string]bool{"health-agent:ListDomains": true, "health-agent:CreateDomain": false, "iam:GetUser": false} {
		if got := f.allowed(t, fed, action, "*"); got != want {
			t.Errorf("federated user: %s allowed = %v, want %v", action, got, want)
		}
	}
	if got, _ := contextKey(fed, "aws:PrincipalType"); got != "FederatedUser" {
		t.Errorf("aws:PrincipalType = %q", got)
	}
	if got, _ := contextKey(fed, "aws:userid"); got != accountA+":clinic" {
		t.Errorf("aws:userid = %q", got)
	}
	_, err = assumeRole(t, f, fed, &s.AssumeRoleInput{RoleArn: "arn:aws:iam::" + accountA + ":role/any", RoleSessionName: "s"})
	assertCode(t, err, warden.EAccessDenied, "GetFederationToken cannot call STS operations")
	if *out.PackedPolicySize <= 0 {
		t.Errorf("PackedPolicySize = %d", *out.PackedPolicySize)
	}
}

// Revoking sessions the AWS way: a deny on aws:TokenIssueTime before now
// ends the sessions issued until then, and sessions issued later work.
func TestRevokeSessionsByIssueTime(t *testing.T) {
	f := newFixture(t)
	bob := f.user(t, accountA, "bob", allow("sts:AssumeRole", "*"))
	role := f.role(t, accountA, "worker", trust(`{"AWS":"`+accountA+`"}`, `"sts:AssumeRole"`, ""), nil, allow("health-agent:*", "*"))
	old, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "old"})
	mustOK(t, err)
	f.advance(time.Minute)
	revokeBefore := f.clock().Format(time.RFC3339)
	mustOK(t, f.store.PutInlinePolicy(t.Context(), accountA, warden.RoleIdentity("worker"), "AWSRevokeOlderSessions",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"`+revokeBefore+`"}}}]}`))
	f.advance(time.Minute)
	fresh, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "new"})
	mustOK(t, err)

	oldCaller := f.sessionCaller(t, old.Credentials.AccessKeyId)
	d, err := f.az.Authorize(t.Context(), oldCaller, &authz.Call{Action: "health-agent:ListDomains", Resource: "*"})
	mustOK(t, err)
	if d.Allowed || d.Message != "User: "+old.AssumedRoleUser.Arn+" is not authorized to perform: health-agent:ListDomains on resource: * with an explicit deny in an identity-based policy" {
		t.Errorf("revoked session: allowed %v, %q", d.Allowed, d.Message)
	}
	if !f.allowed(t, f.sessionCaller(t, fresh.Credentials.AccessKeyId), "health-agent:ListDomains", "*") {
		t.Error("a session issued after the revocation was refused")
	}
}

func TestGetAccessKeyInfo(t *testing.T) {
	f := newFixture(t)
	alice := f.user(t, accountA, "alice", allow("sts:GetAccessKeyInfo", "*"))
	key, err := f.store.CreateAccessKey(t.Context(), accountB, "")
	mustOK(t, err)
	st, err := call[*s.GetSessionTokenOutput](t, f, f.caller(t, warden.RootARN(accountB)), "GetSessionToken", &s.GetSessionTokenInput{})
	mustOK(t, err)
	for _, id := range []string{key.ID, st.Credentials.AccessKeyId} {
		out, err := call[*s.GetAccessKeyInfoOutput](t, f, f.caller(t, alice), "GetAccessKeyInfo", &s.GetAccessKeyInfoInput{AccessKeyId: id})
		mustOK(t, err)
		if *out.Account != accountB {
			t.Errorf("GetAccessKeyInfo(%s) = %s, want %s", id, *out.Account, accountB)
		}
	}
	_, err = call[*s.GetAccessKeyInfoOutput](t, f, f.caller(t, alice), "GetAccessKeyInfo", &s.GetAccessKeyInfoInput{AccessKeyId: "AKIANOSUCHKEY0000000"})
	assertCode(t, err, warden.EInvalidParameterValue, "AKIANOSUCHKEY0000000")
	_, err = call[*s.GetAccessKeyInfoOutput](t, f, f.caller(t, f.user(t, accountA, "nobody")), "GetAccessKeyInfo", &s.GetAccessKeyInfoInput{AccessKeyId: key.ID})
	assertCode(t, err, warden.EAccessDenied, "sts:GetAccessKeyInfo")
}
