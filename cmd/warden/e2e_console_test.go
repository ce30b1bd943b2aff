package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The Connect Health console API end to end, through the `warden health`
// commands against `warden serve`: the agent version lifecycle, sessions,
// integrations under the documentation's Example 1, tagging through the
// real aws CLI's connecthealth tag-resource, and denials.

// console runs `warden health ARGS` in-process with the credentials in
// the environment, as a user would, and decodes its JSON output ({} for
// commands that print nothing). A failure must be an AWS error, printed as
// the aws CLI prints one with its exit status 254.
func (ts *testServer) console(t *testing.T, creds aws.Credentials, args ...string) (map[string]any, *cliError) {
	t.Helper()
	env := map[string]string{"AWS_ACCESS_KEY_ID": creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey,
		"AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": "us-east-1"}
	return ts.consoleEnv(t, env, append([]string{args[0], "--endpoint-url", ts.Endpoint}, args[1:]...)...)
}

// consoleEnv runs `warden health ARGS` with the environment env.
func (ts *testServer) consoleEnv(t *testing.T, env map[string]string, args ...string) (map[string]any, *cliError) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	cmdArgs := append([]string{"health"}, args...)
	code := exitCode(&stderr, m.Run(t.Context(), cmdArgs))
	if code != 0 {
		if code != apiErrorExit {
			t.Fatalf("warden %s: exit %d\n%s", strings.Join(cmdArgs, " "), code, stderr.String())
		}
		return nil, parseCLIError(t, stderr.String())
	}
	out := map[string]any{}
	if strings.TrimSpace(stdout.String()) != "" {
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("warden %s printed %q: %v", strings.Join(cmdArgs, " "), stdout.String(), err)
		}
	}
	return out, nil
}

func (ts *testServer) mustConsole(t *testing.T, creds aws.Credentials, args ...string) map[string]any {
	t.Helper()
	out, cerr := ts.console(t, creds, args...)
	if cerr != nil {
		t.Fatalf("warden health %s: %s: %s", args[0], cerr.code, cerr.message)
	}
	return out
}

// num is the number at path, 0 where there is none.
func num(m map[string]any, path ...string) float64 {
	n, _ := field(m, path...).(float64)
	return n
}

