package connectapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/connectapi/connectshapes"
	"github.com/warden-iam/warden/restjson"
)

// catalogType names the Service Authorization Reference's resource type
// of each type of ARN Warden keeps.
var catalogType = map[string]string{
	warden.ConnectTypeInstance:    typeInstance,
	warden.ConnectTypeUser:        typeUser,
	warden.ConnectTypePhoneNumber: typePhoneNumber,
}

// tagged is the resource a tagging request names by ARN.
type tagged struct {
	resource warden.ConnectResource
	request  request
	// missing is the NoSuchEntity to answer once the caller is
	// authorized.
	missing error
}

// findTagged looks up the resource a tagging request names, with its tags.
// A resource of another account or region is not looked up: authorizing
// its ARN, owned by another account, denies a caller its own policies
// cannot vouch for. So is a type Warden does not keep (queues, routing
// profiles, …): it is authorized by its ARN and then not found.
func (a *API) findTagged(ctx context.Context, c *authz.Caller, arn string) (*tagged, error) {
	r, err := warden.ParseConnectARN(arn)
	if err != nil {
		return nil, err
	}
	t := &tagged{resource: r, request: request{instanceID: r.InstanceID}}
	typ, kept := catalogType[r.Type]
	if !kept {
		typ = r.Type
		if r.Type == "agent-group" {
			typ = typeHierarchyGroup
		}
	}
	tgt := target{arn: arn}
	switch {
	case !kept || r.AccountID != account(c) || r.Region != c.Region:
		t.missing = warden.Errorf(warden.ENoSuchEntity, "Resource %s not found.", arn)
	default:
		tgt.tags, err = a.store.ConnectResourceTags(ctx, r)
		if warden.ErrorCode(err) == warden.ENoSuchEntity {
			t.missing, err = err, nil
		}
		if err != nil {
			return nil, err
		}
	}
	t.request.resources = map[string][]target{typ: {tgt}}
	return t, nil
}

func (a *API) tagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.TagResourceInput) (restjson.Output, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateConnectTags(tags); err != nil {
		return nil, err
	}
	t, err := a.findTagged(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.request.call = authz.Call{RequestTags: tags}
	if err := a.authorize(ctx, c, op.Action, t.request); err != nil {
		return nil, err
	}
	if t.missing != nil {
		return nil, t.missing
	}
	return nil, a.store.TagConnectResource(ctx, t.resource, tags)
}

func (a *API) untagResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UntagResourceInput) (restjson.Output, error) {
	t, err := a.findTagged(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.request.call = authz.Call{TagKeys: in.TagKeys}
	if err := a.authorize(ctx, c, op.Action, t.request); err != nil {
		return nil, err
	}
	if t.missing != nil {
		return nil, t.missing
	}
	return nil, a.store.UntagConnectResource(ctx, t.resource, in.TagKeys)
}

func (a *API) listTagsForResource(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListTagsForResourceInput) (*s.ListTagsForResourceOutput, error) {
	t, err := a.findTagged(ctx, c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, t.request); err != nil {
		return nil, err
	}
	if t.missing != nil {
		return nil, t.missing
	}
	tags := tagsOut(t.request.resources[catalogType[t.resource.Type]][0].tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &s.ListTagsForResourceOutput{Tags: tags}, nil
}
