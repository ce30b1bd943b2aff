package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

func (a *API) registerRoles() {
	register(a, "CreateRole", a.createRole)
	register(a, "GetRole", a.getRole)
	register(a, "ListRoles", a.listRoles)
	register(a, "UpdateRole", a.updateRole)
	register(a, "UpdateRoleDescription", a.updateRoleDescription)
	registerNoResult(a, "UpdateAssumeRolePolicy", a.updateAssumeRolePolicy)
	registerNoResult(a, "DeleteRole", a.deleteRole)
	registerNoResult(a, "TagRole", a.tagRole)
	registerNoResult(a, "UntagRole", a.untagRole)
	register(a, "ListRoleTags", a.listRoleTags)
	registerNoResult(a, "PutRolePermissionsBoundary", a.putRolePermissionsBoundary)
	registerNoResult(a, "DeleteRolePermissionsBoundary", a.deleteRolePermissionsBoundary)
}

// IAM's operations show different parts of a role (IAM API Reference, the
// Role data type and each operation's response): CreateRole what was
// given; ListRoles adds MaxSessionDuration but never the boundary, tags or
// last use; GetRole and UpdateRoleDescription show everything, with an
// empty RoleLastUsed for a role never assumed.

// roleOut holds the members every operation shows.
func roleOut(r *warden.Role) s.Role {
	out := s.Role{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN, CreateDate: r.CreateDate, AssumeRolePolicyDocument: &r.AssumeRolePolicyDocument}
	if r.Description != "" {
		out.Description = &r.Description
	}
	return out
}

func createdRoleOut(r *warden.Role) s.Role {
	out := roleOut(r)
	if r.PermissionsBoundary != "" {
		out.PermissionsBoundary = boundaryOut(r.PermissionsBoundary)
	}
	out.Tags = tagsOut(r.Tags)
	return out
}

func listedRoleOut(r *warden.Role) s.Role {
	out := roleOut(r)
	out.MaxSessionDuration = sessionDuration(r)
	return out
}

func fullRoleOut(r *warden.Role) s.Role {
	out := createdRoleOut(r)
	out.MaxSessionDuration = sessionDuration(r)
	out.RoleLastUsed = &s.RoleLastUsed{}
	if r.LastUsed != nil {
		out.RoleLastUsed.LastUsedDate, out.RoleLastUsed.Region = &r.LastUsed.Date, &r.LastUsed.Region
	}
	return out
}

func sessionDuration(r *warden.Role) *int32 {
	d := int32(r.MaxSessionDuration)
	return &d
}

