package iamapi

import (
	"context"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func (a *API) registerGroups() {
	register(a, "CreateGroup", a.createGroup)
	register(a, "GetGroup", a.getGroup)
	register(a, "ListGroups", a.listGroups)
	registerNoResult(a, "UpdateGroup", a.updateGroup)
	registerNoResult(a, "DeleteGroup", a.deleteGroup)
	registerNoResult(a, "AddUserToGroup", a.addUserToGroup)
	registerNoResult(a, "RemoveUserFromGroup", a.removeUserFromGroup)
	register(a, "ListGroupsForUser", a.listGroupsForUser)
}

func groupOut(g *warden.Group) s.Group {
	return s.Group{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: g.ARN, CreateDate: g.CreateDate}
}

func groupsOut(groups []*warden.Group) []s.Group {
	out := make([]s.Group, len(groups))
	for i, g := range groups {
		out[i] = groupOut(g)
	}
	return out
}

func (a *API) createGroup(ctx context.Context, c *authz.Caller, in *s.CreateGroupInput) (*s.CreateGroupOutput, error) {
	path := deref(in.Path, "/")
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:CreateGroup", Resource: warden.IAMARN(account(c), "group", path, in.GroupName)}); err != nil {
		return nil, err
	}
	g, err := a.store.CreateGroup(ctx, account(c), in.GroupName, path)
	if err != nil {
		return nil, err
	}
	return &s.CreateGroupOutput{Group: groupOut(g)}, nil
}

// getGroup describes a group with a page of its members.
func (a *API) getGroup(ctx context.Context, c *authz.Caller, in *s.GetGroupInput) (*s.GetGroupOutput, error) {
	t, err := a.authorizedTarget(ctx, c, "iam:GetGroup", warden.GroupIdentity(in.GroupName), nil)
	if err != nil {
		return nil, err
	}
	if t.missing != nil {
		return nil, t.missing
	}
	page, err := a.store.GroupUsers(ctx, account(c), in.GroupName, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.GetGroupOutput{Group: groupOut(t.group), Users: make([]s.User, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for i, u := range page.Items {
		out.Users[i] = userOut(u)
	}
	return out, nil
}

func (a *API) listGroups(ctx context.Context, c *authz.Caller, in *s.ListGroupsInput) (*s.ListGroupsOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListGroups", Resource: listResource(c, "group", in.PathPrefix)}); err != nil {
		return nil, err
	}
	page, err := a.store.ListGroups(ctx, account(c), listOptions(in.PathPrefix, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &s.ListGroupsOutput{Groups: groupsOut(page.Items), IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
}

// updateGroup renames or moves a group. The caller needs iam:UpdateGroup on
// the group as it is and as it will be (IAM API Reference, "UpdateGroup":
// to rename Managers to MGRs the principal must be allowed to update both).
func (a *API) updateGroup(ctx context.Context, c *authz.Caller, in *s.UpdateGroupInput) error {
	path, name := "/", in.GroupName
	switch g, err := a.store.Group(ctx, account(c), in.GroupName); {
	case err == nil:
		path, name = g.Path, g.Name
	case warden.ErrorCode(err) != warden.ENoSuchEntity:
		return err
	}
	before := warden.IAMARN(account(c), "group", path, name)
	after := warden.IAMARN(account(c), "group", deref(in.NewPath, path), deref(in.NewGroupName, name))
	for _, arn := range slices.Compact([]string{before, after}) {
		if err := a.authorize(ctx, c, &authz.Call{Action: "iam:UpdateGroup", Resource: arn}); err != nil {
			return err
		}
	}
	_, err := a.store.UpdateGroup(ctx, account(c), in.GroupName, warden.UpdateGroupInput{NewName: in.NewGroupName, NewPath: in.NewPath})
	return err
}

func (a *API) deleteGroup(ctx context.Context, c *authz.Caller, in *s.DeleteGroupInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:DeleteGroup", warden.GroupIdentity(in.GroupName), nil); err != nil {
		return err
	}
	return a.store.DeleteGroup(ctx, account(c), in.GroupName)
}

// addUserToGroup and removeUserFromGroup are authorized on the group alone:
// membership is a property of the group (Service Authorization Reference,
// iam:AddUserToGroup has the group as its only resource type).
func (a *API) addUserToGroup(ctx context.Context, c *authz.Caller, in *s.AddUserToGroupInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:AddUserToGroup", warden.GroupIdentity(in.GroupName), nil); err != nil {
		return err
	}
	return a.store.AddUserToGroup(ctx, account(c), in.GroupName, in.UserName)
}

func (a *API) removeUserFromGroup(ctx context.Context, c *authz.Caller, in *s.RemoveUserFromGroupInput) error {
	if err := a.authorizeIdentity(ctx, c, "iam:RemoveUserFromGroup", warden.GroupIdentity(in.GroupName), nil); err != nil {
		return err
	}
	return a.store.RemoveUserFromGroup(ctx, account(c), in.GroupName, in.UserName)
}

func (a *API) listGroupsForUser(ctx context.Context, c *authz.Caller, in *s.ListGroupsForUserInput) (*s.ListGroupsForUserOutput, error) {
	if err := a.authorizeIdentity(ctx, c, "iam:ListGroupsForUser", warden.UserIdentity(in.UserName), nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListGroupsForUser(ctx, account(c), in.UserName, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &s.ListGroupsForUserOutput{Groups: groupsOut(page.Items), IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
}
