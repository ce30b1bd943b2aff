package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestE2EHealthJobWithWardenS3 runs a patient insights job against
// Warden's own S3, everything driven through the real aws CLI: the job
// reads its input and writes its output as the domain's role, and a bucket
// policy that denies the role fails the job with the denial's reason.
func TestE2EHealthJobWithWardenS3(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	s3 := func(args ...string) string {
		t.Helper()
		return ts.mustAWS(t, ts.Root, args...)
	}
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("synthetic patient notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	s3("s3", "mb", "s3://clinic-in")
	s3("s3", "mb", "s3://clinic-out")
	s3("s3", "cp", notes, "s3://clinic-in/notes.txt")

	role := createRole(t, ts, "ConnectHealthServiceRole", healthSeed(t, "connect-health--service-role-trust.json", account, simDomain),
		`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-in/*"},
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`)
	domain := ts.mustHealth(t, ts.Root, "create-domain", "--name", "clinic",
		"--web-app-setup-configuration", "ehrRole="+role+",idcInstanceId=ssoins-1234,idcRegion=us-east-1")
	domainID := str(domain, "domainId")
	if _, err := ts.iam(ts.Root).UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String("ConnectHealthServiceRole"), PolicyDocument: aws.String(healthSeed(t, "connect-health--service-role-trust.json", account, domainID))}); err != nil {
		t.Fatal(err)
	}
	run := func() map[string]any {
		t.Helper()
		job := ts.mustHealth(t, ts.Root, jobArgs(domainID, "s3://clinic-in/notes.txt")...)
		var got map[string]any
		waitForCLI(t, func() bool {
			got = ts.mustHealth(t, ts.Root, "get-patient-insights-job", "--domain-id", domainID, "--job-id", str(job, "jobId"))
			status := str(got, "jobStatus")
			return status == "SUCCEEDED" || status == "FAILED"
		})
		return got
	}

	job := run()
	if str(job, "jobStatus") != "SUCCEEDED" {
		t.Fatalf("job = %v", job)
	}
	listing := s3("s3", "ls", "--recursive", "s3://clinic-out/insights/")
	if !strings.Contains(listing, str(job, "jobId")+"/patient-insights.json") {
		t.Fatalf("the output is not in Warden's S3:\n%s", listing)
	}
	output := filepath.Join(t.TempDir(), "out.json")
	s3("s3", "cp", "s3://clinic-out/insights/"+str(job, "jobId")+"/patient-insights.json", output)
	if body, _ := os.ReadFile(output); !strings.Contains(string(body), "s3://clinic-in/notes.txt") {
		t.Errorf("the output does not list the input it read:\n%s", body)
	}

	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"` + role + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-in/*"}]}`
	s3("s3api", "put-bucket-policy", "--bucket", "clinic-in", "--policy", deny)
	failed := run()
	details := str(failed, "statusDetails")
	if str(failed, "jobStatus") != "FAILED" || !strings.Contains(details, "s3:GetObject") || !strings.Contains(details, "explicit deny in a resource-based policy") {
		t.Fatalf("job under a denying bucket policy = %v", failed)
	}
}
