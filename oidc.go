package warden

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// OpenIDConnectProvider is an IAM OIDC identity provider: the issuer whose
// ID tokens AssumeRoleWithWebIdentity exchanges for role sessions, and the
// client IDs (audiences) those tokens may be issued to ("Create an OpenID
// Connect (OIDC) identity provider in IAM", IAM User Guide). Trust policies
// name it as {"Federated": ARN}.
type OpenIDConnectProvider struct {
	AccountID string
	ARN       string // arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH
	// URL is the issuer as created, https://HOST/PATH.
	URL string
	// ClientIDs are in the order they were added.
	ClientIDs []string
	// Thumbprints are the certificate thumbprints IAM keeps for the
	// provider. Warden records them but trusts the keys the operator
	// supplies, never a certificate it fetched.
	Thumbprints []string
	// Tags are filled by OpenIDConnectProvider only, ordered by key.
	Tags       []Tag
	CreateDate time.Time
}

// Limits of an OIDC provider ("IAM and AWS STS quotas"; the model's
// clientIDType and thumbprintListType).
const (
	OIDCProvidersPerAccount    = 100
	OIDCClientIDsPerProvider   = 100
	OIDCThumbprintsPerProvider = 5
	oidcClientIDMaxLength      = 255
	oidcProviderURLMaxLength   = 255
	oidcThumbprintLength       = 40
)

// oidcProviderResourceType is the resource type of provider ARNs.
const oidcProviderResourceType = "oidc-provider"

// OIDCProviderResource returns what identifies a provider URL in its ARN
// and in the condition keys of its tokens (HOST/PATH:sub): the URL without
// its https:// scheme. GetOpenIDConnectProvider shows the URL this way too.
func OIDCProviderResource(providerURL string) string {
	return strings.TrimPrefix(providerURL, "https://")
}

// OIDCProviderARN returns the ARN of the account's provider for a URL.
func OIDCProviderARN(account, providerURL string) string {
	return "arn:" + Partition + ":iam::" + account + ":" + oidcProviderResourceType + "/" + OIDCProviderResource(providerURL)
}

// ParseOIDCProviderARN returns the account and the provider URL an OIDC
// provider ARN names.
//
// Returns InvalidInput for anything else.
func ParseOIDCProviderARN(arn string) (account, providerURL string, err error) {
	a, err := ParseARN(arn)
	resource, ok := strings.CutPrefix(a.Resource, oidcProviderResourceType+"/")
	if err != nil || a.Service != "iam" || a.Partition != Partition || !ok || resource == "" || a.Region != "" || ValidateAccountID(a.AccountID) != nil {
		return "", "", Errorf(EInvalidInput, "%s is not a valid ARN of an OpenID Connect provider.", arn)
	}
	return a.AccountID, "https://" + resource, nil
}

// ValidateOIDCProviderURL checks a provider URL: https://, a host, and no
// query, fragment or credentials, at most 255 characters
// (CreateOpenIDConnectProvider, Url: "The URL must begin with https://";
// "path components are allowed but query parameters are not").
//
// Returns ValidationError for the length, InvalidInput for the form.
func ValidateOIDCProviderURL(providerURL string) error {
	var v validator
	if !v.length("url", providerURL, 1, oidcProviderURLMaxLength) {
		return v.err()
	}
	u, err := url.Parse(providerURL)
	if err != nil || u.Scheme != "https" || !strings.HasPrefix(providerURL, "https://") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(providerURL, "#? \t\r\n") {
		return Errorf(EInvalidInput, "The URL %s is not valid: it must begin with https://, name a host, and have no query, fragment or credentials.", providerURL)
	}
	return nil
}

var thumbprintRE = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)

// ValidateOIDCClientIDs checks client IDs (clientIDType: 1–255
// characters) and their number.
func ValidateOIDCClientIDs(ids []string) error {
	var v validator
	for _, id := range ids {
		v.length("clientIDList.member", id, 1, oidcClientIDMaxLength)
	}
	return v.err()
}

