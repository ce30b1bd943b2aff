package saml

import (
	"crypto/x509"
	"encoding/base64"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/warden-iam/warden"
)

// Skew is the clock difference tolerated between Warden and an identity
// provider when checking validity times.
const Skew = time.Minute

// Expectation is what a response must satisfy to be accepted for a SAML
// provider registered in IAM.
type Expectation struct {
	// Metadata is the provider's: its entity ID must be the assertion's
	// issuer, and one of its certificates must verify the signature.
	Metadata *Metadata
	Now      time.Time
}

// Assertion is what a verified response asserts, read only from the
// signed element.
type Assertion struct {
	// Issuer is the assertion's Issuer: the provider's entity ID.
	Issuer string
	// Subject is the NameID of the Subject; SubjectFormat its Format
	// attribute, "" without one.
	Subject       string
	SubjectFormat string
	// Recipient is the Recipient of the bearer SubjectConfirmationData:
	// the AWS sign-in endpoint the response was issued for.
	Recipient string
	// Audiences are the Audience values of the Conditions.
	Audiences []string
	// NotOnOrAfter is when the subject confirmation expires.
	NotOnOrAfter time.Time
	// SessionNotOnOrAfter is the AuthnStatement's, zero without one: the
	// session must end by then.
	SessionNotOnOrAfter time.Time
	// Attributes maps each attribute's Name to its values, in order.
	Attributes map[string][]string
}

// The AWS sign-in endpoints a response may be issued for ("Configure SAML
// assertions for the authentication response", IAM User Guide: the
// Recipient must be the AWS sign-in endpoint, global or regional, with
// /acs/ID when the provider requires encryption), and the audiences AWS
// accepts (the endpoint, or urn:amazon:webservices).
var (
	signinEndpointRE = regexp.MustCompile(`^https://([a-z0-9-]+\.)?signin\.aws\.amazon\.com/(static/)?saml(/acs/[A-Za-z0-9-]+)?$`)
	awsAudience      = "urn:amazon:webservices"
)

// IsSigninEndpoint reports whether u is an AWS sign-in endpoint for SAML.
func IsSigninEndpoint(u string) bool { return signinEndpointRE.MatchString(u) }

// maxShown bounds what an error repeats of the response's own text.
const maxShown = 128

func shown(s string) string {
	if len(s) > maxShown {
		return strings.ToValidUTF8(s[:maxShown], "") + "…"
	}
	return s
}

func invalid(format string, args ...any) error {
	return warden.Errorf(warden.EInvalidIdentityToken, format, args...)
}

// DecodeResponse decodes the base64 of a SAMLResponse, the form the
// SAMLAssertion parameter carries. Line breaks and spaces are ignored, as
// IdPs and browsers insert them.
//
// Returns InvalidIdentityToken.
func DecodeResponse(b64 string) ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, invalid("The SAML assertion is not base64-encoded.")
	}
	return data, nil
}

