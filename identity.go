package warden

import (
	"context"
	"fmt"
)

// IdentityKind names the three kinds of IAM identity that policies can be
// attached to (IAM User Guide, "IAM Identities").
type IdentityKind string

const (
	IdentityUser  IdentityKind = "User"
	IdentityGroup IdentityKind = "Group"
	IdentityRole  IdentityKind = "Role"
)

// Identity names a user, group or role of an account.
type Identity struct {
	Kind IdentityKind
	Name string
}

// UserIdentity, GroupIdentity and RoleIdentity name an identity of each
// kind.
func UserIdentity(name string) Identity  { return Identity{IdentityUser, name} }
func GroupIdentity(name string) Identity { return Identity{IdentityGroup, name} }
func RoleIdentity(name string) Identity  { return Identity{IdentityRole, name} }

func (id Identity) String() string { return fmt.Sprintf("%s %s", id.Kind, id.Name) }

// Validate checks the kind and the name against the IAM API model's
// constraints for that kind.
//
// Returns ValidationError.
func (id Identity) Validate() error {
	switch id.Kind {
	case IdentityUser:
		return ValidateUserName(id.Name)
	case IdentityGroup:
		return ValidateGroupName(id.Name)
	case IdentityRole:
		return ValidateRoleName(id.Name)
	}
	return Errorf(EValidationError, "Identity kind %q is not User, Group or Role.", id.Kind)
}

// AttachedPolicy names a managed policy attached to an identity.
type AttachedPolicy struct {
	Name string
	ARN  string
}

// InlinePolicy is a policy embedded in one identity: it has a name unique
// within that identity (compared without regard to case) and no ARN.
type InlinePolicy struct {
	Identity Identity
	Name     string
	Document string // stored exactly as given
}

// IdentityPolicyService manages the policies of users, groups and roles:
// attached managed policies and inline policies.
//
// Every method returns NoSuchEntity ("The user with name NAME cannot be
// found.", "The group with name …", "The role with name …") when the
// identity does not exist.
type IdentityPolicyService interface {
	// AttachPolicy attaches a customer or AWS managed policy to an identity;
	// attaching it again does nothing.
	//
	// Returns NoSuchEntity ("Policy ARN does not exist or is not
	// attachable."), InvalidInput for an ARN that names no policy, and
	// LimitExceeded ("Cannot exceed quota for PoliciesPerUser: 10", …PerGroup,
	// …PerRole).
	AttachPolicy(ctx context.Context, account string, id Identity, policyARN string) error

	// DetachPolicy detaches a managed policy.
	//
	// Returns NoSuchEntity ("Policy ARN was not found.") when it is not
	// attached.
	DetachPolicy(ctx context.Context, account string, id Identity, policyARN string) error

	// ListAttachedPolicies returns the managed policies attached to an
	// identity whose path starts with opts.PathPrefix, ordered by name.
	ListAttachedPolicies(ctx context.Context, account string, id Identity, opts ListOptions) (*Page[AttachedPolicy], error)

	// PutInlinePolicy creates or replaces an inline policy.
	//
	// Returns LimitExceeded ("Maximum policy size of 2048 bytes exceeded for
	// user NAME", 5120 for groups, 10240 for roles, counting all the
	// identity's inline policies) and ValidationError.
	PutInlinePolicy(ctx context.Context, account string, id Identity, name, document string) error

	// InlinePolicy returns an inline policy.
	//
	// Returns NoSuchEntity ("The user policy with name NAME cannot be
	// found.", "The group policy …", "The role policy …").
	InlinePolicy(ctx context.Context, account string, id Identity, name string) (*InlinePolicy, error)

	// DeleteInlinePolicy deletes an inline policy.
	//
	// Returns NoSuchEntity as InlinePolicy does.
	DeleteInlinePolicy(ctx context.Context, account string, id Identity, name string) error

	// ListInlinePolicies returns the names of an identity's inline policies,
	// ordered without regard to case.
	ListInlinePolicies(ctx context.Context, account string, id Identity, opts ListOptions) (*Page[string], error)
}
