package iamapi

import (
	"context"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/saml"
)

// The IAM SAML providers that AssumeRoleWithSAML trusts ("Create a SAML
// identity provider in IAM"). The metadata document is read when it is
// written, so that a provider always has an entity ID and a signing
// certificate. Each operation on an existing provider is authorized against
// its ARN and its tags (aws:ResourceTag/*); the tag operations and
// CreateSAMLProvider also with the tags they write.
//
// Warden verifies signed assertions but does not decrypt encrypted ones:
// AssertionEncryptionMode Required and the private keys that decryption
// needs are refused.

func (a *API) registerSAML() {
	register(a, "CreateSAMLProvider", a.createSAMLProvider)
	register(a, "GetSAMLProvider", a.getSAMLProvider)
	register(a, "ListSAMLProviders", a.listSAMLProviders)
	register(a, "UpdateSAMLProvider", a.updateSAMLProvider)
	registerNoResult(a, "DeleteSAMLProvider", a.deleteSAMLProvider)
	registerNoResult(a, "TagSAMLProvider", a.tagSAMLProvider)
	registerNoResult(a, "UntagSAMLProvider", a.untagSAMLProvider)
	register(a, "ListSAMLProviderTags", a.listSAMLProviderTags)
}

// authorizedSAMLProvider is authorizedIdentityProvider for SAML providers.
func (a *API) authorizedSAMLProvider(ctx context.Context, c *authz.Caller, action, arn string, call *authz.Call) (*warden.SAMLProvider, error) {
	return authorizedIdentityProvider(ctx, a, c, action, arn, call, a.store.SAMLProvider,
		func(p *warden.SAMLProvider) []warden.Tag { return p.Tags })
}

// checkEncryption refuses the encryption settings Warden cannot honour.
func checkEncryption(mode *s.AssertionEncryptionModeType, keys ...*string) error {
	if mode != nil && *mode == s.AssertionEncryptionModeTypeRequired {
		return warden.Errorf(warden.EInvalidInput, "Warden does not decrypt SAML assertions: AssertionEncryptionMode Required is not supported.")
	}
	for _, k := range keys {
		if k != nil {
			return warden.Errorf(warden.EInvalidInput, "Warden does not decrypt SAML assertions: private keys for SAML providers are not supported.")
		}
	}
	return nil
}

// samlMetadata checks a metadata document's length and form, and returns
// its validUntil.
func samlMetadata(doc string) (time.Time, error) {
	if err := warden.ValidateSAMLMetadataDocument(doc); err != nil {
		return time.Time{}, err
	}
	m, err := saml.ParseMetadata(doc)
	if err != nil {
		return time.Time{}, err
	}
	return m.ValidUntil, nil
}

func (a *API) createSAMLProvider(ctx context.Context, c *authz.Caller, in *s.CreateSAMLProviderInput) (*s.CreateSAMLProviderOutput, error) {
	in2 := warden.CreateSAMLProviderInput{Name: in.Name, MetadataDocument: in.SAMLMetadataDocument, Tags: tagsIn(in.Tags)}
	call := &authz.Call{Action: "iam:CreateSAMLProvider", Resource: warden.SAMLProviderARN(account(c), in.Name), RequestTags: in2.Tags}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	if err := checkEncryption(in.AssertionEncryptionMode, in.AddPrivateKey); err != nil {
		return nil, err
	}
	if err := in2.Validate(); err != nil {
		return nil, err
	}
	validUntil, err := samlMetadata(in.SAMLMetadataDocument)
	if err != nil {
		return nil, err
	}
	in2.ValidUntil = validUntil
	p, err := a.store.CreateSAMLProvider(ctx, account(c), in2)
	if err != nil {
		return nil, err
	}
	return &s.CreateSAMLProviderOutput{SAMLProviderArn: &p.ARN, Tags: tagsOut(p.Tags)}, nil
}

func validUntilOut(p *warden.SAMLProvider) *time.Time {
	if p.ValidUntil.IsZero() {
		return nil
	}
	return &p.ValidUntil
}

