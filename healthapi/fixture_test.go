package healthapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sqlstore"
	"github.com/warden-iam/warden/stsapi"
)

const (
	testAccount = "111111111111"
	testRegion  = "us-east-1"
)

// fixture is the Connect Health API over a real SQLite store, with STS for
// jobs to assume roles with and objects kept in memory.
type fixture struct {
	api     *API
	store   *sqlstore.Store
	az      *authz.Authorizer
	storage *MemoryJobStorage
	root    *authz.Caller
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
	az := authz.New(st)
	f := &fixture{store: st, az: az, storage: NewMemoryJobStorage(az)}
	f.api = New(st, az, Options{Roles: stsapi.New(st, az), Storage: f.storage, DeletionDelay: 50 * time.Millisecond})
	f.root = f.caller(t, warden.RootARN(testAccount))
	return f
}

// caller returns the caller signing as the principal with the given ARN.
func (f *fixture) caller(t testing.TB, principalARN string) *authz.Caller {
	t.Helper()
	pp, err := f.store.PrincipalPolicies(t.Context(), principalARN)
	if err != nil {
		t.Fatal(err)
	}
	p := pp.Principal
	return &authz.Caller{Principal: &p, Region: testRegion}
}

// user creates a user with an inline policy (none when document is "")
// and tags, and returns the caller signing as it.
func (f *fixture) user(t testing.TB, name, document string, tags ...warden.Tag) *authz.Caller {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), testAccount, warden.CreateUserInput{Name: name, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	if document != "" {
		if err := f.store.PutInlinePolicy(t.Context(), testAccount, warden.UserIdentity(name), "p", document); err != nil {
			t.Fatal(err)
		}
	}
	return f.caller(t, u.ARN)
}

// role creates a role with a trust policy and a permissions policy and
// returns its ARN.
func (f *fixture) role(t testing.TB, name, trust, permissions string) string {
	t.Helper()
	r, err := f.store.CreateRole(t.Context(), testAccount, warden.CreateRoleInput{Name: name, AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutInlinePolicy(t.Context(), testAccount, warden.RoleIdentity(name), "p", permissions); err != nil {
		t.Fatal(err)
	}
	return r.ARN
}

// run runs an operation through Handle, as the server does.
func (f *fixture) run(t testing.TB, c *authz.Caller, op string, in restjson.Input) (restjson.Output, error) {
	t.Helper()
	o, ok := s.Service.Operations[op]
	if !ok {
		t.Fatalf("no operation %s", op)
	}
	return f.api.Handle(t.Context(), c, o, in)
}

// call runs an operation that must succeed and returns its output.
func call[O any](t testing.TB, f *fixture, c *authz.Caller, op string, in restjson.Input) O {
	t.Helper()
	out, err := f.run(t, c, op, in)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	o, _ := out.(O)
	return o
}

// domain creates a domain as the root user.
func (f *fixture) domain(t testing.TB, name string, tags map[string]string) *s.CreateDomainOutput {
	t.Helper()
	return call[*s.CreateDomainOutput](t, f, f.root, "CreateDomain", &s.CreateDomainInput{Name: name, Tags: tags})
}

// wantError fails unless err has the code and, on the wire, the given
// exception, with a message containing each of parts.
func wantError(t testing.TB, err error, code, exception string, parts ...string) {
	t.Helper()
	if warden.ErrorCode(err) != code {
		t.Fatalf("error = %v; want code %s", err, code)
	}
	if got := s.Service.ErrorType(code); exception != "" && got != exception {
		t.Fatalf("code %s is written as %s; want %s", code, got, exception)
	}
	for _, part := range parts {
		if !strings.Contains(warden.ErrorMessage(err), part) {
			t.Fatalf("message %q lacks %q", warden.ErrorMessage(err), part)
		}
	}
}

// identityDoc is an identity policy of statements given as JSON objects.
func identityDoc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// allow is a statement allowing actions on resource.
func allow(resource string, actions ...string) string {
	return `{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"` + resource + `"}`
}

// seed returns a seed policy with its placeholders filled in.
func seed(t testing.TB, name, domainID string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "policy", "testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("{POLICY_VERSION}", "2012-10-17", "<region>", testRegion, "<account-id>", testAccount, "<domain-id>", domainID).Replace(string(b))
}

// jobInput is a patient insights job reading the given S3 sources.
func jobInput(domainID, token string, sources ...string) *s.StartPatientInsightsJobInput {
	in := &s.StartPatientInsightsJobInput{
		DomainId:         domainID,
		PatientContext:   s.PatientInsightsPatientContext{PatientId: "patient-1", DateOfBirth: new("1970-01-01")},
		InsightsContext:  s.InsightsContext{InsightsType: s.InsightsTypePreVisit},
		EncounterContext: s.PatientInsightsEncounterContext{EncounterReason: "annual check"},
		UserContext:      s.UserContext{Role: s.ProviderRoleClinician, UserId: "dr-1"},
		OutputDataConfig: s.OutputDataConfig{S3OutputPath: "s3://clinic-out/insights/"},
	}
	for _, src := range sources {
		in.InputDataConfig.S3Sources = append(in.InputDataConfig.S3Sources, s.S3Source{Uri: src})
	}
	if token != "" {
		in.ClientToken = new(token)
	}
	return in
}

func contextWithCancel(t testing.TB) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	return ctx, cancel
}

// waitFor waits until cond holds, for at most ten seconds.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting")
}