// Verify reads a SAML 2.0 Response (the decoded SAMLAssertion), verifies
// its signature with the provider's certificates and checks the assertion
// in it. The response must hold exactly one Assertion, not encrypted; the
// Response or the Assertion (or both) must carry an enveloped signature
// whose one Reference names the signed element by its ID, canonicalized
// with exclusive C14N and signed with RSA or ECDSA over SHA-256, SHA-384 or
// SHA-512 (Warden refuses SHA-1, which no longer resists forgery). Every
// value is then read from the verified element the signature library
// returns, never from the document it was given, so that no element the
// signature does not cover can be read in place of one it does
// (signature wrapping).
//
// Then: the issuer must be the provider's entity ID; there must be
// exactly one bearer SubjectConfirmation, whose data has a Recipient that
// is an AWS sign-in endpoint and a NotOnOrAfter; the Conditions' audience
// restriction must name AWS; the times must hold at want.Now (with Skew).
//
// Returns InvalidIdentityToken (malformed, unsigned, badly signed, wrong
// issuer, recipient or audience), ExpiredTokenException (past
// NotOnOrAfter) and IDPRejectedClaim (not valid yet).
func Verify(response []byte, want Expectation) (*Assertion, error) {
	root, ok := readXML(response)
	if !ok {
		return nil, invalid("The SAML response is not a well-formed XML document.")
	}
	if !is(root, nsProtocol, "Response") {
		return nil, invalid("The SAML response must be a SAML 2.0 protocol Response.")
	}
	if countAll(root, nsAssertion, "EncryptedAssertion") > 0 {
		return nil, invalid("The SAML response holds an encrypted assertion; Warden accepts only unencrypted assertions.")
	}
	// One assertion, directly in the Response: any other is one the
	// signature may not cover.
	assertions := children(root, nsAssertion, "Assertion")
	if len(assertions) != 1 || countAll(root, nsAssertion, "Assertion") != 1 {
		return nil, invalid("The SAML response must hold exactly one assertion, directly in its Response.")
	}
	responseSig, ok1 := only(root, nsDSig, "Signature")
	assertionSig, ok2 := only(assertions[0], nsDSig, "Signature")
	signatures := 0
	for _, s := range []*etree.Element{responseSig, assertionSig} {
		if s != nil {
			signatures++
		}
	}
	if !ok1 || !ok2 || countAll(root, nsDSig, "Signature") != signatures {
		return nil, invalid("The SAML response has signatures where Warden accepts none: only the Response and the Assertion may each carry one.")
	}
	if signatures == 0 {
		return nil, invalid("The SAML response is not signed: the Response or the Assertion must carry a signature.")
	}

	var assertion *etree.Element
	if responseSig != nil {
		verified, err := verifySignature(root, want)
		if err != nil {
			return nil, err
		}
		if !is(verified, nsProtocol, "Response") {
			return nil, invalid("Response signature invalid")
		}
		if err := checkResponse(verified, want.Metadata.EntityID); err != nil {
			return nil, err
		}
		as := children(verified, nsAssertion, "Assertion")
		if len(as) != 1 {
			return nil, invalid("The SAML response must hold exactly one assertion, directly in its Response.")
		}
		assertion = as[0]
		if assertionSig != nil {
			// Signed twice: both signatures must hold.
			if assertion, err = verifySignature(detach(assertion), want); err != nil {
				return nil, err
			}
		}
	} else {
		// The Response is unsigned: only its assertion is trusted, and the
		// Response's own elements are still checked, not relied upon.
		if err := checkResponse(root, want.Metadata.EntityID); err != nil {
			return nil, err
		}
		var err error
		if assertion, err = verifySignature(detach(assertions[0]), want); err != nil {
			return nil, err
		}
	}
	if !is(assertion, nsAssertion, "Assertion") {
		return nil, invalid("Response signature invalid")
	}
	return readAssertion(assertion, want)
}

// Algorithms a signature may use. SHA-1 is left out on purpose.
var (
	signatureMethods = []string{
		dsig.RSASHA256SignatureMethod, dsig.RSASHA384SignatureMethod, dsig.RSASHA512SignatureMethod,
		dsig.ECDSASHA256SignatureMethod, dsig.ECDSASHA384SignatureMethod, dsig.ECDSASHA512SignatureMethod,
	}
	digestMethods = []string{
		"http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512",
	}
	sha1Methods = []string{dsig.RSASHA1SignatureMethod, dsig.ECDSASHA1SignatureMethod, "http://www.w3.org/2000/09/xmldsig#sha1"}
)

const excC14N = string(dsig.CanonicalXML10ExclusiveAlgorithmId)

