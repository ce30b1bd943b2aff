package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/audit"
	"github.com/warden-iam/warden/sqlstore"
)

// The audit trail end to end: every kind of request leaves the event it
// should, verify catches tampering through the command line, a clean
// shutdown keeps every answered request's event, and SIGKILL under load
// loses no more than the stated window.

// requestIDOf returns the request id of an SDK call's result or error.
func requestIDOf(t *testing.T, md middleware.Metadata, err error) string {
	t.Helper()
	if err != nil {
		if re, ok := errors.AsType[*awshttp.ResponseError](err); ok {
			return re.ServiceRequestID()
		}
		t.Fatalf("no request id in %v", err)
	}
	id, ok := awsmiddleware.GetRequestIDMetadata(md)
	if !ok {
		t.Fatal("no request id in the response")
	}
	return id
}

// trailOf opens the data directory's store and returns every event, after
// the server that wrote them has stopped or died.
func trailOf(t *testing.T, dir string) ([]*warden.AuditEvent, *warden.AuditVerification) {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), dir, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var events []*warden.AuditEvent
	if err := eachAuditEvent(t.Context(), s, warden.AuditFilter{}, 0, func(e *warden.AuditEvent) error {
		events = append(events, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	v, err := s.VerifyAuditTrail(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return events, v
}

// runWarden is runMain for a command whose output and errors are read
// together.
func runWarden(t *testing.T, args ...string) (output string, status int) {
	t.Helper()
	stdout, stderr, status := runMain(t, "", args...)
	return stdout + stderr, status
}

func TestAuditRecordsEveryRequest(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	root := ts.iam(ts.Root)
	want := map[string]func(t *testing.T, e *warden.AuditEvent){}
	expect := func(name string, md middleware.Metadata, err error, check func(t *testing.T, e *warden.AuditEvent)) {
		t.Helper()
		want[requestIDOf(t, md, err)] = func(t *testing.T, e *warden.AuditEvent) {
			t.Run(name, func(t *testing.T) { check(t, e) })
		}
	}

	const password = "Correct-Horse-Battery-9"
	out, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	account := strings.Split(aws.ToString(out.User.Arn), ":")[4]
	rootARN := "arn:aws:iam::" + account + ":root"
	aliceARN := aws.ToString(out.User.Arn)
	expect("root creates a user", out.ResultMetadata, nil, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "CreateUser", warden.AuditAllow, "", rootARN)
		if e.Identity.Type != "Root" || e.Identity.AccessKeyID != ts.Root.AccessKeyID || e.SourceIP != "127.0.0.1" || e.Region != "us-east-1" || e.UserAgent == "" {
			t.Errorf("who and where: %+v", e)
		}
		if len(e.Resources) != 1 || e.Resources[0] != aliceARN {
			t.Errorf("resources %v", e.Resources)
		}
		if len(e.RequestParameters) != 1 || e.RequestParameters[0] != (warden.AuditParameter{Name: "UserName", Value: "alice"}) {
			t.Errorf("parameters %v", e.RequestParameters)
		}
	})
	lp, err := root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(password)})
	if err != nil {
		t.Fatal(err)
	}
	expect("the password is hidden", lp.ResultMetadata, nil, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "CreateLoginProfile", warden.AuditAllow, "", rootARN)
		if !strings.Contains(fmt.Sprint(e.RequestParameters), "{Password "+warden.AuditRedacted+"}") {
			t.Errorf("parameters %v", e.RequestParameters)
		}
	})
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	secret := aws.ToString(key.AccessKey.SecretAccessKey)
	alice := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: secret}
	expect("a new key's secret is never recorded", key.ResultMetadata, nil, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "CreateAccessKey", warden.AuditAllow, "", rootARN)
	})

	_, err = ts.iam(alice).ListUsers(ctx, &iam.ListUsersInput{})
	expect("no policy allows", middleware.Metadata{}, err, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "ListUsers", warden.AuditImplicitDeny, warden.EAccessDenied, aliceARN)
		if e.DecidingLayer != "identity" || e.DecidingStatement != nil || e.Identity.Type != "IAMUser" || e.Identity.UserName != "alice" {
			t.Errorf("denial: %+v", e)
		}
	})
	put, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("guard"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	expect("a policy document is kept", put.ResultMetadata, nil, func(t *testing.T, e *warden.AuditEvent) {
		if !strings.Contains(fmt.Sprint(e.RequestParameters), `"Sid":"NoDelete"`) {
			t.Errorf("parameters %v", e.RequestParameters)
		}
	})
	_, err = ts.iam(alice).DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	expect("an explicit deny names its statement", middleware.Metadata{}, err, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "DeleteUser", warden.AuditExplicitDeny, warden.EAccessDenied, aliceARN)
		st := e.DecidingStatement
		if e.DecidingLayer != "identity" || st == nil || st.Policy != aliceARN+" inline policy guard" || st.Index != 1 || st.Sid != "NoDelete" {
			t.Errorf("deciding layer %q statement %+v", e.DecidingLayer, st)
		}
	})
	_, err = ts.iam(alice).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	expect("allowed, then not found", middleware.Metadata{}, err, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "GetUser", warden.AuditAllow, warden.ENoSuchEntity, aliceARN)
	})
	who, err := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.Endpoint), Credentials: credentials.StaticCredentialsProvider{Value: alice}}).
		GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	expect("STS without authorization", who.ResultMetadata, nil, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "sts", "GetCallerIdentity", warden.AuditNoDecision, "", aliceARN)
	})

	_, err = ts.orgs(ts.Root).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	expect("Organizations over the JSON protocol", middleware.Metadata{}, err, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "organizations", "DescribeOrganization", warden.AuditAllow, "AWSOrganizationsNotInUseException", rootARN)
	})

	unknown := aws.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: secret}
	_, err = ts.iam(unknown).ListUsers(ctx, &iam.ListUsersInput{})
	expect("an unknown key", middleware.Metadata{}, err, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "ListUsers", warden.AuditNoDecision, warden.EInvalidClientTokenID, "")
		if e.Identity.AccessKeyID != unknown.AccessKeyID || e.Identity.Type != "" {
			t.Errorf("identity %+v", e.Identity)
		}
		if len(e.RequestParameters) != 0 {
			t.Errorf("parameters %v", e.RequestParameters)
		}
	})
	forged := alice
	forged.SecretAccessKey = strings.Repeat("x", 40)
	_, err = ts.iam(forged).ListUsers(ctx, &iam.ListUsersInput{})
	expect("a wrong signature", middleware.Metadata{}, err, func(t *testing.T, e *warden.AuditEvent) {
		wantEvent(t, e, "iam", "ListUsers", warden.AuditNoDecision, warden.ESignatureDoesNotMatch, "")
		if e.Identity.AccessKeyID != alice.AccessKeyID {
			t.Errorf("identity %+v", e.Identity)
		}
	})
	body := "Action=Frobnicate&Version=2010-05-08"
	resp, _ := send(t, http.DefaultClient, signedRequest(t, ts.Endpoint, body, ts.Root), body)
	want[resp.Header.Get("x-amzn-RequestId")] = func(t *testing.T, e *warden.AuditEvent) {
		t.Run("an unknown action", func(t *testing.T) {
			wantEvent(t, e, "iam", "", warden.AuditNoDecision, warden.EInvalidAction, rootARN)
		})
	}

	ts.stop()
	ts.stop = func() {}

	events, v := trailOf(t, ts.Dir)
	if !v.Intact() {
		t.Fatalf("the trail does not verify: %+v", v.Breaks)
	}
	if len(events) != len(want) {
		t.Errorf("%d events for %d requests", len(events), len(want))
	}
	for _, e := range events {
		check, ok := want[e.RequestID]
		if !ok {
			t.Errorf("an event for a request not made: %+v", e)
			continue
		}
		delete(want, e.RequestID)
		check(t, e)
	}
	for id := range want {
		t.Errorf("no event for request %s", id)
	}

	// Secrets are nowhere in the data files: not the password, not the
	// secret key CreateAccessKey returned.
	files, _ := filepath.Glob(filepath.Join(ts.Dir, "warden.db*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for what, s := range map[string]string{"password": password, "secret key": secret} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("the %s is in %s", what, filepath.Base(f))
			}
		}
	}
}

