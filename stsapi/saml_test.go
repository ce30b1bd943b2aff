package stsapi

import (
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/saml"
	"github.com/warden-iam/warden/saml/samltest"
)

const samlEntityID = "https://idp.example.test/saml"

// samlFixture is the STS fixture with a SAML provider "corp" registered in
// account A for a test IdP.
type samlFixture struct {
	*fixture
	idp      *samltest.IdP
	provider string // its ARN
}

func newSAMLFixture(t *testing.T) *samlFixture {
	t.Helper()
	f := &samlFixture{fixture: newFixture(t), idp: samltest.New(t, samlEntityID)}
	p, err := f.store.CreateSAMLProvider(t.Context(), accountA, warden.CreateSAMLProviderInput{Name: "corp", MetadataDocument: f.idp.Metadata()})
	if err != nil {
		t.Fatal(err)
	}
	f.provider = p.ARN
	return f
}

// response returns a response signed by the IdP at the fixture's time,
// naming the roles with the provider.
func (f *samlFixture) response(t *testing.T, r samltest.Response, roles ...string) string {
	t.Helper()
	r.IssueInstant = f.clock()
	r.Attributes = append(samltest.AWSAttributes(f.provider, "alice@example.test", roles...), r.Attributes...)
	return f.idp.Assertion(t, r)
}

func (f *samlFixture) assume(t *testing.T, in *s.AssumeRoleWithSAMLInput) (*s.AssumeRoleWithSAMLOutput, error) {
	t.Helper()
	anonymous := &authz.Caller{Principal: &warden.Principal{Kind: warden.PrincipalAnonymous}, SourceIP: "192.0.2.7", Time: f.clock()}
	return call[*s.AssumeRoleWithSAMLOutput](t, f.fixture, anonymous, "AssumeRoleWithSAML", in)
}

