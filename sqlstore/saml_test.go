package sqlstore_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// metadata returns a document of the length SAMLMetadataDocumentType
// needs; the store keeps it as given and does not read it.
func metadata(tag string) string {
	return "<EntityDescriptor entityID=\"" + tag + "\">" + strings.Repeat(" ", 1000) + "</EntityDescriptor>"
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestSAMLProviders(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		until := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
		p, err := s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{
			Name: "Corp-IdP", MetadataDocument: metadata("one"), ValidUntil: until, Tags: []warden.Tag{{Key: "team", Value: "id"}},
		})
		noErr(t, err)
		arn := "arn:aws:iam::" + acct + ":saml-provider/Corp-IdP"
		if p.ARN != arn || p.Name != "Corp-IdP" || p.MetadataDocument != metadata("one") || !p.ValidUntil.Equal(until) ||
			!uuidRE.MatchString(p.UUID) || names(p.Tags, tagString) != "team=id" {
			t.Fatalf("CreateSAMLProvider = %+v", p)
		}
		recent(t, "CreateDate", p.CreateDate)

		got, err := s.SAMLProvider(ctx, acct, arn)
		noErr(t, err)
		if got.ARN != arn || got.UUID != p.UUID || got.MetadataDocument != p.MetadataDocument || !got.ValidUntil.Equal(until) ||
			names(got.Tags, tagString) != "team=id" || !got.CreateDate.Equal(p.CreateDate) {
			t.Fatalf("SAMLProvider = %+v", got)
		}

		// Names are unique without regard to case.
		_, err = s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{Name: "corp-idp", MetadataDocument: metadata("two")})
		wantErr(t, err, warden.EEntityAlreadyExists, "SAMLProvider corp-idp already exists.")
		_, err = s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{Name: "has space", MetadataDocument: metadata("two")})
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{Name: "short", MetadataDocument: "<x/>"})
		wantErr(t, err, warden.EValidationError, "")

		// An update replaces the document; a document without validUntil
		// clears it.
		noErr(t, s.UpdateSAMLProvider(ctx, acct, arn, metadata("three"), time.Time{}))
		wantErr(t, s.UpdateSAMLProvider(ctx, acct, arn, "<x/>", time.Time{}), warden.EValidationError, "")
		got, err = s.SAMLProvider(ctx, acct, arn)
		noErr(t, err)
		if got.MetadataDocument != metadata("three") || !got.ValidUntil.IsZero() || got.UUID != p.UUID {
			t.Fatalf("after UpdateSAMLProvider: %+v", got)
		}

		// Keys of SAML providers are case-sensitive, as on OIDC providers.
		noErr(t, s.TagSAMLProvider(ctx, acct, arn, []warden.Tag{{Key: "Team", Value: "x"}}))
		noErr(t, s.TagSAMLProvider(ctx, acct, arn, []warden.Tag{{Key: "team", Value: "security"}}))
		got, err = s.SAMLProvider(ctx, acct, arn)
		noErr(t, err)
		if names(got.Tags, tagString) != "Team=x,team=security" {
			t.Fatalf("tags = %v", names(got.Tags, tagString))
		}
		noErr(t, s.UntagSAMLProvider(ctx, acct, arn, []string{"Team"}))
		page, err := s.ListSAMLProviderTags(ctx, acct, arn, warden.ListOptions{})
		noErr(t, err)
		if names(page.Items, tagString) != "team=security" || page.IsTruncated {
			t.Fatalf("ListSAMLProviderTags = %+v", page)
		}

		_, err = s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{Name: "azure", MetadataDocument: metadata("four")})
		noErr(t, err)
		list, err := s.ListSAMLProviders(ctx, acct)
		noErr(t, err)
		if names(list, func(p *warden.SAMLProvider) string { return p.Name }) != "azure,Corp-IdP" || list[1].Tags != nil {
			t.Fatalf("ListSAMLProviders = %v", names(list, func(p *warden.SAMLProvider) string { return p.ARN }))
		}

		noErr(t, s.DeleteSAMLProvider(ctx, acct, arn))
		_, err = s.SAMLProvider(ctx, acct, arn)
		wantErr(t, err, warden.ENoSuchEntity, "SAMLProvider Corp-IdP not found.")
		wantErr(t, s.DeleteSAMLProvider(ctx, acct, arn), warden.ENoSuchEntity, "")
		wantErr(t, s.TagSAMLProvider(ctx, acct, arn, []warden.Tag{{Key: "a", Value: "b"}}), warden.ENoSuchEntity, "")
		_, err = s.ListSAMLProviderTags(ctx, acct, arn, warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")
	})

	RunWithStore(t, "accounts are separate", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		a, b := newAccount(t, s), newAccount(t, s)
		p, err := s.CreateSAMLProvider(ctx, a, warden.CreateSAMLProviderInput{Name: "idp", MetadataDocument: metadata("a")})
		noErr(t, err)
		// The same name may be used in another account.
		_, err = s.CreateSAMLProvider(ctx, b, warden.CreateSAMLProviderInput{Name: "idp", MetadataDocument: metadata("b")})
		noErr(t, err)
		noErr(t, s.DeleteSAMLProvider(ctx, b, "arn:aws:iam::"+b+":saml-provider/idp"))
		// An ARN of account A names nothing in account B.
		_, err = s.SAMLProvider(ctx, b, p.ARN)
		wantErr(t, err, warden.ENoSuchEntity, "")
		got, err := s.SAMLProvider(ctx, a, p.ARN)
		noErr(t, err)
		if got.MetadataDocument != metadata("a") {
			t.Fatalf("account A's provider = %+v", got)
		}
		for _, bad := range []string{"arn:aws:iam::" + a + ":role/idp", "arn:aws:iam::" + a + ":saml-provider/", "arn:aws:iam::" + a + ":saml-provider/a/b", "idp"} {
			_, err = s.SAMLProvider(ctx, a, bad)
			wantErr(t, err, warden.EInvalidInput, "")
		}
	})

	RunWithStore(t, "limits", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		for i := range warden.SAMLProvidersPerAccount {
			_, err := s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{Name: fmt.Sprintf("idp-%d", i), MetadataDocument: metadata("x")})
			noErr(t, err)
		}
		_, err := s.CreateSAMLProvider(ctx, acct, warden.CreateSAMLProviderInput{Name: "one-more", MetadataDocument: metadata("x")})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for SAMLProvidersPerAccount: 100")
		tags := make([]warden.Tag, 50)
		for i := range tags {
			tags[i] = warden.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
		}
		arn := warden.SAMLProviderARN(acct, "idp-0")
		noErr(t, s.TagSAMLProvider(ctx, acct, arn, tags))
		wantErr(t, s.TagSAMLProvider(ctx, acct, arn, []warden.Tag{{Key: "k50", Value: "v"}}), warden.ELimitExceeded,
			"Cannot exceed quota for TagsPerSAMLProvider: 50")
	})
}
