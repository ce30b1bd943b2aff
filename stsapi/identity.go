package stsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

// getCallerIdentity needs no permission: a denial would say the same
// (STS API Reference, GetCallerIdentity). A role session is its session
// ARN and ROLEID:SESSION; GetSessionToken credentials are the user itself.
func (a *API) getCallerIdentity(_ context.Context, c *authz.Caller, _ *s.GetCallerIdentityInput) (*s.GetCallerIdentityOutput, error) {
	p := c.Principal
	return &s.GetCallerIdentityOutput{UserId: new(p.ID), Account: new(p.AccountID), Arn: new(p.ARN)}, nil
}

// getAccessKeyInfo answers the account of any access key Warden issued,
// long-term or temporary, whoever owns it.
func (a *API) getAccessKeyInfo(ctx context.Context, c *authz.Caller, in *s.GetAccessKeyInfoInput) (*s.GetAccessKeyInfoOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "sts:GetAccessKeyInfo", Resource: "*"}); err != nil {
		return nil, err
	}
	key, _, err := a.store.AccessKey(ctx, in.AccessKeyId)
	if warden.ErrorCode(err) == warden.ENoSuchEntity {
		return nil, warden.Errorf(warden.EInvalidParameterValue, "The access key ID %s does not exist.", in.AccessKeyId)
	}
	if err != nil {
		return nil, err
	}
	return &s.GetAccessKeyInfoOutput{Account: new(key.AccountID)}, nil
}
