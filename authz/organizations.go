package authz

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// OrgPolicySource tells where an account stands in AWS Organizations. When
// the Authorizer's source implements it (warden.OrganizationService does),
// every decision applies the SCPs that govern the principal's account and
// the RCPs that govern the resource's account, and the request carries
// the organization condition keys.
type OrgPolicySource interface {
	OrganizationControls(ctx context.Context, account string) (*warden.OrganizationControls, error)
}

// orgCache holds each account's compiled SCP and RCP levels with the store
// answer they were built from; as for identity policies, the store hands
// out the same value until a write changes it.
type orgCache struct {
	mu        sync.Mutex
	byAccount map[string]*compiledControls
}

type compiledControls struct {
	from       *warden.OrganizationControls
	scps, rcps []*policy.Set
	// paths is the value of aws:PrincipalOrgPaths and aws:ResourceOrgPaths,
	// built once; requests share it and never change it.
	paths []string
}

// maxCompiledControls bounds the cache; when it fills up it is emptied.
const maxCompiledControls = 10_000

// rcpServices are the services whose resources RCPs govern; other
// services ignore RCPs ("Resource control policies (RCPs)", AWS
// Organizations User Guide, list of supported AWS services). IAM is not
// among them, STS is: an RCP can stop sts:AssumeRole on a member account's
// role.
var rcpServices = map[string]bool{
	"s3": true, "sts": true, "kms": true, "sqs": true, "secretsmanager": true,
	"ecr": true, "aoss": true, "cognito-idp": true, "logs": true, "dynamodb": true,
}

// organize adds to a request what the caller's and the resource's places
// in their organizations contribute: the SCP levels of the principal's
// account, the RCP levels of the resource's account, and the keys
// aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:ResourceOrgID and
// aws:ResourceOrgPaths ("AWS global condition context keys"). The
// management account is governed by neither policy type (the store gives
// it no levels), nor are service-linked roles ("SCPs don't affect
// service-linked roles"; RCPs likewise).
func (a *Authorizer) organize(ctx context.Context, c *Caller, call *Call, layers *policy.Layers, req *policy.Request) error {
	src, ok := a.source.(OrgPolicySource)
	if !ok {
		return nil
	}
	p := c.Principal
	exempt := serviceLinked(p)
	var principal *compiledControls
	if p.AccountID != "" {
		var err error
		if principal, err = a.controls(ctx, src, p.AccountID); err != nil {
			return err
		}
		if org := principal.from; org.OrganizationID != "" {
			req.Context.Set("aws:PrincipalOrgID", org.OrganizationID)
			req.Context.SetMulti("aws:PrincipalOrgPaths", principal.paths)
		}
		if !exempt {
			layers.SCPs = principal.scps
		}
	}
	resourceAccount := cmp.Or(call.ResourceAccount, p.AccountID)
	if resourceAccount == "" {
		return nil
	}
	resource := principal
	if resourceAccount != p.AccountID {
		var err error
		if resource, err = a.controls(ctx, src, resourceAccount); err != nil {
			return err
		}
	}
	if org := resource.from; org.OrganizationID != "" {
		req.Context.Set("aws:ResourceOrgID", org.OrganizationID)
		req.Context.SetMulti("aws:ResourceOrgPaths", resource.paths)
	}
	if !exempt && honoursRCPs(call.Action) {
		layers.RCPs = resource.rcps
	}
	return nil
}

func honoursRCPs(action string) bool {
	service, _, _ := strings.Cut(action, ":")
	return rcpServices[strings.ToLower(service)]
}

// serviceLinked reports whether the principal is a service-linked role or
// one of its sessions: IAM keeps those roles under the path
// /aws-service-role/ ("Using service-linked roles"). Warden does not create
// them yet, so no caller is exempt today.
func serviceLinked(p *warden.Principal) bool {
	role := p
	if p.Session != nil {
		role = &p.Session.Parent
	}
	return role.Kind == warden.PrincipalRole && strings.HasPrefix(role.Path, "/aws-service-role/")
}

// controls returns an account's compiled SCP and RCP levels.
func (a *Authorizer) controls(ctx context.Context, src OrgPolicySource, account string) (*compiledControls, error) {
	oc, err := src.OrganizationControls(ctx, account)
	if err != nil {
		return nil, err
	}
	a.orgs.mu.Lock()
	c := a.orgs.byAccount[account]
	a.orgs.mu.Unlock()
	if c != nil && c.from == oc {
		return c, nil
	}
	c = &compiledControls{from: oc, paths: []string{oc.Path}}
	if c.scps, err = compileLevels(oc.SCPs); err != nil {
		return nil, err
	}
	if c.rcps, err = compileLevels(oc.RCPs); err != nil {
		return nil, err
	}
	a.orgs.mu.Lock()
	if a.orgs.byAccount == nil || len(a.orgs.byAccount) >= maxCompiledControls {
		a.orgs.byAccount = map[string]*compiledControls{}
	}
	a.orgs.byAccount[account] = c
	a.orgs.mu.Unlock()
	return c, nil
}

// compileLevels compiles each level's policies into one set; nil levels
// (the policy type not enabled) stay nil, so the engine skips the type.
func compileLevels(levels [][]*warden.OrganizationPolicy) ([]*policy.Set, error) {
	if levels == nil {
		return nil, nil
	}
	sets := make([]*policy.Set, len(levels))
	for i, level := range levels {
		docs := make([]policy.Document, 0, len(level))
		for _, op := range level {
			p, err := policy.Parse([]byte(op.Content))
			if err != nil {
				// Stored policies passed the grammar when they were
				// written; deciding without one could allow what it
				// denies.
				return nil, &warden.Error{Code: warden.EServiceFailure, Message: "A stored policy could not be read.", Op: "authz.compileLevels", Err: fmt.Errorf("%s: %w", op.ARN, err)}
			}
			docs = append(docs, policy.Document{Name: op.ARN, Policy: p})
		}
		sets[i], _ = policy.Compile(docs...)
	}
	return sets, nil
}
