package s3api

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cliConfig is an AWS CLI configuration for Warden's path-style endpoint.
// Uploads stay in one PUT up to 64 MiB, so these tests see single PUTs;
// multipart uploads have tests of their own.
const cliConfig = `[default]
region = us-east-1
s3 =
  addressing_style = path
  multipart_threshold = 64MB
  multipart_chunksize = 64MB
`

// rangedDownloadConfig lets the CLI download in 8 MiB ranged parts.
const rangedDownloadConfig = `[default]
region = us-east-1
s3 =
  addressing_style = path
  multipart_chunksize = 8MB
  multipart_threshold = 8MB
`

// awsCLI runs the real aws CLI as the named identity.
func (ts *testServer) awsCLI(t *testing.T, name, config string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bin, lookErr := exec.LookPath("aws")
	if lookErr != nil {
		t.Fatalf("the aws CLI is needed for these tests (.ci/run installs it with pip): %v", lookErr)
	}
	home := t.TempDir()
	configFile := filepath.Join(home, "config")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	id := identities[name]
	cmd := exec.Command(bin, append([]string{"--endpoint-url", ts.URL, "--output", "json"}, args...)...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"AWS_ACCESS_KEY_ID=" + id.keyID,
		"AWS_SECRET_ACCESS_KEY=" + id.secret,
		"AWS_CONFIG_FILE=" + configFile,
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// mustCLI runs the CLI and fails the test if it fails.
func (ts *testServer) mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, err := ts.awsCLI(t, "alice", cliConfig, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

func TestAWSCLI(t *testing.T) {
	t.Parallel() // each CLI run costs seconds of interpreter start-up
	ts := startServer(t)
	dir := t.TempDir()
	small := filepath.Join(dir, "small.txt")
	big := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(small, []byte("a small input\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bigData := bytes.Repeat([]byte("ten mebibytes of job output. "), 362000) // ~10 MiB
	if err := os.WriteFile(big, bigData, 0o600); err != nil {
		t.Fatal(err)
	}

	ts.mustCLI(t, "s3", "mb", "s3://cli-bucket")
	ts.mustCLI(t, "s3", "cp", small, "s3://cli-bucket/inputs/small.txt")
	ts.mustCLI(t, "s3", "cp", small, "s3://cli-bucket/inputs/a key with spaces+(1)!.txt")
	ts.mustCLI(t, "s3", "cp", big, "s3://cli-bucket/outputs/big.bin")

	if out := ts.mustCLI(t, "s3", "ls"); !strings.Contains(out, "cli-bucket") {
		t.Errorf("s3 ls:\n%s", out)
	}
	out := ts.mustCLI(t, "s3", "ls", "s3://cli-bucket/")
	if !strings.Contains(out, "PRE inputs/") || !strings.Contains(out, "PRE outputs/") {
		t.Errorf("s3 ls s3://cli-bucket/:\n%s", out)
	}
	out = ts.mustCLI(t, "s3", "ls", "--recursive", "s3://cli-bucket")
	for _, key := range []string{"inputs/small.txt", "inputs/a key with spaces+(1)!.txt", "outputs/big.bin"} {
		if !strings.Contains(out, key) {
			t.Errorf("s3 ls --recursive lacks %q:\n%s", key, out)
		}
	}

	// Down again: the small file in one GET, the big one in one GET and
	// then in ranged parts.
	back := filepath.Join(dir, "back")
	ts.mustCLI(t, "s3", "cp", "s3://cli-bucket/inputs/a key with spaces+(1)!.txt", back+".txt")
	if data, _ := os.ReadFile(back + ".txt"); string(data) != "a small input\n" {
		t.Errorf("downloaded %q", data)
	}
	ts.mustCLI(t, "s3", "cp", "s3://cli-bucket/outputs/big.bin", back+".bin")
	if data, _ := os.ReadFile(back + ".bin"); !bytes.Equal(data, bigData) {
		t.Errorf("downloaded %d bytes of %d", len(data), len(bigData))
	}
	if _, stderr, err := ts.awsCLI(t, "alice", rangedDownloadConfig, "s3", "cp", "s3://cli-bucket/outputs/big.bin", back+".ranged"); err != nil {
		t.Fatalf("ranged download: %v\n%s", err, stderr)
	}
	if data, _ := os.ReadFile(back + ".ranged"); !bytes.Equal(data, bigData) {
		t.Errorf("ranged download: %d bytes of %d", len(data), len(bigData))
	}

	// s3api: bucket policy.
	policyDoc := `{"Version":"2012-10-17","Statement":[{"Sid":"CrossAccountRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountB + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::cli-bucket/outputs/*"}]}`
	ts.mustCLI(t, "s3api", "put-bucket-policy", "--bucket", "cli-bucket", "--policy", policyDoc)
	var gotPolicy struct{ Policy string }
	if err := json.Unmarshal([]byte(ts.mustCLI(t, "s3api", "get-bucket-policy", "--bucket", "cli-bucket")), &gotPolicy); err != nil || gotPolicy.Policy != policyDoc {
		t.Errorf("get-bucket-policy: %+v, %v", gotPolicy, err)
	}
	// Bob, in the other account, reads outputs through the policy.
	if _, stderr, err := ts.awsCLI(t, "bob", cliConfig, "s3", "cp", "s3://cli-bucket/outputs/big.bin", back+".bob"); err != nil {
		t.Errorf("bob's cross-account read: %v\n%s", err, stderr)
	}
	if _, stderr, err := ts.awsCLI(t, "bob", cliConfig, "s3", "cp", "s3://cli-bucket/inputs/small.txt", back+".bob2"); err == nil || !strings.Contains(stderr, "403") {
		t.Errorf("bob read outside the policy: %v\n%s", err, stderr)
	}
	ts.mustCLI(t, "s3api", "delete-bucket-policy", "--bucket", "cli-bucket")
	if _, stderr, err := ts.awsCLI(t, "alice", cliConfig, "s3api", "get-bucket-policy", "--bucket", "cli-bucket"); err == nil || !strings.Contains(stderr, "NoSuchBucketPolicy") {
		t.Errorf("get-bucket-policy after delete: %v\n%s", err, stderr)
	}
	if _, stderr, err := ts.awsCLI(t, "alice", cliConfig, "s3api", "put-bucket-policy", "--bucket", "cli-bucket", "--policy", `{"Statement":[{"Effect":"Allow"}]}`); err == nil || !strings.Contains(stderr, "MalformedPolicy") {
		t.Errorf("malformed policy: %v\n%s", err, stderr)
	}

	// s3api: tagging.
	ts.mustCLI(t, "s3api", "put-bucket-tagging", "--bucket", "cli-bucket", "--tagging", "TagSet=[{Key=project,Value=connect-health},{Key=stage,Value=test}]")
	var tags struct{ TagSet []struct{ Key, Value string } }
	if err := json.Unmarshal([]byte(ts.mustCLI(t, "s3api", "get-bucket-tagging", "--bucket", "cli-bucket")), &tags); err != nil || len(tags.TagSet) != 2 || tags.TagSet[0].Value != "connect-health" {
		t.Errorf("get-bucket-tagging: %+v, %v", tags, err)
	}

	// s3api: listing with prefix and delimiter (the CLI asks for
	// encoding-type=url and decodes the keys).
	var listing struct {
		Contents       []struct{ Key string }
		CommonPrefixes []struct{ Prefix string }
	}
	if err := json.Unmarshal([]byte(ts.mustCLI(t, "s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "inputs/", "--delimiter", "/")), &listing); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range listing.Contents {
		keys = append(keys, c.Key)
	}
	if !slices.Equal(keys, []string{"inputs/a key with spaces+(1)!.txt", "inputs/small.txt"}) {
		t.Errorf("list-objects-v2 --prefix inputs/: %q", keys)
	}
	listing.Contents, listing.CommonPrefixes = nil, nil
	if err := json.Unmarshal([]byte(ts.mustCLI(t, "s3api", "list-objects-v2", "--bucket", "cli-bucket", "--delimiter", "/")), &listing); err != nil {
		t.Fatal(err)
	}
	if len(listing.Contents) != 0 || len(listing.CommonPrefixes) != 2 || listing.CommonPrefixes[0].Prefix != "inputs/" {
		t.Errorf("list-objects-v2 --delimiter /: %+v", listing)
	}

	// s3api: head-object, delete-object.
	var head struct {
		ContentLength int64
		ETag          string
	}
	if err := json.Unmarshal([]byte(ts.mustCLI(t, "s3api", "head-object", "--bucket", "cli-bucket", "--key", "inputs/small.txt")), &head); err != nil || head.ContentLength != 14 || head.ETag == "" {
		t.Errorf("head-object: %+v, %v", head, err)
	}
	ts.mustCLI(t, "s3api", "delete-object", "--bucket", "cli-bucket", "--key", "inputs/small.txt")
	if _, stderr, err := ts.awsCLI(t, "alice", cliConfig, "s3api", "head-object", "--bucket", "cli-bucket", "--key", "inputs/small.txt"); err == nil || !strings.Contains(stderr, "404") {
		t.Errorf("head-object after delete: %v\n%s", err, stderr)
	}

	// rb refuses a bucket with objects; rb --force empties it first.
	if _, stderr, err := ts.awsCLI(t, "alice", cliConfig, "s3", "rb", "s3://cli-bucket"); err == nil || !strings.Contains(stderr, "BucketNotEmpty") {
		t.Errorf("rb of a full bucket: %v\n%s", err, stderr)
	}
	ts.mustCLI(t, "s3", "rb", "--force", "s3://cli-bucket")
	if out := ts.mustCLI(t, "s3", "ls"); strings.Contains(out, "cli-bucket") {
		t.Errorf("bucket still listed:\n%s", out)
	}
}

// A bucket in another region answers requests signed for the wrong one
// with AuthorizationHeaderMalformed naming its region; the CLI signs
// again for it.
func TestAWSCLIRegionRedirect(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.mustCLI(t, "s3", "mb", "s3://eu-bucket", "--region", "eu-west-1")
	file := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(file, []byte("hello from us-east-1"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts.mustCLI(t, "s3", "cp", file, "s3://eu-bucket/f.txt")
	if out := ts.mustCLI(t, "s3", "ls", "s3://eu-bucket/"); !strings.Contains(out, "f.txt") {
		t.Errorf("s3 ls:\n%s", out)
	}
	var loc struct{ LocationConstraint string }
	if err := json.Unmarshal([]byte(ts.mustCLI(t, "s3api", "get-bucket-location", "--bucket", "eu-bucket")), &loc); err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Errorf("get-bucket-location: %+v, %v", loc, err)
	}
}
