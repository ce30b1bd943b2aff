package warden

import (
	"context"
	"time"
)

// Account is an AWS account: the container of every IAM entity and the
// owner of its root user, whose ARN is arn:aws:iam::ID:root.
type Account struct {
	ID         string // 12 digits
	Alias      string // empty when the account has none
	CreateDate time.Time
}

// RootARN returns the ARN of the account's root user.
func (a *Account) RootARN() string { return RootARN(a.ID) }

// Endpoint is the installation record `warden serve` starts from: the
// account Warden was bootstrapped with, which admin commands act on by
// default, and where clients reach the server.
type Endpoint struct {
	AccountID  string
	URL        string // public base URL given to clients; may be empty
	Region     string // the region Warden reports as its own
	CreateDate time.Time
}

// BootstrapInput describes a new installation.
type BootstrapInput struct {
	AccountID    string // 12 digits; empty for a random one
	AccountAlias string // optional
	URL          string
	Region       string
}

// Bootstrap is what bootstrapping creates. RootAccessKey carries its secret:
// this is the only time it is ever returned.
type Bootstrap struct {
	Account       *Account
	Endpoint      *Endpoint
	RootAccessKey *AccessKey
}

// AccountService manages accounts, their aliases and the installation's
// endpoint record.
type AccountService interface {
	// Bootstrap creates the installation's first account, an access key for
	// its root user and the Endpoint record, in one transaction.
	//
	// Returns EntityAlreadyExists ("Warden is already bootstrapped with
	// account ID.") when an Endpoint record exists, EntityAlreadyExists when
	// the account ID or alias is taken, and ValidationError for a malformed
	// account ID or alias.
	Bootstrap(ctx context.Context, in BootstrapInput) (*Bootstrap, error)

	// Endpoint returns the installation record.
	//
	// Returns NoSuchEntity ("Warden has not been bootstrapped.") before
	// Bootstrap.
	Endpoint(ctx context.Context) (*Endpoint, error)

	// UpdateEndpoint changes the URL and region of the installation record.
	//
	// Returns NoSuchEntity before Bootstrap.
	UpdateEndpoint(ctx context.Context, url, region string) (*Endpoint, error)

	// CreateAccount creates an account with the given 12-digit ID, or a
	// random one when id is empty.
	//
	// Returns EntityAlreadyExists ("The account with id ID already
	// exists.") and ValidationError for a malformed ID.
	CreateAccount(ctx context.Context, id string) (*Account, error)

	// Account returns the account with the given ID.
	//
	// Returns NoSuchEntity ("The account with id ID cannot be found.").
	Account(ctx context.Context, id string) (*Account, error)

	// ListAccounts returns every account, ordered by ID.
	ListAccounts(ctx context.Context, opts ListOptions) (*Page[*Account], error)

	// CreateAccountAlias sets the account's alias, replacing any alias it
	// had: an account has at most one (IAM API Reference,
	// "CreateAccountAlias").
	//
	// Returns NoSuchEntity for an unknown account, EntityAlreadyExists ("The
	// account alias ALIAS already exists.") when another account uses it,
	// and ValidationError for a malformed alias.
	CreateAccountAlias(ctx context.Context, account, alias string) error

	// DeleteAccountAlias removes the account's alias.
	//
	// Returns NoSuchEntity ("The account alias ALIAS cannot be found.") when
	// the account's alias is not alias.
	DeleteAccountAlias(ctx context.Context, account, alias string) error

	// AccountSummary returns the account's entity counts and quotas, keyed
	// by the names GetAccountSummary uses (Users, UsersQuota,
	// AccessKeysPerUserQuota, AccountAccessKeysPresent, …).
	//
	// Returns NoSuchEntity for an unknown account.
	AccountSummary(ctx context.Context, account string) (map[string]int, error)
}
