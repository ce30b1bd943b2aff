package iamapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

func (a *API) registerPolicies() {
	register(a, "CreatePolicy", a.createPolicy)
	register(a, "GetPolicy", a.getPolicy)
	register(a, "ListPolicies", a.listPolicies)
	registerNoResult(a, "DeletePolicy", a.deletePolicy)
	register(a, "CreatePolicyVersion", a.createPolicyVersion)
	register(a, "GetPolicyVersion", a.getPolicyVersion)
	register(a, "ListPolicyVersions", a.listPolicyVersions)
	registerNoResult(a, "SetDefaultPolicyVersion", a.setDefaultPolicyVersion)
	registerNoResult(a, "DeletePolicyVersion", a.deletePolicyVersion)
	registerNoResult(a, "TagPolicy", a.tagPolicy)
	registerNoResult(a, "UntagPolicy", a.untagPolicy)
	register(a, "ListPolicyTags", a.listPolicyTags)
	register(a, "ListEntitiesForPolicy", a.listEntitiesForPolicy)
	register(a, "GetAccountAuthorizationDetails", a.getAccountAuthorizationDetails)
}

// authorizePolicy authorizes an action on a managed policy named by its
// ARN, which is the resource as given. The policy's tags feed
// aws:ResourceTag (policies have no iam:ResourceTag key: Service
// Authorization Reference, IAM resource types). An ARN that names no policy
// of the account is authorized untagged, so that a caller without
// permission learns nothing of which policies exist; the store then
// answers NoSuchEntity or InvalidInput.
func (a *API) authorizePolicy(ctx context.Context, c *authz.Caller, action, arn string, call *authz.Call) error {
	p, err := a.store.Policy(ctx, account(c), arn)
	switch warden.ErrorCode(err) {
	case "", warden.ENoSuchEntity, warden.EInvalidInput, warden.EValidationError:
	default:
		return err
	}
	if call == nil {
		call = &authz.Call{}
	}
	call.Action, call.Resource = action, arn
	if p != nil {
		call.ResourceTags = p.Tags
	}
	return a.authorize(ctx, c, call)
}

// policyOut maps a managed policy to the wire. ListPolicies leaves out the
// description ("Policy": "It is not included in the response to the
// ListPolicies operation"); tags are set only where the store filled them.
func policyOut(p *warden.ManagedPolicy, withDescription bool) s.Policy {
	out := s.Policy{
		PolicyName:                    &p.Name,
		PolicyId:                      &p.ID,
		Arn:                           &p.ARN,
		Path:                          &p.Path,
		DefaultVersionId:              &p.DefaultVersionID,
		AttachmentCount:               new(int32(p.AttachmentCount)),
		PermissionsBoundaryUsageCount: new(int32(p.PermissionsBoundaryUsageCount)),
		IsAttachable:                  p.IsAttachable,
		CreateDate:                    &p.CreateDate,
		UpdateDate:                    &p.UpdateDate,
		Tags:                          tagsOut(p.Tags),
	}
	if withDescription && p.Description != "" {
		out.Description = &p.Description
	}
	return out
}

// versionOut maps a policy version to the wire; only GetPolicyVersion and
// GetAccountAuthorizationDetails carry the document, which the encoder
// URL-encodes as IAM does.
func versionOut(v *warden.PolicyVersion, withDocument bool) s.PolicyVersion {
	out := s.PolicyVersion{VersionId: &v.VersionID, IsDefaultVersion: v.IsDefaultVersion, CreateDate: &v.CreateDate}
	if withDocument {
		out.Document = &v.Document
	}
	return out
}

func (a *API) createPolicy(ctx context.Context, c *authz.Caller, in *s.CreatePolicyInput) (*s.CreatePolicyOutput, error) {
	in2 := warden.CreatePolicyInput{Name: in.PolicyName, Path: deref(in.Path, "/"), Document: in.PolicyDocument,
		Description: deref(in.Description, ""), Tags: tagsIn(in.Tags)}
	call := &authz.Call{Action: "iam:CreatePolicy", Resource: warden.IAMARN(account(c), "policy", in2.Path, in.PolicyName), RequestTags: in2.Tags}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	if _, err := checkDocument(in.PolicyDocument, policy.KindIdentity, "PolicySize"); err != nil {
		return nil, err
	}
	p, err := a.store.CreatePolicy(ctx, account(c), in2)
	if err != nil {
		return nil, err
	}
	out := policyOut(p, true)
	return &s.CreatePolicyOutput{Policy: &out}, nil
}

