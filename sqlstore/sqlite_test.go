package sqlstore_test

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/base32"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// Tests of the SQLite store as files on disk: what is in them, what
// survives a restart and a crash.

// readDataFiles returns the bytes of every file in the data directory: the
// database, its WAL and shared-memory files and the key file.
func readDataFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	noErr(t, err)
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		noErr(t, err)
		files[e.Name()] = data
	}
	return files
}

func TestEncryptionAtRest(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, sqlstore.Options{})
	ctx := t.Context()
	b, err := s.Bootstrap(ctx, warden.BootstrapInput{})
	noErr(t, err)
	acct := b.Account.ID
	createUser(t, s, acct, "alice")
	k, err := s.CreateAccessKey(ctx, acct, "alice")
	noErr(t, err)
	d, err := s.CreateVirtualMFADevice(ctx, acct, "phone", "")
	noErr(t, err)
	_, err = s.CreateLoginProfile(ctx, acct, "alice", "a very memorable password", false)
	noErr(t, err)

	secrets := map[string][]byte{
		"root secret":       []byte(b.RootAccessKey.SecretAccessKey),
		"user secret":       []byte(k.SecretAccessKey),
		"MFA seed":          d.Seed,
		"MFA seed (base32)": []byte(base32.StdEncoding.EncodeToString(d.Seed)),
		"password":          []byte("a very memorable password"),
	}
	check := func(when string) {
		files := readDataFiles(t, dir)
		var all []byte
		for name, data := range files {
			if name != sqlstore.KeyFile {
				all = append(all, data...)
			}
		}
		// The scan must see the data at all for its silence to mean
		// anything: key IDs and serial numbers are stored in the clear.
		if !bytes.Contains(all, []byte(k.ID)) || !bytes.Contains(all, []byte(d.SerialNumber)) {
			t.Fatalf("%s: the raw files do not contain the key ID or serial number; the scan reads the wrong files", when)
		}
		for what, secret := range secrets {
			if bytes.Contains(all, secret) {
				t.Errorf("%s: the %s appears in the data files in plain text", when, what)
			}
		}
	}
	check("while open") // data still in the WAL
	noErr(t, s.Close())
	check("after close") // checkpointed into the database file

	info, err := os.Stat(filepath.Join(dir, sqlstore.KeyFile))
	noErr(t, err)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s, err := sqlstore.Open(ctx, dir, sqlstore.Options{AWSManagedPolicies: testCatalogue})
	noErr(t, err)
	b, err := s.Bootstrap(ctx, warden.BootstrapInput{AccountAlias: "acme", Region: "eu-central-1"})
	noErr(t, err)
	acct := b.Account.ID
	u, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: "alice", Tags: []warden.Tag{{Key: "a", Value: "1"}}})
	noErr(t, err)
	createGroup(t, s, acct, "devs")
	noErr(t, s.AddUserToGroup(ctx, acct, "devs", "alice"))
	p := createPolicy(t, s, acct, "p")
	_, err = s.CreatePolicyVersion(ctx, acct, p.ARN, doc("x:y"), true)
	noErr(t, err)
	noErr(t, s.AttachPolicy(ctx, acct, warden.GroupIdentity("devs"), p.ARN))
	noErr(t, s.AttachPolicy(ctx, acct, warden.UserIdentity("alice"), readOnlyARN))
	noErr(t, s.PutInlinePolicy(ctx, acct, warden.UserIdentity("alice"), "inline", doc("a:b")))
	k, err := s.CreateAccessKey(ctx, acct, "alice")
	noErr(t, err)
	d, err := s.CreateVirtualMFADevice(ctx, acct, "phone", "")
	noErr(t, err)
	createRole(t, s, acct, "worker")
	before, err := s.PrincipalPolicies(ctx, u.ARN)
	noErr(t, err)
	noErr(t, s.Close())

	s = openSQLite(t, dir, sqlstore.Options{AWSManagedPolicies: testCatalogue})
	ep, err := s.Endpoint(ctx)
	noErr(t, err)
	if ep.AccountID != acct || ep.Region != "eu-central-1" {
		t.Fatalf("Endpoint after reopen = %+v", ep)
	}
	a, err := s.Account(ctx, acct)
	noErr(t, err)
	if a.Alias != "acme" {
		t.Fatalf("alias after reopen = %q", a.Alias)
	}
	after, err := s.PrincipalPolicies(ctx, u.ARN)
	noErr(t, err)
	if policySummary(after) != policySummary(before) || policySummary(after) == "" || names(after.Tags, tagString) != "a=1" {
		t.Fatalf("policies after reopen = %s, before %s", policySummary(after), policySummary(before))
	}
	got, principal, err := s.AccessKey(ctx, k.ID)
	noErr(t, err)
	if got.SecretAccessKey != k.SecretAccessKey || principal.ARN != u.ARN {
		t.Fatalf("access key after reopen = %+v %+v", got, principal)
	}
	root, _, err := s.AccessKey(ctx, b.RootAccessKey.ID)
	noErr(t, err)
	if root.SecretAccessKey != b.RootAccessKey.SecretAccessKey {
		t.Fatal("root secret changed across reopen")
	}
	dev, err := s.VirtualMFADevice(ctx, acct, d.SerialNumber)
	noErr(t, err)
	if !bytes.Equal(dev.Seed, d.Seed) {
		t.Fatal("MFA seed changed across reopen")
	}
	if _, err := s.Role(ctx, acct, "worker"); err != nil {
		t.Fatal(err)
	}
	// The cache generation continues from the stored one, so a write after
	// reopening is seen by the next lookup.
	noErr(t, s.DeleteInlinePolicy(ctx, acct, warden.UserIdentity("alice"), "inline"))
	after, err = s.PrincipalPolicies(ctx, u.ARN)
	noErr(t, err)
	if strings.Contains(policySummary(after), "inline") {
		t.Fatal("stale answer after a write following reopen")
	}
}

