package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const allowGetDomain = `{"policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"health-agent:Get*","Resource":"*"},{"Effect":"Deny","Action":"health-agent:DeleteDomain","Resource":"*"}]}]},` +
	`"request":{"principal":{"arn":"arn:aws:iam::111122223333:user/alice","type":"User"},"action":"%s","resource":"arn:aws:health-agent:us-east-1:111122223333:domain/d-1"}}`

func evalLine(action string) string { return strings.Replace(allowGetDomain, "%s", action, 1) }

func TestPolicyEvalJSONLines(t *testing.T) {
	input := strings.Join([]string{
		evalLine("health-agent:GetDomain"),
		`{"policies": {`, // malformed: reported, then the next line is read
		evalLine("health-agent:DeleteDomain"),
		evalLine("health-agent:ListDomains"),
	}, "\n")
	stdout, stderr, code := runMain(t, input, "policy", "eval")
	if code != 1 {
		t.Fatalf("exit %d, want 1 for the malformed line", code)
	}
	if !strings.Contains(stderr, "line 2:") {
		t.Errorf("stderr does not name line 2: %q", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d output lines, want 4:\n%s", len(lines), stdout)
	}
	want := []string{"Allow", "", "ExplicitDeny", "ImplicitDeny"}
	for i, line := range lines {
		var out struct {
			Decision string `json:"decision"`
			Line     int    `json:"line"`
			Error    string `json:"error"`
			Reason   string `json:"reason"`
			Deciding []struct {
				Layer string `json:"layer"`
				Sid   string `json:"sid"`
				Index int    `json:"index"`
			} `json:"deciding"`
		}
		if err := json.Unmarshal([]byte(line), &out); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if want[i] == "" {
			if out.Line != 2 || out.Error == "" {
				t.Errorf("line %d: want an error for input line 2, got %s", i+1, line)
			}
			continue
		}
		if out.Decision != want[i] {
			t.Errorf("line %d: decision %q, want %q", i+1, out.Decision, want[i])
		}
		switch want[i] {
		case "Allow":
			if len(out.Deciding) != 1 || out.Deciding[0].Sid != "Read" || out.Deciding[0].Layer != "identity" {
				t.Errorf("Allow should be decided by identity statement Read: %s", line)
			}
		case "ExplicitDeny":
			if len(out.Deciding) != 1 || out.Deciding[0].Index != 1 || out.Reason != "with an explicit deny in an identity-based policy" {
				t.Errorf("deny should name statement 1 and the identity layer: %s", line)
			}
		case "ImplicitDeny":
			if out.Reason != "because no identity-based policy allows the health-agent:ListDomains action" {
				t.Errorf("reason = %q", out.Reason)
			}
		}
	}
}

func TestPolicyEvalTextExplainsFailedCondition(t *testing.T) {
	input := `{"policies":{"identity":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}}]},
	 "request":{"principal":{"arn":"arn:aws:iam::111122223333:user/alice","type":"User"},"action":"iam:GetUser","resource":"arn:aws:iam::111122223333:user/bob","context":{"aws:username":"alice"}}}`
	stdout, _, code := runMain(t, input, "policy", "eval", "--output", "text")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"ImplicitDeny", "failed", "Statement.Resource", "arn:aws:iam::111122223333:user/bob matches none of [arn:aws:iam::*:user/${aws:username}]"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestPolicyEvalReportsPolicyErrorPosition(t *testing.T) {
	input := `{"policies":{"identity":["{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}"]},"request":{"principal":{"arn":"arn:aws:iam::111122223333:user/a","type":"User"},"action":"s3:GetObject"}}`
	_, stderr, code := runMain(t, input, "policy", "eval")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "policies.identity[0]: 2:23 Statement.Effect") {
		t.Errorf("error lacks document, position and path: %q", stderr)
	}
}

func TestPolicyTest(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cases.jsonl")
	pass := strings.Replace(evalLine("health-agent:GetDomain"), `{"policies"`, `{"id":"reads","expect":"Allow","policies"`, 1)
	fail := strings.Replace(evalLine("health-agent:DeleteDomain"), `{"policies"`, `{"id":"deletes","expect":"Allow","policies"`, 1)
	if err := os.WriteFile(file, []byte(pass+"\n"+fail+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := runMain(t, "", "policy", "test", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "FAIL") || !strings.Contains(stdout, "deletes: expected Allow, got ExplicitDeny") || !strings.HasSuffix(stdout, "1 passed, 1 failed\n") {
		t.Errorf("unexpected output:\n%s", stdout)
	}

	stdout, _, code = runMain(t, "", "policy", "test", "--output", "json", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := `{"decision":"Allow","expect":"Allow","id":"reads","pass":true}` + "\n" + `{"decision":"ExplicitDeny","expect":"Allow","id":"deletes","pass":false}` + "\n"
	if stdout != want {
		t.Errorf("json output:\n%s\nwant:\n%s", stdout, want)
	}

	if err := os.WriteFile(file, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if stdout, _, code := runMain(t, "", "policy", "test", file); code != 0 || stdout != "1 passed, 0 failed\n" {
		t.Errorf("exit %d, output %q", code, stdout)
	}
}

// TestExamples keeps the examples the README shows working.
func TestExamples(t *testing.T) {
	stdout, stderr, code := runMain(t, "", "policy", "test", "../../examples/policy-tests.jsonl")
	if code != 0 || stdout != "3 passed, 0 failed\n" {
		t.Errorf("examples/policy-tests.jsonl: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, _, code = runMain(t, "", "policy", "eval", "--input", "../../examples/readonly-with-deny.json", "--output", "text")
	if code != 0 || !strings.HasPrefix(stdout, "ExplicitDeny (with an explicit deny in an identity-based policy)") {
		t.Errorf("examples/readonly-with-deny.json: exit %d\n%s", code, stdout)
	}
}