func TestE2EConsoleAgentLifecycle(t *testing.T) {
	ts := startServer(t, "")
	root := ts.Root
	d := ts.mustHealth(t, root, "create-domain", "--name", "clinic")
	domainID, domainARN := str(d, "domainId"), str(d, "arn")

	instructions := filepath.Join(t.TempDir(), "instructions.txt")
	if err := os.WriteFile(instructions, []byte("Greet the patient by name."), 0o600); err != nil {
		t.Fatal(err)
	}
	created := ts.mustConsole(t, root, "create-agent", "--domain-id", domainID, "--name", "intake",
		"--instructions", "file://"+instructions, "--tags", "team=blue,cost=42")
	agentID := str(created, "agent", "agentId")
	if str(created, "agent", "status") != "DRAFT" || num(created, "agent", "version") != 1 ||
		str(created, "agent", "arn") != domainARN+"/agent/"+agentID || str(created, "agent", "instructions") != "Greet the patient by name." {
		t.Fatalf("create-agent = %v", created)
	}
	if got := ts.mustConsole(t, root, "publish-agent", "--domain-id", domainID, "--agent-id", agentID); str(got, "agent", "status") != "PUBLISHED" {
		t.Fatalf("publish-agent = %v", got)
	}
	draft := ts.mustConsole(t, root, "update-agent", "--domain-id", domainID, "--agent-id", agentID, "--description", "second")
	if num(draft, "agent", "version") != 2 || str(draft, "agent", "status") != "DRAFT" || num(draft, "agent", "publishedVersion") != 1 {
		t.Fatalf("update-agent of a published agent = %v", draft)
	}
	_, cerr := ts.console(t, root, "publish-agent", "--domain-id", domainID, "--agent-id", agentID, "--agent-version", "1")
	wantCLIError(t, cerr, "ConflictException", "only a DRAFT version can be published")
	ts.mustConsole(t, root, "publish-agent", "--domain-id", domainID, "--agent-id", agentID)
	if got := ts.mustConsole(t, root, "get-agent", "--domain-id", domainID, "--agent-id", agentID, "--agent-version", "1"); str(got, "agent", "status") != "ARCHIVED" {
		t.Errorf("get-agent --agent-version 1 = %v", got)
	}
	versions := ts.mustConsole(t, root, "list-agent-versions", "--domain-id", domainID, "--agent-id", agentID, "--max-results", "1")
	if list, _ := versions["versions"].([]any); len(list) != 1 || str(versions, "nextToken") == "" {
		t.Fatalf("list-agent-versions --max-results 1 = %v", versions)
	}
	rest := ts.mustConsole(t, root, "list-agent-versions", "--domain-id", domainID, "--agent-id", agentID, "--next-token", str(versions, "nextToken"))
	if list, _ := rest["versions"].([]any); len(list) != 1 || list[0].(map[string]any)["status"] != "PUBLISHED" {
		t.Fatalf("the second page = %v", rest)
	}
	if got := ts.mustConsole(t, root, "list-agents", "--domain-id", domainID); len(got["agents"].([]any)) != 1 {
		t.Errorf("list-agents = %v", got)
	}

	session := ts.mustConsole(t, root, "create-session", "--domain-id", domainID, "--agent-id", agentID, "--context", "patientId=p-1,encounterId=e-1")
	sessionID := str(session, "session", "sessionId")
	if num(session, "session", "agentVersion") != 2 || str(session, "session", "context", "patientId") != "p-1" {
		t.Fatalf("create-session = %v", session)
	}
	ts.mustConsole(t, root, "update-session", "--domain-id", domainID, "--session-id", sessionID, "--context", `{"encounterId":""}`, "--status", "ENDED")
	got := ts.mustConsole(t, root, "get-session-context", "--domain-id", domainID, "--session-id", sessionID)
	if str(got, "session", "status") != "ENDED" || str(got, "session", "context", "encounterId") != "" || str(got, "session", "context", "patientId") != "p-1" {
		t.Errorf("get-session-context = %v", got)
	}
	if got := ts.mustConsole(t, root, "list-medical-scribe-listening-sessions", "--domain-id", domainID); len(got["sessions"].([]any)) != 0 {
		t.Errorf("list-medical-scribe-listening-sessions = %v", got)
	}

	// The public API's tagging, through the real aws CLI, covers agents.
	agentARN := domainARN + "/agent/" + agentID
	ts.mustHealth(t, root, "untag-resource", "--resource-arn", agentARN, "--tag-keys", "cost")
	ts.mustHealth(t, root, "tag-resource", "--resource-arn", agentARN, "--tags", "team=red")
	if tags := ts.mustHealth(t, root, "list-tags-for-resource", "--resource-arn", agentARN); str(tags, "tags", "team") != "red" || str(tags, "tags", "cost") != "" {
		t.Errorf("list-tags-for-resource = %v", tags)
	}

	ts.mustConsole(t, root, "delete-agent", "--domain-id", domainID, "--agent-id", agentID)
	_, cerr = ts.console(t, root, "get-agent", "--domain-id", domainID, "--agent-id", agentID)
	wantCLIError(t, cerr, "ResourceNotFoundException", "Agent "+agentID+" not found.")
	// The model's constraints are checked before anything else.
	_, cerr = ts.console(t, root, "get-agent", "--domain-id", domainID, "--agent-id", "nope")
	wantCLIError(t, cerr, "ValidationException", "agentId")
}

