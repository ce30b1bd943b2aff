package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestE2ES3 drives Warden's S3 through `warden serve` with the real aws
// CLI: the root user creates a bucket and copies objects in and out; a user
// is allowed by an identity policy scoped to one prefix, and denied
// elsewhere; a bucket policy's explicit deny wins over the root user's
// permissions.
func TestE2ES3(t *testing.T) {
	ts := startServer(t, "")
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.json")
	if err := os.WriteFile(file, []byte(`{"patient":"synthetic"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(creds aws.Credentials, args ...string) (string, string, error) {
		t.Helper()
		return ts.awsCLI(t, creds, args...)
	}
	mustRun := func(creds aws.Credentials, args ...string) string {
		t.Helper()
		out, stderr, err := run(creds, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}

	mustRun(ts.Root, "s3", "mb", "s3://clinic-data")
	mustRun(ts.Root, "s3", "cp", file, "s3://clinic-data/inputs/notes.json")
	mustRun(ts.Root, "s3", "cp", file, "s3://clinic-data/private/notes.json")
	if out := mustRun(ts.Root, "s3", "ls", "s3://clinic-data/inputs/"); !strings.Contains(out, "notes.json") {
		t.Errorf("s3 ls: %s", out)
	}
	back := filepath.Join(dir, "back.json")
	mustRun(ts.Root, "s3", "cp", "s3://clinic-data/inputs/notes.json", back)
	if got, _ := os.ReadFile(back); string(got) != `{"patient":"synthetic"}` {
		t.Errorf("downloaded %q", got)
	}

	createUsers(t, ts, "reader")
	_, err := ts.iam(ts.Root).PutUserPolicy(t.Context(), &iam.PutUserPolicyInput{
		UserName: aws.String("reader"), PolicyName: aws.String("inputs"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-data/inputs/*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	reader := userCredentials(t, ts, "reader")
	mustRun(reader, "s3api", "get-object", "--bucket", "clinic-data", "--key", "inputs/notes.json", filepath.Join(dir, "r.json"))
	if _, stderr, err := run(reader, "s3api", "get-object", "--bucket", "clinic-data", "--key", "private/notes.json", filepath.Join(dir, "p.json")); err == nil || !strings.Contains(stderr, "AccessDenied") {
		t.Errorf("reader outside its prefix: err %v, stderr %s", err, stderr)
	}

	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::clinic-data/*"}]}`
	mustRun(ts.Root, "s3api", "put-bucket-policy", "--bucket", "clinic-data", "--policy", deny)
	if _, stderr, err := run(ts.Root, "s3", "rm", "s3://clinic-data/inputs/notes.json"); err == nil || !strings.Contains(stderr, "AccessDenied") {
		t.Errorf("delete under a denying bucket policy: err %v, stderr %s", err, stderr)
	}
}
