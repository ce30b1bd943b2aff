package authz

import (
	"context"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// orgSource is fakeSource with organizations: controls per account;
// replacing an entry is how a store signals that a write changed it.
type orgSource struct {
	fakeSource
	controls map[string]*warden.OrganizationControls
	err      error
}

func (o *orgSource) OrganizationControls(_ context.Context, account string) (*warden.OrganizationControls, error) {
	if o.err != nil {
		return nil, o.err
	}
	if c, ok := o.controls[account]; ok {
		return c, nil
	}
	return &warden.OrganizationControls{AccountID: account}, nil
}

const (
	orgID          = "o-aa111bb222"
	rootID         = "r-ab12"
	ouID           = "ou-ab12-11111111"
	managementAcct = "111111111111"
	memberAcct     = "222222222222"
	otherMember    = "333333333333"
	outsiderAcct   = "444444444444"
)

const adminAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func orgPolicy(name, content string) *warden.OrganizationPolicy {
	return &warden.OrganizationPolicy{ID: "p-" + name, ARN: "arn:aws:organizations::" + managementAcct + ":policy/" + orgID + "/scp/p-" + name, Name: name, Content: content}
}

var (
	fullAWSAccess    = warden.FullAccessPolicy(warden.ServiceControlPolicy)
	rcpFullAWSAccess = warden.FullAccessPolicy(warden.ResourceControlPolicy)
	denyDeleteDomain = orgPolicy("denydeletedomain", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"health-agent:DeleteDomain","Resource":"*"}]}`)
	allowOnlyIAM     = orgPolicy("onlyiam", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)
	// denyOutsiders is AWS's example RCP that keeps principals outside
	// the organization away from its resources ("RCP examples").
	denyOutsiders = orgPolicy("denyoutsiders", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["sts:AssumeRole","s3:*","iam:*"],"Resource":"*",
		"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"`+orgID+`"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`)
)

func admin(account string) (*warden.Principal, *warden.PrincipalPolicies) {
	p := &warden.Principal{Kind: warden.PrincipalUser, AccountID: account, ARN: "arn:aws:iam::" + account + ":user/admin", ID: "AIDA" + account + "ADMIN", Name: "admin", Path: "/"}
	pp := &warden.PrincipalPolicies{Principal: *p, Policies: []warden.IdentityPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Document: adminAccess}}}
	return p, pp
}

// member returns the controls of a member account under the root and one
// OU, with the given SCPs at the account level and RCPFullAWSAccess (plus
// rcps) everywhere.
func memberControls(account string, scps, rcps []*warden.OrganizationPolicy) *warden.OrganizationControls {
	return &warden.OrganizationControls{
		AccountID: account, OrganizationID: orgID, Path: orgID + "/" + rootID + "/" + ouID + "/",
		SCPs: [][]*warden.OrganizationPolicy{{fullAWSAccess}, {fullAWSAccess}, append([]*warden.OrganizationPolicy{fullAWSAccess}, scps...)},
		RCPs: [][]*warden.OrganizationPolicy{{rcpFullAWSAccess}, {rcpFullAWSAccess}, append([]*warden.OrganizationPolicy{rcpFullAWSAccess}, rcps...)},
	}
}

func newOrgSource() *orgSource {
	src := &orgSource{fakeSource: fakeSource{policies: map[string]*warden.PrincipalPolicies{}}, controls: map[string]*warden.OrganizationControls{
		managementAcct: {AccountID: managementAcct, OrganizationID: orgID, Management: true, Path: orgID + "/" + rootID + "/"},
		memberAcct:     memberControls(memberAcct, []*warden.OrganizationPolicy{denyDeleteDomain}, []*warden.OrganizationPolicy{denyOutsiders}),
		otherMember:    memberControls(otherMember, nil, nil),
		outsiderAcct:   {AccountID: outsiderAcct},
	}}
	for _, acct := range []string{managementAcct, memberAcct, otherMember, outsiderAcct} {
		p, pp := admin(acct)
		src.policies[p.ARN] = pp
	}
	return src
}

func callerIn(account string) *Caller {
	p, _ := admin(account)
	c := caller()
	c.Principal = p
	return c
}

func TestSCPStopsMemberAccountsOnly(t *testing.T) {
	a := New(newOrgSource())
	deleteDomain := &Call{Action: "health-agent:DeleteDomain", Resource: "arn:aws:health-agent:us-east-1:" + memberAcct + ":domain/d-1"}
	d, err := a.Authorize(t.Context(), callerIn(memberAcct), deleteDomain)
	if err != nil || d.Allowed {
		t.Fatalf("member administrator: %+v, %v; want a denial", d, err)
	}
	if d.Explanation.Decision != policy.ExplicitDeny || !strings.HasSuffix(d.Message, "with an explicit deny in a service control policy") {
		t.Fatalf("denial = %s (%s)", d.Message, d.Explanation.Decision)
	}

	// The same administrator may do anything the SCPs leave alone.
	d, err = a.Authorize(t.Context(), callerIn(memberAcct), &Call{Action: "health-agent:CreateDomain", Resource: "*"})
	if err != nil || !d.Allowed {
		t.Fatalf("member administrator, another action: %+v, %v", d, err)
	}

	// The management account is governed by no SCP.
	deleteDomain.Resource = "arn:aws:health-agent:us-east-1:" + managementAcct + ":domain/d-1"
	d, err = a.Authorize(t.Context(), callerIn(managementAcct), deleteDomain)
	if err != nil || !d.Allowed {
		t.Fatalf("management administrator: %+v, %v", d, err)
	}

	// Neither is an account outside any organization.
	d, err = a.Authorize(t.Context(), callerIn(outsiderAcct), deleteDomain)
	if err != nil || !d.Allowed {
		t.Fatalf("outsider administrator: %+v, %v", d, err)
	}
}

