package healthapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// taggedDomain finds the domain a tagging request names by ARN. Of the
// public API's resources Connect Health tags domains only (the Service
// Authorization Reference lists the Domain resource type for its tagging
// actions); the console's are tagged through taggedConsole. A domain of another
// account or region is not looked up; authorizing its ARN, owned by
// another account, denies a caller its own policies cannot vouch for.
//
// Returns ValidationError for an ARN that names no domain.
func (a *API) taggedDomain(ctx context.Context, c *authz.Caller, arn string) (*domainRef, error) {
	r, err := warden.ParseHealthARN(arn)
	if err != nil {
		return nil, err
	}
	if r.Type != "" {
		return nil, warden.Errorf(warden.EValidationError, "Amazon Connect Health tags domains only; %s is a %s.", arn, r.Type)
	}
	if !scoped(c, r) {
		return &domainRef{target: target{arn: arn}, missing: notFound("Domain", r.DomainID)}, nil
	}
	ref, err := a.findDomain(ctx, c, r.DomainID)
	if err != nil {
		return nil, err
	}
	ref.target.arn = arn
	return ref, nil
}

func (a *API) tagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.TagResourceInput) (restjson.Output, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateHealthTags(tags); err != nil {
		return nil, err
	}
	if cref, err := a.taggedConsole(ctx, c, in.ResourceArn); cref != nil || err != nil {
		if err == nil {
			err = a.tagConsole(ctx, c, op, cref, tags)
		}
		return nil, err
	}
	ref, err := a.taggedDomain(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{RequestTags: tags}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	return nil, a.store.TagDomain(ctx, account(c), c.Region, ref.domain.ID, tags)
}

func (a *API) untagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UntagResourceInput) (restjson.Output, error) {
	if cref, err := a.taggedConsole(ctx, c, in.ResourceArn); cref != nil || err != nil {
		if err == nil {
			err = a.untagConsole(ctx, c, op, cref, in.TagKeys)
		}
		return nil, err
	}
	ref, err := a.taggedDomain(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{TagKeys: in.TagKeys}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	return nil, a.store.UntagDomain(ctx, account(c), c.Region, ref.domain.ID, in.TagKeys)
}

func (a *API) listTagsForResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListTagsForResourceInput) (*s.ListTagsForResourceOutput, error) {
	if cref, err := a.taggedConsole(ctx, c, in.ResourceArn); cref != nil || err != nil {
		if err != nil {
			return nil, err
		}
		return a.listConsoleTags(ctx, c, op, cref)
	}
	ref, err := a.taggedDomain(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	tags := tagsOut(ref.domain.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &s.ListTagsForResourceOutput{Tags: tags}, nil
}
