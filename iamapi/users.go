package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func (a *API) registerUsers() {
	register(a, "CreateUser", a.createUser)
	register(a, "GetUser", a.getUser)
	register(a, "ListUsers", a.listUsers)
	registerNoResult(a, "UpdateUser", a.updateUser)
	registerNoResult(a, "DeleteUser", a.deleteUser)
	registerNoResult(a, "TagUser", a.tagUser)
	registerNoResult(a, "UntagUser", a.untagUser)
	register(a, "ListUserTags", a.listUserTags)
	registerNoResult(a, "PutUserPermissionsBoundary", a.putUserPermissionsBoundary)
	registerNoResult(a, "DeleteUserPermissionsBoundary", a.deleteUserPermissionsBoundary)
}

// userTarget is an existing user an operation acts on: its ARN is the
// resource it is authorized against, and its tags feed aws:ResourceTag.
// A user that does not exist is authorized against the ARN it would have
// at path /, so that a caller without permission learns nothing of which
// users exist; the operation then answers NoSuchEntity. user is nil then.
func (a *API) userTarget(ctx context.Context, c *authz.Caller, name string) (arn string, user *warden.User, err error) {
	u, err := a.store.User(ctx, account(c), name)
	switch {
	case err == nil:
		return u.ARN, u, nil
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		return warden.IAMARN(account(c), "user", "/", name), nil, nil
	}
	return "", nil, err
}

// authorizeUser authorizes an action on an existing user and returns the
// user, or nil when it does not exist.
func (a *API) authorizeUser(ctx context.Context, c *authz.Caller, action, name string, call *authz.Call) (*warden.User, error) {
	arn, u, err := a.userTarget(ctx, c, name)
	if err != nil {
		return nil, err
	}
	if call == nil {
		call = &authz.Call{}
	}
	call.Action, call.Resource = action, arn
	if u != nil {
		resourceTagKeys(call, u.Tags)
	}
	return u, a.authorize(ctx, c, call)
}

// noSuchUser is IAM's answer for a user that does not exist.
func noSuchUser(name string) error {
	return warden.Errorf(warden.ENoSuchEntity, "The user with name %s cannot be found.", name)
}

func userOut(u *warden.User) s.User {
	out := s.User{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN, CreateDate: u.CreateDate, Tags: tagsOut(u.Tags)}
	if u.PermissionsBoundary != "" {
		out.PermissionsBoundary = boundaryOut(u.PermissionsBoundary)
	}
	return out
}

func boundaryOut(arn string) *s.AttachedPermissionsBoundary {
	t := s.PermissionsBoundaryAttachmentTypePolicy
	return &s.AttachedPermissionsBoundary{PermissionsBoundaryType: &t, PermissionsBoundaryArn: &arn}
}

func (a *API) createUser(ctx context.Context, c *authz.Caller, in *s.CreateUserInput) (*s.CreateUserOutput, error) {
	in2 := warden.CreateUserInput{Name: in.UserName, Path: deref(in.Path, "/"), PermissionsBoundary: deref(in.PermissionsBoundary, ""), Tags: tagsIn(in.Tags)}
	call := &authz.Call{Action: "iam:CreateUser", Resource: warden.IAMARN(account(c), "user", in2.Path, in.UserName), RequestTags: in2.Tags}
	if in2.PermissionsBoundary != "" {
		call.Keys = map[string]string{"iam:PermissionsBoundary": in2.PermissionsBoundary}
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	u, err := a.store.CreateUser(ctx, account(c), in2)
	if err != nil {
		return nil, err
	}
	out := userOut(u)
	return &s.CreateUserOutput{User: &out}, nil
}

func (a *API) getUser(ctx context.Context, c *authz.Caller, in *s.GetUserInput) (*s.GetUserOutput, error) {
	name := deref(in.UserName, "")
	if name == "" {
		// Without a name, GetUser describes the caller: a user, or the
		// account's root user.
		if err := a.authorize(ctx, c, &authz.Call{Action: "iam:GetUser", Resource: c.Principal.ARN}); err != nil {
			return nil, err
		}
		if c.Principal.Kind == warden.PrincipalRoot {
			acct, err := a.store.Account(ctx, account(c))
			if err != nil {
				return nil, err
			}
			return &s.GetUserOutput{User: s.User{UserId: acct.ID, Arn: c.Principal.ARN, CreateDate: acct.CreateDate}}, nil
		}
		if c.Principal.Kind != warden.PrincipalUser {
			return nil, warden.Errorf(warden.EValidationError, "Must specify userName when calling with non-User credentials")
		}
		name = c.Principal.Name
		u, err := a.store.User(ctx, account(c), name)
		if err != nil {
			return nil, err
		}
		return &s.GetUserOutput{User: userOut(u)}, nil
	}
	u, err := a.authorizeUser(ctx, c, "iam:GetUser", name, nil)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, noSuchUser(name)
	}
	out := userOut(u)
	return &s.GetUserOutput{User: out}, nil
}

