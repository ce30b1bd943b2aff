package main

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// AWS Identity Store end to end: `aws identitystore` user commands
// against `warden serve`, on the account's identity store that `warden
// admin identity-store` names.

// ids runs `aws identitystore ARGS`; see cliJSON.
func (ts *testServer) ids(t *testing.T, creds aws.Credentials, args ...string) (map[string]any, *cliError) {
	t.Helper()
	return ts.cliJSON(t, creds, "identitystore", args...)
}

func (ts *testServer) mustIDs(t *testing.T, creds aws.Credentials, args ...string) map[string]any {
	t.Helper()
	return ts.mustCLIJSON(t, creds, "identitystore", args...)
}

var identityStoreLine = regexp.MustCompile(`identity store: (d-[0-9a-f]{10})`)

// identityStoreID returns the server's account's identity store, as
// `warden admin identity-store` shows it.
func identityStoreID(t *testing.T, ts *testServer) string {
	t.Helper()
	out, status := runWarden(t, "admin", "identity-store", "--data", ts.Dir)
	m := identityStoreLine.FindStringSubmatch(out)
	if status != 0 || m == nil {
		t.Fatalf("warden admin identity-store: status %d\n%s", status, out)
	}
	return m[1]
}

// createIdentityStoreUser creates a user as root and returns its ID.
func createIdentityStoreUser(t *testing.T, ts *testServer, storeID, userName string) string {
	t.Helper()
	out := ts.mustIDs(t, ts.Root, "create-user", "--identity-store-id", storeID, "--user-name", userName,
		"--display-name", "Dr. "+userName, "--name", "GivenName="+userName+",FamilyName=Clinician")
	if str(out, "IdentityStoreId") != storeID || str(out, "UserId") == "" {
		t.Fatalf("create-user: %v", out)
	}
	return str(out, "UserId")
}

func TestE2EIdentityStoreUsers(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	acct := serverAccount(t, ts)
	store := identityStoreID(t, ts)
	if again := identityStoreID(t, ts); again != store {
		t.Fatalf("the identity store changed from %s to %s", store, again)
	}

	jones := createIdentityStoreUser(t, ts, store, "jones")
	got := ts.mustIDs(t, ts.Root, "describe-user", "--identity-store-id", store, "--user-id", jones)
	if str(got, "UserName") != "jones" || str(got, "DisplayName") != "Dr. jones" || str(got, "Name", "FamilyName") != "Clinician" || str(got, "UserId") != jones {
		t.Fatalf("describe-user: %v", got)
	}
	list := ts.mustIDs(t, ts.Root, "list-users", "--identity-store-id", store)
	if users := list["Users"].([]any); len(users) != 1 || str(users[0].(map[string]any), "UserId") != jones {
		t.Fatalf("list-users: %v", list)
	}

	_, cerr := ts.ids(t, ts.Root, "create-user", "--identity-store-id", store, "--user-name", "jones", "--display-name", "x")
	wantCLIError(t, cerr, "ConflictException", "jones")
	_, cerr = ts.ids(t, ts.Root, "describe-user", "--identity-store-id", "d-0000000000", "--user-id", jones)
	wantCLIError(t, cerr, "ResourceNotFoundException", "d-0000000000")
	_, cerr = ts.ids(t, ts.Root, "describe-user", "--identity-store-id", store, "--user-id", "not-a-user-id")
	wantCLIError(t, cerr, "ValidationException", "userId")

	// A policy that names the user but not the identity store allows
	// nothing: DescribeUser requires both resource types.
	createUsers(t, ts, "reader")
	putUserPolicy(t, ts, "reader", "Read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"identitystore:DescribeUser",
		"Resource":"arn:aws:identitystore:::user/`+jones+`"}]}`)
	reader := userCredentials(t, ts, "reader")
	storeARN := "arn:aws:identitystore::" + acct + ":identitystore/" + store
	_, cerr = ts.ids(t, reader, "describe-user", "--identity-store-id", store, "--user-id", jones)
	wantCLIError(t, cerr, "AccessDeniedException",
		denied(acct, "reader", "identitystore:DescribeUser", storeARN, "because no identity-based policy allows the identitystore:DescribeUser action"))
	putUserPolicy(t, ts, "reader", "Read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"identitystore:DescribeUser",
		"Resource":["`+storeARN+`","arn:aws:identitystore:::user/`+jones+`"]}]}`)
	ts.mustIDs(t, reader, "describe-user", "--identity-store-id", store, "--user-id", jones)
	_, cerr = ts.ids(t, reader, "delete-user", "--identity-store-id", store, "--user-id", jones)
	wantCLIError(t, cerr, "AccessDeniedException", "identitystore:DeleteUser")

	ts.mustIDs(t, ts.Root, "delete-user", "--identity-store-id", store, "--user-id", jones)
	_, cerr = ts.ids(t, ts.Root, "describe-user", "--identity-store-id", store, "--user-id", jones)
	wantCLIError(t, cerr, "ResourceNotFoundException", jones)
}
