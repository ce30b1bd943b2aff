package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/healthapi"
)

// Golden files for every response shape of `aws connecthealth`: what the
// real CLI prints for each command that succeeds, and the error code,
// HTTP status and message it reports for one representative of each
// error shape of the model. They live in
// testdata/golden/connecthealth/COMMAND.json, and COMMAND.ERROR.json for
// an error; `go test ./cmd/warden -run TestHealthGolden -update` rewrites
// them.
//
// Volatile values are replaced before comparing, so that a golden file is
// the same on every run:
//   - every ID the server generates (domain, subscription and job IDs, the
//     Identity Center application ID) is replaced, wherever it appears in a
//     string (ARNs, URLs, messages, S3 keys), by a name in braces the test
//     gives it when it first sees it: {domainId}, {subscriptionId}, …;
//   - a timestamp member of the model becomes {epoch-seconds} when it is
//     a JSON number and {date-time} when it is an RFC 3339 string: with
//     its default timestamp format (none) the CLI v1 prints timestamps as
//     they came on the wire, so the files keep
//     the wire type (restJson1's default epoch seconds, and date-time for
//     the members the model marks so: a job's creationTime and
//     updatedTime);
//   - a nextToken member, opaque by contract, becomes {nextToken}.
//
// The account and region are fixed by the server's flags and are kept.
// A string that still looks generated after this fails the test, so that
// -update cannot write a golden file that would not compare equal on the
// next run. The CLI prints no request IDs (it drops the response
// metadata), and the error line carries none.

var updateGolden = flag.Bool("update", false, "rewrite the golden files of TestHealthGolden")

const goldenAccount = "111122223333"

// goldenCLIError is what the CLI reports for a failed command: the
// error's code and message from its error line, and the HTTP status from
// its --debug log.
type goldenCLIError struct {
	Code       string `json:"code"`
	HTTPStatus int    `json:"httpStatus"`
	Message    string `json:"message"`
}

// goldenRecord is the content of a golden file. Output is absent when
// the command printed nothing (TagResource and UntagResource answer 204
// with no body).
type goldenRecord struct {
	Command string          `json:"command"`
	Output  any             `json:"output,omitempty"`
	Error   *goldenCLIError `json:"error,omitempty"`
}

// goldenNames replaces generated values by the names the test gave them.
type goldenNames struct {
	mu    sync.Mutex
	names map[string]string // value → {name}
}

