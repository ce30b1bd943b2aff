package warden

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Amazon Connect (IAM prefix connect): instances, the users (agents) of an
// instance, and the phone numbers claimed to an instance. Every resource
// lives in one account and one region and is named by an ARN ("Actions,
// resources, and condition keys for Amazon Connect"):
//
//	arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE
//	arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE/agent/USER
//	arn:aws:connect:REGION:ACCOUNT:phone-number/PHONE_NUMBER
//
// Security profiles, routing profiles, hierarchy groups and contact flows
// are references a user or phone number holds by ID; Warden keeps no more
// of them than the names UpdateUserHierarchyGroupName and
// UpdateUserHierarchyStructure give.

// ConnectNamespace is Amazon Connect's IAM and ARN service prefix, and its
// SigV4 signing name.
const ConnectNamespace = "connect"

// Amazon Connect quotas ("Amazon Connect service quotas").
const (
	// MaxConnectTags bounds the tags of a resource (the API model's
	// TagMap: 1 to 50 entries).
	MaxConnectTags = 50
	// MaxConnectSecurityProfiles bounds the security profiles of a user
	// (the model's SecurityProfileIds: 1 to 10).
	MaxConnectSecurityProfiles = 10
)

// ConnectPhoneNumbersPerInstance are the phone numbers every instance is
// given when it is created, by type: Warden claims them on the instance's
// behalf, so that ListPhoneNumbersV2 and AssociatePhoneNumberContactFlow
// have numbers to work on without ClaimPhoneNumber.
var ConnectPhoneNumbersPerInstance = []string{"DID", "TOLL_FREE"}

// ConnectInstance is an Amazon Connect instance.
type ConnectInstance struct {
	ID        string // a UUID
	AccountID string
	Region    string
	Alias     string
	// IdentityManagementType is CONNECT_MANAGED, SAML or
	// EXISTING_DIRECTORY; DirectoryID is the directory of the last.
	IdentityManagementType string
	DirectoryID            string
	InboundCallsEnabled    bool
	OutboundCallsEnabled   bool
	CreatedAt              time.Time
	// HierarchyLevels are the names of the agent hierarchy's levels one to
	// five, "" for a level not set.
	HierarchyLevels [5]string
	// Tags are filled by ConnectInstance and CreateConnectInstance only.
	Tags []Tag
}

// ARN returns the instance's ARN.
func (i *ConnectInstance) ARN() string { return ConnectInstanceARN(i.Region, i.AccountID, i.ID) }

// ConnectUser is a user (agent) of an Amazon Connect instance.
type ConnectUser struct {
	ID         string // a UUID
	AccountID  string
	Region     string
	InstanceID string
	Username   string
	// DirectoryUserID is the user's identifier in the instance's
	// directory, "" when none was given.
	DirectoryUserID    string
	SecurityProfileIDs []string
	RoutingProfileID   string
	HierarchyGroupID   string // "" when the user is in no group
	// Settings is the rest of the user as the API describes it (identity
	// information, phone configuration, per-channel configurations,
	// proficiencies): a JSON document the API owns and the store keeps
	// as it is.
	Settings     []byte
	LastModified time.Time
	// Tags are filled by ConnectUser and CreateConnectUser only.
	Tags []Tag
}

// ARN returns the user's ARN.
func (u *ConnectUser) ARN() string {
	return ConnectUserARN(u.Region, u.AccountID, u.InstanceID, u.ID)
}

// ConnectPhoneNumber is a phone number claimed to an instance.
type ConnectPhoneNumber struct {
	ID          string // a UUID
	AccountID   string
	Region      string
	InstanceID  string
	Number      string // E.164
	CountryCode string // ISO 3166-1 alpha-2
	Type        string // DID or TOLL_FREE
	Description string
	// ContactFlowID is the flow calls to the number go to, "" for none.
	ContactFlowID string
	// Tags are filled by ConnectPhoneNumber only.
	Tags []Tag
}

// ARN returns the phone number's ARN, which is not under its instance's.
func (p *ConnectPhoneNumber) ARN() string {
	return ConnectPhoneNumberARN(p.Region, p.AccountID, p.ID)
}

// ConnectPhoneNumberFilter selects the phone numbers ListConnectPhoneNumbers
// returns; empty fields select all.
type ConnectPhoneNumberFilter struct {
	InstanceID   string
	CountryCodes []string
	Types        []string
	// Prefix keeps numbers that start with it, with or without its "+".
	Prefix string
}

// ConnectResource is an Amazon Connect resource named by an ARN. Type is
// "instance", "phone-number", or the type of a resource under an
// instance ("agent", "routing-profile", …).
type ConnectResource struct {
	Region     string
	AccountID  string
	Type       string
	InstanceID string // "" for a phone number
	ID         string // the instance's ID for an instance
}

