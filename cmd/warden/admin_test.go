package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestAdminRecoversLostRootKey is the operator's path after losing the root
// user's keys: a new key issued from the data directory works at once.
func TestAdminRecoversLostRootKey(t *testing.T) {
	ts := startServer(t, "")
	old := ts.Root

	stdout, stderr, code := runMain(t, "", "admin", "create-root-key", "--data", ts.Dir, "--write-credentials")
	if code != 0 {
		t.Fatalf("create-root-key: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "aws --endpoint-url "+ts.Endpoint+" iam list-users") {
		t.Errorf("output lacks the usage line:\n%s", stdout)
	}
	fresh := readCredentials(t, filepath.Join(ts.Dir, "credentials"))
	if fresh.AccessKeyID == old.AccessKeyID {
		t.Fatal("the credentials file still holds the old key")
	}
	if _, err := ts.iam(fresh).ListUsers(t.Context(), &iam.ListUsersInput{}); err != nil {
		t.Fatalf("the new root key does not work: %v", err)
	}

	// The root user holds at most two keys.
	_, stderr, code = runMain(t, "", "admin", "create-root-key", "--data", ts.Dir)
	if code != 1 || !strings.Contains(stderr, "LimitExceeded") {
		t.Errorf("third root key: exit %d, stderr %q", code, stderr)
	}

	stdout, _, code = runMain(t, "", "admin", "endpoint", "--data", ts.Dir)
	if code != 0 || !strings.Contains(stdout, ts.Endpoint) {
		t.Errorf("endpoint: exit %d\n%s", code, stdout)
	}

	stdout, stderr, code = runMain(t, "", "admin", "create-account", "--data", ts.Dir, "--account-id", "210987654321")
	if code != 0 || !strings.Contains(stdout, "account: 210987654321") {
		t.Fatalf("create-account: exit %d\n%s%s", code, stdout, stderr)
	}
}
