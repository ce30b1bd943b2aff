package warden

import (
	"context"
	"time"
)

// ManagedPolicy is a standalone identity policy with an ARN, which can be
// attached to users, groups and roles or used as their permissions
// boundary. Customer managed policies live in an account; AWS managed
// policies (arn:aws:iam::aws:policy/…) are defined by AWS and shared by all
// accounts (IAM User Guide, "Managed policies and inline policies").
type ManagedPolicy struct {
	AccountID        string // "aws" for AWS managed policies
	ID               string // ANPA…
	Name             string
	Path             string
	ARN              string
	Description      string
	DefaultVersionID string // "v1", "v2", …
	// AttachmentCount counts the users, groups and roles of the account
	// asking that the policy is attached to; PermissionsBoundaryUsageCount
	// counts those it bounds.
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	CreateDate                    time.Time
	UpdateDate                    time.Time
	// Tags are filled by Policy and CreatePolicy only.
	Tags []Tag
}

// PolicyVersion is one version of a managed policy's document. IAM keeps up
// to five versions; exactly one is the default, the one in force.
type PolicyVersion struct {
	VersionID        string
	Document         string // stored exactly as given
	IsDefaultVersion bool
	CreateDate       time.Time
}

// CreatePolicyInput describes a new customer managed policy, whose document
// becomes version v1.
type CreatePolicyInput struct {
	Name        string
	Path        string // "/" when empty
	Document    string
	Description string
	Tags        []Tag
}

// Validate checks the input against the IAM API model's constraints. It does
// not check the document's grammar (the policy package does that).
//
// Returns ValidationError or InvalidInput.
func (in *CreatePolicyInput) Validate() error {
	var v validator
	v.policyName("policyName", in.Name)
	if in.Path != "" {
		v.field("path", in.Path, 1, 512, policyPathRE, policyPathPattern)
	}
	v.document("policyDocument", in.Document)
	v.length("description", in.Description, 0, 1000)
	if err := v.err(); err != nil {
		return err
	}
	return ValidateTags(in.Tags)
}

// ValidatePolicyDocument checks a policy document against the model's
// length and character constraints (policyDocumentType).
//
// Returns ValidationError.
func ValidatePolicyDocument(document string) error {
	return validateNames(func(v *validator) { v.document("policyDocument", document) })
}

// PolicyScope selects managed policies by owner (ListPolicies Scope).
type PolicyScope string

const (
	PolicyScopeAll   PolicyScope = "All"
	PolicyScopeAWS   PolicyScope = "AWS"
	PolicyScopeLocal PolicyScope = "Local"
)

// PolicyUsage selects policies, or the identities using a policy, by how
// they are used (PolicyUsageFilter).
type PolicyUsage string

const (
	PolicyUsageAny                 PolicyUsage = ""
	PolicyUsagePermissionsPolicy   PolicyUsage = "PermissionsPolicy"
	PolicyUsagePermissionsBoundary PolicyUsage = "PermissionsBoundary"
)

// ListPoliciesOptions filter ListPolicies.
type ListPoliciesOptions struct {
	ListOptions
	Scope PolicyScope // "" means All
	// OnlyAttached keeps only policies attached to at least one identity.
	OnlyAttached bool
	// Usage keeps only policies in use that way: PermissionsPolicy those
	// attached to an identity, PermissionsBoundary those bounding one.
	Usage PolicyUsage
}

// ListEntitiesOptions filter ListEntitiesForPolicy.
type ListEntitiesOptions struct {
	ListOptions
	// Kind keeps only identities of that kind; "" keeps all three.
	Kind IdentityKind
	// Usage keeps identities the policy is attached to
	// (PermissionsPolicy), or bounds (PermissionsBoundary); "" keeps both.
	Usage PolicyUsage
}

// PolicyEntity names an identity using a managed policy.
type PolicyEntity struct {
	Name string
	ID   string
}

// PolicyEntities is a page of ListEntitiesForPolicy: groups, then users,
// then roles, each ordered by name.
type PolicyEntities struct {
	Groups      []PolicyEntity
	Users       []PolicyEntity
	Roles       []PolicyEntity
	IsTruncated bool
	Marker      string
}

// AWSManagedPolicy is one entry of the AWS managed policy catalogue: the
// policy and the document of its default version.
type AWSManagedPolicy struct {
	Policy   ManagedPolicy // AccountID "aws"; counts are filled per account by the store
	Document string
}

