package saml_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/saml"
	"github.com/warden-iam/warden/saml/samltest"
)

var (
	now         = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	providerARN = "arn:aws:iam::111111111111:saml-provider/corp"
	roleARN     = "arn:aws:iam::111111111111:role/Doctor"
)

// The key pairs are generated once: RSA key generation is slow under the
// race detector.
var (
	idpOnce       sync.Once
	idp, otherIdP *samltest.IdP
)

func testIdPs(t testing.TB) (*samltest.IdP, *samltest.IdP) {
	idpOnce.Do(func() {
		idp = samltest.New(t, "https://idp.example.test/saml")
		otherIdP = samltest.New(t, "https://idp.example.test/saml")
	})
	return idp, otherIdP
}

func metadataOf(t testing.TB, i *samltest.IdP) *saml.Metadata {
	t.Helper()
	m, err := saml.ParseMetadata(i.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func response(r samltest.Response) samltest.Response {
	if r.IssueInstant.IsZero() {
		r.IssueInstant = now
	}
	if r.Attributes == nil {
		r.Attributes = samltest.AWSAttributes(providerARN, "alice@example.test", roleARN)
	}
	return r
}

func verify(t testing.TB, xml string, m *saml.Metadata, at time.Time) (*saml.Assertion, error) {
	t.Helper()
	data, err := saml.DecodeResponse(samltest.Encode(xml))
	if err != nil {
		t.Fatal(err)
	}
	return saml.Verify(data, saml.Expectation{Metadata: m, Now: at})
}

func wantCode(t testing.TB, err error, code, msg string) {
	t.Helper()
	if warden.ErrorCode(err) != code || !strings.Contains(warden.ErrorMessage(err), msg) {
		t.Fatalf("error = %v, want %s containing %q", err, code, msg)
	}
}

func TestParseMetadata(t *testing.T) {
	i, _ := testIdPs(t)
	m := metadataOf(t, i)
	if m.EntityID != i.EntityID || len(m.Certificates) != 1 || !m.Certificates[0].Equal(i.Certificate()) || !m.ValidUntil.IsZero() {
		t.Fatalf("ParseMetadata = %+v", m)
	}
	withUntil := strings.Replace(i.Metadata(), `entityID=`, `validUntil="2030-01-02T03:04:05Z" entityID=`, 1)
	if m, err := saml.ParseMetadata(withUntil); err != nil || !m.ValidUntil.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("validUntil: %+v, %v", m, err)
	}
	for name, doc := range map[string]string{
		"not XML":        "not xml at all",
		"doctype":        `<!DOCTYPE x [<!ENTITY a "b">]>` + i.Metadata()[strings.Index(i.Metadata(), "<md:"):],
		"wrong root":     strings.ReplaceAll(i.Metadata(), "md:EntityDescriptor", "md:EntitiesDescriptor"),
		"no entityID":    strings.Replace(i.Metadata(), `entityID="`, `other="`, 1),
		"no certificate": strings.Replace(i.Metadata(), `use="signing"`, `use="encryption"`, 1),
		"bad base64":     strings.Replace(i.Metadata(), "<ds:X509Certificate>", "<ds:X509Certificate>!!", 1),
		"bad validUntil": strings.Replace(i.Metadata(), `entityID=`, `validUntil="tomorrow" entityID=`, 1),
		"two roots":      i.Metadata() + "<x/>",
	} {
		if _, err := saml.ParseMetadata(doc); warden.ErrorCode(err) != warden.EInvalidInput || !strings.HasPrefix(warden.ErrorMessage(err), "Could not parse metadata") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestVerify(t *testing.T) {
	i, _ := testIdPs(t)
	m := metadataOf(t, i)
	for _, signing := range []samltest.Signing{samltest.SignAssertion, samltest.SignResponse, samltest.SignBoth} {
		r := response(samltest.Response{Signing: signing, SessionNotOnOrAfter: now.Add(30 * time.Minute)})
		r.Attributes = append(r.Attributes,
			samltest.Attribute{Name: "urn:oid:1.3.6.1.4.1.5923.1.1.1.1", Values: []string{"staff", "member"}},
			samltest.Attribute{Name: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:dept", Values: []string{"cardiology"}},
			samltest.Attribute{Name: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:cost", Values: []string{"42"}},
			samltest.Attribute{Name: "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys", Values: []string{"dept"}},
			samltest.Attribute{Name: "https://aws.amazon.com/SAML/Attributes/SourceIdentity", Values: []string{"alice"}},
			samltest.Attribute{Name: "https://aws.amazon.com/SAML/Attributes/SessionDuration", Values: []string{"1800"}},
		)
		a, err := verify(t, i.XML(t, r), m, now.Add(2*time.Minute))
		if err != nil {
			t.Fatalf("signing %d: %v", signing, err)
		}
		if a.Issuer != i.EntityID || a.Subject != "alice" || a.SubjectType() != "persistent" || a.Recipient != samltest.SigninEndpoint ||
			!slices.Equal(a.Audiences, []string{samltest.SigninEndpoint}) || !a.NotOnOrAfter.Equal(now.Add(5*time.Minute)) ||
			!a.SessionNotOnOrAfter.Equal(now.Add(30*time.Minute)) {
			t.Fatalf("signing %d: assertion = %+v", signing, a)
		}
		c, err := a.Claims()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Roles, []saml.Role{{RoleARN: roleARN, ProviderARN: providerARN}}) || c.RoleSessionName != "alice@example.test" ||
			c.SessionDuration != 1800 || c.SourceIdentity != "alice" || !slices.Equal(c.TransitiveTagKeys, []string{"dept"}) ||
			!slices.Equal(c.PrincipalTags, []warden.Tag{{Key: "cost", Value: "42"}, {Key: "dept", Value: "cardiology"}}) {
			t.Fatalf("claims = %+v", c)
		}
		keys, multi := a.ConditionKeys("111111111111", "corp")
		if keys["saml:aud"] != samltest.SigninEndpoint || keys["saml:iss"] != i.EntityID || keys["saml:sub"] != "alice" ||
			keys["saml:sub_type"] != "persistent" || keys["saml:doc"] != "111111111111/corp" ||
			keys["saml:namequalifier"] != saml.NameQualifier(i.EntityID, "111111111111", "corp") ||
			!slices.Equal(multi["saml:edupersonaffiliation"], []string{"staff", "member"}) {
			t.Fatalf("condition keys = %v %v", keys, multi)
		}
	}
}

// The NameQualifier example of the STS API Reference.
func TestNameQualifier(t *testing.T) {
	// BASE64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP"))
	got := saml.NameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP")
	raw, err := base64.StdEncoding.DecodeString(got)
	if err != nil || len(raw) != 20 {
		t.Fatalf("NameQualifier = %q", got)
	}
	if got == saml.NameQualifier("https://example.com/saml", "123456789012", "OtherIdP") {
		t.Fatal("NameQualifier ignores the provider name")
	}
}

func TestVerifyRefuses(t *testing.T) {
	i, other := testIdPs(t)
	m := metadataOf(t, i)
	signed := i.XML(t, response(samltest.Response{}))
	at := now.Add(time.Minute)

	cases := []struct {
		name string
		xml  string
		code string
		msg  string
	}{
		{"unsigned", i.XML(t, response(samltest.Response{Signing: samltest.SignNone})), warden.EInvalidIdentityToken, "not signed"},
		{"SHA-1", i.XML(t, response(samltest.Response{SHA1: true})), warden.EInvalidIdentityToken, "SHA-1"},
		{"another key", other.XML(t, response(samltest.Response{})), warden.EInvalidIdentityToken, "Response signature invalid"},
		{"tampered subject", strings.Replace(signed, ">alice<", ">mallory<", 1), warden.EInvalidIdentityToken, "Response signature invalid"},
		{"tampered role", strings.Replace(signed, "role/Doctor", "role/Admin", 1), warden.EInvalidIdentityToken, "Response signature invalid"},
		{"tampered response-signed", strings.Replace(i.XML(t, response(samltest.Response{Signing: samltest.SignResponse})), "role/Doctor", "role/Admin", 1),
			warden.EInvalidIdentityToken, "Response signature invalid"},
		{"wrong audience", i.XML(t, response(samltest.Response{Audience: "https://app.example.test"})), warden.EInvalidIdentityToken, "audience"},
		{"wrong recipient", i.XML(t, response(samltest.Response{Recipient: "https://app.example.test/acs"})), warden.EInvalidIdentityToken, "not an AWS sign-in endpoint"},
		{"other issuer", i.XML(t, response(samltest.Response{Issuer: "https://evil.example.test"})), warden.EInvalidIdentityToken, "Issuer not present in specified provider"},
		{"not XML", "<samlp:Response", warden.EInvalidIdentityToken, "well-formed"},
		{"doctype", `<!DOCTYPE r [<!ENTITY e "x">]>` + signed, warden.EInvalidIdentityToken, "well-formed"},
		{"not a response", strings.ReplaceAll(signed, "samlp:Response", "samlp:ArtifactResponse"), warden.EInvalidIdentityToken, "protocol Response"},
		// Two readers of one element could each take another ID.
		{"duplicate attribute", strings.Replace(signed, "<saml:Assertion ", `<saml:Assertion ID="_evil" `, 1), warden.EInvalidIdentityToken, "well-formed"},
		// A reference to the whole document is not one to the assertion.
		{"empty reference", strings.Replace(signed, `<ds:Reference URI="#`, `<ds:Reference URI="" x="#`, 1), warden.EInvalidIdentityToken, "Response signature invalid"},
		{"encrypted assertion", strings.Replace(signed, "</samlp:Status>", `</samlp:Status><saml:EncryptedAssertion/>`, 1), warden.EInvalidIdentityToken, "encrypted"},
		{"failed status", strings.Replace(signed, "status:Success", "status:Responder", 1), warden.EInvalidIdentityToken, "does not report success"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verify(t, tc.xml, m, at)
			wantCode(t, err, tc.code, tc.msg)
		})
	}

	t.Run("expired", func(t *testing.T) {
		_, err := verify(t, signed, m, now.Add(5*time.Minute+saml.Skew))
		wantCode(t, err, warden.EExpiredTokenException, "expired")
		// Within the skew it still holds.
		if _, err := verify(t, signed, m, now.Add(5*time.Minute+saml.Skew-time.Second)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("not yet valid", func(t *testing.T) {
		_, err := verify(t, signed, m, now.Add(-time.Minute-saml.Skew-time.Second))
		wantCode(t, err, warden.EIDPRejectedClaim, "not valid before")
	})
	t.Run("bad base64", func(t *testing.T) {
		_, err := saml.DecodeResponse("%%%")
		wantCode(t, err, warden.EInvalidIdentityToken, "base64")
	})
}

// Signature wrapping: the signed assertion stays intact, and an element the
// signature does not cover is put where a careless reader would read it.
func TestVerifyRefusesSignatureWrapping(t *testing.T) {
	i, _ := testIdPs(t)
	m := metadataOf(t, i)
	at := now.Add(time.Minute)
	signed := i.XML(t, response(samltest.Response{}))
	start, end := strings.Index(signed, "<saml:Assertion "), strings.Index(signed, "</saml:Assertion>")+len("</saml:Assertion>")
	original := signed[start:end]
	// The evil twin: same ID, no signature, another role.
	evil := strings.Replace(strings.Replace(original, "role/Doctor", "role/Admin", 1), ">alice<", ">mallory<", 1)
	evil = evil[:strings.Index(evil, "<ds:Signature")] + evil[strings.Index(evil, "</ds:Signature>")+len("</ds:Signature>"):]

	const oneAssertion = "exactly one assertion, directly in its Response"
	for name, tc := range map[string]struct{ xml, msg string }{
		"evil assertion first":       {signed[:start] + evil + original + signed[end:], oneAssertion},
		"evil assertion after":       {signed[:start] + original + evil + signed[end:], oneAssertion},
		"signed one in Extensions":   {signed[:start] + `<samlp:Extensions>` + original + `</samlp:Extensions>` + evil + signed[end:], oneAssertion},
		"signed one inside the evil": {signed[:start] + strings.Replace(evil, "</saml:Assertion>", original+"</saml:Assertion>", 1) + signed[end:], oneAssertion},
		"only the evil one":          {signed[:start] + evil + signed[end:], "not signed"},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := verify(t, tc.xml, m, at)
			if err == nil {
				t.Fatalf("accepted a wrapped response: subject %s", a.Subject)
			}
			wantCode(t, err, warden.EInvalidIdentityToken, tc.msg)
		})
	}

	t.Run("reference to another element", func(t *testing.T) {
		// The signature covers the Assertion, but is moved to the Response,
		// whose ID it does not name.
		resp := i.XML(t, response(samltest.Response{}))
		sigStart, sigEnd := strings.Index(resp, "<ds:Signature"), strings.Index(resp, "</ds:Signature>")+len("</ds:Signature>")
		sig := resp[sigStart:sigEnd]
		moved := resp[:sigStart] + resp[sigEnd:]
		moved = strings.Replace(moved, "</saml:Issuer>", "</saml:Issuer>"+sig, 1)
		_, err := verify(t, moved, m, at)
		wantCode(t, err, warden.EInvalidIdentityToken, "Response signature invalid")
	})
}

func TestClaimsRefuse(t *testing.T) {
	i, _ := testIdPs(t)
	m := metadataOf(t, i)
	role := "https://aws.amazon.com/SAML/Attributes/Role"
	name := "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	for label, attrs := range map[string][]samltest.Attribute{
		"no role":             {{Name: name, Values: []string{"alice"}}},
		"role without pair":   {{Name: role, Values: []string{roleARN}}, {Name: name, Values: []string{"alice"}}},
		"two roles in a pair": {{Name: role, Values: []string{roleARN + "," + roleARN}}, {Name: name, Values: []string{"alice"}}},
		"no session name":     {{Name: role, Values: []string{roleARN + "," + providerARN}}},
		"bad session name":    {{Name: role, Values: []string{roleARN + "," + providerARN}}, {Name: name, Values: []string{"a b"}}},
		"short duration": {{Name: role, Values: []string{roleARN + "," + providerARN}}, {Name: name, Values: []string{"alice"}},
			{Name: "https://aws.amazon.com/SAML/Attributes/SessionDuration", Values: []string{"60"}}},
		"aws: source identity": {{Name: role, Values: []string{roleARN + "," + providerARN}}, {Name: name, Values: []string{"alice"}},
			{Name: "https://aws.amazon.com/SAML/Attributes/SourceIdentity", Values: []string{"aws:alice"}}},
		"tag with two values": {{Name: role, Values: []string{roleARN + "," + providerARN}}, {Name: name, Values: []string{"alice"}},
			{Name: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:x", Values: []string{"1", "2"}}},
	} {
		a, err := verify(t, i.XML(t, response(samltest.Response{Attributes: attrs})), m, now)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if _, err := a.Claims(); warden.ErrorCode(err) != warden.EInvalidIdentityToken {
			t.Errorf("%s: Claims error = %v", label, err)
		}
	}
	// Pairs may name the provider first.
	a, err := verify(t, i.XML(t, response(samltest.Response{Attributes: []samltest.Attribute{
		{Name: role, Values: []string{providerARN + "," + roleARN}}, {Name: name, Values: []string{"alice"}}}})), m, now)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := a.Claims(); err != nil || c.Roles[0] != (saml.Role{RoleARN: roleARN, ProviderARN: providerARN}) {
		t.Fatalf("provider-first pair: %+v, %v", c, err)
	}
}

// A comment inside the NameID splits its text: the signature covers the
// whole value (canonicalization drops comments), and so must what is read
// (the class of CVE-2017-11427).
func TestVerifyReadsTextAcrossComments(t *testing.T) {
	i, _ := testIdPs(t)
	m := metadataOf(t, i)
	signed := i.XML(t, response(samltest.Response{Subject: "admin@example.test.evil.test"}))
	split := strings.Replace(signed, ">admin@example.test.evil.test<", ">admin@example.test<!---->.evil.test<", 1)
	if split == signed {
		t.Fatal("NameID not found")
	}
	a, err := verify(t, split, m, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Subject != "admin@example.test.evil.test" {
		t.Fatalf("Subject = %q", a.Subject)
	}
}
