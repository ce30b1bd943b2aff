package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Managed policies, access keys, login profiles, virtual MFA devices and
// the account, end to end: the scenarios through the SDK against
// `warden serve`, and the credential and policy operations people script
// through the aws CLI.

// totpCodeAt is RFC 6238 (HMAC-SHA1, 30-second steps) as an authenticator
// app computes it, written here apart from the server's own.
func totpCodeAt(seed []byte, at time.Time, digits int) string {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, seed)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	offset := sum[19] & 0x0f
	code := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, code%mod)
}

// TestE2ETOTPMatchesRFC6238 checks the tests' authenticator against RFC
// 6238 Appendix B (SHA-1).
func TestE2ETOTPMatchesRFC6238(t *testing.T) {
	seed := []byte("12345678901234567890")
	for unix, want := range map[int64]string{
		59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130",
	} {
		if got := totpCodeAt(seed, time.Unix(unix, 0), 8); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

// putUserPolicy gives a user an inline policy, as root.
func putUserPolicy(t *testing.T, ts *testServer, user, name, document string) {
	t.Helper()
	if _, err := ts.iam(ts.Root).PutUserPolicy(t.Context(), &iam.PutUserPolicyInput{
		UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(document),
	}); err != nil {
		t.Fatalf("PutUserPolicy %s for %s: %v", name, user, err)
	}
}

// identityDoc is an identity policy allowing actions on everything.
func identityDoc(actions ...string) string {
	list, _ := json.Marshal(actions)
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + string(list) + `,"Resource":"*"}]}`
}

// TestE2EPolicyTagConditions: bob may create managed policies only tagged
// team=care (aws:RequestTag, aws:TagKeys) and change only policies already
// tagged so (aws:ResourceTag), IAM's own tagged resources standing in for
// any service's.
func TestE2EPolicyTagConditions(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)
	createUsers(t, ts, "bob")
	putUserPolicy(t, ts, "bob", "CareTags", `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": "iam:CreatePolicy", "Resource": "*",
	     "Condition": {"StringEquals": {"aws:RequestTag/team": "care"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}},
	    {"Effect": "Allow", "Action": ["iam:TagPolicy", "iam:CreatePolicyVersion"], "Resource": "*",
	     "Condition": {"StringEquals": {"aws:ResourceTag/team": "care"}}}
	  ]
	}`)
	bob := ts.iam(userCredentials(t, ts, "bob"))

	for _, tt := range []struct {
		name    string
		tags    []types.Tag
		allowed bool
	}{
		{"BobCare", []types.Tag{{Key: aws.String("team"), Value: aws.String("care")}}, true},
		{"BobBilling", []types.Tag{{Key: aws.String("team"), Value: aws.String("billing")}}, false},
		{"BobUntagged", nil, false},
		{"BobExtraKey", []types.Tag{{Key: aws.String("team"), Value: aws.String("care")}, {Key: aws.String("cost"), Value: aws.String("7")}}, false},
	} {
		t.Run("create "+tt.name, func(t *testing.T) {
			_, err := bob.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(tt.name), PolicyDocument: aws.String(identityDoc("iam:GetUser")), Tags: tt.tags})
			if tt.allowed {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			resource := "arn:aws:iam::" + acct + ":policy/" + tt.name
			wantAPIError(t, err, "AccessDenied", denied(acct, "bob", "iam:CreatePolicy", resource, "because no identity-based policy allows the iam:CreatePolicy action"))
		})
	}

	tagged := map[string]string{}
	for _, team := range []string{"care", "billing"} {
		out, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Team-" + team), PolicyDocument: aws.String(identityDoc("iam:GetUser")),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String(team)}}})
		if err != nil {
			t.Fatal(err)
		}
		tagged[team] = aws.ToString(out.Policy.Arn)
	}
	for _, tt := range []struct {
		team    string
		allowed bool
	}{{"care", true}, {"billing", false}} {
		t.Run("update a policy tagged team="+tt.team, func(t *testing.T) {
			arn := tagged[tt.team]
			_, tagErr := bob.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("reviewed"), Value: aws.String("yes")}}})
			_, versionErr := bob.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(identityDoc("iam:ListUsers"))})
			for action, err := range map[string]error{"iam:TagPolicy": tagErr, "iam:CreatePolicyVersion": versionErr} {
				if tt.allowed {
					if err != nil {
						t.Errorf("%s: %v", action, err)
					}
					continue
				}
				wantAPIError(t, err, "AccessDenied", denied(acct, "bob", action, arn, "because no identity-based policy allows the "+action+" action"))
			}
		})
	}
}