// AWSManagedPolicySource is the catalogue of AWS managed policies a store
// resolves arn:aws:iam::aws:policy/… ARNs against. Another package supplies
// it from an embedded set; a store given none knows no AWS managed policies.
// Implementations must be safe for concurrent use and return the same
// answers for the life of the process.
type AWSManagedPolicySource interface {
	// AWSManagedPolicy returns the policy with the given ARN; ok is false
	// when the catalogue has none.
	AWSManagedPolicy(arn string) (policy *AWSManagedPolicy, ok bool)
	// AWSManagedPolicies returns the whole catalogue, in any order.
	AWSManagedPolicies() []*AWSManagedPolicy
}

// PolicyService manages customer managed policies and their versions, and
// answers for AWS managed ones.
//
// Every method taking a policy ARN returns InvalidInput ("ARN ARN is not
// valid.") when it is not a policy ARN and NoSuchEntity ("Policy ARN was not
// found.") when the account has no such policy. The methods that change a
// policy return UnmodifiableEntity ("Cannot modify an AWS managed
// policy.") for AWS managed policies.
type PolicyService interface {
	// CreatePolicy creates a customer managed policy with version v1.
	//
	// Returns EntityAlreadyExists ("A policy called NAME already exists.
	// Duplicate names are not allowed."), LimitExceeded ("Cannot exceed
	// quota for PoliciesPerAccount: 1500", "Cannot exceed quota for
	// PolicySize: 6144"), and ValidationError or InvalidInput.
	CreatePolicy(ctx context.Context, account string, in CreatePolicyInput) (*ManagedPolicy, error)

	// Policy returns a customer or AWS managed policy with its attachment
	// counts in the account and, for customer policies, its tags.
	Policy(ctx context.Context, account, arn string) (*ManagedPolicy, error)

	// ListPolicies returns managed policies ordered customer first, then
	// AWS, each by name.
	ListPolicies(ctx context.Context, account string, opts ListPoliciesOptions) (*Page[*ManagedPolicy], error)

	// DeletePolicy deletes a customer managed policy with no other version
	// than its default and in use by no identity.
	//
	// Returns DeleteConflict ("Cannot delete a policy attached to
	// entities." while attached or used as a boundary; "This policy has
	// more than one version. Before you delete a policy, you must delete
	// the policy's versions. The default version is deleted with the
	// policy.").
	DeletePolicy(ctx context.Context, account, arn string) error

	// CreatePolicyVersion adds a version, vN with N one more than the
	// highest ever used, optionally making it the default.
	//
	// Returns LimitExceeded ("A managed policy can have up to 5 versions.
	// Before you create a new version, you must delete an existing
	// version.", "Cannot exceed quota for PolicySize: 6144").
	CreatePolicyVersion(ctx context.Context, account, arn, document string, setAsDefault bool) (*PolicyVersion, error)

	// PolicyVersion returns one version of a policy.
	//
	// Returns NoSuchEntity ("Policy ARN version ID does not exist or is not
	// attachable.") and ValidationError for a malformed version ID.
	PolicyVersion(ctx context.Context, account, arn, versionID string) (*PolicyVersion, error)

	// ListPolicyVersions returns a policy's versions, newest first.
	ListPolicyVersions(ctx context.Context, account, arn string, opts ListOptions) (*Page[*PolicyVersion], error)

	// DeletePolicyVersion deletes a version that is not the default.
	//
	// Returns DeleteConflict ("Cannot delete the default version of a
	// policy.") and NoSuchEntity for an unknown version.
	DeletePolicyVersion(ctx context.Context, account, arn, versionID string) error

	// SetDefaultPolicyVersion makes a version the one in force.
	//
	// Returns NoSuchEntity for an unknown version.
	SetDefaultPolicyVersion(ctx context.Context, account, arn, versionID string) error

	// TagPolicy adds tags to a customer managed policy, replacing the value
	// of keys it already has (compared case-sensitively).
	//
	// Returns LimitExceeded ("Cannot exceed quota for TagsPerPolicy: 50").
	TagPolicy(ctx context.Context, account, arn string, tags []Tag) error

	// UntagPolicy removes the tags with the given keys.
	UntagPolicy(ctx context.Context, account, arn string, keys []string) error

	// ListPolicyTags returns a policy's tags ordered by key.
	ListPolicyTags(ctx context.Context, account, arn string, opts ListOptions) (*Page[Tag], error)

	// ListEntitiesForPolicy returns the account's identities that use a
	// managed policy, as attachment or as boundary.
	ListEntitiesForPolicy(ctx context.Context, account, arn string, opts ListEntitiesOptions) (*PolicyEntities, error)
}
