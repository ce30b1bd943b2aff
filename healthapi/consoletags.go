package healthapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// Tagging the console resources (agents, integrations, agent sessions;
// package consoleapi): one TagResource, UntagResource and
// ListTagsForResource serves every Connect Health resource that has tags
// of its own. Each is authorized on the resource's ARN with its own tags
// as aws:ResourceTag.

// consoleRef is a console resource a tagging request names by ARN.
type consoleRef struct {
	r       warden.HealthResource
	target  target
	missing error
}

// taggedConsole looks up the console resource an ARN names, or returns
// nil when the ARN names none (a domain, or not a Connect Health ARN).
// One of another account or region is not looked up, as for domains.
func (a *API) taggedConsole(ctx context.Context, c *authz.Caller, arn string) (*consoleRef, error) {
	r, err := warden.ParseConsoleARN(arn)
	if err != nil {
		return nil, nil
	}
	ref := &consoleRef{r: r, target: target{arn: arn}}
	if !scoped(c, r) {
		ref.missing = notFound(r.Type, r.ID)
		return ref, nil
	}
	tags, err := a.store.ConsoleResourceTags(ctx, account(c), c.Region, r.DomainID, warden.ConsoleKind(r.Type), r.ID)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.target.tags = tags
	}
	return ref, nil
}

func (a *API) tagConsole(ctx context.Context, c *authz.Caller, op *restjson.Operation, ref *consoleRef, tags []warden.Tag) error {
	if err := a.authorize(ctx, c, op.Action, authz.Call{RequestTags: tags}, ref.target); err != nil {
		return err
	}
	if ref.missing != nil {
		return ref.missing
	}
	return a.store.TagConsoleResource(ctx, account(c), c.Region, ref.r.DomainID, warden.ConsoleKind(ref.r.Type), ref.r.ID, tags)
}

func (a *API) untagConsole(ctx context.Context, c *authz.Caller, op *restjson.Operation, ref *consoleRef, keys []string) error {
	if err := a.authorize(ctx, c, op.Action, authz.Call{TagKeys: keys}, ref.target); err != nil {
		return err
	}
	if ref.missing != nil {
		return ref.missing
	}
	return a.store.UntagConsoleResource(ctx, account(c), c.Region, ref.r.DomainID, warden.ConsoleKind(ref.r.Type), ref.r.ID, keys)
}

func (a *API) listConsoleTags(ctx context.Context, c *authz.Caller, op *restjson.Operation, ref *consoleRef) (*s.ListTagsForResourceOutput, error) {
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	tags := tagsOut(ref.target.tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &s.ListTagsForResourceOutput{Tags: tags}, nil
}
