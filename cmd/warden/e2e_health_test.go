package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/healthapi"
)

// Amazon Connect Health end to end: every `aws connecthealth` command
// against `warden serve`, allowed and denied, the documentation's example
// policies, ABAC, and patient insights jobs run as the domain's role under
// the documentation's service-role trust policy.

// cliJSON runs `aws SERVICE ARGS` and decodes its JSON output ({} for
// commands that print nothing). A failure returns the CLI's error line.
func (ts *testServer) cliJSON(t *testing.T, creds aws.Credentials, service string, args ...string) (map[string]any, *cliError) {
	t.Helper()
	stdout, stderr, err := ts.awsCLI(t, creds, append([]string{service}, args...)...)
	if err != nil {
		return nil, parseCLIError(t, stderr)
	}
	out := map[string]any{}
	if strings.TrimSpace(stdout) != "" {
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%s %s printed %q: %v", service, args[0], stdout, err)
		}
	}
	return out, nil
}

// mustCLIJSON is cliJSON for a command that must succeed.
func (ts *testServer) mustCLIJSON(t *testing.T, creds aws.Credentials, service string, args ...string) map[string]any {
	t.Helper()
	out, cerr := ts.cliJSON(t, creds, service, args...)
	if cerr != nil {
		t.Fatalf("%s %s: %s: %s", service, args[0], cerr.code, cerr.message)
	}
	return out
}

// health runs `aws connecthealth ARGS`; see cliJSON.
func (ts *testServer) health(t *testing.T, creds aws.Credentials, args ...string) (map[string]any, *cliError) {
	t.Helper()
	return ts.cliJSON(t, creds, "connecthealth", args...)
}

// mustHealth is health for a command that must succeed.
func (ts *testServer) mustHealth(t *testing.T, creds aws.Credentials, args ...string) map[string]any {
	t.Helper()
	return ts.mustCLIJSON(t, creds, "connecthealth", args...)
}

// cliError is an error the aws CLI reports: "An error occurred (CODE) when
// calling the OP operation: MESSAGE".
type cliError struct{ code, message string }

var cliErrorRE = regexp.MustCompile(`An error occurred \((\w+)\) when calling the \w+ operation(?: \([^)]*\))?: (.*)`)

func parseCLIError(t *testing.T, stderr string) *cliError {
	t.Helper()
	m := cliErrorRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("the aws CLI failed without an AWS error:\n%s", stderr)
	}
	return &cliError{code: m[1], message: strings.TrimSpace(m[2])}
}

// wantCLIError checks the code of a CLI failure and that its message
// holds each of parts.
func wantCLIError(t *testing.T, cerr *cliError, code string, parts ...string) {
	t.Helper()
	if cerr == nil {
		t.Fatalf("the command succeeded; want %s", code)
	}
	if cerr.code != code {
		t.Fatalf("error %s: %s; want %s", cerr.code, cerr.message, code)
	}
	for _, part := range parts {
		if !strings.Contains(cerr.message, part) {
			t.Fatalf("message\n  %s\nlacks\n  %s", cerr.message, part)
		}
	}
}

// field is the value at path in decoded JSON output, nil where there is
// none.
func field(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		obj, _ := v.(map[string]any)
		v = obj[k]
	}
	return v
}

// str is the string at path, "" where there is none.
func str(m map[string]any, path ...string) string {
	s, _ := field(m, path...).(string)
	return s
}

// healthSeed is a seed policy with its placeholders filled for a domain.
func healthSeed(t *testing.T, name, account, domainID string) string {
	t.Helper()
	return strings.ReplaceAll(seedPolicy(t, name, account), simDomain, domainID)
}

func jobArgs(domainID string, sources ...string) []string {
	in, _ := json.Marshal(map[string]any{"s3Sources": func() []map[string]string {
		var out []map[string]string
		for _, s := range sources {
			out = append(out, map[string]string{"uri": s})
		}
		return out
	}()})
	return []string{"start-patient-insights-job", "--domain-id", domainID,
		"--patient-context", "patientId=patient-1", "--insights-context", "insightsType=PRE_VISIT",
		"--encounter-context", "encounterReason=annual check", "--user-context", "role=CLINICIAN,userId=dr-1",
		"--input-data-config", string(in), "--output-data-config", "s3OutputPath=s3://clinic-out/insights/"}
}

