package stsapi

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/oidc"
	"github.com/warden-iam/warden/oidc/oidctest"
)

const (
	webIssuer = "https://idp.example.test/org"
	webHost   = "idp.example.test/org"
	webSub    = "repo:acme/app:ref:refs/heads/main"
)

// webFixture is the STS fixture with an OIDC provider registered in
// account A, whose keys (one RSA, one EC) the operator supplied as a file.
type webFixture struct {
	*fixture
	rsa, ec  *oidctest.Key
	provider string // its ARN
}

func newWebFixture(t *testing.T) *webFixture {
	t.Helper()
	f := &webFixture{fixture: newFixture(t), rsa: oidctest.NewRSAKey(t, "rsa-1", "RS256"), ec: oidctest.NewECKey(t, "ec-1", "ES256")}
	keys, err := oidc.NewKeySet(oidc.Source{Issuer: webIssuer, Location: oidctest.WriteJWKS(t, f.rsa, f.ec)})
	if err != nil {
		t.Fatal(err)
	}
	WithWebIdentityKeys(keys)(f.api)
	p, err := f.store.CreateOpenIDConnectProvider(t.Context(), accountA, warden.CreateOpenIDConnectProviderInput{
		URL: webIssuer, ClientIDs: []string{"sts.amazonaws.com", "mobile-app"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.provider = p.ARN
	return f
}

// token returns claims signed with the RSA key, valid at the fixture's
// time; a nil override removes a claim.
func (f *webFixture) token(t *testing.T, key *oidctest.Key, overrides map[string]any) string {
	t.Helper()
	now := f.clock().Unix()
	claims := map[string]any{"iss": webIssuer, "sub": webSub, "aud": "sts.amazonaws.com", "iat": now - 5, "exp": now + 600}
	for k, v := range overrides {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	return key.Sign(t, claims)
}

// anonymous is an unsigned caller, as the server passes it.
func (f *webFixture) anonymous() *authz.Caller {
	return &authz.Caller{Principal: &warden.Principal{Kind: warden.PrincipalAnonymous}, SourceIP: "192.0.2.7", Time: f.clock()}
}

func (f *webFixture) assume(t *testing.T, in *s.AssumeRoleWithWebIdentityInput) (*s.AssumeRoleWithWebIdentityOutput, error) {
	t.Helper()
	return call[*s.AssumeRoleWithWebIdentityOutput](t, f.fixture, f.anonymous(), "AssumeRoleWithWebIdentity", in)
}

func (f *webFixture) federatedTrust(actions, condition string) string {
	return trust(`{"Federated":"`+f.provider+`"}`, actions, condition)
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	f := newWebFixture(t)
	ci := f.role(t, accountA, "ci", f.federatedTrust(`"sts:AssumeRoleWithWebIdentity"`,
		`{"StringEquals":{"`+webHost+`:aud":"sts.amazonaws.com","`+webHost+`:sub":"`+webSub+`"}}`), nil, allow("iam:ListRoles", "*"))
	mfaOnly := f.role(t, accountA, "mfa-only", f.federatedTrust(`"sts:AssumeRoleWithWebIdentity"`,
		`{"ForAnyValue:StringEquals":{"`+webHost+`:amr":"mfa"},"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`), nil)
	sourced := f.role(t, accountA, "sourced", f.federatedTrust(`["sts:AssumeRoleWithWebIdentity","sts:SetSourceIdentity","sts:TagSession"]`, ""), nil)
	cognitoStyle := f.role(t, accountA, "via-azp", f.federatedTrust(`"sts:AssumeRoleWithWebIdentity"`,
		`{"StringEquals":{"`+webHost+`:aud":"mobile-app","`+webHost+`:oaud":"backend"}}`), nil)
	otherProvider := f.role(t, accountA, "other-idp", trust(`{"Federated":"arn:aws:iam::`+accountA+`:oidc-provider/other.example.test"}`,
		`"sts:AssumeRoleWithWebIdentity"`, ""), nil)
	notDenied := "Not authorized to perform sts:AssumeRoleWithWebIdentity"

	tests := []struct {
		name  string
		role  string
		token string
		in    func(*s.AssumeRoleWithWebIdentityInput)
		code  string // "" when a session is issued
		msg   string
		check func(t *testing.T, out *s.AssumeRoleWithWebIdentityOutput)
	}{
		{name: "RS256", role: ci, token: f.token(t, f.rsa, nil)},
		{name: "ES256", role: ci, token: f.token(t, f.ec, nil)},
		{name: "amr list with mfa", role: mfaOnly, token: f.token(t, f.rsa, map[string]any{"amr": []string{"pwd", "mfa"}})},
		{name: "amr string without mfa", role: mfaOnly, token: f.token(t, f.rsa, map[string]any{"amr": "pwd"}), code: warden.EAccessDenied, msg: notDenied},
		{name: "azp as the audience", role: cognitoStyle, token: f.token(t, f.rsa, map[string]any{"aud": "backend", "azp": "mobile-app"}),
			check: func(t *testing.T, out *s.AssumeRoleWithWebIdentityOutput) {
				if *out.Audience != "mobile-app" {
					t.Errorf("Audience = %q", *out.Audience)
				}
			}},
		{name: "source identity and session tags from the token", role: sourced, token: f.token(t, f.ec, map[string]any{
			oidc.ClaimSourceIdentity: "alice@example.test",
			oidc.ClaimSessionTags:    map[string]any{"principal_tags": map[string]any{"team": []string{"red"}}, "transitive_tag_keys": []string{"team"}},
		}), check: func(t *testing.T, out *s.AssumeRoleWithWebIdentityOutput) {
			if out.SourceIdentity == nil || *out.SourceIdentity != "alice@example.test" || out.PackedPolicySize == nil {
				t.Errorf("SourceIdentity %v, PackedPolicySize %v", out.SourceIdentity, out.PackedPolicySize)
			}
			c := f.sessionCaller(t, out.Credentials.AccessKeyId)
			if v, ok := contextKey(c, "aws:PrincipalTag/team"); !ok || v != "red" {
				t.Errorf("aws:PrincipalTag/team = %q, %v", v, ok)
			}
			if v, ok := contextKey(c, "aws:SourceIdentity"); !ok || v != "alice@example.test" {
				t.Errorf("aws:SourceIdentity = %q, %v", v, ok)
			}
		}},
		{name: "session policy", role: ci, token: f.token(t, f.rsa, nil), in: func(in *s.AssumeRoleWithWebIdentityInput) {
			in.Policy = new(allow("iam:ListRoles", "*"))
		}, check: func(t *testing.T, out *s.AssumeRoleWithWebIdentityOutput) {
			if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
				t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
			}
		}},

		{name: "wrong sub", role: ci, token: f.token(t, f.rsa, map[string]any{"sub": "repo:acme/app:pull_request"}), code: warden.EAccessDenied, msg: notDenied},
		{name: "another registered audience than the trust wants", role: ci, token: f.token(t, f.rsa, map[string]any{"aud": "mobile-app"}), code: warden.EAccessDenied, msg: notDenied},
		{name: "audience not registered", role: ci, token: f.token(t, f.rsa, map[string]any{"aud": "someone-else"}), code: warden.EInvalidIdentityToken, msg: "Incorrect token audience"},
		{name: "expired", role: ci, token: f.token(t, f.rsa, map[string]any{"exp": f.clock().Unix() - 3600}), code: warden.EExpiredTokenException, msg: "Token expired"},
		{name: "not valid yet", role: ci, token: f.token(t, f.rsa, map[string]any{"nbf": f.clock().Unix() + 3600}), code: warden.EIDPRejectedClaim, msg: "not valid before"},
		{name: "signed by a key the provider does not publish", role: ci, token: f.token(t, oidctest.NewECKey(t, "ec-1", "ES256"), nil),
			code: warden.EInvalidIdentityToken, msg: "signature does not verify"},
		{name: "unknown kid", role: ci, token: f.token(t, oidctest.NewECKey(t, "ec-2", "ES256"), nil),
			code: warden.EInvalidIdentityToken, msg: "Couldn't retrieve verification key"},
		{name: "unregistered issuer", role: ci, token: f.token(t, f.rsa, map[string]any{"iss": "https://other.example.test"}),
			code: warden.EInvalidIdentityToken, msg: "No OpenIDConnect provider found in your account for https://other.example.test"},
		{name: "http issuer", role: ci, token: f.token(t, f.rsa, map[string]any{"iss": "http://idp.example.test/org"}),
			code: warden.EInvalidIdentityToken, msg: "No OpenIDConnect provider found in your account for http://idp.example.test/org"},
		{name: "provider of another account", role: "arn:aws:iam::" + accountB + ":role/ci", token: f.token(t, f.rsa, nil),
			code: warden.EInvalidIdentityToken, msg: "No OpenIDConnect provider found in your account"},
		{name: "trust names another provider", role: otherProvider, token: f.token(t, f.rsa, nil), code: warden.EAccessDenied, msg: notDenied},
		{name: "role that does not exist", role: "arn:aws:iam::" + accountA + ":role/nobody", token: f.token(t, f.rsa, nil), code: warden.EAccessDenied, msg: notDenied},
		{name: "source identity without sts:SetSourceIdentity", role: ci, token: f.token(t, f.rsa, map[string]any{oidc.ClaimSourceIdentity: "alice"}),
			code: warden.EAccessDenied, msg: "Not authorized to perform sts:SetSourceIdentity"},
		{name: "source identity claim beginning with aws:", role: sourced, token: f.token(t, f.rsa, map[string]any{oidc.ClaimSourceIdentity: "aws:alice"}),
			code: warden.EIDPRejectedClaim, msg: "source identity claim"},
		{name: "transitive key not among the tags", role: sourced, token: f.token(t, f.rsa, map[string]any{
			oidc.ClaimSessionTags: map[string]any{"principal_tags": map[string]any{"team": "red"}, "transitive_tag_keys": "cost"}}),
			code: warden.EIDPRejectedClaim, msg: "session tags claim"},
		{name: "alg none", role: ci, token: f.rsa.SignHeader(t, map[string]any{"alg": "none"}, map[string]any{"iss": webIssuer}),
			code: warden.EInvalidIdentityToken, msg: `signed with "none"`},
		{name: "not a JWT", role: ci, token: "opaque-access-token", code: warden.EInvalidIdentityToken, msg: "not a valid JWT"},
		{name: "malformed session policy", role: ci, token: f.token(t, f.rsa, nil), in: func(in *s.AssumeRoleWithWebIdentityInput) {
			in.Policy = new(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)
		}, code: warden.EMalformedPolicyDocument},
		{name: "longer than the role allows", role: ci, token: f.token(t, f.rsa, nil), in: func(in *s.AssumeRoleWithWebIdentityInput) {
			in.DurationSeconds = new(int32(7200))
		}, code: warden.EValidationError, msg: "MaxSessionDuration"},
		{name: "OAuth 2.0 provider", role: ci, token: f.token(t, f.rsa, nil), in: func(in *s.AssumeRoleWithWebIdentityInput) {
			in.ProviderId = new("graph.facebook.com")
		}, code: warden.EInvalidParameterValue, msg: "OpenID Connect ID tokens only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s.AssumeRoleWithWebIdentityInput{RoleArn: tt.role, RoleSessionName: "build-42", WebIdentityToken: tt.token}
			if tt.in != nil {
				tt.in(in)
			}
			out, err := f.assume(t, in)
			if tt.code != "" {
				assertCode(t, err, tt.code, tt.msg)
				return
			}
			mustOK(t, err)
			roleName := tt.role[strings.LastIndexByte(tt.role, '/')+1:]
			if out.AssumedRoleUser.Arn != warden.AssumedRoleARN(accountA, roleName, "build-42") ||
				!strings.HasSuffix(out.AssumedRoleUser.AssumedRoleId, ":build-42") || *out.SubjectFromWebIdentityToken != tokenSubject(t, tt.token) ||
				*out.Provider != f.provider || !strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") ||
				!out.Credentials.Expiration.Equal(f.clock().Add(time.Hour)) {
				t.Errorf("AssumeRoleWithWebIdentity = %+v %+v", out, out.AssumedRoleUser)
			}
			// The session signs as the role session and carries the provider.
			c := f.sessionCaller(t, out.Credentials.AccessKeyId)
			if c.Principal.ARN != out.AssumedRoleUser.Arn {
				t.Errorf("session principal = %s", c.Principal.ARN)
			}
			if v, ok := contextKey(c, "aws:FederatedProvider"); !ok || v != f.provider {
				t.Errorf("aws:FederatedProvider = %q, %v", v, ok)
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

func tokenSubject(t *testing.T, raw string) string {
	t.Helper()
	tok, err := oidc.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Claims.Subject
}

func TestAssumeRoleWithWebIdentitySessionActsAsTheRole(t *testing.T) {
	f := newWebFixture(t)
	role := f.role(t, accountA, "reader", f.federatedTrust(`"sts:AssumeRoleWithWebIdentity"`, ""), nil, allow("iam:ListRoles", "*"))
	out, err := f.assume(t, &s.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: "s", WebIdentityToken: f.token(t, f.rsa, nil),
		Policy: new(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListRoles","Resource":"*"}]}`)})
	mustOK(t, err)
	session := f.sessionCaller(t, out.Credentials.AccessKeyId)
	if f.allowed(t, session, "iam:ListRoles", "*") {
		t.Error("the session policy's Deny did not hold")
	}
	out, err = f.assume(t, &s.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: "s2", WebIdentityToken: f.token(t, f.ec, nil)})
	mustOK(t, err)
	session = f.sessionCaller(t, out.Credentials.AccessKeyId)
	if !f.allowed(t, session, "iam:ListRoles", "*") || f.allowed(t, session, "iam:ListUsers", "*") {
		t.Error("the session does not act with the role's policies")
	}
	id, err := call[*s.GetCallerIdentityOutput](t, f.fixture, session, "GetCallerIdentity", &s.GetCallerIdentityInput{})
	mustOK(t, err)
	if *id.Arn != warden.AssumedRoleARN(accountA, "reader", "s2") || *id.Account != accountA {
		t.Errorf("GetCallerIdentity = %s %s", *id.Arn, *id.Account)
	}

	// The unsigned request names no region: the role's last use is in
	// Warden's own.
	r, err := f.store.Role(t.Context(), accountA, "reader")
	mustOK(t, err)
	if r.LastUsed == nil || r.LastUsed.Region != "us-east-1" {
		t.Errorf("RoleLastUsed = %+v", r.LastUsed)
	}

	// Deleting the provider ends its federation; the role stays.
	mustOK(t, f.store.DeleteOpenIDConnectProvider(t.Context(), accountA, f.provider))
	_, err = f.assume(t, &s.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: "s3", WebIdentityToken: f.token(t, f.rsa, nil)})
	assertCode(t, err, warden.EInvalidIdentityToken, "No OpenIDConnect provider found in your account for "+webIssuer)
}

func TestAssumeRoleWithWebIdentityWithoutKeys(t *testing.T) {
	f := newWebFixture(t)
	f.api.oidcKeys = nil
	role := f.role(t, accountA, "ci", f.federatedTrust(`"sts:AssumeRoleWithWebIdentity"`, ""), nil)
	_, err := f.assume(t, &s.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: "s", WebIdentityToken: f.token(t, f.rsa, nil)})
	assertCode(t, err, warden.EIDPCommunicationError, "--oidc-jwks")
}

func TestWebIdentityKeys(t *testing.T) {
	p := &warden.OpenIDConnectProvider{URL: webIssuer}
	keys, multi := webIdentityKeys(p, &oidc.Claims{Subject: "u", Audience: []string{"a", "b"}, AuthorizedParty: "app", AuthMethods: []string{"pwd"}}, "app")
	if keys[webHost+":sub"] != "u" || keys[webHost+":aud"] != "app" || !slices.Equal(multi[webHost+":oaud"], []string{"a", "b"}) ||
		!slices.Equal(multi[webHost+":amr"], []string{"pwd"}) {
		t.Errorf("keys = %v, multivalued %v", keys, multi)
	}
	// Without azp, aud is the audience and there is no oaud.
	keys, multi = webIdentityKeys(p, &oidc.Claims{Subject: "u", Audience: []string{"a"}}, "a")
	if _, ok := keys[webHost+":oaud"]; ok || len(multi) != 0 || keys[webHost+":aud"] != "a" {
		t.Errorf("keys = %v, multivalued %v", keys, multi)
	}
}

func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	f := &webFixture{fixture: newFixture(b), rsa: oidctest.NewRSAKey(b, "rsa-1", "RS256")}
	keys, err := oidc.NewKeySet(oidc.Source{Issuer: webIssuer, Location: oidctest.WriteJWKS(b, f.rsa)})
	if err != nil {
		b.Fatal(err)
	}
	WithWebIdentityKeys(keys)(f.api)
	p, err := f.store.CreateOpenIDConnectProvider(b.Context(), accountA, warden.CreateOpenIDConnectProviderInput{URL: webIssuer, ClientIDs: []string{"sts.amazonaws.com"}})
	if err != nil {
		b.Fatal(err)
	}
	f.provider = p.ARN
	role := f.role(b, accountA, "ci", f.federatedTrust(`"sts:AssumeRoleWithWebIdentity"`, `{"StringEquals":{"`+webHost+`:sub":"`+webSub+`"}}`), nil)
	now := f.clock().Unix()
	in := &s.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: "bench",
		WebIdentityToken: f.rsa.Sign(b, map[string]any{"iss": webIssuer, "sub": webSub, "aud": "sts.amazonaws.com", "exp": now + 600})}
	op := s.Service.Operations["AssumeRoleWithWebIdentity"]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.api.Handle(b.Context(), f.anonymous(), op, in); err != nil {
			b.Fatal(err)
		}
	}
}
