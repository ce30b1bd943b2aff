package orgsapi

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/sqlstore"
)

const managementAccount = "111111111111"

// fixture is the Organizations API over a real SQLite store with Warden's
// AWS managed policy catalogue; the management account has an
// organization with one member account.
type fixture struct {
	api    *API
	store  *sqlstore.Store
	root   *authz.Caller // the management account's root user
	org    *warden.Organization
	member string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := sqlstore.Open(ctx, t.TempDir(), sqlstore.Options{AWSManagedPolicies: managed.Default()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Bootstrap(ctx, warden.BootstrapInput{AccountID: managementAccount, Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{api: New(st, authz.New(st)), store: st}
	f.root = f.caller(t, warden.RootARN(managementAccount))
	out := call[*OrganizationOutput](t, f, f.root, "CreateOrganization", &CreateOrganizationInput{})
	if f.org, err = st.Organization(ctx, managementAccount); err != nil || f.org.ID != out.Organization.Id {
		t.Fatalf("organization = %+v, %v", f.org, err)
	}
	status := call[*CreateAccountStatusOutput](t, f, f.root, "CreateAccount", &CreateAccountInput{Email: ptr("dev@example.com"), AccountName: ptr("dev")})
	f.member = status.CreateAccountStatus.AccountId
	return f
}

func ptr[T any](v T) *T { return &v }

// caller returns the caller signing as the principal with the given ARN.
func (f *fixture) caller(t testing.TB, principalARN string) *authz.Caller {
	t.Helper()
	pp, err := f.store.PrincipalPolicies(t.Context(), principalARN)
	if err != nil {
		t.Fatal(err)
	}
	p := pp.Principal
	return &authz.Caller{Principal: &p, Region: "us-east-1"}
}

// user creates a user of the management account with an inline policy and
// returns the caller signing as it.
func (f *fixture) user(t testing.TB, name, document string) *authz.Caller {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), managementAccount, warden.CreateUserInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if document != "" {
		if err := f.store.PutInlinePolicy(t.Context(), managementAccount, warden.UserIdentity(name), "p", document); err != nil {
			t.Fatal(err)
		}
	}
	return f.caller(t, u.ARN)
}

// run runs an operation through its registered handler, as the server
// does.
func (f *fixture) run(t testing.TB, c *authz.Caller, op string, in any) (any, error) {
	t.Helper()
	o, ok := f.api.Service().Operations[op]
	if !ok {
		t.Fatalf("no operation %s", op)
	}
	return f.api.Handle(t.Context(), c, o, in)
}

// call runs an operation that must succeed and returns its output.
func call[O any](t testing.TB, f *fixture, c *authz.Caller, op string, in any) O {
	t.Helper()
	out, err := f.run(t, c, op, in)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	return out.(O)
}

func wantError(t testing.TB, err error, code, reason, part string) {
	t.Helper()
	if warden.ErrorCode(err) != code || !strings.Contains(warden.ErrorMessage(err), part) {
		t.Fatalf("error = %v; want %s containing %q", err, code, part)
	}
	if reason != "" {
		if re, ok := errors.AsType[*warden.ReasonError](err); !ok || re.Reason != reason {
			t.Fatalf("error = %v; want reason %s", err, reason)
		}
	}
}

// TestOperations pins the operations Warden serves, each with an input
// the JSON runtime can decode into.
func TestOperations(t *testing.T) {
	api := New(nil, nil)
	want := []string{"AcceptHandshake", "AttachPolicy", "CancelHandshake", "CreateAccount", "CreateOrganization", "CreateOrganizationalUnit",
		"CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy",
		"DescribeCreateAccountStatus", "DescribeHandshake", "DescribeOrganization", "DescribePolicy", "DetachPolicy", "DisablePolicyType",
		"EnablePolicyType", "InviteAccountToOrganization", "ListAccounts", "ListChildren", "ListHandshakesForAccount",
		"ListHandshakesForOrganization", "ListOrganizationalUnitsForParent", "ListPolicies", "ListPoliciesForTarget", "ListRoots",
		"ListTagsForResource", "ListTargetsForPolicy", "MoveAccount", "RemoveAccountFromOrganization", "TagResource", "UntagResource",
		"UpdateOrganizationalUnit", "UpdatePolicy"}
	if got := slices.Sorted(maps.Keys(api.Service().Operations)); !slices.Equal(got, want) {
		t.Fatalf("operations = %v\nwant %v", got, want)
	}
	for name, op := range api.Service().Operations {
		if err := awsjson.Decode([]byte(`{}`), op.NewInput()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	svc := api.Service()
	if svc.TargetPrefix != "AWSOrganizationsV20161128" || svc.SigningName != "organizations" || svc.ContentType() != "application/x-amz-json-1.1" {
		t.Errorf("service = %+v", svc)
	}
}

func TestInputValidation(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("x", 129)
	tests := []struct {
		op     string
		in     any
		reason string
	}{
		{"CreateOrganization", &CreateOrganizationInput{FeatureSet: ptr("SOME")}, warden.ReasonInvalidEnum},
		{"CreateAccount", &CreateAccountInput{AccountName: ptr("a")}, warden.ReasonInputRequired},
		{"CreateAccount", &CreateAccountInput{Email: ptr("not-an-email"), AccountName: ptr("a")}, warden.ReasonInvalidPattern},
		{"CreateAccount", &CreateAccountInput{Email: ptr("a@example.com"), AccountName: ptr("a"), IamUserAccessToBilling: ptr("MAYBE")}, warden.ReasonInvalidEnum},
		{"CreateAccount", &CreateAccountInput{Email: ptr("a@example.com"), AccountName: ptr("a"), RoleName: ptr("bad role")}, warden.ReasonInvalidRoleName},
		{"DescribeCreateAccountStatus", &DescribeCreateAccountStatusInput{CreateAccountRequestId: ptr("car-")}, warden.ReasonInvalidPattern},
		{"ListAccounts", &ListAccountsInput{paging{MaxResults: ptr[int32](21)}}, warden.ReasonMaxValueExceeded},
		{"ListAccounts", &ListAccountsInput{paging{MaxResults: ptr[int32](0)}}, warden.ReasonMinValueExceeded},
		{"ListRoots", &ListRootsInput{paging{NextToken: ptr("x")}}, warden.ReasonInvalidNextToken},
		{"EnablePolicyType", &EnablePolicyTypeInput{RootId: ptr(f.org.RootID), PolicyType: ptr("SCP")}, warden.ReasonInvalidEnumPolicyType},
		{"EnablePolicyType", &EnablePolicyTypeInput{RootId: ptr("root"), PolicyType: ptr("SERVICE_CONTROL_POLICY")}, warden.ReasonInvalidPattern},
		{"DisablePolicyType", &DisablePolicyTypeInput{PolicyType: ptr("SERVICE_CONTROL_POLICY")}, warden.ReasonInputRequired},
		{"CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: ptr("ou-1"), Name: ptr("a")}, warden.ReasonInvalidPattern},
		{"CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: ptr(f.org.RootID), Name: ptr(long)}, warden.ReasonMaxLengthExceeded},
		{"ListChildren", &ListChildrenInput{ParentId: ptr(f.org.RootID), ChildType: ptr("POLICY")}, warden.ReasonInvalidEnum},
		{"ListChildren", &ListChildrenInput{ParentId: ptr(f.org.RootID)}, warden.ReasonInputRequired},
		{"MoveAccount", &MoveAccountInput{AccountId: ptr("12345"), SourceParentId: ptr(f.org.RootID), DestinationParentId: ptr(f.org.RootID)}, warden.ReasonInvalidPattern},
		{"CreatePolicy", &CreatePolicyInput{Name: ptr("p"), Type: ptr("SERVICE_CONTROL_POLICY"), Content: ptr("{}")}, warden.ReasonInputRequired},
		{"CreatePolicy", &CreatePolicyInput{Name: ptr("p"), Description: ptr(""), Type: ptr("NOPE"), Content: ptr("{}")}, warden.ReasonInvalidEnumPolicyType},
		{"UpdatePolicy", &UpdatePolicyInput{PolicyId: ptr("policy-1")}, warden.ReasonInvalidSyntaxPolicyID},
		{"UpdatePolicy", &UpdatePolicyInput{PolicyId: ptr("p-FullAWSAccess"), Name: ptr("")}, warden.ReasonInputRequired},
		{"DeletePolicy", &DeletePolicyInput{}, warden.ReasonInputRequired},
		{"DescribePolicy", &DescribePolicyInput{PolicyId: ptr("p-1")}, warden.ReasonInvalidSyntaxPolicyID},
		{"AttachPolicy", &AttachPolicyInput{PolicyId: ptr("p-FullAWSAccess"), TargetId: ptr("target")}, warden.ReasonInvalidPatternTargetID},
		{"ListPolicies", &ListPoliciesInput{}, warden.ReasonInputRequired},
		{"ListPoliciesForTarget", &ListPoliciesForTargetInput{TargetId: ptr(f.member), Filter: ptr("RCP")}, warden.ReasonInvalidEnumPolicyType},
		{"ListTargetsForPolicy", &ListTargetsForPolicyInput{PolicyId: ptr("p-FullAWSAccess"), paging: paging{MaxResults: ptr[int32](100)}}, warden.ReasonMaxValueExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.reason, func(t *testing.T) {
			_, err := f.run(t, f.root, tt.op, tt.in)
			wantError(t, err, warden.EInvalidInputException, tt.reason, "")
		})
	}
}

func TestPolicyContent(t *testing.T) {
	f := newFixture(t)
	create := func(kind, content string) error {
		_, err := f.run(t, f.root, "CreatePolicy", &CreatePolicyInput{Name: ptr("p"), Description: ptr(""), Type: ptr(kind), Content: ptr(content)})
		return err
	}
	tests := []struct {
		name, kind, content string
		code, reason, part  string
	}{
		{"SCP naming a principal", "SERVICE_CONTROL_POLICY", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`,
			warden.EMalformedPolicyDocumentException, "", "Statement[0].Principal"},
		{"SCP without Version 2012-10-17", "SERVICE_CONTROL_POLICY", `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`,
			warden.EMalformedPolicyDocumentException, "", "(at 1:"},
		{"not JSON", "SERVICE_CONTROL_POLICY", `{"Version":"2012-10-17",`, warden.EMalformedPolicyDocumentException, "", "(at 1:"},
		{"RCP allowing", "RESOURCE_CONTROL_POLICY", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`,
			warden.EMalformedPolicyDocumentException, "", "Statement[0].Effect"},
		{"RCP naming one principal", "RESOURCE_CONTROL_POLICY", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:*","Resource":"*"}]}`,
			warden.EMalformedPolicyDocumentException, "", "Statement[0].Principal"},
		{"too large", "SERVICE_CONTROL_POLICY", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:` + strings.Repeat("x", 5100) + `","Resource":"*"}]}`,
			warden.EConstraintViolation, warden.ReasonPolicyContentLimitExceeded, "at most 5120"},
		{"a type Warden does not serve", "TAG_POLICY", `{"tags":{}}`, warden.EPolicyTypeNotAvailable, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, create(tt.kind, tt.content), tt.code, tt.reason, tt.part)
		})
	}
	// Whitespace does not count towards the limit.
	padded := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}` + strings.Repeat(" ", 6000)
	if err := create("SERVICE_CONTROL_POLICY", padded); err != nil {
		t.Fatalf("a small policy padded with whitespace: %v", err)
	}
	// UpdatePolicy checks content with the rules of the policy's type.
	p := call[*PolicyOutput](t, f, f.root, "CreatePolicy", &CreatePolicyInput{Name: ptr("rcp"), Description: ptr(""), Type: ptr("RESOURCE_CONTROL_POLICY"),
		Content: ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`)})
	_, err := f.run(t, f.root, "UpdatePolicy", &UpdatePolicyInput{PolicyId: &p.Policy.PolicySummary.Id,
		Content: ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)})
	wantError(t, err, warden.EMalformedPolicyDocumentException, "", "Principal")
}

func TestAuthorization(t *testing.T) {
	f := newFixture(t)
	nobody := f.user(t, "nobody", "")
	_, err := f.run(t, nobody, "ListAccounts", &ListAccountsInput{})
	wantError(t, err, warden.EAccessDenied, "", "User: arn:aws:iam::"+managementAccount+":user/nobody is not authorized to perform: organizations:ListAccounts on resource: * because no identity-based policy allows the organizations:ListAccounts action")

	call[*RootOutput](t, f, f.root, "EnablePolicyType", &EnablePolicyTypeInput{RootId: &f.org.RootID, PolicyType: ptr("SERVICE_CONTROL_POLICY")})
	call[*RootOutput](t, f, f.root, "EnablePolicyType", &EnablePolicyTypeInput{RootId: &f.org.RootID, PolicyType: ptr("RESOURCE_CONTROL_POLICY")})
	scp := call[*PolicyOutput](t, f, f.root, "CreatePolicy", &CreatePolicyInput{Name: ptr("scp"), Description: ptr(""), Type: ptr("SERVICE_CONTROL_POLICY"),
		Content: ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)}).Policy.PolicySummary
	rcp := call[*PolicyOutput](t, f, f.root, "CreatePolicy", &CreatePolicyInput{Name: ptr("rcp"), Description: ptr(""), Type: ptr("RESOURCE_CONTROL_POLICY"),
		Content: ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`)}).Policy.PolicySummary
	protected := call[*OrganizationalUnitOutput](t, f, f.root, "CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: &f.org.RootID, Name: ptr("prod"),
		Tags: []Tag{{Key: "protected", Value: "yes"}}}).OrganizationalUnit

	// SCP administrators: every Organizations action on SCPs (by the
	// policy type key and the policy ARN), nothing on protected OUs.
	scpAdmin := f.user(t, "scp-admin", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["organizations:DescribePolicy","organizations:AttachPolicy"],"Resource":"arn:aws:organizations::*:policy/*/service_control_policy/*"},
		{"Effect":"Allow","Action":"organizations:AttachPolicy","Resource":["arn:aws:organizations::*:account/*","arn:aws:organizations::*:ou/*"]},
		{"Effect":"Allow","Action":"organizations:ListPolicies","Resource":"*","Condition":{"StringEquals":{"organizations:PolicyType":"SERVICE_CONTROL_POLICY"}}},
		{"Effect":"Deny","Action":"organizations:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"yes"}}}]}`)
	tests := []struct {
		name string
		op   string
		in   any
		deny string // "" when allowed
	}{
		{"describe an SCP", "DescribePolicy", &DescribePolicyInput{PolicyId: &scp.Id}, ""},
		{"describe an RCP", "DescribePolicy", &DescribePolicyInput{PolicyId: &rcp.Id}, "on resource: " + rcp.Arn},
		{"list SCPs", "ListPolicies", &ListPoliciesInput{Filter: ptr("SERVICE_CONTROL_POLICY")}, ""},
		{"list RCPs", "ListPolicies", &ListPoliciesInput{Filter: ptr("RESOURCE_CONTROL_POLICY")}, "organizations:ListPolicies"},
		{"attach to an account", "AttachPolicy", &AttachPolicyInput{PolicyId: &scp.Id, TargetId: &f.member}, ""},
		{"attach to a protected OU", "AttachPolicy", &AttachPolicyInput{PolicyId: &scp.Id, TargetId: &protected.Id},
			"on resource: " + protected.Arn + " with an explicit deny in an identity-based policy"},
		{"attach to the root", "AttachPolicy", &AttachPolicyInput{PolicyId: &scp.Id, TargetId: &f.org.RootID}, "on resource: " + f.org.RootARN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.run(t, scpAdmin, tt.op, tt.in)
			if tt.deny == "" {
				if err != nil {
					t.Fatalf("%s: %v", tt.op, err)
				}
				return
			}
			wantError(t, err, warden.EAccessDenied, "", tt.deny)
		})
	}
}