// TestE2EMFAConditionOnLongTermKeys: long-term access keys carry no
// aws:MultiFactorAuthPresent, so BoolIfExists … "false" matches them (the
// key is absent) and plain Bool does not. Sessions that carry the key come
// with STS.
func TestE2EMFAConditionOnLongTermKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	createUsers(t, ts, "dana", "leaver1", "leaver2")
	const mfaDeny = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": "iam:DeleteUser", "Resource": "*"},
	    {"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*", "Condition": {"%s": {"aws:MultiFactorAuthPresent": "false"}}}
	  ]
	}`
	putUserPolicy(t, ts, "dana", "RequireMFA", fmt.Sprintf(mfaDeny, "BoolIfExists"))
	dana := ts.iam(userCredentials(t, ts, "dana"))
	_, err := dana.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("leaver1")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "dana", "iam:DeleteUser", "arn:aws:iam::"+acct+":user/leaver1",
		"with an explicit deny in an identity-based policy"))

	putUserPolicy(t, ts, "dana", "RequireMFA", fmt.Sprintf(mfaDeny, "Bool"))
	if _, err := dana.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("leaver2")}); err != nil {
		t.Fatalf("plain Bool denied a request without the key: %v", err)
	}
}

// TestE2EAccessKeyLifecycle: the quota of two keys, an inactive key and a
// deleted key refused at the signature, last use recorded, through the SDK
// and the aws CLI.
func TestE2EAccessKeyLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	root := ts.iam(ts.Root)
	createUsers(t, ts, "erin")
	putUserPolicy(t, ts, "erin", "OwnKeys", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`)

	first := userCredentials(t, ts, "erin")
	stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "create-access-key", "--user-name", "erin")
	if err != nil {
		t.Fatalf("create-access-key: %v\n%s", err, stderr)
	}
	var created struct {
		AccessKey struct{ UserName, AccessKeyId, Status, SecretAccessKey string }
	}
	if err := json.Unmarshal([]byte(stdout), &created); err != nil {
		t.Fatalf("create-access-key output: %v\n%s", err, stdout)
	}
	if k := created.AccessKey; k.UserName != "erin" || k.Status != "Active" || !strings.HasPrefix(k.AccessKeyId, "AKIA") || len(k.SecretAccessKey) != 40 {
		t.Errorf("create-access-key = %+v", k)
	}
	second := aws.Credentials{AccessKeyID: created.AccessKey.AccessKeyId, SecretAccessKey: created.AccessKey.SecretAccessKey}

	_, err = root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")})
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	_, stderr, err = ts.awsCLI(t, ts.Root, "iam", "create-access-key", "--user-name", "erin")
	if err == nil || !strings.Contains(stderr, "LimitExceeded") || !strings.Contains(stderr, "Cannot exceed quota for AccessKeysPerUser: 2") {
		t.Errorf("third key through the CLI: %v\n%s", err, stderr)
	}

	// erin signs with her own key and lists her keys without naming
	// herself.
	erin := ts.iam(first)
	listed, err := erin.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.AccessKeyMetadata) != 2 || aws.ToString(listed.AccessKeyMetadata[0].AccessKeyId) != first.AccessKeyID ||
		aws.ToString(listed.AccessKeyMetadata[1].AccessKeyId) != second.AccessKeyID {
		t.Errorf("ListAccessKeys = %+v", listed.AccessKeyMetadata)
	}
	stdout, stderr, err = ts.awsCLI(t, second, "iam", "list-access-keys")
	if err != nil {
		t.Fatalf("list-access-keys: %v\n%s", err, stderr)
	}
	for _, want := range []string{`"UserName": "erin"`, `"AccessKeyId": "` + first.AccessKeyID + `"`, `"AccessKeyId": "` + second.AccessKeyID + `"`, `"Status": "Active"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("list-access-keys lacks %s:\n%s", want, stdout)
		}
	}

	t.Run("last use is recorded", func(t *testing.T) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			out, err := root.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(first.AccessKeyID)})
			if err != nil {
				t.Fatal(err)
			}
			if used := out.AccessKeyLastUsed; used.LastUsedDate != nil {
				if aws.ToString(out.UserName) != "erin" || aws.ToString(used.ServiceName) != "iam" || aws.ToString(used.Region) != "us-east-1" {
					t.Errorf("GetAccessKeyLastUsed = %s %+v", aws.ToString(out.UserName), used)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("last use not recorded: %+v", out.AccessKeyLastUsed)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})

	if _, err := root.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String(first.AccessKeyID), Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = erin.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.")
	_, stderr, err = ts.awsCLI(t, first, "iam", "list-access-keys")
	if err == nil || !strings.Contains(stderr, "InvalidClientTokenId") {
		t.Errorf("inactive key through the CLI: %v\n%s", err, stderr)
	}
	if _, err := ts.iam(second).UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(first.AccessKeyID), Status: types.StatusTypeActive}); err != nil {
		t.Fatalf("erin reactivates her key: %v", err)
	}
	if _, err := erin.ListAccessKeys(ctx, &iam.ListAccessKeysInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}

	if _, err := root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String(first.AccessKeyID)}); err != nil {
		t.Fatal(err)
	}
	_, err = erin.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.")
	_, err = root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String(first.AccessKeyID)})
	wantAPIError(t, err, "NoSuchEntity", "The Access Key with id "+first.AccessKeyID+" cannot be found.")
}

// policyWithEncodableText is a policy whose text changes under URL
// encoding: spaces, quotes, a policy variable, and characters that are
// special in queries or outside ASCII.
const policyWithEncodableText = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "OwnKeysOffTheKiosk",
    "Effect": "Allow",
    "Action": ["iam:ListAccessKeys", "iam:GetUser"],
    "Resource": "arn:aws:iam::*:user/${aws:username}",
    "Condition": {"StringNotLike": {"aws:UserAgent": "kiosk app/1.0 (a+b=c&d?e%f) café*"}}
  }]
}`

// TestE2EManagedPolicies: a policy's documents round-trip exactly through
// IAM's URL encoding, its versions are bounded, and the account-wide views
// list it.
func TestE2EManagedPolicies(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)

	stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "create-policy", "--policy-name", "OwnKeys", "--path", "/clinic/",
		"--policy-document", policyWithEncodableText, "--description", "Keys of the caller")
	if err != nil {
		t.Fatalf("create-policy: %v\n%s", err, stderr)
	}
	var created struct {
		Policy struct{ Arn, DefaultVersionId string }
	}
	if err := json.Unmarshal([]byte(stdout), &created); err != nil {
		t.Fatal(err)
	}
	arn := created.Policy.Arn
	if arn != "arn:aws:iam::"+acct+":policy/clinic/OwnKeys" || created.Policy.DefaultVersionId != "v1" {
		t.Fatalf("create-policy = %s", stdout)
	}

	t.Run("the document round-trips through the CLI", func(t *testing.T) {
		stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")
		if err != nil {
			t.Fatalf("get-policy-version: %v\n%s", err, stderr)
		}
		// The CLI URL-decodes the document and parses it as JSON.
		var got struct{ PolicyVersion struct{ Document any } }
		var want any
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(policyWithEncodableText), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.PolicyVersion.Document, want) {
			t.Errorf("document %v, want %v", got.PolicyVersion.Document, want)
		}
	})
	t.Run("the document round-trips through the SDK", func(t *testing.T) {
		out, err := root.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
		if err != nil {
			t.Fatal(err)
		}
		encoded := aws.ToString(out.PolicyVersion.Document)
		decoded, err := url.QueryUnescape(encoded)
		if err != nil || decoded != policyWithEncodableText || strings.ContainsAny(encoded, ` "{`) {
			t.Errorf("document on the wire %q decodes to %q (%v)", encoded, decoded, err)
		}
	})

	for i := 2; i <= 5; i++ {
		if _, err := root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
			PolicyDocument: aws.String(identityDoc(fmt.Sprintf("iam:GetGroup%d", i))), SetAsDefault: i == 5}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(identityDoc("iam:GetRole"))})
	wantAPIError(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	_, err = root.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, err, "DeleteConflict", "")
	if _, err := root.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	versions, err := root.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(versions.Versions) != 5 || aws.ToString(versions.Versions[0].VersionId) != "v5" || !versions.Versions[4].IsDefaultVersion {
		t.Errorf("ListPolicyVersions = %+v", versions.Versions)
	}

	createUsers(t, ts, "fay")
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("fay"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	// The attached policy now governs fay: its default version, v1, lets
	// her list her own keys.
	if _, err := ts.iam(userCredentials(t, ts, "fay")).ListAccessKeys(ctx, &iam.ListAccessKeysInput{}); err != nil {
		t.Errorf("fay under v1: %v", err)
	}
	entities, err := root.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(entities.PolicyUsers) != 1 || aws.ToString(entities.PolicyUsers[0].UserName) != "fay" || len(entities.PolicyGroups) != 0 {
		t.Errorf("ListEntitiesForPolicy = %+v", entities)
	}

	t.Run("AWS managed policies list with scope AWS", func(t *testing.T) {
		out, err := root.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/job-function/")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Policies) == 0 {
			t.Fatal("no AWS managed policies under /job-function/")
		}
		for _, p := range out.Policies {
			if !strings.HasPrefix(aws.ToString(p.Arn), "arn:aws:iam::aws:policy/job-function/") || !p.IsAttachable {
				t.Errorf("listed %+v", p)
			}
		}
		local, err := root.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
		if err != nil {
			t.Fatal(err)
		}
		if len(local.Policies) != 1 || aws.ToString(local.Policies[0].Arn) != arn || aws.ToInt32(local.Policies[0].AttachmentCount) != 1 {
			t.Errorf("local policies %+v", local.Policies)
		}
	})

	t.Run("GetAccountAuthorizationDetails pages through everything", func(t *testing.T) {
		var names []string
		in := &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1)}
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("too many pages")
			}
			out, err := root.GetAccountAuthorizationDetails(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.UserDetailList {
				names = append(names, "user "+aws.ToString(u.UserName))
				if len(u.AttachedManagedPolicies) != 1 || aws.ToString(u.AttachedManagedPolicies[0].PolicyArn) != arn {
					t.Errorf("user detail %+v", u)
				}
			}
			for _, p := range out.Policies {
				names = append(names, "policy "+aws.ToString(p.PolicyName))
				if len(p.PolicyVersionList) != 5 {
					t.Errorf("policy detail lists %d versions", len(p.PolicyVersionList))
				}
				for _, v := range p.PolicyVersionList {
					if aws.ToString(v.VersionId) == "v1" {
						if doc, _ := url.QueryUnescape(aws.ToString(v.Document)); doc != policyWithEncodableText {
							t.Errorf("v1 in the report: %q", doc)
						}
					}
				}
			}
			if !out.IsTruncated {
				break
			}
			in.Marker = out.Marker
		}
		if want := []string{"user fay", "policy OwnKeys"}; !reflect.DeepEqual(names, want) {
			t.Errorf("report %v, want %v", names, want)
		}
	})
}

