package stsapi

import (
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

func TestAssumeRoleTrust(t *testing.T) {
	f := newFixture(t)
	alice := f.user(t, accountA, "alice")
	bob := f.user(t, accountA, "bob", allow("sts:AssumeRole", "*"))
	carol := f.user(t, accountB, "carol", allow("sts:AssumeRole", "*"))
	dave := f.user(t, accountB, "dave")
	// Trust naming alice directly grants her alone; naming the account
	// delegates to the identity policies of its principals.
	direct := f.role(t, accountA, "direct", trust(`{"AWS":"`+alice+`"}`, `"sts:AssumeRole"`, ""), nil)
	delegated := f.role(t, accountA, "delegated", trust(`{"AWS":"arn:aws:iam::`+accountA+`:root"}`, `"sts:AssumeRole"`, ""), nil)
	vendor := f.role(t, accountA, "vendor", trust(`{"AWS":"`+accountB+`"}`, `"sts:AssumeRole"`,
		`{"StringEquals":{"sts:ExternalId":"tenant-7"}}`), nil)

	tests := []struct {
		name       string
		caller     string
		role       string
		externalID string
		code       string // "" when allowed
		message    string
	}{
		{name: "same account, trust names the user, no identity policy", caller: alice, role: direct},
		{name: "same account, trust names the account, no identity policy", caller: alice, role: delegated, code: warden.EAccessDenied,
			message: "User: " + alice + " is not authorized to perform: sts:AssumeRole on resource: " + delegated},
		{name: "same account, trust names the account, identity policy allows", caller: bob, role: delegated},
		{name: "same account, trust names someone else", caller: bob, role: direct, code: warden.EAccessDenied},
		{name: "cross account with the external ID", caller: carol, role: vendor, externalID: "tenant-7"},
		{name: "cross account with another external ID", caller: carol, role: vendor, externalID: "tenant-8", code: warden.EAccessDenied,
			message: "User: " + carol + " is not authorized to perform: sts:AssumeRole on resource: " + vendor},
		{name: "cross account without an external ID", caller: carol, role: vendor, code: warden.EAccessDenied},
		{name: "cross account without an identity policy", caller: dave, role: vendor, externalID: "tenant-7", code: warden.EAccessDenied},
		{name: "role that does not exist", caller: bob, role: "arn:aws:iam::" + accountA + ":role/nobody", code: warden.EAccessDenied,
			message: "User: " + bob + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::" + accountA + ":role/nobody"},
		{name: "root user", caller: warden.RootARN(accountA), role: delegated, code: warden.EAccessDenied,
			message: "Roles may not be assumed by root accounts."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s.AssumeRoleInput{RoleArn: tt.role, RoleSessionName: "s1"}
			if tt.externalID != "" {
				in.ExternalId = &tt.externalID
			}
			out, err := assumeRole(t, f, f.caller(t, tt.caller), in)
			if tt.code != "" {
				assertCode(t, err, tt.code, tt.message)
				return
			}
			mustOK(t, err)
			pp, err := f.store.PrincipalPolicies(t.Context(), tt.role)
			mustOK(t, err)
			wantARN := warden.AssumedRoleARN(accountA, pp.Principal.Name, "s1")
			if out.AssumedRoleUser.Arn != wantARN || out.AssumedRoleUser.AssumedRoleId != pp.Principal.ID+":s1" {
				t.Errorf("AssumedRoleUser = %+v, want %s", out.AssumedRoleUser, wantARN)
			}
			cr := out.Credentials
			if !warden.IsTemporaryAccessKeyID(cr.AccessKeyId) || len(cr.SecretAccessKey) != 40 || len(cr.SessionToken) < 64 {
				t.Errorf("credentials = %+v", cr)
			}
			if want := f.clock().Add(time.Hour); !cr.Expiration.Equal(want) {
				t.Errorf("expiration %v, want %v (the default hour)", cr.Expiration, want)
			}
			id, err := call[*s.GetCallerIdentityOutput](t, f, f.sessionCaller(t, cr.AccessKeyId), "GetCallerIdentity", &s.GetCallerIdentityInput{})
			mustOK(t, err)
			if *id.Arn != wantARN || *id.Account != accountA || *id.UserId != pp.Principal.ID+":s1" {
				t.Errorf("GetCallerIdentity = %s %s %s", *id.Arn, *id.Account, *id.UserId)
			}
			role, err := f.store.Role(t.Context(), accountA, pp.Principal.Name)
			mustOK(t, err)
			if role.LastUsed == nil || !role.LastUsed.Date.Equal(f.clock()) || role.LastUsed.Region != "us-east-1" {
				t.Errorf("RoleLastUsed = %+v", role.LastUsed)
			}
		})
	}
}

func TestAssumeRoleDuration(t *testing.T) {
	f := newFixture(t)
	bob := f.user(t, accountA, "bob", allow("sts:AssumeRole", "*"))
	everyone := trust(`{"AWS":"`+accountA+`"}`, `"sts:AssumeRole"`, "")
	first := f.role(t, accountA, "first", everyone, nil, allow("sts:AssumeRole", "*"))
	second := f.role(t, accountA, "second", everyone, nil)
	_, err := f.store.UpdateRole(t.Context(), accountA, "first", warden.UpdateRoleInput{MaxSessionDuration: new(7200)})
	mustOK(t, err)
	_, err = f.store.UpdateRole(t.Context(), accountA, "second", warden.UpdateRoleInput{MaxSessionDuration: new(7200)})
	mustOK(t, err)

	out, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: first, RoleSessionName: "long", DurationSeconds: new(int32(7200))})
	mustOK(t, err)
	if want := f.clock().Add(2 * time.Hour); !out.Credentials.Expiration.Equal(want) {
		t.Errorf("expiration %v, want %v", out.Credentials.Expiration, want)
	}
	_, err = assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: first, RoleSessionName: "longer", DurationSeconds: new(int32(7201))})
	assertCode(t, err, warden.EValidationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")

	chained := f.sessionCaller(t, out.Credentials.AccessKeyId)
	_, err = assumeRole(t, f, chained, &s.AssumeRoleInput{RoleArn: second, RoleSessionName: "hop", DurationSeconds: new(int32(3601))})
	assertCode(t, err, warden.EValidationError, "1 hour session limit for roles assumed by role chaining")
	hop, err := assumeRole(t, f, chained, &s.AssumeRoleInput{RoleArn: second, RoleSessionName: "hop"})
	mustOK(t, err)
	if want := f.clock().Add(time.Hour); !hop.Credentials.Expiration.Equal(want) {
		t.Errorf("chained expiration %v, want %v", hop.Credentials.Expiration, want)
	}
}

