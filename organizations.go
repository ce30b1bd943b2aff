package warden

import (
	"context"
	"strings"
	"time"
)

// AWS Organizations: an organization groups accounts under one management
// account, in a tree of a root and organizational units (OUs), and governs
// its member accounts with service control policies (SCPs, which limit what
// the accounts' principals may do) and resource control policies (RCPs,
// which limit what anyone may do to the accounts' resources). The
// management account is governed by neither ("Service control policies
// (SCPs)", "Resource control policies (RCPs)", AWS Organizations User
// Guide).

// Organizations quotas ("Quotas for AWS Organizations", AWS Organizations
// User Guide).
const (
	// MaxOrganizationPolicySize is the size limit of SCPs and RCPs, counted
	// as PolicySize counts.
	MaxOrganizationPolicySize = 5120
	// MaxPoliciesPerTarget bounds the policies of one type attached to a
	// root, OU or account.
	MaxPoliciesPerTarget = 5
	// MaxOrganizationalUnitDepth is how deep OUs may nest under the root.
	MaxOrganizationalUnitDepth = 5
	// MaxOrganizationPolicies bounds the policies of one type in an
	// organization.
	MaxOrganizationPolicies = 1000
)

// OrganizationFeatureSet says what an organization may do: only ALL
// enables policies ("Enabling all features for an organization").
type OrganizationFeatureSet string

const (
	FeatureSetAll                 OrganizationFeatureSet = "ALL"
	FeatureSetConsolidatedBilling OrganizationFeatureSet = "CONSOLIDATED_BILLING"
)

// OrganizationPolicyType is the type of an organization policy. Warden
// serves the two authorization policy types.
type OrganizationPolicyType string

const (
	ServiceControlPolicy  OrganizationPolicyType = "SERVICE_CONTROL_POLICY"
	ResourceControlPolicy OrganizationPolicyType = "RESOURCE_CONTROL_POLICY"
)

// organizationPolicyTypes lists every value of the PolicyType enum of the
// Organizations API: a request may name any of them, though Warden
// serves only SCPs and RCPs.
var organizationPolicyTypes = []OrganizationPolicyType{
	ServiceControlPolicy, ResourceControlPolicy, "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY",
	"CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY", "INSPECTOR_POLICY", "UPGRADE_ROLLOUT_POLICY",
	"BEDROCK_POLICY", "S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY",
}

