package policy

import "strconv"

// Decision is the outcome of an authorization request.
type Decision uint8

const (
	ImplicitDeny Decision = iota // nothing denied, but a required allow is missing
	ExplicitDeny                 // an applicable Deny statement matched
	Allowed                      // every required layer allowed, nothing denied
)

func (d Decision) String() string {
	return [...]string{"ImplicitDeny", "ExplicitDeny", "Allow"}[d]
}

// ParseDecision reads a decision as String writes it.
func ParseDecision(s string) (Decision, bool) {
	for d := ImplicitDeny; d <= Allowed; d++ {
		if d.String() == s {
			return d, true
		}
	}
	return 0, false
}

// Layers are the compiled policies that apply to one request, each in the
// role AWS's decision procedure gives it. A nil Set means the layer is
// absent, which differs from an empty one: a principal without a permissions
// boundary is not limited by one, while a boundary that allows nothing
// denies everything.
type Layers struct {
	Identity *Set   // the user's (with its groups') or the role's policies
	Boundary *Set   // the permissions boundary
	Session  *Set   // session policies, for role and federated user sessions
	SCPs     []*Set // service control policies per organization level, root first
	RCPs     []*Set // resource control policies per organization level, root first
	Resource *Set   // the target's resource-based policy (a role's trust policy for sts:AssumeRole*)
}

// Layer names used in explanations.
const (
	LayerIdentity = "identity"
	LayerBoundary = "boundary"
	LayerSession  = "session"
	LayerResource = "resource"
	LayerSCP      = "scp"
	LayerRCP      = "rcp"
)

// layerID names one layer; level is the organization level for SCPs and RCPs.
type layerID struct {
	kind  string
	level int
}

func (id layerID) String() string {
	if id.kind == LayerSCP || id.kind == LayerRCP {
		return id.kind + "[" + strconv.Itoa(id.level) + "]"
	}
	return id.kind
}

// setResult is what one layer says about a request.
type setResult struct {
	allow bool
	deny  bool
	grant grant // resource layer: the strongest way an Allow named the principal
}

// evaluate scans the statements of s that can match the request's action.
// It stops at the first matching Deny, which settles the decision.
func (s *Set) evaluate(req *Request, resource, hasBoundary bool) setResult {
	var r setResult
	if s == nil {
		return r
	}
	s.each(req.Action, func(st *statement) bool {
		g := grantNone
		if resource {
			if g = st.principalGrant(&req.Principal, hasBoundary); g == grantNone {
				return true
			}
		}
		if !st.resourceMatches(req) || !st.conditionsHold(&req.Context) {
			return true
		}
		if st.effect == Deny {
			r.deny = true
			return false
		}
		r.allow = true
		r.grant = max(r.grant, g)
		return true
	})
	return r
}

// each calls fn for every statement whose action element covers action,
// until fn returns false.
func (s *Set) each(action string, fn func(*statement) bool) {
	for _, e := range s.exact[hashFold(action)] {
		if equalFoldASCII(e.action, action) && !fn(e.stmt) {
			return
		}
	}
	svc := action
	for i := 0; i < len(action); i++ {
		if action[i] == ':' {
			svc = action[:i]
			break
		}
	}
	for _, st := range s.byService[hashFold(svc)] {
		if st.actionMatches(action) && !fn(st) {
			return
		}
	}
	for _, st := range s.global {
		if st.actionMatches(action) && !fn(st) {
			return
		}
	}
}

// results gathers every layer's answer for one request.
type results struct {
	identity, boundary, session, resource setResult
	scps, rcps                            []setResult
}

// Evaluate decides req against the layers with AWS's decision procedure. It
// does not allocate for up to 8 organization levels; use Explain to learn
// why.
func Evaluate(l *Layers, req *Request) Decision {
	var scpBuf, rcpBuf [8]setResult
	r := results{scps: scpBuf[:0], rcps: rcpBuf[:0]}
	hasBoundary := l.Boundary != nil
	if appliesSCP(l, req) {
		for _, s := range l.SCPs {
			r.scps = append(r.scps, s.evaluate(req, false, hasBoundary))
		}
	}
	if appliesRCP(l, req) {
		for _, s := range l.RCPs {
			r.rcps = append(r.rcps, s.evaluate(req, true, hasBoundary))
		}
	}
	r.identity = l.Identity.evaluate(req, false, hasBoundary)
	r.boundary = l.Boundary.evaluate(req, false, hasBoundary)
	r.session = l.Session.evaluate(req, false, hasBoundary)
	r.resource = l.Resource.evaluate(req, true, hasBoundary)
	d, _ := decide(l, req, &r)
	return d
}

// SCPs govern principals of member accounts; AWS service principals and
// anonymous callers have no account for them to govern.
func appliesSCP(l *Layers, req *Request) bool {
	t := req.Principal.Type
	return len(l.SCPs) > 0 && t != PrincipalServiceType && t != PrincipalAnonymous
}

// RCPs govern every principal acting on the organization's resources, AWS
// service principals and anonymous callers included: AWS's own RCP examples
// exempt service principals only through conditions such as
// aws:PrincipalIsAWSService, and restrict them with aws:SourceOrgID
// ("Resource control policies in AWS KMS"; Organizations, "RCP examples").
func appliesRCP(l *Layers, _ *Request) bool {
	return len(l.RCPs) > 0
}

// Reasons say which layer decided, in the words of AWS's access-denied
// messages.
type Reason uint8

