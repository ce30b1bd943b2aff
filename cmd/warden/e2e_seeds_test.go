package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Every policy of the two documents Warden was made from (the Connect
// Health IAM guide and the Amazon Connect identity-based policy examples),
// end to end. Each published text is validated and must fail with the
// finding its mistake deserves (or pass, when it has none); the fixed text
// must validate clean. The fixed policy is then given to a principal of
// its own, and the real aws CLI (or a warden command, for console-only
// actions) sends the requests the policy must allow and a sample of those
// it must deny. Actions of services Warden does not serve (HealthLake,
// CloudFormation, KMS, IAM Identity Center) are decided by the real CLI's
// `aws iam simulate-principal-policy` against the same principal.
//
// The suite prints a table: policy, requests allowed as expected, denied
// as expected. `go test` shows it with -v; when WARDEN_SEED_TABLE names a
// file, the table is also written there (make test prints it).

// seedDoc is one seed policy and what it must do.
type seedDoc struct {
	file string
	// kind is the --type the policy is validated as.
	kind string
	// published are the error codes the published text must be refused
	// with (each at least once); none for a text without mistakes.
	published []string
	// fix repairs the published text beyond filling in placeholders.
	fix func(string) string
	// calls are the requests, with {placeholders} filled from seedEnv.
	calls []seedCall
	// role is set for the web app's service role: its policies are those
	// of the role the suite sets up, and its calls are sign-ins and
	// simulations of that role.
	role bool
}

// seedCall is one request: an aws CLI command line ("aws iam get-user"),
// a warden command line ("warden health list-agents …" for console-only
// actions, "warden webapp sign-in …" for the service role), "stream ID"
// for the opening of a scribe stream (which the aws CLI lacks), or
// "simulate ACTION [RESOURCE]" for a service Warden does not serve.
type seedCall struct {
	allow bool
	line  string
}

func allow(line string) seedCall { return seedCall{true, line} }
func deny(line string) seedCall  { return seedCall{false, line} }

// seedEnv holds what the calls' placeholders name.
type seedEnv struct {
	ts      *testServer
	account string
	vars    map[string]string
}

func (e *seedEnv) fill(s string) string {
	for k, v := range e.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// seedRow is one line of the printed table.
type seedRow struct {
	file                 string
	published            string
	allowed, allowWanted int
	denied, denyWanted   int
	simulated            int
}

// replacer fixes the published text by plain substitutions.
func replacer(pairs ...string) func(string) string {
	return strings.NewReplacer(pairs...).Replace
}

var seedDocs = []seedDoc{
	{
		file: "connect--appintegrations-all-actions.json", kind: "identity",
		published: []string{"INVALID_SERVICE_IN_ACTION"},
		fix:       replacer("app-integartions:", "app-integrations:"),
		calls: []seedCall{
			allow("aws appintegrations list-event-integrations"),
			allow("aws appintegrations get-event-integration --name seed-events"),
			allow("aws appintegrations create-event-integration --name {user} --event-filter Source=aws.partner/example.com/{user} --event-bridge-bus default"),
			allow("aws appintegrations update-event-integration --name {user} --description updated"),
			allow("aws appintegrations delete-event-integration --name {user}"),
			deny("aws appintegrations tag-resource --resource-arn {eventIntegrationArn} --tags team=red"),
		},
	},
	{
		file: "connect--appintegrations-create-view.json", kind: "identity",
		published: []string{"JSON_SYNTAX_ERROR"},
		fix:       replacer(`"app-integrations::ListEventIntegrations", ]`, `"app-integrations:ListEventIntegrations" ]`),
		calls: []seedCall{
			allow("aws appintegrations create-event-integration --name {user} --event-filter Source=aws.partner/example.com/{user} --event-bridge-bus default"),
			allow("aws appintegrations get-event-integration --name seed-events"),
			allow("aws appintegrations list-event-integrations"),
			deny("aws appintegrations update-event-integration --name seed-events --description changed"),
			deny("aws appintegrations delete-event-integration --name seed-events"),
		},
	},
	{
		file: "connect--create-users-by-request-tag.json", kind: "identity",
		calls: []seedCall{
			allow("aws connect create-user --instance-id {instance} --username {user}-a --password Passw0rd-x --identity-info FirstName=Ada,LastName=Lovelace --phone-config PhoneType=SOFT_PHONE --security-profile-ids 11111111-2222-3333-4444-555555555555 --routing-profile-id 66666666-7777-8888-9999-000000000000 --tags Owner=TeamA"),
			deny("aws connect create-user --instance-id {instance} --username {user}-b --password Passw0rd-x --identity-info FirstName=Ada,LastName=Lovelace --phone-config PhoneType=SOFT_PHONE --security-profile-ids 11111111-2222-3333-4444-555555555555 --routing-profile-id 66666666-7777-8888-9999-000000000000 --tags Owner=TeamB"),
			deny("aws connect create-user --instance-id {instance} --username {user}-c --password Passw0rd-x --identity-info FirstName=Ada,LastName=Lovelace --phone-config PhoneType=SOFT_PHONE --security-profile-ids 11111111-2222-3333-4444-555555555555 --routing-profile-id 66666666-7777-8888-9999-000000000000"),
			deny("aws connect describe-user --instance-id {instance} --user-id {testUser}"),
		},
	},
	{
		file: "connect--describe-update-users-by-tag.json", kind: "identity",
		calls: []seedCall{
			allow("aws connect describe-user --instance-id {instance} --user-id {testUser}"),
			allow("aws connect update-user-identity-info --instance-id {instance} --user-id {testUser} --identity-info FirstName=Grace,LastName=Hopper"),
			allow("aws connect update-user-phone-config --instance-id {instance} --user-id {testUser} --phone-config PhoneType=SOFT_PHONE,AutoAccept=true"),
			deny("aws connect describe-user --instance-id {instance} --user-id {otherUser}"),
			deny("aws connect update-user-identity-info --instance-id {instance} --user-id {otherUser} --identity-info FirstName=Grace"),
			deny("aws connect list-users --instance-id {instance}"),
		},
	},
	{
		file: "connect--view-connect-users.json", kind: "identity",
		calls: []seedCall{
			allow("aws connect list-users --instance-id {instance}"),
			allow("aws connect describe-user --instance-id {instance} --user-id {otherUser}"),
			deny("aws connect update-user-identity-info --instance-id {instance} --user-id {otherUser} --identity-info FirstName=Grace"),
			deny("aws connect delete-user --instance-id {instance} --user-id {otherUser}"),
		},
	},
	{
		file: "connect--view-own-permissions.json", kind: "identity",
		calls: viewOwnPermissionsCalls,
	},
	{
		file: "connect-health--ex1-full-access-one-domain.json", kind: "identity",
		published: []string{"INVALID_VERSION", "INVALID_ARN_ACCOUNT", "INVALID_ARN_REGION"},
		calls: []seedCall{
			allow("aws connecthealth get-domain --domain-id {domain}"),
			allow("aws connecthealth list-subscriptions --domain-id {domain}"),
			allow("aws connecthealth tag-resource --resource-arn {domainArn} --tags Team=blue"),
			allow("warden health create-integration --domain-id {domain} --name {user} --type FHIR --endpoint https://ehr.example.com/fhir/r4 --auth-secret-arn arn:aws:secretsmanager:us-east-1:{account}:secret:ehr-AbCdEf"),
			allow("warden health list-integrations --domain-id {domain}"),
			allow("warden health get-integration --domain-id {domain} --integration-id {integration}"),
			deny("aws connecthealth get-domain --domain-id {otherDomain}"),
			deny("aws connecthealth list-domains"),
			// Subscriptions and agents are resources of their own, which
			// the policy does not name.
			deny("aws connecthealth create-subscription --domain-id {domain}"),
			deny("warden health get-agent --domain-id {domain} --agent-id {agent}"),
			deny("warden health list-integrations --domain-id {otherDomain}"),
		},
	},
	{
		file: "connect-health--ex2-start-view-scribe-sessions.json", kind: "identity",
		published: []string{"INVALID_VERSION"},
		calls: []seedCall{
			allow("stream {session}"),
			allow("aws connecthealth get-medical-scribe-listening-session --domain-id {domain} --subscription-id {subscription} --session-id {session}"),
			deny("aws connecthealth get-domain --domain-id {domain}"),
			deny("warden health list-medical-scribe-listening-sessions --domain-id {domain}"),
		},
	},
	{
		file: "connect-health--ex3-readonly-scribe-sessions.json", kind: "identity",
		published: []string{"INVALID_VERSION"},
		calls: []seedCall{
			allow("warden health list-medical-scribe-listening-sessions --domain-id {domain}"),
			allow("aws connecthealth get-medical-scribe-listening-session --domain-id {domain} --subscription-id {subscription} --session-id {rootSession}"),
			deny("stream {session}"),
			deny("aws connecthealth list-domains"),
		},
	},
	{
		file: "connect-health--ex4-full-access-all.json", kind: "identity",
		published: []string{"INVALID_VERSION"},
		calls: []seedCall{
			allow("aws connecthealth list-domains"),
			allow("aws connecthealth get-domain --domain-id {otherDomain}"),
			allow("aws connecthealth list-subscriptions --domain-id {otherDomain}"),
			allow("aws connecthealth list-tags-for-resource --resource-arn {domainArn}"),
			allow("warden health list-agents --domain-id {domain}"),
			allow("warden health create-agent --domain-id {otherDomain} --name {user}"),
			deny("aws iam list-users"),
			deny("aws s3api list-buckets"),
		},
	},
	{
		file: "connect-health--ex5-readonly-deny-destructive.json", kind: "identity",
		published: []string{"INVALID_VERSION"},
		calls: []seedCall{
			allow("aws connecthealth get-domain --domain-id {domain}"),
			allow("warden health list-agents --domain-id {domain}"),
			allow("warden health get-agent --domain-id {domain} --agent-id {agent}"),
			deny("aws connecthealth delete-domain --domain-id {domain}"),
			deny("warden health delete-agent --domain-id {domain} --agent-id {agent}"),
			deny("aws connecthealth create-domain --name nope"),
			deny("aws connecthealth list-domains"),
		},
	},
	{
		file: "connect-health--ex6-view-own-permissions.json", kind: "identity",
		published: []string{"INVALID_VERSION"},
		calls:     viewOwnPermissionsCalls,
	},
	{
		file: "connect-health--full-access-console.json", kind: "identity",
		published: []string{"INVALID_VERSION", "INVALID_ACTION"},
		// The published list names S3 API operations and a KMS action
		// that do not exist; each becomes the IAM action it meant.
		fix: replacer(
			`"kms:ListKeysForService"`, `"kms:ListKeys"`,
			`"s3:getBucket"`, `"s3:ListBucket"`,
			`"s3:getBucketVersions"`, `"s3:ListBucketVersions"`,
			`"s3:getVersioning"`, `"s3:GetBucketVersioning"`,
			`"s3:getLocation"`, `"s3:GetBucketLocation"`,
			`"s3:getService"`, `"s3:ListAllMyBuckets"`,
		),
		calls: []seedCall{
			allow("aws connecthealth create-domain --name {user}"),
			allow("aws connecthealth list-domains"),
			allow("aws connecthealth get-domain --domain-id {domain}"),
			allow("warden health create-agent --domain-id {domain} --name {user}"),
			allow("warden health list-agents --domain-id {domain}"),
			allow("warden health list-integrations --domain-id {domain}"),
			allow("aws iam create-role --role-name {user} --assume-role-policy-document {healthTrust}"),
			allow("aws s3api list-buckets"),
			allow("aws connect describe-instance --instance-id {instance}"),
			allow("aws connect list-phone-numbers-v2 --target-arn {instanceArn}"),
			allow("simulate healthlake:SearchWithGet"),
			allow("simulate cloudformation:CreateStack"),
			allow("simulate kms:ListKeys"),
			allow("simulate sso:CreateApplication"),
			deny("aws connecthealth create-subscription --domain-id {domain}"),
			deny("aws connect list-users --instance-id {instance}"),
			deny("aws iam delete-user --user-name {other}"),
			deny("simulate kms:Decrypt"),
		},
	},
	{
		file: "connect-health--readonly-console.json", kind: "identity",
		published: []string{"INVALID_VERSION"},
		calls: []seedCall{
			allow("aws connecthealth list-domains"),
			allow("aws connecthealth get-domain --domain-id {domain}"),
			allow("warden health list-integrations --domain-id {domain}"),
			allow("warden health list-agents --domain-id {domain}"),
			deny("aws connecthealth create-domain --name nope"),
			deny("aws connecthealth delete-domain --domain-id {domain}"),
			deny("warden health get-agent --domain-id {domain} --agent-id {agent}"),
			deny("warden health create-agent --domain-id {domain} --name nope"),
		},
	},
	{
		// The role the service assumes for a domain's web app, with the
		// trust policy below; a sign-in reads the signed-in user (allowed)
		// and another user (denied).
		file: "connect-health--service-role-permissions.json", kind: "identity", role: true,
		published: []string{"INVALID_VERSION", "INVALID_ARN_ACCOUNT", "INVALID_ARN_REGION"},
		fix:       replacer(`"Resource": "arn:aws:identitystore:::user/${aws:SourceIdentity}"`, `"Resource": ["{storeArn}", "arn:aws:identitystore:::user/${aws:SourceIdentity}"]`),
		calls: []seedCall{
			allow("warden webapp sign-in --domain-id {webDomain} --user-id {jones} --other-user-id {smith}"),
			allow("simulate health-agent:GetDomain {webDomainArn}"),
			allow("simulate health-agent:ListAgents {webDomainArn}"),
			deny("simulate health-agent:DeleteDomain {webDomainArn}"),
			deny("simulate health-agent:GetDomain {domainArn}"),
		},
	},
	{
		file: "connect-health--service-role-trust.json", kind: "trust", role: true,
		published: []string{"INVALID_VERSION", "INVALID_ARN_ACCOUNT", "INVALID_ARN_REGION", "INVALID_ACCOUNT_ID_FORMAT"},
		calls: []seedCall{
			allow("warden webapp sign-in --domain-id {webDomain} --user-id {smith} --other-user-id {jones}"),
			// The same role named by another domain: the trust policy's
			// aws:SourceArn names only the first.
			deny("warden webapp sign-in --domain-id {otherWebDomain} --user-id {jones} --other-user-id {smith}"),
		},
	},
}

// viewOwnPermissionsCalls are shared by the two documents' copies of the
// "view their own permissions" policy.
var viewOwnPermissionsCalls = []seedCall{
	allow("aws iam get-user"),
	allow("aws iam list-user-policies --user-name {user}"),
	allow("aws iam list-attached-user-policies --user-name {user}"),
	allow("aws iam list-groups-for-user --user-name {user}"),
	allow("aws iam list-policies --scope Local"),
	allow("aws iam list-users"),
	deny("aws iam get-user --user-name {other}"),
	deny("aws iam list-user-policies --user-name {other}"),
	deny("aws iam create-user --user-name intruder"),
}

func TestE2ESeedPolicies(t *testing.T) {
	ts := startServer(t, "")
	e := &seedEnv{ts: ts, account: serverAccount(t, ts)}
	e.setUp(t)

	covered := map[string]bool{}
	for _, d := range seedDocs {
		covered[d.file] = true
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "policy", "testdata", "seeds", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed policies: %v", err)
	}
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("seed policy %s has no end-to-end case", filepath.Base(f))
		}
	}

	var mu sync.Mutex
	var rows []seedRow
	t.Run("policies", func(t *testing.T) {
		for i, d := range seedDocs {
			t.Run(strings.TrimSuffix(d.file, ".json"), func(t *testing.T) {
				t.Parallel()
				row := e.run(t, i, d)
				mu.Lock()
				rows = append(rows, row)
				mu.Unlock()
			})
		}
	})
	slices.SortFunc(rows, func(a, b seedRow) int { return strings.Compare(a.file, b.file) })
	table := seedTable(rows)
	t.Log("\n" + table)
	if path := os.Getenv("WARDEN_SEED_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// run validates the published and fixed texts of one seed policy, gives
// the fixed one to a user of its own and sends its calls as that user.
func (e *seedEnv) run(t *testing.T, i int, d seedDoc) seedRow {
	row := seedRow{file: d.file, published: "valid"}
	published := readSeed(t, d.file)

	codes := validationErrors(t, d.kind, published)
	for _, want := range d.published {
		if !slices.Contains(codes, want) {
			t.Errorf("published text: errors %v, want %s", codes, want)
		}
	}
	if len(d.published) == 0 && len(codes) > 0 {
		t.Errorf("published text: errors %v, want none", codes)
	}
	if len(codes) > 0 {
		row.published = strings.Join(dedupe(codes), ", ")
	}

	fixed := e.fixed(t, d)
	if codes := validationErrors(t, d.kind, fixed); len(codes) > 0 {
		t.Fatalf("fixed text: errors %v\n%s", codes, fixed)
	}

	principal, user := e.vars["roleArn"], ""
	var creds aws.Credentials
	if !d.role {
		user = fmt.Sprintf("seed-%02d", i)
		createUsers(t, e.ts, user)
		putUserPolicy(t, e.ts, user, "Seed", fixed)
		creds = userCredentials(t, e.ts, user)
		principal = "arn:aws:iam::" + e.account + ":user/" + user
	}

	var simulated []seedCall
	for _, c := range d.calls {
		line := strings.NewReplacer("{user}", user, "{session}", fmt.Sprintf("00000000-0000-4000-8000-%012d", i)).Replace(c.line)
		line = e.fill(line)
		if c.allow {
			row.allowWanted++
		} else {
			row.denyWanted++
		}
		if strings.HasPrefix(line, "simulate ") {
			simulated = append(simulated, seedCall{c.allow, line})
			continue
		}
		if e.cli(t, creds, c.allow, line) {
			if c.allow {
				row.allowed++
			} else {
				row.denied++
			}
		}
	}
	if len(simulated) > 0 {
		row.simulated = len(simulated)
		a, dn := e.simulate(t, principal, simulated)
		row.allowed += a
		row.denied += dn
	}
	return row
}

// cli runs one aws CLI or warden command line and reports whether it was
// decided as wanted: success when allowed, an access-denied error when
// denied.
func (e *seedEnv) cli(t *testing.T, creds aws.Credentials, allow bool, line string) bool {
	t.Helper()
	args := strings.Fields(line)
	var cerr *cliError
	switch {
	case args[0] == "aws":
		_, stderr, err := e.ts.awsCLI(t, creds, args[1:]...)
		if err != nil {
			cerr = parseCLIError(t, stderr)
		}
	case args[0] == "stream":
		// StartMedicalScribeListeningSession, which the aws CLI lacks: the
		// opening request of a stream over h2c, signed as the SDKs sign it.
		st, resp := openScribe(t, e.ts, creds, scribeParams{sessionID: args[1], domainID: e.vars["domain"], subscriptionID: e.vars["subscription"]})
		if st != nil {
			st.body.Close()
			st.resp.Body.Close()
			break
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cerr = &cliError{code: resp.Header.Get("X-Amzn-Errortype"), message: string(body)}
	case len(args) > 2 && args[0] == "warden" && args[1] == "health":
		_, cerr = e.ts.console(t, creds, args[2:]...)
	case len(args) > 2 && args[0] == "warden" && args[1] == "webapp":
		// The sign-in succeeds only when the role reads the signed-in
		// user and no one else.
		out, status := runWarden(t, append([]string{"webapp", args[2], "--data", e.ts.Dir}, args[3:]...)...)
		switch {
		case status == 0 && allow, status == 1 && !allow && strings.Contains(out, "DENIED"):
			return true
		}
		t.Errorf("%s: status %d, want allowed=%v\n%s", line, status, allow, out)
		return false
	default:
		t.Fatalf("unknown call %q", line)
	}
	switch {
	case allow && cerr != nil:
		t.Errorf("%s: want allowed, got %s: %s", line, cerr.code, cerr.message)
		return false
	case !allow && cerr == nil:
		t.Errorf("%s: want denied, but it succeeded", line)
		return false
	case !allow && cerr.code != "AccessDenied" && cerr.code != "AccessDeniedException":
		t.Errorf("%s: want an access denial, got %s: %s", line, cerr.code, cerr.message)
		return false
	}
	return true
}

// simulate asks `aws iam simulate-principal-policy` about calls of the
// form "simulate ACTION [RESOURCE]" for the principal, in one request per
// resource, and counts the decisions that are as wanted.
func (e *seedEnv) simulate(t *testing.T, principal string, calls []seedCall) (allowed, denied int) {
	t.Helper()
	for _, c := range calls {
		f := strings.Fields(c.line)
		args := []string{"iam", "simulate-principal-policy", "--policy-source-arn", principal, "--action-names", f[1]}
		if len(f) > 2 {
			args = append(args, "--resource-arns", f[2])
		}
		stdout, stderr, err := e.ts.awsCLI(t, e.ts.Root, args...)
		if err != nil {
			t.Fatalf("simulate-principal-policy: %s", stderr)
		}
		var raw struct {
			EvaluationResults []struct{ EvalDecision string }
		}
		if err := json.Unmarshal([]byte(stdout), &raw); err != nil || len(raw.EvaluationResults) != 1 {
			t.Fatalf("simulate-principal-policy printed %q: %v", stdout, err)
		}
		decision := raw.EvaluationResults[0].EvalDecision
		switch {
		case c.allow && decision == "allowed":
			allowed++
		case !c.allow && (decision == "implicitDeny" || decision == "explicitDeny"):
			denied++
		default:
			t.Errorf("%s: simulated decision %s, want allowed=%v\n%s", c.line, decision, c.allow, stdout)
		}
	}
	return allowed, denied
}

// setUp makes what the calls name, as root: two Connect Health domains
// with an agent and an integration, an Amazon Connect instance with a user
// tagged Department=Test and one untagged, an event integration, two
// identity-store users, and the web app's service role named by a third
// domain (and, against its trust policy, by a fourth).
func (e *seedEnv) setUp(t *testing.T) {
	ts := e.ts
	mine := ts.mustHealth(t, ts.Root, "create-domain", "--name", "seed-domain")
	other := ts.mustHealth(t, ts.Root, "create-domain", "--name", "seed-other")
	createUsers(t, ts, "seed-bystander")
	e.vars = map[string]string{
		"domain":      str(mine, "domainId"),
		"domainArn":   str(mine, "arn"),
		"otherDomain": str(other, "domainId"),
		"other":       "seed-bystander",
		"account":     e.account,
		"healthTrust": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"health-agent.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
	}
	e.vars["agent"] = str(ts.mustConsole(t, ts.Root, "create-agent", "--domain-id", e.vars["domain"], "--name", "seed-agent"), "agent", "agentId")
	e.vars["subscription"] = str(ts.mustHealth(t, ts.Root, "create-subscription", "--domain-id", e.vars["domain"]), "subscriptionId")
	e.vars["rootSession"] = "0f8fad5b-d9cb-469f-a165-70867728950e"
	if st, resp := openScribe(t, ts, ts.Root, scribeParams{sessionID: e.vars["rootSession"], domainID: e.vars["domain"], subscriptionID: e.vars["subscription"]}); st == nil {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("StartMedicalScribeListeningSession as root: %d %s", resp.StatusCode, b)
	} else {
		st.body.Close()
		st.resp.Body.Close()
	}
	e.vars["integration"] = str(ts.mustConsole(t, ts.Root, "create-integration", "--domain-id", e.vars["domain"], "--name", "seed-ehr",
		"--type", "FHIR", "--endpoint", "https://ehr.example.com/fhir/r4", "--auth-secret-arn", "arn:aws:secretsmanager:us-east-1:"+e.account+":secret:ehr-AbCdEf"), "integration", "integrationId")

	instance := ts.mustConnect(t, ts.Root, "create-instance", "--identity-management-type", "CONNECT_MANAGED",
		"--instance-alias", "seed-desk", "--inbound-calls-enabled", "--outbound-calls-enabled")
	e.vars["instance"], e.vars["instanceArn"] = str(instance, "Id"), str(instance, "Arn")
	e.vars["testUser"] = str(ts.mustConnect(t, ts.Root, connectUserArgs(e.vars["instance"], "seed-tested", "Department=Test")...), "UserId")
	e.vars["otherUser"] = str(ts.mustConnect(t, ts.Root, connectUserArgs(e.vars["instance"], "seed-untagged", "")...), "UserId")

	e.vars["eventIntegrationArn"] = str(ts.mustAppint(t, ts.Root, createIntegration("seed-events", "")...), "EventIntegrationArn")

	store := identityStoreID(t, ts)
	e.vars["storeArn"] = "arn:aws:identitystore::" + e.account + ":identitystore/" + store
	e.vars["jones"] = createIdentityStoreUser(t, ts, store, "jones")
	e.vars["smith"] = createIdentityStoreUser(t, ts, store, "smith")

	// The web app's domain names the role, and the role's trust policy
	// names the domain: the role comes first, trusting a placeholder.
	trust := func(domain string) string {
		return e.fixed(t, seedDoc{file: "connect-health--service-role-trust.json", fix: replacer(e.vars["domain"], domain)})
	}
	role := createRole(t, ts, "SeedWebAppRole", trust(simDomain))
	e.vars["roleArn"] = role
	web := ts.mustHealth(t, ts.Root, "create-domain", "--name", "seed-webapp",
		"--web-app-setup-configuration", "ehrRole="+role+",idcInstanceId=ssoins-1234,idcRegion=us-east-1")
	otherWeb := ts.mustHealth(t, ts.Root, "create-domain", "--name", "seed-webapp-other",
		"--web-app-setup-configuration", "ehrRole="+role+",idcInstanceId=ssoins-1234,idcRegion=us-east-1")
	e.vars["webDomain"], e.vars["webDomainArn"], e.vars["otherWebDomain"] = str(web, "domainId"), str(web, "arn"), str(otherWeb, "domainId")
	root := ts.iam(ts.Root)
	if _, err := root.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String("SeedWebAppRole"), PolicyDocument: aws.String(trust(e.vars["webDomain"]))}); err != nil {
		t.Fatal(err)
	}
	var permissions seedDoc
	for _, d := range seedDocs {
		if d.file == "connect-health--service-role-permissions.json" {
			permissions = d
		}
	}
	repair := permissions.fix
	permissions.fix = func(s string) string {
		return strings.ReplaceAll(repair(s), e.vars["domain"], e.vars["webDomain"])
	}
	if _, err := root.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{RoleName: aws.String("SeedWebAppRole"),
		PolicyName: aws.String("ServiceRole"), PolicyDocument: aws.String(e.fixed(t, permissions))}); err != nil {
		t.Fatal(err)
	}
}

