package iamapi

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

// credentialOperations are the operations of policies.go, accesskeys.go,
// loginprofiles.go, mfa.go and account.go.
var credentialOperations = []string{
	"CreatePolicy", "GetPolicy", "ListPolicies", "DeletePolicy", "CreatePolicyVersion", "GetPolicyVersion",
	"ListPolicyVersions", "SetDefaultPolicyVersion", "DeletePolicyVersion", "TagPolicy", "UntagPolicy",
	"ListPolicyTags", "ListEntitiesForPolicy", "GetAccountAuthorizationDetails",
	"CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey", "GetAccessKeyLastUsed",
	"CreateLoginProfile", "GetLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile",
	"CreateVirtualMFADevice", "EnableMFADevice", "ResyncMFADevice", "DeactivateMFADevice", "ListMFADevices",
	"ListVirtualMFADevices", "DeleteVirtualMFADevice",
	"CreateAccountAlias", "DeleteAccountAlias", "ListAccountAliases", "GetAccountSummary",
}

// TestCredentialOperationsMatchModel checks that every operation is served
// and answers with a result exactly when the model gives it one.
func TestCredentialOperationsMatchModel(t *testing.T) {
	f := newIdentityFixture(t)
	for _, name := range credentialOperations {
		t.Run(name, func(t *testing.T) {
			op := s.Service.Operations[name]
			if op == nil {
				t.Fatal("not in the model")
			}
			if !f.api.Implemented(name) {
				t.Fatal("not implemented")
			}
			// An empty input names nothing that exists: the handler must
			// get past authorization (root) to a domain answer.
			out, err := f.api.Handle(t.Context(), f.root, op, op.NewInput())
			if err == nil && (out == nil) != (op.NewOutput == nil) {
				t.Errorf("result %T, model output present %v", out, op.NewOutput != nil)
			}
			if code := warden.ErrorCode(err); code == warden.EInternalFailure || code == warden.EAccessDenied {
				t.Errorf("empty input: %v", err)
			}
		})
	}
}

func TestAccountAlias(t *testing.T) {
	f := newIdentityFixture(t)
	aliases := func(t *testing.T) []string {
		t.Helper()
		out, err := identityCall[*s.ListAccountAliasesOutput](t, f, f.root, "ListAccountAliases", &s.ListAccountAliasesInput{})
		mustOK(t, err)
		if out.IsTruncated || out.AccountAliases == nil {
			t.Errorf("ListAccountAliases = %+v", out)
		}
		return out.AccountAliases
	}
	if got := aliases(t); len(got) != 0 {
		t.Errorf("new account has aliases %v", got)
	}
	mustOK(t, f.run(t, f.root, "CreateAccountAlias", &s.CreateAccountAliasInput{AccountAlias: "clinic-one"}))
	// An account has one alias: creating another replaces it.
	mustOK(t, f.run(t, f.root, "CreateAccountAlias", &s.CreateAccountAliasInput{AccountAlias: "clinic-two"}))
	if got := aliases(t); !slices.Equal(got, []string{"clinic-two"}) {
		t.Errorf("aliases %v", got)
	}
	_, err := identityCall[*s.ListAccountAliasesOutput](t, f, f.root, "ListAccountAliases", &s.ListAccountAliasesInput{Marker: aws.String("bW9yZQ")})
	assertAWSError(t, err, warden.EInvalidInput, "Invalid Marker.")
	assertAWSError(t, f.run(t, f.root, "CreateAccountAlias", &s.CreateAccountAliasInput{AccountAlias: "Bad--Alias"}), warden.EValidationError, "")
	assertAWSError(t, f.run(t, f.root, "DeleteAccountAlias", &s.DeleteAccountAliasInput{AccountAlias: "clinic-one"}),
		warden.ENoSuchEntity, "The account alias clinic-one cannot be found.")
	mustOK(t, f.run(t, f.root, "DeleteAccountAlias", &s.DeleteAccountAliasInput{AccountAlias: "clinic-two"}))
	if got := aliases(t); len(got) != 0 {
		t.Errorf("aliases after delete %v", got)
	}

	carol := f.user(t, "carol")
	assertAWSErrorContains(t, f.run(t, carol, "CreateAccountAlias", &s.CreateAccountAliasInput{AccountAlias: "carols"}),
		warden.EAccessDenied, "iam:CreateAccountAlias on resource: *")
}

func TestGetAccountSummary(t *testing.T) {
	f := newIdentityFixture(t)
	detailsAccount(t, f)
	f.createAccessKey(t, f.root, "alice")
	f.createMFADevice(t, f.root, "spare")
	out, err := identityCall[*s.GetAccountSummaryOutput](t, f, f.root, "GetAccountSummary", &s.GetAccountSummaryInput{})
	mustOK(t, err)
	for key, want := range map[s.SummaryKeyType]int32{
		s.SummaryKeyTypeUsers:                    2,
		s.SummaryKeyTypeGroups:                   1,
		s.SummaryKeyTypeRoles:                    1,
		s.SummaryKeyTypePolicies:                 2,
		s.SummaryKeyTypeMFADevices:               1,
		s.SummaryKeyTypeMFADevicesInUse:          0,
		s.SummaryKeyTypeAccountAccessKeysPresent: 1, // the bootstrap key
		s.SummaryKeyTypeAccessKeysPerUserQuota:   2,
		s.SummaryKeyTypePolicySizeQuota:          6144,
		s.SummaryKeyTypeVersionsPerPolicyQuota:   5,
	} {
		if got, ok := out.SummaryMap[key]; !ok || got != want {
			t.Errorf("%s = %d (present %v), want %d", key, got, ok, want)
		}
	}
}
