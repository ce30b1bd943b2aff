package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	cleanPolicy   = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "health-agent:GetDomain", "Resource": "*"}}`
	warningPolicy = `{"Statement": {"Effect": "Allow", "Action": "health-agent:GetDomain", "Resource": "*"}}`
	errorPolicy   = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:Gett*\", \"Resource\": \"*\"}\n}\n"
	trustPolicy   = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "health-agent.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}}`
)

// writePolicies writes files (name → content) under a new directory.
func writePolicies(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPolicyValidateText(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"b/bad.json":  errorPolicy,
		"a-good.json": cleanPolicy,
		"notes.txt":   "not a policy",
	})
	stdout, stderr, code := runMain(t, "", "policy", "validate", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q stderr %q", code, stdout, stderr)
	}
	want := filepath.Join(dir, "b", "bad.json") + `:3:46: error INVALID_ACTION: "s3:Gett*" matches no action of Amazon S3 (s3); did you mean s3:Get*? (Statement.Action)` + "\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	if stderr != "1 error (2 files checked)\n" {
		t.Errorf("stderr %q", stderr)
	}
}

func TestPolicyValidateClean(t *testing.T) {
	dir := writePolicies(t, map[string]string{"good.json": cleanPolicy})
	stdout, stderr, code := runMain(t, "", "policy", "validate", filepath.Join(dir, "good.json"))
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want a silent success", code, stdout, stderr)
	}
}

func TestPolicyValidateFailOn(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.json": warningPolicy})
	file := filepath.Join(dir, "p.json")
	for _, tc := range []struct {
		failOn string
		want   int
	}{
		{"", 0},
		{"error", 0},
		{"security-warning", 0},
		{"warning", 1},
		{"suggestion", 1},
		{"WARNING", 1},
	} {
		t.Run("fail-on="+tc.failOn, func(t *testing.T) {
			args := []string{"policy", "validate", file}
			if tc.failOn != "" {
				args = append(args, "--fail-on", tc.failOn)
			}
			stdout, _, code := runMain(t, "", args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d", code, tc.want)
			}
			if !strings.Contains(stdout, "warning MISSING_VERSION") {
				t.Errorf("stdout %q lacks the warning", stdout)
			}
		})
	}
}

func TestPolicyValidateJSON(t *testing.T) {
	dir := writePolicies(t, map[string]string{"good.json": cleanPolicy})
	stdout, _, code := runMain(t, errorPolicy, "policy", "validate", "--output", "json", filepath.Join(dir, "good.json"), "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var got struct {
		Files []struct {
			File     string `json:"file"`
			Findings []struct {
				Severity string `json:"severity"`
				Code     string `json:"code"`
				Message  string `json:"message"`
				Path     string `json:"path"`
				Line     int    `json:"line"`
				Column   int    `json:"column"`
			} `json:"findings"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(got.Files) != 2 || got.Files[0].File != filepath.Join(dir, "good.json") || got.Files[1].File != "<stdin>" {
		t.Fatalf("files: %+v", got.Files)
	}
	if got.Files[0].Findings == nil || len(got.Files[0].Findings) != 0 {
		t.Errorf("a clean file must have an empty findings list: %+v", got.Files[0])
	}
	if !strings.Contains(stdout, `"findings": []`) {
		t.Errorf("clean file's findings are not written as []:\n%s", stdout)
	}
	fs := got.Files[1].Findings
	if len(fs) != 1 || fs[0].Severity != "ERROR" || fs[0].Code != "INVALID_ACTION" || fs[0].Path != "Statement.Action" || fs[0].Line != 3 || fs[0].Column != 46 || fs[0].Message == "" {
		t.Errorf("stdin findings: %+v", fs)
	}
}

func TestPolicyValidateSARIF(t *testing.T) {
	stdout, _, code := runMain(t, errorPolicy, "policy", "validate", "--output", "sarif", "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 || log.Runs[0].Results[0].RuleID != "INVALID_ACTION" || log.Runs[0].Results[0].Level != "error" {
		t.Errorf("SARIF log: %+v", log)
	}
}

func TestPolicyValidateType(t *testing.T) {
	dir := writePolicies(t, map[string]string{"trust.json": trustPolicy})
	file := filepath.Join(dir, "trust.json")
	stdout, _, code := runMain(t, "", "policy", "validate", file)
	if code != 1 || !strings.Contains(stdout, "UNSUPPORTED_PRINCIPAL") {
		t.Errorf("as an identity policy: exit %d, stdout %q; want UNSUPPORTED_PRINCIPAL", code, stdout)
	}
	stdout, stderr, code := runMain(t, "", "policy", "validate", "--type", "trust", file)
	if code != 0 || stdout != "" {
		t.Errorf("as a trust policy: exit %d, stdout %q, stderr %q; want no findings", code, stdout, stderr)
	}
}

func TestPolicyValidateUsageErrors(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.json": cleanPolicy, "empty/readme.txt": "x"})
	file := filepath.Join(dir, "p.json")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no input", []string{"policy", "validate"}},
		{"unknown type", []string{"policy", "validate", "--type", "bucket", file}},
		{"unknown output", []string{"policy", "validate", "--output", "yaml", file}},
		{"unknown severity", []string{"policy", "validate", "--fail-on", "fatal", file}},
		{"missing file", []string{"policy", "validate", filepath.Join(dir, "absent.json")}},
		{"directory without policies", []string{"policy", "validate", filepath.Join(dir, "empty")}},
		{"stdin twice", []string{"policy", "validate", "-", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runMain(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q, stderr %q)", code, stdout, stderr)
			}
			if stdout != "" {
				t.Errorf("a usage error wrote output: %q", stdout)
			}
		})
	}
}
