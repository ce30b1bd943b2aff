// Package authz decides whether an authenticated caller may make a call. It
// gathers the policies that apply (from the store, compiled once per
// principal and kept until the store's answer changes), sets the global
// condition keys AWS sets for every request ("AWS global condition context
// keys"), asks the policy engine, and words denials as AWS does. It knows
// nothing of HTTP or wire protocols.
package authz

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// Caller is the authenticated principal behind a request and what the
// transport knows about the request itself.
type Caller struct {
	Principal   *warden.Principal
	AccessKeyID string
	// Temporary is set for session credentials; only they carry
	// aws:MultiFactorAuthPresent ("AWS global condition context keys").
	Temporary bool
	// MFAAuthenticatedAt is when the session's MFA was verified; zero
	// without MFA.
	MFAAuthenticatedAt time.Time
	SourceIP           string
	SecureTransport    bool
	UserAgent          string
	Region             string // the region the request was signed for
	Time               time.Time
}

// Call is what a handler asks permission for.
type Call struct {
	Action   string // service:Action, e.g. iam:CreateUser
	Resource string // target ARN, or "*" for actions without resource types
	// ResourceAccount owns the resource; empty means the caller's account.
	ResourceAccount string
	// RequestTags are the tags the request sets (aws:RequestTag/*,
	// aws:TagKeys); ResourceTags the tags the target already has
	// (aws:ResourceTag/*). TagKeys lists keys a request names without
	// values (UntagResource).
	RequestTags  []warden.Tag
	TagKeys      []string
	ResourceTags []warden.Tag
	// Keys are service-specific condition keys (iam:PassedToService,
	// iam:PermissionsBoundary, iam:PolicyARN, …), single-valued.
	Keys map[string]string
	// ResourcePolicy is the target's resource-based policy, if it has one
	// (a role's trust policy for sts:AssumeRole).
	ResourcePolicy *policy.Set
}

// Decision is the answer to one call.
type Decision struct {
	Allowed bool
	// Message is AWS's AccessDenied text for a denial.
	Message     string
	Explanation *policy.Explanation // set for denials, for the log
}

// Authorizer answers calls. It is safe for concurrent use.
type Authorizer struct {
	source warden.AuthorizationSource
	mu     sync.Mutex
	cache  map[string]*compiled // by principal ARN
}

// compiled holds a principal's compiled identity layers with the store
// answer they were built from: the store returns the same pointer until a
// write changes the answer, so pointer identity tells whether to rebuild.
type compiled struct {
	from     *warden.PrincipalPolicies
	identity *policy.Set
	boundary *policy.Set
}

// New returns an Authorizer over the store's request-path lookups.
func New(source warden.AuthorizationSource) *Authorizer {
	return &Authorizer{source: source, cache: map[string]*compiled{}}
}

