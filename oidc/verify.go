package oidc

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// Skew is the clock difference tolerated between Warden and an identity
// provider when checking exp, nbf and iat.
const Skew = time.Minute

// Expectation is what a token must satisfy to be accepted for an identity
// provider registered in IAM.
type Expectation struct {
	// Issuer is the provider's URL (https://host/path); the token's iss
	// must name it, with or without the https:// scheme.
	Issuer string
	// ClientIDs are the provider's client IDs (audiences): the token's aud
	// or azp must be one of them.
	ClientIDs []string
	Now       time.Time
}

// Verify checks the token's signature with the issuer's keys, then its
// claims: issuer, audience, expiry, not-before and issued-at (with Skew),
// and a subject. It returns the client ID the token was issued to: azp
// when it names a client ID of the provider, else the first aud that does
// ("Available keys for AWS OIDC federation", IAM User Guide).
//
// Returns InvalidIdentityToken (bad signature, issuer, audience, or a
// missing claim), ExpiredTokenException, IDPRejectedClaim (a token not
// valid yet) and IDPCommunicationError (keys that cannot be read).
func (t *Token) Verify(ctx context.Context, keys *KeySet, want Expectation) (audience string, err error) {
	c := &t.Claims
	if !sameIssuer(c.Issuer, want.Issuer) {
		return "", warden.Errorf(warden.EInvalidIdentityToken, "The token's issuer %s is not the identity provider %s.", quoteShort(c.Issuer), want.Issuer)
	}
	candidates, err := keys.keys(ctx, want.Issuer, t.Header.KeyID, t.Header.Algorithm)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(candidates, func(k publicKey) bool { return k.verify(t.Header.Algorithm, t.signingInput, t.signature) }) {
		return "", warden.Errorf(warden.EInvalidIdentityToken, "The web identity token's signature does not verify with the keys of %s.", want.Issuer)
	}

	// The signature holds: the claims are the provider's.
	if c.Subject == "" {
		return "", warden.Errorf(warden.EInvalidIdentityToken, "The web identity token has no sub claim.")
	}
	if c.Expires.IsZero() {
		return "", warden.Errorf(warden.EInvalidIdentityToken, "The web identity token has no exp claim.")
	}
	now := want.Now.Truncate(time.Second)
	if !now.Before(c.Expires.Add(Skew)) {
		return "", warden.Errorf(warden.EExpiredTokenException, "Token expired: current date/time %d must be before the expiration date/time %d",
			now.Unix(), c.Expires.Unix())
	}
	if !c.NotBefore.IsZero() && now.Add(Skew).Before(c.NotBefore) {
		return "", warden.Errorf(warden.EIDPRejectedClaim, "The web identity token is not valid before %d; the current date/time is %d.", c.NotBefore.Unix(), now.Unix())
	}
	if !c.IssuedAt.IsZero() && now.Add(Skew).Before(c.IssuedAt) {
		return "", warden.Errorf(warden.EIDPRejectedClaim, "The web identity token was issued at %d, after the current date/time %d.", c.IssuedAt.Unix(), now.Unix())
	}
	if c.AuthorizedParty != "" && slices.Contains(want.ClientIDs, c.AuthorizedParty) {
		return c.AuthorizedParty, nil
	}
	for _, aud := range c.Audience {
		if slices.Contains(want.ClientIDs, aud) {
			return aud, nil
		}
	}
	// AWS's words for an audience the provider does not list.
	return "", warden.Errorf(warden.EInvalidIdentityToken, "Incorrect token audience")
}

// sameIssuer compares a token's iss with a provider URL. Some providers
// write iss without the scheme (accounts.google.com), which IAM accepts for
// the provider https://accounts.google.com.
func sameIssuer(iss, providerURL string) bool {
	if iss == providerURL {
		return true
	}
	return !strings.Contains(iss, "://") && "https://"+iss == providerURL
}
