package healthapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// taggedRef is the resource a tagging request names by ARN, looked up
// (with its tags) before the request is authorized: a domain, or a console
// resource (agent, integration, agent session; package consoleapi). One
// TagResource, UntagResource and ListTagsForResource serves every Connect
// Health resource that has tags of its own, each authorized on the
// resource's ARN with its own tags as aws:ResourceTag.
type taggedRef struct {
	target target
	// missing is the NoSuchEntity to answer once the caller is
	// authorized: a caller without permission learns nothing of what
	// exists.
	missing error
	// tag and untag change the resource's tags in the store.
	tag   func(context.Context, []warden.Tag) error
	untag func(context.Context, []string) error
}

// tagged finds the resource a tagging request names. Of the public API's
// resources Connect Health tags domains only (the Service Authorization
// Reference lists the Domain resource type for its tagging actions). A
// resource of another account or region is not looked up; authorizing
// its ARN, owned by another account, denies a caller its own policies
// cannot vouch for.
//
// Returns ValidationError for an ARN that names neither a domain nor a
// console resource.
func (a *API) tagged(ctx context.Context, c *authz.Caller, arn string) (*taggedRef, error) {
	if r, err := warden.ParseConsoleARN(arn); err == nil {
		return a.taggedConsole(ctx, c, arn, r)
	}
	r, err := warden.ParseHealthARN(arn)
	if err != nil {
		return nil, err
	}
	if r.Type != "" {
		return nil, warden.Errorf(warden.EValidationError, "Amazon Connect Health tags domains only; %s is a %s.", arn, r.Type)
	}
	ref := &taggedRef{target: target{arn: arn}}
	if !scoped(c, r) {
		ref.missing = notFound("Domain", r.DomainID)
		return ref, nil
	}
	d, err := a.findDomain(ctx, c, r.DomainID)
	if err != nil {
		return nil, err
	}
	ref.target.tags, ref.missing = d.target.tags, d.missing
	ref.tag = func(ctx context.Context, tags []warden.Tag) error {
		return a.store.TagDomain(ctx, account(c), c.Region, r.DomainID, tags)
	}
	ref.untag = func(ctx context.Context, keys []string) error {
		return a.store.UntagDomain(ctx, account(c), c.Region, r.DomainID, keys)
	}
	return ref, nil
}

func (a *API) taggedConsole(ctx context.Context, c *authz.Caller, arn string, r warden.HealthResource) (*taggedRef, error) {
	ref := &taggedRef{target: target{arn: arn}}
	if !scoped(c, r) {
		ref.missing = notFound(r.Type, r.ID)
		return ref, nil
	}
	kind := warden.ConsoleKind(r.Type)
	tags, err := a.store.ConsoleResourceTags(ctx, account(c), c.Region, r.DomainID, kind, r.ID)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.target.tags = tags
	}
	ref.tag = func(ctx context.Context, tags []warden.Tag) error {
		return a.store.TagConsoleResource(ctx, account(c), c.Region, r.DomainID, kind, r.ID, tags)
	}
	ref.untag = func(ctx context.Context, keys []string) error {
		return a.store.UntagConsoleResource(ctx, account(c), c.Region, r.DomainID, kind, r.ID, keys)
	}
	return ref, nil
}

// authorizeTagged finds the resource a tagging request names and
// authorizes the operation on it; only then is a resource that does not
// exist answered NoSuchEntity.
func (a *API) authorizeTagged(ctx context.Context, c *authz.Caller, op *restjson.Operation, arn string, call authz.Call) (*taggedRef, error) {
	ref, err := a.tagged(ctx, c, arn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, call, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	return ref, nil
}

func (a *API) tagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.TagResourceInput) (restjson.Output, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateHealthTags(tags); err != nil {
		return nil, err
	}
	ref, err := a.authorizeTagged(ctx, c, op, in.ResourceArn, authz.Call{RequestTags: tags})
	if err != nil {
		return nil, err
	}
	return nil, ref.tag(ctx, tags)
}

func (a *API) untagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UntagResourceInput) (restjson.Output, error) {
	ref, err := a.authorizeTagged(ctx, c, op, in.ResourceArn, authz.Call{TagKeys: in.TagKeys})
	if err != nil {
		return nil, err
	}
	return nil, ref.untag(ctx, in.TagKeys)
}

func (a *API) listTagsForResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListTagsForResourceInput) (*s.ListTagsForResourceOutput, error) {
	ref, err := a.authorizeTagged(ctx, c, op, in.ResourceArn, authz.Call{})
	if err != nil {
		return nil, err
	}
	tags := tagsOut(ref.target.tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &s.ListTagsForResourceOutput{Tags: tags}, nil
}
