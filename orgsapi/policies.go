package orgsapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

func (a *API) registerPolicies() {
	register(a, "CreatePolicy", a.createPolicy)
	register(a, "UpdatePolicy", a.updatePolicy)
	registerNoResult(a, "DeletePolicy", a.deletePolicy)
	register(a, "DescribePolicy", a.describePolicy)
	register(a, "ListPolicies", a.listPolicies)
	registerNoResult(a, "AttachPolicy", a.attachPolicy)
	registerNoResult(a, "DetachPolicy", a.detachPolicy)
	register(a, "ListPoliciesForTarget", a.listPoliciesForTarget)
	register(a, "ListTargetsForPolicy", a.listTargetsForPolicy)
}

// policy resolves the policy a request names, for its ARN, type and tags.
// An unknown ID is answered at once, as unknown roots, OUs and accounts
// are (see node).
func (a *API) policy(ctx context.Context, c *authz.Caller, policyID string) (*warden.Organization, *warden.OrganizationPolicy, resource, error) {
	org, err := a.managed(ctx, c)
	if err != nil {
		return nil, nil, resource{}, err
	}
	p, tags, err := a.store.OrganizationPolicy(ctx, org.ManagementAccountID, policyID)
	if err != nil {
		return nil, nil, resource{}, err
	}
	return org, p, resource{arn: p.ARN, tags: tags}, nil
}

func (a *API) createPolicy(ctx context.Context, c *authz.Caller, in *CreatePolicyInput) (*PolicyOutput, error) {
	create := warden.CreateOrganizationPolicyInput{Name: *in.Name, Description: *in.Description, Type: warden.OrganizationPolicyType(*in.Type),
		Content: *in.Content, Tags: tagsIn(in.Tags)}
	if err := create.Validate(); err != nil {
		return nil, err
	}
	if err := checkContent(create.Content, create.Type); err != nil {
		return nil, err
	}
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "CreatePolicy", authz.Call{RequestTags: create.Tags, Keys: policyTypeKey(create.Type)}); err != nil {
		return nil, err
	}
	p, err := a.store.CreateOrganizationPolicy(ctx, account(c), create)
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: policyOut(p)}, nil
}

func (a *API) updatePolicy(ctx context.Context, c *authz.Caller, in *UpdatePolicyInput) (*PolicyOutput, error) {
	update := warden.UpdateOrganizationPolicyInput{Name: in.Name, Description: in.Description, Content: in.Content}
	if err := update.Validate(); err != nil {
		return nil, err
	}
	_, p, r, err := a.policy(ctx, c, *in.PolicyId)
	if err != nil {
		return nil, err
	}
	if in.Content != nil {
		if err := checkContent(*in.Content, p.Type); err != nil {
			return nil, err
		}
	}
	if err := a.authorize(ctx, c, "UpdatePolicy", authz.Call{Keys: policyTypeKey(p.Type)}, r); err != nil {
		return nil, err
	}
	updated, err := a.store.UpdateOrganizationPolicy(ctx, account(c), p.ID, update)
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: policyOut(updated)}, nil
}

func (a *API) deletePolicy(ctx context.Context, c *authz.Caller, in *DeletePolicyInput) error {
	_, p, r, err := a.policy(ctx, c, *in.PolicyId)
	if err != nil {
		return err
	}
	if err := a.authorize(ctx, c, "DeletePolicy", authz.Call{Keys: policyTypeKey(p.Type)}, r); err != nil {
		return err
	}
	return a.store.DeleteOrganizationPolicy(ctx, account(c), p.ID)
}

func (a *API) describePolicy(ctx context.Context, c *authz.Caller, in *DescribePolicyInput) (*PolicyOutput, error) {
	_, p, r, err := a.policy(ctx, c, *in.PolicyId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "DescribePolicy", authz.Call{Keys: policyTypeKey(p.Type)}, r); err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: policyOut(p)}, nil
}