func wantEvent(t *testing.T, e *warden.AuditEvent, service, action string, decision warden.AuditDecision, code, principal string) {
	t.Helper()
	if e.Service != service || e.Action != action || e.Decision != decision || e.ErrorCode != code || e.Identity.ARN != principal {
		t.Fatalf("event %s:%s decision %q code %q principal %q; want %s:%s %q %q %q",
			e.Service, e.Action, e.Decision, e.ErrorCode, e.Identity.ARN, service, action, decision, code, principal)
	}
}

// rawDatabase opens the data directory's database with a connection of
// its own, as someone holding the files would.
func rawDatabase(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlstore.DatabaseFile)+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestAuditCommands(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	createUsers(t, ts, "alice", "bob")
	alice := userCredentials(t, ts, "alice")
	_, err := ts.iam(alice).ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, warden.EAccessDenied, "")
	ts.stop()
	ts.stop = func() {}
	dir := ts.Dir

	t.Run("list", func(t *testing.T) {
		out, status := runWarden(t, "audit", "list", "--data", dir)
		if status != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "iam:ListUsers ImplicitDeny AccessDenied") || !strings.Contains(out, "denied-by=identity") {
			t.Fatalf("status %d:\n%s", status, out)
		}
	})
	t.Run("list denials as JSON", func(t *testing.T) {
		out, status := runWarden(t, "audit", "list", "--data", dir, "--decision", "deny", "--output", "json")
		var e auditEventJSON
		if status != 0 || strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &e) != nil || e.Action != "ListUsers" || e.Decision != "ImplicitDeny" || e.Hash == "" {
			t.Fatalf("status %d:\n%s", status, out)
		}
	})
	t.Run("filters", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			n    int
		}{
			{[]string{"--action", "iam:CreateUser"}, 2},
			{[]string{"--action", "createaccesskey", "--decision", "Allow"}, 1},
			{[]string{"--error-code", "AccessDenied"}, 1},
			{[]string{"--principal", "arn:aws:iam::000000000000:user/nobody"}, 0},
			{[]string{"--since", "1h"}, 4},
			{[]string{"--until", "2000-01-01"}, 0},
			{[]string{"--limit", "3"}, 3},
		} {
			out, status := runWarden(t, append([]string{"audit", "list", "--data", dir}, tt.args...)...)
			if status != 0 || strings.Count(out, "\n") != tt.n {
				t.Errorf("list %v: status %d, want %d lines:\n%s", tt.args, status, tt.n, out)
			}
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, args := range [][]string{{"--decision", "maybe"}, {"--since", "yesterday"}, {"--output", "xml"}} {
			if out, status := runWarden(t, append([]string{"audit", "list", "--data", dir}, args...)...); status != 2 {
				t.Errorf("list %v: status %d, want 2 (usage):\n%s", args, status, out)
			}
		}
		if out, status := runWarden(t, "audit", "list", "--data", filepath.Join(dir, "missing")); status != 1 || !strings.Contains(out, "no Warden data directory") {
			t.Errorf("missing data directory: status %d:\n%s", status, out)
		}
	})
	t.Run("export", func(t *testing.T) {
		out, status := runWarden(t, "audit", "export", "--data", dir)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if status != 0 || len(lines) != 4 {
			t.Fatalf("status %d:\n%s", status, out)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(lines[3]), &r); err != nil {
			t.Fatal(err)
		}
		id := r["userIdentity"].(map[string]any)
		if r["eventSource"] != "iam.amazonaws.com" || r["eventName"] != "ListUsers" || r["errorCode"] != "AccessDenied" ||
			id["type"] != "IAMUser" || id["userName"] != "alice" || id["accessKeyId"] != alice.AccessKeyID || r["readOnly"] != true ||
			r["eventVersion"] == nil || r["eventTime"] == nil || r["sourceIPAddress"] != "127.0.0.1" || r["requestID"] == nil || r["eventID"] == nil {
			t.Fatalf("CloudTrail record: %s", lines[3])
		}
		var first map[string]any
		json.Unmarshal([]byte(lines[0]), &first)
		if params := first["requestParameters"].(map[string]any); params["userName"] != "alice" {
			t.Fatalf("requestParameters of CreateUser: %v", params)
		}
	})
	t.Run("verify", func(t *testing.T) {
		out, status := runWarden(t, "audit", "verify", "--data", dir)
		if status != 0 || !strings.Contains(out, "Verified 4 events") || !strings.Contains(out, "intact") {
			t.Fatalf("status %d:\n%s", status, out)
		}
	})
}

