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
	// Federated is the identity provider that vouched for an anonymous
	// caller (the provider's ARN for AssumeRoleWithWebIdentity): trust
	// policies match it with {"Federated": …}.
	Federated string
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
	// MultiKeys are multivalued condition keys (sts:TransitiveTagKeys).
	MultiKeys map[string][]string
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
	Request     *policy.Request     // set for denials: what was decided
}

// Authorizer answers calls. It is safe for concurrent use.
type Authorizer struct {
	source   warden.AuthorizationSource
	mu       sync.Mutex
	cache    map[string]*compiled        // by principal ARN
	sessions map[string]*compiledSession // by access key ID
	orgs     orgCache                    // SCP and RCP levels by account
}

// compiled holds a principal's compiled identity layers with the store
// answer they were built from: the store returns the same pointer until a
// write changes the answer, so pointer identity tells whether to rebuild.
type compiled struct {
	from     *warden.PrincipalPolicies
	identity *policy.Set
	boundary *policy.Set
}

// compiledSession is a session's compiled session policies, with the
// session they were built from: sessions never change, but the store hands
// out a new value when it reloads one.
type compiledSession struct {
	from *warden.Session
	set  *policy.Set
}

// maxCompiledSessions bounds the session cache; when it fills up it is
// emptied, which costs each live session one compilation.
const maxCompiledSessions = 10_000

// New returns an Authorizer over the store's request-path lookups.
func New(source warden.AuthorizationSource) *Authorizer {
	return &Authorizer{source: source, cache: map[string]*compiled{}, sessions: map[string]*compiledSession{}}
}

// Authorize decides the call for the caller.
//
// Returns ServiceFailure when the caller's policies cannot be read or a
// stored policy cannot be compiled: authorization fails closed.
func (a *Authorizer) Authorize(ctx context.Context, c *Caller, call *Call) (d *Decision, err error) {
	defer traceFrom(ctx).record(call, &d)
	layers, req, err := a.prepare(ctx, c, call)
	if err != nil {
		return nil, err
	}
	if limit := sessionLimit(c.Principal, call.Action); limit != "" {
		return &Decision{Message: DeniedMessage(c.Principal.ARN, call, policy.ReasonNone) + " " + limit,
			Explanation: &policy.Explanation{Decision: policy.ImplicitDeny}, Request: req}, nil
	}
	if policy.Evaluate(layers, req) == policy.Allowed {
		return &Decision{Allowed: true}, nil
	}
	e := policy.Explain(layers, req)
	return &Decision{Message: DeniedMessage(c.Principal.ARN, call, e.Reason), Explanation: e, Request: req}, nil
}

// sessionLimit says why credentials of some STS operations may not call an
// action at all, whatever the policies say (STS API Reference,
// GetFederationToken and GetSessionToken, "Permissions"): a federated user
// calls no IAM or STS operation, and GetSessionToken credentials without
// MFA call no IAM operation and of STS only AssumeRole (GetCallerIdentity
// needs no authorization).
func sessionLimit(p *warden.Principal, action string) string {
	s := p.Session
	if s == nil {
		return ""
	}
	service, _, _ := strings.Cut(action, ":")
	switch {
	case s.Kind == warden.SessionFederatedUser && (strings.EqualFold(service, "iam") || strings.EqualFold(service, "sts")):
		return "because credentials from GetFederationToken cannot call " + strings.ToUpper(service) + " operations"
	case s.Kind == warden.SessionToken && strings.EqualFold(service, "iam") && s.MFAAuthenticatedAt.IsZero():
		return "because credentials from GetSessionToken can call IAM operations only when MFA was used to get them"
	case s.Kind == warden.SessionToken && strings.EqualFold(service, "sts") && !strings.EqualFold(action, "sts:AssumeRole"):
		return "because credentials from GetSessionToken can call no STS operation but AssumeRole and GetCallerIdentity"
	}
	return ""
}

// Explain decides the call and always returns the full explanation; the
// policy simulator uses it.
func (a *Authorizer) Explain(ctx context.Context, c *Caller, call *Call) (*policy.Explanation, error) {
	layers, req, err := a.prepare(ctx, c, call)
	if err != nil {
		return nil, err
	}
	return policy.Explain(layers, req), nil
}

