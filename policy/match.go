package policy

import "strings"

// grant says how a resource-based policy's Allow named the request's
// principal, which decides whether the grant stands alone
// ("Policy evaluation logic": resource-based policies in the same account).
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // the principal's account: a delegation, identity policy still needed
	grantParent        // the role behind a session, or the user behind a federated session
	grantDirect        // the principal itself (user, session, service) or everyone ("*")
)

func (g grant) String() string {
	return [...]string{"", "account", "parent", "principal"}[g]
}

// actionMatches reports whether the statement's Action or NotAction element
// covers action.
func (st *statement) actionMatches(action string) bool {
	for i := range st.actions {
		if st.actions[i].match(action, true, nil) {
			return !st.notAction
		}
	}
	return st.notAction
}

// principalGrant reports whether the statement's Principal covers the
// request principal, and how.
func (st *statement) principalGrant(p *RequestPrincipal, hasBoundary bool) grant {
	if st.principal == nil {
		return grantNone
	}
	if st.notPrincipal {
		if st.principal.excludes(p, hasBoundary) {
			return grantNone
		}
		return grantDirect
	}
	return st.principal.grantFor(p)
}

func (m *principalMatcher) grantFor(p *RequestPrincipal) grant {
	if m.everyone {
		return grantDirect
	}
	// A web-identity or SAML caller is unsigned (anonymous) and known only
	// by the identity provider that vouched for it.
	if p.Federated != "" && contains(m.federated, p.Federated) {
		return grantDirect
	}
	switch p.Type {
	case PrincipalAnonymous:
		return grantNone
	case PrincipalServiceType:
		if contains(m.services, p.ARN) {
			return grantDirect
		}
		return grantNone
	}
	if p.CanonicalUser != "" && contains(m.canonicalUser, p.CanonicalUser) {
		return grantDirect
	}
	switch {
	case p.ARN != "" && contains(m.arns, p.ARN):
		return grantDirect
	case p.Parent != "" && contains(m.arns, p.Parent):
		return grantParent
	case p.Account != "" && contains(m.accounts, p.Account):
		return grantAccount
	}
	return grantNone
}

// excludes reports whether a NotPrincipal list exempts the principal. AWS
// checks the account, then the role, then the session, so a role session is
// exempt only when all three are listed; a user, when both the user and its
// account are; and principals with a permissions boundary never are
// ("AWS JSON policy elements: NotPrincipal").
func (m *principalMatcher) excludes(p *RequestPrincipal, hasBoundary bool) bool {
	if m.everyone {
		return true
	}
	if hasBoundary {
		return false
	}
	switch p.Type {
	case PrincipalAnonymous:
		return false
	case PrincipalServiceType:
		return contains(m.services, p.ARN)
	case PrincipalRoot:
		return contains(m.accounts, p.Account)
	case PrincipalAssumedRole:
		return contains(m.accounts, p.Account) && contains(m.arns, p.Parent) && contains(m.arns, p.ARN)
	}
	return contains(m.accounts, p.Account) && contains(m.arns, p.ARN)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// resourceMatches reports whether the statement's Resource or NotResource
// element covers the request's resource.
func (st *statement) resourceMatches(req *Request) bool {
	if !st.hasResource {
		return true
	}
	for i := range st.resources {
		if st.resources[i].match(req.Resource, &req.Context) {
			return !st.notResource
		}
	}
	return st.notResource
}

// conditionsHold reports whether every key test of the statement holds.
func (st *statement) conditionsHold(ctx *Context) bool {
	for _, c := range st.conditions {
		if !c.eval(ctx) {
			return false
		}
	}
	return true
}

// strictResourcePolicy reports whether the request's resource policy must
// name the principal even within one account: role trust policies and KMS key
// policies ("Policy evaluation logic", exceptions to same-account rules). Only
// a KMS key has a key policy: actions on no key (kms:ListKeys, kms:CreateKey,
// both on "*") and on aliases are decided by identity policies alone
// ("Key policies in AWS KMS"; "Controlling access to aliases"). A
// trust policy governs the STS actions on a role: AssumeRole*, and
// TagSession, SetSourceIdentity and SetContext when a role is their
// resource. The other STS actions (GetFederationToken, GetAccessKeyInfo,
// DecodeAuthorizationMessage, TagSession of a federated user session, …)
// have no resource-based policy and identity policies decide them.
func strictResourcePolicy(req *Request) bool {
	svc, name, _ := strings.Cut(req.Action, ":")
	if equalFoldASCII(svc, "kms") {
		return strings.Contains(req.Resource, ":key/")
	}
	if !equalFoldASCII(svc, "sts") {
		return false
	}
	const assumeRole = "AssumeRole"
	if len(name) >= len(assumeRole) && equalFoldASCII(name[:len(assumeRole)], assumeRole) {
		return true
	}
	onRole := strings.Contains(req.Resource, ":role/")
	return onRole && (equalFoldASCII(name, "TagSession") || equalFoldASCII(name, "SetSourceIdentity") || equalFoldASCII(name, "SetContext"))
}