// TestE2EHealthEveryCommand runs every command of `aws connecthealth` as
// the root user, then as a user without permissions, who is refused each
// with AccessDeniedException in AWS's words.
func TestE2EHealthEveryCommand(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	root := ts.Root

	d := ts.mustHealth(t, root, "create-domain", "--name", "clinic", "--tags", "Department=cardiology",
		"--kms-key-arn", "arn:aws:kms:us-east-1:"+account+":key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab")
	id, arn := str(d, "domainId"), str(d, "arn")
	if !regexp.MustCompile(`^dom-[a-z0-9]{16}$`).MatchString(id) || arn != "arn:aws:health-agent:us-east-1:"+account+":domain/"+id ||
		str(d, "status") != "ACTIVE" || str(d, "encryptionContext", "encryptionType") != "CUSTOMER_MANAGED_KEY" {
		t.Fatalf("create-domain = %v", d)
	}
	if got := ts.mustHealth(t, root, "get-domain", "--domain-id", id); str(got, "tags", "Department") != "cardiology" {
		t.Errorf("get-domain = %v", got)
	}
	if got := ts.mustHealth(t, root, "list-domains", "--status", "ACTIVE"); len(got["domains"].([]any)) != 1 {
		t.Errorf("list-domains = %v", got)
	}
	ts.mustHealth(t, root, "tag-resource", "--resource-arn", arn, "--tags", "Owner=root")
	ts.mustHealth(t, root, "untag-resource", "--resource-arn", arn, "--tag-keys", "Department")
	if got := ts.mustHealth(t, root, "list-tags-for-resource", "--resource-arn", arn); str(got, "tags", "Owner") != "root" || str(got, "tags", "Department") != "" {
		t.Errorf("list-tags-for-resource = %v", got)
	}
	sub := ts.mustHealth(t, root, "create-subscription", "--domain-id", id)
	subID := str(sub, "subscriptionId")
	if str(sub, "status") != "ACTIVE" || str(sub, "arn") != arn+"/subscription/"+subID {
		t.Fatalf("create-subscription = %v", sub)
	}
	if got := ts.mustHealth(t, root, "deactivate-subscription", "--domain-id", id, "--subscription-id", subID); str(got, "subscription", "status") != "INACTIVE" {
		t.Errorf("deactivate-subscription = %v", got)
	}
	if got := ts.mustHealth(t, root, "activate-subscription", "--domain-id", id, "--subscription-id", subID); str(got, "subscription", "status") != "ACTIVE" {
		t.Errorf("activate-subscription = %v", got)
	}
	if got := ts.mustHealth(t, root, "get-subscription", "--domain-id", id, "--subscription-id", subID); str(got, "subscription", "subscriptionId") != subID {
		t.Errorf("get-subscription = %v", got)
	}
	if got := ts.mustHealth(t, root, "list-subscriptions", "--domain-id", id); len(got["subscriptions"].([]any)) != 1 {
		t.Errorf("list-subscriptions = %v", got)
	}
	job := ts.mustHealth(t, root, jobArgs(id, "s3://clinic-in/notes.txt")...)
	jobID := str(job, "jobId")
	if str(job, "jobArn") != arn+"/patient-insights-job/"+jobID {
		t.Fatalf("start-patient-insights-job = %v", job)
	}
	if got := ts.mustHealth(t, root, "get-patient-insights-job", "--domain-id", id, "--job-id", jobID); str(got, "patientContext", "patientId") != "patient-1" {
		t.Errorf("get-patient-insights-job = %v", got)
	}
	// Sessions come from streaming: none is found.
	session := "0f8fad5b-d9cb-469f-a165-70867728950e"
	_, cerr := ts.health(t, root, "get-medical-scribe-listening-session", "--domain-id", id, "--subscription-id", subID, "--session-id", session)
	wantCLIError(t, cerr, "ResourceNotFoundException", session)

	// A user without permissions is refused every command.
	createUsers(t, ts, "nobody")
	nobody := userCredentials(t, ts, "nobody")
	refused := func(action, resource string) string {
		return denied(account, "nobody", "health-agent:"+action, resource, "because no identity-based policy allows the health-agent:"+action+" action")
	}
	var denials []denial
	for _, tt := range []denial{
		{[]string{"create-domain", "--name", "x"}, "CreateDomain", "*"},
		{[]string{"get-domain", "--domain-id", id}, "GetDomain", arn},
		{[]string{"list-domains"}, "ListDomains", "*"},
		{[]string{"delete-domain", "--domain-id", id}, "DeleteDomain", arn},
		{[]string{"tag-resource", "--resource-arn", arn, "--tags", "k=v"}, "TagResource", arn},
		{[]string{"untag-resource", "--resource-arn", arn, "--tag-keys", "Owner"}, "UntagResource", arn},
		{[]string{"list-tags-for-resource", "--resource-arn", arn}, "ListTagsForResource", arn},
		{[]string{"create-subscription", "--domain-id", id}, "CreateSubscription", arn},
		{[]string{"get-subscription", "--domain-id", id, "--subscription-id", subID}, "GetSubscription", arn},
		{[]string{"list-subscriptions", "--domain-id", id}, "ListSubscriptions", arn},
		{[]string{"activate-subscription", "--domain-id", id, "--subscription-id", subID}, "ActivateSubscription", arn},
		{[]string{"deactivate-subscription", "--domain-id", id, "--subscription-id", subID}, "DeactivateSubscription", arn},
		{jobArgs(id, "s3://clinic-in/notes.txt"), "StartPatientInsightsJob", arn},
		{[]string{"get-patient-insights-job", "--domain-id", id, "--job-id", jobID}, "GetPatientInsightsJob", arn},
		{[]string{"get-medical-scribe-listening-session", "--domain-id", id, "--subscription-id", subID, "--session-id", session},
			"GetMedicalScribeListeningSession", arn},
	} {
		denials = append(denials, tt)
	}
	t.Run("denied", func(t *testing.T) {
		for _, tt := range denials {
			t.Run(tt.args[0], func(t *testing.T) {
				t.Parallel()
				_, cerr := ts.health(t, nobody, tt.args...)
				wantCLIError(t, cerr, "AccessDeniedException", refused(tt.action, tt.resource))
			})
		}
	})

	// Last, once the denials have left the domain as it was.
	if got := ts.mustHealth(t, root, "delete-domain", "--domain-id", id); str(got, "status") != "DELETING" {
		t.Errorf("delete-domain = %v", got)
	}
	waitForCLI(t, func() bool {
		return str(ts.mustHealth(t, root, "get-domain", "--domain-id", id), "status") == "DELETED"
	})
	if got := ts.mustHealth(t, root, "get-subscription", "--domain-id", id, "--subscription-id", subID); str(got, "subscription", "status") != "DELETED" {
		t.Errorf("the subscription of a deleted domain: %v", got)
	}
}

