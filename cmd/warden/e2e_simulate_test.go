package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The policy simulator end to end: the published Connect Health example
// policies through the SDK and the aws CLI, and a user's stored policies
// and boundary through SimulatePrincipalPolicy.

const (
	simRegion = "us-east-1"
	simDomain = "dom-0123456789abcdef"
)

// seedPolicy reads one of the documentation's example policies and fills
// in its placeholders.
func seedPolicy(t *testing.T, name, account string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "policy", "testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(
		"{POLICY_VERSION}", "2012-10-17",
		"<region>", simRegion,
		"<account-id>", account,
		"<domain-id>", simDomain,
	).Replace(string(b))
}

// serverAccount returns the account the root credentials belong to.
func serverAccount(t *testing.T, ts *testServer) string {
	t.Helper()
	out, err := ts.iam(ts.Root).GetUser(t.Context(), &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.User.Arn) // arn:aws:iam::ACCOUNT:root
	return strings.Split(arn, ":")[4]
}

// writePolicyList writes policies as a JSON list for a list parameter given
// as file://: aws CLI v1 reads a file:// value that is not a JSON list as
// one string and sends each of its characters as a list member.
func writePolicyList(t *testing.T, path string, policies ...string) {
	t.Helper()
	b, err := json.Marshal(policies)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// columnsOf returns the 1-based column where part first occurs in a
// one-line policy and the column just past it.
func columnsOf(t *testing.T, doc, part string) (start, end int32) {
	t.Helper()
	i := strings.Index(doc, part)
	if i < 0 || strings.Contains(doc[:i], "\n") {
		t.Fatalf("%q is not on the policy's one line", part)
	}
	return int32(i + 1), int32(i + len(part) + 1)
}

func TestE2ESimulateCustomPolicySeeds(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	client := ts.iam(ts.Root)
	account := serverAccount(t, ts)

	t.Run("read-only with deny", func(t *testing.T) {
		doc := seedPolicy(t, "connect-health--ex5-readonly-deny-destructive.json", account)
		out, err := client.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{doc},
			ActionNames:     []string{"health-agent:GetDomain", "health-agent:DeleteDomain", "health-agent:CreateAgent"},
		})
		if err != nil {
			t.Fatal(err)
		}
		allowStart, allowEnd := columnsOf(t, doc, `{ "Effect": "Allow", "Action": [ "health-agent:GetDomain", "health-agent:ListAgents", "health-agent:GetAgent" ], "Resource": "*" }`)
		denyStart, denyEnd := columnsOf(t, doc, `{ "Effect": "Deny", "Action": [ "health-agent:DeleteDomain", "health-agent:DeleteAgent" ], "Resource": "*" }`)
		want := []struct {
			action   string
			decision types.PolicyEvaluationDecisionType
			span     []int32 // start and end column of the matched statement
		}{
			{"health-agent:GetDomain", types.PolicyEvaluationDecisionTypeAllowed, []int32{allowStart, allowEnd}},
			{"health-agent:DeleteDomain", types.PolicyEvaluationDecisionTypeExplicitDeny, []int32{denyStart, denyEnd}},
			{"health-agent:CreateAgent", types.PolicyEvaluationDecisionTypeImplicitDeny, nil},
		}
		if len(out.EvaluationResults) != len(want) {
			t.Fatalf("%d results", len(out.EvaluationResults))
		}
		for i, w := range want {
			r := out.EvaluationResults[i]
			if aws.ToString(r.EvalActionName) != w.action || aws.ToString(r.EvalResourceName) != "*" || r.EvalDecision != w.decision {
				t.Errorf("%s on %s: %s, want %s", aws.ToString(r.EvalActionName), aws.ToString(r.EvalResourceName), r.EvalDecision, w.decision)
			}
			var spans []int32
			for _, st := range r.MatchedStatements {
				if aws.ToString(st.SourcePolicyId) != "PolicyInputList.1" || st.SourcePolicyType != types.PolicySourceTypeNone ||
					st.StartPosition.Line != 1 || st.EndPosition.Line != 1 {
					t.Errorf("%s: matched statement %+v", w.action, st)
				}
				spans = append(spans, st.StartPosition.Column, st.EndPosition.Column)
			}
			if !slices.Equal(spans, w.span) {
				t.Errorf("%s: statement columns %v, want %v", w.action, spans, w.span)
			}
			if r.OrganizationsDecisionDetail == nil || !r.OrganizationsDecisionDetail.AllowedByOrganizations {
				t.Errorf("%s: OrganizationsDecisionDetail %+v", w.action, r.OrganizationsDecisionDetail)
			}
		}
	})

	t.Run("view own permissions", func(t *testing.T) {
		doc := seedPolicy(t, "connect-health--ex6-view-own-permissions.json", account)
		alice := "arn:aws:iam::" + account + ":user/alice"
		for _, tt := range []struct {
			name     string
			username string
			want     types.PolicyEvaluationDecisionType
			missing  []string
		}{
			{"as alice", "alice", types.PolicyEvaluationDecisionTypeAllowed, []string{}},
			{"as bob", "bob", types.PolicyEvaluationDecisionTypeImplicitDeny, []string{}},
			{"without aws:username", "", types.PolicyEvaluationDecisionTypeImplicitDeny, []string{"aws:username"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				in := &iam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ActionNames: []string{"iam:GetUser"}, ResourceArns: []string{alice}}
				if tt.username != "" {
					in.ContextEntries = []types.ContextEntry{{ContextKeyName: aws.String("aws:username"), ContextKeyValues: []string{tt.username}, ContextKeyType: types.ContextKeyTypeEnumString}}
				}
				out, err := client.SimulateCustomPolicy(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				r := out.EvaluationResults[0]
				if r.EvalDecision != tt.want || len(r.ResourceSpecificResults) != 1 {
					t.Fatalf("GetUser on alice: %s, resource results %+v", r.EvalDecision, r.ResourceSpecificResults)
				}
				rs := r.ResourceSpecificResults[0]
				if aws.ToString(rs.EvalResourceName) != alice || rs.EvalResourceDecision != tt.want || !slices.Equal(rs.MissingContextValues, tt.missing) {
					t.Errorf("resource result %s %s missing %v, want missing %v", aws.ToString(rs.EvalResourceName), rs.EvalResourceDecision, rs.MissingContextValues, tt.missing)
				}
			})
		}
	})

	t.Run("aws CLI", func(t *testing.T) {
		dir := t.TempDir()
		readOnly := filepath.Join(dir, "readonly.json")
		viewOwn := filepath.Join(dir, "view-own.json")
		for path, seed := range map[string]string{readOnly: "connect-health--ex5-readonly-deny-destructive.json", viewOwn: "connect-health--ex6-view-own-permissions.json"} {
			writePolicyList(t, path, seedPolicy(t, seed, account))
		}
		decisions := func(args ...string) map[string]string {
			t.Helper()
			stdout, stderr, err := ts.awsCLI(t, ts.Root, append([]string{"iam", "simulate-custom-policy"}, args...)...)
			if err != nil {
				t.Fatalf("simulate-custom-policy: %v\n%s", err, stderr)
			}
			var out struct {
				EvaluationResults []struct {
					EvalActionName    string
					EvalResourceName  string
					EvalDecision      string
					MatchedStatements []struct {
						SourcePolicyId string
						StartPosition  struct{ Line, Column int }
					}
				}
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			got := map[string]string{}
			for _, r := range out.EvaluationResults {
				d := r.EvalDecision
				for _, st := range r.MatchedStatements {
					d += " " + st.SourcePolicyId
				}
				got[r.EvalActionName+" "+r.EvalResourceName] = d
			}
			return got
		}
		got := decisions("--policy-input-list", "file://"+readOnly, "--action-names", "health-agent:DeleteDomain", "health-agent:GetDomain", "health-agent:CreateAgent")
		want := map[string]string{
			"health-agent:DeleteDomain *": "explicitDeny PolicyInputList.1",
			"health-agent:GetDomain *":    "allowed PolicyInputList.1",
			"health-agent:CreateAgent *":  "implicitDeny",
		}
		if !maps.Equal(got, want) {
			t.Errorf("read-only with deny: %v, want %v", got, want)
		}
		alice := "arn:aws:iam::" + account + ":user/alice"
		got = decisions("--policy-input-list", "file://"+viewOwn, "--action-names", "iam:GetUser", "--resource-arns", alice,
			"--context-entries", "ContextKeyName=aws:username,ContextKeyValues=alice,ContextKeyType=string")
		if want := "allowed PolicyInputList.1"; got["iam:GetUser "+alice] != want {
			t.Errorf("view own permissions as alice: %v, want %q", got, want)
		}
	})
}

