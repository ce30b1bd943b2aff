package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// registerAttachments adds the operations that attach managed policies to
// users, groups and roles, detach them and list them. Customer managed
// policies and AWS managed ones (arn:aws:iam::aws:policy/…) attach alike;
// the store resolves both and enforces the attachment quota per identity.
func (a *API) registerAttachments() {
	registerNoResult(a, "AttachUserPolicy", func(ctx context.Context, c *authz.Caller, in *s.AttachUserPolicyInput) error {
		return a.attachPolicy(ctx, c, "iam:AttachUserPolicy", warden.UserIdentity(in.UserName), in.PolicyArn)
	})
	registerNoResult(a, "DetachUserPolicy", func(ctx context.Context, c *authz.Caller, in *s.DetachUserPolicyInput) error {
		return a.detachPolicy(ctx, c, "iam:DetachUserPolicy", warden.UserIdentity(in.UserName), in.PolicyArn)
	})
	register(a, "ListAttachedUserPolicies", func(ctx context.Context, c *authz.Caller, in *s.ListAttachedUserPoliciesInput) (*s.ListAttachedUserPoliciesOutput, error) {
		page, err := a.listAttachedPolicies(ctx, c, "iam:ListAttachedUserPolicies", warden.UserIdentity(in.UserName), listOptions(in.PathPrefix, in.Marker, in.MaxItems))
		if err != nil {
			return nil, err
		}
		return &s.ListAttachedUserPoliciesOutput{AttachedPolicies: attachedOut(page.Items), IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
	})

	registerNoResult(a, "AttachGroupPolicy", func(ctx context.Context, c *authz.Caller, in *s.AttachGroupPolicyInput) error {
		return a.attachPolicy(ctx, c, "iam:AttachGroupPolicy", warden.GroupIdentity(in.GroupName), in.PolicyArn)
	})
	registerNoResult(a, "DetachGroupPolicy", func(ctx context.Context, c *authz.Caller, in *s.DetachGroupPolicyInput) error {
		return a.detachPolicy(ctx, c, "iam:DetachGroupPolicy", warden.GroupIdentity(in.GroupName), in.PolicyArn)
	})
	register(a, "ListAttachedGroupPolicies", func(ctx context.Context, c *authz.Caller, in *s.ListAttachedGroupPoliciesInput) (*s.ListAttachedGroupPoliciesOutput, error) {
		page, err := a.listAttachedPolicies(ctx, c, "iam:ListAttachedGroupPolicies", warden.GroupIdentity(in.GroupName), listOptions(in.PathPrefix, in.Marker, in.MaxItems))
		if err != nil {
			return nil, err
		}
		return &s.ListAttachedGroupPoliciesOutput{AttachedPolicies: attachedOut(page.Items), IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
	})

	registerNoResult(a, "AttachRolePolicy", func(ctx context.Context, c *authz.Caller, in *s.AttachRolePolicyInput) error {
		return a.attachPolicy(ctx, c, "iam:AttachRolePolicy", warden.RoleIdentity(in.RoleName), in.PolicyArn)
	})
	registerNoResult(a, "DetachRolePolicy", func(ctx context.Context, c *authz.Caller, in *s.DetachRolePolicyInput) error {
		return a.detachPolicy(ctx, c, "iam:DetachRolePolicy", warden.RoleIdentity(in.RoleName), in.PolicyArn)
	})
	register(a, "ListAttachedRolePolicies", func(ctx context.Context, c *authz.Caller, in *s.ListAttachedRolePoliciesInput) (*s.ListAttachedRolePoliciesOutput, error) {
		page, err := a.listAttachedPolicies(ctx, c, "iam:ListAttachedRolePolicies", warden.RoleIdentity(in.RoleName), listOptions(in.PathPrefix, in.Marker, in.MaxItems))
		if err != nil {
			return nil, err
		}
		return &s.ListAttachedRolePoliciesOutput{AttachedPolicies: attachedOut(page.Items), IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
	})
}

// policyARNCall is the request of an attach or detach: iam:PolicyARN is the
// policy being attached or detached, so that a delegated administrator can
// be limited to a list of policies (IAM User Guide, "IAM and AWS STS
// condition context keys").
func policyARNCall(policyARN string) *authz.Call {
	return &authz.Call{Keys: map[string]string{"iam:PolicyARN": policyARN}}
}

func (a *API) attachPolicy(ctx context.Context, c *authz.Caller, action string, id warden.Identity, policyARN string) error {
	if err := a.authorizeIdentity(ctx, c, action, id, policyARNCall(policyARN)); err != nil {
		return err
	}
	return a.store.AttachPolicy(ctx, account(c), id, policyARN)
}

func (a *API) detachPolicy(ctx context.Context, c *authz.Caller, action string, id warden.Identity, policyARN string) error {
	if err := a.authorizeIdentity(ctx, c, action, id, policyARNCall(policyARN)); err != nil {
		return err
	}
	return a.store.DetachPolicy(ctx, account(c), id, policyARN)
}

func (a *API) listAttachedPolicies(ctx context.Context, c *authz.Caller, action string, id warden.Identity, opts warden.ListOptions) (*warden.Page[warden.AttachedPolicy], error) {
	if err := a.authorizeIdentity(ctx, c, action, id, nil); err != nil {
		return nil, err
	}
	return a.store.ListAttachedPolicies(ctx, account(c), id, opts)
}

func attachedOut(policies []warden.AttachedPolicy) []s.AttachedPolicy {
	out := make([]s.AttachedPolicy, len(policies))
	for i, p := range policies {
		out[i] = s.AttachedPolicy{PolicyName: &p.Name, PolicyArn: &p.ARN}
	}
	return out
}
