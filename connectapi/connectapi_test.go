package connectapi

import (
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/connectapi/connectshapes"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sqlstore"
)

const (
	testAccount = "111111111111"
	testRegion  = "us-east-1"
)

// fixture is the Amazon Connect API over a real SQLite store.
type fixture struct {
	api   *API
	store *sqlstore.Store
	root  *authz.Caller
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := sqlstore.Open(ctx, t.TempDir(), sqlstore.Options{AWSManagedPolicies: managed.Default()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Bootstrap(ctx, warden.BootstrapInput{AccountID: testAccount, Region: testRegion}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{api: New(st, authz.New(st)), store: st}
	f.root = f.caller(t, warden.RootARN(testAccount))
	return f
}

func (f *fixture) caller(t testing.TB, principalARN string) *authz.Caller {
	t.Helper()
	pp, err := f.store.PrincipalPolicies(t.Context(), principalARN)
	if err != nil {
		t.Fatal(err)
	}
	p := pp.Principal
	return &authz.Caller{Principal: &p, Region: testRegion}
}

// user creates a user with an inline policy and returns the caller
// signing as it.
func (f *fixture) user(t testing.TB, name, document string) *authz.Caller {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), testAccount, warden.CreateUserInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutInlinePolicy(t.Context(), testAccount, warden.UserIdentity(name), "p", document); err != nil {
		t.Fatal(err)
	}
	return f.caller(t, u.ARN)
}

func (f *fixture) call(t testing.TB, c *authz.Caller, op string, in restjson.Input) (restjson.Output, error) {
	t.Helper()
	return f.api.Handle(t.Context(), c, s.Service.Operations[op], in)
}

func (f *fixture) must(t testing.TB, c *authz.Caller, op string, in restjson.Input) restjson.Output {
	t.Helper()
	out, err := f.call(t, c, op, in)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	return out
}

func wantCode(t testing.TB, err error, code string, parts ...string) {
	t.Helper()
	if warden.ErrorCode(err) != code {
		t.Fatalf("error %v; want %s", err, code)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q lacks %q", err, p)
		}
	}
}

func (f *fixture) instance(t testing.TB) string {
	t.Helper()
	out := f.must(t, f.root, "CreateInstance", &s.CreateInstanceInput{IdentityManagementType: s.DirectoryTypeConnectManaged,
		InstanceAlias: new("unit"), InboundCallsEnabled: true})
	return *out.(*s.CreateInstanceOutput).Id
}

func createUserInput(instanceID, username string, tags map[string]string) *s.CreateUserInput {
	return &s.CreateUserInput{InstanceId: instanceID, Username: username, Password: new("Passw0rd-x"),
		IdentityInfo:       &s.UserIdentityInfo{FirstName: new("Ada"), LastName: new("Lovelace")},
		SecurityProfileIds: []string{"sp-1", "sp-2"}, RoutingProfileId: "rp-1", Tags: tags}
}

// CreateUser is authorized on every resource type the reference lists for
// it: the new user, its routing profile and each security profile.
func TestCreateUserAuthorizesEveryResource(t *testing.T) {
	f := newFixture(t)
	id := f.instance(t)
	prefix := "arn:aws:connect:us-east-1:" + testAccount + ":instance/" + id
	usersOnly := f.user(t, "users-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:CreateUser",
		"Resource":["`+prefix+`/agent/*","`+prefix+`/routing-profile/*","`+prefix+`/security-profile/sp-1"]}]}`)
	_, err := f.call(t, usersOnly, "CreateUser", createUserInput(id, "bob", nil))
	wantCode(t, err, warden.EAccessDenied, prefix+"/security-profile/sp-2")

	all := f.user(t, "all", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:CreateUser","Resource":"`+prefix+`/*"}]}`)
	f.must(t, all, "CreateUser", createUserInput(id, "bob", nil))
	// Tags on create also need connect:TagResource.
	_, err = f.call(t, all, "CreateUser", createUserInput(id, "carol", map[string]string{"Owner": "TeamA"}))
	wantCode(t, err, warden.EAccessDenied, "connect:TagResource")
}

