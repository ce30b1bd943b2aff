package warden

import "context"

// PrincipalKind is the kind of a principal: a long-term identity a store
// knows, a session of temporary credentials, or an AWS service.
type PrincipalKind string

const (
	PrincipalRoot PrincipalKind = "Root" // an account's root user
	PrincipalUser PrincipalKind = "User"
	PrincipalRole PrincipalKind = "Role"
	// PrincipalAssumedRole and PrincipalFederatedUser are sessions; their
	// Session says which role or user they act for.
	PrincipalAssumedRole   PrincipalKind = "AssumedRole"
	PrincipalFederatedUser PrincipalKind = "FederatedUser"
	// PrincipalService is an AWS service principal (ARN and Name are its
	// name, health-agent.amazonaws.com) acting on a customer's behalf.
	PrincipalService PrincipalKind = "Service"
	// PrincipalAnonymous is an unsigned caller, admitted only by the
	// operations that authenticate with a token they carry
	// (AssumeRoleWithWebIdentity). It has no account, ARN or policies.
	PrincipalAnonymous PrincipalKind = "Anonymous"
)

// Principal is the identity behind a credential or a policy lookup.
type Principal struct {
	Kind      PrincipalKind
	AccountID string
	ARN       string
	// ID is the unique ID policies see as aws:userid: AIDA… for users,
	// AROA… for roles, the account ID for the root user.
	ID   string
	Name string // user or role name; session name; empty for the root user
	Path string // empty for the root user and sessions
	// Session is set for temporary credentials: an AssumedRole or
	// FederatedUser principal, or a user or root user signing with
	// GetSessionToken credentials.
	Session *Session
}

// PolicyARN returns the ARN whose identity policies apply to the
// principal: the role or user behind a session, else its own.
func (p *Principal) PolicyARN() string {
	if p.Session != nil {
		return p.Session.Parent.ARN
	}
	return p.ARN
}

// IdentityPolicy is one identity-based policy document that applies to a
// principal, with where it came from so that a decision can say why.
type IdentityPolicy struct {
	// Name is the inline policy's name or the managed policy's name.
	Name string
	// ARN and VersionID identify a managed policy and its default
	// version; both are empty for inline policies.
	ARN       string
	VersionID string
	// AttachedTo is the ARN of the user, group or role holding the policy.
	AttachedTo string
	Document   string
}

// Inline reports whether the policy is an inline policy.
func (p *IdentityPolicy) Inline() bool { return p.ARN == "" }

// PrincipalPolicies is everything an authorizer needs about a principal.
// Values returned by a store may be shared between callers and must not be
// modified.
type PrincipalPolicies struct {
	Principal Principal
	Tags      []Tag
	// GroupARNs lists the groups of a user, ordered by name.
	GroupARNs []string
	// Policies are the identity-based policies: a user's own inline then
	// attached policies, then each group's (groups ordered by name); a
	// role's inline then attached policies. Empty for the root user, which
	// is allowed by default instead.
	Policies []IdentityPolicy
	// PermissionsBoundary is the boundary's default version, nil when the
	// principal has none.
	PermissionsBoundary *IdentityPolicy
	// AssumeRolePolicyDocument and MaxSessionDuration are set for roles
	// only.
	AssumeRolePolicyDocument string
	MaxSessionDuration       int
}

// AuthorizationSource answers the lookups every request makes: which
// principal signed it and which policies apply. Implementations cache both
// and drop cached data on every write that could change an answer, so
// that once a write through the same store returns no later lookup sees
// the state before it. Values returned may be shared between callers and
// must not be modified.
type AuthorizationSource interface {
	// AccessKey returns the access key with the given ID, with its
	// decrypted secret, and the principal that owns it. Inactive keys are
	// returned too: the caller rejects them.
	//
	// Temporary (ASIA…) key IDs resolve to their session: an active key
	// and a principal whose Session holds the token digest and expiry.
	// Expired sessions are returned (the caller answers ExpiredToken) until
	// the store purges them; sessions whose role or user was deleted are
	// not.
	//
	// Returns NoSuchEntity ("The Access Key with id ID cannot be found.").
	AccessKey(ctx context.Context, keyID string) (*AccessKey, *Principal, error)

	// PrincipalPolicies returns the policies that apply to the user, role
	// or root user with the given ARN. AWS managed policies are resolved
	// through the store's AWSManagedPolicySource.
	//
	// Returns NoSuchEntity ("The principal ARN cannot be found.") for an
	// ARN that names no user, role or root user of a known account (paths
	// and case must match: ARNs are exact), and ServiceFailure when an attached AWS managed
	// policy is missing from the catalogue: deciding without it could allow
	// what it denies.
	PrincipalPolicies(ctx context.Context, principalARN string) (*PrincipalPolicies, error)
}
