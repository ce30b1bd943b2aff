package main

import (
	"encoding/base32"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/stsapi"
)

// STS end to end: temporary credentials issued by `warden serve` to the
// SDK and the aws CLI, and used to sign further requests.

// sts returns an aws-sdk-go-v2 STS client signing with creds.
func (ts *testServer) sts(creds aws.Credentials) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
	})
}

// sessionCredentials turns STS credentials into SDK credentials.
func sessionCredentials(c *ststypes.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

// secondAccount creates another account with the admin command and
// returns its ID and its root user's credentials.
func secondAccount(t *testing.T, ts *testServer) (string, aws.Credentials) {
	t.Helper()
	stdout, stderr, code := runMain(t, "", "admin", "create-account", "--data", ts.Dir)
	if code != 0 {
		t.Fatalf("create-account: exit %d\n%s%s", code, stdout, stderr)
	}
	var account string
	var creds aws.Credentials
	for line := range strings.Lines(stdout) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " = ")
		switch {
		case strings.HasPrefix(line, "account: "):
			account = strings.TrimSpace(strings.TrimPrefix(line, "account: "))
		case k == "aws_access_key_id":
			creds.AccessKeyID = v
		case k == "aws_secret_access_key":
			creds.SecretAccessKey = v
		}
	}
	if account == "" || creds.SecretAccessKey == "" {
		t.Fatalf("create-account printed no account or key:\n%s", stdout)
	}
	return account, creds
}

func createRole(t *testing.T, ts *testServer, name, trust string, policies ...string) string {
	t.Helper()
	out, err := ts.iam(ts.Root).CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	for i, doc := range policies {
		if _, err := ts.iam(ts.Root).PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{
			RoleName: aws.String(name), PolicyName: aws.String("p" + string(rune('0'+i))), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("PutRolePolicy %s: %v", name, err)
		}
	}
	return aws.ToString(out.Role.Arn)
}

func TestE2EAssumeRoleCrossAccount(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	accountA := serverAccount(t, ts)
	accountB, rootB := secondAccount(t, ts)
	role := createRole(t, ts, "vendor-access",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+accountB+`:root"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"sts:ExternalId":"tenant-7"}}}]}`,
		identityDoc("iam:ListRoles"))

	// In account B, carol may assume roles anywhere.
	iamB := ts.iam(rootB)
	if _, err := iamB.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamB.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(identityDoc("sts:AssumeRole"))}); err != nil {
		t.Fatal(err)
	}
	key, err := iamB.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	carol := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	carolARN := "arn:aws:iam::" + accountB + ":user/carol"
	deniedMsg := "User: " + carolARN + " is not authorized to perform: sts:AssumeRole on resource: " + role

	for _, tt := range []struct {
		name       string
		externalID *string
	}{{"without an external ID", nil}, {"with another external ID", aws.String("tenant-8")}} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ts.sts(carol).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("carol"), ExternalId: tt.externalID})
			wantAPIError(t, err, "AccessDenied", deniedMsg)
		})
	}

	out, err := ts.sts(carol).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("carol"), ExternalId: aws.String("tenant-7")})
	if err != nil {
		t.Fatal(err)
	}
	sessionARN := "arn:aws:sts::" + accountA + ":assumed-role/vendor-access/carol"
	if aws.ToString(out.AssumedRoleUser.Arn) != sessionARN || !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") {
		t.Errorf("AssumeRole = %+v", out.AssumedRoleUser)
	}
	if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < 59*time.Minute || d > time.Hour+time.Minute {
		t.Errorf("credentials expire in %v, want an hour", d)
	}
	session := sessionCredentials(out.Credentials)
	id, err := ts.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != sessionARN || aws.ToString(id.Account) != accountA || !strings.HasSuffix(aws.ToString(id.UserId), ":carol") {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId))
	}
	// The session acts in account A with the role's permissions only.
	if _, err := ts.iam(session).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("ListRoles with the role's session: %v", err)
	}
	_, err = ts.iam(session).ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", "User: "+sessionARN+" is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::"+accountA+":user/ because no identity-based policy allows the iam:ListUsers action")

	// The same through the aws CLI.
	stdout, stderr, err := ts.awsCLI(t, carol, "sts", "assume-role", "--role-arn", role, "--role-session-name", "cli", "--external-id", "tenant-7")
	if err != nil {
		t.Fatalf("aws sts assume-role: %v\n%s", err, stderr)
	}
	var cli struct {
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		AssumedRoleUser struct{ Arn string }
	}
	if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
		t.Fatalf("assume-role output: %v\n%s", err, stdout)
	}
	if cli.AssumedRoleUser.Arn != "arn:aws:sts::"+accountA+":assumed-role/vendor-access/cli" {
		t.Errorf("CLI AssumedRoleUser = %s", cli.AssumedRoleUser.Arn)
	}
	cliSession := aws.Credentials{AccessKeyID: cli.Credentials.AccessKeyId, SecretAccessKey: cli.Credentials.SecretAccessKey, SessionToken: cli.Credentials.SessionToken}
	stdout, stderr, err = ts.awsCLI(t, cliSession, "sts", "get-caller-identity")
	if err != nil || !strings.Contains(stdout, "assumed-role/vendor-access/cli") {
		t.Errorf("get-caller-identity with the CLI session: %v\n%s%s", err, stdout, stderr)
	}
	_, stderr, err = ts.awsCLI(t, carol, "sts", "assume-role", "--role-arn", role, "--role-session-name", "cli", "--external-id", "wrong")
	if err == nil || !strings.Contains(stderr, "AccessDenied") {
		t.Errorf("assume-role with a wrong external ID: %v\n%s", err, stderr)
	}
}