// connect:InstanceId is set only for actions the reference lists it for:
// ListPhoneNumbersV2 has it not, so a condition on it never matches.
func TestInstanceIDConditionKey(t *testing.T) {
	f := newFixture(t)
	id := f.instance(t)
	user := f.must(t, f.root, "CreateUser", createUserInput(id, "bob", nil)).(*s.CreateUserOutput)
	c := f.user(t, "by-instance", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["connect:DescribeUser","connect:ListPhoneNumbersV2"],
		"Resource":"*","Condition":{"StringEquals":{"connect:InstanceId":"`+id+`"}}}]}`)
	f.must(t, c, "DescribeUser", &s.DescribeUserInput{InstanceId: id, UserId: *user.UserId})
	_, err := f.call(t, c, "ListPhoneNumbersV2", &s.ListPhoneNumbersV2Input{InstanceId: new(id)})
	wantCode(t, err, warden.EAccessDenied)
}

// A caller without permission learns nothing of what exists: a missing
// user is denied first, found missing only when allowed.
func TestMissingAfterAuthorization(t *testing.T) {
	f := newFixture(t)
	id := f.instance(t)
	nobody := f.user(t, "nobody", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:ListInstances","Resource":"*"}]}`)
	_, err := f.call(t, nobody, "DescribeUser", &s.DescribeUserInput{InstanceId: id, UserId: "missing"})
	wantCode(t, err, warden.EAccessDenied)
	_, err = f.call(t, f.root, "DescribeUser", &s.DescribeUserInput{InstanceId: id, UserId: "missing"})
	wantCode(t, err, warden.ENoSuchEntity, "missing")
	_, err = f.call(t, f.root, "TagResource", &s.TagResourceInput{ResourceArn: "arn:aws:connect:eu-west-1:" + testAccount + ":instance/" + id,
		Tags: map[string]string{"k": "v"}})
	wantCode(t, err, warden.ENoSuchEntity)
	_, err = f.call(t, f.root, "TagResource", &s.TagResourceInput{ResourceArn: "arn:aws:s3:::bucket", Tags: map[string]string{"k": "v"}})
	wantCode(t, err, warden.EInvalidParameterValue)
}

func TestUserUpdates(t *testing.T) {
	f := newFixture(t)
	id := f.instance(t)
	user := *f.must(t, f.root, "CreateUser", createUserInput(id, "bob", nil)).(*s.CreateUserOutput).UserId
	for range 2 {
		f.must(t, f.root, "UpdateUserProficiencies", &s.UpdateUserProficienciesInput{InstanceId: id, UserId: user,
			UserProficiencies: []s.UserProficiency{{AttributeName: "Language", AttributeValue: "English", Level: 3}}})
	}
	f.must(t, f.root, "UpdateUserProficiencies", &s.UpdateUserProficienciesInput{InstanceId: id, UserId: user,
		UserProficiencies: []s.UserProficiency{{AttributeName: "Language", AttributeValue: "English", Level: 5}}})
	u, err := f.store.ConnectUser(t.Context(), testAccount, testRegion, id, user)
	if err != nil {
		t.Fatal(err)
	}
	st, err := readSettings(u)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Proficiencies) != 1 || st.Proficiencies[0].Level != 5 || st.IdentityInfo == nil || *st.IdentityInfo.FirstName != "Ada" {
		t.Errorf("settings = %+v", st)
	}

	_, err = f.call(t, f.root, "UpdateUserPhoneConfig", &s.UpdateUserPhoneConfigInput{InstanceId: id, UserId: user,
		PhoneConfig: s.UserPhoneConfig{PhoneType: s.PhoneTypeDeskPhone}})
	wantCode(t, err, warden.EInvalidParameterValue, "DeskPhoneNumber")
	_, err = f.call(t, f.root, "UpdateUserHierarchyStructure", &s.UpdateUserHierarchyStructureInput{InstanceId: id,
		HierarchyStructure: s.HierarchyStructureUpdate{LevelTwo: &s.HierarchyLevelUpdate{Name: "Site"}}})
	wantCode(t, err, warden.EInvalidParameterValue, "level 1")
	// A user of a CONNECT_MANAGED instance needs a password and a name.
	in := createUserInput(id, "carol", nil)
	in.Password = nil
	_, err = f.call(t, f.root, "CreateUser", in)
	wantCode(t, err, warden.EInvalidParameterValue, "Password")
	in = createUserInput(id, "carol", nil)
	in.IdentityInfo = nil
	_, err = f.call(t, f.root, "CreateUser", in)
	wantCode(t, err, warden.EInvalidParameterValue, "FirstName")
}
