package warden

import (
	"context"
	"time"
)

// AccessKeyStatus says whether an access key may sign requests.
type AccessKeyStatus string

const (
	AccessKeyActive   AccessKeyStatus = "Active"
	AccessKeyInactive AccessKeyStatus = "Inactive"
)

// AccessKey is a long-term credential of an IAM user or of an account's
// root user. SigV4 is symmetric, so the server needs the secret itself;
// stores keep it encrypted and hand it out only where noted.
type AccessKey struct {
	ID        string // AKIA…
	AccountID string
	// UserName is the owning IAM user; empty for the root user's keys.
	UserName string
	// SecretAccessKey is set only in the results of CreateAccessKey,
	// Bootstrap and AccessKey (the request path); lists leave it empty.
	SecretAccessKey string
	Status          AccessKeyStatus
	CreateDate      time.Time
}

// AccessKeyLastUsed records the last request an access key signed. Date is
// zero when the key was never used.
type AccessKeyLastUsed struct {
	UserName    string // empty for root keys
	Date        time.Time
	ServiceName string
	Region      string
}

// AccessKeyService manages access keys.
//
// The methods taking a user name address that user's keys, or the account's
// root user's when the name is empty, and return NoSuchEntity ("The user
// with name NAME cannot be found.") for an unknown user.
type AccessKeyService interface {
	// CreateAccessKey creates an active key and returns it with its secret,
	// the only time the secret is returned to an administrator.
	//
	// Returns LimitExceeded ("Cannot exceed quota for AccessKeysPerUser:
	// 2").
	CreateAccessKey(ctx context.Context, account, userName string) (*AccessKey, error)

	// ListAccessKeys returns a user's keys, without secrets, oldest first.
	ListAccessKeys(ctx context.Context, account, userName string, opts ListOptions) (*Page[*AccessKey], error)

	// UpdateAccessKey activates or deactivates a key.
	//
	// Returns NoSuchEntity ("The Access Key with id ID cannot be found.")
	// when the user has no such key, and ValidationError for a status other
	// than Active or Inactive.
	UpdateAccessKey(ctx context.Context, account, userName, keyID string, status AccessKeyStatus) error

	// DeleteAccessKey deletes a key.
	//
	// Returns NoSuchEntity ("The Access Key with id ID cannot be found.").
	DeleteAccessKey(ctx context.Context, account, userName, keyID string) error

	// AccessKeyLastUsed reports the last use of any key of the account.
	//
	// Returns NoSuchEntity ("The Access Key with id ID cannot be found.").
	AccessKeyLastUsed(ctx context.Context, account, keyID string) (*AccessKeyLastUsed, error)

	// RecordAccessKeyUse notes that a key signed a request for service in
	// region at the given time. Stores may coalesce these writes (AWS
	// documents last-used data as approximate), and they do not invalidate
	// cached authorization data.
	//
	// Returns NoSuchEntity for an unknown key, when the use is written.
	RecordAccessKeyUse(ctx context.Context, keyID, service, region string, at time.Time) error
}
