// Package samltest is a test SAML 2.0 identity provider for
// AssumeRoleWithSAML: an RSA key with a self-signed certificate, the
// metadata document that publishes it, and signed (or deliberately
// unsigned, SHA-1 signed, tampered) responses. It is for tests only; its
// functions fail the test on any error.
package samltest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// SigninEndpoint is the AWS sign-in endpoint for SAML, the Recipient and
// Audience of a response issued for AWS.
const SigninEndpoint = "https://signin.aws.amazon.com/saml"

// IdP is a test identity provider.
type IdP struct {
	EntityID string
	key      *rsa.PrivateKey
	certDER  []byte
}

// New generates a 2048-bit RSA key and a self-signed certificate for an
// IdP. The certificate is valid from 2000 to 2100, so that tests on a
// fixed clock can use it.
func New(tb testing.TB, entityID string) *IdP {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: entityID},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return &IdP{EntityID: entityID, key: key, certDER: der}
}

// Certificate returns the IdP's signing certificate.
func (i *IdP) Certificate() *x509.Certificate {
	c, err := x509.ParseCertificate(i.certDER)
	if err != nil {
		panic(err) // it was just created
	}
	return c
}

// Metadata returns the IdP's metadata document: an EntityDescriptor with
// an IDPSSODescriptor publishing the signing certificate.
func (i *IdP) Metadata() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + html.EscapeString(i.EntityID) + `">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data>
          <ds:X509Certificate>` + base64.StdEncoding.EncodeToString(i.certDER) + `</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`
}

// Signing says which elements of a response are signed.
type Signing int

const (
	SignAssertion Signing = iota // the Assertion only, the most common
	SignResponse                 // the Response only
	SignBoth                     // the Assertion, then the Response
	SignNone                     // nothing: a response Warden must refuse
)

// Attribute is one SAML attribute with its values.
type Attribute struct {
	Name   string
	Values []string
}

// Response describes a response; zero fields take the defaults noted.
type Response struct {
	Issuer        string // the IdP's entity ID
	Subject       string // "alice"
	SubjectFormat string // urn:oasis:names:tc:SAML:2.0:nameid-format:persistent
	Recipient     string // SigninEndpoint
	Audience      string // SigninEndpoint
	// IssueInstant is when the response is issued; NotBefore is a minute
	// earlier. Required: tests run on their own clocks.
	IssueInstant time.Time
	NotOnOrAfter time.Time // IssueInstant + 5 minutes
	// SessionNotOnOrAfter is left out when zero.
	SessionNotOnOrAfter time.Time
	Attributes          []Attribute
	Signing             Signing
	// SHA1 signs with RSA-SHA1 and SHA-1 digests.
	SHA1 bool
}

// AWSAttributes returns the Role attribute naming each role with the
// provider, and the RoleSessionName attribute.
func AWSAttributes(providerARN, sessionName string, roleARNs ...string) []Attribute {
	role := Attribute{Name: "https://aws.amazon.com/SAML/Attributes/Role"}
	for _, r := range roleARNs {
		role.Values = append(role.Values, r+","+providerARN)
	}
	return []Attribute{role, {Name: "https://aws.amazon.com/SAML/Attributes/RoleSessionName", Values: []string{sessionName}}}
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "_" + hex.EncodeToString(b)
}

func xsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// XML returns the response document, signed as r.Signing says. The
// Assertion uses the saml prefix its Response declares, as many IdPs write
// it.
func (i *IdP) XML(tb testing.TB, r Response) string {
	tb.Helper()
	if r.IssueInstant.IsZero() {
		tb.Fatal("samltest: Response.IssueInstant is required")
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&r.Issuer, i.EntityID)
	def(&r.Subject, "alice")
	def(&r.SubjectFormat, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
	def(&r.Recipient, SigninEndpoint)
	def(&r.Audience, SigninEndpoint)
	if r.NotOnOrAfter.IsZero() {
		r.NotOnOrAfter = r.IssueInstant.Add(5 * time.Minute)
	}
	e := html.EscapeString
	var attrs strings.Builder
	for _, a := range r.Attributes {
		fmt.Fprintf(&attrs, `<saml:Attribute Name="%s">`, e(a.Name))
		for _, v := range a.Values {
			fmt.Fprintf(&attrs, `<saml:AttributeValue>%s</saml:AttributeValue>`, e(v))
		}
		attrs.WriteString(`</saml:Attribute>`)
	}
	session := ""
	if !r.SessionNotOnOrAfter.IsZero() {
		session = ` SessionNotOnOrAfter="` + xsTime(r.SessionNotOnOrAfter) + `"`
	}
	issued, notBefore, notAfter := xsTime(r.IssueInstant), xsTime(r.IssueInstant.Add(-time.Minute)), xsTime(r.NotOnOrAfter)
	doc := `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
		` ID="` + newID() + `" Version="2.0" IssueInstant="` + issued + `" Destination="` + e(r.Recipient) + `">` +
		`<saml:Issuer>` + e(r.Issuer) + `</saml:Issuer>` +
		`<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
		`<saml:Assertion ID="` + newID() + `" Version="2.0" IssueInstant="` + issued + `">` +
		`<saml:Issuer>` + e(r.Issuer) + `</saml:Issuer>` +
		`<saml:Subject><saml:NameID Format="` + e(r.SubjectFormat) + `">` + e(r.Subject) + `</saml:NameID>` +
		`<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
		`<saml:SubjectConfirmationData NotOnOrAfter="` + notAfter + `" Recipient="` + e(r.Recipient) + `"/>` +
		`</saml:SubjectConfirmation></saml:Subject>` +
		`<saml:Conditions NotBefore="` + notBefore + `" NotOnOrAfter="` + notAfter + `">` +
		`<saml:AudienceRestriction><saml:Audience>` + e(r.Audience) + `</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
		`<saml:AuthnStatement AuthnInstant="` + issued + `"` + session + `><saml:AuthnContext>` +
		`<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>` +
		`</saml:AuthnContext></saml:AuthnStatement>` +
		`<saml:AttributeStatement>` + attrs.String() + `</saml:AttributeStatement>` +
		`</saml:Assertion></samlp:Response>`

	d := etree.NewDocument()
	if err := d.ReadFromString(doc); err != nil {
		tb.Fatal(err)
	}
	resp := d.Root()
	if r.Signing == SignAssertion || r.Signing == SignBoth {
		i.sign(tb, resp.FindElement("./Assertion"), r.SHA1)
	}
	if r.Signing == SignResponse || r.Signing == SignBoth {
		i.sign(tb, resp, r.SHA1)
	}
	out, err := d.WriteToString()
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// sign inserts an enveloped signature into el after its Issuer, where the
// SAML schema puts it.
func (i *IdP) sign(tb testing.TB, el *etree.Element, sha1 bool) {
	tb.Helper()
	ctx, err := dsig.NewSigningContext(i.key, [][]byte{i.certDER})
	if err != nil {
		tb.Fatal(err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if sha1 {
		ctx.Hash = crypto.SHA1
	}
	// The signing library canonicalizes the element on its own: give the
	// copy it signs the namespaces the element inherits.
	scoped := el.Copy()
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if a.Space == "xmlns" && scoped.SelectAttr("xmlns:"+a.Key) == nil {
				scoped.CreateAttr("xmlns:"+a.Key, a.Value)
			}
		}
	}
	sig, err := ctx.ConstructSignature(scoped, true)
	if err != nil {
		tb.Fatal(err)
	}
	el.InsertChildAt(1, sig)
}

// Encode is the base64 form of a response, as SAMLAssertion carries it.
func Encode(xml string) string { return base64.StdEncoding.EncodeToString([]byte(xml)) }

// Assertion returns the base64 of a signed response.
func (i *IdP) Assertion(tb testing.TB, r Response) string {
	tb.Helper()
	return Encode(i.XML(tb, r))
}