func TestSCPLevels(t *testing.T) {
	src := newOrgSource()
	c := memberControls(otherMember, nil, nil)
	// An allow list at the OU: every level must allow.
	c.SCPs[1] = []*warden.OrganizationPolicy{allowOnlyIAM}
	src.controls[otherMember] = c
	a := New(src)
	tests := []struct {
		action string
		allow  bool
		phrase string
	}{
		{"iam:CreateUser", true, ""},
		{"s3:GetObject", false, "because no service control policy allows the s3:GetObject action"},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			d, err := a.Authorize(t.Context(), callerIn(otherMember), &Call{Action: tt.action, Resource: "*"})
			if err != nil || d.Allowed != tt.allow {
				t.Fatalf("%s: %+v, %v", tt.action, d, err)
			}
			if !tt.allow && !strings.HasSuffix(d.Message, tt.phrase) {
				t.Fatalf("message = %s", d.Message)
			}
		})
	}

	// With SCPs disabled the store gives no levels, and nothing is limited.
	c2 := *c
	c2.SCPs = nil
	src.controls[otherMember] = &c2
	d, err := a.Authorize(t.Context(), callerIn(otherMember), &Call{Action: "s3:GetObject", Resource: "*"})
	if err != nil || !d.Allowed {
		t.Fatalf("SCPs disabled: %+v, %v", d, err)
	}
}

// assumeRole is a cross-account sts:AssumeRole of a role in the member
// account whose trust policy lets account `from` assume it.
func assumeRole(t *testing.T, from string) *Call {
	t.Helper()
	trust, err := policy.ParseAs([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+from+`:root"},"Action":"sts:AssumeRole"}]}`), policy.KindTrust)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := policy.Compile(policy.Document{Name: "trust", Policy: trust})
	return &Call{Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + memberAcct + ":role/shared", ResourceAccount: memberAcct, ResourcePolicy: set}
}

func TestRCPKeepsOutsidersAway(t *testing.T) {
	a := New(newOrgSource())
	d, err := a.Authorize(t.Context(), callerIn(outsiderAcct), assumeRole(t, outsiderAcct))
	if err != nil || d.Allowed {
		t.Fatalf("outsider assuming a member's role: %+v, %v; want a denial", d, err)
	}
	if !strings.HasSuffix(d.Message, "with an explicit deny in a resource control policy") {
		t.Fatalf("denial = %s", d.Message)
	}

	// A principal of another member account carries the organization's
	// ID, which the RCP lets through.
	d, err = a.Authorize(t.Context(), callerIn(otherMember), assumeRole(t, otherMember))
	if err != nil || !d.Allowed {
		t.Fatalf("member of the organization: %+v, %v", d, err)
	}

	// IAM does not honour RCPs: the same RCP names iam:*, to no effect.
	d, err = a.Authorize(t.Context(), callerIn(memberAcct), &Call{Action: "iam:DeleteRole", Resource: "arn:aws:iam::" + memberAcct + ":role/shared"})
	if err != nil || !d.Allowed {
		t.Fatalf("RCP applied to IAM: %+v, %v", d, err)
	}

	// RCPs govern member accounts' resources, not the management
	// account's, even with the same deny in force elsewhere.
	call := assumeRole(t, outsiderAcct)
	call.Resource, call.ResourceAccount = "arn:aws:iam::"+managementAcct+":role/shared", managementAcct
	d, err = a.Authorize(t.Context(), callerIn(outsiderAcct), call)
	if err != nil || !d.Allowed {
		t.Fatalf("outsider assuming a management account role: %+v, %v", d, err)
	}
}

func TestExplainShowsOrganizationLayers(t *testing.T) {
	e, err := New(newOrgSource()).Explain(t.Context(), callerIn(memberAcct), &Call{Action: "health-agent:DeleteDomain", Resource: "*"})
	if err != nil {
		t.Fatal(err)
	}
	var layers []string
	for _, l := range e.Layers {
		if strings.HasPrefix(l.Layer, "scp") {
			layers = append(layers, l.Layer)
		}
	}
	if strings.Join(layers, ",") != "scp[0],scp[1],scp[2]" || e.Decision != policy.ExplicitDeny {
		t.Fatalf("explanation layers %v, decision %s", layers, e.Decision)
	}
	if len(e.Deciding) != 1 || e.Deciding[0].Layer != "scp[2]" {
		t.Fatalf("deciding statements = %+v", e.Deciding)
	}
}