func (a *API) listPolicies(ctx context.Context, c *authz.Caller, in *ListPoliciesInput) (*ListPoliciesOutput, error) {
	t := warden.OrganizationPolicyType(*in.Filter)
	if _, err := a.managed(ctx, c); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListPolicies", authz.Call{Keys: policyTypeKey(t)}); err != nil {
		return nil, err
	}
	page, err := a.store.ListOrganizationPolicies(ctx, account(c), t, in.listOptions())
	if err != nil {
		return nil, err
	}
	return &ListPoliciesOutput{Policies: summaries(page.Items), NextToken: nextToken(page)}, nil
}

func summaries(policies []*warden.OrganizationPolicy) []PolicySummary {
	out := make([]PolicySummary, len(policies))
	for i, p := range policies {
		out[i] = policySummaryOut(p)
	}
	return out
}

// attachment resolves the policy and the target of AttachPolicy and
// DetachPolicy and authorizes the action on both: the policy is the
// required resource, the target an optional one that policies may name.
func (a *API) attachment(ctx context.Context, c *authz.Caller, action, policyID, targetID string) error {
	org, p, r, err := a.policy(ctx, c, policyID)
	if err != nil {
		return err
	}
	target, err := a.node(ctx, org, targetID, nil)
	if err != nil {
		return err
	}
	return a.authorize(ctx, c, action, authz.Call{Keys: policyTypeKey(p.Type)}, r, target)
}

func (a *API) attachPolicy(ctx context.Context, c *authz.Caller, in *AttachPolicyInput) error {
	if err := a.attachment(ctx, c, "AttachPolicy", *in.PolicyId, *in.TargetId); err != nil {
		return err
	}
	return a.store.AttachOrganizationPolicy(ctx, account(c), *in.PolicyId, *in.TargetId)
}

func (a *API) detachPolicy(ctx context.Context, c *authz.Caller, in *DetachPolicyInput) error {
	if err := a.attachment(ctx, c, "DetachPolicy", *in.PolicyId, *in.TargetId); err != nil {
		return err
	}
	return a.store.DetachOrganizationPolicy(ctx, account(c), *in.PolicyId, *in.TargetId)
}

func (a *API) listPoliciesForTarget(ctx context.Context, c *authz.Caller, in *ListPoliciesForTargetInput) (*ListPoliciesOutput, error) {
	t := warden.OrganizationPolicyType(*in.Filter)
	org, err := a.managed(ctx, c)
	if err != nil {
		return nil, err
	}
	target, err := a.node(ctx, org, *in.TargetId, nil)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListPoliciesForTarget", authz.Call{Keys: policyTypeKey(t)}, target); err != nil {
		return nil, err
	}
	page, err := a.store.ListOrganizationPoliciesForTarget(ctx, account(c), *in.TargetId, t, in.listOptions())
	if err != nil {
		return nil, err
	}
	return &ListPoliciesOutput{Policies: summaries(page.Items), NextToken: nextToken(page)}, nil
}

func (a *API) listTargetsForPolicy(ctx context.Context, c *authz.Caller, in *ListTargetsForPolicyInput) (*ListTargetsForPolicyOutput, error) {
	_, p, r, err := a.policy(ctx, c, *in.PolicyId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, "ListTargetsForPolicy", authz.Call{Keys: policyTypeKey(p.Type)}, r); err != nil {
		return nil, err
	}
	page, err := a.store.ListOrganizationPolicyTargets(ctx, account(c), p.ID, in.listOptions())
	if err != nil {
		return nil, err
	}
	out := &ListTargetsForPolicyOutput{Targets: make([]PolicyTargetSummary, len(page.Items)), NextToken: nextToken(page)}
	for i, t := range page.Items {
		out.Targets[i] = PolicyTargetSummary{TargetId: t.ID, Arn: t.ARN, Name: t.Name, Type: string(t.Type)}
	}
	return out, nil
}