func TestDataKey(t *testing.T) {
	t.Run("WrongKey", func(t *testing.T) {
		dir := t.TempDir()
		s := openSQLite(t, dir, sqlstore.Options{})
		_, err := s.CreateAccount(t.Context(), "")
		noErr(t, err)
		noErr(t, s.Close())
		other := t.TempDir()
		openSQLite(t, other, sqlstore.Options{}).Close()
		key, err := os.ReadFile(filepath.Join(other, sqlstore.KeyFile))
		noErr(t, err)
		noErr(t, os.WriteFile(filepath.Join(dir, sqlstore.KeyFile), key, 0o600))
		_, err = sqlstore.Open(t.Context(), dir, sqlstore.Options{})
		if err == nil || !strings.Contains(err.Error(), "does not belong to the database") {
			t.Fatalf("Open with another installation's key = %v", err)
		}
	})
	t.Run("LostKey", func(t *testing.T) {
		dir := t.TempDir()
		openSQLite(t, dir, sqlstore.Options{}).Close()
		noErr(t, os.Remove(filepath.Join(dir, sqlstore.KeyFile)))
		if _, err := sqlstore.Open(t.Context(), dir, sqlstore.Options{}); err == nil {
			t.Fatal("Open with a fresh key over an existing database succeeded")
		}
	})
	for name, content := range map[string]string{"Damaged": "not hex\n", "Short": "abcd\n"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			noErr(t, os.WriteFile(filepath.Join(dir, sqlstore.KeyFile), []byte(content), 0o600))
			if _, err := sqlstore.Open(t.Context(), dir, sqlstore.Options{}); err == nil || !strings.Contains(err.Error(), "damaged") {
				t.Fatalf("Open with a %s key = %v", name, err)
			}
		})
	}
	t.Run("Readable", func(t *testing.T) {
		dir := t.TempDir()
		openSQLite(t, dir, sqlstore.Options{}).Close()
		noErr(t, os.Chmod(filepath.Join(dir, sqlstore.KeyFile), 0o644))
		if _, err := sqlstore.Open(t.Context(), dir, sqlstore.Options{}); err == nil || !strings.Contains(err.Error(), "0600") {
			t.Fatalf("Open with a world-readable key = %v", err)
		}
	})
	t.Run("LeftoverTempFile", func(t *testing.T) {
		// A process killed while creating the key leaves a temporary file
		// behind; it must not stop the next start.
		dir := t.TempDir()
		noErr(t, os.WriteFile(filepath.Join(dir, ".warden.key-123"), []byte("half"), 0o600))
		openSQLite(t, dir, sqlstore.Options{})
	})
}

