// Package consoleapi serves Warden's API for the Amazon Connect Health
// resources AWS manages only in its console: patient-engagement agents
// with versions, EHR integrations, agent sessions, and the listing of a
// domain's medical scribe listening sessions. IAM defines their actions
// ("permission only" in the Service Authorization Reference) and resource
// types, but AWS publishes no API, so Warden defines one in a Smithy model
// (model/warden-healthconsole.json, restJson1, signing name health-agent,
// on the same endpoint as the public Connect Health API) and authorizes
// each operation exactly as IAM describes it: health-agent:ACTION on every
// resource type the action requires (CreateSession: the agent, the domain
// and the new session), with each resource's own tags as aws:ResourceTag,
// the request's tags as aws:RequestTag and aws:TagKeys, and
// health-agent:TagResource on the new resource when a create carries tags.
//
// Tagging these resources goes through the public API's TagResource,
// UntagResource and ListTagsForResource (package healthapi), which take
// any Connect Health ARN.
package consoleapi

import (
	"context"
	"maps"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/consoleapi/consoleshapes"
	"github.com/warden-iam/warden/restjson"
)

// actionTagResource is the required action of every create that carries
// tags (the model's aws.iam#requiredActions).
const actionTagResource = "health-agent:TagResource"

// API serves the console operations.
type API struct {
	store    warden.Store
	authz    *authz.Authorizer
	handlers restjson.Handlers[*authz.Caller]
}

// New returns the console API over a store.
func New(store warden.Store, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az, handlers: restjson.Handlers[*authz.Caller]{}}
	restjson.Register(a.handlers, "CreateAgent", a.createAgent)
	restjson.Register(a.handlers, "GetAgent", a.getAgent)
	restjson.Register(a.handlers, "UpdateAgent", a.updateAgent)
	restjson.Register(a.handlers, "PublishAgent", a.publishAgent)
	restjson.Register(a.handlers, "ListAgents", a.listAgents)
	restjson.Register(a.handlers, "ListAgentVersions", a.listAgentVersions)
	restjson.Register(a.handlers, "DeleteAgent", a.deleteAgent)
	restjson.Register(a.handlers, "CreateIntegration", a.createIntegration)
	restjson.Register(a.handlers, "GetIntegration", a.getIntegration)
	restjson.Register(a.handlers, "UpdateIntegration", a.updateIntegration)
	restjson.Register(a.handlers, "DeleteIntegration", a.deleteIntegration)
	restjson.Register(a.handlers, "ListIntegrations", a.listIntegrations)
	restjson.Register(a.handlers, "CreateSession", a.createSession)
	restjson.Register(a.handlers, "GetSessionContext", a.getSessionContext)
	restjson.Register(a.handlers, "UpdateSession", a.updateSession)
	restjson.Register(a.handlers, "ListMedicalScribeListeningSessions", a.listScribeSessions)
	return a
}

// Service is the console API's service description.
func (a *API) Service() *restjson.Service { return s.Service }

// Implemented reports whether Warden serves the operation.
func (a *API) Implemented(op string) bool {
	_, ok := a.handlers[op]
	return ok
}

// Handle runs one decoded operation for the caller.
//
// Returns AccessDenied when the caller may not perform the operation,
// NoSuchEntity (ResourceNotFoundException) for a domain or resource that
// does not exist, and the store's codes.
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (restjson.Output, error) {
	h, ok := a.handlers[op.Name]
	if !ok {
		return nil, warden.Errorf(warden.ENotImplemented, "Warden does not serve the operation %s.", op.Name)
	}
	if c.Region == "" {
		return nil, warden.Errorf(warden.EValidationError, "The request names no region.")
	}
	return h(ctx, c, op, in)
}

func account(c *authz.Caller) string { return c.Principal.AccountID }

// target is one resource a request acts on, with the tags policies see
// as aws:ResourceTag/*: the resource's own (a new resource has none).
type target struct {
	arn  string
	tags []warden.Tag
}

