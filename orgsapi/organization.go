package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

func (a *API) registerOrganization() {
	register(a, "CreateOrganization", a.createOrganization)
	register(a, "DescribeOrganization", a.describeOrganization)
	register(a, "ListRoots", a.listRoots)
	register(a, "EnablePolicyType", a.enablePolicyType)
	register(a, "DisablePolicyType", a.disablePolicyType)
}

func (a *API) createOrganization(ctx context.Context, c *authz.Caller, in *CreateOrganizationInput) (*OrganizationOutput, error) {
	if err := a.authorize(ctx, c, "CreateOrganization", authz.Call{}); err != nil {
		return nil, err
	}
	org, err := a.store.CreateOrganization(ctx, account(c), warden.OrganizationFeatureSet(deref(in.FeatureSet)))
	if err != nil {
		return nil, err
	}
	return &OrganizationOutput{Organization: organizationOut(org)}, nil
}

// describeOrganization answers member accounts too: "This operation can be
// called from any account in the organization" (API Reference,
// DescribeOrganization).
func (a *API) describeOrganization(ctx context.Context, c *authz.Caller, _ *DescribeOrganizationInput) (*OrganizationOutput, error) {
	if err := a.authorize(ctx, c, "DescribeOrganization", authz.Call{}); err != nil {
		return nil, err
	}
	org, err := a.store.Organization(ctx, account(c))
	if err != nil {
		return nil, err
	}
	return &OrganizationOutput{Organization: organizationOut(org)}, nil
}

// listRoots returns the one root; it issues no NextToken, so any token is
// one it did not issue.
func (a *API) listRoots(ctx context.Context, c *authz.Caller, in *ListRootsInput) (*ListRootsOutput, error) {
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListRoots", authz.Call{}); err != nil {
		return nil, err
	}
	if in.NextToken != nil {
		return nil, warden.ReasonErrorf(warden.EInvalidInputException, warden.ReasonInvalidNextToken, "The NextToken is not valid.")
	}
	root, err := a.store.OrganizationRoot(ctx, account(c))
	if err != nil {
		return nil, err
	}
	return &ListRootsOutput{Roots: []Root{rootOut(root)}}, nil
}

func (a *API) enablePolicyType(ctx context.Context, c *authz.Caller, in *EnablePolicyTypeInput) (*RootOutput, error) {
	return a.changePolicyType(ctx, c, "EnablePolicyType", *in.RootId, warden.OrganizationPolicyType(*in.PolicyType), a.store.EnableOrganizationPolicyType)
}

func (a *API) disablePolicyType(ctx context.Context, c *authz.Caller, in *DisablePolicyTypeInput) (*RootOutput, error) {
	return a.changePolicyType(ctx, c, "DisablePolicyType", *in.RootId, warden.OrganizationPolicyType(*in.PolicyType), a.store.DisableOrganizationPolicyType)
}

func (a *API) changePolicyType(ctx context.Context, c *authz.Caller, action, rootID string, t warden.OrganizationPolicyType,
	change func(context.Context, string, string, warden.OrganizationPolicyType) (*warden.OrganizationRoot, error)) (*RootOutput, error) {
	org, err := a.managed(ctx, c)
	if err != nil {
		return nil, err
	}
	root, err := a.node(ctx, org, rootID, warden.ErrRootNotFound)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, action, authz.Call{Keys: policyTypeKey(t)}, root); err != nil {
		return nil, err
	}
	r, err := change(ctx, org.ManagementAccountID, rootID, t)
	if err != nil {
		return nil, err
	}
	return &RootOutput{Root: rootOut(r)}, nil
}