func TestMissingAWSManagedPolicyFailsClosed(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, sqlstore.Options{AWSManagedPolicies: testCatalogue})
	acct := newAccount(t, s)
	u := createUser(t, s, acct, "alice")
	noErr(t, s.AttachPolicy(t.Context(), acct, warden.UserIdentity("alice"), denyAllARN))
	noErr(t, s.Close())

	smaller := catalogue{readOnlyARN: testCatalogue[readOnlyARN]}
	s = openSQLite(t, dir, sqlstore.Options{AWSManagedPolicies: smaller})
	_, err := s.PrincipalPolicies(t.Context(), u.ARN)
	wantErr(t, err, warden.EServiceFailure, "The AWS managed policy "+denyAllARN+" is attached but missing from the policy catalogue.")
	// The attachment is still listed, named from its ARN.
	page, err := s.ListAttachedPolicies(t.Context(), acct, warden.UserIdentity("alice"), warden.ListOptions{})
	noErr(t, err)
	if len(page.Items) != 1 || page.Items[0].Name != "AWSDenyAll" {
		t.Fatalf("ListAttachedPolicies = %+v", page.Items)
	}
}

// The crash test runs a child process (this test binary again, selected by
// an environment variable) that writes in a loop and prints a line for
// each acknowledged write. The parent kills it with SIGKILL mid-stream,
// reopens the data directory and checks that every acknowledged write is
// there and the database is intact.