// TestE2EVirtualMFADevice enables a virtual MFA device with codes an
// authenticator computes from the seed the CLI saved, and takes it away
// again.
func TestE2EVirtualMFADevice(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)
	createUsers(t, ts, "gus")

	seedFile := filepath.Join(t.TempDir(), "seed.txt")
	stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "gus-phone",
		"--outfile", seedFile, "--bootstrap-method", "Base32StringSeed")
	if err != nil {
		t.Fatalf("create-virtual-mfa-device: %v\n%s", err, stderr)
	}
	serial := "arn:aws:iam::" + acct + ":mfa/gus-phone"
	if !strings.Contains(stdout, `"SerialNumber": "`+serial+`"`) {
		t.Errorf("create-virtual-mfa-device output:\n%s", stdout)
	}
	saved, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := base32.StdEncoding.DecodeString(string(saved))
	if err != nil || len(seed) != 40 {
		t.Fatalf("saved seed %q: %d bytes, %v", saved, len(seed), err)
	}

	enable := func(code1, code2 string) error {
		_, err := root.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("gus"), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)})
		return err
	}
	// The codes of the previous step and the current one, as a person
	// types them; the server's window of one step absorbs a step change
	// between computing and checking them.
	codes := func() (string, string) {
		now := time.Now()
		return totpCodeAt(seed, now.Add(-30*time.Second), 6), totpCodeAt(seed, now, 6)
	}
	code1, code2 := codes()
	wantAPIError(t, enable(code2, code1), "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	if err := enable(code1, code2); err != nil {
		t.Fatalf("EnableMFADevice: %v", err)
	}

	devices, err := root.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("gus")})
	if err != nil {
		t.Fatal(err)
	}
	if len(devices.MFADevices) != 1 || aws.ToString(devices.MFADevices[0].SerialNumber) != serial {
		t.Errorf("ListMFADevices = %+v", devices.MFADevices)
	}
	assigned, err := root.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeAssigned})
	if err != nil {
		t.Fatal(err)
	}
	if len(assigned.VirtualMFADevices) != 1 || assigned.VirtualMFADevices[0].User == nil || aws.ToString(assigned.VirtualMFADevices[0].User.UserName) != "gus" {
		t.Errorf("ListVirtualMFADevices = %+v", assigned.VirtualMFADevices)
	}
	code1, code2 = codes()
	if _, err := root.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("gus"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)}); err != nil {
		t.Errorf("ResyncMFADevice: %v", err)
	}

	_, err = root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("gus")})
	wantAPIError(t, err, "DeleteConflict", "")
	_, err = root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantAPIError(t, err, "DeleteConflict", "MFA Device is in use and cannot be deleted. Deactivate it first.")
	if _, err := root.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("gus"), SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("gus")}); err != nil {
		t.Errorf("DeleteUser once the device is gone: %v", err)
	}
}

