package appintegrationsapi

import (
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/appintegrationsapi/appintegrationsshapes"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sqlstore"
)

const (
	testAccount = "111111111111"
	testRegion  = "us-east-1"
)

// fixture is the AppIntegrations API over a real SQLite store.
type fixture struct {
	api   *API
	store *sqlstore.Store
	root  *authz.Caller
}

func newFixture(t *testing.T) *fixture {
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

func (f *fixture) caller(t *testing.T, principalARN string) *authz.Caller {
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
func (f *fixture) user(t *testing.T, name, document string) *authz.Caller {
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

func (f *fixture) call(t *testing.T, c *authz.Caller, op string, in restjson.Input) (restjson.Output, error) {
	t.Helper()
	return f.api.Handle(t.Context(), c, s.Service.Operations[op], in)
}

func create(name string, tags map[string]string) *s.CreateEventIntegrationInput {
	return &s.CreateEventIntegrationInput{Name: name, EventFilter: s.EventFilter{Source: "aws.partner/example.com/" + name},
		EventBridgeBus: "default", Tags: tags}
}

func wantCode(t *testing.T, err error, code, part string) {
	t.Helper()
	if warden.ErrorCode(err) != code || !strings.Contains(warden.ErrorMessage(err), part) {
		t.Fatalf("error %v, want %s containing %q", err, code, part)
	}
}

func TestEventIntegrationLifecycle(t *testing.T) {
	f := newFixture(t)
	out, err := f.call(t, f.root, "CreateEventIntegration", create("orders", map[string]string{"team": "blue"}))
	if err != nil {
		t.Fatal(err)
	}
	arn := *out.(*s.CreateEventIntegrationOutput).EventIntegrationArn
	if !strings.HasPrefix(arn, "arn:aws:app-integrations:us-east-1:"+testAccount+":event-integration/orders") {
		t.Errorf("ARN %s", arn)
	}
	_, err = f.call(t, f.root, "CreateEventIntegration", create("orders", nil))
	wantCode(t, err, warden.EEntityAlreadyExists, "orders")

	got, err := f.call(t, f.root, "GetEventIntegration", &s.GetEventIntegrationInput{Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if g := got.(*s.GetEventIntegrationOutput); *g.EventIntegrationArn != arn || g.Tags["team"] != "blue" || g.EventFilter.Source != "aws.partner/example.com/orders" {
		t.Errorf("GetEventIntegration = %+v", g)
	}
	desc := "order events"
	if _, err := f.call(t, f.root, "UpdateEventIntegration", &s.UpdateEventIntegrationInput{Name: "orders", Description: &desc}); err != nil {
		t.Fatal(err)
	}
	list, err := f.call(t, f.root, "ListEventIntegrations", &s.ListEventIntegrationsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if l := list.(*s.ListEventIntegrationsOutput).EventIntegrations; len(l) != 1 || l[0].Description == nil || *l[0].Description != desc {
		t.Errorf("ListEventIntegrations = %+v", l)
	}
	if _, err := f.call(t, f.root, "DeleteEventIntegration", &s.DeleteEventIntegrationInput{Name: "orders"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.call(t, f.root, "GetEventIntegration", &s.GetEventIntegrationInput{Name: "orders"})
	wantCode(t, err, warden.ENoSuchEntity, "orders")
}

// ABAC: a team reads and deletes its own integrations only, and creates
// them only tagged as its own.
func TestEventIntegrationABAC(t *testing.T) {
	f := newFixture(t)
	for name, team := range map[string]string{"blue-events": "blue", "red-events": "red"} {
		if _, err := f.call(t, f.root, "CreateEventIntegration", create(name, map[string]string{"team": team})); err != nil {
			t.Fatal(err)
		}
	}
	blue := f.user(t, "blue", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["app-integrations:GetEventIntegration","app-integrations:DeleteEventIntegration"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}},
		{"Effect":"Allow","Action":["app-integrations:CreateEventIntegration","app-integrations:TagResource"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`)

	if _, err := f.call(t, blue, "GetEventIntegration", &s.GetEventIntegrationInput{Name: "blue-events"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.call(t, blue, "GetEventIntegration", &s.GetEventIntegrationInput{Name: "red-events"})
	wantCode(t, err, warden.EAccessDenied, "app-integrations:GetEventIntegration on resource: arn:aws:app-integrations:us-east-1:"+testAccount+":event-integration/red-events")
	_, err = f.call(t, blue, "DeleteEventIntegration", &s.DeleteEventIntegrationInput{Name: "red-events"})
	wantCode(t, err, warden.EAccessDenied, "app-integrations:DeleteEventIntegration")

	if _, err := f.call(t, blue, "CreateEventIntegration", create("blue-more", map[string]string{"team": "blue"})); err != nil {
		t.Fatal(err)
	}
	_, err = f.call(t, blue, "CreateEventIntegration", create("red-more", map[string]string{"team": "red"}))
	wantCode(t, err, warden.EAccessDenied, "app-integrations:CreateEventIntegration")
	_, err = f.call(t, blue, "CreateEventIntegration", create("untagged", nil))
	wantCode(t, err, warden.EAccessDenied, "app-integrations:CreateEventIntegration")

	// A missing integration is answered only after authorization: the
	// caller learns nothing of what exists.
	_, err = f.call(t, f.user(t, "nobody", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`),
		"GetEventIntegration", &s.GetEventIntegrationInput{Name: "missing"})
	wantCode(t, err, warden.EAccessDenied, "")
}

// Applications and data integrations are in the model but not served.
func TestUnservedOperations(t *testing.T) {
	f := newFixture(t)
	_, err := f.call(t, f.root, "CreateApplication", &s.CreateApplicationInput{Name: "app", Namespace: "ns"})
	wantCode(t, err, warden.ENotImplemented, "CreateApplication")
}