// prepare gathers what deciding the call takes: every policy layer that
// applies to it and the engine's request with its context keys.
func (a *Authorizer) prepare(ctx context.Context, c *Caller, call *Call) (*policy.Layers, *policy.Request, error) {
	layers, pp, err := a.layers(ctx, c.Principal)
	if err != nil {
		return nil, nil, err
	}
	layers.Resource = call.ResourcePolicy
	req := Request(c, pp, call)
	if err := a.organize(ctx, c, call, layers, req); err != nil {
		return nil, nil, err
	}
	return layers, req, nil
}

// layers returns the caller's compiled policies: the identity policies and
// boundary of the user or role behind it, and a session's session policies.
// An AWS service principal and an anonymous caller have none: only
// resource-based policies grant them anything.
func (a *Authorizer) layers(ctx context.Context, p *warden.Principal) (*policy.Layers, *warden.PrincipalPolicies, error) {
	if p.Kind == warden.PrincipalService || p.Kind == warden.PrincipalAnonymous {
		return &policy.Layers{}, nil, nil
	}
	arn := p.PolicyARN()
	pp, err := a.source.PrincipalPolicies(ctx, arn)
	if err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	c := a.cache[arn]
	a.mu.Unlock()
	if c == nil || c.from != pp {
		if c, err = compile(pp); err != nil {
			return nil, nil, err
		}
		a.mu.Lock()
		a.cache[arn] = c
		a.mu.Unlock()
	}
	session, err := a.sessionPolicies(p.Session)
	if err != nil {
		return nil, nil, err
	}
	return &policy.Layers{Identity: c.identity, Boundary: c.boundary, Session: session}, pp, nil
}

