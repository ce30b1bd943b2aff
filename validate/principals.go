package validate

import (
	"regexp"
	"strings"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/policy"
)

// Checks of Principal and NotPrincipal ("AWS JSON policy elements:
// Principal") and of what role trust policies need ("Creating a role using
// custom trust policies", "Identity providers and federation").

var (
	// servicePrincipalRE is the shape of service principals:
	// lambda.amazonaws.com, states.us-east-1.amazonaws.com, and the forms of
	// the China and isolated partitions.
	servicePrincipalRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$`)
	// uniqueIDRE is an IAM unique ID: AIDA… for users, AROA… for roles.
	uniqueIDRE     = regexp.MustCompile(`^(AIDA|AROA)[A-Z0-9]{12,}$`)
	canonicalIDRE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	principalARNRE = regexp.MustCompile(`^(root|user/.+|role/.+|assumed-role/[^/]+/.+|federated-user/.+)$`)
)

// webIdentityProviders are the providers a trust policy may name by host
// rather than by an oidc-provider ARN ("Identity providers and federation").
var webIdentityProviders = map[string]bool{
	"cognito-identity.amazonaws.com": true, "accounts.google.com": true, "graph.facebook.com": true, "www.amazon.com": true,
}

func (c *checker) principals(s *statement) {
	p := s.Principal
	if p == nil || c.broken[p.Path] {
		return
	}
	seen := map[string]bool{} // type and value
	everyone := p.Wildcard
	for _, e := range p.Entries {
		if e.Type == policy.PrincipalAWS && e.Value.Text == "*" {
			everyone = true
		}
	}
	for _, e := range p.Entries {
		v := e.Value
		if c.broken[v.Path] || hasVariable(v.Text) {
			continue
		}
		key := e.Type + "\x00" + v.Text
		if c.kind == policy.KindTrust {
			switch {
			case seen[key]:
				c.report("REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", v.Path, v.Pos, "%s %q is listed twice; remove one", e.Type, v.Text)
			case everyone && e.Type == policy.PrincipalAWS && v.Text != "*":
				c.report("REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", v.Path, v.Pos, "%q is covered by the principal \"*\" of the same statement; remove one", v.Text)
			}
		}
		seen[key] = true
		switch e.Type {
		case policy.PrincipalAWS:
			c.awsPrincipal(v)
		case policy.PrincipalService:
			if !servicePrincipalRE.MatchString(v.Text) {
				c.report("INVALID_SERVICE_PRINCIPAL_FORMAT", v.Path, v.Pos, "%q is not a service principal; they look like SERVICE.amazonaws.com (for example health-agent.amazonaws.com)", v.Text)
			}
		case policy.PrincipalFederated:
			c.federatedPrincipal(v)
		case policy.PrincipalCanonicalUser:
			if !canonicalIDRE.MatchString(v.Text) {
				c.report("INVALID_PRINCIPAL_FORMAT", v.Path, v.Pos, "%q is not an Amazon S3 canonical user ID (64 hexadecimal digits)", v.Text)
			}
		}
	}
}

// awsPrincipal checks an AWS principal: "*", an account ID, or the ARN of
// an account root, user, role, role session or federated user.
func (c *checker) awsPrincipal(v policy.Value) {
	text := v.Text
	switch {
	case text == "*", accountIDRE.MatchString(text):
		return
	case uniqueIDRE.MatchString(text):
		code, what := "INVALID_USER_REFERENCE", "user"
		if strings.HasPrefix(text, "AROA") {
			code, what = "INVALID_ROLE_REFERENCE", "role"
		}
		c.report(code, v.Path, v.Pos, "%q is the unique ID of a %s: IAM writes it in place of an ARN once the %s is deleted, and it matches no %s created later; name the %s by ARN", text, what, what, what, what)
		return
	}
	parts, ok := arn.Split(text)
	if !ok {
		c.report("INVALID_PRINCIPAL_FORMAT", v.Path, v.Pos, "%q is not an AWS principal: write \"*\", a 12-digit account ID, or the ARN of an account, user or role", text)
		return
	}
	if hasWildcard(text) {
		code := "UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
		if c.kind == policy.KindTrust {
			code = "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"
		}
		c.report(code, v.Path, v.Pos, "%q: principal ARNs cannot have wildcards (only the whole principal may be \"*\"); use \"*\" with an ArnLike condition on aws:PrincipalArn", text)
		return
	}
	account := parts[4]
	switch {
	case parts[2] != "iam" && parts[2] != "sts":
		c.report("INVALID_PRINCIPAL_FORMAT", v.Path, v.Pos, "%q: AWS principals are iam or sts ARNs, not %s ones", text, parts[2])
	case !accountIDRE.MatchString(account) && !(account == "cloudfront" && strings.HasPrefix(parts[5], "user/CloudFront Origin Access Identity ")):
		c.report("INVALID_PRINCIPAL_FORMAT", v.Path, v.Pos, "%q: %q is not a 12-digit account ID", text, account)
	case !principalARNRE.MatchString(parts[5]):
		c.report("INVALID_PRINCIPAL_FORMAT", v.Path, v.Pos, "%q names no principal: write root, user/NAME, role/NAME, assumed-role/ROLE/SESSION or federated-user/NAME after the account", text)
	}
}

// federatedPrincipal checks a Federated principal, which only role trust
// policies may name.
func (c *checker) federatedPrincipal(v policy.Value) {
	if c.kind != policy.KindTrust {
		c.report("FEDERATED_PRINCIPAL_NOT_SUPPORTED", v.Path, v.Pos, "Federated principals belong in role trust policies, where identity providers assume roles; name AWS or Service principals here")
		return
	}
	if _, ok := identityProvider(v.Text); !ok {
		c.report("INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", v.Path, v.Pos, "%q is not an identity provider: write arn:aws:iam::ACCOUNT:saml-provider/NAME, arn:aws:iam::ACCOUNT:oidc-provider/HOST, or one of %s", v.Text, "cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com, www.amazon.com")
	}
}

// provider is a federated identity provider a trust policy names.
type provider struct {
	saml bool
	host string // the OIDC provider's host, whose claims are its condition keys
}

func identityProvider(text string) (provider, bool) {
	if webIdentityProviders[text] {
		return provider{host: text}, true
	}
	parts, ok := arn.Split(text)
	if !ok || parts[2] != "iam" {
		return provider{}, false
	}
	if name, ok := strings.CutPrefix(parts[5], "saml-provider/"); ok && name != "" {
		return provider{saml: true}, true
	}
	if host, ok := strings.CutPrefix(parts[5], "oidc-provider/"); ok && host != "" {
		return provider{host: host}, true
	}
	return provider{}, false
}

// Actions by which principals assume a role.
const (
	assumeRole             = "sts:AssumeRole"
	assumeRoleWithSAML     = "sts:AssumeRoleWithSAML"
	assumeRoleWithIdentity = "sts:AssumeRoleWithWebIdentity"
)

// rolesAnywhereActions are what IAM Roles Anywhere needs from a trust
// policy ("IAM Roles Anywhere: trust model").
var rolesAnywhereActions = []string{"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"}

// trust checks what only role trust policies need: actions that suit the
// principals, and conditions on federated identities' claims.
func (c *checker) trust(s *statement) {
	if c.kind != policy.KindTrust || s.Principal == nil || s.NotPrincipal || !s.HasAction || c.broken[s.ActionPath] {
		return
	}
	c.trustActions(s)
	if s.Effect != policy.Allow {
		return
	}
	for _, e := range s.Principal.Entries {
		v := e.Value
		switch e.Type {
		case policy.PrincipalFederated:
			p, ok := identityProvider(v.Text)
			if !ok || p.saml {
				continue
			}
			c.oidcConditions(s, v, p.host)
		case policy.PrincipalService:
			if v.Text != "rolesanywhere.amazonaws.com" {
				continue
			}
			var missing []string
			for _, a := range rolesAnywhereActions {
				if named, _ := s.namesAction(a); !named && !s.allActions {
					missing = append(missing, a)
				}
			}
			if len(missing) > 0 {
				c.report("MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", s.ActionPath, s.ActionPos, "IAM Roles Anywhere needs %s in the trust policy; add %s", listNames(rolesAnywhereActions), listNames(missing))
			}
		}
	}
}

// trustActions checks that a trust statement's actions are ones a role
// trust policy governs, and that they include the assume action its
// principals use.
func (c *checker) trustActions(s *statement) {
	if s.NotAction {
		return
	}
	for _, ref := range s.actions {
		if ref.wildcard || len(ref.matches) != 1 {
			continue
		}
		if a := ref.matches[0]; !appliesToRoles(a) {
			c.report("UNSUPPORTED_ACTION_IN_POLICY", ref.Path, ref.Pos, "%s is not authorized against a role, so a trust policy never governs it; trust policies allow sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity and sts:SetContext", a.FullName())
		}
	}
	if s.Effect != policy.Allow || s.allActions || !s.complete {
		return
	}
	need := map[string]string{}
	for _, e := range s.Principal.Entries {
		switch e.Type {
		case policy.PrincipalAWS, policy.PrincipalService:
			need[assumeRole] = e.Type + " principals"
		case policy.PrincipalFederated:
			if p, ok := identityProvider(e.Value.Text); ok && p.saml {
				need[assumeRoleWithSAML] = "SAML providers"
			} else if ok {
				need[assumeRoleWithIdentity] = "OIDC and web identity providers"
			}
		}
	}
	if s.Principal.Wildcard {
		need[assumeRole] = "AWS principals"
	}
	for _, action := range []string{assumeRole, assumeRoleWithSAML, assumeRoleWithIdentity} {
		who, ok := need[action]
		if !ok {
			continue
		}
		if named, _ := s.namesAction(action); !named {
			c.report("MISMATCHED_ACTION_FOR_PRINCIPAL", s.ActionPath, s.ActionPos, "%s assume a role with %s, which the statement does not allow; add it", who, action)
		}
	}
}

// sampleRoleARN stands for any role when asking whether an action is
// authorized against roles.
const sampleRoleARN = "arn:aws:iam::111122223333:role/example"

func appliesToRoles(a *catalog.Action) bool {
	for _, ar := range a.ResourceTypes {
		if ar.Type == nil || ar.Type.MatchARN(sampleRoleARN) {
			return true
		}
	}
	return false
}

// oidcConditions checks that a trust statement for an OIDC provider tests
// its claims: without them, every identity the provider issues tokens to
// (every GitHub repository, every app of a Google account) may assume the
// role ("Create a role for OpenID Connect federation").
func (c *checker) oidcConditions(s *statement, v policy.Value, host string) {
	prefix := strings.ToLower(host) + ":"
	var sub *policy.Condition
	tested := false
	for _, cond := range s.Conditions {
		key := strings.ToLower(cond.Key)
		if strings.HasPrefix(key, prefix) {
			tested = true
			if key == prefix+"sub" {
				sub = cond
			}
		}
	}
	if host == "token.actions.githubusercontent.com" {
		if sub == nil {
			c.report("MISSING_GITHUB_REPO_CONDITION_KEY", v.Path, v.Pos, "any GitHub repository can assume this role: add a condition on token.actions.githubusercontent.com:sub naming the repository, such as repo:ORG/REPO:ref:refs/heads/main")
			return
		}
		for _, val := range sub.Values {
			if hasWildcard(val.Text) {
				c.report("SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", val.Path, val.Pos, "%q lets every matching repository or branch assume the role; name one repository and branch, such as repo:ORG/REPO:ref:refs/heads/main", val.Text)
			}
		}
		return
	}
	if !tested {
		c.report("MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", v.Path, v.Pos, "every identity %s issues tokens to can assume this role: add conditions on its claims, such as %saud and %ssub", host, host+":", host+":")
	}
}