// A chain of roles: session tags become principal tags over the role's
// own, transitive ones follow the chain and cannot be overridden, the
// source identity is kept and cannot be changed, and each trust policy
// must allow tagging and setting the source identity.
func TestRoleChaining(t *testing.T) {
	f := newFixture(t)
	bob := f.user(t, accountA, "bob", allow("sts:*", "*"))
	full := trust(`{"AWS":"`+accountA+`"}`, `["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`, "")
	// The trust policies name the account, so the calling role's own
	// policy must allow each permission the chained request uses.
	first := f.role(t, accountA, "first", full, []warden.Tag{{Key: "team", Value: "role-tag"}}, allow("sts:*", "*"))
	second := f.role(t, accountA, "second", full, []warden.Tag{{Key: "dept", Value: "role-dept"}})
	noTags := f.role(t, accountA, "notags", trust(`{"AWS":"`+accountA+`"}`, `["sts:AssumeRole","sts:SetSourceIdentity"]`, ""), nil)
	noSource := f.role(t, accountA, "nosource", trust(`{"AWS":"`+accountA+`"}`, `["sts:AssumeRole","sts:TagSession"]`, ""), nil)

	out, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{
		RoleArn: first, RoleSessionName: "hop1", SourceIdentity: new("dr-jones"),
		Tags:              []s.Tag{{Key: "Team", Value: "cardiology"}, {Key: "shift", Value: "night"}},
		TransitiveTagKeys: []string{"team"},
	})
	mustOK(t, err)
	if out.SourceIdentity == nil || *out.SourceIdentity != "dr-jones" || out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
		t.Fatalf("AssumeRole output: SourceIdentity %v PackedPolicySize %v", out.SourceIdentity, out.PackedPolicySize)
	}
	hop1 := f.sessionCaller(t, out.Credentials.AccessKeyId)
	pp1, err := f.store.PrincipalPolicies(t.Context(), first)
	mustOK(t, err)
	for key, want := range map[string]string{"team": "cardiology", "shift": "night"} {
		if got, _ := principalTag(hop1, pp1, key); got != want {
			t.Errorf("first hop: aws:PrincipalTag/%s = %q, want %q (the session tag over the role tag)", key, got, want)
		}
	}
	if got, _ := contextKey(hop1, "aws:SourceIdentity"); got != "dr-jones" {
		t.Errorf("first hop: aws:SourceIdentity = %q", got)
	}

	t.Run("transitive tags and source identity follow the chain", func(t *testing.T) {
		out, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: second, RoleSessionName: "hop2"})
		mustOK(t, err)
		hop2 := f.sessionCaller(t, out.Credentials.AccessKeyId)
		pp2, err := f.store.PrincipalPolicies(t.Context(), second)
		mustOK(t, err)
		if got, _ := principalTag(hop2, pp2, "team"); got != "cardiology" {
			t.Errorf("aws:PrincipalTag/team = %q, want the transitive cardiology", got)
		}
		if got, ok := principalTag(hop2, pp2, "shift"); ok {
			t.Errorf("aws:PrincipalTag/shift = %q: a non-transitive tag was carried", got)
		}
		if got, _ := principalTag(hop2, pp2, "dept"); got != "role-dept" {
			t.Errorf("aws:PrincipalTag/dept = %q, want the role's own tag", got)
		}
		if got, _ := contextKey(hop2, "aws:SourceIdentity"); got != "dr-jones" {
			t.Errorf("aws:SourceIdentity = %q, want dr-jones kept", got)
		}
		if out.SourceIdentity == nil || *out.SourceIdentity != "dr-jones" {
			t.Errorf("output SourceIdentity = %v", out.SourceIdentity)
		}
	})
	t.Run("a transitive tag cannot be overridden", func(t *testing.T) {
		_, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: second, RoleSessionName: "hop2", Tags: []s.Tag{{Key: "TEAM", Value: "oncology"}}})
		assertCode(t, err, warden.EInvalidParameterValue, "transitive")
	})
	t.Run("the source identity cannot be changed", func(t *testing.T) {
		_, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: second, RoleSessionName: "hop2", SourceIdentity: new("dr-who")})
		assertCode(t, err, warden.EAccessDenied, "source identity")
	})
	t.Run("inherited tags need sts:TagSession", func(t *testing.T) {
		_, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: noTags, RoleSessionName: "hop2"})
		assertCode(t, err, warden.EAccessDenied, "sts:TagSession on resource: "+noTags)
	})
	t.Run("an inherited source identity needs sts:SetSourceIdentity", func(t *testing.T) {
		_, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: noSource, RoleSessionName: "hop2"})
		assertCode(t, err, warden.EAccessDenied, "sts:SetSourceIdentity on resource: "+noSource)
	})
	t.Run("transitive keys must name tags of the request", func(t *testing.T) {
		_, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: first, RoleSessionName: "x",
			Tags: []s.Tag{{Key: "a", Value: "1"}}, TransitiveTagKeys: []string{"b"}})
		assertCode(t, err, warden.EInvalidParameterValue, "transitive tag key b")
	})
	t.Run("duplicate tag keys differing in case", func(t *testing.T) {
		_, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: first, RoleSessionName: "x",
			Tags: []s.Tag{{Key: "a", Value: "1"}, {Key: "A", Value: "2"}}})
		assertCode(t, err, warden.EInvalidParameterValue, "Duplicate tag keys")
	})
}