// denial is a command a user without permissions runs, with the action
// and resource its AccessDeniedException names.
type denial struct {
	args     []string
	action   string
	resource string
}

// waitForCLI polls cond, which runs the CLI, for at most 30 seconds.
func waitForCLI(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting")
}

// signedHealthRequest sends a restJson1 request signed as the SDKs sign
// it, for what the CLI does not show: statuses and headers.
func signedHealthRequest(t *testing.T, ts *testServer, creds aws.Credentials, method, path, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequestWithContext(t.Context(), method, ts.Endpoint+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "health-agent", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := ts.client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// The wire as Connect Health's model has it: 201 on create, 204 on
// tagging, 401 for AccessDeniedException with X-Amzn-ErrorType and a JSON
// message, 402 for a quota.
func TestE2EHealthWire(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	resp, body := signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/domain", `{"name":"clinic"}`)
	var d struct{ DomainId, Arn string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &d) != nil || d.DomainId == "" {
		t.Fatalf("CreateDomain: %d %s", resp.StatusCode, body)
	}
	label := strings.ReplaceAll(strings.ReplaceAll(d.Arn, ":", "%3A"), "/", "%2F")
	resp, body = signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/tags/"+label, `{"tags":{"k":"v"}}`)
	if resp.StatusCode != http.StatusNoContent || body != "" {
		t.Errorf("TagResource: %d %q", resp.StatusCode, body)
	}
	resp, body = signedHealthRequest(t, ts, ts.Root, http.MethodDelete, "/tags/"+label+"?tagKeys=k&tagKeys=absent", "")
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("UntagResource: %d %q", resp.StatusCode, body)
	}
	createUsers(t, ts, "nobody")
	resp, body = signedHealthRequest(t, ts, userCredentials(t, ts, "nobody"), http.MethodGet, "/domain/"+d.DomainId, "")
	want := `{"message":"` + denied(account, "nobody", "health-agent:GetDomain", d.Arn, "because no identity-based policy allows the health-agent:GetDomain action") + `"}`
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("X-Amzn-Errortype") != "AccessDeniedException" || body != want {
		t.Errorf("denied GetDomain: %d %s %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), body)
	}
	for range warden.MaxDomainsPerRegion - 1 {
		if resp, body := signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/domain", `{"name":"more"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("CreateDomain: %d %s", resp.StatusCode, body)
		}
	}
	resp, body = signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/domain", `{"name":"eleventh"}`)
	if resp.StatusCode != http.StatusPaymentRequired || resp.Header.Get("X-Amzn-Errortype") != "ServiceQuotaExceededException" {
		t.Errorf("eleventh domain: %d %s %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), body)
	}
	_, cerr := ts.health(t, ts.Root, "create-domain", "--name", "eleventh")
	wantCLIError(t, cerr, "ServiceQuotaExceededException", "quota of 10 domains")
}

// The documentation's Examples 1, 4 and 5.
func TestE2EHealthSeedPolicies(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	mine := ts.mustHealth(t, ts.Root, "create-domain", "--name", "mine")
	other := ts.mustHealth(t, ts.Root, "create-domain", "--name", "other")
	mineID, otherID := str(mine, "domainId"), str(other, "domainId")
	createUsers(t, ts, "clinician", "admin", "reader")

	t.Run("Example 1: full access to one domain", func(t *testing.T) {
		putUserPolicy(t, ts, "clinician", "OneDomain", healthSeed(t, "connect-health--ex1-full-access-one-domain.json", account, mineID))
		c := userCredentials(t, ts, "clinician")
		ts.mustHealth(t, c, "get-domain", "--domain-id", mineID)
		ts.mustHealth(t, c, "list-subscriptions", "--domain-id", mineID)
		ts.mustHealth(t, c, "tag-resource", "--resource-arn", str(mine, "arn"), "--tags", "Team=blue")
		_, cerr := ts.health(t, c, "get-domain", "--domain-id", otherID)
		wantCLIError(t, cerr, "AccessDeniedException", denied(account, "clinician", "health-agent:GetDomain", str(other, "arn"),
			"because no identity-based policy allows the health-agent:GetDomain action"))
		// A subscription is a resource of its own: the policy names the
		// domain and its integrations, not its subscriptions.
		_, cerr = ts.health(t, c, "create-subscription", "--domain-id", mineID)
		wantCLIError(t, cerr, "AccessDeniedException", "health-agent:CreateSubscription on resource: "+str(mine, "arn")+"/subscription/sub-")
		_, cerr = ts.health(t, c, "list-domains")
		wantCLIError(t, cerr, "AccessDeniedException", "health-agent:ListDomains on resource: *")
	})
	t.Run("Example 4: full access to everything", func(t *testing.T) {
		putUserPolicy(t, ts, "admin", "All", seedPolicy(t, "connect-health--ex4-full-access-all.json", account))
		c := userCredentials(t, ts, "admin")
		d := ts.mustHealth(t, c, "create-domain", "--name", "admins", "--tags", "Owner=admin")
		sub := ts.mustHealth(t, c, "create-subscription", "--domain-id", str(d, "domainId"))
		ts.mustHealth(t, c, "deactivate-subscription", "--domain-id", str(d, "domainId"), "--subscription-id", str(sub, "subscriptionId"))
		ts.mustHealth(t, c, "list-domains")
		ts.mustHealth(t, c, "delete-domain", "--domain-id", str(d, "domainId"))
	})
	t.Run("Example 5: read with deny on delete", func(t *testing.T) {
		putUserPolicy(t, ts, "reader", "ReadOnly", seedPolicy(t, "connect-health--ex5-readonly-deny-destructive.json", account))
		c := userCredentials(t, ts, "reader")
		ts.mustHealth(t, c, "get-domain", "--domain-id", mineID)
		_, cerr := ts.health(t, c, "delete-domain", "--domain-id", mineID)
		wantCLIError(t, cerr, "AccessDeniedException", denied(account, "reader", "health-agent:DeleteDomain", str(mine, "arn"),
			"with an explicit deny in an identity-based policy"))
	})
}

// ABAC: GetDomain only where the domain's Department tag is the caller's;
// CreateDomain only with an Owner tag naming the caller.
func TestE2EHealthABAC(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	cardio := ts.mustHealth(t, ts.Root, "create-domain", "--name", "cardio", "--tags", "Department=cardiology")
	onco := ts.mustHealth(t, ts.Root, "create-domain", "--name", "onco", "--tags", "Department=oncology")
	if _, err := ts.iam(ts.Root).CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("alice"),
		Tags: []iamtypes.Tag{{Key: aws.String("Department"), Value: aws.String("cardiology")}}}); err != nil {
		t.Fatal(err)
	}
	putUserPolicy(t, ts, "alice", "abac", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"health-agent:GetDomain","Resource":"*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/Department":"${aws:PrincipalTag/Department}"}}},
		{"Effect":"Allow","Action":["health-agent:CreateDomain","health-agent:TagResource"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:RequestTag/Owner":"${aws:username}"}}}]}`)
	alice := userCredentials(t, ts, "alice")

	ts.mustHealth(t, alice, "get-domain", "--domain-id", str(cardio, "domainId"))
	_, cerr := ts.health(t, alice, "get-domain", "--domain-id", str(onco, "domainId"))
	wantCLIError(t, cerr, "AccessDeniedException", denied(account, "alice", "health-agent:GetDomain", str(onco, "arn"),
		"because no identity-based policy allows the health-agent:GetDomain action"))

	ts.mustHealth(t, alice, "create-domain", "--name", "alices", "--tags", "Owner=alice")
	_, cerr = ts.health(t, alice, "create-domain", "--name", "untagged")
	wantCLIError(t, cerr, "AccessDeniedException", "health-agent:CreateDomain on resource: *")
	_, cerr = ts.health(t, alice, "create-domain", "--name", "bobs", "--tags", "Owner=bob")
	wantCLIError(t, cerr, "AccessDeniedException", "health-agent:CreateDomain on resource: *")
	// Retagging the domain away from her department takes it out of reach.
	ts.mustHealth(t, ts.Root, "tag-resource", "--resource-arn", str(cardio, "arn"), "--tags", "Department=oncology")
	_, cerr = ts.health(t, alice, "get-domain", "--domain-id", str(cardio, "domainId"))
	wantCLIError(t, cerr, "AccessDeniedException", "health-agent:GetDomain")
}

// A patient insights job runs as the domain's role, which Connect Health
// assumes for the job: the seed's service-role trust policy, scoped to
// the domain and account, lets it in for the right domain only, and a
// refused job FAILS saying which action on which resource was denied and
// why.
func TestE2EHealthPatientInsightsJob(t *testing.T) {
	var storage *healthapi.MemoryJobStorage
	ts := startServerWith(t, func(m *Main) {
		m.healthJobStorage = func(_ warden.Store, az *authz.Authorizer) healthapi.JobStorage {
			storage = healthapi.NewMemoryJobStorage(az)
			return storage
		}
	}, "")
	account := serverAccount(t, ts)
	storage.Put("s3://clinic-in/notes.txt", []byte("patient notes"))
	// The seed names the account twice: in aws:SourceArn and in
	// aws:SourceAccount.
	trust := func(trusted, domainID string) string {
		return strings.ReplaceAll(healthSeed(t, "connect-health--service-role-trust.json", account, domainID), account, trusted)
	}
	role := createRole(t, ts, "ConnectHealthServiceRole", trust(account, simDomain), `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-in/*"},
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`)
	web := "ehrRole=" + role + ",idcInstanceId=ssoins-1234,idcRegion=us-east-1"
	right := ts.mustHealth(t, ts.Root, "create-domain", "--name", "right", "--web-app-setup-configuration", web)
	wrong := ts.mustHealth(t, ts.Root, "create-domain", "--name", "wrong", "--web-app-setup-configuration", web)
	setTrust := func(doc string) {
		t.Helper()
		if _, err := ts.iam(ts.Root).UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
			RoleName: aws.String("ConnectHealthServiceRole"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	setTrust(trust(account, str(right, "domainId")))
	run := func(d map[string]any) map[string]any {
		t.Helper()
		job := ts.mustHealth(t, ts.Root, jobArgs(str(d, "domainId"), "s3://clinic-in/notes.txt")...)
		var got map[string]any
		waitForCLI(t, func() bool {
			got = ts.mustHealth(t, ts.Root, "get-patient-insights-job", "--domain-id", str(d, "domainId"), "--job-id", str(job, "jobId"))
			status := str(got, "jobStatus")
			return status == "SUCCEEDED" || status == "FAILED"
		})
		return got
	}
	assumeDenied := []string{"Amazon Connect Health could not assume role " + role,
		"User: health-agent.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: " + role,
		"because no resource-based policy allows the sts:AssumeRole action"}

	t.Run("the right domain", func(t *testing.T) {
		job := run(right)
		out := str(job, "insightsOutput", "uri")
		if str(job, "jobStatus") != "SUCCEEDED" || out != "s3://clinic-out/insights/"+str(job, "jobId")+"/patient-insights.json" {
			t.Fatalf("job = %v", job)
		}
		if _, ok := storage.Object(out); !ok {
			t.Errorf("no output at %s", out)
		}
		session := warden.AssumedRoleARN(account, "ConnectHealthServiceRole", "patient-insights-"+str(job, "jobId"))
		if callers := storage.Callers(); len(callers) == 0 || callers[len(callers)-1] != session {
			t.Errorf("S3 was called by %v; want %s", callers, session)
		}
	})
	t.Run("another domain", func(t *testing.T) {
		job := run(wrong)
		if str(job, "jobStatus") != "FAILED" || job["insightsOutput"] != nil {
			t.Fatalf("job = %v", job)
		}
		for _, part := range assumeDenied {
			if !strings.Contains(str(job, "statusDetails"), part) {
				t.Errorf("statusDetails %q lacks %q", str(job, "statusDetails"), part)
			}
		}
	})
	t.Run("another account", func(t *testing.T) {
		setTrust(trust("999988887777", str(right, "domainId")))
		job := run(right)
		if str(job, "jobStatus") != "FAILED" {
			t.Fatalf("job = %v", job)
		}
		for _, part := range assumeDenied {
			if !strings.Contains(str(job, "statusDetails"), part) {
				t.Errorf("statusDetails %q lacks %q", str(job, "statusDetails"), part)
			}
		}
	})
	t.Run("idempotent client token", func(t *testing.T) {
		args := append(jobArgs(str(right, "domainId"), "s3://clinic-in/notes.txt"), "--client-token", "token-1")
		first := ts.mustHealth(t, ts.Root, args...)
		again := ts.mustHealth(t, ts.Root, args...)
		if str(first, "jobId") == "" || str(again, "jobId") != str(first, "jobId") {
			t.Errorf("two starts with one token: %v, %v", first, again)
		}
		changed := append(jobArgs(str(right, "domainId"), "s3://clinic-in/other.txt"), "--client-token", "token-1")
		_, cerr := ts.health(t, ts.Root, changed...)
		wantCLIError(t, cerr, "ConflictException", "token-1")
	})
}
