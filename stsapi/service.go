package stsapi

import (
	"context"
	"strings"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// ServiceRoleRequest is a Warden service, acting as an AWS service
// principal, asking for a session of a customer's role on behalf of one of
// the customer's resources.
type ServiceRoleRequest struct {
	// Service is the service principal, health-agent.amazonaws.com.
	Service string
	RoleARN string
	// SourceArn and SourceAccount are the resource the service acts for
	// and its account: the request carries them as aws:SourceArn and
	// aws:SourceAccount, so that trust policies can refuse a confused
	// deputy ("The confused deputy problem", IAM User Guide).
	SourceArn     string
	SourceAccount string
	SessionName   string
	// SourceIdentity, when set, needs sts:SetSourceIdentity in the trust
	// policy and stays with the session.
	SourceIdentity string
	// Duration is the session's lifetime; zero means an hour.
	Duration time.Duration
	// Region is where the service runs, recorded as the role's last use.
	Region string
}

// AssumeRoleAsService issues a role session to an AWS service principal
// when the role's trust policy allows it with the request's aws:SourceArn
// and aws:SourceAccount. The session's Principal is what the service then
// acts as; its credentials can also sign requests.
//
// Returns AccessDenied ("User: SERVICE is not authorized to perform:
// sts:AssumeRole on resource: ROLE") when the trust policy does not allow
// the service for that source, and ValidationError for a malformed
// request.
func (a *API) AssumeRoleAsService(ctx context.Context, in ServiceRoleRequest) (*warden.Session, error) {
	if !strings.HasSuffix(in.Service, ".amazonaws.com") || strings.ContainsAny(in.Service, " :/") {
		return nil, warden.Errorf(warden.EValidationError, "%q is not an AWS service principal.", in.Service)
	}
	if in.SessionName == "" {
		return nil, warden.Errorf(warden.EValidationError, "A role session name is required.")
	}
	if in.Duration != 0 && (in.Duration < warden.MinSessionDuration*time.Second || in.Duration > warden.MaxMaxSessionDuration*time.Second) {
		return nil, warden.Errorf(warden.EValidationError, "The session duration %v is outside 15 minutes to 12 hours.", in.Duration)
	}
	caller := &authz.Caller{
		Principal: &warden.Principal{Kind: warden.PrincipalService, ARN: in.Service, Name: in.Service},
		Region:    in.Region,
		Time:      a.now(),
	}
	r := &roleSessionRequest{
		action:      "sts:AssumeRole",
		roleARN:     in.RoleARN,
		sessionName: in.SessionName,
		keys:        map[string]string{},
	}
	if in.SourceArn != "" {
		r.keys["aws:SourceArn"] = in.SourceArn
	}
	if in.SourceAccount != "" {
		r.keys["aws:SourceAccount"] = in.SourceAccount
	}
	if in.SourceIdentity != "" {
		r.sourceIdentity = &in.SourceIdentity
	}
	if in.Duration != 0 {
		r.duration = new(int32(in.Duration / time.Second))
	}
	rs, err := a.issueRoleSession(ctx, caller, r)
	if err != nil {
		return nil, err
	}
	return rs.session, nil
}