func (n *goldenNames) add(value, name string) {
	if value == "" {
		return // an absent member; the comparison shows it missing
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.names == nil {
		n.names = map[string]string{}
	}
	n.names[value] = "{" + name + "}"
}

// goldenTimestamps are the members of Connect Health's output shapes
// whose target is a timestamp in the model.
var goldenTimestamps = map[string]bool{
	"createdAt": true, "lastUpdatedAt": true, "activatedAt": true, "deactivatedAt": true,
	"creationTime": true, "updatedTime": true, "streamCreationTime": true, "streamEndTime": true,
}

var (
	goldenDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	// goldenGenerated matches what Warden generates: domain, subscription,
	// application and job IDs (UUIDs), and times, as dates or as epoch
	// seconds of this century.
	goldenGenerated = regexp.MustCompile(`(hai|dom)-[a-z0-9]{16,21}|sub-[a-zA-Z0-9]{21}|apl-[0-9a-f]{16}|` +
		`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\b[12]\d{9}\b`)
)

// string replaces the named values in s, longest first so that a value
// containing another is replaced whole.
func (n *goldenNames) string(s string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	values := make([]string, 0, len(n.names))
	for v := range n.names {
		values = append(values, v)
	}
	// Longest first, then by value: the order cannot depend on the map's.
	slices.SortFunc(values, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	for _, v := range values {
		s = strings.ReplaceAll(s, v, n.names[v])
	}
	return s
}

// normalize returns v, decoded JSON, with its volatile values replaced.
func (n *goldenNames) normalize(key string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[n.string(k)] = n.normalize(k, e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = n.normalize(key, e)
		}
		return out
	case float64:
		if goldenTimestamps[key] {
			return "{epoch-seconds}"
		}
	case string:
		switch {
		case key == "nextToken":
			return "{nextToken}"
		case goldenTimestamps[key] && goldenDateTime.MatchString(v):
			return "{date-time}"
		}
		return n.string(v)
	}
	return v
}

// goldenCase is one command whose result is compared with a golden file.
type goldenCase struct {
	name  string // the golden file's name, without .json
	creds aws.Credentials
	args  []string // after `aws connecthealth`
	// wantError is the error code the command must fail with; empty when
	// it must succeed.
	wantError string
	// learn, when set, names the values the output introduces before the
	// output is normalized.
	learn func(out map[string]any)
}

// cliStatusRE finds the status in the CLI's --debug log of a response
// (urllib3's `"GET /path HTTP/1.1" 404 95`).
var cliStatusRE = regexp.MustCompile(`" (\d{3}) (?:\d+|None)\r?\n`)

// runGolden runs the case's command through the CLI, compares what it
// reports with its golden file (or rewrites the file under -update), and
// returns the command's decoded output.
func (ts *testServer) runGolden(t *testing.T, names *goldenNames, c goldenCase) map[string]any {
	t.Helper()
	args := append([]string{"connecthealth"}, c.args...)
	if c.wantError != "" {
		// The CLI's error line has no HTTP status; its debug log does.
		args = append(args, "--debug")
	}
	stdout, stderr, err := ts.awsCLI(t, c.creds, args...)
	rec := goldenRecord{Command: names.string("aws connecthealth " + strings.Join(c.args, " "))}
	var out map[string]any
	switch {
	case c.wantError == "" && err != nil:
		cerr := parseCLIError(t, stderr)
		t.Fatalf("connecthealth %s: %s: %s", c.args[0], cerr.code, cerr.message)
	case c.wantError == "":
		if strings.TrimSpace(stdout) != "" {
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("connecthealth %s printed %q: %v", c.args[0], stdout, err)
			}
			if c.learn != nil {
				c.learn(out)
			}
			rec.Output = names.normalize("", out)
		}
	case err == nil:
		t.Fatalf("connecthealth %s succeeded; want %s:\n%s", c.args[0], c.wantError, stdout)
	default:
		cerr := parseCLIError(t, stderr)
		if cerr.code != c.wantError {
			t.Fatalf("connecthealth %s: %s: %s; want %s", c.args[0], cerr.code, cerr.message, c.wantError)
		}
		// The last response is the one the CLI reports, after any retries.
		statuses := cliStatusRE.FindAllStringSubmatch(stderr, -1)
		if len(statuses) == 0 {
			t.Fatalf("connecthealth %s --debug logged no HTTP status:\n%s", c.args[0], stderr)
		}
		status, _ := strconv.Atoi(statuses[len(statuses)-1][1])
		rec.Error = &goldenCLIError{Code: cerr.code, HTTPStatus: status, Message: names.string(cerr.message)}
	}
	got, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if left := goldenGenerated.Find(got); left != nil {
		t.Fatalf("%s: %q looks generated and has no name; give it one with names.add:\n%s", c.name, left, got)
	}
	path := filepath.Join("testdata", "golden", "connecthealth", c.name+".json")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run with -update to rewrite it after checking the change):\n got: %s\nwant: %s", c.name, path, got, want)
	}
	return out
}

