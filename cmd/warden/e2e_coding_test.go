package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// codingCommand runs `warden health ARGS` with the credentials and the
// server's endpoint in the environment (AWS_ENDPOINT_URL, where console
// passes --endpoint-url); see consoleEnv.
func (ts *testServer) codingCommand(t *testing.T, creds aws.Credentials, args ...string) (map[string]any, *cliError) {
	t.Helper()
	env := map[string]string{"AWS_ACCESS_KEY_ID": creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey,
		"AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": ts.Endpoint}
	return ts.consoleEnv(t, env, args...)
}

// TestE2EMedicalCodingJob runs medical coding jobs through `warden health`
// against Warden's own S3: the job assumes the domain's role, trusted with
// the seed's service-role trust policy and holding the seed's permissions
// policy, and writes its output as that role, which the bucket's policy
// lets in; a bucket policy that denies the role fails the job with the
// denial's reason. Who may start jobs is decided as the user guide says.
func TestE2EMedicalCodingJob(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	s3 := func(args ...string) string {
		t.Helper()
		return ts.mustAWS(t, ts.Root, args...)
	}
	s3("s3", "mb", "s3://clinic-out")

	// The seed's permissions policy grants no S3 access; the bucket's
	// policy grants the role its writes.
	role := createRole(t, ts, "ConnectHealthServiceRole", healthSeed(t, "connect-health--service-role-trust.json", account, simDomain),
		healthSeed(t, "connect-health--service-role-permissions.json", account, simDomain))
	domain := ts.mustHealth(t, ts.Root, "create-domain", "--name", "clinic",
		"--web-app-setup-configuration", "ehrRole="+role+",idcInstanceId=ssoins-1234,idcRegion=us-east-1")
	domainID := str(domain, "domainId")
	if _, err := ts.iam(ts.Root).UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String("ConnectHealthServiceRole"), PolicyDocument: aws.String(healthSeed(t, "connect-health--service-role-trust.json", account, domainID))}); err != nil {
		t.Fatal(err)
	}
	s3("s3api", "put-bucket-policy", "--bucket", "clinic-out", "--policy",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+role+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`)

	note := filepath.Join(t.TempDir(), "note.txt")
	if err := os.WriteFile(note, []byte("Synthetic note: follow-up visit, blood pressure reviewed."), 0o600); err != nil {
		t.Fatal(err)
	}
	startArgs := func(command string) []string {
		return []string{command, "--domain-id", domainID, "--text", "file://" + note,
			"--encounter-context", "encounterDate=2026-01-15,encounterType=IN_PERSON,encounterDurationMinutes=20,afterHours=false",
			"--patient-context", `{"dateOfBirth":"1970-01-01","sex":"FEMALE","status":"ESTABLISHED","insurance":"Medicare"}`,
			"--output-data-config", "s3OutputPath=s3://clinic-out/codes/"}
	}
	run := func(creds aws.Credentials, command string) map[string]any {
		t.Helper()
		job, cerr := ts.codingCommand(t, creds, startArgs(command)...)
		if cerr != nil {
			t.Fatalf("%s: %s: %s", command, cerr.code, cerr.message)
		}
		var got map[string]any
		waitForCLI(t, func() bool {
			var cerr *cliError
			got, cerr = ts.codingCommand(t, ts.Root, "get-medical-coding-job", "--domain-id", domainID, "--job-id", str(job, "jobId"))
			if cerr != nil {
				t.Fatalf("get-medical-coding-job: %s: %s", cerr.code, cerr.message)
			}
			status := str(got, "jobStatus")
			return status == "SUCCEEDED" || status == "FAILED"
		})
		return got
	}

	job := run(ts.Root, "start-medical-coding-job")
	key := "codes/" + str(job, "jobId") + "/medical-codes.json"
	if str(job, "jobStatus") != "SUCCEEDED" || str(job, "medicalCodingOutput", "uri") != "s3://clinic-out/"+key ||
		str(job, "encounterContext", "encounterType") != "IN_PERSON" || !strings.HasPrefix(str(job, "text"), "Synthetic note") {
		t.Fatalf("job = %v", job)
	}
	output := filepath.Join(t.TempDir(), "codes.json")
	s3("s3", "cp", "s3://clinic-out/"+key, output)
	body, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "runs no coding model") || !strings.Contains(string(body), `"sha256"`) || strings.Contains(string(body), "blood pressure") {
		t.Errorf("the output does not say what it is, or repeats the note:\n%s", body)
	}

	// The console's permission starts the same jobs, and only those.
	createUser := func(name, policy string) aws.Credentials {
		t.Helper()
		createUsers(t, ts, name)
		if policy != "" {
			putUserPolicy(t, ts, name, "p", policy)
		}
		return userCredentials(t, ts, name)
	}
	console := createUser("console", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"health-agent:GenerateMedicalCodes","Resource":"*"}]}`)
	if job := run(console, "generate-medical-codes"); str(job, "jobStatus") != "SUCCEEDED" {
		t.Fatalf("console job = %v", job)
	}
	_, cerr := ts.codingCommand(t, console, startArgs("start-medical-coding-job")...)
	wantCLIError(t, cerr, "AccessDeniedException", "health-agent:StartMedicalCodingJob on resource: arn:aws:health-agent:us-east-1:"+account+":domain/"+domainID)
	_, cerr = ts.codingCommand(t, createUser("nobody", ""), startArgs("generate-medical-codes")...)
	wantCLIError(t, cerr, "AccessDeniedException", "health-agent:GenerateMedicalCodes on resource: *")

	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"` + role + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`
	s3("s3api", "put-bucket-policy", "--bucket", "clinic-out", "--policy", deny)
	failed := run(ts.Root, "start-medical-coding-job")
	details := str(failed, "statusDetails")
	if str(failed, "jobStatus") != "FAILED" || str(failed, "medicalCodingOutput", "uri") != "" || !strings.Contains(details, "s3:PutObject") ||
		!strings.Contains(details, "assumed-role/ConnectHealthServiceRole/medical-coding-"+str(failed, "jobId")) ||
		!strings.Contains(details, "explicit deny in a resource-based policy") {
		t.Fatalf("job under a denying bucket policy = %v", failed)
	}
}