// durationIn converts an optional MaxSessionDuration member. The store
// reads 0 as "the default", so a 0 the caller actually sent is refused
// here with the model's range error.
func durationIn(seconds *int32) (*int, error) {
	if seconds == nil {
		return nil, nil
	}
	d := int(*seconds)
	if err := (&warden.UpdateRoleInput{MaxSessionDuration: &d}).Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// createRole checks the trust policy with IAM's rules for trust policies: a
// Principal is required and Resource is refused (IAM User Guide, "IAM JSON
// policy elements: Principal").
func (a *API) createRole(ctx context.Context, c *authz.Caller, in *s.CreateRoleInput) (*s.CreateRoleOutput, error) {
	in2 := warden.CreateRoleInput{
		Name: in.RoleName, Path: deref(in.Path, "/"), AssumeRolePolicyDocument: in.AssumeRolePolicyDocument,
		Description: deref(in.Description, ""), PermissionsBoundary: deref(in.PermissionsBoundary, ""), Tags: tagsIn(in.Tags),
	}
	call := &authz.Call{Action: "iam:CreateRole", Resource: warden.IAMARN(account(c), "role", in2.Path, in2.Name), RequestTags: in2.Tags}
	if in2.PermissionsBoundary != "" {
		call.Keys = map[string]string{"iam:PermissionsBoundary": in2.PermissionsBoundary}
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	duration, err := durationIn(in.MaxSessionDuration)
	if err != nil {
		return nil, err
	}
	if duration != nil {
		in2.MaxSessionDuration = *duration
	}
	// The model's constraints come before the document's grammar.
	if err := in2.Validate(); err != nil {
		return nil, err
	}
	if _, err := checkDocument(in2.AssumeRolePolicyDocument, policy.KindTrust, "ACLSizePerRole"); err != nil {
		return nil, err
	}
	r, err := a.store.CreateRole(ctx, account(c), in2)
	if err != nil {
		return nil, err
	}
	return &s.CreateRoleOutput{Role: createdRoleOut(r)}, nil
}

func (a *API) getRole(ctx context.Context, c *authz.Caller, in *s.GetRoleInput) (*s.GetRoleOutput, error) {
	t, err := a.authorizedTarget(ctx, c, "iam:GetRole", warden.RoleIdentity(in.RoleName), nil)
	if err != nil {
		return nil, err
	}
	if t.missing != nil {
		return nil, t.missing
	}
	return &s.GetRoleOutput{Role: fullRoleOut(t.role)}, nil
}

func (a *API) listRoles(ctx context.Context, c *authz.Caller, in *s.ListRolesInput) (*s.ListRolesOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListRoles", Resource: listResource(c, "role", in.PathPrefix)}); err != nil {
		return nil, err
	}
	page, err := a.store.ListRoles(ctx, account(c), listOptions(in.PathPrefix, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListRolesOutput{Roles: make([]s.Role, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for i, r := range page.Items {
		out.Roles[i] = listedRoleOut(r)
	}
	return out, nil
}

func (a *API) updateRole(ctx context.Context, c *authz.Caller, in *s.UpdateRoleInput) (*s.UpdateRoleOutput, error) {
	if err := a.authorizeIdentity(ctx, c, "iam:UpdateRole", warden.RoleIdentity(in.RoleName), nil); err != nil {
		return nil, err
	}
	duration, err := durationIn(in.MaxSessionDuration)
	if err != nil {
		return nil, err
	}
	if _, err := a.store.UpdateRole(ctx, account(c), in.RoleName, warden.UpdateRoleInput{Description: in.Description, MaxSessionDuration: duration}); err != nil {
		return nil, err
	}
	return &s.UpdateRoleOutput{}, nil
}

// updateRoleDescription is the older, narrower UpdateRole, which answers
// with the updated role.
func (a *API) updateRoleDescription(ctx context.Context, c *authz.Caller, in *s.UpdateRoleDescriptionInput) (*s.UpdateRoleDescriptionOutput, error) {
	if err := a.authorizeIdentity(ctx, c, "iam:UpdateRoleDescription", warden.RoleIdentity(in.RoleName), nil); err != nil {
		return nil, err
	}
	if _, err := a.store.UpdateRole(ctx, account(c), in.RoleName, warden.UpdateRoleInput{Description: &in.Description}); err != nil {
		return nil, err
	}
	r, err := a.store.Role(ctx, account(c), in.RoleName)
	if err != nil {
		return nil, err
	}
	out := fullRoleOut(r)
	return &s.UpdateRoleDescriptionOutput{Role: &out}, nil
}

func (a *API) updateAssumeRolePolicy(ctx context.Context, c *authz.Caller, in *s.UpdateAssumeRolePolicyInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:UpdateAssumeRolePolicy", warden.RoleIdentity(in.RoleName), nil); err != nil {
		return err
	}
	if err := warden.ValidatePolicyDocument(in.PolicyDocument); err != nil {
		return err
	}
	if _, err := checkDocument(in.PolicyDocument, policy.KindTrust, "ACLSizePerRole"); err != nil {
		return err
	}
	return a.store.UpdateAssumeRolePolicy(ctx, account(c), in.RoleName, in.PolicyDocument)
}

func (a *API) deleteRole(ctx context.Context, c *authz.Caller, in *s.DeleteRoleInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:DeleteRole", warden.RoleIdentity(in.RoleName), nil); err != nil {
		return err
	}
	return a.store.DeleteRole(ctx, account(c), in.RoleName)
}

func (a *API) tagRole(ctx context.Context, c *authz.Caller, in *s.TagRoleInput) error {
	tags := tagsIn(in.Tags)
	if err := a.authorizeIdentity(ctx, c, "iam:TagRole", warden.RoleIdentity(in.RoleName), &authz.Call{RequestTags: tags}); err != nil {
		return err
	}
	return a.store.TagRole(ctx, account(c), in.RoleName, tags)
}

func (a *API) untagRole(ctx context.Context, c *authz.Caller, in *s.UntagRoleInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:UntagRole", warden.RoleIdentity(in.RoleName), &authz.Call{TagKeys: in.TagKeys}); err != nil {
		return err
	}
	return a.store.UntagRole(ctx, account(c), in.RoleName, in.TagKeys)
}

func (a *API) listRoleTags(ctx context.Context, c *authz.Caller, in *s.ListRoleTagsInput) (*s.ListRoleTagsOutput, error) {
	if err := a.authorizeIdentity(ctx, c, "iam:ListRoleTags", warden.RoleIdentity(in.RoleName), nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListRoleTags(ctx, account(c), in.RoleName, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListRoleTagsOutput{Tags: make([]s.Tag, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for i, t := range page.Items {
		out.Tags[i] = s.Tag{Key: t.Key, Value: t.Value}
	}
	return out, nil
}

// putRolePermissionsBoundary is authorized with iam:PermissionsBoundary set
// to the boundary being put, so that a delegated administrator can be held
// to one boundary policy.
func (a *API) putRolePermissionsBoundary(ctx context.Context, c *authz.Caller, in *s.PutRolePermissionsBoundaryInput) error {
	call := &authz.Call{Keys: map[string]string{"iam:PermissionsBoundary": in.PermissionsBoundary}}
	if err := a.authorizeIdentity(ctx, c, "iam:PutRolePermissionsBoundary", warden.RoleIdentity(in.RoleName), call); err != nil {
		return err
	}
	return a.store.PutRolePermissionsBoundary(ctx, account(c), in.RoleName, in.PermissionsBoundary)
}

func (a *API) deleteRolePermissionsBoundary(ctx context.Context, c *authz.Caller, in *s.DeleteRolePermissionsBoundaryInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:DeleteRolePermissionsBoundary", warden.RoleIdentity(in.RoleName), nil); err != nil {
		return err
	}
	return a.store.DeleteRolePermissionsBoundary(ctx, account(c), in.RoleName)
}
