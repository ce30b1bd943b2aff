package stsapi

import (
	"context"
	"regexp"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/oidc"
)

// Option configures the API.
type Option func(*API)

// WithWebIdentityKeys gives AssumeRoleWithWebIdentity the identity
// providers' keys, which the operator supplies. Without them every web
// identity token is refused with IDPCommunicationError.
func WithWebIdentityKeys(keys *oidc.KeySet) Option {
	return func(a *API) { a.oidcKeys = keys }
}

// assumeRoleWithWebIdentity exchanges an OpenID Connect ID token for a role
// session (STS API Reference, AssumeRoleWithWebIdentity; IAM User Guide,
// "OIDC federation"). The request is unsigned: the token authenticates it.
// Its issuer must be an OIDC provider registered in the role's account;
// its signature must verify with the keys the operator supplied for that
// issuer, and its audience be one of the provider's client IDs. The role's
// trust policy then decides, for a caller known only as
// {"Federated": PROVIDER-ARN}, with the token's claims as the condition
// keys HOST/PATH:sub, :aud, :oaud and :amr.
func (a *API) assumeRoleWithWebIdentity(ctx context.Context, c *authz.Caller, in *s.AssumeRoleWithWebIdentityInput) (*s.AssumeRoleWithWebIdentityOutput, error) {
	if in.ProviderId != nil {
		return nil, warden.Errorf(warden.EInvalidParameterValue,
			"Warden verifies OpenID Connect ID tokens only; the OAuth 2.0 access tokens of %s (ProviderId) are not supported.", *in.ProviderId)
	}
	token, err := oidc.Parse(in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	provider, err := a.webIdentityProvider(ctx, roleAccount(in.RoleArn), token.Claims.Issuer)
	if err != nil {
		return nil, err
	}
	audience, err := token.Verify(ctx, a.oidcKeys, oidc.Expectation{Issuer: provider.URL, ClientIDs: provider.ClientIDs, Now: a.clock(c)})
	if err != nil {
		return nil, err
	}
	claims := &token.Claims

	r := &roleSessionRequest{
		action:            "sts:AssumeRoleWithWebIdentity",
		roleARN:           in.RoleArn,
		sessionName:       in.RoleSessionName,
		duration:          in.DurationSeconds,
		policy:            in.Policy,
		policyARNs:        in.PolicyArns,
		federatedProvider: provider.ARN,
	}
	r.keys, r.multiKeys = webIdentityKeys(provider, claims, audience)
	if claims.SourceIdentity != "" {
		if err := checkClaimedSourceIdentity(claims.SourceIdentity); err != nil {
			return nil, err
		}
		r.sourceIdentity = &claims.SourceIdentity
	}
	if claims.SessionTags != nil {
		if r.tags, r.transitiveKeys, err = claimedSessionTags(claims.SessionTags); err != nil {
			return nil, err
		}
	}

	rs, err := a.issueRoleSession(ctx, a.federatedCaller(ctx, c, provider.ARN), r)
	if err != nil {
		return nil, err
	}
	sess := rs.session
	out := &s.AssumeRoleWithWebIdentityOutput{
		Credentials:                 credentialsOut(sess),
		SubjectFromWebIdentityToken: new(claims.Subject),
		AssumedRoleUser:             &s.AssumedRoleUser{AssumedRoleId: sess.UserID(), Arn: sess.ARN()},
		PackedPolicySize:            rs.packed,
		// STS names an IAM OIDC provider by its ARN.
		Provider: new(provider.ARN),
		Audience: new(audience),
	}
	if sess.SourceIdentity != "" {
		out.SourceIdentity = new(sess.SourceIdentity)
	}
	return out, nil
}

// maxShownIssuer bounds the issuer an error repeats: the token chooses it.
const maxShownIssuer = 255

// webIdentityProvider returns the OIDC provider of the role's account
// whose URL is the token's issuer.
//
// Returns InvalidIdentityToken, in AWS's words, when there is none.
func (a *API) webIdentityProvider(ctx context.Context, account, issuer string) (*warden.OpenIDConnectProvider, error) {
	shown := issuer
	if len(shown) > maxShownIssuer {
		shown = strings.ToValidUTF8(shown[:maxShownIssuer], "") + "…"
	}
	notFound := warden.Errorf(warden.EInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", shown)
	providerURL := issuer
	if !strings.Contains(issuer, "://") {
		// Some providers write iss without the scheme; IAM provider URLs
		// always have it.
		providerURL = "https://" + issuer
	}
	if account == "" || warden.ValidateOIDCProviderURL(providerURL) != nil {
		return nil, notFound
	}
	p, err := a.store.OpenIDConnectProvider(ctx, account, warden.OIDCProviderARN(account, providerURL))
	if code := warden.ErrorCode(err); code == warden.ENoSuchEntity || code == warden.EInvalidInput {
		return nil, notFound
	}
	return p, err
}

// webIdentityKeys are the condition keys of a token's claims, named after
// the provider ("Available keys for AWS OIDC federation", IAM User Guide):
// HOST/PATH:sub, :aud (the client ID the token was accepted for), :oaud
// (the token's aud when its azp was the client ID) and :amr.
func webIdentityKeys(p *warden.OpenIDConnectProvider, c *oidc.Claims, audience string) (map[string]string, map[string][]string) {
	prefix := warden.OIDCProviderResource(p.URL) + ":"
	keys := map[string]string{prefix + "sub": c.Subject, prefix + "aud": audience}
	multi := map[string][]string{}
	if c.AuthorizedParty == audience && len(c.Audience) > 0 {
		if len(c.Audience) == 1 {
			keys[prefix+"oaud"] = c.Audience[0]
		} else {
			multi[prefix+"oaud"] = c.Audience
		}
	}
	if len(c.AuthMethods) > 0 {
		multi[prefix+"amr"] = c.AuthMethods
	}
	return keys, multi
}

// sourceIdentityRE is sourceIdentityType of the STS model.
var sourceIdentityRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// checkClaimedSourceIdentity applies the rules of SourceIdentity to the
// token's source identity claim ("Monitor and control actions taken with
// assumed roles": 2–64 characters, not starting with aws:).
func checkClaimedSourceIdentity(id string) error {
	if !sourceIdentityRE.MatchString(id) || strings.HasPrefix(strings.ToLower(id), "aws:") {
		return warden.Errorf(warden.EIDPRejectedClaim,
			"The source identity claim of the web identity token is not valid: it must be 2 to 64 characters of letters, digits and _+=,.@- and not begin with aws:.")
	}
	return nil
}

// claimedSessionTags turns the token's session tags claim into a request's
// tags; a token that breaks the rules of session tags is a rejected claim.
func claimedSessionTags(st *oidc.SessionTags) ([]s.Tag, []string, error) {
	tags, err := federatedSessionTags(st.Tags, st.TransitiveKeys, warden.EIDPRejectedClaim, "The session tags claim of the web identity token is not valid")
	if err != nil {
		return nil, nil, err
	}
	return tags, st.TransitiveKeys, nil
}
