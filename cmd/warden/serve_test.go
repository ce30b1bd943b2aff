package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// testServer is `warden serve` running in-process on a real SQLite file.
type testServer struct {
	Endpoint string
	Admin    string
	Dir      string
	Root     aws.Credentials
	stop     func()
	// caFile and https are set for a server started with --tls-cert: the
	// PEM file of the certificate's issuer, and a client that trusts it.
	caFile string
	https  *http.Client
}

// client is the HTTP client for requests to the endpoint.
func (ts *testServer) client() *http.Client {
	if ts.https != nil {
		return ts.https
	}
	return http.DefaultClient
}

// startServer runs `warden serve` with a fresh data directory (or dir, when
// given) on free loopback ports and stops it when the test ends.
func startServer(t testing.TB, dir string, args ...string) *testServer {
	t.Helper()
	return startServerWith(t, nil, dir, args...)
}

// startServerWith is startServer with the Main adjusted by configure
// before it runs, for what no flag sets.
func startServerWith(t testing.TB, configure func(*Main), dir string, args ...string) *testServer {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready := make(chan [2]string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	m.onServe = func(endpoint, admin string) { ready <- [2]string{endpoint, admin} }
	if configure != nil {
		configure(m)
	}
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, append([]string{"serve", "--data", dir, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"}, args...))
	}()
	ts := &testServer{Dir: dir}
	select {
	case addrs := <-ready:
		ts.Endpoint, ts.Admin = addrs[0], addrs[1]
	case err := <-done:
		cancel()
		t.Fatalf("warden serve exited: %v\n%s%s", err, out.String(), errb.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("warden serve did not start")
	}
	ts.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("warden serve: %v", err)
		}
	}
	t.Cleanup(func() {
		ts.stop()
		if t.Failed() {
			t.Logf("server log:\n%s", errb.String())
		}
	})
	ts.Root = readCredentials(t, filepath.Join(dir, "credentials"))
	return ts
}

// readCredentials reads the root profile Warden wrote.
func readCredentials(t testing.TB, path string) aws.Credentials {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c aws.Credentials
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " = ")
		switch {
		case !ok:
		case k == "aws_access_key_id":
			c.AccessKeyID = v
		case k == "aws_secret_access_key":
			c.SecretAccessKey = v
		}
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		t.Fatalf("%s holds no root credentials", path)
	}
	return c
}

// iam returns an aws-sdk-go-v2 IAM client signing with creds.
func (ts *testServer) iam(creds aws.Credentials) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		HTTPClient:   ts.client(),
	})
}

// awsCLI runs the real aws CLI against the server with creds.
func (ts *testServer) awsCLI(t *testing.T, creds aws.Credentials, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bin, lookErr := exec.LookPath("aws")
	if lookErr != nil {
		t.Fatalf("the aws CLI is needed for end-to-end tests (.ci/run installs it with pip): %v", lookErr)
	}
	cmd := exec.Command(bin, append([]string{"--endpoint-url", ts.Endpoint, "--output", "json"}, args...)...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_DISABLE_HOST_PREFIX_INJECTION=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	}
	if creds.SessionToken != "" {
		cmd.Env = append(cmd.Env, "AWS_SESSION_TOKEN="+creds.SessionToken)
	}
	if ts.caFile != "" {
		cmd.Env = append(cmd.Env, "AWS_CA_BUNDLE="+ts.caFile)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// mustAWS is awsCLI for a command that must succeed; it returns the
// command's output.
func (ts *testServer) mustAWS(t *testing.T, creds aws.Credentials, args ...string) string {
	t.Helper()
	stdout, stderr, err := ts.awsCLI(t, creds, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

// apiErrorCode returns the AWS error code of an SDK error.
func apiErrorCode(err error) string {
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		return ae.ErrorCode()
	}
	return ""
}

func TestServeFirstStart(t *testing.T) {
	ts := startServer(t, "")
	for _, name := range []string{"credentials", "config"} {
		fi, err := os.Stat(filepath.Join(ts.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	conf, err := os.ReadFile(filepath.Join(ts.Dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[profile root]", "region = us-east-1", "disable_host_prefix_injection = true", "endpoint_url = " + ts.Endpoint} {
		if !strings.Contains(string(conf), want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(ts.Admin + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
	}
}

func TestServeRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := t.Context()
	if _, err := ts.iam(ts.Root).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	root := ts.Root
	ts.stop()
	ts.stop = func() {}

	ts2 := startServer(t, dir)
	if ts2.Root != root {
		t.Fatal("restart changed the root credentials")
	}
	got, err := ts2.iam(root).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatalf("user lost across restart: %v", err)
	}
	if aws.ToString(got.User.UserName) != "alice" {
		t.Errorf("GetUser = %+v", got.User)
	}
}

func TestServeRejectsBadSignatures(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	wrong := ts.Root
	wrong.SecretAccessKey = strings.Repeat("x", 40)
	_, err := ts.iam(wrong).ListUsers(ctx, &iam.ListUsersInput{})
	if code := apiErrorCode(err); code != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v (code %q)", err, code)
	}
	unknown := aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	_, err = ts.iam(unknown).ListUsers(ctx, &iam.ListUsersInput{})
	if code := apiErrorCode(err); code != "InvalidClientTokenId" {
		t.Errorf("unknown key: %v (code %q)", err, code)
	}
	resp, err := http.Post(ts.Endpoint, "application/x-www-form-urlencoded", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
	if err != nil {
		t.Fatal(err)
	}
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body.String(), "<Code>MissingAuthenticationToken</Code>") {
		t.Errorf("unsigned request: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Date") == "" {
		t.Error("no Date header: SDK clock-skew correction needs it")
	}
}

func TestServeWithAWSCLI(t *testing.T) {
	ts := startServer(t, "")
	if _, stderr, err := ts.awsCLI(t, ts.Root, "iam", "create-user", "--user-name", "carol", "--path", "/clinic/", "--tags", "Key=team,Value=care"); err != nil {
		t.Fatalf("create-user: %v\n%s", err, stderr)
	}
	stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "list-users", "--path-prefix", "/clinic/")
	if err != nil {
		t.Fatalf("list-users: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, `"UserName": "carol"`) || !strings.Contains(stdout, `"Path": "/clinic/"`) {
		t.Errorf("list-users output:\n%s", stdout)
	}
	_, stderr, err = ts.awsCLI(t, ts.Root, "iam", "get-user", "--user-name", "nobody")
	if err == nil || !strings.Contains(stderr, "NoSuchEntity") {
		t.Errorf("get-user for a missing user: err %v, stderr %s", err, stderr)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
