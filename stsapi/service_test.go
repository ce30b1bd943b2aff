package stsapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// connectHealthTrust is the Connect Health service-role trust policy of the
// user guide ("Service roles and trust policies"), with its placeholders
// filled for account A, region us-east-1 and domain d-123.
func connectHealthTrust(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "policy", "testdata", "seeds", "connect-health--service-role-trust.json"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("{POLICY_VERSION}", "2012-10-17", "<region>", "us-east-1", "<account-id>", accountA, "<domain-id>", "d-123").Replace(string(b))
}

func TestAssumeRoleAsService(t *testing.T) {
	f := newFixture(t)
	role := f.role(t, accountA, "ConnectHealthServiceRole", connectHealthTrust(t), nil, allow("health-agent:GetDomain", "*"))
	const domainARN = "arn:aws:health-agent:us-east-1:111111111111:domain/d-123"

	tests := []struct {
		name          string
		service       string
		sourceArn     string
		sourceAccount string
		sourceID      string
		allowed       bool
	}{
		{name: "the domain's resource and account", service: "health-agent.amazonaws.com", sourceArn: domainARN + "/agent/a-1", sourceAccount: accountA, allowed: true},
		{name: "with a source identity", service: "health-agent.amazonaws.com", sourceArn: domainARN + "/session/s-9", sourceAccount: accountA, sourceID: "clinician-42", allowed: true},
		{name: "another domain", service: "health-agent.amazonaws.com", sourceArn: "arn:aws:health-agent:us-east-1:111111111111:domain/d-999/agent/a-1", sourceAccount: accountA},
		{name: "the domain ARN itself is not under it", service: "health-agent.amazonaws.com", sourceArn: domainARN, sourceAccount: accountA},
		{name: "another account", service: "health-agent.amazonaws.com", sourceArn: domainARN + "/agent/a-1", sourceAccount: accountB},
		{name: "a domain of another account", service: "health-agent.amazonaws.com", sourceArn: "arn:aws:health-agent:us-east-1:222222222222:domain/d-123/agent/a-1", sourceAccount: accountB},
		{name: "no source at all", service: "health-agent.amazonaws.com"},
		{name: "another service", service: "connect.amazonaws.com", sourceArn: domainARN + "/agent/a-1", sourceAccount: accountA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess, err := f.api.AssumeRoleAsService(t.Context(), ServiceRoleRequest{
				Service: tt.service, RoleARN: role, SourceArn: tt.sourceArn, SourceAccount: tt.sourceAccount,
				SessionName: "health-agent", SourceIdentity: tt.sourceID, Region: "us-east-1",
			})
			if !tt.allowed {
				assertCode(t, err, warden.EAccessDenied, "User: "+tt.service+" is not authorized to perform: sts:AssumeRole on resource: "+role)
				return
			}
			mustOK(t, err)
			if sess.ARN() != "arn:aws:sts::"+accountA+":assumed-role/ConnectHealthServiceRole/health-agent" || sess.SourceIdentity != tt.sourceID {
				t.Errorf("session %s, source identity %q", sess.ARN(), sess.SourceIdentity)
			}
			if !sess.Expires.Equal(f.clock().Add(time.Hour)) {
				t.Errorf("expires %v", sess.Expires)
			}
			// The session acts with the role's permissions, directly or
			// through its credentials.
			c := f.sessionCaller(t, sess.AccessKeyID)
			if !f.allowed(t, c, "health-agent:GetDomain", domainARN) || f.allowed(t, c, "health-agent:DeleteDomain", domainARN) {
				t.Error("the service session does not have exactly the role's permissions")
			}
		})
	}
	t.Run("not a service principal", func(t *testing.T) {
		_, err := f.api.AssumeRoleAsService(t.Context(), ServiceRoleRequest{Service: "arn:aws:iam::111111111111:root", RoleARN: role, SessionName: "x"})
		if warden.ErrorCode(err) != warden.EValidationError || !strings.Contains(warden.ErrorMessage(err), "service principal") {
			t.Errorf("err = %v", err)
		}
	})
}