// A chain of two roles: the transitive session tag and the source identity
// reach the second role's session, where a policy asks for both.
func TestE2ERoleChaining(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	account := serverAccount(t, ts)
	createUsers(t, ts, "bob")
	putUserPolicy(t, ts, "bob", "sts", identityDoc("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"))
	bob := userCredentials(t, ts, "bob")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + account + `"},
		"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`
	createRole(t, ts, "first", trust, identityDoc("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"))
	second := createRole(t, ts, "second", trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalTag/team":"cardiology","aws:SourceIdentity":"dr-jones"}}}]}`)
	firstARN := "arn:aws:iam::" + account + ":role/first"

	chain := func(t *testing.T, transitive []string) aws.Credentials {
		t.Helper()
		out, err := ts.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(firstARN), RoleSessionName: aws.String("hop1"), SourceIdentity: aws.String("dr-jones"),
			Tags:              []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("cardiology")}},
			TransitiveTagKeys: transitive,
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.SourceIdentity) != "dr-jones" || aws.ToInt32(out.PackedPolicySize) <= 0 {
			t.Errorf("first hop: SourceIdentity %q PackedPolicySize %d", aws.ToString(out.SourceIdentity), aws.ToInt32(out.PackedPolicySize))
		}
		hop2, err := ts.sts(sessionCredentials(out.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(second), RoleSessionName: aws.String("hop2"), DurationSeconds: aws.Int32(3600)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(hop2.SourceIdentity) != "dr-jones" {
			t.Errorf("second hop SourceIdentity = %q", aws.ToString(hop2.SourceIdentity))
		}
		return sessionCredentials(hop2.Credentials)
	}
	t.Run("transitive tag", func(t *testing.T) {
		if _, err := ts.iam(chain(t, []string{"team"})).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
			t.Errorf("the second role's session lacks the chained tag or source identity: %v", err)
		}
	})
	t.Run("tag that is not transitive", func(t *testing.T) {
		_, err := ts.iam(chain(t, nil)).ListRoles(ctx, &iam.ListRolesInput{})
		wantAPIError(t, err, "AccessDenied", "")
	})
	t.Run("chaining past an hour", func(t *testing.T) {
		out, err := ts.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(firstARN), RoleSessionName: aws.String("hop1")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ts.sts(sessionCredentials(out.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(second), RoleSessionName: aws.String("hop2"), DurationSeconds: aws.Int32(7200)})
		wantAPIError(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	})
}

