package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// Groups, roles, inline policies and attached managed policies end to end:
// the scenarios the issue names, each through the SDK against `warden
// serve`, signing as IAM users whose access comes from those policies, and
// a few operations through the aws CLI.

// userCredentials creates an access key for a user, as root.
func userCredentials(t *testing.T, ts *testServer, name string) aws.Credentials {
	t.Helper()
	out, err := ts.iam(ts.Root).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey for %s: %v", name, err)
	}
	return aws.Credentials{AccessKeyID: aws.ToString(out.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(out.AccessKey.SecretAccessKey)}
}

// createUsers creates users as root.
func createUsers(t *testing.T, ts *testServer, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := ts.iam(ts.Root).CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatalf("CreateUser %s: %v", name, err)
		}
	}
}

// wantAPIError checks an SDK error's code and, when message is not empty,
// its message.
func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	ae, ok := errors.AsType[smithy.APIError](err)
	if !ok {
		t.Fatalf("error %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	if message != "" && ae.ErrorMessage() != message {
		t.Fatalf("message\n  %s\nwant\n  %s", ae.ErrorMessage(), message)
	}
}

// denied is AWS's AccessDenied message for a user; reason is its closing
// phrase ("because no identity-based policy allows …", "with an explicit
// deny in …").
func denied(account, user, action, resource, reason string) string {
	return "User: arn:aws:iam::" + account + ":user/" + user + " is not authorized to perform: " + action +
		" on resource: " + resource + " " + reason
}

// TestE2EViewOwnPermissions is the documentation's "view their own
// permissions" policy: a user may read her own user and policies and
// nobody else's.
func TestE2EViewOwnPermissions(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)
	createUsers(t, ts, "alice", "bob")
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("ViewOwnPermissions"),
		PolicyDocument: aws.String(seedPolicy(t, "connect--view-own-permissions.json", acct))}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMUserChangePassword")}); err != nil {
		t.Fatal(err)
	}
	alice := ts.iam(userCredentials(t, ts, "alice"))

	me, err := alice.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatalf("GetUser on herself: %v", err)
	}
	if aws.ToString(me.User.Arn) != "arn:aws:iam::"+acct+":user/alice" {
		t.Errorf("GetUser = %+v", me.User)
	}
	attached, err := alice.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatalf("ListAttachedUserPolicies on herself: %v", err)
	}
	if len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyName) != "IAMUserChangePassword" {
		t.Errorf("attached %+v", attached.AttachedPolicies)
	}
	inline, err := alice.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("ViewOwnPermissions")})
	if err != nil {
		t.Fatalf("GetUserPolicy on herself: %v", err)
	}
	// The SDK hands the document over URL-encoded, as IAM sends it.
	if doc, err := url.QueryUnescape(aws.ToString(inline.PolicyDocument)); err != nil || doc != seedPolicy(t, "connect--view-own-permissions.json", acct) {
		t.Errorf("GetUserPolicy document %q (%v)", aws.ToString(inline.PolicyDocument), err)
	}
	if _, err := alice.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")}); err != nil {
		t.Errorf("ListGroupsForUser on herself: %v", err)
	}

	_, err = alice.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "alice", "iam:GetUser", "arn:aws:iam::"+acct+":user/bob",
		"because no identity-based policy allows the iam:GetUser action"))
	_, err = alice.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "alice", "iam:ListAttachedUserPolicies", "arn:aws:iam::"+acct+":user/bob",
		"because no identity-based policy allows the iam:ListAttachedUserPolicies action"))
	_, err = alice.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("more"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	wantAPIError(t, err, "AccessDenied", denied(acct, "alice", "iam:PutUserPolicy", "arn:aws:iam::"+acct+":user/alice",
		"because no identity-based policy allows the iam:PutUserPolicy action"))
}

