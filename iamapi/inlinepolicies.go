package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

// registerInlinePolicies adds the inline policy operations of users, groups
// and roles. The three kinds differ only in their action names and shapes,
// so each operation is a thin adapter over one implementation.
func (a *API) registerInlinePolicies() {
	registerNoResult(a, "PutUserPolicy", func(ctx context.Context, c *authz.Caller, in *s.PutUserPolicyInput) error {
		return a.putInlinePolicy(ctx, c, "iam:PutUserPolicy", warden.UserIdentity(in.UserName), in.PolicyName, in.PolicyDocument)
	})
	register(a, "GetUserPolicy", func(ctx context.Context, c *authz.Caller, in *s.GetUserPolicyInput) (*s.GetUserPolicyOutput, error) {
		p, err := a.inlinePolicy(ctx, c, "iam:GetUserPolicy", warden.UserIdentity(in.UserName), in.PolicyName)
		if err != nil {
			return nil, err
		}
		return &s.GetUserPolicyOutput{UserName: p.Identity.Name, PolicyName: p.Name, PolicyDocument: p.Document}, nil
	})
	register(a, "ListUserPolicies", func(ctx context.Context, c *authz.Caller, in *s.ListUserPoliciesInput) (*s.ListUserPoliciesOutput, error) {
		page, err := a.listInlinePolicies(ctx, c, "iam:ListUserPolicies", warden.UserIdentity(in.UserName), in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &s.ListUserPoliciesOutput{PolicyNames: page.Items, IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
	})
	registerNoResult(a, "DeleteUserPolicy", func(ctx context.Context, c *authz.Caller, in *s.DeleteUserPolicyInput) error {
		return a.deleteInlinePolicy(ctx, c, "iam:DeleteUserPolicy", warden.UserIdentity(in.UserName), in.PolicyName)
	})

	registerNoResult(a, "PutGroupPolicy", func(ctx context.Context, c *authz.Caller, in *s.PutGroupPolicyInput) error {
		return a.putInlinePolicy(ctx, c, "iam:PutGroupPolicy", warden.GroupIdentity(in.GroupName), in.PolicyName, in.PolicyDocument)
	})
	register(a, "GetGroupPolicy", func(ctx context.Context, c *authz.Caller, in *s.GetGroupPolicyInput) (*s.GetGroupPolicyOutput, error) {
		p, err := a.inlinePolicy(ctx, c, "iam:GetGroupPolicy", warden.GroupIdentity(in.GroupName), in.PolicyName)
		if err != nil {
			return nil, err
		}
		return &s.GetGroupPolicyOutput{GroupName: p.Identity.Name, PolicyName: p.Name, PolicyDocument: p.Document}, nil
	})
	register(a, "ListGroupPolicies", func(ctx context.Context, c *authz.Caller, in *s.ListGroupPoliciesInput) (*s.ListGroupPoliciesOutput, error) {
		page, err := a.listInlinePolicies(ctx, c, "iam:ListGroupPolicies", warden.GroupIdentity(in.GroupName), in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &s.ListGroupPoliciesOutput{PolicyNames: page.Items, IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
	})
	registerNoResult(a, "DeleteGroupPolicy", func(ctx context.Context, c *authz.Caller, in *s.DeleteGroupPolicyInput) error {
		return a.deleteInlinePolicy(ctx, c, "iam:DeleteGroupPolicy", warden.GroupIdentity(in.GroupName), in.PolicyName)
	})

	registerNoResult(a, "PutRolePolicy", func(ctx context.Context, c *authz.Caller, in *s.PutRolePolicyInput) error {
		return a.putInlinePolicy(ctx, c, "iam:PutRolePolicy", warden.RoleIdentity(in.RoleName), in.PolicyName, in.PolicyDocument)
	})
	register(a, "GetRolePolicy", func(ctx context.Context, c *authz.Caller, in *s.GetRolePolicyInput) (*s.GetRolePolicyOutput, error) {
		p, err := a.inlinePolicy(ctx, c, "iam:GetRolePolicy", warden.RoleIdentity(in.RoleName), in.PolicyName)
		if err != nil {
			return nil, err
		}
		return &s.GetRolePolicyOutput{RoleName: p.Identity.Name, PolicyName: p.Name, PolicyDocument: p.Document}, nil
	})
	register(a, "ListRolePolicies", func(ctx context.Context, c *authz.Caller, in *s.ListRolePoliciesInput) (*s.ListRolePoliciesOutput, error) {
		page, err := a.listInlinePolicies(ctx, c, "iam:ListRolePolicies", warden.RoleIdentity(in.RoleName), in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &s.ListRolePoliciesOutput{PolicyNames: page.Items, IsTruncated: page.IsTruncated, Marker: marker(page)}, nil
	})
	registerNoResult(a, "DeleteRolePolicy", func(ctx context.Context, c *authz.Caller, in *s.DeleteRolePolicyInput) error {
		return a.deleteInlinePolicy(ctx, c, "iam:DeleteRolePolicy", warden.RoleIdentity(in.RoleName), in.PolicyName)
	})
}

// putInlinePolicy creates or replaces an inline policy. The document is
// checked against IAM's grammar for identity policies here; its size is
// the store's to judge, since the quota is on all of the identity's inline
// policies together (IAM User Guide, "IAM and AWS STS quotas": 2,048
// characters per user, 5,120 per group, 10,240 per role).
func (a *API) putInlinePolicy(ctx context.Context, c *authz.Caller, action string, id warden.Identity, name, document string) error {
	if err := a.authorizeIdentity(ctx, c, action, id, nil); err != nil {
		return err
	}
	if err := warden.ValidatePolicyName(name); err != nil {
		return err
	}
	if err := warden.ValidatePolicyDocument(document); err != nil {
		return err
	}
	if err := checkInlineDocument(document); err != nil {
		return err
	}
	return a.store.PutInlinePolicy(ctx, account(c), id, name, document)
}

func (a *API) inlinePolicy(ctx context.Context, c *authz.Caller, action string, id warden.Identity, name string) (*warden.InlinePolicy, error) {
	if err := a.authorizeIdentity(ctx, c, action, id, nil); err != nil {
		return nil, err
	}
	return a.store.InlinePolicy(ctx, account(c), id, name)
}

func (a *API) listInlinePolicies(ctx context.Context, c *authz.Caller, action string, id warden.Identity, marker *string, maxItems *int32) (*warden.Page[string], error) {
	if err := a.authorizeIdentity(ctx, c, action, id, nil); err != nil {
		return nil, err
	}
	return a.store.ListInlinePolicies(ctx, account(c), id, listOptions(nil, marker, maxItems))
}

func (a *API) deleteInlinePolicy(ctx context.Context, c *authz.Caller, action string, id warden.Identity, name string) error {
	if err := a.authorizeIdentity(ctx, c, action, id, nil); err != nil {
		return err
	}
	return a.store.DeleteInlinePolicy(ctx, account(c), id, name)
}

// checkInlineDocument refuses an inline policy as IAM does when it is
// written. Inline policies have no size limit of their own, only their
// identity's aggregate quota, which the store enforces and which may be
// larger than a managed policy's (10,240 for roles against 6,144): so the
// managed-policy size check of checkDocument, made only once the grammar
// holds, does not apply.
func checkInlineDocument(document string) error {
	_, err := checkDocument(document, policy.KindIdentity, "PolicySize")
	if warden.ErrorCode(err) == warden.ELimitExceeded {
		return nil
	}
	return err
}