const (
	ReasonNone Reason = iota
	ReasonAllowed
	ReasonExplicitDenyIdentity
	ReasonExplicitDenyBoundary
	ReasonExplicitDenySession
	ReasonExplicitDenySCP
	ReasonExplicitDenyRCP
	ReasonExplicitDenyResource
	ReasonNoRCPAllows
	ReasonNoSCPAllows
	ReasonNoIdentityAllows
	ReasonNoBoundaryAllows
	ReasonNoSessionAllows
	ReasonNoResourceAllows
)

// Phrase completes AWS's message "… is not authorized to perform: ACTION on
// resource: ARN " for a denial.
func (r Reason) Phrase(action string) string {
	switch r {
	case ReasonExplicitDenyIdentity:
		return "with an explicit deny in an identity-based policy"
	case ReasonExplicitDenyBoundary:
		return "with an explicit deny in a permissions boundary"
	case ReasonExplicitDenySession:
		return "with an explicit deny in a session policy"
	case ReasonExplicitDenySCP:
		return "with an explicit deny in a service control policy"
	case ReasonExplicitDenyRCP:
		return "with an explicit deny in a resource control policy"
	case ReasonExplicitDenyResource:
		return "with an explicit deny in a resource-based policy"
	case ReasonNoRCPAllows:
		return "because no resource control policy allows the " + action + " action"
	case ReasonNoSCPAllows:
		return "because no service control policy allows the " + action + " action"
	case ReasonNoIdentityAllows:
		return "because no identity-based policy allows the " + action + " action"
	case ReasonNoBoundaryAllows:
		return "because no permissions boundary allows the " + action + " action"
	case ReasonNoSessionAllows:
		return "because no session policy allows the " + action + " action"
	case ReasonNoResourceAllows:
		return "because no resource-based policy allows the " + action + " action"
	}
	return ""
}

// decide is AWS's decision procedure over the layers' answers
// ("Policy evaluation logic"; "Cross-account policy evaluation logic").
func decide(l *Layers, req *Request, r *results) (Decision, Reason) {
	// 1. An explicit deny anywhere wins.
	for _, s := range r.rcps {
		if s.deny {
			return ExplicitDeny, ReasonExplicitDenyRCP
		}
	}
	for _, s := range r.scps {
		if s.deny {
			return ExplicitDeny, ReasonExplicitDenySCP
		}
	}
	switch {
	case r.resource.deny:
		return ExplicitDeny, ReasonExplicitDenyResource
	case r.identity.deny:
		return ExplicitDeny, ReasonExplicitDenyIdentity
	case r.boundary.deny:
		return ExplicitDeny, ReasonExplicitDenyBoundary
	case r.session.deny:
		return ExplicitDeny, ReasonExplicitDenySession
	}
	// 2–3. Every RCP and SCP level must allow.
	for _, s := range r.rcps {
		if !s.allow {
			return ImplicitDeny, ReasonNoRCPAllows
		}
	}
	for _, s := range r.scps {
		if !s.allow {
			return ImplicitDeny, ReasonNoSCPAllows
		}
	}

	p := &req.Principal
	rbp := r.resource
	rbpAllows := l.Resource != nil && rbp.allow
	sameAccount := req.ResourceAccount == "" || req.ResourceAccount == p.Account
	strict := strictResourcePolicy(req)

	switch p.Type {
	case PrincipalAnonymous, PrincipalServiceType:
		// Only a resource-based policy can grant these principals anything.
		if rbpAllows {
			return Allowed, ReasonAllowed
		}
		return ImplicitDeny, ReasonNoResourceAllows
	case PrincipalRoot:
		// The root user may do anything in its own account; elsewhere, and
		// for role trust and key policies, the resource policy must allow.
		if (sameAccount && !strict) || rbpAllows {
			return Allowed, ReasonAllowed
		}
		return ImplicitDeny, ReasonNoResourceAllows
	}

	identityAllows := r.identity.allow
	boundaryAllows := l.Boundary == nil || r.boundary.allow
	sessionAllows := true
	if p.IsSession() {
		if l.Session != nil {
			sessionAllows = r.session.allow
		} else {
			// A federated user without a session policy has no permissions.
			sessionAllows = p.Type == PrincipalAssumedRole
		}
	}

	if !sameAccount {
		// Both accounts must allow: the principal's through its identity
		// policies (with boundary and session policy), the resource's
		// through its resource-based policy.
		switch {
		case !identityAllows:
			return ImplicitDeny, ReasonNoIdentityAllows
		case !boundaryAllows:
			return ImplicitDeny, ReasonNoBoundaryAllows
		case !sessionAllows:
			return ImplicitDeny, ReasonNoSessionAllows
		case !rbpAllows:
			return ImplicitDeny, ReasonNoResourceAllows
		}
		return Allowed, ReasonAllowed
	}

	// 4. Same account: a resource-based policy naming the principal itself
	// grants on its own; naming the role behind a session grants in place
	// of the identity policy but stays subject to boundary and session
	// policy; naming the account only delegates to the identity policy.
	if rbpAllows && rbp.grant == grantDirect {
		return Allowed, ReasonAllowed
	}
	if strict && !rbpAllows {
		return ImplicitDeny, ReasonNoResourceAllows
	}
	byParent := rbpAllows && rbp.grant == grantParent
	switch {
	case !identityAllows && !byParent:
		return ImplicitDeny, ReasonNoIdentityAllows
	case !boundaryAllows:
		return ImplicitDeny, ReasonNoBoundaryAllows
	case !sessionAllows:
		return ImplicitDeny, ReasonNoSessionAllows
	}
	return Allowed, ReasonAllowed
}
