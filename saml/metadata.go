package saml

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// Metadata is what an identity provider's SAML 2.0 metadata says about
// it: who it is and the certificates whose keys sign its responses.
type Metadata struct {
	// EntityID is the IdP's entity ID; its assertions name it as Issuer.
	EntityID string
	// ValidUntil is the document's validUntil; zero without one.
	ValidUntil time.Time
	// Certificates are the signing certificates of its IDPSSODescriptor
	// (KeyDescriptors with use="signing" or without use), in document order.
	Certificates []*x509.Certificate
}

// ParseMetadata reads an EntityDescriptor with an IDPSSODescriptor that
// holds at least one RSA or ECDSA signing certificate, the form IAM takes
// ("Create a SAML identity provider in IAM", IAM User Guide).
//
// Returns InvalidInput, in IAM's words ("Could not parse metadata"), with
// what was wrong.
func ParseMetadata(doc string) (*Metadata, error) {
	bad := func(why string) error {
		return warden.Errorf(warden.EInvalidInput, "Could not parse metadata: %s.", why)
	}
	root, ok := readXML([]byte(doc))
	if !ok {
		return nil, bad("it is not a well-formed XML document without a DOCTYPE")
	}
	if !is(root, nsMetadata, "EntityDescriptor") {
		return nil, bad("the root element must be a SAML 2.0 metadata EntityDescriptor")
	}
	m := &Metadata{EntityID: strings.TrimSpace(root.SelectAttrValue("entityID", ""))}
	if m.EntityID == "" {
		return nil, bad("the EntityDescriptor has no entityID")
	}
	if v := root.SelectAttrValue("validUntil", ""); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return nil, bad("validUntil is not an xs:dateTime")
		}
		m.ValidUntil = t
	}
	idps := children(root, nsMetadata, "IDPSSODescriptor")
	if len(idps) != 1 {
		return nil, bad("the EntityDescriptor must have exactly one IDPSSODescriptor")
	}
	for _, kd := range children(idps[0], nsMetadata, "KeyDescriptor") {
		if use := kd.SelectAttrValue("use", ""); use != "" && use != "signing" {
			continue
		}
		for _, ki := range children(kd, nsDSig, "KeyInfo") {
			for _, xd := range children(ki, nsDSig, "X509Data") {
				for _, xc := range children(xd, nsDSig, "X509Certificate") {
					cert, err := parseCertificate(text(xc))
					if err != nil {
						return nil, bad(err.Error())
					}
					m.Certificates = append(m.Certificates, cert)
				}
			}
		}
	}
	if len(m.Certificates) == 0 {
		return nil, bad("the IDPSSODescriptor has no signing certificate")
	}
	return m, nil
}

type certError string

func (e certError) Error() string { return string(e) }

// parseCertificate reads the base64 DER of an X509Certificate element,
// whose lines may be wrapped.
func parseCertificate(b64 string) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, certError("an X509Certificate is not base64")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, certError("an X509Certificate is not a DER X.509 certificate")
	}
	switch cert.PublicKey.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, certError("a signing certificate's key is neither RSA nor ECDSA")
	}
	return cert, nil
}

// parseTime reads an xs:dateTime as SAML writes them (UTC, optionally with
// fractional seconds).
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
