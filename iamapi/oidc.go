package iamapi

import (
	"context"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// The IAM OpenID Connect providers that AssumeRoleWithWebIdentity trusts
// ("Create an OpenID Connect (OIDC) identity provider in IAM"). Each
// operation on an existing provider is authorized against its ARN and its
// tags (aws:ResourceTag/*); the tag operations and CreateOpenIDConnectProvider
// also with the tags they write.

func (a *API) registerOIDC() {
	register(a, "CreateOpenIDConnectProvider", a.createOpenIDConnectProvider)
	register(a, "GetOpenIDConnectProvider", a.getOpenIDConnectProvider)
	register(a, "ListOpenIDConnectProviders", a.listOpenIDConnectProviders)
	registerNoResult(a, "DeleteOpenIDConnectProvider", a.deleteOpenIDConnectProvider)
	registerNoResult(a, "AddClientIDToOpenIDConnectProvider", a.addClientIDToOpenIDConnectProvider)
	registerNoResult(a, "RemoveClientIDFromOpenIDConnectProvider", a.removeClientIDFromOpenIDConnectProvider)
	registerNoResult(a, "UpdateOpenIDConnectProviderThumbprint", a.updateOpenIDConnectProviderThumbprint)
	registerNoResult(a, "TagOpenIDConnectProvider", a.tagOpenIDConnectProvider)
	registerNoResult(a, "UntagOpenIDConnectProvider", a.untagOpenIDConnectProvider)
	register(a, "ListOpenIDConnectProviderTags", a.listOpenIDConnectProviderTags)
}

// authorizedIdentityProvider authorizes an operation on the OIDC or SAML
// provider an ARN names, with the provider's tags when it exists, and
// returns it. A provider that does not exist is reported only once the
// caller is allowed to ask, so that a denied caller learns nothing about
// which providers exist.
func authorizedIdentityProvider[P any](ctx context.Context, a *API, c *authz.Caller, action, arn string, call *authz.Call,
	lookup func(ctx context.Context, account, arn string) (*P, error), tags func(*P) []warden.Tag) (*P, error) {
	p, lookupErr := lookup(ctx, account(c), arn)
	if lookupErr != nil && warden.ErrorCode(lookupErr) != warden.ENoSuchEntity {
		return nil, lookupErr
	}
	if call == nil {
		call = &authz.Call{}
	}
	call.Action, call.Resource = action, arn
	if p != nil {
		call.ResourceTags = tags(p)
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	return p, lookupErr
}

// authorizedProvider is authorizedIdentityProvider for OIDC providers.
func (a *API) authorizedProvider(ctx context.Context, c *authz.Caller, action, arn string, call *authz.Call) (*warden.OpenIDConnectProvider, error) {
	return authorizedIdentityProvider(ctx, a, c, action, arn, call, a.store.OpenIDConnectProvider,
		func(p *warden.OpenIDConnectProvider) []warden.Tag { return p.Tags })
}

func (a *API) createOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.CreateOpenIDConnectProviderInput) (*s.CreateOpenIDConnectProviderOutput, error) {
	in2 := warden.CreateOpenIDConnectProviderInput{URL: in.Url, ClientIDs: in.ClientIDList, Thumbprints: in.ThumbprintList, Tags: tagsIn(in.Tags)}
	call := &authz.Call{Action: "iam:CreateOpenIDConnectProvider", Resource: warden.OIDCProviderARN(account(c), in.Url), RequestTags: in2.Tags}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	p, err := a.store.CreateOpenIDConnectProvider(ctx, account(c), in2)
	if err != nil {
		return nil, err
	}
	return &s.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: &p.ARN, Tags: tagsOut(p.Tags)}, nil
}