func TestOrganizationKeys(t *testing.T) {
	// Read the keys through a policy that needs them.
	src := newOrgSource()
	p, pp := admin(memberAcct)
	pp.Policies = []warden.IdentityPolicy{{Name: "org", AttachedTo: p.ARN, Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + orgID + `","aws:ResourceOrgID":"` + orgID + `"},
		"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"` + orgID + `/` + rootID + `/ou-*","aws:ResourceOrgPaths":"` + orgID + `/*"}}}]}`}}
	src.policies[p.ARN] = pp
	a := New(src)
	d, err := a.Authorize(t.Context(), callerIn(memberAcct), &Call{Action: "iam:GetUser", Resource: "*"})
	if err != nil || !d.Allowed {
		t.Fatalf("organization keys missing: %+v, %v", d, err)
	}
	d, err = a.Authorize(t.Context(), callerIn(memberAcct), &Call{Action: "iam:GetUser", Resource: "*", ResourceAccount: outsiderAcct})
	if err != nil || d.Allowed {
		t.Fatalf("aws:ResourceOrgID set for a resource outside the organization: %+v, %v", d, err)
	}
}

func TestServiceLinkedRolesAreExempt(t *testing.T) {
	src := newOrgSource()
	role := &warden.Principal{Kind: warden.PrincipalRole, AccountID: memberAcct, ARN: "arn:aws:iam::" + memberAcct + ":role/aws-service-role/health-agent.amazonaws.com/AWSServiceRoleForHealthAgent",
		ID: "AROASERVICELINKED0001", Name: "AWSServiceRoleForHealthAgent", Path: "/aws-service-role/health-agent.amazonaws.com/"}
	src.policies[role.ARN] = &warden.PrincipalPolicies{Principal: *role, Policies: []warden.IdentityPolicy{{Name: "p", AttachedTo: role.ARN, Document: adminAccess}}}
	c := caller()
	c.Principal = role
	d, err := New(src).Authorize(t.Context(), c, &Call{Action: "health-agent:DeleteDomain", Resource: "*"})
	if err != nil || !d.Allowed {
		t.Fatalf("service-linked role stopped by an SCP: %+v, %v", d, err)
	}
}

func TestCompiledControlsFollowTheStore(t *testing.T) {
	src := newOrgSource()
	a := New(src)
	deleteDomain := &Call{Action: "health-agent:DeleteDomain", Resource: "*"}
	for range 3 {
		if d, _ := a.Authorize(t.Context(), callerIn(memberAcct), deleteDomain); d.Allowed {
			t.Fatal("allowed")
		}
	}
	first := a.orgs.byAccount[memberAcct]
	if d, _ := a.Authorize(t.Context(), callerIn(memberAcct), deleteDomain); d.Allowed || a.orgs.byAccount[memberAcct] != first {
		t.Fatal("the controls were recompiled without a change in the store")
	}
	// A write (DetachPolicy) gives a new answer, which is compiled anew.
	src.controls[memberAcct] = memberControls(memberAcct, nil, nil)
	if d, _ := a.Authorize(t.Context(), callerIn(memberAcct), deleteDomain); !d.Allowed {
		t.Fatal("the detached SCP still applies")
	}
}

func TestOrganizationsFailClosed(t *testing.T) {
	src := newOrgSource()
	broken := memberControls(memberAcct, []*warden.OrganizationPolicy{orgPolicy("broken", `{"Version":`)}, nil)
	src.controls[memberAcct] = broken
	_, err := New(src).Authorize(t.Context(), callerIn(memberAcct), &Call{Action: "iam:GetUser", Resource: "*"})
	if warden.ErrorCode(err) != warden.EServiceFailure {
		t.Fatalf("unreadable SCP: %v; want ServiceFailure", err)
	}
	src = newOrgSource()
	src.err = warden.Errorf(warden.EServiceFailure, "database gone")
	_, err = New(src).Authorize(t.Context(), callerIn(memberAcct), &Call{Action: "iam:GetUser", Resource: "*"})
	if warden.ErrorCode(err) != warden.EServiceFailure {
		t.Fatalf("failing store: %v; want ServiceFailure", err)
	}
}

// BenchmarkAuthorizeOrganizations compares a decision for an account in no
// organization with one for a member account under three SCP and three
// RCP levels.
func BenchmarkAuthorizeOrganizations(b *testing.B) {
	for _, bc := range []struct{ name, account string }{{"outside", outsiderAcct}, {"member", memberAcct}} {
		b.Run(bc.name, func(b *testing.B) {
			a := New(newOrgSource())
			c := callerIn(bc.account)
			call := &Call{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/key"}
			b.ReportAllocs()
			for b.Loop() {
				if d, err := a.Authorize(b.Context(), c, call); err != nil || !d.Allowed {
					b.Fatal(d, err)
				}
			}
		})
	}
}