// sessionPolicies returns the compiled session policies of a role or
// federated user session, nil when it has none.
func (a *Authorizer) sessionPolicies(s *warden.Session) (*policy.Set, error) {
	if s == nil || s.Kind == warden.SessionToken || len(s.Policies) == 0 {
		return nil, nil
	}
	a.mu.Lock()
	c := a.sessions[s.AccessKeyID]
	a.mu.Unlock()
	if c != nil && c.from == s {
		return c.set, nil
	}
	docs := make([]policy.Document, 0, len(s.Policies))
	for _, sp := range s.Policies {
		d, err := document(warden.IdentityPolicy{Name: sp.Name, ARN: sp.Name, Document: sp.Document})
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	set, _ := policy.Compile(docs...)
	a.mu.Lock()
	if len(a.sessions) >= maxCompiledSessions {
		clear(a.sessions)
	}
	a.sessions[s.AccessKeyID] = &compiledSession{from: s, set: set}
	a.mu.Unlock()
	return set, nil
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

// The global keys every request carries, with their lookup forms computed
// once.
var (
	keyPrincipalArn     = policy.NewKey("aws:PrincipalArn")
	keyPrincipalAccount = policy.NewKey("aws:PrincipalAccount")
	keyPrincipalType    = policy.NewKey("aws:PrincipalType")
	keyUserID           = policy.NewKey("aws:userid")
	keyUsername         = policy.NewKey("aws:username")
	keyCurrentTime      = policy.NewKey("aws:CurrentTime")
	keyEpochTime        = policy.NewKey("aws:EpochTime")
	keySecureTransport  = policy.NewKey("aws:SecureTransport")
	keySourceIP         = policy.NewKey("aws:SourceIp")
	keyUserAgent        = policy.NewKey("aws:UserAgent")
	keyRequestedRegion  = policy.NewKey("aws:RequestedRegion")
)

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
	// A user's request carries about a dozen global keys before any tags:
	// room for them up front spares the map its growth steps.
	ctx.Reserve(12)
	switch p.Kind {
	case warden.PrincipalService:
		// A service principal has no account or ARN of its own.
		req.Principal = policy.RequestPrincipal{Type: policy.PrincipalServiceType, ARN: p.ARN}
		ctx.Set("aws:PrincipalIsAWSService", "true")
		ctx.Set("aws:PrincipalServiceName", p.ARN)
	case warden.PrincipalAnonymous:
		// Known only by the identity provider that vouched for it, if any.
		req.Principal = policy.RequestPrincipal{Type: policy.PrincipalAnonymous, Federated: c.Federated}
		if c.Federated != "" {
			ctx.Set("aws:FederatedProvider", c.Federated)
		}
	default:
		ctx.SetKey(keyPrincipalArn, p.ARN)
		ctx.SetKey(keyPrincipalAccount, p.AccountID)
		ctx.Set("aws:PrincipalIsAWSService", "false")
	}
	switch p.Kind {
	case warden.PrincipalRoot:
		req.Principal.Type = policy.PrincipalRoot
		ctx.SetKey(keyPrincipalType, "Account")
		ctx.SetKey(keyUserID, p.AccountID)
	case warden.PrincipalUser:
		req.Principal.Type = policy.PrincipalUser
		ctx.SetKey(keyPrincipalType, "User")
		ctx.SetKey(keyUserID, p.ID)
		ctx.SetKey(keyUsername, p.Name)
	case warden.PrincipalRole:
		req.Principal.Type = policy.PrincipalAssumedRole
		ctx.SetKey(keyPrincipalType, "AssumedRole")
	case warden.PrincipalAssumedRole:
		// Resource-based policies see the session; aws:PrincipalArn is the
		// role ("aws:PrincipalArn", AWS global condition context keys).
		req.Principal.Type, req.Principal.Parent = policy.PrincipalAssumedRole, p.Session.Parent.ARN
		ctx.SetKey(keyPrincipalArn, p.Session.Parent.ARN)
		ctx.SetKey(keyPrincipalType, "AssumedRole")
		ctx.SetKey(keyUserID, p.ID)
	case warden.PrincipalFederatedUser:
		req.Principal.Type, req.Principal.Parent = policy.PrincipalFederatedUser, p.Session.Parent.ARN
		ctx.SetKey(keyPrincipalType, "FederatedUser")
		ctx.SetKey(keyUserID, p.ID)
	}
	if pp != nil {
		for _, t := range pp.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
	}
	if s := p.Session; s != nil {
		// Session tags override the role's or user's tags with the same key
		// ("Passing session tags in AWS STS").
		for _, t := range s.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		ctx.Set("aws:TokenIssueTime", s.IssuedAt.UTC().Format(time.RFC3339))
		if s.SourceIdentity != "" {
			ctx.Set("aws:SourceIdentity", s.SourceIdentity)
		}
		if s.FederatedProvider != "" {
			ctx.Set("aws:FederatedProvider", s.FederatedProvider)
		}
		for k, v := range s.ContextKeys {
			ctx.Set(k, v)
		}
	}
	now := c.Time
	if now.IsZero() {
		now = time.Now()
	}
	ctx.SetKey(keyCurrentTime, now.UTC().Format(time.RFC3339))
	ctx.SetKey(keyEpochTime, strconv.FormatInt(now.Unix(), 10))
	ctx.SetKey(keySecureTransport, strconv.FormatBool(c.SecureTransport))
	if c.SourceIP != "" {
		ctx.SetKey(keySourceIP, c.SourceIP)
	}
	if c.UserAgent != "" {
		ctx.SetKey(keyUserAgent, c.UserAgent)
	}
	if c.Region != "" {
		ctx.SetKey(keyRequestedRegion, c.Region)
	}
	mfaAt := c.MFAAuthenticatedAt
	if p.Session != nil && mfaAt.IsZero() {
		mfaAt = p.Session.MFAAuthenticatedAt
	}
	if c.Temporary || p.Session != nil {
		ctx.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(!mfaAt.IsZero()))
		if !mfaAt.IsZero() {
			ctx.Set("aws:MultiFactorAuthAge", strconv.FormatInt(int64(now.Sub(mfaAt)/time.Second), 10))
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
	for k, v := range call.MultiKeys {
		ctx.SetMulti(k, v)
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
	// Request is the request that was denied, with its context keys, for
	// encoded authorization messages.
	Request *policy.Request
}

func (d *Denied) Error() string {
	return "denied: " + d.Explanation.Decision.String()
}

// Err returns the AccessDenied error for a denial, or nil for an Allow.
func (d *Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &warden.Error{Code: warden.EAccessDenied, Message: d.Message, Err: &Denied{Explanation: d.Explanation, Request: d.Request}}
}
