package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
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

// TestE2ES3Multipart copies a 20 MiB file in and out with the real aws
// CLI, which uploads files above 8 MiB in 8 MiB parts, drives the
// multipart operations one by one with s3api, and checks that a bucket
// policy denying s3:PutObject stops a multipart upload.
func TestE2ES3Multipart(t *testing.T) {
	ts := startServer(t, "")
	dir := t.TempDir()
	data := make([]byte, 20<<20)
	rng := rand.NewChaCha8([32]byte{'w', 'a', 'r', 'd', 'e', 'n'})
	_, _ = rng.Read(data)
	file := filepath.Join(dir, "scan.bin")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string, error) {
		t.Helper()
		return ts.awsCLI(t, ts.Root, args...)
	}
	mustRun := func(args ...string) string {
		t.Helper()
		return ts.mustAWS(t, ts.Root, args...)
	}
	wantError := func(code string, args ...string) {
		t.Helper()
		if _, stderr, err := run(args...); err == nil || !strings.Contains(stderr, code) {
			t.Errorf("aws %s: err %v, want %s; stderr %s", strings.Join(args, " "), err, code, stderr)
		}
	}

	mustRun("s3", "mb", "s3://imaging")
	mustRun("s3", "cp", file, "s3://imaging/scans/scan.bin")
	var head struct{ ETag string }
	if err := json.Unmarshal([]byte(mustRun("s3api", "head-object", "--bucket", "imaging", "--key", "scans/scan.bin")), &head); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(head.ETag, `-3"`) {
		t.Errorf("ETag %s: want the ETag of a 3-part upload", head.ETag)
	}
	back := filepath.Join(dir, "back.bin")
	mustRun("s3", "cp", "s3://imaging/scans/scan.bin", back)
	if got, err := os.ReadFile(back); err != nil || !bytes.Equal(got, data) {
		t.Errorf("downloaded %d bytes, err %v; want the 20 MiB uploaded", len(got), err)
	}

	// The operations one by one.
	var created struct{ UploadId string }
	if err := json.Unmarshal([]byte(mustRun("s3api", "create-multipart-upload", "--bucket", "imaging", "--key", "notes.txt")), &created); err != nil || created.UploadId == "" {
		t.Fatalf("create-multipart-upload: %+v, %v", created, err)
	}
	part := filepath.Join(dir, "part.txt")
	if err := os.WriteFile(part, []byte("one small part"), 0o600); err != nil {
		t.Fatal(err)
	}
	var uploaded struct{ ETag string }
	if err := json.Unmarshal([]byte(mustRun("s3api", "upload-part", "--bucket", "imaging", "--key", "notes.txt", "--upload-id", created.UploadId,
		"--part-number", "1", "--body", part)), &uploaded); err != nil {
		t.Fatal(err)
	}
	if out := mustRun("s3api", "list-parts", "--bucket", "imaging", "--key", "notes.txt", "--upload-id", created.UploadId); !strings.Contains(out, `"PartNumber": 1`) {
		t.Errorf("list-parts: %s", out)
	}
	wantError("NoSuchUpload", "s3api", "upload-part", "--bucket", "imaging", "--key", "notes.txt", "--upload-id", "0123456789abcdef0123456789abcdef",
		"--part-number", "1", "--body", part)
	wantError("InvalidPart", "s3api", "complete-multipart-upload", "--bucket", "imaging", "--key", "notes.txt", "--upload-id", created.UploadId,
		"--multipart-upload", `{"Parts":[{"PartNumber":1,"ETag":"\"00000000000000000000000000000000\""}]}`)
	parts, _ := json.Marshal(map[string]any{"Parts": []map[string]any{{"PartNumber": 1, "ETag": uploaded.ETag}}})
	mustRun("s3api", "complete-multipart-upload", "--bucket", "imaging", "--key", "notes.txt", "--upload-id", created.UploadId, "--multipart-upload", string(parts))
	mustRun("s3", "cp", "s3://imaging/notes.txt", filepath.Join(dir, "notes.txt"))
	if got, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(got) != "one small part" {
		t.Errorf("completed object holds %q", got)
	}
	wantError("NoSuchUpload", "s3api", "list-parts", "--bucket", "imaging", "--key", "notes.txt", "--upload-id", created.UploadId)

	if err := json.Unmarshal([]byte(mustRun("s3api", "create-multipart-upload", "--bucket", "imaging", "--key", "abandoned")), &created); err != nil {
		t.Fatal(err)
	}
	mustRun("s3api", "abort-multipart-upload", "--bucket", "imaging", "--key", "abandoned", "--upload-id", created.UploadId)
	// The denied copy below must leave no upload behind either: the
	// listing at the end finds none.

	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::imaging/*"}]}`
	mustRun("s3api", "put-bucket-policy", "--bucket", "imaging", "--policy", deny)
	wantError("AccessDenied", "s3", "cp", file, "s3://imaging/scans/again.bin")
	wantError("AccessDenied", "s3api", "create-multipart-upload", "--bucket", "imaging", "--key", "denied")
	if out := mustRun("s3api", "list-multipart-uploads", "--bucket", "imaging"); strings.Contains(out, "UploadId") {
		t.Errorf("uploads left after denied and aborted uploads: %s", out)
	}
}
