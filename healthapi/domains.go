package healthapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// Required actions of CreateDomain (its aws.iam#requiredActions).
const (
	actionTagResource = "health-agent:TagResource"
	actionPassRole    = "iam:PassRole"
)

// domainRef is a domain a request names by ID, looked up before the
// request is authorized: its tags are the request's aws:ResourceTag.
type domainRef struct {
	domain *warden.Domain // nil when there is none
	// missing is the NoSuchEntity to answer once the caller is
	// authorized: a caller without permission learns nothing of what
	// exists.
	missing error
	target  target
}

func (a *API) findDomain(ctx context.Context, c *authz.Caller, id string) (*domainRef, error) {
	ref := &domainRef{target: target{arn: warden.DomainARN(c.Region, account(c), id)}}
	d, err := a.store.Domain(ctx, account(c), c.Region, id)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		ref.missing = err
	case err != nil:
		return nil, err
	default:
		ref.domain, ref.target.tags = d, d.Tags
	}
	return ref, nil
}

// active returns the domain, or why a request that changes it cannot:
// it does not exist, or it is being or has been deleted.
func (r *domainRef) active() error {
	if r.missing != nil {
		return r.missing
	}
	if r.domain.Status != warden.DomainActive {
		return warden.ErrDomainNotActive(r.domain)
	}
	return nil
}

func (a *API) createDomain(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateDomainInput) (*s.CreateDomainOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateHealthTags(tags); err != nil {
		return nil, err
	}
	id := warden.NewDomainID()
	if err := a.authorize(ctx, c, op.Action, authz.Call{RequestTags: tags}); err != nil {
		return nil, err
	}
	required := map[string]*requiredCall{actionTagResource: nil, actionPassRole: nil}
	if len(tags) > 0 {
		// Tagging on create is tagging the new domain ("Tagging on
		// creation", AWS Tagging Best Practices).
		required[actionTagResource] = &requiredCall{call: authz.Call{RequestTags: tags}, target: target{arn: warden.DomainARN(c.Region, account(c), id)}}
	}
	var web *warden.WebAppConfiguration
	if w := in.WebAppSetupConfiguration; w != nil {
		required[actionPassRole] = &requiredCall{
			call:   authz.Call{Keys: map[string]string{"iam:PassedToService": warden.HealthServicePrincipal}},
			target: target{arn: w.EhrRole},
		}
		web = &warden.WebAppConfiguration{
			RoleARN:                     w.EhrRole,
			IdentityCenterInstanceID:    w.IdcInstanceId,
			IdentityCenterApplicationID: warden.NewIdentityCenterApplicationID(),
			IdentityCenterRegion:        w.IdcRegion,
			URL:                         warden.WebAppURL(c.Region, id),
		}
	}
	if err := a.authorizeRequired(ctx, c, op, required); err != nil {
		return nil, err
	}
	if web != nil {
		if err := a.passedRole(ctx, c, web.RoleARN); err != nil {
			return nil, err
		}
	}
	d, err := a.store.CreateDomain(ctx, warden.CreateDomainInput{
		ID: id, AccountID: account(c), Region: c.Region, Name: in.Name, KMSKeyARN: deref(in.KmsKeyArn), WebApp: web, Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	out := domainOut(d)
	return &s.CreateDomainOutput{
		DomainId: out.DomainId, Arn: out.Arn, Name: out.Name, KmsKeyArn: out.KmsKeyArn, EncryptionContext: out.EncryptionContext,
		Status: out.Status, WebAppUrl: out.WebAppUrl, WebAppConfiguration: out.WebAppConfiguration, CreatedAt: out.CreatedAt,
	}, nil
}

func (a *API) getDomain(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetDomainInput) (*s.GetDomainOutput, error) {
	ref, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	return domainOut(ref.domain), nil
}

func (a *API) listDomains(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListDomainsInput) (*s.ListDomainsOutput, error) {
	if err := a.authorize(ctx, c, op.Action, authz.Call{}); err != nil {
		return nil, err
	}
	var status warden.DomainStatus
	if in.Status != nil {
		status = warden.DomainStatus(*in.Status)
	}
	page, err := a.store.ListDomains(ctx, account(c), c.Region, status, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListDomainsOutput{Domains: make([]s.DomainSummary, len(page.Items)), NextToken: nextToken(page)}
	for i, d := range page.Items {
		out.Domains[i] = s.DomainSummary{DomainId: d.ID, Arn: d.ARN(), Name: d.Name, Status: s.DomainStatus(d.Status), CreatedAt: d.CreatedAt}
	}
	return out, nil
}

func (a *API) deleteDomain(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeleteDomainInput) (*s.DeleteDomainOutput, error) {
	ref, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, ref.target); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	d, err := a.store.DeleteDomain(ctx, account(c), c.Region, in.DomainId)
	if err != nil {
		return nil, err
	}
	if d.Status == warden.DomainDeleting {
		a.work.finishDeletion(d)
	}
	return &s.DeleteDomainOutput{DomainId: d.ID, Arn: d.ARN(), Status: s.DomainStatus(d.Status)}, nil
}

// domainOut is a domain as GetDomain describes it.
func domainOut(d *warden.Domain) *s.GetDomainOutput {
	out := &s.GetDomainOutput{
		DomainId: d.ID, Arn: d.ARN(), Name: d.Name, Status: s.DomainStatus(d.Status), CreatedAt: d.CreatedAt, Tags: tagsOut(d.Tags),
		EncryptionContext: &s.EncryptionContext{EncryptionType: s.EncryptionType(d.EncryptionType())},
	}
	if d.KMSKeyARN != "" {
		out.KmsKeyArn, out.EncryptionContext.KmsKeyArn = new(d.KMSKeyARN), new(d.KMSKeyARN)
	}
	if w := d.WebApp; w != nil {
		out.WebAppUrl = new(w.URL)
		out.WebAppConfiguration = &s.WebAppConfiguration{EhrRole: w.RoleARN, IdcApplicationId: w.IdentityCenterApplicationID, IdcRegion: w.IdentityCenterRegion}
	}
	return out
}

// listOptions turns a request's paging members into the store's.
func listOptions(nextToken *string, maxResults *int32) warden.ListOptions {
	opts := warden.ListOptions{Marker: deref(nextToken)}
	if maxResults != nil {
		opts.MaxItems = int(*maxResults)
	}
	return opts
}

// nextToken is a page's nextToken: present only when there is more.
func nextToken[T any](p *warden.Page[T]) *string {
	if !p.IsTruncated {
		return nil
	}
	return new(p.Marker)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