// getOpenIDConnectProvider shows the URL without its scheme, as IAM does.
func (a *API) getOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.GetOpenIDConnectProviderInput) (*s.GetOpenIDConnectProviderOutput, error) {
	p, err := a.authorizedProvider(ctx, c, "iam:GetOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil)
	if err != nil {
		return nil, err
	}
	return &s.GetOpenIDConnectProviderOutput{
		Url:            new(warden.OIDCProviderResource(p.URL)),
		ClientIDList:   slices.Clone(p.ClientIDs),
		ThumbprintList: slices.Clone(p.Thumbprints),
		CreateDate:     &p.CreateDate,
		Tags:           tagsOut(p.Tags),
	}, nil
}

func (a *API) listOpenIDConnectProviders(ctx context.Context, c *authz.Caller, _ *s.ListOpenIDConnectProvidersInput) (*s.ListOpenIDConnectProvidersOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListOpenIDConnectProviders", Resource: "*"}); err != nil {
		return nil, err
	}
	providers, err := a.store.ListOpenIDConnectProviders(ctx, account(c))
	if err != nil {
		return nil, err
	}
	out := &s.ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: make([]s.OpenIDConnectProviderListEntry, len(providers))}
	for i, p := range providers {
		out.OpenIDConnectProviderList[i].Arn = &p.ARN
	}
	return out, nil
}

func (a *API) deleteOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.DeleteOpenIDConnectProviderInput) error {
	if _, err := a.authorizedProvider(ctx, c, "iam:DeleteOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil); err != nil {
		return err
	}
	return a.store.DeleteOpenIDConnectProvider(ctx, account(c), in.OpenIDConnectProviderArn)
}

func (a *API) addClientIDToOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.AddClientIDToOpenIDConnectProviderInput) error {
	if _, err := a.authorizedProvider(ctx, c, "iam:AddClientIDToOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil); err != nil {
		return err
	}
	return a.store.AddClientIDToOpenIDConnectProvider(ctx, account(c), in.OpenIDConnectProviderArn, in.ClientID)
}

func (a *API) removeClientIDFromOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.RemoveClientIDFromOpenIDConnectProviderInput) error {
	if _, err := a.authorizedProvider(ctx, c, "iam:RemoveClientIDFromOpenIDConnectProvider", in.OpenIDConnectProviderArn, nil); err != nil {
		return err
	}
	return a.store.RemoveClientIDFromOpenIDConnectProvider(ctx, account(c), in.OpenIDConnectProviderArn, in.ClientID)
}

func (a *API) updateOpenIDConnectProviderThumbprint(ctx context.Context, c *authz.Caller, in *s.UpdateOpenIDConnectProviderThumbprintInput) error {
	if _, err := a.authorizedProvider(ctx, c, "iam:UpdateOpenIDConnectProviderThumbprint", in.OpenIDConnectProviderArn, nil); err != nil {
		return err
	}
	return a.store.UpdateOpenIDConnectProviderThumbprint(ctx, account(c), in.OpenIDConnectProviderArn, in.ThumbprintList)
}

func (a *API) tagOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.TagOpenIDConnectProviderInput) error {
	tags := tagsIn(in.Tags)
	if _, err := a.authorizedProvider(ctx, c, "iam:TagOpenIDConnectProvider", in.OpenIDConnectProviderArn, &authz.Call{RequestTags: tags}); err != nil {
		return err
	}
	return a.store.TagOpenIDConnectProvider(ctx, account(c), in.OpenIDConnectProviderArn, tags)
}

func (a *API) untagOpenIDConnectProvider(ctx context.Context, c *authz.Caller, in *s.UntagOpenIDConnectProviderInput) error {
	if _, err := a.authorizedProvider(ctx, c, "iam:UntagOpenIDConnectProvider", in.OpenIDConnectProviderArn, &authz.Call{TagKeys: in.TagKeys}); err != nil {
		return err
	}
	return a.store.UntagOpenIDConnectProvider(ctx, account(c), in.OpenIDConnectProviderArn, in.TagKeys)
}

func (a *API) listOpenIDConnectProviderTags(ctx context.Context, c *authz.Caller, in *s.ListOpenIDConnectProviderTagsInput) (*s.ListOpenIDConnectProviderTagsOutput, error) {
	if _, err := a.authorizedProvider(ctx, c, "iam:ListOpenIDConnectProviderTags", in.OpenIDConnectProviderArn, nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListOpenIDConnectProviderTags(ctx, account(c), in.OpenIDConnectProviderArn, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListOpenIDConnectProviderTagsOutput{Tags: make([]s.Tag, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for i, t := range page.Items {
		out.Tags[i] = s.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}
