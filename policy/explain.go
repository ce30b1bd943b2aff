package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Explanation says why a request got its decision: the statements that
// decided it, and for every layer the statements that matched and those that
// matched the action but failed on another element.
type Explanation struct {
	Decision Decision `json:"-"`
	// Reason names the deciding layer in the words of AWS's access-denied
	// messages; empty for Allow.
	Reason   Reason             `json:"-"`
	Deciding []StatementOutcome `json:"deciding"`
	Layers   []LayerExplanation `json:"layers"`
}

// LayerExplanation is what one layer said.
type LayerExplanation struct {
	Layer   string `json:"layer"` // identity, boundary, session, scp[0], rcp[1], resource
	Applies bool   `json:"applies"`
	Allowed bool   `json:"allowed"`
	Denied  bool   `json:"denied"`
	// Grant says how the resource policy named the principal: principal,
	// parent (the role behind a session) or account.
	Grant   string             `json:"grant,omitempty"`
	Matched []StatementOutcome `json:"matched,omitempty"`
	Failed  []StatementOutcome `json:"failed,omitempty"`
}

// StatementOutcome is one statement's result for the request.
type StatementOutcome struct {
	StatementRef
	Layer string `json:"layer"`
	// Element is the first element that did not match: Principal,
	// NotPrincipal, Resource, NotResource or Condition; empty if it matched.
	Element string `json:"element,omitempty"`
	Path    string `json:"path,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// Condition details a failed key test.
	Condition *ConditionMiss `json:"condition,omitempty"`
}

// ConditionMiss is a key test that did not hold.
type ConditionMiss struct {
	Operator      string   `json:"operator"`
	Key           string   `json:"key"`
	PolicyValues  []string `json:"policyValues"`
	RequestValues []string `json:"requestValues"`
	KeyPresent    bool     `json:"keyPresent"`
}

// Explain decides req like Evaluate and records why. It examines every
// statement that can match the action, so it costs more than Evaluate.
func Explain(l *Layers, req *Request) *Explanation {
	hasBoundary := l.Boundary != nil
	e := &Explanation{}
	var r results
	add := func(id layerID, s *Set, applies, resource bool) setResult {
		le, res := s.explain(id, req, applies, resource, hasBoundary)
		e.Layers = append(e.Layers, le)
		return res
	}
	scp, rcp := appliesSCP(l, req), appliesRCP(l, req)
	for i, s := range l.RCPs {
		res := add(layerID{LayerRCP, i}, s, rcp, true)
		if rcp {
			r.rcps = append(r.rcps, res)
		}
	}
	for i, s := range l.SCPs {
		res := add(layerID{LayerSCP, i}, s, scp, false)
		if scp {
			r.scps = append(r.scps, res)
		}
	}
	r.resource = add(layerID{kind: LayerResource}, l.Resource, l.Resource != nil, true)
	r.identity = add(layerID{kind: LayerIdentity}, l.Identity, l.Identity != nil, false)
	r.boundary = add(layerID{kind: LayerBoundary}, l.Boundary, l.Boundary != nil, false)
	r.session = add(layerID{kind: LayerSession}, l.Session, l.Session != nil, false)
	e.Decision, e.Reason = decide(l, req, &r)
	e.Deciding = e.deciding(l, req, &r)
	return e
}

// deciding picks the statements behind the decision: every matching Deny
// for an explicit deny; the matching Allows of the layers that had to allow
// for Allow; none for an implicit deny (the layer that lacked an Allow is
// the Reason, and its failed statements say why).
func (e *Explanation) deciding(l *Layers, req *Request, r *results) []StatementOutcome {
	var out []StatementOutcome
	switch e.Decision {
	case ExplicitDeny:
		for _, le := range e.Layers {
			for _, m := range le.Matched {
				if m.Effect == Deny.String() {
					out = append(out, m)
				}
			}
		}
		return out
	case ImplicitDeny:
		return nil
	}
	p := req.Principal
	sameAccount := req.ResourceAccount == "" || req.ResourceAccount == p.Account
	directRBP := l.Resource != nil && r.resource.allow && r.resource.grant == grantDirect
	want := func(layer string) bool {
		switch {
		case strings.HasPrefix(layer, LayerSCP), strings.HasPrefix(layer, LayerRCP):
			return true
		case layer == LayerResource:
			return r.resource.allow
		case p.Type == PrincipalRoot || p.Type == PrincipalAnonymous || p.Type == PrincipalServiceType:
			return false
		case sameAccount && directRBP:
			return false
		case layer == LayerIdentity:
			return r.identity.allow
		case layer == LayerBoundary, layer == LayerSession:
			return true
		}
		return false
	}
	for _, le := range e.Layers {
		if !le.Applies || !want(le.Layer) {
			continue
		}
		for _, m := range le.Matched {
			if m.Effect == Allow.String() {
				out = append(out, m)
			}
		}
	}
	return out
}

// explain evaluates every candidate statement of s and records each outcome.
func (s *Set) explain(id layerID, req *Request, applies, resource, hasBoundary bool) (LayerExplanation, setResult) {
	le := LayerExplanation{Layer: id.String(), Applies: applies}
	var r setResult
	if s == nil {
		return le, r
	}
	seen := map[*statement]bool{}
	s.each(req.Action, func(st *statement) bool {
		if seen[st] {
			return true
		}
		seen[st] = true
		o, g := st.explain(req, resource, hasBoundary)
		o.Layer = le.Layer
		if o.Element != "" {
			le.Failed = append(le.Failed, o)
			return true
		}
		le.Matched = append(le.Matched, o)
		if st.effect == Deny {
			r.deny = true
		} else {
			r.allow = true
			r.grant = max(r.grant, g)
		}
		return true
	})
	byPosition := func(a, b StatementOutcome) int {
		if c := strings.Compare(a.Policy, b.Policy); c != 0 {
			return c
		}
		return a.Index - b.Index
	}
	slices.SortFunc(le.Matched, byPosition)
	slices.SortFunc(le.Failed, byPosition)
	le.Allowed, le.Denied = r.allow, r.deny
	if resource && r.allow {
		le.Grant = r.grant.String()
	}
	return le, r
}

// explain evaluates one statement whose action matched, and says which
// element failed, if any.
func (st *statement) explain(req *Request, resource, hasBoundary bool) (StatementOutcome, grant) {
	o := StatementOutcome{StatementRef: st.ref}
	g := grantNone
	if resource {
		if g = st.principalGrant(&req.Principal, hasBoundary); g == grantNone {
			o.Element = "Principal"
			if st.principal == nil {
				// Only a policy that skipped Check can get here.
				o.Path = st.src.Path
				o.Detail = "the statement names no principal"
				return o, g
			}
			o.Path = st.src.Principal.Path
			if st.notPrincipal {
				o.Element = "NotPrincipal"
				o.Detail = fmt.Sprintf("%s is exempted by NotPrincipal", principalName(&req.Principal))
			} else {
				o.Detail = fmt.Sprintf("%s is not among the statement's principals", principalName(&req.Principal))
			}
			return o, g
		}
	}
	if !st.resourceMatches(req) {
		o.Element, o.Path = "Resource", st.src.ResourcePath
		if st.notResource {
			o.Element = "NotResource"
			o.Detail = fmt.Sprintf("resource %s is excluded by NotResource %s", req.Resource, quoteList(st.src.Resources))
		} else {
			o.Detail = fmt.Sprintf("resource %s matches none of %s", req.Resource, quoteList(st.src.Resources))
		}
		return o, g
	}
	for _, c := range st.conditions {
		if c.eval(&req.Context) {
			continue
		}
		cv, present := req.Context.getLower(c.lowerKey)
		miss := &ConditionMiss{Operator: c.op.Name, Key: c.src.Key, KeyPresent: present, RequestValues: cv.Values, PolicyValues: []string{}}
		for _, v := range c.values {
			miss.PolicyValues = append(miss.PolicyValues, v.text)
		}
		if miss.RequestValues == nil {
			miss.RequestValues = []string{}
		}
		o.Element, o.Path, o.Condition = "Condition", c.src.Path, miss
		if present {
			o.Detail = fmt.Sprintf("%s %s %v is false for request value %v", c.op.Name, c.src.Key, miss.PolicyValues, miss.RequestValues)
		} else {
			o.Detail = fmt.Sprintf("%s %s %v is false: the request has no %s", c.op.Name, c.src.Key, miss.PolicyValues, c.src.Key)
		}
		return o, g
	}
	return o, g
}

func principalName(p *RequestPrincipal) string {
	if p.Type == PrincipalAnonymous {
		return "the anonymous caller"
	}
	return p.ARN
}

func quoteList(vs []Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Text
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