func TestSessionPolicies(t *testing.T) {
	f := newFixture(t)
	bob := f.user(t, accountA, "bob", allow("sts:*", "*"))
	role := f.role(t, accountA, "reader", trust(`{"AWS":"`+accountA+`"}`, `"sts:AssumeRole"`, ""), nil,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers","iam:GetRole"],"Resource":"*"}]}`)
	narrowing, err := f.store.CreatePolicy(t.Context(), accountA, warden.CreatePolicyInput{Name: "only-roles", Document: allow("iam:GetRole", "*")})
	mustOK(t, err)
	user := "arn:aws:iam::" + accountA + ":user/bob"

	tests := []struct {
		name    string
		policy  string
		arns    []string
		allowed map[string]bool
	}{
		{name: "no session policy", allowed: map[string]bool{"iam:GetUser": true, "iam:ListUsers": true, "iam:GetRole": true}},
		{name: "inline session policy narrows", policy: allow("iam:GetUser", "*"),
			allowed: map[string]bool{"iam:GetUser": true, "iam:ListUsers": false, "iam:GetRole": false}},
		{name: "session policy cannot widen", policy: allow("iam:*", "*"),
			allowed: map[string]bool{"iam:GetUser": true, "iam:CreateUser": false}},
		{name: "managed session policy", arns: []string{narrowing.ARN},
			allowed: map[string]bool{"iam:GetRole": true, "iam:GetUser": false}},
		{name: "inline and managed together allow their union", policy: allow("iam:GetUser", "*"), arns: []string{narrowing.ARN},
			allowed: map[string]bool{"iam:GetRole": true, "iam:GetUser": true, "iam:ListUsers": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s"}
			if tt.policy != "" {
				in.Policy = &tt.policy
			}
			for _, arn := range tt.arns {
				in.PolicyArns = append(in.PolicyArns, s.PolicyDescriptorType{Arn: new(arn)})
			}
			out, err := assumeRole(t, f, f.caller(t, bob), in)
			mustOK(t, err)
			if (tt.policy != "" || len(tt.arns) > 0) != (out.PackedPolicySize != nil) {
				t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
			}
			c := f.sessionCaller(t, out.Credentials.AccessKeyId)
			for action, want := range tt.allowed {
				if got := f.allowed(t, c, action, user); got != want {
					t.Errorf("%s allowed = %v, want %v", action, got, want)
				}
			}
		})
	}
	t.Run("a denial names the session policy", func(t *testing.T) {
		out, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s", Policy: new(allow("iam:GetUser", "*"))})
		mustOK(t, err)
		c := f.sessionCaller(t, out.Credentials.AccessKeyId)
		d, err := f.az.Authorize(t.Context(), c, &authz.Call{Action: "iam:ListUsers", Resource: "*"})
		mustOK(t, err)
		want := "User: " + out.AssumedRoleUser.Arn + " is not authorized to perform: iam:ListUsers on resource: * because no session policy allows the iam:ListUsers action"
		if d.Allowed || d.Message != want {
			t.Errorf("decision %v %q, want %q", d.Allowed, d.Message, want)
		}
	})
	t.Run("malformed session policy", func(t *testing.T) {
		_, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s", Policy: new(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)})
		assertCode(t, err, warden.EMalformedPolicyDocument, "")
	})
	t.Run("unknown managed policy", func(t *testing.T) {
		_, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "s",
			PolicyArns: []s.PolicyDescriptorType{{Arn: new("arn:aws:iam::" + accountA + ":policy/missing")}}})
		assertCode(t, err, warden.EInvalidParameterValue, "policy/missing")
	})
	t.Run("packed policy too large", func(t *testing.T) {
		var tags []s.Tag
		for i := range 50 {
			tags = append(tags, s.Tag{Key: warden.NewUniqueID("K") + string(rune('a'+i%26)), Value: warden.NewSecretAccessKey() + warden.NewSecretAccessKey()})
		}
		rolePolicy := f.role(t, accountA, "tagged", trust(`{"AWS":"`+accountA+`"}`, `["sts:AssumeRole","sts:TagSession"]`, ""), nil)
		_, err := assumeRole(t, f, f.caller(t, bob), &s.AssumeRoleInput{RoleArn: rolePolicy, RoleSessionName: "s", Tags: tags})
		assertCode(t, err, warden.EPackedPolicyTooLarge, "Packed policy consumes")
	})
}
