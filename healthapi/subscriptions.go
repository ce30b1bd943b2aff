package healthapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// subscriptionRef is a subscription a request names, looked up with its
// domain before the request is authorized.
type subscriptionRef struct {
	domain       *domainRef
	subscription *warden.Subscription // nil when there is none
	missing      error
	target       target
}

func (a *API) findSubscription(ctx context.Context, c *authz.Caller, domainID, id string) (*subscriptionRef, error) {
	dom, err := a.findDomain(ctx, c, domainID)
	if err != nil {
		return nil, err
	}
	ref := &subscriptionRef{domain: dom, missing: dom.missing,
		target: target{arn: warden.SubscriptionARN(c.Region, account(c), domainID, id), tags: dom.target.tags}}
	if dom.missing != nil {
		return ref, nil
	}
	sub, err := a.store.Subscription(ctx, account(c), c.Region, domainID, id)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.subscription = sub
	}
	return ref, nil
}

// authorizeSubscription authorizes an operation on a subscription, which
// the Service Authorization Reference lists with two required resources:
// the domain and the subscription.
func (a *API) authorizeSubscription(ctx context.Context, c *authz.Caller, op *restjson.Operation, ref *subscriptionRef) error {
	return a.authorize(ctx, c, op.Action, authz.Call{}, ref.domain.target, ref.target)
}

func (a *API) createSubscription(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateSubscriptionInput) (*s.CreateSubscriptionOutput, error) {
	dom, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	id := warden.NewSubscriptionID()
	sub := target{arn: warden.SubscriptionARN(c.Region, account(c), in.DomainId, id), tags: dom.target.tags}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, dom.target, sub); err != nil {
		return nil, err
	}
	if err := dom.active(); err != nil {
		return nil, err
	}
	created, err := a.store.CreateSubscription(ctx, warden.CreateSubscriptionInput{ID: id, DomainID: in.DomainId, AccountID: account(c), Region: c.Region})
	if err != nil {
		return nil, err
	}
	out := subscriptionOut(created)
	return &s.CreateSubscriptionOutput{
		DomainId: out.DomainId, SubscriptionId: out.SubscriptionId, Arn: out.Arn, Status: out.Status,
		CreatedAt: out.CreatedAt, LastUpdatedAt: out.LastUpdatedAt, ActivatedAt: out.ActivatedAt, DeactivatedAt: out.DeactivatedAt,
	}, nil
}

func (a *API) getSubscription(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetSubscriptionInput) (*s.GetSubscriptionOutput, error) {
	ref, err := a.findSubscription(ctx, c, in.DomainId, in.SubscriptionId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeSubscription(ctx, c, op, ref); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	return &s.GetSubscriptionOutput{Subscription: subscriptionOut(ref.subscription)}, nil
}

func (a *API) listSubscriptions(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListSubscriptionsInput) (*s.ListSubscriptionsOutput, error) {
	dom, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, dom.target); err != nil {
		return nil, err
	}
	if dom.missing != nil {
		return nil, dom.missing
	}
	page, err := a.store.ListSubscriptions(ctx, account(c), c.Region, in.DomainId, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListSubscriptionsOutput{Subscriptions: make([]s.SubscriptionDescription, len(page.Items)), NextToken: nextToken(page)}
	for i, sub := range page.Items {
		out.Subscriptions[i] = *subscriptionOut(sub)
	}
	return out, nil
}

func (a *API) activateSubscription(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ActivateSubscriptionInput) (*s.ActivateSubscriptionOutput, error) {
	sub, err := a.setSubscriptionStatus(ctx, c, op, in.DomainId, in.SubscriptionId, warden.SubscriptionActive)
	if err != nil {
		return nil, err
	}
	return &s.ActivateSubscriptionOutput{Subscription: sub}, nil
}

func (a *API) deactivateSubscription(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeactivateSubscriptionInput) (*s.DeactivateSubscriptionOutput, error) {
	sub, err := a.setSubscriptionStatus(ctx, c, op, in.DomainId, in.SubscriptionId, warden.SubscriptionInactive)
	if err != nil {
		return nil, err
	}
	return &s.DeactivateSubscriptionOutput{Subscription: sub}, nil
}

func (a *API) setSubscriptionStatus(ctx context.Context, c *authz.Caller, op *restjson.Operation, domainID, id string, status warden.SubscriptionStatus) (*s.SubscriptionDescription, error) {
	ref, err := a.findSubscription(ctx, c, domainID, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeSubscription(ctx, c, op, ref); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	sub, err := a.store.SetSubscriptionStatus(ctx, account(c), c.Region, domainID, id, status)
	if err != nil {
		return nil, err
	}
	return subscriptionOut(sub), nil
}

func subscriptionOut(sub *warden.Subscription) *s.SubscriptionDescription {
	out := &s.SubscriptionDescription{
		DomainId: sub.DomainID, SubscriptionId: sub.ID, Arn: sub.ARN(), Status: s.SubscriptionStatus(sub.Status),
		CreatedAt: sub.CreatedAt, LastUpdatedAt: sub.LastUpdatedAt,
	}
	if !sub.ActivatedAt.IsZero() {
		out.ActivatedAt = new(sub.ActivatedAt)
	}
	if !sub.DeactivatedAt.IsZero() {
		out.DeactivatedAt = new(sub.DeactivatedAt)
	}
	return out
}
