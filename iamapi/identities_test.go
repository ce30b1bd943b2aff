package iamapi

import (
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsquery"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/sqlstore"
)

const identityTestAccount = "123456789012"

// identityFixture is the IAM API over a real SQLite store with Warden's AWS
// managed policy catalogue, bootstrapped with one account.
type identityFixture struct {
	api   *API
	store *sqlstore.Store
	root  *authz.Caller
}

func newIdentityFixture(t testing.TB) *identityFixture {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), t.TempDir(), sqlstore.Options{AWSManagedPolicies: managed.Default()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Bootstrap(t.Context(), warden.BootstrapInput{AccountID: identityTestAccount, Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	f := &identityFixture{api: New(st, authz.New(st)), store: st}
	f.root = f.caller(t, warden.RootARN(identityTestAccount))
	return f
}

// caller returns the caller signing as the principal with the given ARN.
func (f *identityFixture) caller(t testing.TB, principalARN string) *authz.Caller {
	t.Helper()
	pp, err := f.store.PrincipalPolicies(t.Context(), principalARN)
	if err != nil {
		t.Fatal(err)
	}
	p := pp.Principal
	return &authz.Caller{Principal: &p, Region: "us-east-1"}
}

// user creates a user and returns the caller signing as it.
func (f *identityFixture) user(t testing.TB, name string) *authz.Caller {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), identityTestAccount, warden.CreateUserInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return f.caller(t, u.ARN)
}

// identityCall runs an operation through its registered handler, as the
// server does, and returns its result.
func identityCall[O awsquery.Output](t testing.TB, f *identityFixture, c *authz.Caller, op string, in awsquery.Input) (O, error) {
	t.Helper()
	var zero O
	out, err := f.api.Handle(t.Context(), c, s.Service.Operations[op], in)
	if err != nil {
		return zero, err
	}
	return out.(O), nil
}

// run runs an operation without a result.
func (f *identityFixture) run(t testing.TB, c *authz.Caller, op string, in awsquery.Input) error {
	t.Helper()
	out, err := f.api.Handle(t.Context(), c, s.Service.Operations[op], in)
	if err == nil && out != nil {
		t.Fatalf("%s returned a result for an operation that has none", op)
	}
	return err
}

// mustOK fails the test on an error.
func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// assertAWSError checks an error's code and, when message is not empty,
// its client-facing message.
func assertAWSError(t testing.TB, err error, code, message string) {
	t.Helper()
	if got := warden.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if message != "" && warden.ErrorMessage(err) != message {
		t.Fatalf("message %q, want %q", warden.ErrorMessage(err), message)
	}
}

// assertAWSErrorContains checks an error's code and a part of its message.
func assertAWSErrorContains(t testing.TB, err error, code, part string) {
	t.Helper()
	if got := warden.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if !strings.Contains(warden.ErrorMessage(err), part) {
		t.Fatalf("message %q does not contain %q", warden.ErrorMessage(err), part)
	}
}

// identityOperations are the operations this file's handlers serve.
var identityOperations = []string{
	"CreateGroup", "GetGroup", "ListGroups", "UpdateGroup", "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup", "ListGroupsForUser",
	"CreateRole", "GetRole", "ListRoles", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy", "DeleteRole",
	"TagRole", "UntagRole", "ListRoleTags", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
	"PutUserPolicy", "GetUserPolicy", "ListUserPolicies", "DeleteUserPolicy",
	"PutGroupPolicy", "GetGroupPolicy", "ListGroupPolicies", "DeleteGroupPolicy",
	"PutRolePolicy", "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy",
	"AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies",
	"AttachGroupPolicy", "DetachGroupPolicy", "ListAttachedGroupPolicies",
	"AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
}

// TestIdentityOperationsMatchModel checks that every operation is served
// and answers with a result exactly when the model gives it one.
func TestIdentityOperationsMatchModel(t *testing.T) {
	f := newIdentityFixture(t)
	for _, name := range identityOperations {
		t.Run(name, func(t *testing.T) {
			op := s.Service.Operations[name]
			if op == nil {
				t.Fatal("not in the model")
			}
			if !f.api.Implemented(name) {
				t.Fatal("not implemented")
			}
			// An empty input names an identity that does not exist: the
			// handler must get past authorization (root) to the store.
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

// BenchmarkIdentityOperations measures operations as a user whose access
// comes from an attached AWS managed policy and an inline policy: the
// authorizer's cached policies, the store lookups and the result mapping.
func BenchmarkIdentityOperations(b *testing.B) {
	f := newIdentityFixture(b)
	ctx := b.Context()
	reader := f.user(b, "reader")
	mustOK(b, f.store.AttachPolicy(ctx, identityTestAccount, warden.UserIdentity("reader"), "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))
	mustOK(b, f.store.PutInlinePolicy(ctx, identityTestAccount, warden.UserIdentity("reader"), "write",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::*:role/agent"}]}`))
	_, err := f.store.CreateRole(ctx, identityTestAccount, warden.CreateRoleInput{Name: "agent", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		Tags: []warden.Tag{{Key: "team", Value: "care"}}})
	mustOK(b, err)
	_, err = f.store.CreateGroup(ctx, identityTestAccount, "Staff", "/")
	mustOK(b, err)
	for i := range 20 {
		name := "member" + string(rune('a'+i))
		f.user(b, name)
		mustOK(b, f.store.AddUserToGroup(ctx, identityTestAccount, "Staff", name))
	}
	document := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::notes/*"}]}`
	for _, bm := range []struct {
		name string
		op   string
		in   awsquery.Input
	}{
		{"GetRole", "GetRole", &s.GetRoleInput{RoleName: "agent"}},
		{"GetGroup", "GetGroup", &s.GetGroupInput{GroupName: "Staff"}},
		{"ListAttachedUserPolicies", "ListAttachedUserPolicies", &s.ListAttachedUserPoliciesInput{UserName: "reader"}},
		{"PutRolePolicy", "PutRolePolicy", &s.PutRolePolicyInput{RoleName: "agent", PolicyName: "notes", PolicyDocument: document}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			op := s.Service.Operations[bm.op]
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.api.Handle(ctx, reader, op, bm.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