// Authorize decides the call for the caller.
//
// Returns ServiceFailure when the caller's policies cannot be read or a
// stored policy cannot be compiled: authorization fails closed.
func (a *Authorizer) Authorize(ctx context.Context, c *Caller, call *Call) (*Decision, error) {
	layers, pp, err := a.layers(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	layers.Resource = call.ResourcePolicy
	req := Request(c, pp, call)
	if policy.Evaluate(layers, req) == policy.Allowed {
		return &Decision{Allowed: true}, nil
	}
	e := policy.Explain(layers, req)
	return &Decision{Message: DeniedMessage(c.Principal.ARN, call, e.Reason), Explanation: e}, nil
}

// Explain decides the call and always returns the full explanation; the
// policy simulator uses it.
func (a *Authorizer) Explain(ctx context.Context, c *Caller, call *Call) (*policy.Explanation, error) {
	layers, pp, err := a.layers(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	layers.Resource = call.ResourcePolicy
	return policy.Explain(layers, Request(c, pp, call)), nil
}

func (a *Authorizer) layers(ctx context.Context, p *warden.Principal) (*policy.Layers, *warden.PrincipalPolicies, error) {
	pp, err := a.source.PrincipalPolicies(ctx, p.ARN)
	if err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	c := a.cache[p.ARN]
	a.mu.Unlock()
	if c == nil || c.from != pp {
		if c, err = compile(pp); err != nil {
			return nil, nil, err
		}
		a.mu.Lock()
		a.cache[p.ARN] = c
		a.mu.Unlock()
	}
	return &policy.Layers{Identity: c.identity, Boundary: c.boundary}, pp, nil
}

func compile(pp *warden.PrincipalPolicies) (*compiled, error) {
	c := &compiled{from: pp}
	docs := make([]policy.Document, 0, len(pp.Policies))
	for _, ip := range pp.Policies {
		d, err := document(ip)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	c.identity, _ = policy.Compile(docs...)
	if pp.PermissionsBoundary != nil {
		d, err := document(*pp.PermissionsBoundary)
		if err != nil {
			return nil, err
		}
		c.boundary, _ = policy.Compile(d)
	}
	return c, nil
}

// document parses a stored policy. Stored policies passed IAM's grammar
// when they were written, so a failure here is a fault of the store.
func document(ip warden.IdentityPolicy) (policy.Document, error) {
	name := ip.ARN
	if ip.Inline() {
		name = ip.AttachedTo + " inline policy " + ip.Name
	}
	p, err := policy.Parse([]byte(ip.Document))
	if err != nil {
		return policy.Document{}, &warden.Error{Code: warden.EServiceFailure, Message: "A stored policy could not be read.", Op: "authz.compile", Err: fmt.Errorf("%s: %w", name, err)}
	}
	return policy.Document{Name: name, Policy: p}, nil
}

// Request builds the engine's request with the keys AWS sets.
func Request(c *Caller, pp *warden.PrincipalPolicies, call *Call) *policy.Request {
	p := c.Principal
	req := &policy.Request{
		Principal:       policy.RequestPrincipal{ARN: p.ARN, Account: p.AccountID},
		Action:          call.Action,
		Resource:        call.Resource,
		ResourceAccount: call.ResourceAccount,
	}
	if req.Resource == "" {
		req.Resource = "*"
	}
	ctx := &req.Context
	ctx.Set("aws:PrincipalArn", p.ARN)
	ctx.Set("aws:PrincipalAccount", p.AccountID)
	switch p.Kind {
	case warden.PrincipalRoot:
		req.Principal.Type = policy.PrincipalRoot
		ctx.Set("aws:PrincipalType", "Account")
		ctx.Set("aws:userid", p.AccountID)
	case warden.PrincipalUser:
		req.Principal.Type = policy.PrincipalUser
		ctx.Set("aws:PrincipalType", "User")
		ctx.Set("aws:userid", p.ID)
		ctx.Set("aws:username", p.Name)
	case warden.PrincipalRole:
		req.Principal.Type = policy.PrincipalAssumedRole
		ctx.Set("aws:PrincipalType", "AssumedRole")
	}
	if pp != nil {
		for _, t := range pp.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
	}
	now := c.Time
	if now.IsZero() {
		now = time.Now()
	}
	ctx.Set("aws:CurrentTime", now.UTC().Format(time.RFC3339))
	ctx.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	ctx.Set("aws:SecureTransport", strconv.FormatBool(c.SecureTransport))
	if c.SourceIP != "" {
		ctx.Set("aws:SourceIp", c.SourceIP)
	}
	if c.UserAgent != "" {
		ctx.Set("aws:UserAgent", c.UserAgent)
	}
	if c.Region != "" {
		ctx.Set("aws:RequestedRegion", c.Region)
	}
	if c.Temporary {
		ctx.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(!c.MFAAuthenticatedAt.IsZero()))
		if !c.MFAAuthenticatedAt.IsZero() {
			ctx.Set("aws:MultiFactorAuthAge", strconv.FormatInt(int64(now.Sub(c.MFAAuthenticatedAt)/time.Second), 10))
		}
	}
	if len(call.RequestTags) > 0 || call.TagKeys != nil {
		keys := append([]string(nil), call.TagKeys...)
		for _, t := range call.RequestTags {
			ctx.Set("aws:RequestTag/"+t.Key, t.Value)
			keys = append(keys, t.Key)
		}
		ctx.SetMulti("aws:TagKeys", keys)
	}
	for _, t := range call.ResourceTags {
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	for k, v := range call.Keys {
		ctx.Set(k, v)
	}
	return req
}

// DeniedMessage words a denial as AWS's AccessDenied errors do: "User: ARN
// is not authorized to perform: ACTION on resource: ARN because no
// identity-based policy allows the ACTION action".
func DeniedMessage(principalARN string, call *Call, reason policy.Reason) string {
	resource := call.Resource
	if resource == "" {
		resource = "*"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "User: %s is not authorized to perform: %s on resource: %s", principalARN, call.Action, resource)
	if phrase := reason.Phrase(call.Action); phrase != "" {
		b.WriteString(" " + phrase)
	}
	return b.String()
}

// Denied carries the explanation of a denial inside the AccessDenied error a
// handler returns, so that the access log can record why while the client
// sees only AWS's message.
type Denied struct {
	Explanation *policy.Explanation
}

func (d *Denied) Error() string {
	return "denied: " + d.Explanation.Decision.String()
}

// Err returns the AccessDenied error for a denial, or nil for an Allow.
func (d *Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &warden.Error{Code: warden.EAccessDenied, Message: d.Message, Err: &Denied{Explanation: d.Explanation}}
}
