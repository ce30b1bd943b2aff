package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AWS Organizations end to end: the SDK's and the aws CLI's organizations
// clients against `warden serve`, and SCPs and RCPs deciding IAM and STS
// requests of the organization's accounts.

// orgs returns an aws-sdk-go-v2 Organizations client signing with creds.
func (ts *testServer) orgs(creds aws.Credentials) *organizations.Client {
	return organizations.New(organizations.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
	})
}

const allowEverything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// orgAdmin creates an IAM user with AdministratorAccess in the account the
// credentials belong to and returns its access key: roles cannot be
// assumed by root users, so the management account acts through it.
func orgAdmin(t *testing.T, ts *testServer, creds aws.Credentials, name string) aws.Credentials {
	t.Helper()
	ctx := t.Context()
	c := ts.iam(creds)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
}

// assume assumes a role and returns the session's credentials.
func (ts *testServer) assume(t *testing.T, creds aws.Credentials, roleARN string) (aws.Credentials, error) {
	t.Helper()
	out, err := ts.sts(creds).AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("e2e")})
	if err != nil {
		return aws.Credentials{}, err
	}
	return sessionCredentials(out.Credentials), nil
}

// wantOrgError fails unless err is the AWS error code whose message
// contains part.
func wantOrgError(t *testing.T, err error, code, part string) {
	t.Helper()
	if apiErrorCode(err) != code || !strings.Contains(err.Error(), part) {
		t.Fatalf("error = %v; want %s containing %q", err, code, part)
	}
}

// newOrganization creates the organization of the server's account with one
// member account, and returns the member's ID, the management account's
// administrator and a session of the member's OrganizationAccountAccessRole.
func newOrganization(t *testing.T, ts *testServer) (org *orgtypes.Organization, rootID, member string, admin, memberAdmin aws.Credentials) {
	t.Helper()
	ctx := t.Context()
	o := ts.orgs(ts.Root)
	created, err := o.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	roots, err := o.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 {
		t.Fatalf("ListRoots = %+v, %v", roots, err)
	}
	status, err := o.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("dev@example.com"), AccountName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	if status.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded {
		t.Fatalf("CreateAccount = %+v", status.CreateAccountStatus)
	}
	member = aws.ToString(status.CreateAccountStatus.AccountId)
	admin = orgAdmin(t, ts, ts.Root, "admin")
	memberAdmin, err = ts.assume(t, admin, "arn:aws:iam::"+member+":role/OrganizationAccountAccessRole")
	if err != nil {
		t.Fatalf("assuming the new account's OrganizationAccountAccessRole: %v", err)
	}
	return created.Organization, aws.ToString(roots.Roots[0].Id), member, admin, memberAdmin
}