func TestAuditVerifyCatchesATamperedRow(t *testing.T) {
	// The trail holds CreateUser, CreateAccessKey and a denied ListUsers
	// (seq 1 to 3), in one or more segments depending on timing.
	for _, tt := range []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB)
		want   func(events []*warden.AuditEvent) string
	}{
		{"a denied action renamed in the stored bytes", func(t *testing.T, db *sql.DB) {
			editSegments(t, db, func(b []byte) []byte { return bytes.Replace(b, []byte("ListUsers"), []byte("ListRoles"), 1) })
		}, func(events []*warden.AuditEvent) string {
			return fmt.Sprintf("seq 3 (request %s): altered", events[2].RequestID)
		}},
		{"the newest events deleted", func(t *testing.T, db *sql.DB) {
			execSQL(t, db, `DELETE FROM audit_segments WHERE first_seq = (SELECT MAX(first_seq) FROM audit_segments)`)
		}, func([]*warden.AuditEvent) string { return "to 3: removed" }},
		{"a segment hidden from time searches", func(t *testing.T, db *sql.DB) {
			execSQL(t, db, `UPDATE audit_segments SET last_time = 0`)
		}, func(events []*warden.AuditEvent) string {
			return "seq 1: altered: the segment stored as seq 1 to"
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, "")
			createUsers(t, ts, "alice")
			alice := userCredentials(t, ts, "alice")
			_, err := ts.iam(alice).ListUsers(t.Context(), &iam.ListUsersInput{})
			wantAPIError(t, err, warden.EAccessDenied, "")
			ts.stop()
			ts.stop = func() {}
			events, v := trailOf(t, ts.Dir)
			if len(events) != 3 || !v.Intact() {
				t.Fatalf("%d events, intact %v before tampering", len(events), v.Intact())
			}

			db := rawDatabase(t, ts.Dir)
			tt.tamper(t, db)
			db.Close()
			out, status := runWarden(t, "audit", "verify", "--data", ts.Dir)
			want := tt.want(events)
			if status != 1 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, want) {
				t.Fatalf("verify: status %d, want 1 and %q:\n%s", status, want, out)
			}
			out, _ = runWarden(t, "audit", "verify", "--data", ts.Dir, "--output", "json")
			var vj verificationJSON
			if err := json.Unmarshal([]byte(out), &vj); err != nil || vj.Intact || len(vj.Breaks) == 0 {
				t.Fatalf("verify --output json: %v\n%s", err, out)
			}
		})
	}
}

