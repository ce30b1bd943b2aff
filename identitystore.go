package warden

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
)

// AWS Identity Store (IAM prefix identitystore), the directory of IAM
// Identity Center: the users who sign in to applications such as a
// Connect Health domain's web app. Warden keeps one identity store per
// account, created the first time anything asks for it (IdentityStore):
// its ID, d- and ten hexadecimal digits like AWS's d-1234567890, is what
// requests name. Users are named by IDs of the form
// STOREDIGITS-UUID, as Identity Center's are. The ARNs ("Actions,
// resources, and condition keys for AWS Identity Store") have no region,
// and a user's none of the account either:
//
//	arn:aws:identitystore::ACCOUNT:identitystore/d-1234567890
//	arn:aws:identitystore:::user/USERID

// IdentityStoreNamespace is Identity Store's IAM and ARN service prefix,
// and its SigV4 signing name.
const IdentityStoreNamespace = "identitystore"

// IdentityStore is an account's identity store.
type IdentityStore struct {
	ID        string
	AccountID string
	CreatedAt time.Time
}

// ARN returns the identity store's ARN.
func (s *IdentityStore) ARN() string { return IdentityStoreARN(s.AccountID, s.ID) }

// IdentityStoreARN returns the ARN of an account's identity store.
func IdentityStoreARN(account, id string) string {
	return "arn:" + Partition + ":" + IdentityStoreNamespace + "::" + account + ":identitystore/" + id
}

// IdentityStoreUserARN returns the ARN of an identity store user. It names
// neither account nor store: user IDs are unique across AWS.
func IdentityStoreUserARN(userID string) string {
	return "arn:" + Partition + ":" + IdentityStoreNamespace + ":::user/" + userID
}

// NewIdentityStoreID returns a fresh identity store ID: d- and ten
// lower-case hexadecimal digits.
func NewIdentityStoreID() string {
	var b [5]byte
	rand.Read(b[:]) // never fails: crypto/rand panics rather than return an error
	return "d-" + hex.EncodeToString(b[:])
}

// NewIdentityStoreUserID returns a fresh user ID of a store: the store's
// ten digits, a hyphen and a random UUID.
func NewIdentityStoreUserID(storeID string) string {
	return strings.TrimPrefix(storeID, "d-") + "-" + NewJobID()
}

// The model's patterns of IdentityStoreId and ResourceId (a user ID),
// anchored: the service matches them whole.
var (
	identityStoreIDRE     = regexp.MustCompile(`^(?:d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	identityStoreUserIDRE = regexp.MustCompile(`^(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)
)

// ValidIdentityStoreID reports whether s has the form of an identity store
// ID (d-1234567890, or a UUID for stores AWS created that way).
func ValidIdentityStoreID(s string) bool { return identityStoreIDRE.MatchString(s) }

// ValidIdentityStoreUserID reports whether s has the form of a user ID.
func ValidIdentityStoreUserID(s string) bool { return identityStoreUserIDRE.MatchString(s) }

// IdentityStoreUser is a user of an identity store with the attributes
// Warden keeps. Optional strings are empty when absent.
type IdentityStoreUser struct {
	ID              string
	IdentityStoreID string
	// UserName is unique in its store.
	UserName          string
	DisplayName       string
	Name              PersonName
	Emails            []IdentityStoreEmail
	NickName          string
	ProfileURL        string
	UserType          string
	Title             string
	PreferredLanguage string
	Locale            string
	Timezone          string
	CreatedAt         time.Time
	// CreatedBy is the ARN of the principal that created the user.
	CreatedBy string
}

// ARN returns the user's ARN.
func (u *IdentityStoreUser) ARN() string { return IdentityStoreUserARN(u.ID) }

// PersonName is the Name structure of an identity store user.
type PersonName struct {
	Formatted       string `json:",omitempty"`
	FamilyName      string `json:",omitempty"`
	GivenName       string `json:",omitempty"`
	MiddleName      string `json:",omitempty"`
	HonorificPrefix string `json:",omitempty"`
	HonorificSuffix string `json:",omitempty"`
}

// IdentityStoreEmail is one email address of a user.
type IdentityStoreEmail struct {
	Value   string `json:",omitempty"`
	Type    string `json:",omitempty"`
	Primary bool   `json:",omitempty"`
}

// reservedUserNames may not name users ("CreateUser", AWS Identity Store
// API Reference: "Administrator and AWSAdministrators are reserved names
// and can't be used for users or groups"). The service compares them
// without regard to case.
var reservedUserNames = []string{"administrator", "awsadministrators"}

// CheckUserName returns an error for a user name the service refuses:
// a reserved one.
//
// Returns ValidationError.
func CheckUserName(name string) error {
	for _, r := range reservedUserNames {
		if strings.EqualFold(name, r) {
			return Errorf(EValidationError, "UserName %s is reserved and cannot be used.", name)
		}
	}
	return nil
}

// IdentityStoreService keeps each account's identity store and its users.
// It does not authorize.
type IdentityStoreService interface {
	// IdentityStore returns the account's identity store, creating it the
	// first time it is asked for.
	//
	// Returns NoSuchEntity for an account that does not exist.
	IdentityStore(ctx context.Context, account string) (*IdentityStore, error)

	// CreateIdentityStoreUser stores a new user in the store its
	// IdentityStoreID names, with a fresh ID.
	//
	// Returns NoSuchEntity for a store that does not exist,
	// EntityAlreadyExists when the store has a user of that UserName, and
	// ValidationError for a reserved user name.
	CreateIdentityStoreUser(ctx context.Context, u IdentityStoreUser) (*IdentityStoreUser, error)

	// IdentityStoreUser returns a user of a store.
	//
	// Returns NoSuchEntity.
	IdentityStoreUser(ctx context.Context, storeID, userID string) (*IdentityStoreUser, error)

	// ListIdentityStoreUsers lists a store's users by ID, only the one
	// named userName when it is not empty.
	//
	// Returns InvalidInput for a marker it did not issue.
	ListIdentityStoreUsers(ctx context.Context, storeID, userName string, opts ListOptions) (*Page[*IdentityStoreUser], error)

	// DeleteIdentityStoreUser removes a user of a store.
	//
	// Returns NoSuchEntity.
	DeleteIdentityStoreUser(ctx context.Context, storeID, userID string) error
}