// TestE2EReadOnlyWithExplicitDeny is the shape of Connect Health's fifth
// example (read-only access, destructive actions denied) applied to IAM: an
// explicit deny in a group's policy wins over AdministratorAccess.
func TestE2EReadOnlyWithExplicitDeny(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)
	createUsers(t, ts, "carol", "bob")
	if _, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Auditors")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Auditors"), PolicyName: aws.String("ReadOnlyDenyDestructive"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},
			{"Effect":"Deny","Action":["iam:DeleteUser","iam:DeleteGroup"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Auditors"), UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	carol := ts.iam(userCredentials(t, ts, "carol"))

	if _, err := carol.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")}); err != nil {
		t.Errorf("GetUser: %v", err)
	}
	if _, err := carol.ListGroups(ctx, &iam.ListGroupsInput{}); err != nil {
		t.Errorf("ListGroups: %v", err)
	}
	_, err := carol.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "carol", "iam:DeleteUser", "arn:aws:iam::"+acct+":user/bob",
		"with an explicit deny in an identity-based policy"))
	_, err = carol.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dave")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "carol", "iam:CreateUser", "arn:aws:iam::"+acct+":user/dave",
		"because no identity-based policy allows the iam:CreateUser action"))

	// Administrator access allows what was only implicitly denied; the
	// explicit deny still wins.
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("carol"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dave")}); err != nil {
		t.Errorf("CreateUser as administrator: %v", err)
	}
	_, err = carol.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "carol", "iam:DeleteUser", "arn:aws:iam::"+acct+":user/bob",
		"with an explicit deny in an identity-based policy"))
}

// TestE2EPermissionsBoundaryCapsAdministrator gives a user
// AdministratorAccess within a boundary that allows only reading IAM.
func TestE2EPermissionsBoundaryCapsAdministrator(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)
	boundary, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("IAMReadBoundary"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dana"), PermissionsBoundary: boundary.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	dana := ts.iam(userCredentials(t, ts, "dana"))

	if _, err := dana.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dana")}); err != nil {
		t.Errorf("GetUser within the boundary: %v", err)
	}
	if _, err := dana.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("ListRoles within the boundary: %v", err)
	}
	_, err = dana.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("eve")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "dana", "iam:CreateUser", "arn:aws:iam::"+acct+":user/eve",
		"because no permissions boundary allows the iam:CreateUser action"))
	_, err = dana.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("dana"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	wantAPIError(t, err, "AccessDenied", denied(acct, "dana", "iam:DetachUserPolicy", "arn:aws:iam::"+acct+":user/dana",
		"because no permissions boundary allows the iam:DetachUserPolicy action"))

	// The boundary is a managed policy in use: it cannot be deleted.
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: boundary.Policy.Arn})
	wantAPIError(t, err, "DeleteConflict", "")
}

// TestE2EGroupMembershipGrants checks that a policy attached to a group
// applies to its members, and that leaving the group revokes it on the
// very next request.
func TestE2EGroupMembershipGrants(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	acct := serverAccount(t, ts)
	root := ts.iam(ts.Root)
	createUsers(t, ts, "erin")
	if _, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Readers"), Path: aws.String("/staff/")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Readers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	erin := ts.iam(userCredentials(t, ts, "erin"))
	listRoles := func() error {
		_, err := erin.ListRoles(ctx, &iam.ListRolesInput{})
		return err
	}
	roleDenied := denied(acct, "erin", "iam:ListRoles", "arn:aws:iam::"+acct+":role/", "because no identity-based policy allows the iam:ListRoles action")

	wantAPIError(t, listRoles(), "AccessDenied", roleDenied)
	if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	if err := listRoles(); err != nil {
		t.Fatalf("ListRoles as a member: %v", err)
	}
	group, err := erin.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Readers")})
	if err != nil {
		t.Fatal(err)
	}
	if len(group.Users) != 1 || aws.ToString(group.Users[0].UserName) != "erin" || aws.ToString(group.Group.Arn) != "arn:aws:iam::"+acct+":group/staff/Readers" {
		t.Errorf("GetGroup = %+v %+v", group.Group, group.Users)
	}
	if _, err := root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, listRoles(), "AccessDenied", roleDenied)

	// Detaching from the group revokes it for members too.
	if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	if err := listRoles(); err != nil {
		t.Fatalf("ListRoles as a member again: %v", err)
	}
	if _, err := root.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("Readers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, listRoles(), "AccessDenied", roleDenied)
}

