package appintegrationsapi

import (
	"context"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/appintegrationsapi/appintegrationsshapes"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/restjson"
)

// taggedIntegration finds the event integration a tagging request names by
// ARN. Warden keeps event integrations only, so an ARN of another
// AppIntegrations resource type (application, data-integration, …) is not
// found. An integration of another account or region is not looked up;
// authorizing its ARN, owned by another account, denies a caller its own
// policies cannot vouch for.
//
// Returns ValidationError for an ARN that names no AppIntegrations
// resource.
func (a *API) taggedIntegration(ctx context.Context, c *authz.Caller, arn string) (*integrationRef, error) {
	r, err := warden.ParseAppIntegrationsARN(arn)
	if err != nil {
		return nil, err
	}
	if r.Type != "event-integration" || r.AccountID != account(c) || r.Region != c.Region {
		return &integrationRef{target: target{arn: arn}, missing: warden.Errorf(warden.ENoSuchEntity, "Resource %s not found.", arn)}, nil
	}
	ref, err := a.findIntegration(ctx, c, r.Name)
	if err != nil {
		return nil, err
	}
	ref.target.arn = arn
	return ref, nil
}

func (a *API) tagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.TagResourceInput) (*s.TagResourceOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateAppIntegrationsTags(tags); err != nil {
		return nil, err
	}
	ref, err := a.taggedIntegration(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{RequestTags: tags}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	if err := a.store.TagEventIntegration(ctx, account(c), c.Region, ref.integration.Name, tags); err != nil {
		return nil, err
	}
	return &s.TagResourceOutput{}, nil
}

func (a *API) untagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UntagResourceInput) (*s.UntagResourceOutput, error) {
	ref, err := a.taggedIntegration(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{TagKeys: in.TagKeys}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	if err := a.store.UntagEventIntegration(ctx, account(c), c.Region, ref.integration.Name, in.TagKeys); err != nil {
		return nil, err
	}
	return &s.UntagResourceOutput{}, nil
}

func (a *API) listTagsForResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListTagsForResourceInput) (*s.ListTagsForResourceOutput, error) {
	ref, err := a.taggedIntegration(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	tags := tagsOut(ref.integration.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &s.ListTagsForResourceOutput{Tags: tags}, nil
}