// fixed is a seed policy with its placeholders filled (the domain is the
// suite's first) and its published mistakes repaired.
func (e *seedEnv) fixed(t *testing.T, d seedDoc) string {
	t.Helper()
	doc := strings.ReplaceAll(seedPolicy(t, d.file, e.account), simDomain, e.vars["domain"])
	if d.fix != nil {
		doc = d.fix(doc)
	}
	return e.fill(doc)
}

// readSeed returns a seed policy exactly as published.
func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "policy", "testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// validationErrors runs `warden policy validate` on a document and
// returns the codes of its ERROR findings.
func validationErrors(t *testing.T, kind, doc string) []string {
	t.Helper()
	stdout, stderr, code := runMain(t, doc, "policy", "validate", "--type", kind, "--output", "json", "-")
	if code != 0 && code != 1 {
		t.Fatalf("warden policy validate: exit %d: %s", code, stderr)
	}
	var out struct {
		Files []struct {
			Findings []struct{ Severity, Code string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("warden policy validate printed %q: %v", stdout, err)
	}
	var codes []string
	for _, f := range out.Files {
		for _, finding := range f.Findings {
			if finding.Severity == "ERROR" {
				codes = append(codes, finding.Code)
			}
		}
	}
	return codes
}

func dedupe(codes []string) []string {
	out := slices.Clone(codes)
	slices.Sort(out)
	return slices.Compact(out)
}

// seedTable formats the rows as the suite's table.
func seedTable(rows []seedRow) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "policy\tpublished text\tallowed as expected\tdenied as expected\tsimulated")
	var a, aw, d, dw int
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%d/%d\t%d/%d\t%d\n", strings.TrimSuffix(r.file, ".json"), r.published, r.allowed, r.allowWanted, r.denied, r.denyWanted, r.simulated)
		a, aw, d, dw = a+r.allowed, aw+r.allowWanted, d+r.denied, dw+r.denyWanted
	}
	fmt.Fprintf(w, "total\t\t%d/%d\t%d/%d\t\n", a, aw, d, dw)
	w.Flush()
	return b.String()
}