func (a *API) getPolicy(ctx context.Context, c *authz.Caller, in *s.GetPolicyInput) (*s.GetPolicyOutput, error) {
	if err := a.authorizePolicy(ctx, c, "iam:GetPolicy", in.PolicyArn, nil); err != nil {
		return nil, err
	}
	p, err := a.store.Policy(ctx, account(c), in.PolicyArn)
	if err != nil {
		return nil, err
	}
	out := policyOut(p, true)
	return &s.GetPolicyOutput{Policy: &out}, nil
}

func (a *API) listPolicies(ctx context.Context, c *authz.Caller, in *s.ListPoliciesInput) (*s.ListPoliciesOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:ListPolicies", Resource: listResource(c, "policy", in.PathPrefix)}); err != nil {
		return nil, err
	}
	opts := warden.ListPoliciesOptions{ListOptions: listOptions(in.PathPrefix, in.Marker, in.MaxItems), OnlyAttached: in.OnlyAttached}
	if in.Scope != nil {
		opts.Scope = warden.PolicyScope(*in.Scope)
	}
	if in.PolicyUsageFilter != nil {
		opts.Usage = warden.PolicyUsage(*in.PolicyUsageFilter)
	}
	page, err := a.store.ListPolicies(ctx, account(c), opts)
	if err != nil {
		return nil, err
	}
	out := &s.ListPoliciesOutput{Policies: make([]s.Policy, 0, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, p := range page.Items {
		out.Policies = append(out.Policies, policyOut(p, false))
	}
	return out, nil
}

func (a *API) deletePolicy(ctx context.Context, c *authz.Caller, in *s.DeletePolicyInput) error {
	if err := a.authorizePolicy(ctx, c, "iam:DeletePolicy", in.PolicyArn, nil); err != nil {
		return err
	}
	return a.store.DeletePolicy(ctx, account(c), in.PolicyArn)
}

func (a *API) createPolicyVersion(ctx context.Context, c *authz.Caller, in *s.CreatePolicyVersionInput) (*s.CreatePolicyVersionOutput, error) {
	if err := a.authorizePolicy(ctx, c, "iam:CreatePolicyVersion", in.PolicyArn, nil); err != nil {
		return nil, err
	}
	if _, err := checkDocument(in.PolicyDocument, policy.KindIdentity, "PolicySize"); err != nil {
		return nil, err
	}
	v, err := a.store.CreatePolicyVersion(ctx, account(c), in.PolicyArn, in.PolicyDocument, in.SetAsDefault)
	if err != nil {
		return nil, err
	}
	out := versionOut(v, false)
	return &s.CreatePolicyVersionOutput{PolicyVersion: &out}, nil
}

func (a *API) getPolicyVersion(ctx context.Context, c *authz.Caller, in *s.GetPolicyVersionInput) (*s.GetPolicyVersionOutput, error) {
	if err := a.authorizePolicy(ctx, c, "iam:GetPolicyVersion", in.PolicyArn, nil); err != nil {
		return nil, err
	}
	v, err := a.store.PolicyVersion(ctx, account(c), in.PolicyArn, in.VersionId)
	if err != nil {
		return nil, err
	}
	out := versionOut(v, true)
	return &s.GetPolicyVersionOutput{PolicyVersion: &out}, nil
}

func (a *API) listPolicyVersions(ctx context.Context, c *authz.Caller, in *s.ListPolicyVersionsInput) (*s.ListPolicyVersionsOutput, error) {
	if err := a.authorizePolicy(ctx, c, "iam:ListPolicyVersions", in.PolicyArn, nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListPolicyVersions(ctx, account(c), in.PolicyArn, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListPolicyVersionsOutput{Versions: make([]s.PolicyVersion, 0, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, v := range page.Items {
		out.Versions = append(out.Versions, versionOut(v, false))
	}
	return out, nil
}

func (a *API) setDefaultPolicyVersion(ctx context.Context, c *authz.Caller, in *s.SetDefaultPolicyVersionInput) error {
	if err := a.authorizePolicy(ctx, c, "iam:SetDefaultPolicyVersion", in.PolicyArn, nil); err != nil {
		return err
	}
	return a.store.SetDefaultPolicyVersion(ctx, account(c), in.PolicyArn, in.VersionId)
}

func (a *API) deletePolicyVersion(ctx context.Context, c *authz.Caller, in *s.DeletePolicyVersionInput) error {
	if err := a.authorizePolicy(ctx, c, "iam:DeletePolicyVersion", in.PolicyArn, nil); err != nil {
		return err
	}
	return a.store.DeletePolicyVersion(ctx, account(c), in.PolicyArn, in.VersionId)
}

func (a *API) tagPolicy(ctx context.Context, c *authz.Caller, in *s.TagPolicyInput) error {
	tags := tagsIn(in.Tags)
	if err := a.authorizePolicy(ctx, c, "iam:TagPolicy", in.PolicyArn, &authz.Call{RequestTags: tags}); err != nil {
		return err
	}
	return a.store.TagPolicy(ctx, account(c), in.PolicyArn, tags)
}

func (a *API) untagPolicy(ctx context.Context, c *authz.Caller, in *s.UntagPolicyInput) error {
	if err := a.authorizePolicy(ctx, c, "iam:UntagPolicy", in.PolicyArn, &authz.Call{TagKeys: in.TagKeys}); err != nil {
		return err
	}
	return a.store.UntagPolicy(ctx, account(c), in.PolicyArn, in.TagKeys)
}

func (a *API) listPolicyTags(ctx context.Context, c *authz.Caller, in *s.ListPolicyTagsInput) (*s.ListPolicyTagsOutput, error) {
	if err := a.authorizePolicy(ctx, c, "iam:ListPolicyTags", in.PolicyArn, nil); err != nil {
		return nil, err
	}
	page, err := a.store.ListPolicyTags(ctx, account(c), in.PolicyArn, listOptions(nil, in.Marker, in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &s.ListPolicyTagsOutput{Tags: make([]s.Tag, 0, len(page.Items)), IsTruncated: page.IsTruncated, Marker: marker(page)}
	for _, t := range page.Items {
		out.Tags = append(out.Tags, s.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

func (a *API) listEntitiesForPolicy(ctx context.Context, c *authz.Caller, in *s.ListEntitiesForPolicyInput) (*s.ListEntitiesForPolicyOutput, error) {
	if err := a.authorizePolicy(ctx, c, "iam:ListEntitiesForPolicy", in.PolicyArn, nil); err != nil {
		return nil, err
	}
	out := &s.ListEntitiesForPolicyOutput{PolicyGroups: []s.PolicyGroup{}, PolicyUsers: []s.PolicyUser{}, PolicyRoles: []s.PolicyRole{}}
	opts := warden.ListEntitiesOptions{ListOptions: listOptions(in.PathPrefix, in.Marker, in.MaxItems)}
	if in.PolicyUsageFilter != nil {
		opts.Usage = warden.PolicyUsage(*in.PolicyUsageFilter)
	}
	if in.EntityFilter != nil {
		switch f := *in.EntityFilter; f {
		case s.EntityTypeUser, s.EntityTypeGroup, s.EntityTypeRole:
			opts.Kind = warden.IdentityKind(f)
		default:
			// EntityType also names the two kinds of managed policy, and
			// no policy uses another: the answer is empty, once the
			// policy is known to exist.
			if err := opts.ListOptions.Validate(); err != nil {
				return nil, err
			}
			if _, err := a.store.Policy(ctx, account(c), in.PolicyArn); err != nil {
				return nil, err
			}
			return out, nil
		}
	}
	page, err := a.store.ListEntitiesForPolicy(ctx, account(c), in.PolicyArn, opts)
	if err != nil {
		return nil, err
	}
	for _, e := range page.Groups {
		out.PolicyGroups = append(out.PolicyGroups, s.PolicyGroup{GroupName: &e.Name, GroupId: &e.ID})
	}
	for _, e := range page.Users {
		out.PolicyUsers = append(out.PolicyUsers, s.PolicyUser{UserName: &e.Name, UserId: &e.ID})
	}
	for _, e := range page.Roles {
		out.PolicyRoles = append(out.PolicyRoles, s.PolicyRole{RoleName: &e.Name, RoleId: &e.ID})
	}
	out.IsTruncated = page.IsTruncated
	if page.IsTruncated {
		out.Marker = &page.Marker
	}
	return out, nil
}
