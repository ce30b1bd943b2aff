package iamapi

import (
	"context"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// identityTarget is a user, group or role as an operation on it is
// authorized: its ARN is the resource, its tags feed aws:ResourceTag and
// iam:ResourceTag, and its permissions boundary feeds iam:PermissionsBoundary
// for the actions that change its permissions. The entity read is kept so
// that an operation that only describes it need not read it again.
type identityTarget struct {
	arn      string
	tags     []warden.Tag // groups have none: they cannot be tagged
	boundary string       // groups have none

	// One of user, group and role is set when the identity exists;
	// otherwise missing holds the store's NoSuchEntity, for the operation
	// to return once the caller is found to be allowed to learn it.
	user    *warden.User
	group   *warden.Group
	role    *warden.Role
	missing error
}

// lookupIdentity resolves the identity an operation acts on. One that does
// not exist is authorized against the ARN it would have at path /, so that
// a caller without permission learns nothing of which identities exist.
func (a *API) lookupIdentity(ctx context.Context, c *authz.Caller, id warden.Identity) (*identityTarget, error) {
	t := &identityTarget{}
	var err error
	switch id.Kind {
	case warden.IdentityUser:
		if t.user, err = a.store.User(ctx, account(c), id.Name); err == nil {
			t.arn, t.tags, t.boundary = t.user.ARN, t.user.Tags, t.user.PermissionsBoundary
		}
	case warden.IdentityGroup:
		if t.group, err = a.store.Group(ctx, account(c), id.Name); err == nil {
			t.arn = t.group.ARN
		}
	case warden.IdentityRole:
		if t.role, err = a.store.Role(ctx, account(c), id.Name); err == nil {
			t.arn, t.tags, t.boundary = t.role.ARN, t.role.Tags, t.role.PermissionsBoundary
		}
	}
	switch {
	case err == nil:
		return t, nil
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		return &identityTarget{arn: warden.IAMARN(account(c), strings.ToLower(string(id.Kind)), "/", id.Name), missing: err}, nil
	}
	return nil, err
}

// boundaryKeyed lists the actions whose request context carries
// iam:PermissionsBoundary with the ARN of the target's current boundary:
// those that change the permissions of a user or role (Service
// Authorization Reference, "Actions, resources, and condition keys for AWS
// Identity and Access Management"). Delegated administrators are commonly
// limited to identities that carry a given boundary through this key.
var boundaryKeyed = map[string]bool{
	"iam:PutUserPolicy": true, "iam:DeleteUserPolicy": true,
	"iam:AttachUserPolicy": true, "iam:DetachUserPolicy": true,
	"iam:PutRolePolicy": true, "iam:DeleteRolePolicy": true,
	"iam:AttachRolePolicy": true, "iam:DetachRolePolicy": true,
	"iam:DeleteRolePermissionsBoundary": true,
}

// authorizeIdentity authorizes an action on a user, group or role. call
// may carry request keys of its own; the target's ARN, tags and, for
// boundaryKeyed actions, boundary are added here.
func (a *API) authorizeIdentity(ctx context.Context, c *authz.Caller, action string, id warden.Identity, call *authz.Call) error {
	_, err := a.authorizedTarget(ctx, c, action, id, call)
	return err
}

// authorizedTarget is authorizeIdentity for operations that go on to
// describe the target: it returns the target as read for authorization.
func (a *API) authorizedTarget(ctx context.Context, c *authz.Caller, action string, id warden.Identity, call *authz.Call) (*identityTarget, error) {
	t, err := a.lookupIdentity(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if call == nil {
		call = &authz.Call{}
	}
	call.Action, call.Resource = action, t.arn
	resourceTagKeys(call, t.tags)
	if boundaryKeyed[action] && t.boundary != "" {
		if call.Keys == nil {
			call.Keys = map[string]string{}
		}
		call.Keys["iam:PermissionsBoundary"] = t.boundary
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	return t, nil
}

// listResource is the resource a List* operation over one kind of entity is
// authorized against: the entity type's ARN prefix followed by the path
// prefix asked for, as in AWS's denial messages ("…iam:ListRoles on
// resource: arn:aws:iam::123456789012:role/").
func listResource(c *authz.Caller, typ string, pathPrefix *string) string {
	return warden.IAMARN(account(c), typ, deref(pathPrefix, "/"), "")
}
