package stsapi

import (
	"context"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/policy"
)

// roleSessionRequest is what AssumeRole, AssumeRoleWithWebIdentity,
// AssumeRoleWithSAML and a service assuming a role ask for, once decoded.
type roleSessionRequest struct {
	action         string // sts:AssumeRole, sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML
	roleARN        string
	sessionName    string
	duration       *int32
	policy         *string
	policyARNs     []s.PolicyDescriptorType
	tags           []s.Tag
	transitiveKeys []string
	externalID     *string
	sourceIdentity *string
	// contexts are the trusted context assertions (ProvidedContexts).
	contexts []s.ProvidedContext
	// mfaAt is when MFA was verified by this request; zero without.
	mfaAt time.Time
	// keys are request context keys the operation adds: aws:SourceArn for
	// a service, the identity provider's claims for a web identity.
	keys map[string]string
	// multiKeys are multivalued keys the operation adds: the amr claim of
	// a web identity.
	multiKeys map[string][]string
	// federatedProvider is the web identity or SAML provider, recorded in
	// the session.
	federatedProvider string
	// endBy, when set, is when the session must end at the latest
	// whatever its duration: a SAML assertion's SessionNotOnOrAfter.
	endBy time.Time
}

// roleSession is an issued role session.
type roleSession struct {
	session *warden.Session
	packed  *int32 // set when session policies or tags were passed
}

