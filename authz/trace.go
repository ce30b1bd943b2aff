package authz

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// Trace collects the decisions Authorize makes while one request is
// served, for the audit trail: the transport puts a Trace in the request's
// context (WithTrace) and, once the request is answered, copies its summary
// into the request's audit event (Fill). Authorize costs nothing more for
// it than a context lookup and an append: an allow is recorded as such,
// without the statements behind it (see warden.AuditEvent.DecidingLayer).
type Trace struct {
	mu    sync.Mutex
	calls []tracedCall
	// inline holds the calls of most requests, which authorize once or
	// twice, without an allocation of their own.
	inline [2]tracedCall
}

type tracedCall struct {
	resource string
	decision *Decision
}

type traceKey struct{}

// WithTrace returns a context in which Authorize records its decisions in t.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

func traceFrom(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// record notes the decision *d for call; a nil Trace (no audit trail) or a
// failed authorization (no decision) records nothing.
func (t *Trace) record(call *Call, d **Decision) {
	if t == nil || *d == nil {
		return
	}
	t.mu.Lock()
	if t.calls == nil {
		t.calls = t.inline[:0]
	}
	t.calls = append(t.calls, tracedCall{resource: call.Resource, decision: *d})
	t.mu.Unlock()
}

// Fill sets the event's Decision, DecidingLayer, DecidingStatement and
// Resources from the decisions traced. A request is denied by its first
// denial (handlers stop there) and allowed when everything it asked for
// was allowed; with no decision at all it keeps AuditNoDecision.
func (t *Trace) Fill(e *warden.AuditEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.calls {
		if c.resource != "" && c.resource != "*" && !slices.Contains(e.Resources, c.resource) {
			e.Resources = append(e.Resources, c.resource)
		}
	}
	for _, c := range t.calls {
		if !c.decision.Allowed {
			fillDenial(e, c.decision.Explanation)
			return
		}
	}
	if len(t.calls) > 0 {
		e.Decision = warden.AuditAllow
	}
}

// Fill sets the event's Decision, DecidingLayer and DecidingStatement from
// the denial.
func (d *Denied) Fill(e *warden.AuditEvent) { fillDenial(e, d.Explanation) }

// fillDenial records which layer denied and, for an explicit deny, the
// first Deny statement: the engine lists deciding statements in the order
// it weighs layers, so the first one is in the layer that decided.
func fillDenial(e *warden.AuditEvent, x *policy.Explanation) {
	e.Decision = warden.AuditImplicitDeny
	if x == nil {
		return
	}
	if x.Decision == policy.ExplicitDeny {
		e.Decision = warden.AuditExplicitDeny
		if len(x.Deciding) > 0 {
			st := x.Deciding[0]
			e.DecidingLayer = st.Layer
			e.DecidingStatement = &warden.AuditStatement{Policy: st.Policy, Index: st.Index, Sid: st.Sid}
		}
		return
	}
	e.DecidingLayer = missingAllow(x)
}

// missingAllow names the layer whose missing Allow made an implicit deny:
// the one the reason names, with its level for SCPs and RCPs.
func missingAllow(x *policy.Explanation) string {
	var kind string
	switch x.Reason {
	case policy.ReasonNoIdentityAllows:
		kind = policy.LayerIdentity
	case policy.ReasonNoBoundaryAllows:
		kind = policy.LayerBoundary
	case policy.ReasonNoSessionAllows:
		kind = policy.LayerSession
	case policy.ReasonNoResourceAllows:
		kind = policy.LayerResource
	case policy.ReasonNoSCPAllows:
		kind = policy.LayerSCP
	case policy.ReasonNoRCPAllows:
		kind = policy.LayerRCP
	default:
		return ""
	}
	for _, l := range x.Layers {
		if l.Applies && !l.Allowed && (l.Layer == kind || strings.HasPrefix(l.Layer, kind+"[")) {
			return l.Layer
		}
	}
	return kind
}
