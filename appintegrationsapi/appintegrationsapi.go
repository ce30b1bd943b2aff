// Package appintegrationsapi implements the Amazon AppIntegrations event
// integration operations (create, get, list, update, delete) and tagging
// for authenticated callers. Each operation is authorized first, as
// app-integrations:ACTION on the event integration's ARN (ListEventIntegrations
// on "*", as the Service Authorization Reference lists no resource type for
// it), with the integration's tags as aws:ResourceTag and the request's as
// aws:RequestTag and aws:TagKeys; then it acts through the store.
//
// The restJson1 protocol is package restjson's; the shapes of the whole
// AppIntegrations model are generated into appintegrationsshapes, and the
// operations on applications and data integrations answer NotImplemented.
package appintegrationsapi

import (
	"context"
	"maps"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/appintegrationsapi/appintegrationsshapes"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/restjson"
)

// API serves AppIntegrations operations.
type API struct {
	store    warden.AppIntegrationsService
	authz    *authz.Authorizer
	handlers restjson.Handlers[*authz.Caller]
}

// New returns the AppIntegrations API over a store.
func New(store warden.AppIntegrationsService, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az, handlers: restjson.Handlers[*authz.Caller]{}}
	restjson.Register(a.handlers, "CreateEventIntegration", a.createEventIntegration)
	restjson.Register(a.handlers, "GetEventIntegration", a.getEventIntegration)
	restjson.Register(a.handlers, "ListEventIntegrations", a.listEventIntegrations)
	restjson.Register(a.handlers, "UpdateEventIntegration", a.updateEventIntegration)
	restjson.Register(a.handlers, "DeleteEventIntegration", a.deleteEventIntegration)
	restjson.Register(a.handlers, "TagResource", a.tagResource)
	restjson.Register(a.handlers, "UntagResource", a.untagResource)
	restjson.Register(a.handlers, "ListTagsForResource", a.listTagsForResource)
	return a
}

// Service is the AppIntegrations service description the restJson1
// runtime serves.
func (a *API) Service() *restjson.Service { return appintegrationsshapes.Service }

// Implemented reports whether Warden serves the operation.
func (a *API) Implemented(op string) bool {
	_, ok := a.handlers[op]
	return ok
}

// Handle runs one decoded operation for the caller.
//
// Returns NotImplemented for the operations on applications and data
// integrations, AccessDenied when the caller may not perform the
// operation, and the store's codes, which the service's error table names
// as AppIntegrations' exceptions (NoSuchEntity as
// ResourceNotFoundException, EntityAlreadyExists as
// DuplicateResourceException, …).
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (restjson.Output, error) {
	h, ok := a.handlers[op.Name]
	if !ok {
		return nil, warden.Errorf(warden.ENotImplemented, "Warden does not serve the Amazon AppIntegrations operation %s.", op.Name)
	}
	if c.Region == "" {
		// Event integrations live in the region the request was signed
		// for.
		return nil, warden.Errorf(warden.EValidationError, "The request names no region.")
	}
	return h(ctx, c, op, in)
}

func account(c *authz.Caller) string { return c.Principal.AccountID }

// target is the resource a request acts on, as authorization sees it.
type target struct {
	arn  string
	tags []warden.Tag
}

// authorize asks whether the caller may perform action on the target and
// turns a denial into AccessDenied (AccessDeniedException, HTTP 403).
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, call authz.Call, t target) error {
	call.Action, call.Resource, call.ResourceTags = action, t.arn, t.tags
	if a, err := warden.ParseARN(t.arn); err == nil {
		call.ResourceAccount = a.AccountID
	}
	d, err := a.authz.Authorize(ctx, c, &call)
	if err != nil {
		return err
	}
	return d.Err()
}

// tagsIn turns a request's tag map into tags sorted by key, the order in
// which aws:TagKeys lists them.
func tagsIn(m map[string]string) []warden.Tag {
	if len(m) == 0 {
		return nil
	}
	tags := make([]warden.Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, warden.Tag{Key: k, Value: m[k]})
	}
	return tags
}

// tagsOut turns tags into the API's map, nil for none.
func tagsOut(tags []warden.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