// Types of the Amazon Connect resources Warden keeps.
const (
	ConnectTypeInstance    = "instance"
	ConnectTypeUser        = "agent"
	ConnectTypePhoneNumber = "phone-number"
)

// ARN returns the resource's ARN.
func (r ConnectResource) ARN() string {
	switch r.Type {
	case ConnectTypeInstance:
		return ConnectInstanceARN(r.Region, r.AccountID, r.ID)
	case ConnectTypePhoneNumber:
		return ConnectPhoneNumberARN(r.Region, r.AccountID, r.ID)
	}
	return ConnectInstanceARN(r.Region, r.AccountID, r.InstanceID) + "/" + r.Type + "/" + r.ID
}

// ConnectService stores Amazon Connect instances, their users and phone
// numbers, and the tags of all three. Every lookup is scoped to an account
// and a region: a resource of another account or region is not found. It
// does not authorize: callers decide who may do what first.
type ConnectService interface {
	// CreateConnectInstance stores a new instance with its tags, and
	// claims to it one new phone number of each type in
	// ConnectPhoneNumbersPerInstance.
	//
	// Returns ValidationError for tags ValidateConnectTags refuses, and
	// EntityAlreadyExists for an ID in use or an alias another instance
	// of the account has in the region.
	CreateConnectInstance(ctx context.Context, in *ConnectInstance) (*ConnectInstance, error)

	// ConnectInstance returns an instance with its tags.
	//
	// Returns NoSuchEntity.
	ConnectInstance(ctx context.Context, account, region, id string) (*ConnectInstance, error)

	// ListConnectInstances lists the account's instances in the region in
	// the order they were created. Tags are not filled.
	//
	// Returns InvalidInput for a marker it did not issue.
	ListConnectInstances(ctx context.Context, account, region string, opts ListOptions) (*Page[*ConnectInstance], error)

	// DeleteConnectInstance deletes an instance with its users, releases
	// its phone numbers, and drops the tags of all of them.
	//
	// Returns NoSuchEntity.
	DeleteConnectInstance(ctx context.Context, account, region, id string) error

	// SetConnectHierarchyLevels replaces the names of an instance's agent
	// hierarchy levels.
	//
	// Returns NoSuchEntity.
	SetConnectHierarchyLevels(ctx context.Context, account, region, instanceID string, levels [5]string) error

	// RenameConnectHierarchyGroup names a hierarchy group of an instance.
	//
	// Returns NoSuchEntity for the instance, and EntityAlreadyExists when
	// another group of the instance has the name.
	RenameConnectHierarchyGroup(ctx context.Context, account, region, instanceID, groupID, name string) error

	// CreateConnectUser stores a new user of an instance with its tags.
	//
	// Returns NoSuchEntity for the instance, ValidationError for tags
	// ValidateConnectTags refuses, and EntityAlreadyExists for an ID in
	// use or a username another user of the instance has.
	CreateConnectUser(ctx context.Context, in *ConnectUser) (*ConnectUser, error)

	// ConnectUser returns a user of an instance with its tags.
	//
	// Returns NoSuchEntity.
	ConnectUser(ctx context.Context, account, region, instanceID, id string) (*ConnectUser, error)

	// ListConnectUsers lists an instance's users by username.
	//
	// Returns NoSuchEntity for the instance and InvalidInput for a marker
	// it did not issue.
	ListConnectUsers(ctx context.Context, account, region, instanceID string, opts ListOptions) (*Page[*ConnectUser], error)

	// UpdateConnectUser reads a user, lets update change its security
	// profiles, routing profile, hierarchy group and settings, and stores
	// them with a new LastModified, all in one transaction: concurrent
	// updates of different settings do not undo each other. An error from
	// update is returned as it is and nothing is stored.
	//
	// Returns NoSuchEntity.
	UpdateConnectUser(ctx context.Context, account, region, instanceID, id string, update func(*ConnectUser) error) (*ConnectUser, error)

	// DeleteConnectUser deletes a user and its tags.
	//
	// Returns NoSuchEntity.
	DeleteConnectUser(ctx context.Context, account, region, instanceID, id string) error

	// ConnectPhoneNumber returns a phone number with its tags.
	//
	// Returns NoSuchEntity.
	ConnectPhoneNumber(ctx context.Context, account, region, id string) (*ConnectPhoneNumber, error)

	// ListConnectPhoneNumbers lists the account's phone numbers in the
	// region that the filter selects, by number. Tags are not filled.
	//
	// Returns InvalidInput for a marker it did not issue.
	ListConnectPhoneNumbers(ctx context.Context, account, region string, filter ConnectPhoneNumberFilter, opts ListOptions) (*Page[*ConnectPhoneNumber], error)

	// SetConnectPhoneNumberContactFlow sends a phone number's calls to a
	// contact flow of the instance it is claimed to.
	//
	// Returns NoSuchEntity for the number, and InvalidParameterValue when
	// it is claimed to another instance.
	SetConnectPhoneNumberContactFlow(ctx context.Context, account, region, id, instanceID, contactFlowID string) error

	// ConnectResourceTags returns the tags of an instance, user or phone
	// number.
	//
	// Returns NoSuchEntity, also for a type Warden does not keep.
	ConnectResourceTags(ctx context.Context, r ConnectResource) ([]Tag, error)

	// TagConnectResource adds tags to an instance, user or phone number,
	// or replaces the values of its keys. Keys are case-sensitive.
	//
	// Returns NoSuchEntity (also for a type Warden does not keep),
	// ValidationError for tags ValidateConnectTags refuses, and
	// LimitExceeded when the resource would have more than
	// MaxConnectTags tags.
	TagConnectResource(ctx context.Context, r ConnectResource, tags []Tag) error

	// UntagConnectResource removes tags by key; absent keys are ignored.
	//
	// Returns NoSuchEntity, also for a type Warden does not keep.
	UntagConnectResource(ctx context.Context, r ConnectResource, keys []string) error
}

