package iamapi

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// ownCredentialsPolicy lets users manage their own credentials, as in the
// IAM User Guide's example "Allows IAM users to manage their own
// credentials".
const ownCredentialsPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["iam:*AccessKey*", "iam:*LoginProfile", "iam:*MFADevice", "iam:ListMFADevices"],
    "Resource": "arn:aws:iam::*:user/${aws:username}"
  }]
}`

func (f *identityFixture) createAccessKey(t testing.TB, c *authz.Caller, userName string) s.AccessKey {
	t.Helper()
	in := &s.CreateAccessKeyInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	out, err := identityCall[*s.CreateAccessKeyOutput](t, f, c, "CreateAccessKey", in)
	mustOK(t, err)
	return out.AccessKey
}

func (f *identityFixture) accessKeyIDs(t testing.TB, c *authz.Caller, userName string) []string {
	t.Helper()
	in := &s.ListAccessKeysInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	out, err := identityCall[*s.ListAccessKeysOutput](t, f, c, "ListAccessKeys", in)
	mustOK(t, err)
	var ids []string
	for _, k := range out.AccessKeyMetadata {
		ids = append(ids, *k.AccessKeyId+" "+string(*k.Status))
	}
	return ids
}

func TestAccessKeyLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	f.user(t, "alice")
	first := f.createAccessKey(t, f.root, "ALICE")
	if first.UserName != "alice" || !strings.HasPrefix(first.AccessKeyId, "AKIA") || len(first.AccessKeyId) != 20 ||
		len(first.SecretAccessKey) != 40 || first.Status != s.StatusTypeActive || first.CreateDate.IsZero() {
		t.Errorf("CreateAccessKey = %+v", first)
	}
	second := f.createAccessKey(t, f.root, "alice")
	_, err := identityCall[*s.CreateAccessKeyOutput](t, f, f.root, "CreateAccessKey", &s.CreateAccessKeyInput{UserName: aws.String("alice")})
	assertAWSError(t, err, warden.ELimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = identityCall[*s.CreateAccessKeyOutput](t, f, f.root, "CreateAccessKey", &s.CreateAccessKeyInput{UserName: aws.String("nobody")})
	assertAWSError(t, err, warden.ENoSuchEntity, "The user with name nobody cannot be found.")

	if got, want := f.accessKeyIDs(t, f.root, "alice"), []string{first.AccessKeyId + " Active", second.AccessKeyId + " Active"}; !slices.Equal(got, want) {
		t.Errorf("ListAccessKeys = %v, want %v", got, want)
	}

	mustOK(t, f.run(t, f.root, "UpdateAccessKey", &s.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: first.AccessKeyId, Status: s.StatusTypeInactive}))
	if got, want := f.accessKeyIDs(t, f.root, "alice"), []string{first.AccessKeyId + " Inactive", second.AccessKeyId + " Active"}; !slices.Equal(got, want) {
		t.Errorf("after UpdateAccessKey: %v, want %v", got, want)
	}
	key, _, err := f.store.AccessKey(t.Context(), first.AccessKeyId)
	mustOK(t, err)
	if key.Status != warden.AccessKeyInactive || key.SecretAccessKey != first.SecretAccessKey {
		t.Errorf("request path sees %s key with secret kept %v", key.Status, key.SecretAccessKey == first.SecretAccessKey)
	}

	for _, tt := range []struct {
		name    string
		op      string
		in      awsquery.Input
		code    string
		message string
	}{
		{"update a key of another user", "UpdateAccessKey", &s.UpdateAccessKeyInput{AccessKeyId: first.AccessKeyId, Status: s.StatusTypeActive},
			warden.ENoSuchEntity, "The Access Key with id " + first.AccessKeyId + " cannot be found."},
		{"update to an unknown status", "UpdateAccessKey", &s.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: first.AccessKeyId, Status: "Revoked"},
			warden.EValidationError, ""},
		{"delete an unknown key", "DeleteAccessKey", &s.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: "AKIAXXXXXXXXXXXXXXXX"},
			warden.ENoSuchEntity, "The Access Key with id AKIAXXXXXXXXXXXXXXXX cannot be found."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assertAWSError(t, f.run(t, f.root, tt.op, tt.in), tt.code, tt.message)
		})
	}

	mustOK(t, f.run(t, f.root, "DeleteAccessKey", &s.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: first.AccessKeyId}))
	if got, want := f.accessKeyIDs(t, f.root, "alice"), []string{second.AccessKeyId + " Active"}; !slices.Equal(got, want) {
		t.Errorf("after DeleteAccessKey: %v, want %v", got, want)
	}
	if _, _, err := f.store.AccessKey(t.Context(), first.AccessKeyId); warden.ErrorCode(err) != warden.ENoSuchEntity {
		t.Errorf("deleted key still signs: %v", err)
	}
}

func TestAccessKeysOfTheCaller(t *testing.T) {
	f := newIdentityFixture(t)
	bob := f.user(t, "bob")
	f.allow(t, "bob", ownCredentialsPolicy)
	f.user(t, "alice")

	own := f.createAccessKey(t, bob, "")
	if own.UserName != "bob" {
		t.Errorf("bob's own key belongs to %q", own.UserName)
	}
	if got := f.accessKeyIDs(t, bob, ""); !slices.Equal(got, []string{own.AccessKeyId + " Active"}) {
		t.Errorf("bob lists %v", got)
	}
	mustOK(t, f.run(t, bob, "UpdateAccessKey", &s.UpdateAccessKeyInput{AccessKeyId: own.AccessKeyId, Status: s.StatusTypeInactive}))
	_, err := identityCall[*s.CreateAccessKeyOutput](t, f, bob, "CreateAccessKey", &s.CreateAccessKeyInput{UserName: aws.String("alice")})
	assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:CreateAccessKey on resource: arn:aws:iam::123456789012:user/alice")

	// The root user's keys are the account's own: the bootstrap key and
	// one more reach the quota.
	rootKey := f.createAccessKey(t, f.root, "")
	if rootKey.UserName != "" {
		t.Errorf("root key belongs to user %q", rootKey.UserName)
	}
	if got := f.accessKeyIDs(t, f.root, ""); len(got) != 2 || !slices.Contains(got, rootKey.AccessKeyId+" Active") {
		t.Errorf("root lists %v", got)
	}
	_, err = identityCall[*s.CreateAccessKeyOutput](t, f, f.root, "CreateAccessKey", &s.CreateAccessKeyInput{})
	assertAWSError(t, err, warden.ELimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")

	_, err = f.store.CreateRole(t.Context(), identityTestAccount, warden.CreateRoleInput{Name: "Agent", AssumeRolePolicyDocument: agentTrust})
	mustOK(t, err)
	role := f.caller(t, "arn:aws:iam::123456789012:role/Agent")
	_, err = identityCall[*s.CreateAccessKeyOutput](t, f, role, "CreateAccessKey", &s.CreateAccessKeyInput{})
	assertAWSError(t, err, warden.EValidationError, "Must specify userName when calling with non-User credentials")
}

func TestGetAccessKeyLastUsed(t *testing.T) {
	f := newIdentityFixture(t)
	bob := f.user(t, "bob")
	f.allow(t, "bob", ownCredentialsPolicy)
	f.user(t, "alice")
	bobKey := f.createAccessKey(t, f.root, "bob")
	aliceKey := f.createAccessKey(t, f.root, "alice")

	out, err := identityCall[*s.GetAccessKeyLastUsedOutput](t, f, bob, "GetAccessKeyLastUsed", &s.GetAccessKeyLastUsedInput{AccessKeyId: bobKey.AccessKeyId})
	mustOK(t, err)
	if aws.ToString(out.UserName) != "bob" || out.AccessKeyLastUsed.LastUsedDate != nil ||
		out.AccessKeyLastUsed.ServiceName != "N/A" || out.AccessKeyLastUsed.Region != "N/A" {
		t.Errorf("never used: %+v %+v", out, out.AccessKeyLastUsed)
	}

	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	mustOK(t, f.store.RecordAccessKeyUse(t.Context(), bobKey.AccessKeyId, "iam", "eu-west-1", at))
	out, err = identityCall[*s.GetAccessKeyLastUsedOutput](t, f, bob, "GetAccessKeyLastUsed", &s.GetAccessKeyLastUsedInput{AccessKeyId: bobKey.AccessKeyId})
	mustOK(t, err)
	if used := out.AccessKeyLastUsed; used.LastUsedDate == nil || !used.LastUsedDate.Equal(at) || used.ServiceName != "iam" || used.Region != "eu-west-1" {
		t.Errorf("after use: %+v", used)
	}

	for _, tt := range []struct {
		name   string
		caller *authz.Caller
		key    string
		code   string
	}{
		{"another user's key", bob, aliceKey.AccessKeyId, warden.EAccessDenied},
		{"an unknown key, asked by a user allowed only their own", bob, "AKIAXXXXXXXXXXXXXXXX", warden.EAccessDenied},
		{"an unknown key, asked by root", f.root, "AKIAXXXXXXXXXXXXXXXX", warden.ENoSuchEntity},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := identityCall[*s.GetAccessKeyLastUsedOutput](t, f, tt.caller, "GetAccessKeyLastUsed", &s.GetAccessKeyLastUsedInput{AccessKeyId: tt.key})
			assertAWSError(t, err, tt.code, "")
		})
	}
}
