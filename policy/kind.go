package policy

import (
	"fmt"
	"strings"
)

// Kind is the role a policy plays; each kind has its own rules for which
// elements it may contain and how large it may be.
type Kind uint8

const (
	KindIdentity Kind = iota + 1 // inline or managed policy of a user, group or role
	KindResource                 // resource-based policy of a resource
	KindTrust                    // a role's trust policy (AssumeRolePolicyDocument)
	KindBoundary                 // permissions boundary
	KindSession                  // session policy passed to AssumeRole / GetFederationToken
	KindSCP                      // service control policy
	KindRCP                      // resource control policy
)

var kindNames = map[Kind]string{
	KindIdentity: "identity", KindResource: "resource", KindTrust: "trust", KindBoundary: "boundary",
	KindSession: "session", KindSCP: "scp", KindRCP: "rcp",
}

func (k Kind) String() string { return kindNames[k] }

// article is the indefinite article before the kind's name in a message:
// "an identity policy", "an scp policy", "a boundary policy".
func (k Kind) article() string {
	switch k {
	case KindBoundary, KindSession, KindTrust:
		return "a"
	}
	return "an"
}

// ParseKind reads a kind name as the command line spells it.
func ParseKind(s string) (Kind, bool) {
	for k, name := range kindNames {
		if name == strings.ToLower(s) {
			return k, true
		}
	}
	return 0, false
}

// SizeLimit returns the largest policy of this kind, in the characters
// Policy.Size counts ("IAM and AWS STS quotas"; Organizations quotas for SCPs
// and RCPs). Inline policies are limited per principal in aggregate, which
// the caller checks.
func (k Kind) SizeLimit() int {
	switch k {
	case KindTrust, KindSession:
		return 2048
	case KindSCP, KindRCP:
		return 5120
	}
	return 6144
}

// SizeCode is the finding code of a policy over the size limit.
func (k Kind) SizeCode() string {
	switch k {
	case KindTrust:
		return "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA"
	case KindSCP:
		return "POLICY_SIZE_EXCEEDS_SCP_QUOTA"
	case KindRCP:
		return "POLICY_SIZE_EXCEEDS_RCP_QUOTA"
	case KindResource:
		return "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA"
	}
	return "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"
}

// isIAM reports whether IAM itself stores policies of this kind, and so
// applies its Sid rules (letters and digits only, unique in the policy).
func (k Kind) isIAM() bool { return k != KindResource }

// Check returns what a policy of kind k may not contain, as IAM (or
// Organizations, for SCPs and RCPs) refuses it when the policy is written.
func (pol *Policy) Check(k Kind) []Diagnostic {
	var ds []Diagnostic
	add := func(code, path string, pos Position, format string, args ...any) {
		ds = append(ds, Diagnostic{Code: code, Message: fmt.Sprintf(format, args...), Path: path, Pos: pos})
	}
	if pol.Size > k.SizeLimit() {
		add(k.SizeCode(), "", Position{Offset: 0, Line: 1, Column: 1}, "the policy has %d characters (whitespace not counted); the limit for %s policies is %d", pol.Size, k, k.SizeLimit())
	}
	if (k == KindSCP || k == KindRCP) && pol.Version != Version2012 {
		add("INVALID_VERSION", "Version", pol.VersionPos, "%s policies must have \"Version\": \"2012-10-17\"", strings.ToUpper(k.String()))
	}
	sids := map[string]bool{}
	for _, st := range pol.Statements {
		if st.HasSid && k.isIAM() {
			if strings.ContainsFunc(st.Sid, func(r rune) bool { return !isAlnum(r) }) {
				add("UNSUPPORTED_SID", st.Path+".Sid", st.SidPos, "Sid %q may contain only letters A-Z, a-z and digits 0-9", st.Sid)
			}
			if st.Sid != "" && sids[st.Sid] {
				add("UNIQUE_SIDS_REQUIRED", st.Path+".Sid", st.SidPos, "Sid %q is used by an earlier statement; Sids must be unique within a policy", st.Sid)
			}
			sids[st.Sid] = true
		}
		principal := "Principal"
		if st.NotPrincipal {
			principal = "NotPrincipal"
		}
		switch k {
		case KindIdentity, KindBoundary, KindSession, KindSCP:
			if st.Principal != nil {
				add("UNSUPPORTED_PRINCIPAL", st.Path+"."+principal, st.Principal.Pos, "%s %s policy cannot name principals: it applies to the principal it is attached to; remove %s", k.article(), k, principal)
			}
			if !st.HasResource {
				add("MISSING_RESOURCE", st.Path, st.Pos, "the statement has no Resource or NotResource element; add \"Resource\": \"*\" or the ARNs it applies to")
			}
		case KindTrust:
			switch {
			case st.Principal == nil:
				add("MISSING_PRINCIPAL", st.Path, st.Pos, "a trust policy statement must name the principals that may assume the role in Principal")
			case st.NotPrincipal:
				add("ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", st.Path+".NotPrincipal", st.Principal.Pos, "a trust policy cannot use NotPrincipal; name the principals in Principal")
			}
			if st.HasResource {
				add("ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", st.ResourcePath, st.ResourcePos, "a trust policy cannot have Resource or NotResource: its resource is the role itself")
			}
		case KindResource:
			if st.Principal == nil {
				add("MISSING_PRINCIPAL", st.Path, st.Pos, "a resource-based policy statement must name its principals in Principal or NotPrincipal")
			}
		case KindRCP:
			if st.NotPrincipal {
				add("RCP_SYNTAX_ERROR_NOTPRINCIPAL", st.Path+".NotPrincipal", st.Principal.Pos, "resource control policies do not support NotPrincipal; use Principal \"*\" with a condition on aws:PrincipalArn")
			} else if st.Principal == nil || !isEveryone(st.Principal) {
				pos := st.Pos
				if st.Principal != nil {
					pos = st.Principal.Pos
				}
				add("RCP_SYNTAX_ERROR_PRINCIPAL", st.Path+".Principal", pos, "a resource control policy statement must have \"Principal\": \"*\"; restrict principals with conditions")
			}
			if st.Effect == Allow && !isFullAccess(st) {
				add("RCP_SYNTAX_ERROR_ALLOW", st.Path+".Effect", st.EffectPos, "resource control policies may only deny; the only Allow is the built-in RCPFullAWSAccess")
			}
		}
	}
	return ds
}

func isAlnum(r rune) bool {
	return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// isEveryone reports whether a principal element is "*" or {"AWS": "*"}.
func isEveryone(p *Principal) bool {
	if p.Wildcard {
		return true
	}
	return len(p.Entries) == 1 && p.Entries[0].Type == PrincipalAWS && p.Entries[0].Value.Text == "*"
}

// isFullAccess recognises the Allow-everything statement of RCPFullAWSAccess.
func isFullAccess(st *Statement) bool {
	return !st.NotAction && len(st.Actions) == 1 && st.Actions[0].Text == "*" &&
		st.HasResource && !st.NotResource && len(st.Resources) == 1 && st.Resources[0].Text == "*" &&
		len(st.Conditions) == 0
}

// ParseAs parses src and applies the rules of kind k: the check IAM makes
// when a policy of that kind is written.
func ParseAs(src []byte, k Kind) (*Policy, error) {
	pol, err := Parse(src)
	if err != nil {
		return pol, err
	}
	if ds := pol.Check(k); len(ds) > 0 {
		return pol, &Error{Diagnostics: ds}
	}
	return pol, nil
}
