package stsapi

import (
	"context"
	"fmt"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/saml"
)

// assumeRoleWithSAML exchanges a SAML 2.0 authentication response for a
// role session (STS API Reference, AssumeRoleWithSAML; IAM User Guide,
// "SAML 2.0 federation"). The request is unsigned: the response
// authenticates it. PrincipalArn must name a SAML provider registered in
// IAM; the response's signature must verify with a certificate of its
// metadata, its issuer be the metadata's entity ID, and its Role attribute
// pair RoleArn with PrincipalArn. The role's trust policy then decides,
// for a caller known only as {"Federated": PROVIDER-ARN}, with the
// assertion as the condition keys saml:aud, saml:iss, saml:sub,
// saml:sub_type, saml:namequalifier, saml:doc and the eduPerson attributes
// ("Available keys for SAML-based AWS STS federation"). The session lasts
// DurationSeconds (one hour by default), cut short by the assertion's
// SessionNotOnOrAfter.
func (a *API) assumeRoleWithSAML(ctx context.Context, c *authz.Caller, in *s.AssumeRoleWithSAMLInput) (*s.AssumeRoleWithSAMLOutput, error) {
	provider, err := a.samlProvider(ctx, in.PrincipalArn)
	if err != nil {
		return nil, err
	}
	meta, err := saml.ParseMetadata(provider.MetadataDocument)
	if err != nil {
		// The document was read when it was stored.
		return nil, &warden.Error{Code: warden.EServiceFailure, Message: "A stored SAML provider could not be read.", Op: "stsapi.AssumeRoleWithSAML",
			Err: fmt.Errorf("%s metadata: %w", provider.ARN, err)}
	}
	data, err := saml.DecodeResponse(in.SAMLAssertion)
	if err != nil {
		return nil, err
	}
	assertion, err := saml.Verify(data, saml.Expectation{Metadata: meta, Now: a.clock(c)})
	if err != nil {
		return nil, err
	}
	claims, err := assertion.Claims()
	if err != nil {
		return nil, err
	}
	// The IdP names the roles the subject may take, each with the provider
	// that vouches for it; STS refuses any other pair as not authorized.
	if !slices.Contains(claims.Roles, saml.Role{RoleARN: in.RoleArn, ProviderARN: in.PrincipalArn}) {
		return nil, warden.Errorf(warden.EAccessDenied, "Not authorized to perform sts:AssumeRoleWithSAML")
	}

	r := &roleSessionRequest{
		action:            "sts:AssumeRoleWithSAML",
		roleARN:           in.RoleArn,
		sessionName:       claims.RoleSessionName,
		duration:          in.DurationSeconds,
		policy:            in.Policy,
		policyARNs:        in.PolicyArns,
		federatedProvider: provider.ARN,
		endBy:             assertion.SessionNotOnOrAfter,
	}
	r.keys, r.multiKeys = assertion.ConditionKeys(provider.AccountID, provider.Name)
	if claims.SourceIdentity != "" {
		r.sourceIdentity = &claims.SourceIdentity
	}
	if len(claims.PrincipalTags) > 0 || len(claims.TransitiveTagKeys) > 0 {
		if r.tags, err = assertedSessionTags(claims); err != nil {
			return nil, err
		}
		r.transitiveKeys = claims.TransitiveTagKeys
	}

	rs, err := a.issueRoleSession(ctx, a.federatedCaller(ctx, c, provider.ARN), r)
	if err != nil {
		return nil, err
	}
	sess := rs.session
	out := &s.AssumeRoleWithSAMLOutput{
		Credentials:      credentialsOut(sess),
		AssumedRoleUser:  &s.AssumedRoleUser{AssumedRoleId: sess.UserID(), Arn: sess.ARN()},
		PackedPolicySize: rs.packed,
		Subject:          new(assertion.Subject),
		SubjectType:      new(assertion.SubjectType()),
		Issuer:           new(assertion.Issuer),
		// STS's Audience is the Recipient, as saml:aud is.
		Audience:      new(assertion.Recipient),
		NameQualifier: new(saml.NameQualifier(assertion.Issuer, provider.AccountID, provider.Name)),
	}
	if sess.SourceIdentity != "" {
		out.SourceIdentity = new(sess.SourceIdentity)
	}
	return out, nil
}

// samlProvider returns the SAML provider PrincipalArn names.
//
// Returns InvalidIdentityToken, in AWS's words, when there is none.
func (a *API) samlProvider(ctx context.Context, arn string) (*warden.SAMLProvider, error) {
	notFound := warden.Errorf(warden.EInvalidIdentityToken, "Specified provider doesn't exist")
	account, _, err := warden.ParseSAMLProviderARN(arn)
	if err != nil {
		return nil, notFound
	}
	p, err := a.store.SAMLProvider(ctx, account, arn)
	if code := warden.ErrorCode(err); code == warden.ENoSuchEntity || code == warden.EInvalidInput {
		return nil, notFound
	}
	return p, err
}

// federatedCaller is the caller of an unsigned federation request:
// anonymous, known only by the provider that vouched for it, whoever
// signed the request.
func (a *API) federatedCaller(ctx context.Context, c *authz.Caller, providerARN string) *authz.Caller {
	fc := &authz.Caller{
		Principal:       &warden.Principal{Kind: warden.PrincipalAnonymous},
		SourceIP:        c.SourceIP,
		SecureTransport: c.SecureTransport,
		UserAgent:       c.UserAgent,
		Region:          c.Region,
		Time:            c.Time,
		Federated:       providerARN,
	}
	if fc.Region == "" {
		// An unsigned request names no region: it is served by Warden's
		// own, as a regional STS endpoint serves its region's.
		if ep, err := a.store.Endpoint(ctx); err == nil {
			fc.Region = ep.Region
		}
	}
	return fc
}

// assertedSessionTags turns the PrincipalTag attributes into a request's
// tags ("Passing session tags using AssumeRoleWithSAML"); an assertion that
// breaks the rules of session tags is refused as an invalid token.
func assertedSessionTags(c *saml.Claims) ([]s.Tag, error) {
	return federatedSessionTags(c.PrincipalTags, c.TransitiveTagKeys, warden.EInvalidIdentityToken, "The session tags of the SAML assertion are not valid")
}
