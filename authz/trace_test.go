package authz

import (
	"reflect"
	"testing"

	"github.com/warden-iam/warden"
)

func TestTraceFillsTheAuditEvent(t *testing.T) {
	const (
		allowAll   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}`
		denyDelete = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`
		getOnly    = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`
	)
	bob, carol := "arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/carol"
	withBoundary := func(boundary string, docs ...string) *warden.PrincipalPolicies {
		pp := aliceWith(docs...)
		pp.PermissionsBoundary = &warden.IdentityPolicy{Name: "fence", ARN: "arn:aws:iam::111122223333:policy/fence", Document: boundary}
		return pp
	}
	tests := []struct {
		name  string
		pp    *warden.PrincipalPolicies
		calls []*Call
		want  warden.AuditEvent
	}{
		{"no authorization", aliceWith(allowAll), nil, warden.AuditEvent{}},
		{"allowed", aliceWith(allowAll), []*Call{{Action: "iam:GetUser", Resource: bob}},
			warden.AuditEvent{Decision: warden.AuditAllow, Resources: []string{bob}}},
		{"resource * is not a resource", aliceWith(allowAll), []*Call{{Action: "iam:ListUsers", Resource: "*"}},
			warden.AuditEvent{Decision: warden.AuditAllow}},
		{"explicit deny names the statement", aliceWith(denyDelete), []*Call{{Action: "iam:DeleteUser", Resource: bob}},
			warden.AuditEvent{Decision: warden.AuditExplicitDeny, Resources: []string{bob}, DecidingLayer: "identity",
				DecidingStatement: &warden.AuditStatement{Policy: alice.ARN + " inline policy p0", Index: 1, Sid: "NoDelete"}}},
		{"no identity allow", aliceWith(getOnly), []*Call{{Action: "iam:CreateUser", Resource: bob}},
			warden.AuditEvent{Decision: warden.AuditImplicitDeny, Resources: []string{bob}, DecidingLayer: "identity"}},
		{"no boundary allow", withBoundary(getOnly, allowAll), []*Call{{Action: "iam:CreateUser", Resource: bob}},
			warden.AuditEvent{Decision: warden.AuditImplicitDeny, Resources: []string{bob}, DecidingLayer: "boundary"}},
		{"deny in the boundary", withBoundary(denyDelete, allowAll), []*Call{{Action: "iam:DeleteUser", Resource: bob}},
			warden.AuditEvent{Decision: warden.AuditExplicitDeny, Resources: []string{bob}, DecidingLayer: "boundary",
				DecidingStatement: &warden.AuditStatement{Policy: "arn:aws:iam::111122223333:policy/fence", Index: 1, Sid: "NoDelete"}}},
		{"the first denial decides", aliceWith(getOnly), []*Call{{Action: "iam:GetUser", Resource: bob}, {Action: "iam:PassRole", Resource: carol}, {Action: "iam:GetUser", Resource: bob}},
			warden.AuditEvent{Decision: warden.AuditImplicitDeny, Resources: []string{bob, carol}, DecidingLayer: "identity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(&fakeSource{policies: map[string]*warden.PrincipalPolicies{alice.ARN: tt.pp}})
			var trace Trace
			ctx := WithTrace(t.Context(), &trace)
			for _, call := range tt.calls {
				if _, err := a.Authorize(ctx, caller(), call); err != nil {
					t.Fatal(err)
				}
			}
			var got warden.AuditEvent
			trace.Fill(&got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Fill:\n got %+v %+v\nwant %+v %+v", got, got.DecidingStatement, tt.want, tt.want.DecidingStatement)
			}
		})
	}
}

func TestAuthorizeWithoutTrace(t *testing.T) {
	a := New(&fakeSource{policies: map[string]*warden.PrincipalPolicies{alice.ARN: aliceWith()}})
	if d, err := a.Authorize(t.Context(), caller(), &Call{Action: "iam:GetUser", Resource: "*"}); err != nil || d.Allowed {
		t.Fatalf("Authorize without a trace = %+v, %v", d, err)
	}
}

func TestFailedAuthorizationIsNotTraced(t *testing.T) {
	a := New(&fakeSource{policies: map[string]*warden.PrincipalPolicies{}}) // alice is unknown: the lookup fails
	var trace Trace
	if _, err := a.Authorize(WithTrace(t.Context(), &trace), caller(), &Call{Action: "iam:GetUser", Resource: "*"}); err == nil {
		t.Fatal("Authorize succeeded for an unknown principal")
	}
	var e warden.AuditEvent
	trace.Fill(&e)
	if e.Decision != warden.AuditNoDecision {
		t.Fatalf("a failed authorization was traced as %q", e.Decision)
	}
}
