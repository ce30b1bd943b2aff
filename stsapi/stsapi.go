// Package stsapi implements the AWS Security Token Service: who is calling
// (GetCallerIdentity, GetAccessKeyInfo), temporary credentials
// (GetSessionToken, GetFederationToken, AssumeRole,
// AssumeRoleWithWebIdentity for callers holding an OpenID Connect token,
// AssumeRoleWithSAML for callers holding a signed SAML 2.0 response,
// and AssumeRoleAsService for Warden's own services acting as an AWS
// service principal), and the encoded authorization messages of denials
// (DecodeAuthorizationMessage). Each operation authorizes through authz,
// with a role's trust policy as the resource-based policy of
// sts:AssumeRole*, and issues sessions through the store. Decoding,
// encoding and error documents belong to awsquery; the shapes are
// generated into iamapi/stsshapes.
package stsapi

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/oidc"
	"github.com/warden-iam/warden/policy"
)

// API serves STS operations.
type API struct {
	store    warden.Store
	authz    *authz.Authorizer
	now      func() time.Time
	handlers awsquery.Handlers[*authz.Caller]
	trust    trustCache
	mfa      mfaReplayGuard
	// oidcKeys verify web identity tokens; nil when the operator gave none.
	oidcKeys *oidc.KeySet
	// regions are where STS is active (regions.go).
	regions regionConfig
}

// New returns the STS API over a store.
func New(store warden.Store, az *authz.Authorizer, opts ...Option) *API {
	a := &API{store: store, authz: az, now: time.Now, handlers: awsquery.Handlers[*authz.Caller]{}}
	a.trust.entries = map[string]*compiledTrust{}
	register(a, "GetCallerIdentity", a.getCallerIdentity)
	register(a, "GetAccessKeyInfo", a.getAccessKeyInfo)
	register(a, "GetSessionToken", a.getSessionToken)
	register(a, "GetFederationToken", a.getFederationToken)
	register(a, "AssumeRole", a.assumeRole)
	register(a, "DecodeAuthorizationMessage", a.decodeAuthorizationMessage)
	register(a, "AssumeRoleWithWebIdentity", a.assumeRoleWithWebIdentity)
	register(a, "AssumeRoleWithSAML", a.assumeRoleWithSAML)
	for _, opt := range opts {
		opt(a)
	}
	return a
}

// Service is the STS service description the Query runtime serves.
func (a *API) Service() *awsquery.Service { return stsshapes.Service }

// Implemented reports whether Warden serves the operation.
func (a *API) Implemented(op string) bool {
	_, ok := a.handlers[op]
	return ok
}

// Handle runs one decoded operation for the caller.
//
// Returns RegionDisabledException for an operation issuing credentials in
// a region where STS is not active, NotImplemented for operations Warden
// does not serve, AccessDenied when the caller may not perform the
// operation, and the errors of the STS model.
func (a *API) Handle(ctx context.Context, c *authz.Caller, op *awsquery.Operation, in awsquery.Input) (awsquery.Output, error) {
	if err := a.checkRegion(c, op.Name, in); err != nil {
		return nil, err
	}
	return a.handlers.Handle(ctx, c, op, in)
}

func register[I awsquery.Input, O awsquery.Output](a *API, name string, fn func(context.Context, *authz.Caller, I) (O, error)) {
	awsquery.Register(a.handlers, name, fn)
}

// authorize asks whether the caller may make the call. STS words its
// denials without the reason IAM adds ("User: ARN is not authorized to
// perform: sts:AssumeRole on resource: ARN"); the explanation still goes
// to the access log and into encoded authorization messages.
func (a *API) authorize(ctx context.Context, c *authz.Caller, call *authz.Call) error {
	d, err := a.authz.Authorize(ctx, c, call)
	if err != nil {
		return err
	}
	if d.Allowed {
		return nil
	}
	if d.Message == authz.DeniedMessage(c.Principal.ARN, call, d.Explanation.Reason) {
		// The engine's denial; a limit of the caller's kind of session
		// keeps its own words.
		d.Message = deniedMessage(c.Principal, call)
	}
	return d.Err()
}

func deniedMessage(p *warden.Principal, call *authz.Call) string {
	if p.Kind == warden.PrincipalAnonymous {
		// A web identity is no principal yet: STS names only the action.
		return "Not authorized to perform " + call.Action
	}
	return fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", p.ARN, call.Action, call.Resource)
}

func (a *API) clock(c *authz.Caller) time.Time {
	if !c.Time.IsZero() {
		return c.Time
	}
	return a.now()
}

// credentialsOut is the Credentials structure of a session.
func credentialsOut(s *warden.Session) *stsshapes.Credentials {
	return &stsshapes.Credentials{AccessKeyId: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.Token, Expiration: s.Expires}
}

// trustCache keeps each role's compiled trust policy with the store answer
// it was compiled from; the store returns the same answer until a write
// changes it.
type trustCache struct {
	mu      sync.Mutex
	entries map[string]*compiledTrust // by role ARN
}

type compiledTrust struct {
	from *warden.PrincipalPolicies
	set  *policy.Set
}

// maxTrustEntries bounds the trust cache; a full cache is emptied.
const maxTrustEntries = 10_000

func (t *trustCache) get(pp *warden.PrincipalPolicies) (*policy.Set, error) {
	arn := pp.Principal.ARN
	t.mu.Lock()
	c := t.entries[arn]
	t.mu.Unlock()
	if c != nil && c.from == pp {
		return c.set, nil
	}
	p, err := policy.Parse([]byte(pp.AssumeRolePolicyDocument))
	if err != nil {
		// Trust policies passed IAM's grammar when they were written.
		return nil, &warden.Error{Code: warden.EServiceFailure, Message: "A stored policy could not be read.", Op: "stsapi.trust",
			Err: fmt.Errorf("%s trust policy: %w", arn, err)}
	}
	set, _ := policy.Compile(policy.Document{Name: arn + " trust policy", Policy: p})
	t.mu.Lock()
	if len(t.entries) >= maxTrustEntries {
		clear(t.entries)
	}
	t.entries[arn] = &compiledTrust{from: pp, set: set}
	t.mu.Unlock()
	return set, nil
}
