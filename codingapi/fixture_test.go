package codingapi

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/healthapi"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sqlstore"
	"github.com/warden-iam/warden/stsapi"
)

const (
	testAccount = "111111111111"
	testRegion  = "us-east-1"
)

// fixture is the medical coding API over a real SQLite store, with STS for
// jobs to assume roles with and objects kept in memory.
type fixture struct {
	api     *API
	store   *sqlstore.Store
	az      *authz.Authorizer
	storage *healthapi.MemoryJobStorage
	root    *authz.Caller
	now     time.Time
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
	f := &fixture{store: st, az: az, storage: healthapi.NewMemoryJobStorage(az), now: time.Now()}
	f.api = New(st, az, Options{Roles: stsapi.New(st, az), Storage: f.storage, Now: func() time.Time { return f.now }})
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
// and returns the caller signing as it.
func (f *fixture) user(t testing.TB, name, document string) *authz.Caller {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), testAccount, warden.CreateUserInput{Name: name})
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

// domain creates a domain with tags and, when role is not "", that role
// as its web app's role.
func (f *fixture) domain(t testing.TB, role string, tags ...warden.Tag) *warden.Domain {
	t.Helper()
	in := warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: testAccount, Region: testRegion, Name: "clinic", Tags: tags}
	if role != "" {
		in.WebApp = &warden.WebAppConfiguration{RoleARN: role, IdentityCenterInstanceID: "ssoins-1", IdentityCenterApplicationID: "apl-1",
			IdentityCenterRegion: testRegion, URL: warden.WebAppURL(testRegion, in.ID)}
	}
	d, err := f.store.CreateDomain(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// role creates a role with the seed's service-role trust policy for the
// domain and the permissions policy given, and returns its ARN.
func (f *fixture) role(t testing.TB, name, trustedDomain, permissions string) string {
	t.Helper()
	r, err := f.store.CreateRole(t.Context(), testAccount, warden.CreateRoleInput{Name: name,
		AssumeRolePolicyDocument: seed(t, "connect-health--service-role-trust.json", trustedDomain)})
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

// get describes a job as the root user.
func (f *fixture) get(t testing.TB, domainID, jobID string) *s.GetMedicalCodingJobOutput {
	t.Helper()
	return call[*s.GetMedicalCodingJobOutput](t, f, f.root, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: domainID, JobId: jobID})
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

// startInput is a medical coding job of a domain writing under
// s3://clinic-out/codes/.
func startInput(domainID, token string) *s.StartMedicalCodingJobInput {
	in := &s.StartMedicalCodingJobInput{
		DomainId: domainID,
		Text:     "Patient seen for follow-up of hypertension.",
		EncounterContext: &s.MedicalCodingEncounterContext{EncounterDate: new("2026-01-15"), EncounterDurationMinutes: new(int32(20)),
			EncounterReason: new("follow-up"), EncounterType: new(s.EncounterTypeInPerson), AfterHours: new(false)},
		PatientContext:   &s.MedicalCodingPatientContext{DateOfBirth: new("1970-01-01"), Sex: new(s.SexFemale), Status: new(s.PatientStatusEstablished), Insurance: new("Medicare")},
		OutputDataConfig: s.OutputDataConfig{S3OutputPath: "s3://clinic-out/codes/"},
	}
	if token != "" {
		in.ClientToken = new(token)
	}
	return in
}

// decode reads a request the way the server does: routed by the model's
// bindings and decoded with its constraints.
func decode(t testing.TB, method, path, body string) (*restjson.Match, restjson.Input, error) {
	t.Helper()
	r, err := http.NewRequestWithContext(context.Background(), method, path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Service.Route(r)
	if err != nil {
		return nil, nil, err
	}
	in := m.Operation.NewInput()
	return m, in, restjson.Decode(r, []byte(body), m, in)
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