// editSegments rewrites every segment's bytes, as a script run on the
// database file could.
func editSegments(t *testing.T, db *sql.DB, edit func([]byte) []byte) {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT first_seq, events FROM audit_segments`)
	if err != nil {
		t.Fatal(err)
	}
	edited := map[int64][]byte{}
	for rows.Next() {
		var first int64
		var b []byte
		if err := rows.Scan(&first, &b); err != nil {
			t.Fatal(err)
		}
		edited[first] = edit(b)
	}
	rows.Close()
	for first, b := range edited {
		execSQL(t, db, `UPDATE audit_segments SET events = $1 WHERE first_seq = $2`, b, first)
	}
}

func execSQL(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// auditLoad sends signed GetUser requests from several clients until stop
// is closed or the server goes away, and records when each answer came.
type auditLoad struct {
	mu       sync.Mutex
	answered map[string]time.Time // request id → when the client had the answer
}

func runAuditLoad(t *testing.T, endpoint string, creds aws.Credentials, stop <-chan struct{}) (*auditLoad, *sync.WaitGroup) {
	body := "Action=GetUser&Version=2010-05-08"
	req := signedRequest(t, endpoint, body, creds)
	load := &auditLoad{answered: map[string]time.Time{}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := req.Clone(context.Background())
				r.Body = io.NopCloser(strings.NewReader(body))
				r.ContentLength = int64(len(body))
				resp, err := client.Do(r)
				if err != nil {
					return // the server is gone
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				at := time.Now()
				if err != nil {
					return
				}
				if resp.StatusCode != http.StatusOK {
					return
				}
				load.mu.Lock()
				load.answered[resp.Header.Get("x-amzn-RequestId")] = at
				load.mu.Unlock()
			}
		})
	}
	return load, &wg
}

func TestAuditCleanShutdownKeepsEveryAnsweredRequest(t *testing.T) {
	bin := buildWarden(t)
	dir := t.TempDir()
	cmd, endpoint := startProcess(t, bin, dir)
	stop := make(chan struct{})
	load, wg := runAuditLoad(t, endpoint, readCredentials(t, filepath.Join(dir, "credentials")), stop)
	time.Sleep(700 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("warden serve did not stop cleanly: %v", err)
	}
	close(stop)
	wg.Wait()

	events, v := trailOf(t, dir)
	if !v.Intact() {
		t.Fatalf("the trail does not verify: %+v", v.Breaks)
	}
	recorded := map[string]bool{}
	for _, e := range events {
		recorded[e.RequestID] = true
	}
	if len(load.answered) < 100 {
		t.Fatalf("only %d requests were answered; the test did not load the server", len(load.answered))
	}
	for id := range load.answered {
		if !recorded[id] {
			t.Errorf("answered request %s has no event after a clean shutdown", id)
		}
	}
	t.Logf("%d answered requests, %d events, all kept across SIGTERM", len(load.answered), len(events))
}

// crashWindow is what a SIGKILL may lose, as the audit package documents
// it: events of requests answered in the last flush interval, plus a
// commit (one fsync) that had not finished. The test allows the commit
// 200 ms on a loaded machine.
const crashWindow = audit.DefaultFlushInterval + 200*time.Millisecond

func TestAuditCrashLosesAtMostTheWindow(t *testing.T) {
	bin := buildWarden(t)
	dir := t.TempDir()
	var answered int
	var lost []time.Duration
	for round := range 3 {
		cmd, endpoint := startProcess(t, bin, dir)
		stop := make(chan struct{})
		load, wg := runAuditLoad(t, endpoint, readCredentials(t, filepath.Join(dir, "credentials")), stop)
		time.Sleep(time.Duration(600+200*round) * time.Millisecond)
		killedAt := time.Now()
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		close(stop)
		wg.Wait()

		events, v := trailOf(t, dir)
		if !v.Intact() {
			t.Fatalf("round %d: the trail does not verify after SIGKILL: %+v", round, v.Breaks)
		}
		recorded := map[string]bool{}
		for _, e := range events {
			recorded[e.RequestID] = true
		}
		for id, at := range load.answered {
			if recorded[id] {
				continue
			}
			age := killedAt.Sub(at)
			lost = append(lost, age)
			if age > crashWindow {
				t.Errorf("round %d: request %s was answered %s before SIGKILL and its event was lost; the window is %s", round, id, age, crashWindow)
			}
		}
		answered += len(load.answered)
	}
	if answered < 300 {
		t.Fatalf("only %d requests were answered; the test did not load the server", answered)
	}
	maxAge := time.Duration(0)
	for _, a := range lost {
		maxAge = max(maxAge, a)
	}
	t.Logf("%d answered requests across 3 SIGKILLs; %d events lost, the oldest answered %s before its kill (window %s)",
		answered, len(lost), maxAge, crashWindow)
}
