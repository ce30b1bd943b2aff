package managed

import (
	"testing"

	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/validate"
)

func TestCatalog(t *testing.T) {
	c := Default()
	if n := len(c.AWSManagedPolicies()); n < 1641 {
		t.Fatalf("catalogue has %d policies, want the 1,641 AWS managed policies and Warden's own", n)
	}
	for _, arn := range []string{
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/warden/ConnectHealthConsoleFullAccess",
		"arn:aws:iam::aws:policy/warden/ConnectHealthConsoleReadOnly",
	} {
		p, ok := c.AWSManagedPolicy(arn)
		if !ok {
			t.Errorf("%s not found", arn)
			continue
		}
		if p.Policy.ARN != arn || p.Policy.AccountID != "aws" || len(p.Policy.ID) != 21 || p.Policy.DefaultVersionID == "" {
			t.Errorf("%s: %+v", arn, p.Policy)
		}
	}
	if _, ok := c.AWSManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicy"); ok {
		t.Error("found a policy that does not exist")
	}
	if p, _ := c.AWSManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"); p == nil || p.Policy.Path != "/service-role/" {
		t.Errorf("service-role policy path: %+v", p)
	}
}

// TestWardenPoliciesAreValid holds Warden's own policies to IAM's grammar
// and to real action names.
func TestWardenPoliciesAreValid(t *testing.T) {
	for _, p := range Default().AWSManagedPolicies() {
		if p.Policy.Path != WardenPath {
			continue
		}
		if _, err := policy.ParseAs([]byte(p.Document), policy.KindIdentity); err != nil {
			t.Errorf("%s: %v", p.Policy.Name, err)
		}
	}
}

func TestReadOnlyConsolePolicyDecides(t *testing.T) {
	p, _ := Default().AWSManagedPolicy("arn:aws:iam::aws:policy/warden/ConnectHealthConsoleReadOnly")
	set := policy.MustCompile(policy.Document{Name: p.Policy.ARN, Policy: policy.MustParse(p.Document)})
	req := func(action string) *policy.Request {
		return &policy.Request{
			Principal: policy.RequestPrincipal{Type: policy.PrincipalUser, ARN: "arn:aws:iam::111122223333:user/a", Account: "111122223333"},
			Action:    action, Resource: "arn:aws:health-agent:us-east-1:111122223333:domain/d-1",
		}
	}
	l := &policy.Layers{Identity: set}
	if d := policy.Evaluate(l, req("health-agent:GetDomain")); d != policy.Allowed {
		t.Errorf("GetDomain: %v", d)
	}
	if d := policy.Evaluate(l, req("health-agent:DeleteDomain")); d != policy.ImplicitDeny {
		t.Errorf("DeleteDomain: %v", d)
	}
}

// TestWardenPoliciesHaveNoFindings holds the policies Warden ships to its own
// validator: nothing above a suggestion (least privilege in our own policies).
func TestWardenPoliciesHaveNoFindings(t *testing.T) {
	for _, p := range Default().AWSManagedPolicies() {
		if p.Policy.Path != WardenPath {
			continue
		}
		for _, f := range validate.Policy([]byte(p.Document), policy.KindIdentity, validate.Options{}) {
			if f.Severity > validate.Suggestion {
				t.Errorf("%s: %s %s at %s: %s", p.Policy.Name, f.Severity, f.Code, f.Path, f.Message)
			}
		}
	}
}
