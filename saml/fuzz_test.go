package saml_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/saml"
	"github.com/warden-iam/warden/saml/samltest"
)

// FuzzParseMetadata: any input is parsed or refused with InvalidInput,
// never a panic; accepted metadata always has an entity ID and a
// certificate.
func FuzzParseMetadata(f *testing.F) {
	i, _ := testIdPs(f)
	f.Add(i.Metadata())
	f.Add(strings.Replace(i.Metadata(), `entityID=`, `validUntil="2030-01-02T03:04:05Z" entityID=`, 1))
	f.Add(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>`)
	f.Add(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`)
	f.Add("")
	f.Fuzz(func(t *testing.T, doc string) {
		m, err := saml.ParseMetadata(doc)
		if err != nil {
			if warden.ErrorCode(err) != warden.EInvalidInput {
				t.Fatalf("error %v is not InvalidInput", err)
			}
			return
		}
		if m.EntityID == "" || len(m.Certificates) == 0 {
			t.Fatalf("accepted metadata without entity ID or certificate: %+v", m)
		}
	})
}

// FuzzVerify: any response is verified or refused with one of STS's codes,
// never a panic. Inputs the fuzzer derives from signed responses change
// signed bytes; an accepted one must still name the provider as issuer and
// an AWS endpoint as recipient.
func FuzzVerify(f *testing.F) {
	i, _ := testIdPs(f)
	meta, err := saml.ParseMetadata(i.Metadata())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []samltest.Signing{samltest.SignAssertion, samltest.SignResponse, samltest.SignBoth, samltest.SignNone} {
		f.Add([]byte(i.XML(f, response(samltest.Response{Signing: s}))))
	}
	f.Add([]byte(i.XML(f, response(samltest.Response{SHA1: true}))))
	f.Add([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`))
	f.Add([]byte("<a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := saml.Verify(data, saml.Expectation{Metadata: meta, Now: now.Add(time.Minute)})
		if err != nil {
			switch warden.ErrorCode(err) {
			case warden.EInvalidIdentityToken, warden.EExpiredTokenException, warden.EIDPRejectedClaim:
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if a.Issuer != meta.EntityID || !saml.IsSigninEndpoint(a.Recipient) {
			t.Fatalf("accepted %+v", a)
		}
		if _, err := a.Claims(); err != nil && warden.ErrorCode(err) != warden.EInvalidIdentityToken {
			t.Fatalf("Claims: unexpected error %v", err)
		}
	})
}
