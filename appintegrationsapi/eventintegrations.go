package appintegrationsapi

import (
	"context"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/appintegrationsapi/appintegrationsshapes"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/restjson"
)

// maxListResults is the largest page ListEventIntegrations returns, the
// model's bound on MaxResults, and its page size when none is asked for.
const maxListResults = 50

// integrationRef is an event integration a request names, looked up before
// the request is authorized: its tags are the request's aws:ResourceTag.
type integrationRef struct {
	integration *warden.EventIntegration // nil when there is none
	// missing is the NoSuchEntity to answer once the caller is
	// authorized: a caller without permission learns nothing of what
	// exists.
	missing error
	target  target
}

func (a *API) findIntegration(ctx context.Context, c *authz.Caller, name string) (*integrationRef, error) {
	ref := &integrationRef{target: target{arn: warden.EventIntegrationARN(c.Region, account(c), name)}}
	e, err := a.store.EventIntegration(ctx, account(c), c.Region, name)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.integration, ref.target.tags = e, e.Tags
	}
	return ref, nil
}

func (a *API) createEventIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateEventIntegrationInput) (*s.CreateEventIntegrationOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateAppIntegrationsTags(tags); err != nil {
		return nil, err
	}
	arn := warden.EventIntegrationARN(c.Region, account(c), in.Name)
	if err := a.authorize(ctx, c, op.Action, authz.Call{RequestTags: tags}, target{arn: arn}); err != nil {
		return nil, err
	}
	e, err := a.store.CreateEventIntegration(ctx, warden.CreateEventIntegrationInput{
		Name: in.Name, AccountID: account(c), Region: c.Region, Description: deref(in.Description), Source: in.EventFilter.Source,
		EventBridgeBus: in.EventBridgeBus, ClientToken: deref(in.ClientToken), Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	return &s.CreateEventIntegrationOutput{EventIntegrationArn: new(e.ARN())}, nil
}

func (a *API) getEventIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetEventIntegrationInput) (*s.GetEventIntegrationOutput, error) {
	ref, err := a.findIntegration(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	out := integrationOut(ref.integration)
	return &s.GetEventIntegrationOutput{
		Name: out.Name, Description: out.Description, EventIntegrationArn: out.EventIntegrationArn,
		EventBridgeBus: out.EventBridgeBus, EventFilter: out.EventFilter, Tags: out.Tags,
	}, nil
}

func (a *API) listEventIntegrations(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListEventIntegrationsInput) (*s.ListEventIntegrationsOutput, error) {
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, target{arn: "*"}); err != nil {
		return nil, err
	}
	opts := warden.ListOptions{Marker: deref(in.NextToken), MaxItems: maxListResults}
	if in.MaxResults != nil {
		opts.MaxItems = int(*in.MaxResults)
	}
	page, err := a.store.ListEventIntegrations(ctx, account(c), c.Region, opts)
	if err != nil {
		return nil, err
	}
	out := &s.ListEventIntegrationsOutput{EventIntegrations: make([]s.EventIntegration, len(page.Items))}
	for i, e := range page.Items {
		out.EventIntegrations[i] = integrationOut(e)
	}
	if page.IsTruncated {
		out.NextToken = new(page.Marker)
	}
	return out, nil
}

func (a *API) updateEventIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateEventIntegrationInput) (*s.UpdateEventIntegrationOutput, error) {
	ref, err := a.findIntegration(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	// Only the description can change; PATCH without it changes nothing.
	if in.Description != nil {
		if err := a.store.UpdateEventIntegration(ctx, account(c), c.Region, in.Name, *in.Description); err != nil {
			return nil, err
		}
	}
	return &s.UpdateEventIntegrationOutput{}, nil
}

func (a *API) deleteEventIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeleteEventIntegrationInput) (*s.DeleteEventIntegrationOutput, error) {
	ref, err := a.findIntegration(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	if err := a.store.DeleteEventIntegration(ctx, account(c), c.Region, in.Name); err != nil {
		return nil, err
	}
	return &s.DeleteEventIntegrationOutput{}, nil
}

// integrationOut is an event integration as the API describes it.
func integrationOut(e *warden.EventIntegration) s.EventIntegration {
	out := s.EventIntegration{
		EventIntegrationArn: new(e.ARN()), Name: new(e.Name), EventBridgeBus: new(e.EventBridgeBus),
		EventFilter: &s.EventFilter{Source: e.Source}, Tags: tagsOut(e.Tags),
	}
	if e.Description != "" {
		out.Description = new(e.Description)
	}
	return out
}
