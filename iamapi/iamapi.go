// Package iamapi implements the IAM API's operations for authenticated
// callers: each operation names the IAM action, resource ARN and condition
// keys it is authorized with, asks the authorizer, and then acts through the
// store. Decoding, encoding and error documents belong to awsquery; the
// input and output shapes are generated into iamshapes.
package iamapi

import (
	"context"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
)

// API serves IAM operations.
type API struct {
	store    warden.Store
	authz    *authz.Authorizer
	now      func() time.Time
	handlers awsquery.Handlers[*authz.Caller]
}

// New returns the IAM API over a store.
func New(store warden.Store, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az, now: time.Now, handlers: awsquery.Handlers[*authz.Caller]{}}
	a.registerUsers()
	a.registerSimulator()
	a.registerGroups()
	a.registerRoles()
	a.registerOIDC()
	a.registerSAML()
	a.registerInlinePolicies()
	a.registerAttachments()
	a.registerPolicies()
	a.registerAccessKeys()
	a.registerLoginProfiles()
	a.registerMFA()
	a.registerAccount()
	return a
}

// Service is the IAM service description the Query runtime serves.
func (a *API) Service() *awsquery.Service { return iamshapes.Service }

// Implemented reports whether Warden serves the operation.
func (a *API) Implemented(op string) bool {
	_, ok := a.handlers[op]
	return ok
}

// Handle runs one decoded operation for the caller.
//
// Returns NotImplemented for operations Warden does not serve, AccessDenied
// when the caller may not perform the operation, and the codes of the
// store method behind the operation.
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *awsquery.Operation, in awsquery.Input) (awsquery.Output, error) {
	return a.handlers.Handle(ctx, c, op, in)
}

// register adds an operation with a result.
func register[I awsquery.Input, O awsquery.Output](a *API, name string, fn func(context.Context, *authz.Caller, I) (O, error)) {
	awsquery.Register(a.handlers, name, fn)
}

// registerNoResult adds an operation whose response carries no result.
func registerNoResult[I awsquery.Input](a *API, name string, fn func(context.Context, *authz.Caller, I) error) {
	awsquery.RegisterNoResult(a.handlers, name, fn)
}

// authorize asks whether the caller may make the call and turns a denial
// into AccessDenied.
func (a *API) authorize(ctx context.Context, c *authz.Caller, call *authz.Call) error {
	d, err := a.authz.Authorize(ctx, c, call)
	if err != nil {
		return err
	}
	return d.Err()
}

// account is the account every IAM operation of the caller acts in.
func account(c *authz.Caller) string { return c.Principal.AccountID }

// deref returns the value of an optional string member, or def.
func deref(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}

func listOptions(pathPrefix, marker *string, maxItems *int32) warden.ListOptions {
	opts := warden.ListOptions{PathPrefix: deref(pathPrefix, ""), Marker: deref(marker, "")}
	if maxItems != nil {
		opts.MaxItems = int(*maxItems)
	}
	return opts
}

// marker returns the Marker member of a page: present only when truncated.
func marker[T any](p *warden.Page[T]) *string {
	if !p.IsTruncated {
		return nil
	}
	return &p.Marker
}

func tagsIn(tags []iamshapes.Tag) []warden.Tag {
	out := make([]warden.Tag, len(tags))
	for i, t := range tags {
		out[i] = warden.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func tagsOut(tags []warden.Tag) []iamshapes.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]iamshapes.Tag, len(tags))
	for i, t := range tags {
		out[i] = iamshapes.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// iamResourceTags returns the condition values for an IAM resource's tags,
// which IAM exposes both as aws:ResourceTag/* and iam:ResourceTag/*
// (Service Authorization Reference, IAM condition keys).
func resourceTagKeys(call *authz.Call, tags []warden.Tag) {
	call.ResourceTags = tags
	if len(tags) == 0 {
		return
	}
	if call.Keys == nil {
		call.Keys = map[string]string{}
	}
	for _, t := range tags {
		call.Keys["iam:ResourceTag/"+t.Key] = t.Value
	}
}
