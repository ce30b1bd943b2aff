package iamapi

import (
	"context"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func (a *API) registerLoginProfiles() {
	register(a, "CreateLoginProfile", a.createLoginProfile)
	register(a, "GetLoginProfile", a.getLoginProfile)
	registerNoResult(a, "UpdateLoginProfile", a.updateLoginProfile)
	registerNoResult(a, "DeleteLoginProfile", a.deleteLoginProfile)
}

// passwordSymbols are the characters IAM counts as symbols in passwords
// ("UpdateAccountPasswordPolicy", RequireSymbols).
const passwordSymbols = "!@#$%^&*()_+-=[]{}|'"

// Rules of IAM's default password policy, in force in every account that
// sets no custom policy (AWS Security Blog, "AWS IAM introduces updated
// policy defaults for IAM user passwords"): at least eight characters, of
// which at least three kinds among upper-case letters, lower-case letters,
// digits and symbols. Warden keeps no custom password policies, and no
// account name or e-mail address for the policy's third rule to compare.
const (
	defaultPasswordMinLength = 8
	defaultPasswordKinds     = 3
)

// checkPasswordPolicy refuses a password the default password policy does
// not allow. The message, like IAM's, never quotes the password.
//
// Returns PasswordPolicyViolation.
func checkPasswordPolicy(password string) error {
	var upper, lower, digit, symbol int
	n := 0
	for _, r := range password {
		n++
		switch {
		case 'A' <= r && r <= 'Z':
			upper = 1
		case 'a' <= r && r <= 'z':
			lower = 1
		case '0' <= r && r <= '9':
			digit = 1
		case strings.ContainsRune(passwordSymbols, r):
			symbol = 1
		}
	}
	if n < defaultPasswordMinLength || upper+lower+digit+symbol < defaultPasswordKinds {
		return warden.Errorf(warden.EPasswordPolicyViolation, "Password does not conform to the account password policy.")
	}
	return nil
}

// checkNewPassword checks a password being set: first against the model's
// constraints, then against the password policy.
//
// Returns ValidationError and PasswordPolicyViolation.
func checkNewPassword(password string) error {
	if err := warden.ValidatePassword(password); err != nil {
		return err
	}
	return checkPasswordPolicy(password)
}

func loginProfileOut(p *warden.LoginProfile) s.LoginProfile {
	return s.LoginProfile{UserName: p.UserName, CreateDate: p.CreateDate, PasswordResetRequired: p.PasswordResetRequired}
}

func (a *API) createLoginProfile(ctx context.Context, c *authz.Caller, in *s.CreateLoginProfileInput) (*s.CreateLoginProfileOutput, error) {
	owner, err := a.credentialOwner(ctx, c, "iam:CreateLoginProfile", in.UserName, false)
	if err != nil {
		return nil, err
	}
	// The model leaves Password optional for the root user's sessions of
	// centralized root access, which Warden does not have: a user's
	// profile needs one.
	if in.Password == nil {
		return nil, warden.Errorf(warden.EValidationError, "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	}
	if err := checkNewPassword(*in.Password); err != nil {
		return nil, err
	}
	p, err := a.store.CreateLoginProfile(ctx, account(c), owner, *in.Password, in.PasswordResetRequired)
	if err != nil {
		return nil, err
	}
	return &s.CreateLoginProfileOutput{LoginProfile: loginProfileOut(p)}, nil
}

func (a *API) getLoginProfile(ctx context.Context, c *authz.Caller, in *s.GetLoginProfileInput) (*s.GetLoginProfileOutput, error) {
	owner, err := a.credentialOwner(ctx, c, "iam:GetLoginProfile", in.UserName, false)
	if err != nil {
		return nil, err
	}
	p, err := a.store.LoginProfile(ctx, account(c), owner)
	if err != nil {
		return nil, err
	}
	return &s.GetLoginProfileOutput{LoginProfile: loginProfileOut(p)}, nil
}

func (a *API) updateLoginProfile(ctx context.Context, c *authz.Caller, in *s.UpdateLoginProfileInput) error {
	if _, err := a.authorizeUser(ctx, c, "iam:UpdateLoginProfile", in.UserName, nil); err != nil {
		return err
	}
	if in.Password != nil {
		if err := checkNewPassword(*in.Password); err != nil {
			return err
		}
	}
	return a.store.UpdateLoginProfile(ctx, account(c), in.UserName, warden.UpdateLoginProfileInput{Password: in.Password, PasswordResetRequired: in.PasswordResetRequired})
}

func (a *API) deleteLoginProfile(ctx context.Context, c *authz.Caller, in *s.DeleteLoginProfileInput) error {
	owner, err := a.credentialOwner(ctx, c, "iam:DeleteLoginProfile", in.UserName, false)
	if err != nil {
		return err
	}
	return a.store.DeleteLoginProfile(ctx, account(c), owner)
}