func TestE2ELoginProfile(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	root := ts.iam(ts.Root)
	createUsers(t, ts, "hana")
	_, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("hana"), Password: aws.String("password")})
	wantAPIError(t, err, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
	created, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("hana"), Password: aws.String("Clinic-Day-2025"), PasswordResetRequired: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.LoginProfile.UserName) != "hana" || !created.LoginProfile.PasswordResetRequired {
		t.Errorf("CreateLoginProfile = %+v", created.LoginProfile)
	}
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("hana"), Password: aws.String("Clinic-Day-2026")})
	wantAPIError(t, err, "EntityAlreadyExists", "Login Profile for User hana already exists.")
	if _, err := root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("hana"), PasswordResetRequired: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	got, err := root.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("hana")})
	if err != nil {
		t.Fatal(err)
	}
	if got.LoginProfile.PasswordResetRequired {
		t.Errorf("GetLoginProfile = %+v", got.LoginProfile)
	}
	if _, err := root.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("hana")}); err != nil {
		t.Fatal(err)
	}
	_, err = root.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("hana")})
	wantAPIError(t, err, "NoSuchEntity", "Login Profile for User hana cannot be found.")
}

func TestE2EAccountAliasAndSummary(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	root := ts.iam(ts.Root)
	if _, err := root.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("north-clinic")}); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "list-account-aliases")
	if err != nil || !strings.Contains(stdout, `"north-clinic"`) {
		t.Errorf("list-account-aliases: %v\n%s%s", err, stdout, stderr)
	}
	createUsers(t, ts, "ivy", "jon")
	summary, err := root.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	if summary.SummaryMap["Users"] != 2 || summary.SummaryMap["AccessKeysPerUserQuota"] != 2 || summary.SummaryMap["AccountAccessKeysPresent"] != 1 {
		t.Errorf("GetAccountSummary = %v", summary.SummaryMap)
	}
	if _, err := root.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("north-clinic")}); err != nil {
		t.Fatal(err)
	}
	aliases, err := root.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || len(aliases.AccountAliases) != 0 {
		t.Errorf("ListAccountAliases after delete: %v %v", aliases, err)
	}
}
