package stsapi

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

// Trusted context assertions (AssumeRole's ProvidedContexts): a trusted
// context provider vouches for facts about the person behind a request,
// and the role session carries them as condition keys. AWS's one provider
// is IAM Identity Center, whose assertions carry the identity store user
// of trusted identity propagation (identitystore:UserId, "AWS STS
// condition context keys for IAM Identity Center", IAM Identity Center
// User Guide). Warden plays that provider itself: it mints assertions
// (MintIdentityCenterContext, for Warden's own sign-in simulation) and
// accepts only those, verified with an HMAC-SHA256 under a key derived
// from the store's data key, so nobody without the data directory can
// forge one. Using them needs sts:SetContext in the role's trust policy.
//
// The keys belong to the one session the assertion was presented for:
// they decide that session's requests, its AssumeRole calls included, but
// a role it assumes gets them only if the assertion is presented again,
// under that role's sts:SetContext. AWS names what a role chain carries,
// transitive session tags ("Chaining roles with session tags") and the
// source identity, and says the Identity Center keys are set when an
// application passes its token to STS ("AWS STS condition context keys
// for IAM Identity Center"); carrying them silently would also let a
// session set a context on a role whose trust policy never allowed it.
//
// An assertion reads
//
//	wic1.<base64url(JSON claims)>.<base64url(HMAC-SHA256 of "wic1.<claims>")>
//
// where the claims name the provider, the identity store user (and
// optionally the identity store's ARN), and when the assertion was issued
// and expires.

// IdentityCenterContextProvider is the ProviderArn of IAM Identity
// Center's assertions, the only provider Warden trusts.
const IdentityCenterContextProvider = "arn:aws:iam::aws:contextProvider/IdentityCenter"

// DefaultContextAssertionLifetime is how long a minted assertion is valid
// when the caller asks for no lifetime: an hour, the life of the Identity
// Center access tokens it stands for.
const DefaultContextAssertionLifetime = time.Hour

// Condition keys an Identity Center assertion sets on the session.
const (
	KeyIdentityStoreUserID  = "identitystore:UserId"
	KeyIdentityStoreARN     = "identitystore:IdentityStoreArn"
	contextAssertionPurpose = "sts context assertion v1"
	contextAssertionPrefix  = "wic1."
	// maxContextAssertion is the model's length limit of ContextAssertion.
	maxContextAssertion = 2048
	// contextClockSkew is how far in the future an assertion's issue time
	// may lie, for a minting host whose clock runs ahead.
	contextClockSkew = 5 * time.Minute
)

// Signer signs messages with a key only this installation holds; the
// store implements it (warden.SessionService).
type Signer interface {
	SignMessage(purpose string, message []byte) []byte
}

// IdentityCenterContext is what an Identity Center context assertion
// vouches for.
type IdentityCenterContext struct {
	// UserID is the identity store user (identitystore:UserId): a UUID,
	// optionally prefixed with ten hex digits and a dash, as the Identity
	// Store API writes user IDs.
	UserID string
	// IdentityStoreARN, optional, is the identity store the user belongs
	// to (identitystore:IdentityStoreArn).
	IdentityStoreARN string
	IssuedAt         time.Time
	// Lifetime is how long the assertion is valid from IssuedAt; zero
	// means DefaultContextAssertionLifetime.
	Lifetime time.Duration
}

// contextClaims is the signed JSON of an assertion.
type contextClaims struct {
	Provider         string `json:"provider"`
	UserID           string `json:"userId"`
	IdentityStoreARN string `json:"identityStoreArn,omitempty"`
	IssuedAt         int64  `json:"iat"`
	Expires          int64  `json:"exp"`
}