// ValidateConnectTags checks tags a request puts on an Amazon Connect
// resource beyond the lengths and pattern the API model checks: at most
// MaxConnectTags, no key twice and none in the aws: namespace, which AWS
// reserves ("Tag naming limits and requirements").
//
// Returns ValidationError.
func ValidateConnectTags(tags []Tag) error {
	return validateServiceTags(tags, MaxConnectTags)
}

// ConnectInstanceARN returns the ARN of an Amazon Connect instance.
func ConnectInstanceARN(region, account, instanceID string) string {
	return "arn:" + Partition + ":" + ConnectNamespace + ":" + region + ":" + account + ":instance/" + instanceID
}

// ConnectUserARN returns the ARN of a user of an instance.
func ConnectUserARN(region, account, instanceID, userID string) string {
	return ConnectInstanceARN(region, account, instanceID) + "/agent/" + userID
}

// ConnectPhoneNumberARN returns the ARN of a phone number.
func ConnectPhoneNumberARN(region, account, phoneNumberID string) string {
	return "arn:" + Partition + ":" + ConnectNamespace + ":" + region + ":" + account + ":phone-number/" + phoneNumberID
}

// ParseConnectARN splits the ARN of an instance, of a resource under an
// instance (instance/ID/TYPE/ID), or of a phone number.
//
// Returns InvalidParameterValue for anything else.
func ParseConnectARN(s string) (ConnectResource, error) {
	invalid := Errorf(EInvalidParameterValue, "%q is not the ARN of an Amazon Connect resource.", s)
	a, err := ParseARN(s)
	if err != nil || a.Partition != Partition || a.Service != ConnectNamespace || a.Region == "" || ValidateAccountID(a.AccountID) != nil {
		return ConnectResource{}, invalid
	}
	r := ConnectResource{Region: a.Region, AccountID: a.AccountID}
	parts := strings.Split(a.Resource, "/")
	for _, p := range parts {
		if p == "" {
			return ConnectResource{}, invalid
		}
	}
	switch {
	case parts[0] == ConnectTypePhoneNumber && len(parts) == 2:
		r.Type, r.ID = ConnectTypePhoneNumber, parts[1]
	case parts[0] == ConnectTypeInstance && len(parts) == 2:
		r.Type, r.InstanceID, r.ID = ConnectTypeInstance, parts[1], parts[1]
	case parts[0] == ConnectTypeInstance && len(parts) == 4:
		r.InstanceID, r.Type, r.ID = parts[1], parts[2], parts[3]
	default:
		return ConnectResource{}, invalid
	}
	return r, nil
}

// NewConnectID returns a fresh Amazon Connect ID: a random (version 4)
// UUID, the form of instance, user and phone number IDs.
func NewConnectID() string { return NewJobID() }

// ConnectTestNumber returns the seq-th phone number (from 0) of a type
// Warden claims in an account and region: a United States number in
// 555-0100 to 555-0199, the range the North American Numbering Plan
// reserves for fictional use, of area code 206 for DID and 800 for
// TOLL_FREE, so that no real line is ever listed.
//
// Returns LimitExceeded once the range is exhausted.
func ConnectTestNumber(seq int, typ string) (string, error) {
	if seq < 0 || seq > 99 {
		return "", Errorf(ELimitExceeded, "Warden has no more %s phone numbers to claim in this account and region.", typ)
	}
	area := "206"
	if typ == "TOLL_FREE" {
		area = "800"
	}
	return fmt.Sprintf("+1%s55501%02d", area, seq), nil
}
