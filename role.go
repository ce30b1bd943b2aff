package warden

import (
	"context"
	"strconv"
	"time"
)

// Default and bounds of a role's maximum session duration, in seconds
// (roleMaxSessionDurationType).
const (
	DefaultMaxSessionDuration = 3600
	MaxMaxSessionDuration     = 43200
)

// Role is an IAM role: an identity that trusted principals assume for
// temporary credentials. Its trust policy (AssumeRolePolicyDocument) says
// who may assume it; its identity policies say what the sessions may do.
type Role struct {
	AccountID                string
	ID                       string // AROA…
	Name                     string
	Path                     string
	ARN                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string // stored exactly as given
	Description              string
	MaxSessionDuration       int // seconds
	PermissionsBoundary      string
	// Tags are filled by Role and CreateRole only.
	Tags     []Tag
	LastUsed *RoleLastUsed // nil when the role was never assumed
}

// RoleLastUsed records when and where a role was last assumed.
type RoleLastUsed struct {
	Date   time.Time
	Region string
}

// CreateRoleInput describes a new role.
type CreateRoleInput struct {
	Name                     string
	Path                     string // "/" when empty
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int // seconds; 0 means DefaultMaxSessionDuration
	PermissionsBoundary      string
	Tags                     []Tag
}

// Validate checks the input against the IAM API model's constraints. It does
// not check the trust policy's grammar: that is the policy package's job.
//
// Returns ValidationError or InvalidInput.
func (in *CreateRoleInput) Validate() error {
	var v validator
	v.roleName("roleName", in.Name)
	if in.Path != "" {
		v.path("path", in.Path)
	}
	v.document("assumeRolePolicyDocument", in.AssumeRolePolicyDocument)
	v.field("description", in.Description, 0, 1000, descriptionRE, descriptionPattern)
	if in.MaxSessionDuration != 0 {
		maxSessionDuration(&v, in.MaxSessionDuration)
	}
	if in.PermissionsBoundary != "" {
		v.arn("permissionsBoundary", in.PermissionsBoundary)
	}
	if err := v.err(); err != nil {
		return err
	}
	return ValidateTags(in.Tags)
}

func maxSessionDuration(v *validator, seconds int) {
	switch {
	case seconds < DefaultMaxSessionDuration:
		v.fail(strconv.Itoa(seconds), "maxSessionDuration", "Member must have value greater than or equal to 3600")
	case seconds > MaxMaxSessionDuration:
		v.fail(strconv.Itoa(seconds), "maxSessionDuration", "Member must have value less than or equal to 43200")
	}
}

// UpdateRoleInput changes a role's description or maximum session
// duration; nil fields stay as they are.
type UpdateRoleInput struct {
	Description        *string
	MaxSessionDuration *int
}

// Validate checks the input against the IAM API model's constraints.
//
// Returns ValidationError.
func (in *UpdateRoleInput) Validate() error {
	var v validator
	if in.Description != nil {
		v.field("description", *in.Description, 0, 1000, descriptionRE, descriptionPattern)
	}
	if in.MaxSessionDuration != nil {
		maxSessionDuration(&v, *in.MaxSessionDuration)
	}
	return v.err()
}

// RoleService manages IAM roles. Names are matched without regard to case.
//
// Every method taking a role name returns NoSuchEntity ("The role with name
// NAME cannot be found.") when there is no such role in the account.
type RoleService interface {
	// CreateRole creates a role.
	//
	// Returns EntityAlreadyExists ("Role with name NAME already exists."),
	// LimitExceeded ("Cannot exceed quota for RolesPerAccount: 1000", "Cannot
	// exceed quota for ACLSizePerRole: 2048" for the trust policy),
	// NoSuchEntity ("Scope ARN: ARN does not exist or is not attachable.")
	// for an unknown boundary policy, and ValidationError or
	// InvalidInput.
	CreateRole(ctx context.Context, account string, in CreateRoleInput) (*Role, error)

	// Role returns the role with the given name, with its tags.
	Role(ctx context.Context, account, name string) (*Role, error)

	// ListRoles returns the account's roles whose path starts with
	// opts.PathPrefix, ordered by name.
	ListRoles(ctx context.Context, account string, opts ListOptions) (*Page[*Role], error)

	// UpdateRole changes a role's description or maximum session duration.
	UpdateRole(ctx context.Context, account, name string, in UpdateRoleInput) (*Role, error)

	// UpdateAssumeRolePolicy replaces a role's trust policy.
	//
	// Returns LimitExceeded ("Cannot exceed quota for ACLSizePerRole:
	// 2048") and ValidationError.
	UpdateAssumeRolePolicy(ctx context.Context, account, name, document string) error

	// DeleteRole deletes a role that has no policies.
	//
	// Returns DeleteConflict ("Cannot delete entity, must detach all
	// policies first.", "…must delete policies first.", in that order).
	DeleteRole(ctx context.Context, account, name string) error

	// TagRole adds tags to a role, replacing the value of keys it already has
	// (compared without regard to case).
	//
	// Returns LimitExceeded ("Cannot exceed quota for TagsPerRole: 50").
	TagRole(ctx context.Context, account, name string, tags []Tag) error

	// UntagRole removes the tags with the given keys.
	UntagRole(ctx context.Context, account, name string, keys []string) error

	// ListRoleTags returns a role's tags ordered by key.
	ListRoleTags(ctx context.Context, account, name string, opts ListOptions) (*Page[Tag], error)

	// PutRolePermissionsBoundary sets the managed policy that bounds the
	// role's permissions.
	//
	// Returns NoSuchEntity ("Scope ARN: ARN does not exist or is not
	// attachable.") for an unknown or unattachable policy.
	PutRolePermissionsBoundary(ctx context.Context, account, name, policyARN string) error

	// DeleteRolePermissionsBoundary removes the role's boundary, if any.
	DeleteRolePermissionsBoundary(ctx context.Context, account, name string) error

	// RecordRoleUse notes that the role was assumed at the given time in the
	// given region (RoleLastUsed). It does not invalidate cached
	// authorization data: nothing an authorizer reads changes.
	RecordRoleUse(ctx context.Context, account, name, region string, at time.Time) error
}
