package stsapi

import (
	"testing"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

const testIdentityStoreARN = "arn:aws:identitystore::111111111111:identitystore/d-1234567890"

// recordsPolicy lets a session read the records of its own Identity
// Center user only.
const recordsPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::records/${identitystore:UserId}/*"}]}`

// An identity-enhanced session that assumes another role: the keys its
// context set decide its own requests, AssumeRole included, but the
// chained session gets them only by presenting the assertion again, under
// the next role's sts:SetContext.
func TestProvidedContextsRoleChaining(t *testing.T) {
	f := newFixture(t)
	user := f.user(t, accountA, "webapp", allow("sts:AssumeRole", "*"))
	first := f.role(t, accountA, "clinician", trust(`{"AWS":"`+user+`"}`, `["sts:AssumeRole","sts:SetContext"]`, ""), nil,
		allow("sts:*", "*"), recordsPolicy)
	// The next roles trust the account, so the first role's own policy
	// must allow what the chained request uses.
	records := f.role(t, accountA, "records", trust(`{"AWS":"`+accountA+`"}`, `["sts:AssumeRole","sts:SetContext"]`, ""), nil, recordsPolicy)
	noContext := f.role(t, accountA, "nocontext", trust(`{"AWS":"`+accountA+`"}`, `"sts:AssumeRole"`, ""), nil, recordsPolicy)
	ownUser := f.role(t, accountA, "ownuser", trust(`{"AWS":"`+accountA+`"}`, `"sts:AssumeRole"`,
		`{"StringEquals":{"identitystore:UserId":"`+testUserID+`"}}`), nil)

	assertion, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: testUserID, IdentityStoreARN: testIdentityStoreARN, IssuedAt: f.clock()})
	mustOK(t, err)
	out, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: first, RoleSessionName: "hop1",
		ProvidedContexts: providedContext(IdentityCenterContextProvider, assertion)})
	mustOK(t, err)
	hop1 := f.sessionCaller(t, out.Credentials.AccessKeyId)
	plainOut, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: first, RoleSessionName: "plain"})
	mustOK(t, err)
	plain := f.sessionCaller(t, plainOut.Credentials.AccessKeyId)

	ownRecord := "arn:aws:s3:::records/" + testUserID + "/chart.json"
	hasContext := func(t *testing.T, out *s.AssumeRoleOutput, want bool) {
		t.Helper()
		sess := f.sessionCaller(t, out.Credentials.AccessKeyId)
		for key, value := range map[string]string{KeyIdentityStoreUserID: testUserID, KeyIdentityStoreARN: testIdentityStoreARN} {
			got, ok := contextKey(sess, key)
			switch {
			case want && got != value:
				t.Errorf("%s = %q, want %q", key, got, value)
			case !want && ok:
				t.Errorf("%s = %q: the chained session has the context of the session that assumed it", key, got)
			}
		}
		if got := f.allowed(t, sess, "s3:GetObject", ownRecord); got != want {
			t.Errorf("reading the user's own records allowed = %v, want %v", got, want)
		}
	}

	t.Run("the context decides the calling session's AssumeRole", func(t *testing.T) {
		_, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: ownUser, RoleSessionName: "hop2"})
		mustOK(t, err)
		_, err = assumeRole(t, f, plain, &s.AssumeRoleInput{RoleArn: ownUser, RoleSessionName: "hop2"})
		assertCode(t, err, warden.EAccessDenied, "sts:AssumeRole on resource: "+ownUser)
	})
	t.Run("not carried to the chained session", func(t *testing.T) {
		out, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: records, RoleSessionName: "hop2"})
		mustOK(t, err)
		hasContext(t, out, false)
	})
	t.Run("presented again", func(t *testing.T) {
		out, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: records, RoleSessionName: "hop2",
			ProvidedContexts: providedContext(IdentityCenterContextProvider, assertion)})
		mustOK(t, err)
		hasContext(t, out, true)
	})
	t.Run("presented again needs the next role's sts:SetContext", func(t *testing.T) {
		_, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: noContext, RoleSessionName: "hop2",
			ProvidedContexts: providedContext(IdentityCenterContextProvider, assertion)})
		assertCode(t, err, warden.EAccessDenied, "sts:SetContext on resource: "+noContext)
		// Without the assertion the role is assumed, and without context.
		out, err := assumeRole(t, f, hop1, &s.AssumeRoleInput{RoleArn: noContext, RoleSessionName: "hop2"})
		mustOK(t, err)
		hasContext(t, out, false)
	})
}

// PackedPolicySize measures session policies and tags only: a provided
// context neither adds to it nor makes it appear.
func TestProvidedContextsPackedSize(t *testing.T) {
	f := newFixture(t)
	user := f.user(t, accountA, "webapp", allow("sts:AssumeRole", "*"))
	role := f.role(t, accountA, "clinician", trust(`{"AWS":"`+user+`"}`, `["sts:AssumeRole","sts:SetContext","sts:TagSession"]`, ""), nil, recordsPolicy)
	assertion, err := MintIdentityCenterContext(f.store, IdentityCenterContext{UserID: testUserID, IdentityStoreARN: testIdentityStoreARN, IssuedAt: f.clock()})
	mustOK(t, err)
	contexts := providedContext(IdentityCenterContextProvider, assertion)
	tags := []s.Tag{{Key: "team", Value: "cardiology"}, {Key: "shift", Value: "night"}}

	out, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "ctx", ProvidedContexts: contexts})
	mustOK(t, err)
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize = %d for a request with a provided context and no session policies or tags; want none", *out.PackedPolicySize)
	}

	withoutContext, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "tags", Tags: tags})
	mustOK(t, err)
	withContext, err := assumeRole(t, f, f.caller(t, user), &s.AssumeRoleInput{RoleArn: role, RoleSessionName: "both", Tags: tags, ProvidedContexts: contexts})
	mustOK(t, err)
	if withoutContext.PackedPolicySize == nil || withContext.PackedPolicySize == nil || *withoutContext.PackedPolicySize <= 0 {
		t.Fatalf("PackedPolicySize = %v without a context, %v with one; want a positive size both times", withoutContext.PackedPolicySize, withContext.PackedPolicySize)
	}
	if *withContext.PackedPolicySize != *withoutContext.PackedPolicySize {
		t.Errorf("PackedPolicySize = %d with a provided context, %d without; the context must not count", *withContext.PackedPolicySize, *withoutContext.PackedPolicySize)
	}
}