// verifySignature checks that el carries the one signature shape Warden
// accepts, verifies it with one of the provider's certificates, and
// returns the signed element as the signature library re-read it from the
// canonical bytes whose digest it checked.
func verifySignature(el *etree.Element, want Expectation) (*etree.Element, error) {
	sig, _ := only(el, nsDSig, "Signature")
	id := el.SelectAttrValue("ID", "")
	if sig == nil || id == "" {
		return nil, invalid("Response signature invalid")
	}
	signedInfo, _ := only(sig, nsDSig, "SignedInfo")
	if signedInfo == nil {
		return nil, invalid("Response signature invalid")
	}
	c14n, _ := only(signedInfo, nsDSig, "CanonicalizationMethod")
	method, _ := only(signedInfo, nsDSig, "SignatureMethod")
	refs := children(signedInfo, nsDSig, "Reference")
	if c14n == nil || method == nil || len(refs) != 1 {
		return nil, invalid("Response signature invalid")
	}
	ref := refs[0]
	digest, _ := only(ref, nsDSig, "DigestMethod")
	alg := method.SelectAttrValue("Algorithm", "")
	digestAlg := ""
	if digest != nil {
		digestAlg = digest.SelectAttrValue("Algorithm", "")
	}
	if slices.Contains(sha1Methods, alg) || slices.Contains(sha1Methods, digestAlg) {
		return nil, invalid("The SAML response is signed with SHA-1, which Warden does not accept; sign with RSA-SHA256 or stronger.")
	}
	if !slices.Contains(signatureMethods, alg) || !slices.Contains(digestMethods, digestAlg) {
		return nil, invalid("The SAML response's signature algorithm %s is not supported.", shown(alg))
	}
	if c14n.SelectAttrValue("Algorithm", "") != excC14N {
		return nil, invalid("The SAML response's signature must use exclusive XML canonicalization.")
	}
	// The reference must name the element itself: a signature over some
	// other element vouches for nothing read here.
	if ref.SelectAttrValue("URI", "") != "#"+id {
		return nil, invalid("Response signature invalid")
	}
	transforms, _ := only(ref, nsDSig, "Transforms")
	if transforms != nil {
		for _, t := range transforms.ChildElements() {
			switch a := t.SelectAttrValue("Algorithm", ""); {
			case !is(t, nsDSig, "Transform"):
				return nil, invalid("Response signature invalid")
			case a != string(dsig.EnvelopedSignatureAltorithmId) && a != excC14N:
				return nil, invalid("The SAML response's signature uses the transform %s, which is not supported.", shown(a))
			}
		}
	}
	for _, cert := range want.Metadata.Certificates {
		ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
		ctx.Clock = dsig.NewFakeClockAt(want.Now)
		if verified, err := ctx.Validate(el); err == nil {
			return verified, nil
		}
	}
	return nil, invalid("Response signature invalid")
}

// checkResponse checks what the Response says around its assertion: the
// status is Success, the Destination (if any) is an AWS sign-in endpoint,
// and the Issuer (if any) is the provider.
func checkResponse(resp *etree.Element, entityID string) error {
	status, _ := only(resp, nsProtocol, "Status")
	var code *etree.Element
	if status != nil {
		code, _ = only(status, nsProtocol, "StatusCode")
	}
	if code == nil || code.SelectAttrValue("Value", "") != "urn:oasis:names:tc:SAML:2.0:status:Success" {
		return invalid("The SAML response does not report success.")
	}
	if d := resp.SelectAttrValue("Destination", ""); d != "" && !IsSigninEndpoint(d) {
		return invalid("The SAML response's Destination %s is not an AWS sign-in endpoint.", shown(d))
	}
	issuer, ok := only(resp, nsAssertion, "Issuer")
	if !ok || (issuer != nil && text(issuer) != entityID) {
		return invalid("Issuer not present in specified provider")
	}
	return nil
}

