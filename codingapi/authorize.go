package codingapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// target is one resource a request acts on, as authorization sees it.
type target struct {
	arn string
	// tags are what policies see as aws:ResourceTag/*. Connect Health tags
	// domains only; a job is seen with its domain's tags, as healthapi
	// sees patient insights jobs, so that a policy conditioned on
	// aws:ResourceTag governs everything in a domain alike.
	tags []warden.Tag
}

// domainRef is a domain a request names by ID, looked up before the
// request is authorized: its tags are the request's aws:ResourceTag.
type domainRef struct {
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
		ref.target.tags = d.Tags
	}
	return ref, nil
}

// authorize asks whether the caller may perform action on every target
// and turns the first denial into AccessDenied (AccessDeniedException,
// HTTP 401). An action with several required resource types
// (StartMedicalCodingJob: Domain and MedicalCodingJob) is allowed only
// when it is allowed on each of them.
func (a *API) authorize(ctx context.Context, c *authz.Caller, action string, targets ...target) error {
	for _, t := range targets {
		call := &authz.Call{Action: action, Resource: t.arn, ResourceTags: t.tags}
		d, err := a.authz.Authorize(ctx, c, call)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
	}
	return nil
}
