package warden_test

import (
	"testing"

	"github.com/warden-iam/warden"
)

func TestParseConsoleARN(t *testing.T) {
	for _, tt := range []struct {
		arn  string
		want warden.HealthResource
		ok   bool
	}{
		{"arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/agent/agent-b", warden.HealthResource{Region: "us-east-1",
			AccountID: "111111111111", DomainID: "dom-a", Type: "agent", ID: "agent-b"}, true},
		{"arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/session/s", warden.HealthResource{Region: "us-east-1",
			AccountID: "111111111111", DomainID: "dom-a", Type: "session", ID: "s"}, true},
		{"arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/integration/i", warden.HealthResource{Region: "us-east-1",
			AccountID: "111111111111", DomainID: "dom-a", Type: "integration", ID: "i"}, true},
		{"arn:aws:health-agent:us-east-1:111111111111:domain/dom-a", warden.HealthResource{}, false},
		{"arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/subscription/sub-1", warden.HealthResource{}, false},
		{"arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/agent/", warden.HealthResource{}, false},
		{"arn:aws:health-agent::111111111111:domain/dom-a/agent/x", warden.HealthResource{}, false},
		{"arn:aws:s3:us-east-1:111111111111:domain/dom-a/agent/x", warden.HealthResource{}, false},
	} {
		got, err := warden.ParseConsoleARN(tt.arn)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseConsoleARN(%q) = %+v, %v", tt.arn, got, err)
		}
		if err != nil && warden.ErrorCode(err) != warden.EValidationError {
			t.Errorf("ParseConsoleARN(%q) error code %s", tt.arn, warden.ErrorCode(err))
		}
	}
}

func TestValidateIntegration(t *testing.T) {
	for endpoint, ok := range map[string]bool{
		"https://ehr.example.com/fhir": true, "https://ehr.example.com:8443": true,
		"http://ehr.example.com": false, "https://u:p@ehr.example.com": false, "https:opaque": false, "": false, "ehr.example.com": false,
	} {
		if err := warden.ValidateIntegrationEndpoint(endpoint); (err == nil) != ok {
			t.Errorf("ValidateIntegrationEndpoint(%q) = %v", endpoint, err)
		}
	}
	for arn, ok := range map[string]bool{
		"arn:aws:secretsmanager:us-east-1:111111111111:secret:ehr-AbCdEf": true,
		"arn:aws:secretsmanager:eu-west-1:111111111111:secret:ehr":        false,
		"arn:aws:secretsmanager:us-east-1:111111111111:secret:":           false,
		"arn:aws:ssm:us-east-1:111111111111:parameter/x":                  false,
		"arn:aws:secretsmanager:us-east-1:1111:secret:x":                  false,
	} {
		if err := warden.ValidateSecretARN(arn, "us-east-1"); (err == nil) != ok {
			t.Errorf("ValidateSecretARN(%q) = %v", arn, err)
		}
	}
}

// A console ARN that parses names its resource again: ConsoleARN of the
// parts is the input.
func FuzzParseConsoleARN(f *testing.F) {
	f.Add("arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/agent/agent-b")
	f.Add("arn:aws:health-agent:us-east-1:111111111111:domain/dom-a/integration/int-1")
	f.Add("arn:aws:health-agent:us-east-1:111111111111:domain//session/x")
	f.Add("arn:aws:health-agent:us-east-1:111111111111:domain/d/agent/a/b")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := warden.ParseConsoleARN(s)
		if err != nil {
			if warden.ErrorCode(err) != warden.EValidationError {
				t.Fatalf("error code %s", warden.ErrorCode(err))
			}
			return
		}
		if got := warden.ConsoleARN(r.Region, r.AccountID, r.DomainID, warden.ConsoleKind(r.Type), r.ID); got != s {
			t.Fatalf("ConsoleARN(parts of %q) = %q", s, got)
		}
	})
}

func FuzzValidateIntegrationEndpoint(f *testing.F) {
	f.Add("https://ehr.example.com/fhir")
	f.Add("https://u:p@ehr.example.com")
	f.Add("https:opaque")
	f.Fuzz(func(t *testing.T, s string) {
		if err := warden.ValidateIntegrationEndpoint(s); err != nil && warden.ErrorCode(err) != warden.EValidationError {
			t.Fatalf("error code %s", warden.ErrorCode(err))
		}
	})
}