// TestHealthGolden runs every `aws connecthealth` command but the
// streaming one, each once successfully where it can succeed (see below),
// and one command for each error shape
// of the model (ValidationException 400, AccessDeniedException 401,
// ServiceQuotaExceededException 402, ResourceNotFoundException 404,
// ConflictException 409), and compares what the CLI reports with the
// golden files. Independent commands run in parallel: the CLI takes a
// few hundred milliseconds to start.
//
// GetMedicalScribeListeningSession's golden file is its
// ResourceNotFoundException: a session exists only once
// StartMedicalScribeListeningSession has streamed one, and no session is
// streamed here.
func TestHealthGolden(t *testing.T) {
	var storage *healthapi.MemoryJobStorage
	ts := startServerWith(t, func(m *Main) {
		m.healthJobStorage = func(_ warden.Store, az *authz.Authorizer) healthapi.JobStorage {
			storage = healthapi.NewMemoryJobStorage(az)
			return storage
		}
	}, "", "--account-id", goldenAccount, "--region", "us-east-1")
	storage.Put("s3://clinic-in/notes.txt", []byte("synthetic patient notes"))
	root := ts.Root
	names := &goldenNames{}
	run := func(t *testing.T, c goldenCase) map[string]any {
		t.Helper()
		if c.creds == (aws.Credentials{}) {
			c.creds = root
		}
		return ts.runGolden(t, names, c)
	}

	role := createRole(t, ts, "ConnectHealthServiceRole", healthSeed(t, "connect-health--service-role-trust.json", goldenAccount, simDomain),
		`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-in/*"},
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`)
	kmsKey := "arn:aws:kms:us-east-1:" + goldenAccount + ":key/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
	// The key ID is fixed but looks like a generated UUID: a name keeps it
	// apart from the values the generated-value check looks for.
	names.add(kmsKey, "kmsKeyArn")
	d := run(t, goldenCase{name: "create-domain", args: []string{"create-domain", "--name", "clinic",
		"--kms-key-arn", kmsKey, "--tags", "Department=cardiology",
		"--web-app-setup-configuration", "ehrRole=" + role + ",idcInstanceId=ssoins-1234,idcRegion=us-east-1"},
		learn: func(d map[string]any) {
			names.add(str(d, "domainId"), "domainId")
			names.add(str(d, "webAppConfiguration", "idcApplicationId"), "idcApplicationId")
		}})
	domainID, domainARN := str(d, "domainId"), str(d, "arn")
	if domainID == "" {
		t.Fatalf("create-domain = %v", d)
	}
	if _, err := ts.iam(root).UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
		RoleName:       aws.String("ConnectHealthServiceRole"),
		PolicyDocument: aws.String(healthSeed(t, "connect-health--service-role-trust.json", goldenAccount, domainID)),
	}); err != nil {
		t.Fatal(err)
	}
	createUsers(t, ts, "nobody")
	nobody := userCredentials(t, ts, "nobody")
	const session = "0f8fad5b-d9cb-469f-a165-70867728950e"
	names.add(session, "sessionId")
	// Nine more domains fill the account's quota: the last is deleted once
	// the quota has been seen.
	var retired string
	for i := range warden.MaxDomainsPerRegion - 1 {
		resp, body := signedHealthRequest(t, ts, root, http.MethodPost, "/domain", `{"name":"filler"}`)
		var created struct{ DomainId string }
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil {
			t.Fatalf("CreateDomain: %d %s", resp.StatusCode, body)
		}
		if i == warden.MaxDomainsPerRegion-2 {
			retired = created.DomainId
			names.add(retired, "retiredDomainId")
		}
	}

	// Each subtest is a chain of commands that depend on each other; the
	// chains run side by side.
	chain := func(t *testing.T, name string, fn func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t)
		})
	}
	t.Run("chains", func(t *testing.T) {
		chain(t, "subscriptions", func(t *testing.T) {
			sub := run(t, goldenCase{name: "create-subscription", args: []string{"create-subscription", "--domain-id", domainID},
				learn: func(sub map[string]any) { names.add(str(sub, "subscriptionId"), "subscriptionId") }})
			subID := str(sub, "subscriptionId")
			if subID == "" {
				t.Fatalf("create-subscription = %v", sub)
			}
			ids := []string{"--domain-id", domainID, "--subscription-id", subID}
			run(t, goldenCase{name: "deactivate-subscription", args: append([]string{"deactivate-subscription"}, ids...)})
			run(t, goldenCase{name: "activate-subscription", args: append([]string{"activate-subscription"}, ids...)})
			t.Run("read", func(t *testing.T) {
				for _, c := range []goldenCase{
					{name: "get-subscription", args: append([]string{"get-subscription"}, ids...)},
					{name: "list-subscriptions", args: []string{"list-subscriptions", "--domain-id", domainID}},
					{name: "get-medical-scribe-listening-session.ResourceNotFoundException", wantError: "ResourceNotFoundException",
						args: append([]string{"get-medical-scribe-listening-session", "--session-id", session}, ids...)},
				} {
					chain(t, c.name, func(t *testing.T) { run(t, c) })
				}
			})
		})
		chain(t, "tags", func(t *testing.T) {
			run(t, goldenCase{name: "tag-resource", args: []string{"tag-resource", "--resource-arn", domainARN, "--tags", "Owner=clinic-admins"}})
			run(t, goldenCase{name: "untag-resource", args: []string{"untag-resource", "--resource-arn", domainARN, "--tag-keys", "Department"}})
			t.Run("read", func(t *testing.T) {
				chain(t, "list-tags-for-resource", func(t *testing.T) {
					run(t, goldenCase{name: "list-tags-for-resource", args: []string{"list-tags-for-resource", "--resource-arn", domainARN}})
				})
				chain(t, "get-domain", func(t *testing.T) {
					run(t, goldenCase{name: "get-domain", args: []string{"get-domain", "--domain-id", domainID}})
				})
			})
		})
		chain(t, "jobs", func(t *testing.T) {
			job := run(t, goldenCase{name: "start-patient-insights-job",
				args:  append(jobArgs(domainID, "s3://clinic-in/notes.txt"), "--client-token", "token-1"),
				learn: func(job map[string]any) { names.add(str(job, "jobId"), "jobId") }})
			jobID := str(job, "jobId")
			if jobID == "" {
				t.Fatalf("start-patient-insights-job = %v", job)
			}
			run(t, goldenCase{name: "start-patient-insights-job.ConflictException", wantError: "ConflictException",
				args: append(jobArgs(domainID, "s3://clinic-in/other.txt"), "--client-token", "token-1")})
			waitForJob(t, ts, domainID, jobID)
			run(t, goldenCase{name: "get-patient-insights-job", args: []string{"get-patient-insights-job", "--domain-id", domainID, "--job-id", jobID}})
		})
		chain(t, "quota", func(t *testing.T) {
			run(t, goldenCase{name: "create-domain.ServiceQuotaExceededException", wantError: "ServiceQuotaExceededException",
				args: []string{"create-domain", "--name", "eleventh"}})
			run(t, goldenCase{name: "delete-domain", args: []string{"delete-domain", "--domain-id", retired}})
		})
		chain(t, "list-domains", func(t *testing.T) {
			// The first of the ten domains in creation order, and a token
			// for the rest.
			run(t, goldenCase{name: "list-domains", args: []string{"list-domains", "--max-results", "1"}})
		})
		chain(t, "validation", func(t *testing.T) {
			// A key ARN whose key ID is not hexadecimal: the CLI checks no
			// patterns, the server does.
			run(t, goldenCase{name: "create-domain.ValidationException", wantError: "ValidationException",
				args: []string{"create-domain", "--name", "clinic", "--kms-key-arn", "arn:aws:kms:us-east-1:" + goldenAccount + ":key/not-a-key"}})
		})
		chain(t, "denied", func(t *testing.T) {
			run(t, goldenCase{name: "get-domain.AccessDeniedException", wantError: "AccessDeniedException", creds: nobody,
				args: []string{"get-domain", "--domain-id", domainID}})
		})
	})
}

// waitForJob polls a patient insights job, signed as the root user, until
// it has finished, without the CLI's start-up cost on every poll.
func waitForJob(t *testing.T, ts *testServer, domainID, jobID string) {
	t.Helper()
	waitForCLI(t, func() bool {
		resp, body := signedHealthRequest(t, ts, ts.Root, http.MethodGet, "/domain/"+domainID+"/patient-insights-job/"+jobID, "")
		var job struct{ JobStatus string }
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &job) != nil {
			t.Fatalf("GetPatientInsightsJob: %d %s", resp.StatusCode, body)
		}
		return job.JobStatus == string(warden.JobSucceeded) || job.JobStatus == string(warden.JobFailed)
	})
}
