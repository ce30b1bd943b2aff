package validate

import (
	"strings"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/policy"
)

// Checks of statements that grant more than they appear to: the security
// warnings of Access Analyzer, and the broad Allow forms the IAM User Guide
// warns about ("IAM JSON policy elements: NotAction", "NotResource",
// "NotPrincipal"; "Granting a user permissions to pass a role to an AWS
// service").

func (c *checker) security(s *statement) {
	if s.Effect != policy.Allow {
		return
	}
	if s.NotPrincipal && s.Principal != nil && !c.broken[s.Path+".NotPrincipal"] {
		c.report("ALLOW_WITH_NOT_PRINCIPAL", s.Path+".NotPrincipal", s.Principal.Pos, "Allow with NotPrincipal grants access to every principal not listed, anonymous ones included; name the principals in Principal instead")
	}
	if s.Principal != nil && !s.NotPrincipal && c.kind == policy.KindResource {
		c.servicePrincipalScope(s)
	}
	if !c.grants() {
		return
	}
	if s.NotAction && s.HasAction {
		c.report("ALLOW_WITH_NOT_ACTION", s.ActionPath, s.ActionPos, "Allow with NotAction grants every action not listed, of every service, including ones AWS adds later; list the actions to allow instead")
	}
	if s.NotResource && s.HasResource {
		c.report("ALLOW_WITH_NOT_RESOURCE", s.ResourcePath, s.ResourcePos, "Allow with NotResource grants access to every resource not listed, of every service; list the resources to allow instead")
	}
	c.broadGrant(s, broadPassRole)
	c.broadGrant(s, broadCreateSLR)
}

// broadAction describes an action that is dangerous to allow on every
// resource, with the codes of its findings and the condition key that
// scopes it.
type broadAction struct {
	action, scopeKey, why string
	// codes by how the statement names the action and the resource:
	// exact+star, wildcard+star, exact+NotResource, wildcard+NotResource,
	// NotAction+star, NotAction+NotResource.
	codes [6]string
	// sampleARN stands for a resource of the action, to tell whether a
	// NotResource list excludes them all.
	sampleARN string
}

var broadPassRole = broadAction{
	action:   "iam:PassRole",
	scopeKey: "iam:PassedToService",
	why:      "lets the principal pass any role, however privileged, to an AWS service",
	codes: [6]string{
		"PASS_ROLE_WITH_STAR_IN_RESOURCE", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
		"PASS_ROLE_WITH_NOT_RESOURCE", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
		"PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
	},
	sampleARN: sampleRoleARN,
}

var broadCreateSLR = broadAction{
	action:   "iam:CreateServiceLinkedRole",
	scopeKey: "iam:AWSServiceName",
	why:      "lets the principal create the service-linked role of any service",
	codes: [6]string{
		"CREATE_SLR_WITH_STAR_IN_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
		"CREATE_SLR_WITH_NOT_RESOURCE", "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
		"CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
	},
	sampleARN: "arn:aws:iam::111122223333:role/aws-service-role/example.amazonaws.com/AWSServiceRoleForExample",
}

// broadGrant reports an Allow of b.action on every resource, unless a
// condition on b.scopeKey restricts it.
func (c *checker) broadGrant(s *statement, b broadAction) {
	if !s.HasAction || !s.HasResource {
		return
	}
	for _, cond := range s.Conditions {
		if strings.EqualFold(cond.Key, b.scopeKey) {
			return
		}
	}
	var star bool
	if s.NotResource {
		for _, r := range s.Resources {
			if policy.Match(r.Text, b.sampleARN, false) {
				return // the excluded resources cover the action's own
			}
		}
	} else {
		for _, r := range s.Resources {
			star = star || everyRole(r.Text)
		}
		if !star {
			return
		}
	}
	resourceIndex := 0
	if s.NotResource {
		resourceIndex = 1
	}
	path, pos := s.ActionPath, s.ActionPos
	var code string
	switch {
	case s.NotAction:
		if !s.notActionLeaves(b.action) {
			return
		}
		code = b.codes[4+resourceIndex]
	default:
		named, byWildcard := s.namesAction(b.action)
		if !named {
			return
		}
		kind := 0
		if byWildcard {
			kind = 1
		}
		code = b.codes[2*resourceIndex+kind]
		for _, ref := range s.actions {
			if policy.Match(ref.Text, b.action, true) {
				path, pos = ref.Path, ref.Pos
				break
			}
		}
	}
	how := "on every resource"
	if s.NotResource {
		how = "on every resource but those in NotResource"
	}
	c.report(code, path, pos, "the statement allows %s %s, which %s; list the ARNs it may apply to, or add a condition on %s", b.action, how, b.why, b.scopeKey)
}

// everyRole reports whether a Resource entry covers every role of an
// account, or of every account.
func everyRole(r string) bool {
	if r == "*" {
		return true
	}
	parts, ok := arn.Split(r)
	if !ok {
		return false
	}
	res := parts[5]
	return (parts[2] == "iam" || parts[2] == "*") && (res == "*" || res == "role/*" || res == "role*")
}

// servicePrincipalScope checks that a resource-based policy allowing an
// AWS service names the resource or account the service acts for; without
// it, the service acting for anyone's resources gets the access (the
// confused deputy problem, "The confused deputy problem").
func (c *checker) servicePrincipalScope(s *statement) {
	for _, cond := range s.Conditions {
		switch strings.ToLower(cond.Key) {
		case "aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths":
			return
		}
	}
	for _, e := range s.Principal.Entries {
		if e.Type == policy.PrincipalService && !c.broken[e.Value.Path] {
			c.report("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", e.Value.Path, e.Value.Pos, "%s may act here for any AWS customer's resources; add a condition on aws:SourceArn or aws:SourceAccount naming your own", e.Value.Text)
		}
	}
}