func TestMemberAccounts(t *testing.T) {
	f := newFixture(t)
	role := f.caller(t, "arn:aws:iam::"+f.member+":role/"+warden.DefaultOrganizationAccessRole)
	got := call[*OrganizationOutput](t, f, role, "DescribeOrganization", &DescribeOrganizationInput{})
	if got.Organization.Id != f.org.ID || got.Organization.MasterAccountId != managementAccount {
		t.Fatalf("DescribeOrganization from a member = %+v", got)
	}
	for _, op := range []struct {
		name string
		in   any
	}{
		{"ListAccounts", &ListAccountsInput{}},
		{"ListRoots", &ListRootsInput{}},
		{"CreateAccount", &CreateAccountInput{Email: ptr("x@example.com"), AccountName: ptr("x")}},
		{"ListPolicies", &ListPoliciesInput{Filter: ptr("SERVICE_CONTROL_POLICY")}},
		{"DescribePolicy", &DescribePolicyInput{PolicyId: ptr("p-FullAWSAccess")}},
		{"EnablePolicyType", &EnablePolicyTypeInput{RootId: &f.org.RootID, PolicyType: ptr("SERVICE_CONTROL_POLICY")}},
	} {
		t.Run(op.name, func(t *testing.T) {
			_, err := f.run(t, role, op.name, op.in)
			wantError(t, err, warden.EAccessDenied, "", "You don't have permissions to access this resource.")
		})
	}
	_, err := f.run(t, role, "CreateOrganization", &CreateOrganizationInput{})
	wantError(t, err, warden.EAlreadyInOrganization, "", "")
}

