package authz

import (
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// The keys and engine principal of requests signed with temporary
// credentials, and of an AWS service principal.
func TestSessionRequest(t *testing.T) {
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	role := warden.Principal{Kind: warden.PrincipalRole, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:role/reader", ID: "AROAEXAMPLEROLE00001", Name: "reader", Path: "/"}
	roleSession := (&warden.Session{Kind: warden.SessionAssumedRole, AccountID: "111122223333", Parent: role, Name: "s1", SourceIdentity: "dr-jones",
		Tags: []warden.Tag{{Key: "TEAM", Value: "session"}}, IssuedAt: at.Add(-time.Hour), MFAAuthenticatedAt: at.Add(-90 * time.Second)}).Principal()
	fed := (&warden.Session{Kind: warden.SessionFederatedUser, AccountID: "111122223333", Parent: *alice, Name: "fed", IssuedAt: at}).Principal()
	service := &warden.Principal{Kind: warden.PrincipalService, ARN: "health-agent.amazonaws.com", Name: "health-agent.amazonaws.com"}
	rolePolicies := &warden.PrincipalPolicies{Principal: role, Tags: []warden.Tag{{Key: "team", Value: "role"}, {Key: "dept", Value: "x"}}}

	tests := []struct {
		name      string
		p         *warden.Principal
		pp        *warden.PrincipalPolicies
		principal policy.RequestPrincipal
		keys      map[string]string // "" means absent
	}{
		{name: "role session", p: roleSession, pp: rolePolicies,
			principal: policy.RequestPrincipal{Type: policy.PrincipalAssumedRole, ARN: "arn:aws:sts::111122223333:assumed-role/reader/s1", Account: "111122223333", Parent: role.ARN},
			keys: map[string]string{"aws:PrincipalArn": role.ARN, "aws:PrincipalType": "AssumedRole", "aws:userid": "AROAEXAMPLEROLE00001:s1",
				"aws:PrincipalTag/team": "session", "aws:PrincipalTag/dept": "x", "aws:SourceIdentity": "dr-jones",
				"aws:TokenIssueTime": "2026-11-22T11:00:00Z", "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "90",
				"aws:username": "", "aws:PrincipalIsAWSService": "false"}},
		{name: "federated user", p: fed,
			principal: policy.RequestPrincipal{Type: policy.PrincipalFederatedUser, ARN: "arn:aws:sts::111122223333:federated-user/fed", Account: "111122223333", Parent: alice.ARN},
			keys: map[string]string{"aws:PrincipalArn": "arn:aws:sts::111122223333:federated-user/fed", "aws:PrincipalType": "FederatedUser",
				"aws:userid": "111122223333:fed", "aws:MultiFactorAuthPresent": "false", "aws:MultiFactorAuthAge": "", "aws:SourceIdentity": ""}},
		{name: "service principal", p: service,
			principal: policy.RequestPrincipal{Type: policy.PrincipalServiceType, ARN: "health-agent.amazonaws.com"},
			keys: map[string]string{"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": "health-agent.amazonaws.com",
				"aws:PrincipalArn": "", "aws:PrincipalAccount": "", "aws:MultiFactorAuthPresent": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request(&Caller{Principal: tt.p, Time: at}, tt.pp, &Call{Action: "iam:GetUser", Resource: "*"})
			if req.Principal != tt.principal {
				t.Errorf("principal = %+v, want %+v", req.Principal, tt.principal)
			}
			for key, want := range tt.keys {
				v, ok := req.Context.Get(key)
				switch {
				case want == "" && ok:
					t.Errorf("%s = %v, want absent", key, v.Values)
				case want != "" && (!ok || len(v.Values) != 1 || v.Values[0] != want):
					t.Errorf("%s = %v, want %q", key, v.Values, want)
				}
			}
		})
	}
}

// A session is authorized with its parent's policies and its own session
// policies, compiled once per session.
func TestSessionLayers(t *testing.T) {
	role := warden.Principal{Kind: warden.PrincipalRole, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:role/reader", ID: "AROAEXAMPLEROLE00001", Name: "reader", Path: "/"}
	src := &fakeSource{policies: map[string]*warden.PrincipalPolicies{role.ARN: {Principal: role, Policies: []warden.IdentityPolicy{{Name: "p", AttachedTo: role.ARN,
		Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"*"}}`}}}}}
	a := New(src)
	sess := &warden.Session{AccessKeyID: "ASIAEXAMPLE000000001", Kind: warden.SessionAssumedRole, AccountID: "111122223333", Parent: role, Name: "s",
		Policies: []warden.SessionPolicy{{Name: warden.InlineSessionPolicy, Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`}}}
	c := &Caller{Principal: sess.Principal(), Temporary: true}
	for action, want := range map[string]bool{"iam:GetUser": true, "iam:ListUsers": false} {
		d, err := a.Authorize(t.Context(), c, &Call{Action: action, Resource: "*"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != want {
			t.Errorf("%s: allowed %v, want %v (%s)", action, d.Allowed, want, d.Message)
		}
	}
	first := a.sessions[sess.AccessKeyID]
	if _, err := a.Authorize(t.Context(), c, &Call{Action: "iam:GetUser", Resource: "*"}); err != nil {
		t.Fatal(err)
	}
	if a.sessions[sess.AccessKeyID] != first || first == nil {
		t.Error("the session policies were compiled again")
	}
}