func TestE2EOrganizationsSCP(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	org, rootID, member, admin, memberAdmin := newOrganization(t, ts)
	management := aws.ToString(org.MasterAccountId)
	o := ts.orgs(ts.Root)

	described, err := o.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || aws.ToString(described.Organization.Id) != aws.ToString(org.Id) ||
		aws.ToString(described.Organization.Arn) != "arn:aws:organizations::"+management+":organization/"+aws.ToString(org.Id) {
		t.Fatalf("DescribeOrganization = %+v, %v", described, err)
	}
	accounts, err := o.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(accounts.Accounts) != 2 {
		t.Fatalf("ListAccounts = %+v, %v", accounts, err)
	}

	// The member account's administrator, through the role the
	// management account reaches it by, may create users until an SCP
	// says otherwise.
	memberIAM := ts.iam(memberAdmin)
	if _, err := memberIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("before")}); err != nil {
		t.Fatalf("member administrator before any SCP: %v", err)
	}

	if _, err := o.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	ou, err := o.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(rootID), Name: aws.String("eng")})
	if err != nil {
		t.Fatal(err)
	}
	ouID := aws.ToString(ou.OrganizationalUnit.Id)
	if _, err := o.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(member), SourceParentId: aws.String(rootID), DestinationParentId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	scp, err := o.CreatePolicy(ctx, &organizations.CreatePolicyInput{
		Name: aws.String("no-users"), Description: aws.String("Members create no IAM users"), Type: orgtypes.PolicyTypeServiceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","health-agent:DeleteDomain"],"Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	policyID := aws.ToString(scp.Policy.PolicySummary.Id)
	if _, err := o.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	attached, err := o.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(ouID), Filter: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil || len(attached.Policies) != 2 {
		t.Fatalf("ListPoliciesForTarget = %+v, %v; want FullAWSAccess and the SCP", attached, err)
	}

	// Now the member's administrator is stopped, in AWS's words…
	_, err = memberIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after")})
	wantOrgError(t, err, "AccessDenied", "with an explicit deny in a service control policy")
	// …and so is the member account's root user.
	memberRoot := rootKeyOf(t, ts, member)
	_, err = ts.iam(memberRoot).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("by-root")})
	wantOrgError(t, err, "AccessDenied", "with an explicit deny in a service control policy")
	// The management account is governed by no SCP.
	if _, err := ts.iam(admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("in-management")}); err != nil {
		t.Fatalf("management administrator stopped by an SCP: %v", err)
	}
	// Other actions are still allowed to the member's administrator.
	if _, err := memberIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers in the member account: %v", err)
	}

	targets, err := o.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(policyID)})
	if err != nil || len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].TargetId) != ouID || targets.Targets[0].Type != orgtypes.TargetTypeOrganizationalUnit {
		t.Fatalf("ListTargetsForPolicy = %+v, %v", targets, err)
	}
	if _, err := o.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := memberIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after")}); err != nil {
		t.Fatalf("the detached SCP still applies: %v", err)
	}

	// Member accounts see their organization and manage nothing.
	memberOrgs := ts.orgs(memberAdmin)
	if got, err := memberOrgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(got.Organization.MasterAccountId) != management {
		t.Fatalf("DescribeOrganization from the member: %+v, %v", got, err)
	}
	_, err = memberOrgs.ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantOrgError(t, err, "AccessDeniedException", "You don't have permissions to access this resource.")
}

// rootKeyOf issues an access key for an account's root user with the admin
// command.
func rootKeyOf(t *testing.T, ts *testServer, account string) aws.Credentials {
	t.Helper()
	stdout, stderr, code := runMain(t, "", "admin", "create-root-key", "--data", ts.Dir, "--account-id", account)
	if code != 0 {
		t.Fatalf("create-root-key: exit %d\n%s%s", code, stdout, stderr)
	}
	var creds aws.Credentials
	for line := range strings.Lines(stdout) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " = ")
		switch k {
		case "aws_access_key_id":
			creds.AccessKeyID = v
		case "aws_secret_access_key":
			creds.SecretAccessKey = v
		}
	}
	if creds.SecretAccessKey == "" {
		t.Fatalf("create-root-key printed no key:\n%s", stdout)
	}
	return creds
}

