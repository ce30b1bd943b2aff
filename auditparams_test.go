package warden_test

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// params yields the map's parameters in name order, as awsquery.Params does.
func params(m map[string]string) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

func TestNewAuditParameters(t *testing.T) {
	const hidden = warden.AuditRedacted
	tests := []struct {
		name          string
		service       string
		authenticated bool
		in            map[string]string
		want          []warden.AuditParameter
	}{
		{"IAM identifiers are kept", "iam", true,
			map[string]string{"UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
			[]warden.AuditParameter{{"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}, {"UserName", "alice"}}},
		{"policy documents and tags are kept", "iam", true,
			map[string]string{"PolicyDocument": `{"Version":"2012-10-17"}`, "Tags.member.1.Key": "team", "Tags.member.1.Value": "care"},
			[]warden.AuditParameter{{"PolicyDocument", `{"Version":"2012-10-17"}`}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "care"}}},
		{"passwords are hidden", "iam", true,
			map[string]string{"UserName": "alice", "Password": "hunter2hunter2", "OldPassword": "a", "NewPassword": "b"},
			[]warden.AuditParameter{{"NewPassword", hidden}, {"OldPassword", hidden}, {"Password", hidden}, {"UserName", "alice"}}},
		{"MFA codes are hidden", "iam", true,
			map[string]string{"AuthenticationCode1": "123456", "AuthenticationCode2": "654321", "SerialNumber": "arn:aws:iam::1:mfa/x"},
			[]warden.AuditParameter{{"AuthenticationCode1", hidden}, {"AuthenticationCode2", hidden}, {"SerialNumber", "arn:aws:iam::1:mfa/x"}}},
		{"STS tokens and assertions are hidden, list members too", "sts", true,
			map[string]string{"TokenCode": "123456", "SAMLAssertion": "PHNhbWw+", "WebIdentityToken": "eyJ", "ProvidedContexts.member.1.ContextAssertion": "x", "RoleArn": "arn:aws:iam::1:role/r"},
			[]warden.AuditParameter{{"ProvidedContexts.member.1.ContextAssertion", hidden}, {"RoleArn", "arn:aws:iam::1:role/r"}, {"SAMLAssertion", hidden}, {"TokenCode", hidden}, {"WebIdentityToken", hidden}}},
		{"secret names match without regard to case", "iam", true,
			map[string]string{"password": "p", "SECRETACCESSKEY": "s", "PrivateKey": "k"},
			[]warden.AuditParameter{{"PrivateKey", hidden}, {"SECRETACCESSKEY", hidden}, {"password", hidden}}},
		{"presigned SigV4 parameters are dropped", "sts", true,
			map[string]string{"X-Amz-Security-Token": "token", "X-Amz-Signature": "sig", "x-amz-credential": "AKIA/…", "DurationSeconds": "900"},
			[]warden.AuditParameter{{"DurationSeconds", "900"}}},
		{"other services keep names only", "health-agent", true,
			map[string]string{"patientName": "Jane Doe", "domainId": "d-1"},
			[]warden.AuditParameter{{"domainId", hidden}, {"patientName", hidden}}},
		{"unauthenticated requests keep names only", "iam", false,
			map[string]string{"UserName": "alice"},
			[]warden.AuditParameter{{"UserName", hidden}}},
		{"no parameters", "iam", true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := warden.NewAuditParameters(tt.service, tt.authenticated, params(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("NewAuditParameters =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestNewAuditParametersBoundsSize(t *testing.T) {
	in := map[string]string{}
	for i := range 300 {
		in["Tags.member."+strconv.Itoa(1000+i)+".Key"] = "k"
	}
	in["PolicyDocument"] = strings.Repeat("x", 1<<20)
	in[strings.Repeat("N", 10_000)] = "v"
	got := warden.NewAuditParameters("iam", true, params(in))
	if len(got) != 129 {
		t.Fatalf("kept %d parameters, want 128 and the omission note", len(got))
	}
	if last := got[len(got)-1]; last.Name != warden.AuditParametersOmitted || last.Value != "174" {
		t.Fatalf("last entry = %+v, want the count of the 174 parameters left out", last)
	}
	for _, p := range got {
		if len(p.Name) > 256 || len(p.Value) > 16<<10 {
			t.Fatalf("parameter %.20q… of %d/%d bytes exceeds the bounds", p.Name, len(p.Name), len(p.Value))
		}
	}
}

func TestNewAuditIdentity(t *testing.T) {
	role := warden.Principal{Kind: warden.PrincipalRole, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:role/clinician", ID: "AROAROLE", Name: "clinician"}
	mfaAt := time.Unix(1700000000, 0)
	tests := []struct {
		name string
		p    *warden.Principal
		key  string
		want warden.AuditIdentity
	}{
		{"root", &warden.Principal{Kind: warden.PrincipalRoot, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root", ID: "123456789012"}, "AKIAROOT",
			warden.AuditIdentity{Type: "Root", ARN: "arn:aws:iam::123456789012:root", AccountID: "123456789012", PrincipalID: "123456789012", AccessKeyID: "AKIAROOT"}},
		{"user", &warden.Principal{Kind: warden.PrincipalUser, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:user/alice", ID: "AIDAALICE", Name: "alice"}, "AKIAALICE",
			warden.AuditIdentity{Type: "IAMUser", ARN: "arn:aws:iam::123456789012:user/alice", AccountID: "123456789012", PrincipalID: "AIDAALICE", UserName: "alice", AccessKeyID: "AKIAALICE"}},
		{"role session with MFA and source identity", &warden.Principal{Kind: warden.PrincipalAssumedRole, AccountID: "123456789012",
			ARN: "arn:aws:sts::123456789012:assumed-role/clinician/s1", ID: "AROAROLE:s1", Name: "s1",
			Session: &warden.Session{Kind: warden.SessionAssumedRole, Parent: role, MFAAuthenticatedAt: mfaAt, SourceIdentity: "alice@example.com"}}, "ASIASESSION",
			warden.AuditIdentity{Type: "AssumedRole", ARN: "arn:aws:sts::123456789012:assumed-role/clinician/s1", AccountID: "123456789012", PrincipalID: "AROAROLE:s1",
				AccessKeyID: "ASIASESSION", SessionIssuer: role.ARN, MFAAuthenticated: true, SourceIdentity: "alice@example.com"}},
		{"federated user", &warden.Principal{Kind: warden.PrincipalFederatedUser, AccountID: "123456789012", ARN: "arn:aws:sts::123456789012:federated-user/bob", ID: "123456789012:bob",
			Session: &warden.Session{Kind: warden.SessionFederatedUser, Parent: warden.Principal{ARN: "arn:aws:iam::123456789012:user/alice"}}}, "ASIAFED",
			warden.AuditIdentity{Type: "FederatedUser", ARN: "arn:aws:sts::123456789012:federated-user/bob", AccountID: "123456789012", PrincipalID: "123456789012:bob",
				AccessKeyID: "ASIAFED", SessionIssuer: "arn:aws:iam::123456789012:user/alice"}},
		{"service", &warden.Principal{Kind: warden.PrincipalService, ARN: "health-agent.amazonaws.com", Name: "health-agent.amazonaws.com"}, "",
			warden.AuditIdentity{Type: "AWSService", ARN: "health-agent.amazonaws.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := warden.NewAuditIdentity(tt.p, tt.key); got != tt.want {
				t.Fatalf("NewAuditIdentity =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}