// Example 1 grants health-agent:* on one domain and its integrations:
// integration CRUD there works, agents (which it does not name) and the
// other domain are denied.
func TestE2EConsoleIntegrationsExample1(t *testing.T) {
	ts := startServer(t, "")
	account := serverAccount(t, ts)
	mine := ts.mustHealth(t, ts.Root, "create-domain", "--name", "mine")
	other := ts.mustHealth(t, ts.Root, "create-domain", "--name", "other")
	mineID, otherID := str(mine, "domainId"), str(other, "domainId")
	createUsers(t, ts, "clinician")
	putUserPolicy(t, ts, "clinician", "OneDomain", healthSeed(t, "connect-health--ex1-full-access-one-domain.json", account, mineID))
	c := userCredentials(t, ts, "clinician")
	secret := "arn:aws:secretsmanager:us-east-1:" + account + ":secret:ehr-creds-AbCdEf"

	i := ts.mustConsole(t, c, "create-integration", "--domain-id", mineID, "--name", "epic", "--type", "FHIR",
		"--endpoint", "https://ehr.example.com/fhir/r4", "--auth-secret-arn", secret, "--tags", "env=prod")
	id := str(i, "integration", "integrationId")
	if str(i, "integration", "status") != "ACTIVE" || str(i, "integration", "arn") != str(mine, "arn")+"/integration/"+id ||
		str(i, "integration", "authSecretArn") != secret {
		t.Fatalf("create-integration = %v", i)
	}
	if got := ts.mustConsole(t, c, "get-integration", "--domain-id", mineID, "--integration-id", id); str(got, "integration", "tags", "env") != "prod" {
		t.Errorf("get-integration = %v", got)
	}
	if got := ts.mustConsole(t, c, "update-integration", "--domain-id", mineID, "--integration-id", id, "--status", "INACTIVE",
		"--endpoint", "https://ehr2.example.com/"); str(got, "integration", "status") != "INACTIVE" || str(got, "integration", "endpoint") != "https://ehr2.example.com/" {
		t.Errorf("update-integration = %v", got)
	}
	if got := ts.mustConsole(t, c, "list-integrations", "--domain-id", mineID); len(got["integrations"].([]any)) != 1 {
		t.Errorf("list-integrations = %v", got)
	}
	_, cerr := ts.console(t, c, "create-integration", "--domain-id", mineID, "--name", "epic", "--type", "HL7",
		"--endpoint", "https://ehr.example.com/", "--auth-secret-arn", secret)
	wantCLIError(t, cerr, "ConflictException", "already has an integration named epic")
	ts.mustConsole(t, c, "delete-integration", "--domain-id", mineID, "--integration-id", id)
	_, cerr = ts.console(t, c, "get-integration", "--domain-id", mineID, "--integration-id", id)
	wantCLIError(t, cerr, "ResourceNotFoundException", "Integration "+id+" not found.")

	_, cerr = ts.console(t, c, "create-agent", "--domain-id", mineID, "--name", "intake")
	wantCLIError(t, cerr, "AccessDeniedException", "User: arn:aws:iam::"+account+":user/clinician is not authorized to perform: health-agent:CreateAgent on resource: "+
		str(mine, "arn")+"/agent/agent-", "because no identity-based policy allows the health-agent:CreateAgent action")
	_, cerr = ts.console(t, c, "list-integrations", "--domain-id", otherID)
	wantCLIError(t, cerr, "AccessDeniedException", denied(account, "clinician", "health-agent:ListIntegrations", str(other, "arn"),
		"because no identity-based policy allows the health-agent:ListIntegrations action"))
}

// A domain's deletion takes its console with it, and the commands read
// credentials from the shared files Warden writes, as the aws CLI does.
func TestE2EConsoleDomainDeletion(t *testing.T) {
	ts := startServer(t, "")
	d := ts.mustHealth(t, ts.Root, "create-domain", "--name", "clinic")
	id := str(d, "domainId")
	files := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(ts.Dir, "credentials"),
		"AWS_CONFIG_FILE": filepath.Join(ts.Dir, "config"), "AWS_PROFILE": "root"}
	agent, cerr := ts.consoleEnv(t, files, "create-agent", "--endpoint-url", ts.Endpoint, "--domain-id", id, "--name", "intake")
	if cerr != nil {
		t.Fatalf("create-agent with the profile: %s: %s", cerr.code, cerr.message)
	}
	ts.mustHealth(t, ts.Root, "delete-domain", "--domain-id", id)
	waitForCLI(t, func() bool {
		return str(ts.mustHealth(t, ts.Root, "get-domain", "--domain-id", id), "status") == "DELETED"
	})
	_, cerr = ts.console(t, ts.Root, "get-agent", "--domain-id", id, "--agent-id", str(agent, "agent", "agentId"))
	wantCLIError(t, cerr, "ValidationException", "Domain "+id+" is DELETED")
}