// TestOutputShapes checks the JSON members of the outputs against what the
// service model names, with times in epoch seconds.
func TestOutputShapes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		op   string
		in   any
		keys []string
	}{
		{"DescribeOrganization", &DescribeOrganizationInput{}, []string{"Organization.Id", "Organization.Arn", "Organization.FeatureSet", "Organization.MasterAccountArn",
			"Organization.MasterAccountId", "Organization.AvailablePolicyTypes"}},
		{"ListRoots", &ListRootsInput{}, []string{"Roots"}},
		{"ListAccounts", &ListAccountsInput{}, []string{"Accounts"}},
		{"CreateAccount", &CreateAccountInput{Email: ptr("ops@example.com"), AccountName: ptr("ops")}, []string{"CreateAccountStatus.Id", "CreateAccountStatus.AccountName",
			"CreateAccountStatus.State", "CreateAccountStatus.RequestedTimestamp", "CreateAccountStatus.CompletedTimestamp", "CreateAccountStatus.AccountId"}},
		{"DescribePolicy", &DescribePolicyInput{PolicyId: ptr("p-FullAWSAccess")}, []string{"Policy.Content", "Policy.PolicySummary.Id", "Policy.PolicySummary.Arn",
			"Policy.PolicySummary.Name", "Policy.PolicySummary.Description", "Policy.PolicySummary.Type", "Policy.PolicySummary.AwsManaged"}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			out, err := f.run(t, f.root, tt.op, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(out)
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for _, key := range tt.keys {
				var v any = doc
				for part := range strings.SplitSeq(key, ".") {
					m, _ := v.(map[string]any)
					v = m[part]
				}
				if v == nil {
					t.Errorf("%s lacks %s: %s", tt.op, key, b)
				}
			}
		})
	}
	out := call[*ListAccountsOutput](t, f, f.root, "ListAccounts", &ListAccountsInput{})
	b, _ := json.Marshal(out.Accounts[0])
	var account map[string]any
	json.Unmarshal(b, &account)
	if _, ok := account["JoinedTimestamp"].(float64); !ok {
		t.Errorf("JoinedTimestamp is not a number: %s", b)
	}
	for _, key := range []string{"Id", "Arn", "Name", "Status", "State", "JoinedMethod"} {
		if account[key] == nil {
			t.Errorf("an account lacks %s: %s", key, b)
		}
	}
}

