package authz

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// fakeSource answers PrincipalPolicies from a map; replacing an entry is
// how a store signals that a write changed the answer.
type fakeSource struct {
	policies map[string]*warden.PrincipalPolicies
	calls    int
}

func (f *fakeSource) AccessKey(context.Context, string) (*warden.AccessKey, *warden.Principal, error) {
	return nil, nil, warden.Errorf(warden.ENoSuchEntity, "no keys here")
}

func (f *fakeSource) PrincipalPolicies(_ context.Context, arn string) (*warden.PrincipalPolicies, error) {
	f.calls++
	pp, ok := f.policies[arn]
	if !ok {
		return nil, warden.Errorf(warden.ENoSuchEntity, "no principal %s", arn)
	}
	return pp, nil
}

var alice = &warden.Principal{Kind: warden.PrincipalUser, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice", ID: "AIDAEXAMPLEALICE0001", Name: "alice", Path: "/"}

func aliceWith(docs ...string) *warden.PrincipalPolicies {
	pp := &warden.PrincipalPolicies{Principal: *alice, Tags: []warden.Tag{{Key: "team", Value: "care"}}}
	for i, d := range docs {
		pp.Policies = append(pp.Policies, warden.IdentityPolicy{Name: "p" + string(rune('0'+i)), AttachedTo: alice.ARN, Document: d})
	}
	return pp
}

func caller() *Caller {
	return &Caller{Principal: alice, SourceIP: "203.0.113.7", Region: "us-east-1", Time: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
}

func TestAuthorizeUsesGlobalKeys(t *testing.T) {
	src := &fakeSource{policies: map[string]*warden.PrincipalPolicies{alice.ARN: aliceWith(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}",
		"Condition":{"StringEquals":{"aws:PrincipalTag/team":"care","aws:PrincipalType":"User","aws:RequestedRegion":"us-east-1","aws:userid":"AIDAEXAMPLEALICE0001"},
		"IpAddress":{"aws:SourceIp":"203.0.113.0/24"},"Bool":{"aws:SecureTransport":"false"},"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}}`)}}
	a := New(src)
	d, err := a.Authorize(t.Context(), caller(), &Call{Action: "iam:GetUser", Resource: alice.ARN})
	if err != nil || !d.Allowed {
		t.Fatalf("own user: %+v, %v", d, err)
	}
	d, err = a.Authorize(t.Context(), caller(), &Call{Action: "iam:GetUser", Resource: "arn:aws:iam::111122223333:user/bob"})
	if err != nil || d.Allowed {
		t.Fatalf("other user allowed: %+v, %v", d, err)
	}
	want := "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:GetUser on resource: arn:aws:iam::111122223333:user/bob because no identity-based policy allows the iam:GetUser action"
	if d.Message != want {
		t.Errorf("message\n got %s\nwant %s", d.Message, want)
	}
	err = d.Err()
	if warden.ErrorCode(err) != warden.EAccessDenied || warden.ErrorMessage(err) != want {
		t.Errorf("Err() = %v", err)
	}
	if d, ok := errors.AsType[*Denied](err); !ok || d.Explanation == nil {
		t.Error("the AccessDenied error does not carry the explanation")
	}
}

func TestRequestTagsAndKeys(t *testing.T) {
	req := Request(caller(), aliceWith(), &Call{
		Action: "iam:TagUser", Resource: alice.ARN,
		RequestTags:  []warden.Tag{{Key: "team", Value: "care"}, {Key: "cost", Value: "42"}},
		ResourceTags: []warden.Tag{{Key: "Dept", Value: "Test"}},
		Keys:         map[string]string{"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
	})
	check := func(key string, want ...string) {
		t.Helper()
		v, ok := req.Context.Get(key)
		if !ok || strings.Join(v.Values, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %v (present %v), want %v", key, v.Values, ok, want)
		}
	}
	check("aws:RequestTag/team", "care")
	check("aws:TagKeys", "team", "cost")
	check("aws:ResourceTag/dept", "Test")
	check("iam:PermissionsBoundary", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	check("aws:username", "alice")
	check("aws:PrincipalArn", alice.ARN)
	check("aws:EpochTime", "1795348800")
	if v, _ := req.Context.Get("aws:TagKeys"); !v.Multi {
		t.Error("aws:TagKeys must be multivalued")
	}
	if _, ok := req.Context.Get("aws:MultiFactorAuthPresent"); ok {
		t.Error("long-term keys carry no aws:MultiFactorAuthPresent")
	}
	root := &Caller{Principal: &warden.Principal{Kind: warden.PrincipalRoot, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:root", ID: "111122223333"}}
	rreq := Request(root, nil, &Call{Action: "iam:CreateUser"})
	if v, _ := rreq.Context.Get("aws:PrincipalType"); v.Values[0] != "Account" || rreq.Principal.Type != policy.PrincipalRoot || rreq.Resource != "*" {
		t.Errorf("root request: %+v", rreq)
	}
	if _, ok := rreq.Context.Get("aws:username"); ok {
		t.Error("the root user has no aws:username")
	}
}

// TestCompiledPoliciesFollowTheStore checks that compiled policies are
// reused while the store returns the same answer and rebuilt when it changes.
func TestCompiledPoliciesFollowTheStore(t *testing.T) {
	allow := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}}`
	src := &fakeSource{policies: map[string]*warden.PrincipalPolicies{alice.ARN: aliceWith(allow)}}
	a := New(src)
	call := &Call{Action: "iam:ListUsers", Resource: "*"}
	for range 3 {
		if d, _ := a.Authorize(t.Context(), caller(), call); !d.Allowed {
			t.Fatal("denied")
		}
	}
	first := a.cache[alice.ARN]
	src.policies[alice.ARN] = aliceWith() // a write removed the policy
	if d, _ := a.Authorize(t.Context(), caller(), call); d.Allowed {
		t.Fatal("allowed after the policy was removed")
	}
	if a.cache[alice.ARN] == first {
		t.Error("the compiled policies were not rebuilt")
	}
}

func TestBrokenStoredPolicyFailsClosed(t *testing.T) {
	src := &fakeSource{policies: map[string]*warden.PrincipalPolicies{alice.ARN: aliceWith(`{"Statement":`)}}
	_, err := New(src).Authorize(t.Context(), caller(), &Call{Action: "iam:ListUsers"})
	if warden.ErrorCode(err) != warden.EServiceFailure {
		t.Fatalf("err = %v, want ServiceFailure", err)
	}
	if strings.Contains(warden.ErrorMessage(err), "Statement") {
		t.Error("the client message leaks the stored document")
	}
}