func TestE2EGetContextKeysForCustomPolicy(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	account := serverAccount(t, ts)
	trust := seedPolicy(t, "connect-health--service-role-trust.json", account)
	permissions := seedPolicy(t, "connect-health--service-role-permissions.json", account)
	for _, tt := range []struct {
		name     string
		policies []string
		want     []string
	}{
		{"trust", []string{trust}, []string{"aws:SourceArn", "aws:SourceAccount"}},
		{"permissions", []string{permissions}, []string{"aws:SourceIdentity"}},
		{"both", []string{trust, permissions}, []string{"aws:SourceArn", "aws:SourceAccount", "aws:SourceIdentity"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ts.iam(ts.Root).GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: tt.policies})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(out.ContextKeyNames, tt.want) {
				t.Errorf("keys %q, want %q", out.ContextKeyNames, tt.want)
			}
		})
	}

	t.Run("aws CLI", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "trust.json")
		writePolicyList(t, path, trust)
		stdout, stderr, err := ts.awsCLI(t, ts.Root, "iam", "get-context-keys-for-custom-policy", "--policy-input-list", "file://"+path)
		if err != nil {
			t.Fatalf("get-context-keys-for-custom-policy: %v\n%s", err, stderr)
		}
		var out struct{ ContextKeyNames []string }
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if want := []string{"aws:SourceArn", "aws:SourceAccount"}; !slices.Equal(out.ContextKeyNames, want) {
			t.Errorf("keys %q, want %q", out.ContextKeyNames, want)
		}
	})

	t.Run("malformed", func(t *testing.T) {
		_, err := ts.iam(ts.Root).GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{
			PolicyInputList: []string{strings.Replace(trust, "2012-10-17", "{POLICY_VERSION}", 1)},
		})
		if code := apiErrorCode(err); code != "MalformedPolicyDocument" {
			t.Errorf("placeholder Version: %v (code %q)", err, code)
		}
	})
}