func TestAssumeRoleWithSAML(t *testing.T) {
	f := newSAMLFixture(t)
	federated := `{"Federated":"` + f.provider + `"}`
	doctor := f.role(t, accountA, "doctor", trust(federated, `"sts:AssumeRoleWithSAML"`,
		`{"StringEquals":{"saml:aud":"https://signin.aws.amazon.com/saml","saml:sub_type":"persistent","saml:iss":"`+samlEntityID+`",`+
			`"saml:doc":"`+accountA+`/corp","saml:namequalifier":"`+saml.NameQualifier(samlEntityID, accountA, "corp")+`"}}`), nil)
	regional := f.role(t, accountA, "regional", trust(federated, `"sts:AssumeRoleWithSAML"`,
		`{"StringEquals":{"saml:aud":"https://us-east-1.signin.aws.amazon.com/saml"}}`), nil)
	staff := f.role(t, accountA, "staff", trust(federated, `"sts:AssumeRoleWithSAML"`,
		`{"ForAnyValue:StringEquals":{"saml:edupersonaffiliation":"staff"}}`), nil)
	tagged := f.role(t, accountA, "tagged", trust(federated, `["sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity"]`, ""), nil)
	otherProvider := f.role(t, accountA, "other-idp", trust(`{"Federated":"arn:aws:iam::`+accountA+`:saml-provider/other"}`, `"sts:AssumeRoleWithSAML"`, ""), nil)
	webOnly := f.role(t, accountA, "web-only", trust(federated, `"sts:AssumeRoleWithWebIdentity"`, ""), nil)
	notAuthorized := "Not authorized to perform sts:AssumeRoleWithSAML"
	staffAttr := samltest.Attribute{Name: "urn:oid:1.3.6.1.4.1.5923.1.1.1.1", Values: []string{"member", "staff"}}
	tagAttrs := []samltest.Attribute{
		{Name: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:dept", Values: []string{"cardiology"}},
		{Name: "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys", Values: []string{"dept"}},
		{Name: "https://aws.amazon.com/SAML/Attributes/SourceIdentity", Values: []string{"alice"}},
	}
	signed := f.response(t, samltest.Response{}, doctor)

	tests := []struct {
		name      string
		role      string
		assertion string
		in        func(*s.AssumeRoleWithSAMLInput)
		code      string // "" when a session is issued
		msg       string
		check     func(t *testing.T, out *s.AssumeRoleWithSAMLOutput)
	}{
		{name: "trust conditions on the assertion", role: doctor, assertion: signed, check: func(t *testing.T, out *s.AssumeRoleWithSAMLOutput) {
			if *out.Subject != "alice" || *out.SubjectType != "persistent" || *out.Issuer != samlEntityID ||
				*out.Audience != samltest.SigninEndpoint || *out.NameQualifier != saml.NameQualifier(samlEntityID, accountA, "corp") ||
				out.SourceIdentity != nil || out.PackedPolicySize != nil || !out.Credentials.Expiration.Equal(f.clock().Add(time.Hour)) {
				t.Errorf("output = %+v", out)
			}
		}},
		{name: "signed response", role: doctor, assertion: f.response(t, samltest.Response{Signing: samltest.SignResponse}, doctor)},
		{name: "one of several roles", role: staff, assertion: f.response(t, samltest.Response{Attributes: []samltest.Attribute{staffAttr}}, doctor, staff)},
		{name: "session ends with SessionNotOnOrAfter", role: doctor,
			assertion: f.response(t, samltest.Response{SessionNotOnOrAfter: f.clock().Add(20 * time.Minute)}, doctor),
			check: func(t *testing.T, out *s.AssumeRoleWithSAMLOutput) {
				if !out.Credentials.Expiration.Equal(f.clock().Add(20 * time.Minute)) {
					t.Errorf("Expiration = %v", out.Credentials.Expiration)
				}
			}},
		{name: "session tags and source identity", role: tagged, assertion: f.response(t, samltest.Response{Attributes: tagAttrs}, tagged),
			check: func(t *testing.T, out *s.AssumeRoleWithSAMLOutput) {
				if out.SourceIdentity == nil || *out.SourceIdentity != "alice" || out.PackedPolicySize == nil {
					t.Errorf("SourceIdentity %v, PackedPolicySize %v", out.SourceIdentity, out.PackedPolicySize)
				}
				c := f.sessionCaller(t, out.Credentials.AccessKeyId)
				if v, ok := contextKey(c, "aws:PrincipalTag/dept"); !ok || v != "cardiology" {
					t.Errorf("aws:PrincipalTag/dept = %q, %v", v, ok)
				}
				if v, ok := contextKey(c, "aws:SourceIdentity"); !ok || v != "alice" {
					t.Errorf("aws:SourceIdentity = %q, %v", v, ok)
				}
			}},

		{name: "trust condition on saml:aud", role: regional, assertion: f.response(t, samltest.Response{}, regional), code: warden.EAccessDenied, msg: notAuthorized},
		{name: "trust condition on an attribute", role: staff, assertion: f.response(t, samltest.Response{}, staff), code: warden.EAccessDenied, msg: notAuthorized},
		{name: "role not in the Role attribute", role: staff, assertion: signed, code: warden.EAccessDenied, msg: notAuthorized},
		{name: "trust names another provider", role: otherProvider, assertion: f.response(t, samltest.Response{}, otherProvider), code: warden.EAccessDenied, msg: notAuthorized},
		{name: "trust allows another action", role: webOnly, assertion: f.response(t, samltest.Response{}, webOnly), code: warden.EAccessDenied, msg: notAuthorized},
		{name: "tags without sts:TagSession", role: doctor, assertion: f.response(t, samltest.Response{Attributes: tagAttrs[:1]}, doctor),
			code: warden.EAccessDenied, msg: "Not authorized to perform sts:TagSession"},
		{name: "provider that does not exist", role: doctor, assertion: signed, in: func(in *s.AssumeRoleWithSAMLInput) {
			in.PrincipalArn = "arn:aws:iam::" + accountA + ":saml-provider/missing"
		}, code: warden.EInvalidIdentityToken, msg: "Specified provider doesn't exist"},
		{name: "not a provider ARN", role: doctor, assertion: signed, in: func(in *s.AssumeRoleWithSAMLInput) {
			in.PrincipalArn = doctor
		}, code: warden.EInvalidIdentityToken, msg: "Specified provider doesn't exist"},
		{name: "tampered assertion", role: doctor, assertion: tamper(t, signed, ">alice<", ">mallory<"), code: warden.EInvalidIdentityToken, msg: "Response signature invalid"},
		{name: "signed by another IdP", role: doctor, assertion: samltest.New(t, samlEntityID).Assertion(t, samltest.Response{IssueInstant: f.clock(),
			Attributes: samltest.AWSAttributes(f.provider, "alice", doctor)}), code: warden.EInvalidIdentityToken, msg: "Response signature invalid"},
		{name: "unsigned", role: doctor, assertion: f.response(t, samltest.Response{Signing: samltest.SignNone}, doctor), code: warden.EInvalidIdentityToken, msg: "not signed"},
		{name: "wrong audience", role: doctor, assertion: f.response(t, samltest.Response{Audience: "https://app.example.test"}, doctor),
			code: warden.EInvalidIdentityToken, msg: "audience"},
		{name: "expired", role: doctor, assertion: f.response(t, samltest.Response{NotOnOrAfter: f.clock().Add(-time.Hour)}, doctor),
			code: warden.EExpiredTokenException, msg: "expired"},
		{name: "session already over", role: doctor, assertion: f.response(t, samltest.Response{SessionNotOnOrAfter: f.clock().Add(-time.Second)}, doctor),
			code: warden.EExpiredTokenException, msg: "ended"},
		{name: "not base64", role: doctor, assertion: "%%%%", code: warden.EInvalidIdentityToken, msg: "base64"},
		{name: "malformed session policy", role: doctor, assertion: signed, in: func(in *s.AssumeRoleWithSAMLInput) {
			in.Policy = new(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)
		}, code: warden.EMalformedPolicyDocument},
		{name: "longer than the role allows", role: doctor, assertion: signed, in: func(in *s.AssumeRoleWithSAMLInput) {
			in.DurationSeconds = new(int32(7200))
		}, code: warden.EValidationError, msg: "MaxSessionDuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s.AssumeRoleWithSAMLInput{RoleArn: tt.role, PrincipalArn: f.provider, SAMLAssertion: tt.assertion}
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
			if out.AssumedRoleUser.Arn != warden.AssumedRoleARN(accountA, roleName, "alice@example.test") ||
				!strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") {
				t.Errorf("AssumeRoleWithSAML = %+v %+v", out, out.AssumedRoleUser)
			}
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

	t.Run("deleted provider", func(t *testing.T) {
		mustOK(t, f.store.DeleteSAMLProvider(t.Context(), accountA, f.provider))
		_, err := f.assume(t, &s.AssumeRoleWithSAMLInput{RoleArn: doctor, PrincipalArn: f.provider, SAMLAssertion: signed})
		assertCode(t, err, warden.EInvalidIdentityToken, "Specified provider doesn't exist")
	})
}

// tamper changes the decoded response and encodes it again.
func tamper(t *testing.T, b64, old, replacement string) string {
	t.Helper()
	data, err := saml.DecodeResponse(b64)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("tamper: %v", err)
	}
	return samltest.Encode(strings.Replace(string(data), old, replacement, 1))
}
