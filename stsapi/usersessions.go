package stsapi

import (
	"context"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

// GetSessionToken and GetFederationToken issue sessions to the IAM user
// (or root user) signing with a long-term key.

// longTermOnly refuses session credentials for the operations that need
// the caller's long-term key (STS API Reference, GetSessionToken and
// GetFederationToken).
func longTermOnly(c *authz.Caller, op string) error {
	if c.Principal.Session != nil {
		return warden.Errorf(warden.EAccessDenied, "Cannot call %s with session credentials", op)
	}
	if k := c.Principal.Kind; k != warden.PrincipalUser && k != warden.PrincipalRoot {
		return warden.Errorf(warden.EAccessDenied, "Cannot call %s with %s credentials", op, k)
	}
	return nil
}

// userSessionDuration is the duration of a GetSessionToken or
// GetFederationToken session: 12 hours unless asked otherwise, at most an
// hour for the root user.
func userSessionDuration(p *warden.Principal, requested *int32) time.Duration {
	seconds := duration(requested, warden.DefaultUserSessionDuration)
	if p.Kind == warden.PrincipalRoot {
		seconds = min(seconds, warden.RootUserSessionMaxDuration)
	}
	return time.Duration(seconds) * time.Second
}

// getSessionToken needs no permission: it authenticates the caller, with
// MFA when a device and code are given (STS API Reference,
// GetSessionToken; "Permissions for GetSessionToken").
func (a *API) getSessionToken(ctx context.Context, c *authz.Caller, in *s.GetSessionTokenInput) (*s.GetSessionTokenOutput, error) {
	if err := longTermOnly(c, "GetSessionToken"); err != nil {
		return nil, err
	}
	mfaAt, err := a.verifyMFA(ctx, c.Principal, in.SerialNumber, in.TokenCode, a.clock(c))
	if err != nil {
		return nil, err
	}
	sess, err := a.store.CreateSession(ctx, warden.CreateSessionInput{
		Kind:               warden.SessionToken,
		Parent:             *c.Principal,
		MFAAuthenticatedAt: mfaAt,
		Duration:           userSessionDuration(c.Principal, in.DurationSeconds),
		Region:             c.Region,
	})
	if err != nil {
		return nil, err
	}
	return &s.GetSessionTokenOutput{Credentials: credentialsOut(sess)}, nil
}

// getFederationToken issues a federated user session whose permissions
// are the intersection of the caller's policies and the session policies
// passed; without any it can do nothing (STS API Reference,
// GetFederationToken).
func (a *API) getFederationToken(ctx context.Context, c *authz.Caller, in *s.GetFederationTokenInput) (*s.GetFederationTokenOutput, error) {
	if err := longTermOnly(c, "GetFederationToken"); err != nil {
		return nil, err
	}
	p := c.Principal
	tags, _, err := sessionTags(in.Tags, nil, nil)
	if err != nil {
		return nil, err
	}
	call := &authz.Call{Action: "sts:GetFederationToken", Resource: warden.FederatedUserARN(p.AccountID, in.Name), RequestTags: tags}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		tagCall := *call
		tagCall.Action = "sts:TagSession"
		if err := a.authorize(ctx, c, &tagCall); err != nil {
			return nil, err
		}
	}
	var packed *int32
	if in.Policy != nil || len(in.PolicyArns) > 0 || len(tags) > 0 {
		size, err := packedSize(in.Policy, in.PolicyArns, tags, nil)
		if err != nil {
			return nil, err
		}
		packed = &size
	}
	policies, err := a.sessionPolicies(ctx, p.AccountID, in.Policy, in.PolicyArns)
	if err != nil {
		return nil, err
	}
	sess, err := a.store.CreateSession(ctx, warden.CreateSessionInput{
		Kind:     warden.SessionFederatedUser,
		Parent:   *p,
		Name:     in.Name,
		Tags:     tags,
		Policies: policies,
		Duration: userSessionDuration(p, in.DurationSeconds),
		Region:   c.Region,
	})
	if err != nil {
		return nil, err
	}
	return &s.GetFederationTokenOutput{
		Credentials:      credentialsOut(sess),
		FederatedUser:    &s.FederatedUser{FederatedUserId: sess.UserID(), Arn: sess.ARN()},
		PackedPolicySize: packed,
	}, nil
}
