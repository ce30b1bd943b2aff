package validate

import (
	"strings"

	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/policy"
)

// statement is a statement with what the catalog knows about its actions,
// worked out once and shared by the checks.
type statement struct {
	*policy.Statement
	actions []actionRef
	// allActions is set when "*" is among the values.
	allActions bool
	// complete is set when every value was understood, so that named is
	// exactly what the element names.
	complete bool
	// named is every catalog action the values name (the union of their
	// matches); nil when allActions.
	named map[*catalog.Action]bool
	// services are the distinct services of named, in order of appearance.
	services []*catalog.Service

	resources []resourceRef
}

// actionRef is one value of Action or NotAction.
type actionRef struct {
	policy.Value
	// matches are the actions the value names: the action itself, or the
	// expansion of a wildcard. Empty for "*" and for values not understood.
	matches  []*catalog.Action
	wildcard bool
}

// resolveStatement resolves a statement's Action or NotAction values against the
// catalog ("IAM JSON policy elements: Action"), reporting the values that
// name nothing.
func (c *checker) resolveStatement(st *policy.Statement) *statement {
	s := &statement{Statement: st, complete: st.HasAction && !c.broken[st.ActionPath]}
	seenService := map[*catalog.Service]bool{}
	for _, v := range st.Actions {
		ref := actionRef{Value: v}
		if !c.action(&ref, s) {
			s.complete = false
		}
		s.actions = append(s.actions, ref)
		if s.allActions {
			continue
		}
		for _, a := range ref.matches {
			if s.named == nil {
				s.named = map[*catalog.Action]bool{}
			}
			s.named[a] = true
			if !seenService[a.Service] {
				seenService[a.Service] = true
				s.services = append(s.services, a.Service)
			}
		}
	}
	if s.allActions {
		s.named, s.services = nil, nil
	}
	return s
}

// action resolves one value, reporting it if it names nothing, and reports
// whether it was understood.
func (c *checker) action(ref *actionRef, s *statement) bool {
	v := ref.Value
	if c.broken[v.Path] {
		return false
	}
	if v.Text == "*" {
		s.allActions = true
		return true
	}
	prefix, name, _ := strings.Cut(v.Text, ":")
	svc, ok := c.cat.Service(prefix)
	if !ok {
		suggestions := c.kn.suggestActions(v.Text)
		if len(suggestions) == 0 || hasWildcard(name) {
			suggestions = c.kn.suggestServices(prefix)
		}
		c.report("INVALID_SERVICE_IN_ACTION", v.Path, v.Pos, "%q: no AWS service has the prefix %q%s", v.Text, prefix, didYouMean(suggestions))
		return false
	}
	if hasWildcard(name) {
		ref.wildcard = true
		ref.matches = c.kn.expand(v.Text)
		if len(ref.matches) == 0 {
			c.report("INVALID_ACTION", v.Path, v.Pos, "%q matches no action of %s (%s)%s", v.Text, svc.Name, svc.Prefix, didYouMean(c.widerPattern(svc, name)))
			return false
		}
		return true
	}
	a, ok := svc.Action(name)
	if !ok {
		if op, ok := c.cat.ActionForOperation(v.Text); ok {
			c.report("INVALID_ACTION", v.Path, v.Pos, "%q is an API operation, not an IAM action: IAM authorizes it with %s", v.Text, op.FullName())
		} else {
			c.report("INVALID_ACTION", v.Path, v.Pos, "%q is not an action of %s (%s)%s", v.Text, svc.Name, svc.Prefix, didYouMean(c.kn.suggestActions(v.Text)))
		}
		return false
	}
	ref.matches = []*catalog.Action{a}
	switch a.Source {
	case catalog.SourceUserGuide:
		c.report("ACTION_NOT_IN_SERVICE_REFERENCE", v.Path, v.Pos, "%s is documented only in the %s user guide, not in the Service Authorization Reference; IAM accepts it, but check that the service still authorizes requests with it", a.FullName(), svc.Name)
	case catalog.SourceOtherEdition:
		c.report("ACTION_NOT_IN_SERVICE_REFERENCE", v.Path, v.Pos, "%s is missing from the current Service Authorization Reference and listed only in another edition of it, so it may be new or retired; check that the service still authorizes requests with it", a.FullName())
	}
	return true
}

// widerPattern suggests, for an action pattern that matches nothing, the
// pattern its literal beginning shortens to before some action matches:
// "Gett*" → "Get*".
func (c *checker) widerPattern(svc *catalog.Service, name string) []string {
	lit := name[:strings.IndexAny(name, "*?")]
	for n := len(lit) - 1; n > 0; n-- {
		prefix := lit[:n]
		for _, a := range svc.Actions {
			if len(a.Name) >= n && strings.EqualFold(a.Name[:n], prefix) {
				return []string{svc.Prefix + ":" + prefix + "*"}
			}
		}
	}
	return nil
}

// namesAction reports whether the statement's Action element (not
// NotAction) names the action full, and whether it does so only through a
// wildcard. The test is on the text, so it holds for actions the catalog
// does not know.
func (s *statement) namesAction(full string) (named, onlyByWildcard bool) {
	if s.NotAction {
		return false, false
	}
	onlyByWildcard = true
	for _, v := range s.actions {
		if policy.Match(v.Text, full, true) {
			named = true
			if !hasWildcard(v.Text) {
				onlyByWildcard = false
			}
		}
	}
	return named, named && onlyByWildcard
}

// notActionLeaves reports whether a NotAction statement applies to the
// action full: none of its values match it.
func (s *statement) notActionLeaves(full string) bool {
	if !s.NotAction {
		return false
	}
	for _, v := range s.actions {
		if policy.Match(v.Text, full, true) {
			return false
		}
	}
	return true
}
