package iamapi

import (
	"context"
	"fmt"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

// policySource is the user, group or role a PolicySourceArn names.
type policySource struct {
	kind    warden.IdentityKind
	account string
	arn     string // the entity's ARN
	name    string
}

// sourcePolicySet is what applies to a policy source: its identity
// policies in the order IAM evaluates them, and its permissions boundary.
type sourcePolicySet struct {
	identity []*simPolicy
	boundary *simPolicy // nil without one
}

// authorizeSource authorizes action on the entity a PolicySourceArn names
// and returns it. As for every IAM operation on an entity, a caller without
// permission learns nothing of which entities exist: an entity that does
// not exist (or exists at another path) is authorized against the ARN
// given, and only then reported missing.
//
// Returns InvalidInput for an ARN that names no user, group or role,
// AccessDenied, and NoSuchEntity.
func (a *API) authorizeSource(ctx context.Context, c *authz.Caller, action, sourceARN string) (*policySource, error) {
	parsed, err := warden.ParseARN(sourceARN)
	if err != nil {
		return nil, err
	}
	typ, _, name, ok := parsed.IAMResource()
	src := &policySource{account: parsed.AccountID, arn: sourceARN, name: name}
	switch typ {
	case "user":
		src.kind = warden.IdentityUser
	case "group":
		src.kind = warden.IdentityGroup
	case "role":
		src.kind = warden.IdentityRole
	}
	if !ok || src.kind == "" || parsed.Partition != warden.Partition {
		return nil, warden.Errorf(warden.EInvalidInput, "Invalid source ARN %s: it must name a user, group or role.", sourceARN)
	}

	call := &authz.Call{Action: action, Resource: sourceARN}
	found := false
	if parsed.AccountID != account(c) {
		// Another account's entities are that account's to simulate.
		call.ResourceAccount = parsed.AccountID
	} else {
		entityARN, tags, err := a.sourceEntity(ctx, account(c), src)
		if err != nil {
			return nil, err
		}
		found = entityARN == sourceARN
		if found {
			resourceTagKeys(call, tags)
		}
	}
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	if !found {
		return nil, warden.Errorf(warden.ENoSuchEntity, "The %s with name %s cannot be found.", typ, name)
	}
	return src, nil
}

// sourceEntity looks the source up by name; arn is empty when there is no
// such entity.
func (a *API) sourceEntity(ctx context.Context, acct string, src *policySource) (arn string, tags []warden.Tag, err error) {
	switch src.kind {
	case warden.IdentityUser:
		var u *warden.User
		if u, err = a.store.User(ctx, acct, src.name); err == nil {
			arn, tags = u.ARN, u.Tags
		}
	case warden.IdentityGroup:
		var g *warden.Group
		if g, err = a.store.Group(ctx, acct, src.name); err == nil {
			arn = g.ARN
		}
	case warden.IdentityRole:
		var r *warden.Role
		if r, err = a.store.Role(ctx, acct, src.name); err == nil {
			arn, tags = r.ARN, r.Tags
		}
	}
	if warden.ErrorCode(err) == warden.ENoSuchEntity {
		return "", nil, nil
	}
	return arn, tags, err
}

// sourcePolicies gathers the policies that apply to the source: for a user,
// its own inline and attached policies and then its groups'; for a group
// or a role, its own (IAM API Reference, "SimulatePrincipalPolicy").
func (a *API) sourcePolicies(ctx context.Context, src *policySource) (*sourcePolicySet, error) {
	if src.kind == warden.IdentityGroup {
		return a.groupPolicies(ctx, src)
	}
	pp, err := a.store.PrincipalPolicies(ctx, src.arn)
	if err != nil {
		return nil, err
	}
	set := &sourcePolicySet{}
	for _, ip := range pp.Policies {
		p, err := storedPolicy(ip, inlineSourceType(ip.AttachedTo))
		if err != nil {
			return nil, err
		}
		set.identity = append(set.identity, p)
	}
	if pp.PermissionsBoundary != nil {
		if set.boundary, err = storedPolicy(*pp.PermissionsBoundary, ""); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// groupPolicies reads a group's inline and then attached policies. Groups
// are not principals, so the authorization source does not gather them.
func (a *API) groupPolicies(ctx context.Context, src *policySource) (*sourcePolicySet, error) {
	acct, id := src.account, warden.GroupIdentity(src.name)
	set := &sourcePolicySet{}
	names, err := allPages(func(o warden.ListOptions) (*warden.Page[string], error) {
		return a.store.ListInlinePolicies(ctx, acct, id, o)
	})
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		ip, err := a.store.InlinePolicy(ctx, acct, id, name)
		if err != nil {
			return nil, err
		}
		p, err := storedPolicy(warden.IdentityPolicy{Name: ip.Name, AttachedTo: src.arn, Document: ip.Document}, s.PolicySourceTypeGroup)
		if err != nil {
			return nil, err
		}
		set.identity = append(set.identity, p)
	}
	attached, err := allPages(func(o warden.ListOptions) (*warden.Page[warden.AttachedPolicy], error) {
		return a.store.ListAttachedPolicies(ctx, acct, id, o)
	})
	if err != nil {
		return nil, err
	}
	for _, ap := range attached {
		mp, err := a.store.Policy(ctx, acct, ap.ARN)
		if err != nil {
			return nil, err
		}
		v, err := a.store.PolicyVersion(ctx, acct, ap.ARN, mp.DefaultVersionID)
		if err != nil {
			return nil, err
		}
		p, err := storedPolicy(warden.IdentityPolicy{Name: mp.Name, ARN: mp.ARN, VersionID: v.VersionID, AttachedTo: src.arn, Document: v.Document}, "")
		if err != nil {
			return nil, err
		}
		set.identity = append(set.identity, p)
	}
	return set, nil
}

// storedPolicy parses a stored policy for a simulation. Its SourcePolicyId
// is its name; inline policies are typed by their holder (inlineType), and
// managed ones as AWS or customer ("user") managed. Stored policies passed
// IAM's grammar when written, so a failure is the store's fault.
func storedPolicy(ip warden.IdentityPolicy, inlineType s.PolicySourceType) (*simPolicy, error) {
	doc, err := policy.Parse([]byte(ip.Document))
	if err != nil {
		return nil, &warden.Error{Code: warden.EServiceFailure, Message: "A stored policy could not be read.", Op: "iamapi.simulate", Err: fmt.Errorf("%s %s: %w", ip.AttachedTo, ip.Name, err)}
	}
	typ := inlineType
	switch {
	case ip.Inline():
	case warden.IsAWSManagedPolicyARN(ip.ARN):
		typ = s.PolicySourceTypeAwsManaged
	default:
		typ = s.PolicySourceTypeUserManaged
	}
	return newSimPolicy(ip.Name, typ, ip.Document, doc), nil
}

// inlineSourceType types an inline policy by the user, group or role that
// holds it.
func inlineSourceType(holderARN string) s.PolicySourceType {
	parsed, err := warden.ParseARN(holderARN)
	if err != nil {
		return s.PolicySourceTypeNone
	}
	switch typ, _, _, _ := parsed.IAMResource(); typ {
	case "user":
		return s.PolicySourceTypeUser
	case "group":
		return s.PolicySourceTypeGroup
	case "role":
		return s.PolicySourceTypeRole
	}
	return s.PolicySourceTypeNone
}
