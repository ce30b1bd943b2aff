package orgsapi

import (
	"context"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// Tagging of roots, OUs, accounts and policies. Each operation is
// authorized on the tagged resource with its current tags as
// aws:ResourceTag, and, as the Service Authorization Reference lists for
// TagResource and UntagResource, aws:RequestTag and aws:TagKeys for the
// tags the request names and organizations:PolicyType for policies.

func (a *API) registerTags() {
	registerNoResult(a, "TagResource", a.tagResource)
	registerNoResult(a, "UntagResource", a.untagResource)
	register(a, "ListTagsForResource", a.listTagsForResource)
}

// tagged resolves a resource ID to the resource authorization sees, and
// the policy type key when it is a policy. Any unknown ID is a
// TargetNotFoundException, the one not-found error of the tag operations.
func (a *API) tagged(ctx context.Context, c *authz.Caller, id string) (resource, map[string]string, error) {
	org, err := a.managed(ctx, c)
	if err != nil {
		return resource{}, nil, err
	}
	if !strings.HasPrefix(id, "p-") {
		r, err := a.node(ctx, org, id, nil)
		return r, nil, err
	}
	p, tags, err := a.store.OrganizationPolicy(ctx, org.ManagementAccountID, id)
	if warden.ErrorCode(err) == warden.EPolicyNotFound {
		return resource{}, nil, warden.ErrTargetNotFound()
	}
	if err != nil {
		return resource{}, nil, err
	}
	return resource{arn: p.ARN, tags: tags}, policyTypeKey(p.Type), nil
}

func (a *API) tagResource(ctx context.Context, c *authz.Caller, in *TagResourceInput) error {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateOrganizationTags(tags); err != nil {
		return err
	}
	r, keys, err := a.tagged(ctx, c, *in.ResourceId)
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, c, "TagResource", authz.Call{RequestTags: tags, Keys: keys}, r); err != nil {
		return err
	}
	return a.store.TagOrganizationResource(ctx, account(c), *in.ResourceId, tags)
}

func (a *API) untagResource(ctx context.Context, c *authz.Caller, in *UntagResourceInput) error {
	r, keys, err := a.tagged(ctx, c, *in.ResourceId)
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, c, "UntagResource", authz.Call{TagKeys: in.TagKeys, Keys: keys}, r); err != nil {
		return err
	}
	return a.store.UntagOrganizationResource(ctx, account(c), *in.ResourceId, in.TagKeys)
}

func (a *API) listTagsForResource(ctx context.Context, c *authz.Caller, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	r, keys, err := a.tagged(ctx, c, *in.ResourceId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListTagsForResource", authz.Call{Keys: keys}, r); err != nil {
		return nil, err
	}
	opts := warden.ListOptions{MaxItems: defaultResults}
	if in.NextToken != nil {
		opts.Marker = *in.NextToken
	}
	page, err := a.store.ListOrganizationResourceTags(ctx, account(c), *in.ResourceId, opts)
	if err != nil {
		return nil, err
	}
	out := &ListTagsForResourceOutput{Tags: make([]Tag, len(page.Items)), NextToken: nextToken(page)}
	for i, t := range page.Items {
		out.Tags[i] = Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

type TagResourceInput struct {
	ResourceId *string
	Tags       []Tag
}

type UntagResourceInput struct {
	ResourceId *string
	TagKeys    []string
}

type ListTagsForResourceInput struct {
	ResourceId *string
	NextToken  *string
}

type ListTagsForResourceOutput struct {
	Tags      []Tag
	NextToken *string `json:",omitempty"`
}