func TestE2EOrganizationsRCP(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	org, rootID, member, admin, memberAdmin := newOrganization(t, ts)
	o := ts.orgs(ts.Root)

	// An account outside the organization, whose user may assume roles.
	stdout, stderr, code := runMain(t, "", "admin", "create-account", "--data", ts.Dir)
	if code != 0 {
		t.Fatalf("create-account: exit %d\n%s%s", code, stdout, stderr)
	}
	outsider := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(stdout, "\n", 2)[0], "account: "))
	outsiderAdmin := orgAdmin(t, ts, rootKeyOf(t, ts, outsider), "vendor")

	// A role of the member account that the outsider's account is trusted
	// to assume.
	shared := "arn:aws:iam::" + member + ":role/shared"
	if _, err := ts.iam(memberAdmin).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("shared"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::` + outsider + `:root","arn:aws:iam::` + aws.ToString(org.MasterAccountId) + `:root"]},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.assume(t, outsiderAdmin, shared); err != nil {
		t.Fatalf("outsider before any RCP: %v", err)
	}

	if _, err := o.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	rcp, err := o.CreatePolicy(ctx, &organizations.CreatePolicyInput{
		Name: aws.String("org-only"), Description: aws.String("Only the organization's principals"), Type: orgtypes.PolicyTypeResourceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["sts:AssumeRole","iam:*"],"Resource":"*",
			"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"` + aws.ToString(org.Id) + `"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scpID(rcp), TargetId: aws.String(rootID)}); err != nil {
		t.Fatal(err)
	}

	// STS words AssumeRole denials without saying which policy denied;
	// that the RCP did shows when it goes (below).
	_, err = ts.assume(t, outsiderAdmin, shared)
	wantOrgError(t, err, "AccessDenied", "is not authorized to perform: sts:AssumeRole on resource: "+shared)
	// Principals of the organization pass.
	if _, err := ts.assume(t, admin, shared); err != nil {
		t.Fatalf("management administrator stopped by the RCP: %v", err)
	}
	// IAM does not honour RCPs, though this one names iam:*.
	if _, err := ts.iam(memberAdmin).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatalf("IAM call in the member account: %v", err)
	}
	// RCPFullAWSAccess cannot be detached.
	_, err = o.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-RCPFullAWSAccess"), TargetId: aws.String(member)})
	var invalid *orgtypes.InvalidInputException
	if !errors.As(err, &invalid) || invalid.Reason != orgtypes.InvalidInputExceptionReasonNonDetachablePolicy {
		t.Fatalf("detaching RCPFullAWSAccess: %v", err)
	}

	// Disabling RCPs detaches the policy, and the outsider is let in again.
	if _, err := o.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.assume(t, outsiderAdmin, shared); err != nil {
		t.Fatalf("outsider after disabling RCPs: %v", err)
	}
}

func scpID(out *organizations.CreatePolicyOutput) *string { return out.Policy.PolicySummary.Id }

func TestE2EOrganizationsPolicyValidation(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	o := ts.orgs(ts.Root)
	_, err := o.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantOrgError(t, err, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	if _, err := o.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = o.CreateOrganization(ctx, &organizations.CreateOrganizationInput{})
	wantOrgError(t, err, "AlreadyInOrganizationException", "already a member of an organization")

	create := func(kind orgtypes.PolicyType, content string) error {
		_, err := o.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("p"), Description: aws.String(""), Type: kind, Content: aws.String(content)})
		return err
	}
	// An SCP names no principal; the position says where.
	err = create(orgtypes.PolicyTypeServiceControlPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)
	wantOrgError(t, err, "MalformedPolicyDocumentException", "(at 1:")
	// An RCP only denies.
	err = create(orgtypes.PolicyTypeResourceControlPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)
	wantOrgError(t, err, "MalformedPolicyDocumentException", "Statement[0].Effect")
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:` + strings.Repeat("x", 5200) + `","Resource":"*"}]}`
	err = create(orgtypes.PolicyTypeServiceControlPolicy, big)
	var cv *orgtypes.ConstraintViolationException
	if !errors.As(err, &cv) || cv.Reason != orgtypes.ConstraintViolationExceptionReasonPolicyContentLimitExceeded {
		t.Fatalf("oversized SCP: %v", err)
	}
	_, err = o.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("bad id")})
	var in *orgtypes.InvalidInputException
	if !errors.As(err, &in) || in.Reason != orgtypes.InvalidInputExceptionReasonInvalidSyntaxPolicy {
		t.Fatalf("malformed policy ID: %v", err)
	}
	_, err = o.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-0000000000")})
	wantOrgError(t, err, "PolicyNotFoundException", "We can't find a policy")
}