func TestListPaging(t *testing.T) {
	f := newFixture(t)
	for i := range 5 {
		call[*OrganizationalUnitOutput](t, f, f.root, "CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: &f.org.RootID, Name: ptr(string(rune('a' + i)))})
	}
	var ids []string
	in := &ListChildrenInput{ParentId: &f.org.RootID, ChildType: ptr("ORGANIZATIONAL_UNIT"), paging: paging{MaxResults: ptr[int32](2)}}
	for pages := 1; ; pages++ {
		out := call[*ListChildrenOutput](t, f, f.root, "ListChildren", in)
		for _, c := range out.Children {
			if c.Type != "ORGANIZATIONAL_UNIT" {
				t.Fatalf("child %+v", c)
			}
			ids = append(ids, c.Id)
		}
		if out.NextToken == nil {
			if pages != 3 {
				t.Fatalf("%d pages, want 3", pages)
			}
			break
		}
		in.NextToken = out.NextToken
	}
	if len(ids) != 5 || !slices.IsSorted(ids) {
		t.Fatalf("children = %v", ids)
	}
	_, err := f.run(t, f.root, "ListChildren", &ListChildrenInput{ParentId: &f.org.RootID, ChildType: ptr("ACCOUNT"), paging: paging{NextToken: ptr("%%%")}})
	wantError(t, err, warden.EInvalidInputException, warden.ReasonInvalidNextToken, "")
}

func TestUnknownResources(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		op   string
		in   any
		code string
	}{
		{"CreateOrganizationalUnit", &CreateOrganizationalUnitInput{ParentId: ptr("ou-zzzz-zzzzzzzz"), Name: ptr("x")}, warden.EParentNotFound},
		{"ListChildren", &ListChildrenInput{ParentId: ptr("r-zzzz"), ChildType: ptr("ACCOUNT")}, warden.EParentNotFound},
		{"MoveAccount", &MoveAccountInput{AccountId: ptr("999999999999"), SourceParentId: &f.org.RootID, DestinationParentId: &f.org.RootID}, warden.EAccountNotFound},
		{"MoveAccount", &MoveAccountInput{AccountId: &f.member, SourceParentId: ptr("ou-zzzz-zzzzzzzz"), DestinationParentId: &f.org.RootID}, warden.ESourceParentNotFound},
		{"MoveAccount", &MoveAccountInput{AccountId: &f.member, SourceParentId: &f.org.RootID, DestinationParentId: ptr("ou-zzzz-zzzzzzzz")}, warden.EDestinationParentNotFound},
		{"EnablePolicyType", &EnablePolicyTypeInput{RootId: ptr("r-zzzz"), PolicyType: ptr("SERVICE_CONTROL_POLICY")}, warden.ERootNotFound},
		{"DescribePolicy", &DescribePolicyInput{PolicyId: ptr("p-0000000000")}, warden.EPolicyNotFound},
		{"AttachPolicy", &AttachPolicyInput{PolicyId: ptr("p-FullAWSAccess"), TargetId: ptr("999999999999")}, warden.ETargetNotFound},
		{"ListPoliciesForTarget", &ListPoliciesForTargetInput{TargetId: ptr("ou-zzzz-zzzzzzzz"), Filter: ptr("SERVICE_CONTROL_POLICY")}, warden.ETargetNotFound},
		{"DescribeCreateAccountStatus", &DescribeCreateAccountStatusInput{CreateAccountRequestId: ptr("car-0000000000")}, warden.ECreateAccountStatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.code, func(t *testing.T) {
			_, err := f.run(t, f.root, tt.op, tt.in)
			wantError(t, err, tt.code, "", "")
		})
	}
}

// FuzzCheckContent feeds arbitrary documents to the check CreatePolicy
// makes: it must accept them or answer with one of its two codes.
func FuzzCheckContent(f *testing.F) {
	for _, seed := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`,
		`{`, `[]`, `{"Statement":[]}`, "",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, content string, scp bool) {
		kind := warden.ResourceControlPolicy
		if scp {
			kind = warden.ServiceControlPolicy
		}
		switch err := checkContent(content, kind); warden.ErrorCode(err) {
		case "", warden.EMalformedPolicyDocumentException, warden.EConstraintViolation:
		default:
			t.Fatalf("checkContent(%q) = %v", content, err)
		}
	})
}

func BenchmarkDescribePolicy(b *testing.B) {
	f := newFixture(b)
	op := f.api.Service().Operations["DescribePolicy"]
	in := &DescribePolicyInput{PolicyId: ptr("p-FullAWSAccess")}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.api.Handle(b.Context(), f.root, op, in); err != nil {
			b.Fatal(err)
		}
	}
}