// issueRoleSession authorizes and issues a role session for the caller
// (STS API Reference, AssumeRole; IAM User Guide, "Role chaining",
// "Passing session tags in AWS STS", "Monitor and control actions taken
// with assumed roles" for source identity).
func (a *API) issueRoleSession(ctx context.Context, c *authz.Caller, r *roleSessionRequest) (*roleSession, error) {
	caller := c.Principal
	if caller.Kind == warden.PrincipalRoot {
		return nil, warden.Errorf(warden.EAccessDenied, "Roles may not be assumed by root accounts.")
	}
	// Role chaining: a role session assuming a role inherits its source
	// identity and transitive tags, and gets at most an hour. It does not
	// inherit the keys of its provided context (see context.go).
	var parent *warden.Session
	if caller.Kind == warden.PrincipalAssumedRole {
		parent = caller.Session
	}

	role, trust, err := a.roleTarget(ctx, r.roleARN)
	if err != nil {
		return nil, err
	}
	tags, transitive, err := sessionTags(r.tags, r.transitiveKeys, parent)
	if err != nil {
		return nil, err
	}
	sourceIdentity := ""
	if r.sourceIdentity != nil {
		sourceIdentity = *r.sourceIdentity
	}
	if parent != nil && parent.SourceIdentity != "" {
		if sourceIdentity != "" && sourceIdentity != parent.SourceIdentity {
			return nil, warden.Errorf(warden.EAccessDenied,
				"The source identity of a session cannot be changed: the calling session's source identity is %s.", parent.SourceIdentity)
		}
		sourceIdentity = parent.SourceIdentity
	}

	call := &authz.Call{
		Action:          r.action,
		Resource:        r.roleARN,
		ResourceAccount: roleAccount(r.roleARN),
		ResourcePolicy:  trust,
		RequestTags:     tags,
		Keys:            map[string]string{"sts:RoleSessionName": r.sessionName},
	}
	if len(transitive) > 0 {
		call.MultiKeys = map[string][]string{"sts:TransitiveTagKeys": transitive}
	}
	if r.externalID != nil {
		call.Keys["sts:ExternalId"] = *r.externalID
	}
	if sourceIdentity != "" {
		call.Keys["sts:SourceIdentity"] = sourceIdentity
	}
	if !r.mfaAt.IsZero() {
		// MFA given with the request itself counts for its own
		// authorization, even when signed with a long-term key.
		call.Keys["aws:MultiFactorAuthPresent"] = "true"
		call.Keys["aws:MultiFactorAuthAge"] = "0"
	}
	for k, v := range r.keys {
		call.Keys[k] = v
	}
	for k, v := range r.multiKeys {
		if call.MultiKeys == nil {
			call.MultiKeys = map[string][]string{}
		}
		call.MultiKeys[k] = v
	}
	if role != nil {
		call.ResourceTags = role.Tags
		for _, t := range role.Tags {
			call.Keys["iam:ResourceTag/"+t.Key] = t.Value
		}
	}

	// The trust policy must allow every permission the request uses:
	// assuming the role, then tagging the session, setting its source
	// identity and its context.
	if err := a.authorize(ctx, c, call); err != nil {
		return nil, err
	}
	for _, extra := range []struct {
		action string
		needed bool
	}{
		{"sts:TagSession", len(tags) > 0},
		{"sts:SetSourceIdentity", sourceIdentity != ""},
		{"sts:SetContext", len(r.contexts) > 0},
	} {
		if !extra.needed {
			continue
		}
		sub := *call
		sub.Action = extra.action
		if err := a.authorize(ctx, c, &sub); err != nil {
			return nil, err
		}
	}
	if role == nil {
		// Unreachable in practice: no trust policy allows a role that does
		// not exist. Answer as for a denial all the same.
		return nil, warden.Errorf(warden.EAccessDenied, "%s", deniedMessage(caller, call))
	}
	var contextKeys map[string]string
	if len(r.contexts) > 0 {
		if contextKeys, err = providedContextKeys(a.store, r.contexts, a.clock(c)); err != nil {
			return nil, err
		}
	}

	seconds := duration(r.duration, warden.DefaultRoleSessionDuration)
	switch {
	case parent != nil && seconds > warden.RoleChainingMaxDuration:
		return nil, warden.Errorf(warden.EValidationError, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case seconds > role.MaxSessionDuration:
		return nil, warden.Errorf(warden.EValidationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	var packed *int32
	if r.policy != nil || len(r.policyARNs) > 0 || len(tags) > 0 {
		p, err := packedSize(r.policy, r.policyARNs, tags, transitive)
		if err != nil {
			return nil, err
		}
		packed = &p
	}
	policies, err := a.sessionPolicies(ctx, role.Principal.AccountID, r.policy, r.policyARNs)
	if err != nil {
		return nil, err
	}

	length := time.Duration(seconds) * time.Second
	if !r.endBy.IsZero() {
		left := r.endBy.Sub(a.clock(c)).Truncate(time.Second)
		if left <= 0 {
			return nil, warden.Errorf(warden.EExpiredTokenException, "The session the identity provider granted ended at %s.", r.endBy.UTC().Format(time.RFC3339))
		}
		length = min(length, left)
	}

	mfaAt := r.mfaAt
	if mfaAt.IsZero() && caller.Session != nil {
		mfaAt = caller.Session.MFAAuthenticatedAt
	}
	sess, err := a.store.CreateSession(ctx, warden.CreateSessionInput{
		Kind:               warden.SessionAssumedRole,
		Parent:             role.Principal,
		Name:               r.sessionName,
		SourceIdentity:     sourceIdentity,
		Tags:               tags,
		TransitiveTagKeys:  transitive,
		Policies:           policies,
		MFAAuthenticatedAt: mfaAt,
		FederatedProvider:  r.federatedProvider,
		ContextKeys:        contextKeys,
		Duration:           length,
		Region:             c.Region,
	})
	if err != nil {
		return nil, err
	}
	return &roleSession{session: sess, packed: packed}, nil
}

// roleTarget returns the role an ARN names with its compiled trust
// policy, or nil (and no error) when there is no such role: the caller is
// then refused like any caller the trust policy does not name, so that
// AssumeRole does not tell who is allowed which roles exist.
func (a *API) roleTarget(ctx context.Context, roleARN string) (*warden.PrincipalPolicies, *policy.Set, error) {
	arn, err := warden.ParseARN(roleARN)
	if err != nil {
		return nil, nil, nil
	}
	if typ, _, _, ok := arn.IAMResource(); !ok || typ != "role" {
		return nil, nil, nil
	}
	pp, err := a.store.PrincipalPolicies(ctx, roleARN)
	if warden.ErrorCode(err) == warden.ENoSuchEntity {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	trust, err := a.trust.get(pp)
	if err != nil {
		return nil, nil, err
	}
	return pp, trust, nil
}

// roleAccount is the account field of a role ARN, "" when it has none.
func roleAccount(roleARN string) string {
	arn, err := warden.ParseARN(roleARN)
	if err != nil {
		return ""
	}
	return arn.AccountID
}

func (a *API) assumeRole(ctx context.Context, c *authz.Caller, in *s.AssumeRoleInput) (*s.AssumeRoleOutput, error) {
	now := a.clock(c)
	mfaAt, err := a.verifyMFA(ctx, c.Principal, in.SerialNumber, in.TokenCode, now)
	if err != nil {
		return nil, err
	}
	rs, err := a.issueRoleSession(ctx, c, &roleSessionRequest{
		action:         "sts:AssumeRole",
		roleARN:        in.RoleArn,
		sessionName:    in.RoleSessionName,
		duration:       in.DurationSeconds,
		policy:         in.Policy,
		policyARNs:     in.PolicyArns,
		tags:           in.Tags,
		transitiveKeys: in.TransitiveTagKeys,
		externalID:     in.ExternalId,
		sourceIdentity: in.SourceIdentity,
		contexts:       in.ProvidedContexts,
		mfaAt:          mfaAt,
	})
	if err != nil {
		return nil, err
	}
	sess := rs.session
	out := &s.AssumeRoleOutput{
		Credentials:      credentialsOut(sess),
		AssumedRoleUser:  &s.AssumedRoleUser{AssumedRoleId: sess.UserID(), Arn: sess.ARN()},
		PackedPolicySize: rs.packed,
	}
	if sess.SourceIdentity != "" {
		out.SourceIdentity = new(sess.SourceIdentity)
	}
	return out, nil
}