var (
	identityStoreUserIDRE = regexp.MustCompile(`^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)
	identityStoreARNRE    = regexp.MustCompile(`^arn:aws:identitystore::[0-9]{12}:identitystore/d-[0-9a-f]{10}$`)
)

// MintIdentityCenterContext returns a context assertion for the user that
// AssumeRole accepts in ProvidedContexts with ProviderArn
// IdentityCenterContextProvider, signed with the signer (the store of the
// installation that will verify it).
//
// Returns InvalidParameterValue for a user ID or identity store ARN of
// the wrong form, or a lifetime that is negative.
func MintIdentityCenterContext(signer Signer, c IdentityCenterContext) (string, error) {
	if !identityStoreUserIDRE.MatchString(c.UserID) {
		return "", warden.Errorf(warden.EInvalidParameterValue, "The identity store user ID %q is not valid.", c.UserID)
	}
	if c.IdentityStoreARN != "" && !identityStoreARNRE.MatchString(c.IdentityStoreARN) {
		return "", warden.Errorf(warden.EInvalidParameterValue, "The identity store ARN %q is not valid.", c.IdentityStoreARN)
	}
	if c.Lifetime < 0 {
		return "", warden.Errorf(warden.EInvalidParameterValue, "The lifetime of a context assertion cannot be negative.")
	}
	if c.Lifetime == 0 {
		c.Lifetime = DefaultContextAssertionLifetime
	}
	claims, err := json.Marshal(contextClaims{Provider: IdentityCenterContextProvider, UserID: c.UserID, IdentityStoreARN: c.IdentityStoreARN,
		IssuedAt: c.IssuedAt.Unix(), Expires: c.IssuedAt.Add(c.Lifetime).Unix()})
	if err != nil {
		return "", err
	}
	signed := contextAssertionPrefix + base64.RawURLEncoding.EncodeToString(claims)
	return signed + "." + base64.RawURLEncoding.EncodeToString(signer.SignMessage(contextAssertionPurpose, []byte(signed))), nil
}

func errInvalidAssertion() error {
	return warden.Errorf(warden.EInvalidParameterValue, "The context assertion is not valid: it was not issued by this installation's IAM Identity Center context provider, or it was altered.")
}

// parseContextAssertion verifies an assertion's signature and reads its
// claims; expiry is the caller's to check.
func parseContextAssertion(signer Signer, assertion string) (*contextClaims, error) {
	if len(assertion) > maxContextAssertion || !strings.HasPrefix(assertion, contextAssertionPrefix) {
		return nil, errInvalidAssertion()
	}
	signed, sig, ok := strings.Cut(assertion[len(contextAssertionPrefix):], ".")
	if !ok {
		return nil, errInvalidAssertion()
	}
	mac, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(mac, signer.SignMessage(contextAssertionPurpose, []byte(contextAssertionPrefix+signed))) {
		return nil, errInvalidAssertion()
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(signed)
	if err != nil {
		return nil, errInvalidAssertion()
	}
	// Signed by this installation, so well formed unless minted by a
	// version that wrote other claims: refuse those rather than guess.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c contextClaims
	if err := dec.Decode(&c); err != nil || dec.More() || c.Provider != IdentityCenterContextProvider || !identityStoreUserIDRE.MatchString(c.UserID) {
		return nil, errInvalidAssertion()
	}
	return &c, nil
}

// providedContextKeys verifies the ProvidedContexts of a request and
// returns the condition keys they set. The STS model gives AssumeRole no
// error of its own for assertions, so a provider Warden does not trust and
// an assertion that does not verify are InvalidParameterValue, the common
// error of a parameter outside what the service accepts, and an expired
// assertion is ExpiredTokenException, as an expired web identity token is.
func providedContextKeys(signer Signer, contexts []s.ProvidedContext, now time.Time) (map[string]string, error) {
	keys := map[string]string{}
	seen := map[string]bool{}
	for _, pc := range contexts {
		provider, assertion := deref(pc.ProviderArn), deref(pc.ContextAssertion)
		switch {
		case provider == "" || assertion == "":
			return nil, warden.Errorf(warden.EInvalidParameterValue, "Each provided context needs a ProviderArn and a ContextAssertion.")
		case provider != IdentityCenterContextProvider:
			return nil, warden.Errorf(warden.EInvalidParameterValue, "%s is not a trusted context provider: Warden trusts only %s.", provider, IdentityCenterContextProvider)
		case seen[provider]:
			return nil, warden.Errorf(warden.EInvalidParameterValue, "ProvidedContexts names the context provider %s more than once.", provider)
		}
		seen[provider] = true
		c, err := parseContextAssertion(signer, assertion)
		if err != nil {
			return nil, err
		}
		switch unix := now.Unix(); {
		case unix >= c.Expires:
			return nil, warden.Errorf(warden.EExpiredTokenException, "The context assertion expired at %s.", time.Unix(c.Expires, 0).UTC().Format(time.RFC3339))
		case time.Unix(c.IssuedAt, 0).After(now.Add(contextClockSkew)):
			return nil, warden.Errorf(warden.EInvalidParameterValue, "The context assertion was issued in the future.")
		}
		keys[KeyIdentityStoreUserID] = c.UserID
		if c.IdentityStoreARN != "" {
			keys[KeyIdentityStoreARN] = c.IdentityStoreARN
		}
	}
	return keys, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