const crashDirEnv = "WARDEN_SQLSTORE_CRASH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild writes until it is killed. Each acknowledged write is printed
// as "user NAME KEYID SECRET" only after the store returned success.
func crashChild(dir string) {
	ctx := contextBackground()
	s, err := sqlstore.Open(ctx, dir, sqlstore.Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	acct := "123456789012"
	if _, err := s.CreateAccount(ctx, acct); err != nil && warden.ErrorCode(err) != warden.EEntityAlreadyExists {
		fmt.Println("error", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		name := fmt.Sprintf("u%d-%d", os.Getpid(), i)
		if _, err := s.CreateUser(ctx, acct, warden.CreateUserInput{Name: name, Tags: []warden.Tag{{Key: "n", Value: fmt.Sprint(i)}}}); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		k, err := s.CreateAccessKey(ctx, acct, name)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Fprintln(out, "user", name, k.ID, k.SecretAccessKey)
		out.Flush()
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	dir := t.TempDir()
	acked := map[string][2]string{} // user name → key ID, secret
	// Round 0 kills the child almost at once, while it may still be
	// creating the key file or migrating a fresh database; later rounds kill
	// it in the middle of a stream of writes.
	for round, kill := range []struct {
		delay time.Duration
		acks  int
	}{{delay: 3 * time.Millisecond}, {acks: 25}, {acks: 60}, {acks: 5}, {acks: 40}} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		noErr(t, err)
		noErr(t, cmd.Start())
		lines := bufio.NewScanner(stdout)
		n := 0
		if kill.delay > 0 {
			time.Sleep(kill.delay)
		} else {
			for n < kill.acks && lines.Scan() {
				line := lines.Text()
				f := strings.Fields(line)
				if len(f) != 4 || f[0] != "user" {
					t.Fatalf("round %d: child said %q", round, line)
				}
				acked[f[1]] = [2]string{f[2], f[3]}
				n++
			}
		}
		noErr(t, cmd.Process.Signal(syscall.SIGKILL))
		// Lines already written before the kill are acknowledged too.
		for lines.Scan() {
			if f := strings.Fields(lines.Text()); len(f) == 4 && f[0] == "user" {
				acked[f[1]] = [2]string{f[2], f[3]}
			}
		}
		io.Copy(io.Discard, stdout)
		err = cmd.Wait()
		if status, ok := err.(*exec.ExitError); !ok || status.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, not by SIGKILL", round, err)
		}
		if kill.delay == 0 && n < kill.acks {
			t.Fatalf("round %d: child stopped after %d writes", round, n)
		}
		verifyAfterCrash(t, dir, acked)
	}
	if len(acked) < 100 {
		t.Fatalf("only %d acknowledged writes across all rounds", len(acked))
	}
}

// verifyAfterCrash opens the data directory as a restarted server would
// and checks integrity and every acknowledged write.
func verifyAfterCrash(t *testing.T, dir string, acked map[string][2]string) {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), dir, sqlstore.Options{})
	if err != nil {
		t.Fatalf("Open after SIGKILL: %v", err)
	}
	defer s.Close()
	for name, key := range acked {
		u, err := s.User(t.Context(), "123456789012", name)
		if err != nil {
			t.Fatalf("acknowledged user %s lost: %v", name, err)
		}
		got, owner, err := s.AccessKey(t.Context(), key[0])
		if err != nil || got.SecretAccessKey != key[1] || owner.ARN != u.ARN {
			t.Fatalf("acknowledged key %s of %s: %+v %+v %v", key[0], name, got, owner, err)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlstore.DatabaseFile))
	noErr(t, err)
	defer db.Close()
	var result string
	noErr(t, db.QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&result))
	if result != "ok" {
		t.Fatalf("integrity_check after SIGKILL: %s", result)
	}
	var violations int
	rows, err := db.QueryContext(t.Context(), "PRAGMA foreign_key_check")
	noErr(t, err)
	for rows.Next() {
		violations++
	}
	rows.Close()
	if violations > 0 {
		t.Fatalf("%d foreign key violations after SIGKILL", violations)
	}
}

// TestWritesByAnotherProcess opens the data directory twice, as the server
// and an admin command would, and checks that a write through one reaches
// the other's cached answers within the sync interval.
func TestWritesByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	const interval = 20 * time.Millisecond
	server := openSQLite(t, dir, sqlstore.Options{SyncInterval: interval})
	admin := openSQLite(t, dir, sqlstore.Options{SyncInterval: interval})
	ctx := t.Context()
	acct := newAccount(t, admin)
	createUser(t, admin, acct, "alice")
	k, err := admin.CreateAccessKey(ctx, acct, "alice")
	noErr(t, err)

	got, _, err := server.AccessKey(ctx, k.ID)
	noErr(t, err)
	if got.Status != warden.AccessKeyActive {
		t.Fatalf("status = %s", got.Status)
	}
	noErr(t, admin.UpdateAccessKey(ctx, acct, "alice", k.ID, warden.AccessKeyInactive))
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, _, err := server.AccessKey(ctx, k.ID)
		noErr(t, err)
		if got.Status == warden.AccessKeyInactive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never saw the key deactivated by the other store")
		}
		time.Sleep(interval / 4)
	}
	noErr(t, admin.DeleteAccessKey(ctx, acct, "alice", k.ID))
	time.Sleep(2 * interval)
	_, _, err = server.AccessKey(ctx, k.ID)
	wantErr(t, err, warden.ENoSuchEntity, "")
}