// Known reports whether t is a value of the API's PolicyType enum.
func (t OrganizationPolicyType) Known() bool {
	for _, k := range organizationPolicyTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Served reports whether Warden serves policies of type t.
func (t OrganizationPolicyType) Served() bool {
	return t == ServiceControlPolicy || t == ResourceControlPolicy
}

// ErrPolicyTypeNotAvailable answers a policy type Warden does not serve, or
// any policy type in an organization without all features.
func ErrPolicyTypeNotAvailable() error {
	return Errorf(EPolicyTypeNotAvailable, "You can't use the specified policy type with the feature set currently enabled for this organization.")
}

// Organization is an AWS organization as its management account sees it.
type Organization struct {
	ID                  string // o- and 10 characters
	ARN                 string
	FeatureSet          OrganizationFeatureSet
	ManagementAccountID string
	// ManagementAccountEmail is empty: Warden's accounts have no email of
	// their own, only the accounts an organization creates do.
	ManagementAccountEmail string
	RootID                 string
	// PolicyTypes are the policy types enabled in the root.
	PolicyTypes []OrganizationPolicyType
	CreateDate  time.Time
}

// ManagementAccountARN returns the organizations ARN of the management
// account.
func (o *Organization) ManagementAccountARN() string { return o.AccountARN(o.ManagementAccountID) }

// RootARN returns the ARN of the organization's root.
func (o *Organization) RootARN() string { return o.arn("root/" + o.ID + "/" + o.RootID) }

// AccountARN returns the ARN of a member account of the organization.
func (o *Organization) AccountARN(account string) string {
	return o.arn("account/" + o.ID + "/" + account)
}

// UnitARN returns the ARN of one of the organization's OUs.
func (o *Organization) UnitARN(ouID string) string { return o.arn("ou/" + o.ID + "/" + ouID) }

// PolicyARN returns the ARN of a policy of the organization. AWS managed
// policies have ARNs of their own, in the aws account.
func (o *Organization) PolicyARN(t OrganizationPolicyType, policyID string) string {
	if p := AWSManagedOrganizationPolicy(policyID); p != nil {
		return p.ARN
	}
	return o.arn("policy/" + o.ID + "/" + strings.ToLower(string(t)) + "/" + policyID)
}

// TargetARN returns the ARN of a root, OU or account of the organization
// by its ID.
func (o *Organization) TargetARN(targetID string) string {
	switch TargetTypeOf(targetID) {
	case TargetRoot:
		return o.RootARN()
	case TargetOrganizationalUnit:
		return o.UnitARN(targetID)
	}
	return o.AccountARN(targetID)
}

func (o *Organization) arn(resource string) string {
	return "arn:" + Partition + ":organizations::" + o.ManagementAccountID + ":" + resource
}

// HasPolicyType reports whether policies of type t are enabled in the root.
func (o *Organization) HasPolicyType(t OrganizationPolicyType) bool {
	for _, e := range o.PolicyTypes {
		if e == t {
			return true
		}
	}
	return false
}

// OrganizationRoot is the top of an organization's tree. An organization
// has exactly one, named "Root".
type OrganizationRoot struct {
	ID          string // r- and 4 characters
	ARN         string
	Name        string
	PolicyTypes []OrganizationPolicyType // enabled, in the order of the enum
}

// OrganizationAccount is an account's membership of an organization.
type OrganizationAccount struct {
	ID           string
	ARN          string
	Email        string // empty for the management account
	Name         string
	Status       string // ACTIVE
	JoinedMethod string // CREATED or INVITED
	JoinedDate   time.Time
	ParentID     string // the root or OU holding the account
}

// Membership values of OrganizationAccount.
const (
	AccountStatusActive = "ACTIVE"
	JoinedCreated       = "CREATED"
	JoinedInvited       = "INVITED"
)

// OrganizationalUnit is a container of accounts and OUs under the root.
type OrganizationalUnit struct {
	ID       string // ou-, the root's ID suffix, - and 8 characters
	ARN      string
	Name     string
	ParentID string
}

// OrganizationPolicy is an SCP or RCP of an organization, or one of the AWS
// managed policies every organization has.
type OrganizationPolicy struct {
	ID          string // p-…
	ARN         string
	Name        string
	Description string
	Type        OrganizationPolicyType
	AWSManaged  bool
	Content     string
}

// The AWS managed organization policies: full access, which AWS attaches to
// every root, OU and account when the policy type is enabled, so that
// policies of that type only ever take away ("Service control policies
// (SCPs)": FullAWSAccess; "Resource control policies (RCPs)":
// RCPFullAWSAccess, which cannot be detached).
var awsManagedOrganizationPolicies = []*OrganizationPolicy{
	{
		ID:          "p-FullAWSAccess",
		ARN:         "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
		Name:        "FullAWSAccess",
		Description: "Allows access to every operation",
		Type:        ServiceControlPolicy,
		AWSManaged:  true,
		Content: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`,
	},
	{
		ID:          "p-RCPFullAWSAccess",
		ARN:         "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
		Name:        "RCPFullAWSAccess",
		Description: "Allows access to every operation",
		Type:        ResourceControlPolicy,
		AWSManaged:  true,
		Content: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`,
	},
}

// AWSManagedOrganizationPolicy returns the AWS managed policy with the given
// ID, or nil. The result must not be modified.
func AWSManagedOrganizationPolicy(id string) *OrganizationPolicy {
	for _, p := range awsManagedOrganizationPolicies {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// FullAccessPolicy returns the AWS managed full-access policy of type t,
// attached by default wherever t is enabled, or nil for other types.
func FullAccessPolicy(t OrganizationPolicyType) *OrganizationPolicy {
	for _, p := range awsManagedOrganizationPolicies {
		if p.Type == t {
			return p
		}
	}
	return nil
}

// CreateAccountStatus is the record of a CreateAccount request. Warden
// creates accounts at once, so a request is SUCCEEDED or FAILED when it
// returns.
type CreateAccountStatus struct {
	ID            string // car-…
	AccountName   string
	State         string // SUCCEEDED or FAILED
	AccountID     string // empty when FAILED
	FailureReason string // EMAIL_ALREADY_EXISTS, …; empty when SUCCEEDED
	RequestedDate time.Time
	CompletedDate time.Time
}

// CreateAccountState values, and the failure reasons Warden gives.
const (
	CreateAccountSucceeded          = "SUCCEEDED"
	CreateAccountFailed             = "FAILED"
	CreateAccountEmailAlreadyExists = "EMAIL_ALREADY_EXISTS"
)

// DefaultOrganizationAccessRole is the role CreateAccount makes in a new
// account for the management account to administer it through.
const DefaultOrganizationAccessRole = "OrganizationAccountAccessRole"

// AdministratorAccessARN is the AWS managed policy the organization access
// role holds.
const AdministratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// OrganizationAccessTrustPolicy is the trust policy of the role CreateAccount
// makes: the management account may assume it ("Accessing member accounts
// in your organization", AWS Organizations User Guide).
func OrganizationAccessTrustPolicy(management string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + RootARN(management) +
		`"},"Action":"sts:AssumeRole"}]}`
}

// TargetType is the kind of node a policy can be attached to.
type TargetType string

const (
	TargetRoot               TargetType = "ROOT"
	TargetOrganizationalUnit TargetType = "ORGANIZATIONAL_UNIT"
	TargetAccount            TargetType = "ACCOUNT"
)

// TargetTypeOf tells a root, OU or account apart by the form of its ID.
func TargetTypeOf(id string) TargetType {
	switch {
	case strings.HasPrefix(id, "r-"):
		return TargetRoot
	case strings.HasPrefix(id, "ou-"):
		return TargetOrganizationalUnit
	}
	return TargetAccount
}

// OrganizationTarget is a root, OU or account a policy is attached to.
type OrganizationTarget struct {
	ID   string
	ARN  string
	Name string
	Type TargetType
}

// ChildType selects the children ListChildren returns.
type ChildType string

const (
	ChildAccount            ChildType = "ACCOUNT"
	ChildOrganizationalUnit ChildType = "ORGANIZATIONAL_UNIT"
)

// OrganizationControls is what an authorizer needs to know about an
// account's place in an organization: the organization keys of its
// requests and resources, and the SCPs and RCPs that govern it.
type OrganizationControls struct {
	AccountID string
	// OrganizationID is empty when the account belongs to no organization;
	// the other members are then empty too.
	OrganizationID string
	Management     bool
	// Path is the account's path in the organization as aws:PrincipalOrgPaths
	// and aws:ResourceOrgPaths show it: o-…/r-…/ou-…/…/, ending with the OU
	// (or root) that holds the account.
	Path string
	// SCPs and RCPs hold the policies attached at each level, the root
	// first, then each OU down to the account, then the account. They are
	// nil when the policy type is not enabled, and for the management
	// account, which neither governs.
	SCPs [][]*OrganizationPolicy
	RCPs [][]*OrganizationPolicy
}

// OrganizationService manages organizations and answers the authorizer's
// question of which SCPs and RCPs govern an account.
//
// Every method taking a management account answers
// AWSOrganizationsNotInUseException ("Your account is not a member of an
// organization.") for an account in no organization and AccessDenied
// ("You don't have permissions to access this resource.") for a member
// account; the error writer of the JSON protocol names the latter
// AccessDeniedException. Lists are paged with ListOptions (Marker and
// MaxItems only) and answer InvalidInputException (INVALID_NEXT_TOKEN) for
// a marker they did not issue.
type OrganizationService interface {
	// CreateOrganization makes the account the management account of a
	// new organization, with a root and no policy types enabled.
	//
	// Returns AlreadyInOrganizationException when the account belongs to
	// an organization, and NoSuchEntity for an unknown account.
	CreateOrganization(ctx context.Context, account string, featureSet OrganizationFeatureSet) (*Organization, error)

	// Organization returns the organization the account belongs to, as
	// management or member account.
	//
	// Returns AWSOrganizationsNotInUseException.
	Organization(ctx context.Context, account string) (*Organization, error)

	// CreateOrganizationAccount creates an account in the organization's
	// root, with a role the management account may assume holding
	// AdministratorAccess. A duplicate email is not an error: the status
	// says FAILED with EMAIL_ALREADY_EXISTS, as AWS reports it.
	//
	// Returns InvalidInputException for an input the model refuses and
	// ServiceFailure when the AWS managed AdministratorAccess policy is
	// missing from the store's catalogue.
	CreateOrganizationAccount(ctx context.Context, management string, in CreateOrganizationAccountInput) (*CreateAccountStatus, error)

	// CreateAccountStatus returns a CreateOrganizationAccount record.
	//
	// Returns CreateAccountStatusNotFoundException.
	CreateAccountStatus(ctx context.Context, management, requestID string) (*CreateAccountStatus, error)

	// ListOrganizationAccounts lists the organization's accounts, the
	// management account included, by ID.
	ListOrganizationAccounts(ctx context.Context, management string, opts ListOptions) (*Page[*OrganizationAccount], error)

	// OrganizationRoot returns the organization's root.
	OrganizationRoot(ctx context.Context, management string) (*OrganizationRoot, error)

	// CreateOrganizationalUnit creates an OU in a root or OU.
	//
	// Returns ParentNotFoundException, DuplicateOrganizationalUnitException
	// when the parent has an OU of that name, and
	// ConstraintViolationException (OU_DEPTH_LIMIT_EXCEEDED).
	CreateOrganizationalUnit(ctx context.Context, management, parentID, name string, tags []Tag) (*OrganizationalUnit, error)

	// ListOrganizationalUnits lists the OUs directly under a root or OU,
	// by ID.
	//
	// Returns ParentNotFoundException.
	ListOrganizationalUnits(ctx context.Context, management, parentID string, opts ListOptions) (*Page[*OrganizationalUnit], error)

	// ListOrganizationChildren lists the IDs of the accounts or OUs
	// directly under a root or OU.
	//
	// Returns ParentNotFoundException.
	ListOrganizationChildren(ctx context.Context, management, parentID string, childType ChildType, opts ListOptions) (*Page[string], error)

	// MoveOrganizationAccount moves an account from one root or OU to
	// another.
	//
	// Returns AccountNotFoundException (also when the account is not in
	// the source), SourceParentNotFoundException,
	// DestinationParentNotFoundException and DuplicateAccountException
	// when it is already in the destination.
	MoveOrganizationAccount(ctx context.Context, management, account, sourceParentID, destinationParentID string) error

	// EnableOrganizationPolicyType enables a policy type in the root and
	// attaches its full-access policy to the root, every OU and every
	// account.
	//
	// Returns RootNotFoundException, PolicyTypeAlreadyEnabledException and
	// PolicyTypeNotAvailableForOrganizationException (a type Warden does not
	// serve, or an organization without all features).
	EnableOrganizationPolicyType(ctx context.Context, management, rootID string, t OrganizationPolicyType) (*OrganizationRoot, error)

	// DisableOrganizationPolicyType disables a policy type in the root and
	// detaches every policy of that type.
	//
	// Returns RootNotFoundException and PolicyTypeNotEnabledException.
	DisableOrganizationPolicyType(ctx context.Context, management, rootID string, t OrganizationPolicyType) (*OrganizationRoot, error)

	// CreateOrganizationPolicy creates an SCP or RCP. The content must
	// already have passed the policy language's rules for the type.
	//
	// Returns DuplicatePolicyException for a name the type already uses,
	// ConstraintViolationException (POLICY_CONTENT_LIMIT_EXCEEDED,
	// POLICY_NUMBER_LIMIT_EXCEEDED) and
	// PolicyTypeNotAvailableForOrganizationException.
	CreateOrganizationPolicy(ctx context.Context, management string, in CreateOrganizationPolicyInput) (*OrganizationPolicy, error)

	// UpdateOrganizationPolicy changes a policy's name, description or
	// content.
	//
	// Returns PolicyNotFoundException, InvalidInputException
	// (IMMUTABLE_POLICY) for AWS managed policies, DuplicatePolicyException
	// and ConstraintViolationException (POLICY_CONTENT_LIMIT_EXCEEDED).
	UpdateOrganizationPolicy(ctx context.Context, management, policyID string, in UpdateOrganizationPolicyInput) (*OrganizationPolicy, error)

	// DeleteOrganizationPolicy deletes a policy attached nowhere.
	//
	// Returns PolicyNotFoundException, PolicyInUseException and
	// InvalidInputException (IMMUTABLE_POLICY).
	DeleteOrganizationPolicy(ctx context.Context, management, policyID string) error

	// OrganizationPolicy returns a policy of the organization or an AWS
	// managed one, with its tags.
	//
	// Returns PolicyNotFoundException.
	OrganizationPolicy(ctx context.Context, management, policyID string) (*OrganizationPolicy, []Tag, error)

	// ListOrganizationPolicies lists the policies of a type, the AWS
	// managed one first, then by ID.
	ListOrganizationPolicies(ctx context.Context, management string, t OrganizationPolicyType, opts ListOptions) (*Page[*OrganizationPolicy], error)

	// AttachOrganizationPolicy attaches a policy to a root, OU or account.
	//
	// Returns PolicyNotFoundException, TargetNotFoundException,
	// PolicyTypeNotEnabledException, DuplicatePolicyAttachmentException and
	// ConstraintViolationException
	// (MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED).
	AttachOrganizationPolicy(ctx context.Context, management, policyID, targetID string) error

	// DetachOrganizationPolicy detaches a policy from a root, OU or
	// account.
	//
	// Returns PolicyNotFoundException, TargetNotFoundException,
	// PolicyNotAttachedException, InvalidInputException
	// (NON_DETACHABLE_POLICY) for RCPFullAWSAccess and
	// ConstraintViolationException
	// (MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED) for the last SCP of a
	// target.
	DetachOrganizationPolicy(ctx context.Context, management, policyID, targetID string) error

	// ListOrganizationPoliciesForTarget lists the policies of a type
	// attached to a root, OU or account, by ID.
	//
	// Returns TargetNotFoundException.
	ListOrganizationPoliciesForTarget(ctx context.Context, management, targetID string, t OrganizationPolicyType, opts ListOptions) (*Page[*OrganizationPolicy], error)

	// ListOrganizationPolicyTargets lists the roots, OUs and accounts a
	// policy is attached to, by ID.
	//
	// Returns PolicyNotFoundException.
	ListOrganizationPolicyTargets(ctx context.Context, management, policyID string, opts ListOptions) (*Page[*OrganizationTarget], error)

	// OrganizationTags returns the tags of a root, OU or account of the
	// organization (aws:ResourceTag of Organizations actions).
	//
	// Returns TargetNotFoundException.
	OrganizationTags(ctx context.Context, management, targetID string) ([]Tag, error)

	// DeleteOrganization deletes the organization the account manages,
	// with its OUs, policies, tags and handshakes; the management account
	// is then in no organization.
	//
	// Returns OrganizationNotEmptyException while the organization has
	// member accounts.
	DeleteOrganization(ctx context.Context, management string) error

	// RemoveOrganizationAccount removes a member account from the
	// organization, with its policy attachments and tags; the account
	// itself, and any role it holds, stay.
	//
	// Returns AccountNotFoundException and
	// MasterCannotLeaveOrganizationException for the management account.
	RemoveOrganizationAccount(ctx context.Context, management, account string) error

	// UpdateOrganizationalUnit renames an OU; an empty name leaves it as
	// it is.
	//
	// Returns OrganizationalUnitNotFoundException and
	// DuplicateOrganizationalUnitException when its parent has another OU
	// of that name.
	UpdateOrganizationalUnit(ctx context.Context, management, ouID, name string) (*OrganizationalUnit, error)

	// DeleteOrganizationalUnit deletes an OU with its attachments and tags.
	//
	// Returns OrganizationalUnitNotFoundException and
	// OrganizationalUnitNotEmptyException while it holds accounts or OUs.
	DeleteOrganizationalUnit(ctx context.Context, management, ouID string) error

	// TagOrganizationResource adds or replaces tags of a root, OU, account
	// or customer policy.
	//
	// Returns TargetNotFoundException, InvalidInputException
	// (IMMUTABLE_POLICY) for AWS managed policies and
	// ConstraintViolationException (MAX_TAG_LIMIT_EXCEEDED) past 50 tags.
	TagOrganizationResource(ctx context.Context, management, resourceID string, tags []Tag) error

	// UntagOrganizationResource removes tags, by key, from a root, OU,
	// account or customer policy; absent keys are no error.
	//
	// Returns TargetNotFoundException and InvalidInputException
	// (IMMUTABLE_POLICY).
	UntagOrganizationResource(ctx context.Context, management, resourceID string, keys []string) error

	// ListOrganizationResourceTags pages the tags of a root, OU, account or
	// policy by key.
	//
	// Returns TargetNotFoundException.
	ListOrganizationResourceTags(ctx context.Context, management, resourceID string, opts ListOptions) (*Page[Tag], error)

	// InviteOrganizationAccount opens an invitation of an existing account
	// to the organization.
	//
	// Returns InvalidInputException for an unknown account,
	// HandshakeConstraintViolationException (ALREADY_IN_AN_ORGANIZATION)
	// for an account in an organization, and DuplicateHandshakeException
	// when the account has an open invitation from the organization.
	InviteOrganizationAccount(ctx context.Context, management string, in InviteAccountInput) (*Handshake, error)

	// Handshake returns a handshake the account is a party of.
	//
	// Returns HandshakeNotFoundException.
	Handshake(ctx context.Context, account, handshakeID string) (*Handshake, error)

	// AcceptHandshake accepts, as the invited account, an open
	// invitation: the account joins the organization's root with the
	// full-access policies of the enabled policy types and the
	// invitation's tags.
	//
	// Returns HandshakeNotFoundException, AccessDenied for the inviting
	// account, HandshakeAlreadyInStateException when already accepted,
	// InvalidHandshakeTransitionException from any other closed state and
	// HandshakeConstraintViolationException (ALREADY_IN_AN_ORGANIZATION).
	AcceptHandshake(ctx context.Context, account, handshakeID string) (*Handshake, error)

	// DeclineHandshake declines, as the invited account, an open
	// invitation.
	//
	// Returns HandshakeNotFoundException, AccessDenied for the inviting
	// account, HandshakeAlreadyInStateException when already declined and
	// InvalidHandshakeTransitionException from any other closed state.
	DeclineHandshake(ctx context.Context, account, handshakeID string) (*Handshake, error)

	// CancelHandshake cancels, as the inviting management account, an
	// open invitation.
	//
	// Returns HandshakeNotFoundException, AccessDenied for the invited
	// account, HandshakeAlreadyInStateException when already canceled and
	// InvalidHandshakeTransitionException from any other closed state.
	CancelHandshake(ctx context.Context, account, handshakeID string) (*Handshake, error)

	// ListAccountHandshakes pages, by ID, the handshakes inviting the
	// account. It needs no organization.
	ListAccountHandshakes(ctx context.Context, account string, opts ListOptions) (*Page[*Handshake], error)

	// ListOrganizationHandshakes pages, by ID, the handshakes the
	// organization opened.
	ListOrganizationHandshakes(ctx context.Context, management string, opts ListOptions) (*Page[*Handshake], error)

	// OrganizationControls returns the account's place in its organization
	// and the SCPs and RCPs that govern it; an account in no organization
	// (or unknown) gets controls with no organization. Like the lookups of
	// AuthorizationSource, it is cached, returns the same value until a
	// write changes the answer, and the value must not be modified.
	OrganizationControls(ctx context.Context, account string) (*OrganizationControls, error)
}