func (a *API) listUsers(ctx context.Context, c *authz.Caller, in *s.ListUsersInput) (*s.ListUsersOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListUsers", Resource: listResource(c, "user", in.PathPrefix)}); err != nil {
		return nil, err
	}
	page, err := a.store.ListUsers(ctx, account(c), listOptions(in.PathPrefix, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListUsersOutput{Users: []s.User{}, IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, u := range page.Items {
		out.Users = append(out.Users, userOut(u))
	}
	return out, nil
}

func (a *API) updateUser(ctx context.Context, c *authz.Caller, in *s.UpdateUserInput) error {
	u, err := a.authorizeUser(ctx, c, "iam:UpdateUser", in.UserName, nil)
	if err != nil {
		return err
	}
	// Renaming or moving needs permission on the user as it will be too
	// (IAM API Reference, UpdateUser).
	if u != nil && (in.NewUserName != nil || in.NewPath != nil) {
		renamed := warden.IAMARN(account(c), "user", deref(in.NewPath, u.Path), deref(in.NewUserName, u.Name))
		if err := a.authorize(ctx, c, &authz.Call{Action: "iam:UpdateUser", Resource: renamed}); err != nil {
			return err
		}
	}
	_, err = a.store.UpdateUser(ctx, account(c), in.UserName, warden.UpdateUserInput{NewName: in.NewUserName, NewPath: in.NewPath})
	return err
}

func (a *API) deleteUser(ctx context.Context, c *authz.Caller, in *s.DeleteUserInput) error {
	if _, err := a.authorizeUser(ctx, c, "iam:DeleteUser", in.UserName, nil); err != nil {
		return err
	}
	return a.store.DeleteUser(ctx, account(c), in.UserName)
}

func (a *API) tagUser(ctx context.Context, c *authz.Caller, in *s.TagUserInput) error {
	tags := tagsIn(in.Tags)
	if _, err := a.authorizeUser(ctx, c, "iam:TagUser", in.UserName, &authz.Call{RequestTags: tags}); err != nil {
		return err
	}
	return a.store.TagUser(ctx, account(c), in.UserName, tags)
}

func (a *API) untagUser(ctx context.Context, c *authz.Caller, in *s.UntagUserInput) error {
	if _, err := a.authorizeUser(ctx, c, "iam:UntagUser", in.UserName, &authz.Call{TagKeys: in.TagKeys}); err != nil {
		return err
	}
	return a.store.UntagUser(ctx, account(c), in.UserName, in.TagKeys)
}

func (a *API) listUserTags(ctx context.Context, c *authz.Caller, in *s.ListUserTagsInput) (*s.ListUserTagsOutput, error) {
	if _, err := a.authorizeUser(ctx, c, "iam:ListUserTags", in.UserName, nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListUserTags(ctx, account(c), in.UserName, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListUserTagsOutput{Tags: []s.Tag{}, IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, t := range page.Items {
		out.Tags = append(out.Tags, s.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

func (a *API) putUserPermissionsBoundary(ctx context.Context, c *authz.Caller, in *s.PutUserPermissionsBoundaryInput) error {
	call := &authz.Call{Keys: map[string]string{"iam:PermissionsBoundary": in.PermissionsBoundary}}
	if _, err := a.authorizeUser(ctx, c, "iam:PutUserPermissionsBoundary", in.UserName, call); err != nil {
		return err
	}
	return a.store.PutUserPermissionsBoundary(ctx, account(c), in.UserName, in.PermissionsBoundary)
}

func (a *API) deleteUserPermissionsBoundary(ctx context.Context, c *authz.Caller, in *s.DeleteUserPermissionsBoundaryInput) error {
	arn, u, err := a.userTarget(ctx, c, in.UserName)
	if err != nil {
		return err
	}
	call := &authz.Call{Action: "iam:DeleteUserPermissionsBoundary", Resource: arn}
	if u != nil {
		resourceTagKeys(call, u.Tags)
		if u.PermissionsBoundary != "" {
			// iam:PermissionsBoundary names the boundary being removed.
			if call.Keys == nil {
				call.Keys = map[string]string{}
			}
			call.Keys["iam:PermissionsBoundary"] = u.PermissionsBoundary
		}
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return err
	}
	return a.store.DeleteUserPermissionsBoundary(ctx, account(c), in.UserName)
}