// TestE2EOrganizationsWithAWSCLI drives the real aws CLI, with its
// automatic paging, files for policy content and error output.
func TestE2EOrganizationsWithAWSCLI(t *testing.T) {
	ts := startServer(t, "")
	cli := func(args ...string) map[string]any {
		t.Helper()
		stdout, stderr, err := ts.awsCLI(t, ts.Root, append([]string{"organizations"}, args...)...)
		if err != nil {
			t.Fatalf("aws organizations %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		out := map[string]any{}
		if strings.TrimSpace(stdout) != "" {
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("aws organizations %s printed %q: %v", args[0], stdout, err)
			}
		}
		return out
	}
	field := func(m map[string]any, path ...string) string {
		var v any = m
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		s, _ := v.(string)
		return s
	}

	org := cli("create-organization", "--feature-set", "ALL")
	if !strings.HasPrefix(field(org, "Organization", "Id"), "o-") {
		t.Fatalf("create-organization = %v", org)
	}
	roots := cli("list-roots")["Roots"].([]any)
	rootID := roots[0].(map[string]any)["Id"].(string)
	cli("enable-policy-type", "--root-id", rootID, "--policy-type", "SERVICE_CONTROL_POLICY")
	// More OUs than a page holds, which the CLI pages through.
	for i := range 7 {
		cli("create-organizational-unit", "--parent-id", rootID, "--name", "ou"+string(rune('a'+i)))
	}
	ous := cli("list-organizational-units-for-parent", "--parent-id", rootID, "--page-size", "3")["OrganizationalUnits"].([]any)
	if len(ous) != 7 {
		t.Fatalf("list-organizational-units-for-parent listed %d OUs, want 7", len(ous))
	}
	account := cli("create-account", "--email", "cli@example.com", "--account-name", "cli")
	if field(account, "CreateAccountStatus", "State") != "SUCCEEDED" {
		t.Fatalf("create-account = %v", account)
	}
	status := cli("describe-create-account-status", "--create-account-request-id", field(account, "CreateAccountStatus", "Id"))
	if field(status, "CreateAccountStatus", "AccountId") != field(account, "CreateAccountStatus", "AccountId") {
		t.Fatalf("describe-create-account-status = %v", status)
	}

	content := filepath.Join(t.TempDir(), "scp.json")
	if err := os.WriteFile(content, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"health-agent:DeleteDomain","Resource":"*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	policy := cli("create-policy", "--name", "no-delete", "--description", "keep domains", "--type", "SERVICE_CONTROL_POLICY", "--content", "file://"+content)
	policyID := field(policy, "Policy", "PolicySummary", "Id")
	cli("attach-policy", "--policy-id", policyID, "--target-id", field(account, "CreateAccountStatus", "AccountId"))
	described := cli("describe-policy", "--policy-id", policyID)
	if !strings.Contains(field(described, "Policy", "Content"), "health-agent:DeleteDomain") {
		t.Fatalf("describe-policy = %v", described)
	}
	listed := cli("list-policies", "--filter", "SERVICE_CONTROL_POLICY")["Policies"].([]any)
	if len(listed) != 2 || listed[0].(map[string]any)["Name"] != "FullAWSAccess" || listed[0].(map[string]any)["AwsManaged"] != true {
		t.Fatalf("list-policies = %v", listed)
	}
	accounts := cli("list-accounts")["Accounts"].([]any)
	if len(accounts) != 2 {
		t.Fatalf("list-accounts = %v", accounts)
	}
	// Timestamps travel as epoch seconds, which CLI v1 prints as they
	// came.
	for _, a := range accounts {
		if joined, ok := a.(map[string]any)["JoinedTimestamp"].(float64); !ok || time.Since(time.UnixMilli(int64(joined*1000))).Abs() > time.Minute {
			t.Fatalf("JoinedTimestamp = %v", a.(map[string]any)["JoinedTimestamp"])
		}
	}

	_, stderr, err := ts.awsCLI(t, ts.Root, "organizations", "delete-policy", "--policy-id", policyID)
	if err == nil || !strings.Contains(stderr, "PolicyInUseException") {
		t.Fatalf("delete-policy of an attached policy: %v\n%s", err, stderr)
	}
}

// TestE2EOrganizationsInvitationsWithAWSCLI drives, with the aws CLI, the
// life of an organization past its creation: existing accounts invited,
// joining (and then governed by its SCPs), declining and canceled; OUs
// renamed and deleted; tags; and the organization deleted once empty.
func TestE2EOrganizationsInvitationsWithAWSCLI(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	cli := func(creds aws.Credentials, args ...string) map[string]any {
		t.Helper()
		stdout, stderr, err := ts.awsCLI(t, creds, append([]string{"organizations"}, args...)...)
		if err != nil {
			t.Fatalf("aws organizations %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		out := map[string]any{}
		if strings.TrimSpace(stdout) != "" {
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("aws organizations %s printed %q: %v", args[0], stdout, err)
			}
		}
		return out
	}
	cliFails := func(creds aws.Credentials, code string, args ...string) {
		t.Helper()
		_, stderr, err := ts.awsCLI(t, creds, append([]string{"organizations"}, args...)...)
		if err == nil || !strings.Contains(stderr, "("+code+")") {
			t.Fatalf("aws organizations %s: %v\n%s; want %s", strings.Join(args, " "), err, stderr, code)
		}
	}
	handshake := func(out map[string]any) (id, state string) {
		h := out["Handshake"].(map[string]any)
		return h["Id"].(string), h["State"].(string)
	}
	outsider := func() (string, aws.Credentials) {
		t.Helper()
		stdout, stderr, code := runMain(t, "", "admin", "create-account", "--data", ts.Dir)
		if code != 0 {
			t.Fatalf("create-account: exit %d\n%s%s", code, stdout, stderr)
		}
		id := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(stdout, "\n", 2)[0], "account: "))
		return id, orgAdmin(t, ts, rootKeyOf(t, ts, id), "admin")
	}

	// The set-up, which other tests drive with the CLI, goes through the
	// SDK: each CLI run costs a second.
	o := ts.orgs(ts.Root)
	created, err := o.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	management := aws.ToString(created.Organization.MasterAccountId)
	roots, err := o.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	rootID := aws.ToString(roots.Roots[0].Id)
	if _, err := o.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	scp, err := o.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("no-users"), Description: aws.String(""), Type: orgtypes.PolicyTypeServiceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scpID(scp), TargetId: aws.String(rootID)}); err != nil {
		t.Fatal(err)
	}

	// Invite → accept: the account joins the root, and the root's SCP
	// stops its administrator from then on.
	joiner, joinerAdmin := outsider()
	if _, err := ts.iam(joinerAdmin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("before")}); err != nil {
		t.Fatalf("CreateUser before joining: %v", err)
	}
	id, state := handshake(cli(ts.Root, "invite-account-to-organization", "--target", "Id="+joiner+",Type=ACCOUNT", "--notes", "welcome"))
	if !strings.HasPrefix(id, "h-") || state != "OPEN" {
		t.Fatalf("invite-account-to-organization = %s %s", id, state)
	}
	_, err = o.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{Target: &orgtypes.HandshakeParty{Id: aws.String(joiner), Type: orgtypes.HandshakePartyTypeAccount}})
	wantOrgError(t, err, "DuplicateHandshakeException", "")
	pending := cli(joinerAdmin, "list-handshakes-for-account")["Handshakes"].([]any)
	if len(pending) != 1 || pending[0].(map[string]any)["Id"] != id {
		t.Fatalf("list-handshakes-for-account = %v", pending)
	}
	if _, state := handshake(cli(joinerAdmin, "accept-handshake", "--handshake-id", id)); state != "ACCEPTED" {
		t.Fatalf("accept-handshake state = %s", state)
	}
	if _, state := handshake(cli(ts.Root, "describe-handshake", "--handshake-id", id)); state != "ACCEPTED" {
		t.Fatalf("describe-handshake state = %s", state)
	}
	_, err = ts.iam(joinerAdmin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after")})
	wantOrgError(t, err, "AccessDenied", "with an explicit deny in a service control policy")
	if member, err := ts.orgs(joinerAdmin).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(member.Organization.MasterAccountId) != management {
		t.Fatalf("DescribeOrganization from the new member = %+v, %v", member, err)
	}

	// Decline, and cancel.
	decliner, declinerAdmin := outsider()
	id, _ = handshake(cli(ts.Root, "invite-account-to-organization", "--target", "Id="+decliner+",Type=ACCOUNT"))
	if _, state := handshake(cli(declinerAdmin, "decline-handshake", "--handshake-id", id)); state != "DECLINED" {
		t.Fatalf("decline-handshake state = %s", state)
	}
	cliFails(declinerAdmin, "InvalidHandshakeTransitionException", "accept-handshake", "--handshake-id", id)
	id, _ = handshake(cli(ts.Root, "invite-account-to-organization", "--target", "Id="+decliner+",Type=ACCOUNT"))
	_, err = ts.orgs(declinerAdmin).CancelHandshake(ctx, &organizations.CancelHandshakeInput{HandshakeId: aws.String(id)})
	wantOrgError(t, err, "AccessDeniedException", "")
	if _, state := handshake(cli(ts.Root, "cancel-handshake", "--handshake-id", id)); state != "CANCELED" {
		t.Fatalf("cancel-handshake state = %s", state)
	}
	_, err = ts.orgs(declinerAdmin).AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: aws.String(id)})
	wantOrgError(t, err, "InvalidHandshakeTransitionException", "")
	if hs := cli(ts.Root, "list-handshakes-for-organization")["Handshakes"].([]any); len(hs) != 3 {
		t.Fatalf("list-handshakes-for-organization = %v", hs)
	}
	if _, err := ts.iam(declinerAdmin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("free")}); err != nil {
		t.Fatalf("the account that declined is governed by the SCP: %v", err)
	}

	// OUs: renamed, refused deletion while they hold an account, deleted.
	ou, err := o.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(rootID), Name: aws.String("eng")})
	if err != nil {
		t.Fatal(err)
	}
	ouID := aws.ToString(ou.OrganizationalUnit.Id)
	renamed := cli(ts.Root, "update-organizational-unit", "--organizational-unit-id", ouID, "--name", "platform")
	if renamed["OrganizationalUnit"].(map[string]any)["Name"] != "platform" {
		t.Fatalf("update-organizational-unit = %v", renamed)
	}
	if _, err := o.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(joiner), SourceParentId: aws.String(rootID), DestinationParentId: aws.String(ouID)}); err != nil {
		t.Fatal(err)
	}
	cliFails(ts.Root, "OrganizationalUnitNotEmptyException", "delete-organizational-unit", "--organizational-unit-id", ouID)
	if _, err := o.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(joiner), SourceParentId: aws.String(ouID), DestinationParentId: aws.String(rootID)}); err != nil {
		t.Fatal(err)
	}
	cli(ts.Root, "tag-resource", "--resource-id", ouID, "--tags", "Key=env,Value=prod", "Key=team,Value=blue")
	cli(ts.Root, "untag-resource", "--resource-id", ouID, "--tag-keys", "team")
	tags := cli(ts.Root, "list-tags-for-resource", "--resource-id", ouID)["Tags"].([]any)
	if len(tags) != 1 || tags[0].(map[string]any)["Key"] != "env" || tags[0].(map[string]any)["Value"] != "prod" {
		t.Fatalf("list-tags-for-resource = %v", tags)
	}
	if _, err := o.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(joiner), Tags: []orgtypes.Tag{{Key: aws.String("cost-center"), Value: aws.String("42")}}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := o.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(joiner)}); err != nil || len(tags.Tags) != 1 {
		t.Fatalf("ListTagsForResource of the account = %+v, %v", tags, err)
	}
	cli(ts.Root, "delete-organizational-unit", "--organizational-unit-id", ouID)
	_, err = o.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(ouID)})
	wantOrgError(t, err, "OrganizationalUnitNotFoundException", "")

	// The organization is deleted only once its members are gone.
	cliFails(ts.Root, "OrganizationNotEmptyException", "delete-organization")
	cli(ts.Root, "remove-account-from-organization", "--account-id", joiner)
	cli(ts.Root, "delete-organization")
	_, err = o.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantOrgError(t, err, "AWSOrganizationsNotInUseException", "")
	if _, err := ts.iam(joinerAdmin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("free-again")}); err != nil {
		t.Fatalf("CreateUser after the organization is gone: %v", err)
	}
}
