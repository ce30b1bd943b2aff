package sqlstore_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
)

const thumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

func TestOpenIDConnectProviders(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		p, err := s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{
			URL: "https://idp.example.test/tenant", ClientIDs: []string{"app", "sts.amazonaws.com", "app"},
			Thumbprints: []string{thumbprint}, Tags: []warden.Tag{{Key: "team", Value: "id"}},
		})
		noErr(t, err)
		arn := "arn:aws:iam::" + acct + ":oidc-provider/idp.example.test/tenant"
		if p.ARN != arn || p.URL != "https://idp.example.test/tenant" || !slices.Equal(p.ClientIDs, []string{"app", "sts.amazonaws.com"}) ||
			!slices.Equal(p.Thumbprints, []string{thumbprint}) || names(p.Tags, tagString) != "team=id" {
			t.Fatalf("CreateOpenIDConnectProvider = %+v", p)
		}
		recent(t, "CreateDate", p.CreateDate)

		got, err := s.OpenIDConnectProvider(ctx, acct, arn)
		noErr(t, err)
		if got.ARN != arn || !slices.Equal(got.ClientIDs, p.ClientIDs) || names(got.Tags, tagString) != "team=id" || !got.CreateDate.Equal(p.CreateDate) {
			t.Fatalf("OpenIDConnectProvider = %+v", got)
		}

		_, err = s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://idp.example.test/tenant"})
		wantErr(t, err, warden.EEntityAlreadyExists, "Provider with url https://idp.example.test/tenant already exists.")
		_, err = s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "http://idp.example.test"})
		wantErr(t, err, warden.EInvalidInput, "")
		_, err = s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", Thumbprints: []string{"abc"}})
		wantErr(t, err, warden.EValidationError, "")

		// Client IDs: adding one present, or removing one absent, changes
		// nothing.
		noErr(t, s.AddClientIDToOpenIDConnectProvider(ctx, acct, arn, "mobile"))
		noErr(t, s.AddClientIDToOpenIDConnectProvider(ctx, acct, arn, "app"))
		noErr(t, s.RemoveClientIDFromOpenIDConnectProvider(ctx, acct, arn, "sts.amazonaws.com"))
		noErr(t, s.RemoveClientIDFromOpenIDConnectProvider(ctx, acct, arn, "never-added"))
		got, err = s.OpenIDConnectProvider(ctx, acct, arn)
		noErr(t, err)
		if !slices.Equal(got.ClientIDs, []string{"app", "mobile"}) {
			t.Fatalf("client IDs = %q", got.ClientIDs)
		}

		other := strings.ToUpper(thumbprint)
		noErr(t, s.UpdateOpenIDConnectProviderThumbprint(ctx, acct, arn, []string{other, thumbprint}))
		// Keys of OIDC providers are case-sensitive, as on managed policies.
		noErr(t, s.TagOpenIDConnectProvider(ctx, acct, arn, []warden.Tag{{Key: "Team", Value: "x"}}))
		noErr(t, s.TagOpenIDConnectProvider(ctx, acct, arn, []warden.Tag{{Key: "team", Value: "security"}}))
		got, err = s.OpenIDConnectProvider(ctx, acct, arn)
		noErr(t, err)
		if names(got.Tags, tagString) != "Team=x,team=security" {
			t.Fatalf("tags = %v", names(got.Tags, tagString))
		}
		err = s.TagOpenIDConnectProvider(ctx, acct, arn, []warden.Tag{{Key: "a", Value: "1"}, {Key: "A", Value: "2"}})
		wantErr(t, err, warden.EInvalidInput, "")
		noErr(t, s.UntagOpenIDConnectProvider(ctx, acct, arn, []string{"Team"}))
		got, err = s.OpenIDConnectProvider(ctx, acct, arn)
		noErr(t, err)
		if !slices.Equal(got.Thumbprints, []string{other, thumbprint}) || names(got.Tags, tagString) != "team=security" {
			t.Fatalf("after updates: %+v", got)
		}
		page, err := s.ListOpenIDConnectProviderTags(ctx, acct, arn, warden.ListOptions{})
		noErr(t, err)
		if names(page.Items, tagString) != "team=security" || page.IsTruncated {
			t.Fatalf("ListOpenIDConnectProviderTags = %+v", page)
		}

		_, err = s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://accounts.example.test"})
		noErr(t, err)
		list, err := s.ListOpenIDConnectProviders(ctx, acct)
		noErr(t, err)
		if names(list, func(p *warden.OpenIDConnectProvider) string { return p.URL }) != "https://accounts.example.test,https://idp.example.test/tenant" {
			t.Fatalf("ListOpenIDConnectProviders = %v", names(list, func(p *warden.OpenIDConnectProvider) string { return p.ARN }))
		}

		noErr(t, s.DeleteOpenIDConnectProvider(ctx, acct, arn))
		_, err = s.OpenIDConnectProvider(ctx, acct, arn)
		wantErr(t, err, warden.ENoSuchEntity, "OpenIDConnect Provider not found for arn "+arn)
		wantErr(t, s.DeleteOpenIDConnectProvider(ctx, acct, arn), warden.ENoSuchEntity, "")
		wantErr(t, s.AddClientIDToOpenIDConnectProvider(ctx, acct, arn, "x"), warden.ENoSuchEntity, "")
	})

	RunWithStore(t, "accounts are separate", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		a, b := newAccount(t, s), newAccount(t, s)
		p, err := s.CreateOpenIDConnectProvider(ctx, a, warden.CreateOpenIDConnectProviderInput{URL: "https://idp.example.test"})
		noErr(t, err)
		// The same URL may be registered in another account.
		_, err = s.CreateOpenIDConnectProvider(ctx, b, warden.CreateOpenIDConnectProviderInput{URL: "https://idp.example.test"})
		noErr(t, err)
		noErr(t, s.DeleteOpenIDConnectProvider(ctx, b, "arn:aws:iam::"+b+":oidc-provider/idp.example.test"))
		// An ARN of account A names nothing in account B.
		_, err = s.OpenIDConnectProvider(ctx, b, p.ARN)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.OpenIDConnectProvider(ctx, a, p.ARN)
		noErr(t, err)
		_, err = s.OpenIDConnectProvider(ctx, a, "arn:aws:iam::"+a+":role/idp.example.test")
		wantErr(t, err, warden.EInvalidInput, "")
	})

	RunWithStore(t, "limits", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		ids := make([]string, warden.OIDCClientIDsPerProvider)
		for i := range ids {
			ids[i] = "client-" + strings.Repeat("x", i)
		}
		p, err := s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://idp.example.test", ClientIDs: ids})
		noErr(t, err)
		wantErr(t, s.AddClientIDToOpenIDConnectProvider(ctx, acct, p.ARN, "one-more"), warden.ELimitExceeded,
			"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
		_, err = s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://other.example.test", ClientIDs: append(ids, "one-more")})
		wantErr(t, err, warden.ELimitExceeded, "")
		for i := 1; i < warden.OIDCProvidersPerAccount; i++ {
			_, err := s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://idp.example.test/" + strings.Repeat("p", i)})
			noErr(t, err)
		}
		_, err = s.CreateOpenIDConnectProvider(ctx, acct, warden.CreateOpenIDConnectProviderInput{URL: "https://one-more.example.test"})
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100")
	})
}