func (a *API) getSAMLProvider(ctx context.Context, c *authz.Caller, in *s.GetSAMLProviderInput) (*s.GetSAMLProviderOutput, error) {
	p, err := a.authorizedSAMLProvider(ctx, c, "iam:GetSAMLProvider", in.SAMLProviderArn, nil)
	if err != nil {
		return nil, err
	}
	return &s.GetSAMLProviderOutput{
		SAMLProviderUUID:     &p.UUID,
		SAMLMetadataDocument: &p.MetadataDocument,
		CreateDate:           &p.CreateDate,
		ValidUntil:           validUntilOut(p),
		Tags:                 tagsOut(p.Tags),
	}, nil
}

func (a *API) listSAMLProviders(ctx context.Context, c *authz.Caller, _ *s.ListSAMLProvidersInput) (*s.ListSAMLProvidersOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListSAMLProviders", Resource: "*"}); err != nil {
		return nil, err
	}
	providers, err := a.store.ListSAMLProviders(ctx, account(c))
	if err != nil {
		return nil, err
	}
	out := &s.ListSAMLProvidersOutput{SAMLProviderList: make([]s.SAMLProviderListEntry, len(providers))}
	for i, p := range providers {
		out.SAMLProviderList[i] = s.SAMLProviderListEntry{Arn: &p.ARN, CreateDate: &p.CreateDate, ValidUntil: validUntilOut(p)}
	}
	return out, nil
}

// updateSAMLProvider replaces the metadata document; without one it only
// confirms that the provider exists.
func (a *API) updateSAMLProvider(ctx context.Context, c *authz.Caller, in *s.UpdateSAMLProviderInput) (*s.UpdateSAMLProviderOutput, error) {
	p, err := a.authorizedSAMLProvider(ctx, c, "iam:UpdateSAMLProvider", in.SAMLProviderArn, nil)
	if err != nil {
		return nil, err
	}
	if err := checkEncryption(in.AssertionEncryptionMode, in.AddPrivateKey, in.RemovePrivateKey); err != nil {
		return nil, err
	}
	if in.SAMLMetadataDocument != nil {
		validUntil, err := samlMetadata(*in.SAMLMetadataDocument)
		if err != nil {
			return nil, err
		}
		if err := a.store.UpdateSAMLProvider(ctx, account(c), in.SAMLProviderArn, *in.SAMLMetadataDocument, validUntil); err != nil {
			return nil, err
		}
	}
	return &s.UpdateSAMLProviderOutput{SAMLProviderArn: &p.ARN}, nil
}

func (a *API) deleteSAMLProvider(ctx context.Context, c *authz.Caller, in *s.DeleteSAMLProviderInput) error {
	if _, err := a.authorizedSAMLProvider(ctx, c, "iam:DeleteSAMLProvider", in.SAMLProviderArn, nil); err != nil {
		return err
	}
	return a.store.DeleteSAMLProvider(ctx, account(c), in.SAMLProviderArn)
}

func (a *API) tagSAMLProvider(ctx context.Context, c *authz.Caller, in *s.TagSAMLProviderInput) error {
	tags := tagsIn(in.Tags)
	if _, err := a.authorizedSAMLProvider(ctx, c, "iam:TagSAMLProvider", in.SAMLProviderArn, &authz.Call{RequestTags: tags}); err != nil {
		return err
	}
	return a.store.TagSAMLProvider(ctx, account(c), in.SAMLProviderArn, tags)
}

func (a *API) untagSAMLProvider(ctx context.Context, c *authz.Caller, in *s.UntagSAMLProviderInput) error {
	if _, err := a.authorizedSAMLProvider(ctx, c, "iam:UntagSAMLProvider", in.SAMLProviderArn, &authz.Call{TagKeys: in.TagKeys}); err != nil {
		return err
	}
	return a.store.UntagSAMLProvider(ctx, account(c), in.SAMLProviderArn, in.TagKeys)
}

func (a *API) listSAMLProviderTags(ctx context.Context, c *authz.Caller, in *s.ListSAMLProviderTagsInput) (*s.ListSAMLProviderTagsOutput, error) {
	if _, err := a.authorizedSAMLProvider(ctx, c, "iam:ListSAMLProviderTags", in.SAMLProviderArn, nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListSAMLProviderTags(ctx, account(c), in.SAMLProviderArn, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListSAMLProviderTagsOutput{Tags: make([]s.Tag, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for i, t := range page.Items {
		out.Tags[i] = s.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}
