package warden

import (
	"context"
	"time"
)

// Group is an IAM group: a set of users that share the policies attached to
// it. Groups are not principals; they only carry policies.
type Group struct {
	AccountID  string
	ID         string // AGPA…
	Name       string
	Path       string
	ARN        string
	CreateDate time.Time
}

// UpdateGroupInput renames or moves a group; nil fields stay as they are.
type UpdateGroupInput struct {
	NewName *string
	NewPath *string
}

// Validate checks the input against the IAM API model's constraints.
//
// Returns ValidationError.
func (in *UpdateGroupInput) Validate() error {
	var v validator
	if in.NewName != nil {
		v.groupName("newGroupName", *in.NewName)
	}
	if in.NewPath != nil {
		v.path("newPath", *in.NewPath)
	}
	return v.err()
}

// ValidateCreateGroup checks the parameters of CreateGroup.
//
// Returns ValidationError.
func ValidateCreateGroup(name, path string) error {
	var v validator
	v.groupName("groupName", name)
	if path != "" {
		v.path("path", path)
	}
	return v.err()
}

// GroupService manages IAM groups and their members. Names are matched
// without regard to case.
//
// Every method taking a group name returns NoSuchEntity ("The group with
// name NAME cannot be found.") when there is no such group, and every
// method taking a user name returns NoSuchEntity ("The user with name NAME
// cannot be found.") when there is no such user.
type GroupService interface {
	// CreateGroup creates a group; path "" means "/".
	//
	// Returns EntityAlreadyExists ("Group with name NAME already exists."),
	// LimitExceeded ("Cannot exceed quota for GroupsPerAccount: 300") and
	// ValidationError.
	CreateGroup(ctx context.Context, account, name, path string) (*Group, error)

	// Group returns the group with the given name.
	Group(ctx context.Context, account, name string) (*Group, error)

	// GroupUsers returns the members of a group ordered by name (the user
	// list of GetGroup).
	GroupUsers(ctx context.Context, account, name string, opts ListOptions) (*Page[*User], error)

	// ListGroups returns the account's groups whose path starts with
	// opts.PathPrefix, ordered by name.
	ListGroups(ctx context.Context, account string, opts ListOptions) (*Page[*Group], error)

	// ListGroupsForUser returns the groups a user belongs to, ordered by
	// name.
	ListGroupsForUser(ctx context.Context, account, userName string, opts ListOptions) (*Page[*Group], error)

	// UpdateGroup renames or moves a group. Its members and policies stay
	// with it.
	//
	// Returns EntityAlreadyExists when the new name is taken.
	UpdateGroup(ctx context.Context, account, name string, in UpdateGroupInput) (*Group, error)

	// DeleteGroup deletes a group that has no members and no policies.
	//
	// Returns DeleteConflict ("Cannot delete entity, must remove users from
	// group first.", "…must delete policies first.", "…must detach all
	// policies first.", checked in that order).
	DeleteGroup(ctx context.Context, account, name string) error

	// AddUserToGroup makes a user a member of a group; adding a member again
	// does nothing.
	//
	// Returns LimitExceeded ("Cannot exceed quota for GroupsPerUser: 10").
	AddUserToGroup(ctx context.Context, account, groupName, userName string) error

	// RemoveUserFromGroup ends a membership.
	//
	// Returns NoSuchEntity ("User NAME is not in group GROUP.") when the
	// user is not a member.
	RemoveUserFromGroup(ctx context.Context, account, groupName, userName string) error
}