// authorize asks whether the caller may perform action on every target,
// as healthapi does: an action whose resource types are all required
// (CreateAgent: Agent and Domain) is allowed only when it is allowed on
// each; one without resource types is authorized on "*". The first
// denial is the AccessDenied answered.
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, call authz.Call, targets ...target) error {
	call.Action = action
	if len(targets) == 0 {
		targets = []target{{arn: "*"}}
	}
	for _, t := range targets {
		// Every target is in the caller's account: requests name domains by
		// ID, never by ARN.
		call.Resource, call.ResourceTags, call.ResourceAccount = t.arn, t.tags, ""
		d, err := a.authz.Authorize(ctx, c, &call)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
	}
	return nil
}

// authorizeCreate authorizes a create on the new resource and its
// parents, and, when it carries tags, health-agent:TagResource on the new
// resource ("Tagging on creation": tagging the new resource is tagging).
func (a *API) authorizeCreate(ctx context.Context, c *authz.Caller, op *restjson.Operation, tags []warden.Tag, targets ...target) error {
	if err := a.authorize(ctx, c, op.Action, authz.Call{RequestTags: tags}, targets...); err != nil {
		return err
	}
	for _, required := range op.RequiredActions {
		if required != actionTagResource {
			return &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Op: "consoleapi." + op.Name,
				Err: errUnknownRequiredAction(required)}
		}
		if len(tags) > 0 {
			if err := a.authorize(ctx, c, required, authz.Call{RequestTags: tags}, targets[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

type errUnknownRequiredAction string

func (e errUnknownRequiredAction) Error() string {
	return "the model requires " + string(e) + ", which the handler does not authorize"
}

// domainRef is the domain a request names, looked up before the request
// is authorized: its tags are the domain target's aws:ResourceTag.
type domainRef struct {
	id     string
	domain *warden.Domain
	// missing is the NoSuchEntity to answer once the caller is
	// authorized: a caller without permission learns nothing of what
	// exists.
	missing error
	target  target
}

func (a *API) findDomain(ctx context.Context, c *authz.Caller, id string) (*domainRef, error) {
	ref := &domainRef{id: id, target: target{arn: warden.DomainARN(c.Region, account(c), id)}}
	d, err := a.store.Domain(ctx, account(c), c.Region, id)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.domain, ref.target.tags = d, d.Tags
	}
	return ref, nil
}

// active returns why the console of the domain cannot be used: it does
// not exist, or it is being or has been deleted.
func (r *domainRef) active() error {
	if r.missing != nil {
		return r.missing
	}
	if r.domain.Status != warden.DomainActive {
		return warden.ErrDomainNotActive(r.domain)
	}
	return nil
}

// resourceRef is a console resource a request names by ID, looked up (with
// its tags) before the request is authorized.
type resourceRef struct {
	target  target
	missing error
}

// find looks a console resource up with lookup, which returns its tags;
// a resource that does not exist is authorized with no tags and answered
// NoSuchEntity afterwards.
func find(c *authz.Caller, d *domainRef, kind warden.ConsoleKind, id string, lookup func() ([]warden.Tag, error)) (*resourceRef, error) {
	ref := &resourceRef{target: target{arn: warden.ConsoleARN(c.Region, account(c), d.id, kind, id)}}
	if d.missing != nil {
		ref.missing = d.missing
		return ref, nil
	}
	tags, err := lookup()
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

// authorizeExisting authorizes an operation on an existing resource of a
// domain, on targets (the resource types IAM lists for the action, in its
// order), and then returns why the operation cannot go on: the domain is
// not ACTIVE, or the resource does not exist.
func (a *API) authorizeExisting(ctx context.Context, c *authz.Caller, op *restjson.Operation, d *domainRef, ref *resourceRef, targets ...target) error {
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, targets...); err != nil {
		return err
	}
	if err := d.active(); err != nil {
		return err
	}
	return ref.missing
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

// listOptions turns a request's paging members into the store's.
func listOptions(nextToken *string, maxResults *int32) warden.ListOptions {
	opts := warden.ListOptions{Marker: deref(nextToken)}
	if maxResults != nil {
		opts.MaxItems = int(*maxResults)
	}
	return opts
}

// nextToken is a page's nextToken: present only when there is more.
func nextToken[T any](p *warden.Page[T]) *string {
	if !p.IsTruncated {
		return nil
	}
	return new(p.Marker)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// optional returns nil for "", for members the model makes optional.
func optional(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}