func TestE2ESimulatePrincipalPolicyBoundary(t *testing.T) {
	ts := startServer(t, "")
	ctx := t.Context()
	client := ts.iam(ts.Root)
	account := serverAccount(t, ts)
	const boundaryARN = "arn:aws:iam::aws:policy/warden/ConnectHealthConsoleReadOnly"
	created, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded"), PermissionsBoundary: aws.String(boundaryARN)})
	if err != nil {
		t.Fatal(err)
	}
	fullAccess := seedPolicy(t, "connect-health--ex4-full-access-all.json", account)
	if _, err := client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bounded"), PolicyName: aws.String("full-access"), PolicyDocument: aws.String(fullAccess)}); err != nil {
		t.Fatal(err)
	}
	userARN := aws.ToString(created.User.Arn)
	actions := []string{"health-agent:GetDomain", "health-agent:DeleteDomain"}

	type outcome struct {
		decision          types.PolicyEvaluationDecisionType
		matched           string
		allowedByBoundary bool
	}
	simulate := func(t *testing.T, in *iam.SimulatePrincipalPolicyInput) []outcome {
		t.Helper()
		out, err := client.SimulatePrincipalPolicy(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got []outcome
		for _, r := range out.EvaluationResults {
			var ids []string
			for _, st := range r.MatchedStatements {
				ids = append(ids, aws.ToString(st.SourcePolicyId)+"("+string(st.SourcePolicyType)+")")
			}
			if r.PermissionsBoundaryDecisionDetail == nil {
				t.Fatalf("%s: no PermissionsBoundaryDecisionDetail", aws.ToString(r.EvalActionName))
			}
			got = append(got, outcome{r.EvalDecision, strings.Join(ids, " "), r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary})
		}
		return got
	}

	t.Run("stored boundary", func(t *testing.T) {
		got := simulate(t, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(userARN), ActionNames: actions})
		want := []outcome{
			{types.PolicyEvaluationDecisionTypeAllowed, "full-access(user) ConnectHealthConsoleReadOnly(aws-managed)", true},
			{types.PolicyEvaluationDecisionTypeImplicitDeny, "", false},
		}
		if !slices.Equal(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})

	t.Run("given boundary overrides it", func(t *testing.T) {
		got := simulate(t, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(userARN), ActionNames: actions, PermissionsBoundaryPolicyInputList: []string{fullAccess}})
		want := []outcome{
			{types.PolicyEvaluationDecisionTypeAllowed, "full-access(user) PermissionsBoundaryPolicyInputList.1(none)", true},
			{types.PolicyEvaluationDecisionTypeAllowed, "full-access(user) PermissionsBoundaryPolicyInputList.1(none)", true},
		}
		if !slices.Equal(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})

	t.Run("caller needs permission", func(t *testing.T) {
		creds := userCredentials(t, ts, "bounded")
		_, err := ts.iam(creds).SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(userARN), ActionNames: actions})
		if code := apiErrorCode(err); code != "AccessDenied" {
			t.Errorf("SimulatePrincipalPolicy without permission: %v (code %q)", err, code)
		}
	})

	t.Run("unknown user", func(t *testing.T) {
		_, err := client.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + account + ":user/nobody"), ActionNames: actions})
		if code := apiErrorCode(err); code != "NoSuchEntity" {
			t.Errorf("unknown user: %v (code %q)", err, code)
		}
	})
}