// readAssertion reads and checks a verified assertion.
func readAssertion(el *etree.Element, want Expectation) (*Assertion, error) {
	a := &Assertion{Attributes: map[string][]string{}}
	issuer, ok := only(el, nsAssertion, "Issuer")
	if !ok || issuer == nil {
		return nil, invalid("The SAML assertion must have one Issuer.")
	}
	if a.Issuer = text(issuer); a.Issuer != want.Metadata.EntityID {
		// AWS's words.
		return nil, invalid("Issuer not present in specified provider")
	}

	subject, ok := only(el, nsAssertion, "Subject")
	if !ok || subject == nil {
		return nil, invalid("The SAML assertion must have one Subject.")
	}
	nameID, ok := only(subject, nsAssertion, "NameID")
	if !ok || nameID == nil || text(nameID) == "" {
		return nil, invalid("The SAML assertion's Subject must have one NameID.")
	}
	a.Subject, a.SubjectFormat = text(nameID), nameID.SelectAttrValue("Format", "")
	confirmations := children(subject, nsAssertion, "SubjectConfirmation")
	if len(confirmations) != 1 || confirmations[0].SelectAttrValue("Method", "") != "urn:oasis:names:tc:SAML:2.0:cm:bearer" {
		return nil, invalid("The SAML assertion's Subject must have exactly one bearer SubjectConfirmation.")
	}
	data, ok := only(confirmations[0], nsAssertion, "SubjectConfirmationData")
	if !ok || data == nil {
		return nil, invalid("The SAML assertion's SubjectConfirmation must have one SubjectConfirmationData.")
	}
	a.Recipient = data.SelectAttrValue("Recipient", "")
	if !IsSigninEndpoint(a.Recipient) {
		return nil, invalid("The SAML assertion's Recipient %s is not an AWS sign-in endpoint.", shown(a.Recipient))
	}
	notOnOrAfter, err := timeAttr(data, "NotOnOrAfter", true)
	if err != nil {
		return nil, err
	}
	a.NotOnOrAfter = notOnOrAfter
	notBefore, err := timeAttr(data, "NotBefore", false)
	if err != nil {
		return nil, err
	}

	conditions, ok := only(el, nsAssertion, "Conditions")
	if !ok || conditions == nil {
		return nil, invalid("The SAML assertion must have one Conditions element with an audience restriction.")
	}
	for _, r := range children(conditions, nsAssertion, "AudienceRestriction") {
		for _, aud := range children(r, nsAssertion, "Audience") {
			a.Audiences = append(a.Audiences, text(aud))
		}
	}
	if !slices.ContainsFunc(a.Audiences, func(aud string) bool { return aud == awsAudience || IsSigninEndpoint(aud) }) {
		return nil, invalid("The SAML assertion's audience restriction does not name AWS (https://signin.aws.amazon.com/saml or urn:amazon:webservices).")
	}
	condNotOnOrAfter, err := timeAttr(conditions, "NotOnOrAfter", false)
	if err != nil {
		return nil, err
	}
	condNotBefore, err := timeAttr(conditions, "NotBefore", false)
	if err != nil {
		return nil, err
	}

	now := want.Now
	for _, end := range []time.Time{a.NotOnOrAfter, condNotOnOrAfter} {
		if !end.IsZero() && !now.Before(end.Add(Skew)) {
			return nil, warden.Errorf(warden.EExpiredTokenException, "The SAML assertion expired at %s; the current time is %s.",
				end.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	for _, start := range []time.Time{notBefore, condNotBefore} {
		if !start.IsZero() && now.Add(Skew).Before(start) {
			return nil, warden.Errorf(warden.EIDPRejectedClaim, "The SAML assertion is not valid before %s; the current time is %s.",
				start.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}

	for _, st := range children(el, nsAssertion, "AuthnStatement") {
		t, err := timeAttr(st, "SessionNotOnOrAfter", false)
		if err != nil {
			return nil, err
		}
		if !t.IsZero() && (a.SessionNotOnOrAfter.IsZero() || t.Before(a.SessionNotOnOrAfter)) {
			a.SessionNotOnOrAfter = t
		}
	}
	for _, st := range children(el, nsAssertion, "AttributeStatement") {
		for _, attr := range children(st, nsAssertion, "Attribute") {
			name := attr.SelectAttrValue("Name", "")
			for _, v := range children(attr, nsAssertion, "AttributeValue") {
				a.Attributes[name] = append(a.Attributes[name], text(v))
			}
		}
	}
	return a, nil
}

// timeAttr reads an xs:dateTime attribute.
func timeAttr(el *etree.Element, name string, required bool) (time.Time, error) {
	v := el.SelectAttrValue(name, "")
	if v == "" {
		if required {
			return time.Time{}, invalid("The SAML assertion's %s has no %s.", el.Tag, name)
		}
		return time.Time{}, nil
	}
	t, err := parseTime(v)
	if err != nil {
		return time.Time{}, invalid("The SAML assertion's %s %s is not an xs:dateTime.", el.Tag, name)
	}
	return t, nil
}