// TestE2EIdentityErrors checks the refusals IAM makes when policies are
// written or identities deleted while in use.
func TestE2EIdentityErrors(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	root := ts.iam(ts.Root)
	createUsers(t, ts, "frank")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

	_, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("frank"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"iam:GetUser","Resource":"*"}]}`)})
	wantAPIError(t, err, "MalformedPolicyDocument", "")
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"),
		AssumeRolePolicyDocument: aws.String(strings.Replace(trust, `"Action"`, `"Resource":"*","Action"`, 1))})
	wantAPIError(t, err, "MalformedPolicyDocument", "")
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(50000)})
	wantAPIError(t, err, "ValidationError", "")
	_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("frank"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	wantAPIError(t, err, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("frank"), PolicyName: aws.String("big"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 2100) + `"}]}`)})
	wantAPIError(t, err, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user frank")

	if _, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Staff")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Staff"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = root.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("Staff")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")

	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("agent"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("agent"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("agent")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
}

// TestE2EIdentitiesWithAWSCLI drives roles, groups and their policies with
// the real aws CLI, which parses Warden's XML with its own code.
func TestE2EIdentitiesWithAWSCLI(t *testing.T) {
	ts := startServer(t, "")
	cli := func(args ...string) string {
		t.Helper()
		return ts.mustAWS(t, ts.Root, args...)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	cli("iam", "create-role", "--role-name", "scribe", "--path", "/health/", "--assume-role-policy-document", trust,
		"--description", "Scribe sessions", "--tags", "Key=team,Value=care")
	cli("iam", "put-role-policy", "--role-name", "scribe", "--policy-name", "read",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`)
	cli("iam", "attach-role-policy", "--role-name", "scribe", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")

	var got struct {
		Role struct {
			Path, RoleName, Description string
			MaxSessionDuration          int
			AssumeRolePolicyDocument    map[string]any
			RoleLastUsed                map[string]any
			Tags                        []struct{ Key, Value string }
		}
	}
	if err := json.Unmarshal([]byte(cli("iam", "get-role", "--role-name", "scribe")), &got); err != nil {
		t.Fatal(err)
	}
	r := got.Role
	// The CLI decodes the URL-encoded trust policy into JSON.
	if r.Path != "/health/" || r.Description != "Scribe sessions" || r.MaxSessionDuration != 3600 ||
		r.AssumeRolePolicyDocument["Version"] != "2012-10-17" || r.RoleLastUsed == nil || len(r.Tags) != 1 {
		t.Errorf("get-role = %+v", r)
	}

	var attached struct {
		AttachedPolicies []struct{ PolicyName, PolicyArn string }
	}
	if err := json.Unmarshal([]byte(cli("iam", "list-attached-role-policies", "--role-name", "scribe")), &attached); err != nil {
		t.Fatal(err)
	}
	if len(attached.AttachedPolicies) != 1 || attached.AttachedPolicies[0].PolicyName != "ReadOnlyAccess" {
		t.Errorf("list-attached-role-policies = %+v", attached)
	}
	var inline struct{ PolicyNames []string }
	if err := json.Unmarshal([]byte(cli("iam", "list-role-policies", "--role-name", "scribe")), &inline); err != nil {
		t.Fatal(err)
	}
	if len(inline.PolicyNames) != 1 || inline.PolicyNames[0] != "read" {
		t.Errorf("list-role-policies = %+v", inline)
	}

	cli("iam", "create-user", "--user-name", "gail")
	cli("iam", "create-group", "--group-name", "Scribes")
	cli("iam", "add-user-to-group", "--group-name", "Scribes", "--user-name", "gail")
	var group struct {
		Group struct{ GroupName, Arn string }
		Users []struct{ UserName string }
	}
	if err := json.Unmarshal([]byte(cli("iam", "get-group", "--group-name", "Scribes")), &group); err != nil {
		t.Fatal(err)
	}
	if group.Group.GroupName != "Scribes" || len(group.Users) != 1 || group.Users[0].UserName != "gail" {
		t.Errorf("get-group = %+v", group)
	}

	_, stderr, err := ts.awsCLI(t, ts.Root, "iam", "delete-role", "--role-name", "scribe")
	if err == nil || !strings.Contains(stderr, "DeleteConflict") {
		t.Errorf("delete-role with policies: err %v, stderr %s", err, stderr)
	}
}