// ValidateOIDCThumbprints checks certificate thumbprints: at most five, each
// the 40 hexadecimal digits of a SHA-1 digest.
func ValidateOIDCThumbprints(thumbprints []string) error {
	var v validator
	if len(thumbprints) > OIDCThumbprintsPerProvider {
		v.fail(strings.Join(thumbprints, ", "), "thumbprintList", "Member must have length less than or equal to 5")
	}
	for _, tp := range thumbprints {
		if v.length("thumbprintList.member", tp, oidcThumbprintLength, oidcThumbprintLength) && !thumbprintRE.MatchString(tp) {
			return Errorf(EInvalidInput, "Thumbprint %s is not a hexadecimal SHA-1 digest.", tp)
		}
	}
	return v.err()
}

// CreateOpenIDConnectProviderInput describes a new OIDC provider.
type CreateOpenIDConnectProviderInput struct {
	URL         string
	ClientIDs   []string
	Thumbprints []string
	Tags        []Tag
}

// Validate checks the input against the model's constraints.
//
// Returns ValidationError, InvalidInput, or LimitExceeded for more than 100
// client IDs.
func (in *CreateOpenIDConnectProviderInput) Validate() error {
	if err := ValidateOIDCProviderURL(in.URL); err != nil {
		return err
	}
	if err := ValidateOIDCClientIDs(in.ClientIDs); err != nil {
		return err
	}
	if err := ValidateOIDCThumbprints(in.Thumbprints); err != nil {
		return err
	}
	if len(UniqueClientIDs(in.ClientIDs)) > OIDCClientIDsPerProvider {
		return Errorf(ELimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", OIDCClientIDsPerProvider)
	}
	return ValidateTags(in.Tags)
}

// UniqueClientIDs returns client IDs without repeats, first occurrences in
// order: IAM keeps each client ID once however often it is given.
func UniqueClientIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// OIDCProviderService keeps the IAM OIDC identity providers. Providers are
// named by ARN; a store answers NoSuchEntity for an ARN of another account.
type OIDCProviderService interface {
	// CreateOpenIDConnectProvider registers a provider. Client IDs given
	// more than once are kept once.
	//
	// Returns EntityAlreadyExists ("Provider with url URL already
	// exists."), LimitExceeded ("Cannot exceed quota for
	// OpenIdConnectProvidersPerAccount: 100"), and the errors of
	// CreateOpenIDConnectProviderInput.Validate.
	CreateOpenIDConnectProvider(ctx context.Context, account string, in CreateOpenIDConnectProviderInput) (*OpenIDConnectProvider, error)

	// OpenIDConnectProvider returns a provider with its tags.
	//
	// Returns NoSuchEntity ("OpenIDConnect Provider not found for arn
	// ARN") and InvalidInput for a malformed ARN.
	OpenIDConnectProvider(ctx context.Context, account, arn string) (*OpenIDConnectProvider, error)

	// ListOpenIDConnectProviders returns the account's providers ordered by
	// ARN, without tags.
	ListOpenIDConnectProviders(ctx context.Context, account string) ([]*OpenIDConnectProvider, error)

	// DeleteOpenIDConnectProvider deletes a provider. Roles that trust it
	// are left alone; assuming them with its tokens fails from then on.
	DeleteOpenIDConnectProvider(ctx context.Context, account, arn string) error

	// AddClientIDToOpenIDConnectProvider adds a client ID; adding one the
	// provider has already changes nothing.
	//
	// Returns LimitExceeded past 100 client IDs.
	AddClientIDToOpenIDConnectProvider(ctx context.Context, account, arn, clientID string) error

	// RemoveClientIDFromOpenIDConnectProvider removes a client ID; removing
	// one the provider lacks changes nothing.
	RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, account, arn, clientID string) error

	// UpdateOpenIDConnectProviderThumbprint replaces the thumbprint list.
	UpdateOpenIDConnectProviderThumbprint(ctx context.Context, account, arn string, thumbprints []string) error

	// TagOpenIDConnectProvider adds tags, replacing the value of keys the
	// provider has already.
	//
	// Returns LimitExceeded ("Cannot exceed quota for
	// TagsPerOpenIdConnectProvider: 50").
	TagOpenIDConnectProvider(ctx context.Context, account, arn string, tags []Tag) error

	// UntagOpenIDConnectProvider removes the tags with the given keys.
	UntagOpenIDConnectProvider(ctx context.Context, account, arn string, keys []string) error

	// ListOpenIDConnectProviderTags returns a provider's tags ordered by
	// key.
	ListOpenIDConnectProviderTags(ctx context.Context, account, arn string, opts ListOptions) (*Page[Tag], error)
}
