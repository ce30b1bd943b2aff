// Package connectapi implements the part of the Amazon Connect API (IAM
// prefix connect) that Amazon Connect Health deployments use: instances,
// their users (agents) with every UpdateUser* operation, the phone numbers
// claimed to an instance, and tags. Each operation is authorized first, as
// connect:ACTION on every resource type the Service Authorization
// Reference lists for the action (CreateUser on the new user's ARN and on
// the routing and security profiles it names), with the target's tags as
// aws:ResourceTag, the request's tags as aws:RequestTag and aws:TagKeys,
// and connect:InstanceId where the reference lists that key; tags given on
// create also need connect:TagResource. Then it acts through the store.
//
// Security profiles, routing profiles, hierarchy groups and contact flows
// are opaque references: any well-formed ID is accepted and authorized by
// its ARN. Phone numbers are not bought: every instance is given
// warden.ConnectPhoneNumbersPerInstance numbers when it is created, in
// the range the North American Numbering Plan reserves for fiction.
//
// The restJson1 protocol (routing, decoding, responses, error documents,
// AccessDeniedException as HTTP 403) is package restjson's; the shapes are
// generated into connectshapes.
package connectapi

import (
	"context"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/connectapi/connectshapes"
	"github.com/warden-iam/warden/restjson"
)

// API serves Amazon Connect operations.
type API struct {
	store    warden.Store
	authz    *authz.Authorizer
	catalog  *catalog.Catalog
	now      func() time.Time
	handlers restjson.Handlers[*authz.Caller]
}

// New returns the Amazon Connect API over a store.
func New(store warden.Store, az *authz.Authorizer) *API {
	a := &API{store: store, authz: az, catalog: catalog.Default(), now: time.Now, handlers: restjson.Handlers[*authz.Caller]{}}
	restjson.Register(a.handlers, "CreateInstance", a.createInstance)
	restjson.Register(a.handlers, "DescribeInstance", a.describeInstance)
	restjson.Register(a.handlers, "ListInstances", a.listInstances)
	restjson.Register(a.handlers, "DeleteInstance", a.deleteInstance)
	restjson.Register(a.handlers, "UpdateUserHierarchyStructure", a.updateUserHierarchyStructure)
	restjson.Register(a.handlers, "UpdateUserHierarchyGroupName", a.updateUserHierarchyGroupName)
	restjson.Register(a.handlers, "CreateUser", a.createUser)
	restjson.Register(a.handlers, "DescribeUser", a.describeUser)
	restjson.Register(a.handlers, "ListUsers", a.listUsers)
	restjson.Register(a.handlers, "DeleteUser", a.deleteUser)
	restjson.Register(a.handlers, "UpdateUserIdentityInfo", a.updateUserIdentityInfo)
	restjson.Register(a.handlers, "UpdateUserPhoneConfig", a.updateUserPhoneConfig)
	restjson.Register(a.handlers, "UpdateUserRoutingProfile", a.updateUserRoutingProfile)
	restjson.Register(a.handlers, "UpdateUserSecurityProfiles", a.updateUserSecurityProfiles)
	restjson.Register(a.handlers, "UpdateUserHierarchy", a.updateUserHierarchy)
	restjson.Register(a.handlers, "UpdateUserProficiencies", a.updateUserProficiencies)
	restjson.Register(a.handlers, "UpdateUserConfig", a.updateUserConfig)
	restjson.Register(a.handlers, "UpdateUserNotificationStatus", a.updateUserNotificationStatus)
	restjson.Register(a.handlers, "ListPhoneNumbersV2", a.listPhoneNumbersV2)
	restjson.Register(a.handlers, "AssociatePhoneNumberContactFlow", a.associatePhoneNumberContactFlow)
	restjson.Register(a.handlers, "TagResource", a.tagResource)
	restjson.Register(a.handlers, "UntagResource", a.untagResource)
	restjson.Register(a.handlers, "ListTagsForResource", a.listTagsForResource)
	return a
}

// Service is the Amazon Connect service description the restJson1
// runtime serves.
func (a *API) Service() *restjson.Service { return connectshapes.Service }

// Handle runs one decoded operation for the caller.
//
// Returns AccessDenied when the caller may not perform the operation, and
// the store's codes, which the service's error table names as Amazon
// Connect's exceptions (NoSuchEntity as ResourceNotFoundException,
// EntityAlreadyExists as DuplicateResourceException, …).
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (restjson.Output, error) {
	h, ok := a.handlers[op.Name]
	if !ok {
		return nil, warden.Errorf(warden.ENotImplemented, "Warden does not serve the Amazon Connect operation %s.", op.Name)
	}
	if c.Region == "" {
		// Every Amazon Connect resource lives in the region the request
		// was signed for.
		return nil, warden.Errorf(warden.EInvalidParameterValue, "The request names no region.")
	}
	return h(ctx, c, op, in)
}

// account is the account the caller acts in.
func account(c *authz.Caller) string { return c.Principal.AccountID }

func (a *API) clock(c *authz.Caller) time.Time {
	if !c.Time.IsZero() {
		return c.Time
	}
	return a.now()
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// listOptions turns a request's paging members into the store's.
func listOptions(nextToken *string, maxResults *int32) warden.ListOptions {
	opts := warden.ListOptions{Marker: deref(nextToken)}
	if maxResults != nil {
		opts.MaxItems = int(*maxResults)
	}
	return opts
}

// nextToken is a page's NextToken: present only when there is more.
func nextToken[T any](p *warden.Page[T]) *string {
	if !p.IsTruncated {
		return nil
	}
	return new(p.Marker)
}
