package warden

import (
	"context"
	"time"
)

// User is an IAM user: a long-term identity with a name, unique in its
// account regardless of case, and an ARN built from its path and name.
type User struct {
	AccountID  string
	ID         string // AIDA…
	Name       string
	Path       string
	ARN        string
	CreateDate time.Time
	// PermissionsBoundary is the ARN of the managed policy that bounds the
	// user's permissions; empty when there is none.
	PermissionsBoundary string
	// Tags are filled by User and CreateUser only: like IAM's ListUsers, list
	// operations leave them out.
	Tags []Tag
}

// CreateUserInput describes a new user.
type CreateUserInput struct {
	Name                string
	Path                string // "/" when empty
	PermissionsBoundary string // optional managed policy ARN
	Tags                []Tag
}

// Validate checks the input against the IAM API model's constraints.
//
// Returns ValidationError or InvalidInput.
func (in *CreateUserInput) Validate() error {
	var v validator
	v.userName("userName", in.Name)
	if in.Path != "" {
		v.path("path", in.Path)
	}
	if in.PermissionsBoundary != "" {
		v.arn("permissionsBoundary", in.PermissionsBoundary)
	}
	if err := v.err(); err != nil {
		return err
	}
	return ValidateTags(in.Tags)
}

// UpdateUserInput renames or moves a user; nil fields stay as they are.
type UpdateUserInput struct {
	NewName *string
	NewPath *string
}

// Validate checks the input against the IAM API model's constraints.
//
// Returns ValidationError.
func (in *UpdateUserInput) Validate() error {
	var v validator
	if in.NewName != nil {
		v.userName("newUserName", *in.NewName)
	}
	if in.NewPath != nil {
		v.path("newPath", *in.NewPath)
	}
	return v.err()
}

// UserService manages IAM users. Names are matched without regard to case
// ("IAM identifiers": names "are not distinguished by case"); the case a
// user was created or renamed with is kept.
//
// Every method taking a user name returns NoSuchEntity ("The user with name
// NAME cannot be found.") when there is no such user in the account.
type UserService interface {
	// CreateUser creates a user.
	//
	// Returns EntityAlreadyExists ("User with name NAME already exists."),
	// LimitExceeded ("Cannot exceed quota for UsersPerAccount: 5000"),
	// NoSuchEntity ("Scope ARN: ARN does not exist or is not attachable.")
	// for an unknown or unattachable boundary policy, and ValidationError or
	// InvalidInput for malformed input.
	CreateUser(ctx context.Context, account string, in CreateUserInput) (*User, error)

	// User returns the user with the given name, with its tags. Every
	// operation on a user reads it first, so stores may cache the answer
	// until the next write; the value may be shared and must not be
	// modified.
	User(ctx context.Context, account, name string) (*User, error)

	// ListUsers returns the account's users whose path starts with
	// opts.PathPrefix, ordered by name.
	//
	// Returns ValidationError for malformed options or marker.
	ListUsers(ctx context.Context, account string, opts ListOptions) (*Page[*User], error)

	// UpdateUser renames or moves a user. Its ID, attachments, group
	// memberships, keys and tags stay with it; its ARN changes.
	//
	// Returns EntityAlreadyExists when the new name is taken.
	UpdateUser(ctx context.Context, account, name string, in UpdateUserInput) (*User, error)

	// DeleteUser deletes a user that owns nothing any more.
	//
	// Returns DeleteConflict while it still has inline policies ("Cannot
	// delete entity, must delete policies first."), attached policies
	// ("…must detach all policies first."), group memberships ("…must
	// remove users from group first."), access keys ("…must delete access
	// keys first."), a login profile ("…must delete login profile first.")
	// or an MFA device ("…must delete MFA device first."), checked in that
	// order.
	DeleteUser(ctx context.Context, account, name string) error

	// TagUser adds tags to a user, replacing the value of keys it already
	// has (compared without regard to case).
	//
	// Returns LimitExceeded ("Cannot exceed quota for TagsPerUser: 50") and
	// ValidationError or InvalidInput for malformed tags.
	TagUser(ctx context.Context, account, name string, tags []Tag) error

	// UntagUser removes the tags with the given keys; absent keys are
	// ignored.
	UntagUser(ctx context.Context, account, name string, keys []string) error

	// ListUserTags returns a user's tags ordered by key.
	ListUserTags(ctx context.Context, account, name string, opts ListOptions) (*Page[Tag], error)

	// PutUserPermissionsBoundary sets the managed policy that bounds the
	// user's permissions.
	//
	// Returns NoSuchEntity ("Scope ARN: ARN does not exist or is not
	// attachable.") for an unknown or unattachable policy and InvalidInput
	// for an ARN that names no policy.
	PutUserPermissionsBoundary(ctx context.Context, account, name, policyARN string) error

	// DeleteUserPermissionsBoundary removes the user's permissions boundary,
	// if it has one.
	DeleteUserPermissionsBoundary(ctx context.Context, account, name string) error
}
