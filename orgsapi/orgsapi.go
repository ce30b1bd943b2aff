// Package orgsapi implements the AWS Organizations operations Warden serves
// for authenticated callers: the organization, its root, OUs and accounts
// (CreateAccount makes the account with the role the management account
// administers it through), and its service and resource control policies.
// Each operation is authorized as organizations:ACTION on the resource the
// Service Authorization Reference names, then acts through the store. The
// JSON protocol (decoding, responses, error documents) is awsjson's; the
// request and response shapes are written here after the service model.
//
// Only the management account manages an organization: every operation
// but CreateOrganization and DescribeOrganization answers a member account
// with AccessDeniedException ("You don't have permissions to access this
// resource."), and an account in no organization with
// AWSOrganizationsNotInUseException.
package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
)

// API serves Organizations operations.
type API struct {
	store    warden.OrganizationService
	authz    *authz.Authorizer
	service  *awsjson.Service
	handlers map[string]handler
}

type handler func(ctx context.Context, c *authz.Caller, in any) (any, error)

// New returns the Organizations API over a store.
func New(store warden.OrganizationService, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az, handlers: map[string]handler{}, service: &awsjson.Service{
		Name:         "Organizations",
		TargetPrefix: "AWSOrganizationsV20161128",
		JSONVersion:  "1.1",
		SigningName:  "organizations",
		ARNNamespace: "organizations",
		Operations:   map[string]*awsjson.Operation{},
		// Warden's shared codes in Organizations' names: it has no
		// ValidationError of its own, and its server fault is
		// ServiceException.
		Codes: map[string]string{
			warden.EAccessDenied:           "AccessDeniedException",
			warden.EValidationError:        warden.EInvalidInputException,
			warden.EInvalidInput:           warden.EInvalidInputException,
			warden.ELimitExceeded:          warden.EConstraintViolation,
			warden.EConcurrentModification: "ConcurrentModificationException",
			warden.EInternalFailure:        "ServiceException",
			warden.EServiceFailure:         "ServiceException",
		},
		Faults: map[string]bool{"ServiceException": true},
	}}
	a.registerOrganization()
	a.registerAccounts()
	a.registerUnits()
	a.registerPolicies()
	a.registerChanges()
	a.registerHandshakes()
	a.registerTags()
	return a
}

// Service is the Organizations service description the JSON runtime
// serves.
func (a *API) Service() *awsjson.Service { return a.service }

// Handle runs one decoded operation for the caller: the request's own
// checks first, then the operation.
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *awsjson.Operation, in any) (any, error) {
	h, ok := a.handlers[op.Name]
	if !ok {
		return nil, warden.Errorf(awsjson.CodeUnknownOperation, "Warden does not serve the Organizations operation %s.", op.Name)
	}
	if v, ok := in.(interface{ validate() error }); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	return h(ctx, c, in)
}

// register adds an operation: its input type for the JSON runtime and its
// handler. A handler of an operation without output returns a nil O.
func register[I any, O any](a *API, name string, fn func(context.Context, *authz.Caller, *I) (O, error)) {
	a.service.Operations[name] = &awsjson.Operation{Name: name, NewInput: func() any { return new(I) }}
	a.handlers[name] = func(ctx context.Context, c *authz.Caller, in any) (any, error) {
		out, err := fn(ctx, c, in.(*I))
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// registerNoResult adds an operation whose response is empty.
func registerNoResult[I any](a *API, name string, fn func(context.Context, *authz.Caller, *I) error) {
	a.service.Operations[name] = &awsjson.Operation{Name: name, NewInput: func() any { return new(I) }}
	a.handlers[name] = func(ctx context.Context, c *authz.Caller, in any) (any, error) {
		return nil, fn(ctx, c, in.(*I))
	}
}

// account is the account the caller acts for.
func account(c *authz.Caller) string { return c.Principal.AccountID }

// managed returns the organization the caller's account manages. It comes
// before authorization because the resources' ARNs name the organization.
func (a *API) managed(ctx context.Context, c *authz.Caller) (*warden.Organization, error) {
	org, err := a.store.Organization(ctx, account(c))
	if err != nil {
		return nil, err
	}
	if org.ManagementAccountID != account(c) {
		return nil, warden.ErrManagementOnly()
	}
	return org, nil
}

// authorize asks whether the caller may perform organizations:action on
// each resource and turns a denial into AccessDenied. Actions whose
// resource is an organization's root, OU, account or policy are authorized
// against every resource they name (MoveAccount names three), with each
// resource's tags as aws:ResourceTag.
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, call authz.Call, resources ...resource) error {
	call.Action = "organizations:" + action
	if len(resources) == 0 {
		resources = []resource{{arn: "*"}}
	}
	for _, r := range resources {
		call.Resource, call.ResourceTags = r.arn, r.tags
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

// resource is an Organizations resource as authorization sees it.
type resource struct {
	arn  string
	tags []warden.Tag
}

// node resolves a root, OU or account of the organization to its ARN and
// tags. The caller's missing answer (ParentNotFoundException and its kin)
// replaces the store's TargetNotFoundException: node IDs are random, so
// answering before authorization tells a caller nothing it could use.
func (a *API) node(ctx context.Context, org *warden.Organization, id string, missing func() error) (resource, error) {
	tags, err := a.store.OrganizationTags(ctx, org.ManagementAccountID, id)
	if warden.ErrorCode(err) == warden.ETargetNotFound && missing != nil {
		return resource{}, missing()
	}
	if err != nil {
		return resource{}, err
	}
	return resource{arn: org.TargetARN(id), tags: tags}, nil
}

// policyTypeKey is the organizations:PolicyType condition key of the
// operations that act on a type of policy.
func policyTypeKey(t warden.OrganizationPolicyType) map[string]string {
	return map[string]string{"organizations:PolicyType": string(t)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
