package policy

import (
	"encoding/json"
	"github.com/warden-iam/warden/managed"
	"os"
	"path/filepath"
	"testing"
)

// managedPoliciesFile is the corpus of AWS managed policies kept beside the
// repository (the shared reference directory next to the checkout).
var managedPoliciesFile = filepath.Join("..", "..", "shared", "reference", "aws-managed-policies.json")

type managedPolicy struct {
	Name     string          `json:"name"`
	ARN      string          `json:"arn"`
	Document json.RawMessage `json:"document"`
}

func loadManagedPolicies(t *testing.T) []managedPolicy {
	t.Helper()
	data, err := os.ReadFile(managedPoliciesFile)
	if err != nil {
		abs, _ := filepath.Abs(managedPoliciesFile)
		t.Logf("the reference corpus of AWS managed policies is not at %s (%v); using the copy embedded in package managed, generated from it", abs, err)
		return embeddedManagedPolicies(t)
	}
	var corpus struct {
		Policies []managedPolicy `json:"policies"`
	}
	if err := json.Unmarshal(data, &corpus); err != nil {
		t.Fatalf("%s: %v", managedPoliciesFile, err)
	}
	if len(corpus.Policies) < 1000 {
		t.Fatalf("%s holds %d policies; expected the full AWS managed policy list", managedPoliciesFile, len(corpus.Policies))
	}
	return corpus.Policies
}

// TestManagedPolicies checks that every AWS managed policy, which IAM
// accepted, parses and compiles as an identity policy without a single
// diagnostic. AWS managed policies are not bound by the 6,144-character
// quota of customer managed policies, so that one check is left out.
func TestManagedPolicies(t *testing.T) {
	policies := loadManagedPolicies(t)
	oversized := 0
	for _, mp := range policies {
		pol, err := Parse(mp.Document)
		if err != nil {
			t.Errorf("%s: Parse: %v", mp.Name, err)
			continue
		}
		for _, d := range pol.Check(KindIdentity) {
			if d.Code == KindIdentity.SizeCode() {
				oversized++
				continue
			}
			t.Errorf("%s: Check: %s %v", mp.Name, d.Code, d)
		}
		if _, diags := Compile(Document{Name: mp.ARN, Policy: pol}); len(diags) > 0 {
			t.Errorf("%s: Compile: %v", mp.Name, diags)
		}
	}
	t.Logf("%d managed policies parsed and compiled; %d exceed the customer managed policy size quota", len(policies), oversized)
}

// TestManagedPolicyDecisions spot-checks decisions of well-known managed
// policies.
func TestManagedPolicyDecisions(t *testing.T) {
	byName := map[string]*Set{}
	for _, mp := range loadManagedPolicies(t) {
		switch mp.Name {
		case "IAMReadOnlyAccess", "ReadOnlyAccess", "IAMUserChangePassword", "AmazonS3ReadOnlyAccess":
			pol, err := Parse(mp.Document)
			if err != nil {
				t.Fatalf("%s: %v", mp.Name, err)
			}
			byName[mp.Name] = MustCompile(Document{Name: mp.ARN, Policy: pol})
		}
	}
	user := RequestPrincipal{Type: PrincipalUser, ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}
	for _, tc := range []struct {
		policy, action, resource string
		context                  map[string]string
		want                     Decision
	}{
		{"IAMReadOnlyAccess", "iam:GetRole", "arn:aws:iam::111122223333:role/R", nil, Allowed},
		{"IAMReadOnlyAccess", "iam:CreateRole", "arn:aws:iam::111122223333:role/R", nil, ImplicitDeny},
		{"AmazonS3ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::bucket/key", nil, Allowed},
		{"AmazonS3ReadOnlyAccess", "s3:PutObject", "arn:aws:s3:::bucket/key", nil, ImplicitDeny},
		{"ReadOnlyAccess", "ec2:DescribeInstances", "*", nil, Allowed},
		{"ReadOnlyAccess", "ec2:TerminateInstances", "*", nil, ImplicitDeny},
		{"IAMUserChangePassword", "iam:ChangePassword", user.ARN, map[string]string{"aws:username": "alice"}, Allowed},
		{"IAMUserChangePassword", "iam:ChangePassword", "arn:aws:iam::111122223333:user/team/alice", map[string]string{"aws:username": "alice"}, Allowed},
		{"IAMUserChangePassword", "iam:ChangePassword", "arn:aws:iam::111122223333:user/bob", map[string]string{"aws:username": "alice"}, ImplicitDeny},
	} {
		set := byName[tc.policy]
		if set == nil {
			t.Fatalf("managed policy %s is missing from the corpus", tc.policy)
		}
		req := &Request{Principal: user, Action: tc.action, Resource: tc.resource}
		for k, v := range tc.context {
			req.Context.Set(k, v)
		}
		if got := Evaluate(&Layers{Identity: set}, req); got != tc.want {
			t.Errorf("%s %s on %s = %v, want %v", tc.policy, tc.action, tc.resource, got, tc.want)
		}
	}
}

// embeddedManagedPolicies is the same corpus as compiled into Warden.
func embeddedManagedPolicies(tb testing.TB) []managedPolicy {
	var out []managedPolicy
	for _, p := range managed.Default().Reference() {
		out = append(out, managedPolicy{Name: p.Policy.Name, ARN: p.Policy.ARN, Document: json.RawMessage(p.Document)})
	}
	if len(out) < 1641 {
		tb.Fatalf("the embedded corpus holds %d policies, want 1,641", len(out))
	}
	return out
}
