package warden

import (
	"context"
	"time"
)

// LoginProfile is a user's console password. Stores keep only a hash of the
// password (see HashPassword).
type LoginProfile struct {
	UserName              string
	CreateDate            time.Time
	PasswordResetRequired bool
}

// UpdateLoginProfileInput changes a login profile; nil fields stay as they
// are.
type UpdateLoginProfileInput struct {
	Password              *string
	PasswordResetRequired *bool
}

// LoginProfileService manages users' console passwords.
//
// Every method returns NoSuchEntity ("The user with name NAME cannot be
// found.") for an unknown user, and all but CreateLoginProfile return
// NoSuchEntity ("Login Profile for User NAME cannot be found.") when the
// user has no password.
type LoginProfileService interface {
	// CreateLoginProfile gives a user a password.
	//
	// Returns EntityAlreadyExists ("Login Profile for User NAME already
	// exists.") and ValidationError for a malformed password.
	CreateLoginProfile(ctx context.Context, account, userName, password string, resetRequired bool) (*LoginProfile, error)

	// LoginProfile returns a user's login profile.
	LoginProfile(ctx context.Context, account, userName string) (*LoginProfile, error)

	// UpdateLoginProfile changes a user's password or reset flag.
	UpdateLoginProfile(ctx context.Context, account, userName string, in UpdateLoginProfileInput) error

	// DeleteLoginProfile removes a user's password.
	DeleteLoginProfile(ctx context.Context, account, userName string) error

	// VerifyPassword reports whether password is the user's password.
	VerifyPassword(ctx context.Context, account, userName, password string) (bool, error)
}