// A session policy passed with the aws CLI narrows the role's permissions;
// a deny on aws:TokenIssueTime revokes the sessions issued before it.
func TestE2ESessionPolicyAndRevocation(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	account := serverAccount(t, ts)
	createUsers(t, ts, "bob")
	putUserPolicy(t, ts, "bob", "sts", identityDoc("sts:AssumeRole"))
	bob := userCredentials(t, ts, "bob")
	role := createRole(t, ts, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+account+`"},"Action":"sts:AssumeRole"}]}`,
		identityDoc("iam:GetRole", "iam:ListRoles"))

	stdout, stderr, err := ts.awsCLI(t, bob, "sts", "assume-role", "--role-arn", role, "--role-session-name", "narrow",
		"--policy", identityDoc("iam:GetRole"))
	if err != nil {
		t.Fatalf("assume-role --policy: %v\n%s", err, stderr)
	}
	var out struct {
		Credentials      struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		PackedPolicySize int
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.PackedPolicySize <= 0 {
		t.Fatalf("assume-role output (%v):\n%s", err, stdout)
	}
	narrow := aws.Credentials{AccessKeyID: out.Credentials.AccessKeyId, SecretAccessKey: out.Credentials.SecretAccessKey, SessionToken: out.Credentials.SessionToken}
	if _, stderr, err := ts.awsCLI(t, narrow, "iam", "get-role", "--role-name", "reader"); err != nil {
		t.Errorf("get-role within the session policy: %v\n%s", err, stderr)
	}
	_, stderr, err = ts.awsCLI(t, narrow, "iam", "list-roles")
	if err == nil || !strings.Contains(stderr, "because no session policy allows the iam:ListRoles action") {
		t.Errorf("list-roles outside the session policy: %v\n%s", err, stderr)
	}

	// Revoke: sessions issued before the policy's time are denied.
	old, err := ts.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("old")})
	if err != nil {
		t.Fatal(err)
	}
	revokeAt := aws.ToTime(old.Credentials.Expiration).Add(-time.Hour).Add(time.Second).UTC().Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)
	if _, err := ts.iam(ts.Root).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("reader"), PolicyName: aws.String("AWSRevokeOlderSessions"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + revokeAt + `"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(sessionCredentials(old.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:sts::"+account+":assumed-role/reader/old is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::"+account+":role/ with an explicit deny in an identity-based policy")
	fresh, err := ts.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("new")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(sessionCredentials(fresh.Credentials)).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("a session issued after the revocation: %v", err)
	}
}

// An MFA-protected action: allowed only to GetSessionToken credentials
// obtained with a TOTP code computed here.
func TestE2EMFAProtectedAction(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	createUsers(t, ts, "alice")
	putUserPolicy(t, ts, "alice", "mfa-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)
	alice := userCredentials(t, ts, "alice")
	dev, err := ts.iam(ts.Root).CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone")})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := base32.StdEncoding.DecodeString(string(dev.VirtualMFADevice.Base32StringSeed))
	if err != nil {
		t.Fatal(err)
	}
	serial := aws.ToString(dev.VirtualMFADevice.SerialNumber)
	now := time.Now()
	if _, err := ts.iam(ts.Root).EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpCodeAt(seed, now.Add(-30*time.Second), 6)), AuthenticationCode2: aws.String(totpCodeAt(seed, now, 6))}); err != nil {
		t.Fatal(err)
	}

	_, err = ts.iam(alice).ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", "")
	plain, err := ts.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(sessionCredentials(plain.Credentials)).ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", "")

	_, err = ts.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String("12345x")})
	wantAPIError(t, err, "ValidationError", "")
	code := totpCodeAt(seed, time.Now(), 6)
	withMFA, err := ts.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial),
		TokenCode: aws.String(code), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	mfa := sessionCredentials(withMFA.Credentials)
	if _, err := ts.iam(mfa).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("ListUsers with MFA: %v", err)
	}
	id, err := ts.sts(mfa).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(id.Arn), ":user/alice") {
		t.Errorf("GetCallerIdentity with GetSessionToken credentials: %v %s", err, aws.ToString(id.Arn))
	}
	// The same code a second time is refused.
	_, err = ts.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
	wantAPIError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
}

// The Connect Health service-role trust policy of the seed documents: a
// Warden service acting as health-agent.amazonaws.com gets the role for
// the right domain of the right account only, and signs with the session.
func TestE2EServiceRoleTrust(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	account := serverAccount(t, ts)
	role := createRole(t, ts, "ConnectHealthServiceRole", seedPolicy(t, "connect-health--service-role-trust.json", account),
		identityDoc("iam:ListRoles"))

	// The service runs beside the server on the same data directory.
	store, err := openStore(ctx, ts.Dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	api := stsapi.New(store, authz.New(store))
	domain := "arn:aws:health-agent:" + simRegion + ":" + account + ":domain/" + simDomain
	for _, tt := range []struct {
		name, sourceArn, sourceAccount string
		allowed                        bool
	}{
		{"the domain and account", domain + "/agent/agent-1", account, true},
		{"another domain", "arn:aws:health-agent:" + simRegion + ":" + account + ":domain/dom-other/agent/agent-1", account, false},
		{"another account", domain + "/agent/agent-1", "999988887777", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sess, err := api.AssumeRoleAsService(ctx, stsapi.ServiceRoleRequest{Service: "health-agent.amazonaws.com", RoleARN: role,
				SourceArn: tt.sourceArn, SourceAccount: tt.sourceAccount, SessionName: "health-agent", Region: simRegion})
			if !tt.allowed {
				if err == nil || !strings.Contains(err.Error(), "User: health-agent.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: "+role) {
					t.Fatalf("AssumeRoleAsService: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			creds := aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.Token}
			id, err := ts.sts(creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::"+account+":assumed-role/ConnectHealthServiceRole/health-agent" {
				t.Fatalf("GetCallerIdentity with the service's session: %v %s", err, aws.ToString(id.Arn))
			}
			if _, err := ts.iam(creds).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
				t.Errorf("the service's session lacks the role's permissions: %v", err)
			}
		})
	}
}

// GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage
// through the aws CLI.
func TestE2ESTSWithAWSCLI(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	account := serverAccount(t, ts)
	stdout, stderr, err := ts.awsCLI(t, ts.Root, "sts", "get-caller-identity")
	if err != nil || !strings.Contains(stdout, `"Arn": "arn:aws:iam::`+account+`:root"`) {
		t.Fatalf("get-caller-identity: %v\n%s%s", err, stdout, stderr)
	}
	stdout, stderr, err = ts.awsCLI(t, ts.Root, "sts", "get-access-key-info", "--access-key-id", ts.Root.AccessKeyID)
	if err != nil || !strings.Contains(stdout, `"Account": "`+account+`"`) {
		t.Errorf("get-access-key-info: %v\n%s%s", err, stdout, stderr)
	}
	stdout, stderr, err = ts.awsCLI(t, ts.Root, "sts", "get-federation-token", "--name", "broker-user", "--policy", identityDoc("iam:ListRoles"))
	if err != nil || !strings.Contains(stdout, `"Arn": "arn:aws:sts::`+account+`:federated-user/broker-user"`) {
		t.Fatalf("get-federation-token: %v\n%s%s", err, stdout, stderr)
	}

	// A denial explained: alice may not list users; the encoded message of
	// that denial decodes for the root user to the statement that failed.
	createUsers(t, ts, "alice")
	putUserPolicy(t, ts, "alice", "eu-only", `{"Version":"2012-10-17","Statement":[{"Sid":"EuOnly","Effect":"Allow","Action":"iam:ListUsers","Resource":"*",
		"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`)
	_, err = ts.iam(userCredentials(t, ts, "alice")).ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", "")
	store, err := openStore(ctx, ts.Dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	az := authz.New(store)
	pp, err := store.PrincipalPolicies(ctx, "arn:aws:iam::"+account+":user/alice")
	if err != nil {
		t.Fatal(err)
	}
	d, err := az.Authorize(ctx, &authz.Caller{Principal: &pp.Principal, Region: "us-east-1"}, &authz.Call{Action: "iam:ListUsers", Resource: "*"})
	if err != nil || d.Allowed {
		t.Fatalf("Authorize: %v %v", err, d)
	}
	denial, ok := errors.AsType[*authz.Denied](d.Err())
	if !ok {
		t.Fatalf("the denial is %v, not an *authz.Denied", d.Err())
	}
	encoded := stsapi.EncodeAuthorizationMessage(store, denial)
	stdout, stderr, err = ts.awsCLI(t, ts.Root, "sts", "decode-authorization-message", "--encoded-message", encoded)
	if err != nil {
		t.Fatalf("decode-authorization-message: %v\n%s", err, stderr)
	}
	var out struct{ DecodedMessage string }
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	var m stsapi.DecodedMessage
	if err := json.Unmarshal([]byte(out.DecodedMessage), &m); err != nil {
		t.Fatalf("decoded message %q: %v", out.DecodedMessage, err)
	}
	if m.Allowed || m.Context.Action != "iam:ListUsers" || len(m.Failures.Items) != 1 || m.Failures.Items[0].Sid != "EuOnly" ||
		m.Failures.Items[0].Condition == nil || m.Failures.Items[0].Condition.Key != "aws:RequestedRegion" {
		t.Errorf("decoded message = %s", out.DecodedMessage)
	}
	_, stderr, err = ts.awsCLI(t, ts.Root, "sts", "decode-authorization-message", "--encoded-message", encoded[:len(encoded)-4]+"AAAA")
	if err == nil || !strings.Contains(stderr, "InvalidAuthorizationMessageException") {
		t.Errorf("a tampered message: %v\n%s", err, stderr)
	}
}

// TestE2ERegionDisabled runs Warden with STS active in two regions, set
// through WARDEN_REGIONS: the aws CLI gets RegionDisabledException, with
// HTTP 403, for credentials requested elsewhere.
func TestE2ERegionDisabled(t *testing.T) {
	ts := startServerWith(t, func(m *Main) {
		m.Getenv = func(name string) string {
			if name == "WARDEN_REGIONS" {
				return "us-east-1,eu-central-1"
			}
			return ""
		}
	}, "")
	user := orgAdmin(t, ts, ts.Root, "traveller")
	for _, region := range []string{"us-east-1", "eu-central-1"} {
		if _, stderr, err := ts.awsCLI(t, user, "sts", "get-session-token", "--region", region); err != nil {
			t.Fatalf("get-session-token in %s: %v\n%s", region, err, stderr)
		}
	}
	_, stderr, err := ts.awsCLI(t, user, "sts", "get-session-token", "--region", "eu-west-1", "--debug")
	if err == nil || !strings.Contains(stderr, "An error occurred (RegionDisabledException) when calling the GetSessionToken operation: STS is not activated in this region for account:") ||
		!strings.Contains(stderr, `"POST / HTTP/1.1" 403`) {
		t.Fatalf("get-session-token in eu-west-1: %v\n%s", err, lastLines(stderr, 5))
	}
	// Who am I answers in every region.
	if _, stderr, err := ts.awsCLI(t, user, "sts", "get-caller-identity", "--region", "eu-west-1"); err != nil {
		t.Fatalf("get-caller-identity in eu-west-1: %v\n%s", err, stderr)
	}
	// The SDK sees the model's error and status.
	client := sts.New(sts.Options{Region: "ap-southeast-2", BaseEndpoint: aws.String(ts.Endpoint), Credentials: credentials.StaticCredentialsProvider{Value: user}})
	_, err = client.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if _, ok := errors.AsType[*ststypes.RegionDisabledException](err); !ok {
		t.Fatalf("GetSessionToken in ap-southeast-2: %v; want RegionDisabledException", err)
	}
	var status interface{ HTTPStatusCode() int }
	if !errors.As(err, &status) || status.HTTPStatusCode() != 403 {
		t.Fatalf("GetSessionToken in ap-southeast-2: %v; want HTTP 403", err)
	}
}

func TestE2ERegionsFlagChecked(t *testing.T) {
	for _, regions := range []string{"moon-1", "eu-west-1"} {
		_, stderr, code := runMain(t, "", "serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-listen", "", "--regions", regions)
		if code == 0 || !strings.Contains(stderr, "--regions") {
			t.Errorf("serve --regions %s: exit %d\n%s", regions, code, stderr)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
