package consoleapi_test

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/consoleapi"
	s "github.com/warden-iam/warden/consoleapi/consoleshapes"
	"github.com/warden-iam/warden/healthapi"
	hs "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sqlstore"
)

const (
	testAccount = "111111111111"
	testRegion  = "us-east-1"
)

// fixture is the console API, and the public API for domains and tags,
// over a real SQLite store.
type fixture struct {
	api    *consoleapi.API
	health *healthapi.API
	store  *sqlstore.Store
	root   *authz.Caller
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
	f := &fixture{api: consoleapi.New(st, az), health: healthapi.New(st, az, healthapi.Options{DeletionDelay: 10 * time.Millisecond}), store: st}
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

// user creates a user with an inline policy and tags and returns the
// caller signing as it.
func (f *fixture) user(t testing.TB, name, document string, tags ...warden.Tag) *authz.Caller {
	t.Helper()
	u, err := f.store.CreateUser(t.Context(), testAccount, warden.CreateUserInput{Name: name, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutInlinePolicy(t.Context(), testAccount, warden.UserIdentity(name), "p", document); err != nil {
		t.Fatal(err)
	}
	return f.caller(t, u.ARN)
}

// run runs a console operation through Handle, as the server does.
func (f *fixture) run(t testing.TB, c *authz.Caller, op string, in restjson.Input) (restjson.Output, error) {
	t.Helper()
	o, ok := s.Service.Operations[op]
	if !ok {
		t.Fatalf("no operation %s", op)
	}
	return f.api.Handle(t.Context(), c, o, in)
}

// runHealth runs an operation of the public API.
func (f *fixture) runHealth(t testing.TB, c *authz.Caller, op string, in restjson.Input) (restjson.Output, error) {
	t.Helper()
	return f.health.Handle(t.Context(), c, hs.Service.Operations[op], in)
}

func call[O any](t testing.TB, f *fixture, c *authz.Caller, op string, in restjson.Input) O {
	t.Helper()
	out, err := f.run(t, c, op, in)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	o, _ := out.(O)
	return o
}

func (f *fixture) domain(t testing.TB, name string, tags map[string]string) *hs.CreateDomainOutput {
	t.Helper()
	out, err := f.runHealth(t, f.root, "CreateDomain", &hs.CreateDomainInput{Name: name, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	return out.(*hs.CreateDomainOutput)
}

// wantError fails unless err has the code, is written as exception on
// the wire, and its message holds each of parts.
func wantError(t testing.TB, err error, code, exception string, parts ...string) {
	t.Helper()
	if warden.ErrorCode(err) != code {
		t.Fatalf("error = %v; want code %s", err, code)
	}
	if got := s.Service.ErrorType(code); got != exception {
		t.Fatalf("code %s is written as %s; want %s", code, got, exception)
	}
	for _, part := range parts {
		if !strings.Contains(warden.ErrorMessage(err), part) {
			t.Fatalf("message %q lacks %q", warden.ErrorMessage(err), part)
		}
	}
}

func seed(t testing.TB, name, domainID string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "policy", "testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("{POLICY_VERSION}", "2012-10-17", "<region>", testRegion, "<account-id>", testAccount, "<domain-id>", domainID).Replace(string(b))
}

const secretARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:ehr-creds-AbCdEf"

func TestAgentVersionLifecycle(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	created := call[*s.CreateAgentOutput](t, f, f.root, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "intake",
		Instructions: new("Greet the patient."), Tags: map[string]string{"team": "blue"}}).Agent
	id := created.AgentId
	if created.Version != 1 || created.Status != s.AgentVersionStatusDraft || created.LatestVersion != 1 || created.PublishedVersion != nil ||
		created.Arn != d.Arn+"/agent/"+id || created.Tags["team"] != "blue" {
		t.Fatalf("CreateAgent = %+v", created)
	}
	// A session needs a published version, unless it names one.
	_, err := f.run(t, f.root, "CreateSession", &s.CreateSessionInput{DomainId: d.DomainId, AgentId: id})
	wantError(t, err, warden.EValidationError, "ValidationException", "has no PUBLISHED version")

	_, err = f.run(t, f.root, "UpdateAgent", &s.UpdateAgentInput{DomainId: d.DomainId, AgentId: id})
	wantError(t, err, warden.EValidationError, "ValidationException", "at least one of")
	up := call[*s.UpdateAgentOutput](t, f, f.root, "UpdateAgent", &s.UpdateAgentInput{DomainId: d.DomainId, AgentId: id, Description: new("first")}).Agent
	if up.Version != 1 || *up.Description != "first" || *up.Instructions != "Greet the patient." {
		t.Fatalf("UpdateAgent of the draft = %+v", up)
	}
	pub := call[*s.PublishAgentOutput](t, f, f.root, "PublishAgent", &s.PublishAgentInput{DomainId: d.DomainId, AgentId: id}).Agent
	if pub.Status != s.AgentVersionStatusPublished || *pub.PublishedVersion != 1 || pub.PublishedAt == nil {
		t.Fatalf("PublishAgent = %+v", pub)
	}
	_, err = f.run(t, f.root, "PublishAgent", &s.PublishAgentInput{DomainId: d.DomainId, AgentId: id, Version: new(int32(1))})
	wantError(t, err, warden.EEntityAlreadyExists, "ConflictException", "only a DRAFT version can be published")

	v2 := call[*s.UpdateAgentOutput](t, f, f.root, "UpdateAgent", &s.UpdateAgentInput{DomainId: d.DomainId, AgentId: id, Instructions: new("v2")}).Agent
	if v2.Version != 2 || v2.Status != s.AgentVersionStatusDraft || *v2.PublishedVersion != 1 || *v2.Description != "first" {
		t.Fatalf("UpdateAgent of a published agent = %+v", v2)
	}
	if got := call[*s.GetAgentOutput](t, f, f.root, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: id}).Agent; got.Version != 2 || got.Tags["team"] != "blue" {
		t.Errorf("GetAgent (latest) = %+v", got)
	}
	if got := call[*s.GetAgentOutput](t, f, f.root, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: id, Version: new(int32(1))}).Agent; got.Version != 1 ||
		got.Status != s.AgentVersionStatusPublished || *got.Instructions != "Greet the patient." {
		t.Errorf("GetAgent version 1 = %+v", got)
	}
	_, err = f.run(t, f.root, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: id, Version: new(int32(7))})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "has no version 7")

	// Sessions run the published version by default.
	sess := call[*s.CreateSessionOutput](t, f, f.root, "CreateSession", &s.CreateSessionInput{DomainId: d.DomainId, AgentId: id,
		Context: map[string]string{"patientId": "p-1"}}).Session
	if sess.AgentVersion != 1 || sess.Status != s.SessionStatusActive {
		t.Fatalf("CreateSession = %+v", sess)
	}
	call[*s.PublishAgentOutput](t, f, f.root, "PublishAgent", &s.PublishAgentInput{DomainId: d.DomainId, AgentId: id, Version: new(int32(2))})
	versions := call[*s.ListAgentVersionsOutput](t, f, f.root, "ListAgentVersions", &s.ListAgentVersionsInput{DomainId: d.DomainId, AgentId: id}).Versions
	if len(versions) != 2 || versions[0].Status != s.AgentVersionStatusArchived || versions[1].Status != s.AgentVersionStatusPublished {
		t.Fatalf("ListAgentVersions = %+v", versions)
	}
	agents := call[*s.ListAgentsOutput](t, f, f.root, "ListAgents", &s.ListAgentsInput{DomainId: d.DomainId}).Agents
	if len(agents) != 1 || agents[0].LatestVersion != 2 || agents[0].LatestVersionStatus != s.AgentVersionStatusPublished {
		t.Fatalf("ListAgents = %+v", agents)
	}
	call[restjson.Output](t, f, f.root, "DeleteAgent", &s.DeleteAgentInput{DomainId: d.DomainId, AgentId: id})
	_, err = f.run(t, f.root, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: id})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "Agent "+id+" not found")
	_, err = f.run(t, f.root, "ListAgentVersions", &s.ListAgentVersionsInput{DomainId: d.DomainId, AgentId: id})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")
}

func TestIntegrationCRUD(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	in := &s.CreateIntegrationInput{DomainId: d.DomainId, Name: "epic", Type: s.IntegrationTypeFhir, Endpoint: "https://ehr.example.com/fhir/r4",
		AuthSecretArn: secretARN}
	i := call[*s.CreateIntegrationOutput](t, f, f.root, "CreateIntegration", in).Integration
	if i.Status != s.IntegrationStatusActive || i.Arn != d.Arn+"/integration/"+i.IntegrationId || i.AuthSecretArn != secretARN {
		t.Fatalf("CreateIntegration = %+v", i)
	}
	_, err := f.run(t, f.root, "CreateIntegration", in)
	wantError(t, err, warden.EEntityAlreadyExists, "ConflictException", "already has an integration named epic")
	for _, tt := range []struct {
		name, endpoint, secret, part string
	}{
		{"http endpoint", "http://ehr.example.com/", secretARN, "is not an https URL"},
		{"credentials in the endpoint", "https://user:pw@ehr.example.com/", secretARN, "holds credentials"},
		{"not a secret", "https://ehr.example.com/", "arn:aws:s3:::bucket/key", "is not the ARN of an AWS Secrets Manager secret"},
		{"a secret of another region", "https://ehr.example.com/", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:x", "of its own region only"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.run(t, f.root, "CreateIntegration", &s.CreateIntegrationInput{DomainId: d.DomainId, Name: "x", Type: s.IntegrationTypeHl7,
				Endpoint: tt.endpoint, AuthSecretArn: tt.secret})
			wantError(t, err, warden.EValidationError, "ValidationException", tt.part)
		})
	}
	up := call[*s.UpdateIntegrationOutput](t, f, f.root, "UpdateIntegration", &s.UpdateIntegrationInput{DomainId: d.DomainId,
		IntegrationId: i.IntegrationId, Status: new(s.IntegrationStatusInactive), Name: new("epic prod")}).Integration
	if up.Status != s.IntegrationStatusInactive || up.Name != "epic prod" || up.Endpoint != in.Endpoint {
		t.Fatalf("UpdateIntegration = %+v", up)
	}
	got := call[*s.GetIntegrationOutput](t, f, f.root, "GetIntegration", &s.GetIntegrationInput{DomainId: d.DomainId, IntegrationId: i.IntegrationId}).Integration
	if got.Name != "epic prod" || got.Status != s.IntegrationStatusInactive {
		t.Fatalf("GetIntegration = %+v", got)
	}
	list := call[*s.ListIntegrationsOutput](t, f, f.root, "ListIntegrations", &s.ListIntegrationsInput{DomainId: d.DomainId}).Integrations
	if len(list) != 1 || list[0].IntegrationId != i.IntegrationId {
		t.Fatalf("ListIntegrations = %+v", list)
	}
	call[restjson.Output](t, f, f.root, "DeleteIntegration", &s.DeleteIntegrationInput{DomainId: d.DomainId, IntegrationId: i.IntegrationId})
	_, err = f.run(t, f.root, "GetIntegration", &s.GetIntegrationInput{DomainId: d.DomainId, IntegrationId: i.IntegrationId})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "Integration "+i.IntegrationId+" not found")
	_, err = f.run(t, f.root, "ListIntegrations", &s.ListIntegrationsInput{DomainId: "dom-0000000000000000"})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "Domain dom-0000000000000000 not found")
}

func TestSessions(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	agent := call[*s.CreateAgentOutput](t, f, f.root, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "intake"}).Agent
	// A draft runs when the request names it.
	sess := call[*s.CreateSessionOutput](t, f, f.root, "CreateSession", &s.CreateSessionInput{DomainId: d.DomainId, AgentId: agent.AgentId,
		AgentVersion: new(int32(1)), Context: map[string]string{"patientId": "p-1", "encounterId": "e-1"}, Tags: map[string]string{"k": "v"}}).Session
	if sess.Arn != d.Arn+"/session/"+sess.SessionId || !maps.Equal(sess.Context, map[string]string{"patientId": "p-1", "encounterId": "e-1"}) {
		t.Fatalf("CreateSession = %+v", sess)
	}
	up := call[*s.UpdateSessionOutput](t, f, f.root, "UpdateSession", &s.UpdateSessionInput{DomainId: d.DomainId, SessionId: sess.SessionId,
		Context: map[string]string{"encounterId": "", "visit": "follow-up"}}).Session
	if !maps.Equal(up.Context, map[string]string{"patientId": "p-1", "visit": "follow-up"}) || up.Tags["k"] != "v" {
		t.Fatalf("UpdateSession = %+v", up)
	}
	ended := call[*s.UpdateSessionOutput](t, f, f.root, "UpdateSession", &s.UpdateSessionInput{DomainId: d.DomainId, SessionId: sess.SessionId,
		Status: new(s.SessionStatusEnded)}).Session
	if ended.Status != s.SessionStatusEnded || ended.EndedAt == nil {
		t.Fatalf("ending = %+v", ended)
	}
	_, err := f.run(t, f.root, "UpdateSession", &s.UpdateSessionInput{DomainId: d.DomainId, SessionId: sess.SessionId, Context: map[string]string{"a": "b"}})
	wantError(t, err, warden.EValidationError, "ValidationException", "has ENDED")
	got := call[*s.GetSessionContextOutput](t, f, f.root, "GetSessionContext", &s.GetSessionContextInput{DomainId: d.DomainId, SessionId: sess.SessionId}).Session
	if got.Status != s.SessionStatusEnded || got.Context["visit"] != "follow-up" {
		t.Fatalf("GetSessionContext = %+v", got)
	}
	missing := "0f8fad5b-d9cb-469f-a165-70867728950e"
	_, err = f.run(t, f.root, "GetSessionContext", &s.GetSessionContextInput{DomainId: d.DomainId, SessionId: missing})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "Session "+missing+" not found")
	_, err = f.run(t, f.root, "CreateSession", &s.CreateSessionInput{DomainId: d.DomainId, AgentId: "agent-0000000000000000", AgentVersion: new(int32(1))})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "Agent agent-0000000000000000 not found")

	if got := call[*s.ListMedicalScribeListeningSessionsOutput](t, f, f.root, "ListMedicalScribeListeningSessions",
		&s.ListMedicalScribeListeningSessionsInput{DomainId: d.DomainId}); len(got.Sessions) != 0 {
		t.Errorf("scribe sessions of a new domain: %+v", got.Sessions)
	}
}

// The seed's Example 1 (health-agent:* on one domain and its
// integrations): integrations of that domain, nothing of another domain,
// no agents (the policy names none).
func TestExample1DomainScoped(t *testing.T) {
	f := newFixture(t)
	mine := f.domain(t, "mine", nil)
	other := f.domain(t, "other", nil)
	c := f.user(t, "clinician", seed(t, "connect-health--ex1-full-access-one-domain.json", mine.DomainId))
	i := call[*s.CreateIntegrationOutput](t, f, c, "CreateIntegration", &s.CreateIntegrationInput{DomainId: mine.DomainId, Name: "epic",
		Type: s.IntegrationTypeFhir, Endpoint: "https://ehr.example.com/", AuthSecretArn: secretARN, Tags: map[string]string{"env": "prod"}}).Integration
	call[*s.GetIntegrationOutput](t, f, c, "GetIntegration", &s.GetIntegrationInput{DomainId: mine.DomainId, IntegrationId: i.IntegrationId})
	call[*s.ListIntegrationsOutput](t, f, c, "ListIntegrations", &s.ListIntegrationsInput{DomainId: mine.DomainId})
	call[restjson.Output](t, f, c, "DeleteIntegration", &s.DeleteIntegrationInput{DomainId: mine.DomainId, IntegrationId: i.IntegrationId})

	_, err := f.run(t, c, "CreateIntegration", &s.CreateIntegrationInput{DomainId: other.DomainId, Name: "epic",
		Type: s.IntegrationTypeFhir, Endpoint: "https://ehr.example.com/", AuthSecretArn: secretARN})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:CreateIntegration on resource: "+other.Arn+"/integration/int-")
	_, err = f.run(t, c, "CreateAgent", &s.CreateAgentInput{DomainId: mine.DomainId, Name: "intake"})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:CreateAgent on resource: "+mine.Arn+"/agent/agent-")
	// Unauthorized callers learn nothing of what does not exist.
	_, err = f.run(t, c, "GetIntegration", &s.GetIntegrationInput{DomainId: "dom-0000000000000000", IntegrationId: "int-0000000000000000"})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException")
}

// ABAC: aws:ResourceTag on each resource (its own tags, the domain's on
// the domain), aws:RequestTag and aws:TagKeys on creates, which also need
// health-agent:TagResource when they carry tags; tagging through the
// public API's TagResource.
func TestABAC(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", map[string]string{"dept": "cardio"})
	blue := call[*s.CreateAgentOutput](t, f, f.root, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "blue",
		Tags: map[string]string{"team": "blue"}}).Agent
	red := call[*s.CreateAgentOutput](t, f, f.root, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "red",
		Tags: map[string]string{"team": "red"}}).Agent
	c := f.user(t, "alice", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["health-agent:GetAgent","health-agent:UpdateAgent"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}},
		{"Effect":"Allow","Action":["health-agent:GetAgent","health-agent:UpdateAgent"],"Resource":"arn:aws:health-agent:*:*:domain/*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/dept":"cardio"}}},
		{"Effect":"Allow","Action":["health-agent:CreateAgent","health-agent:TagResource"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:RequestTag/team":"${aws:PrincipalTag/team}"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`,
		warden.Tag{Key: "team", Value: "blue"})

	call[*s.GetAgentOutput](t, f, c, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: blue.AgentId})
	_, err := f.run(t, c, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: red.AgentId})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GetAgent on resource: "+red.Arn)

	call[*s.CreateAgentOutput](t, f, c, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "mine", Tags: map[string]string{"team": "blue"}})
	_, err = f.run(t, c, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "theirs", Tags: map[string]string{"team": "red"}})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:CreateAgent")
	_, err = f.run(t, c, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "extra", Tags: map[string]string{"team": "blue", "cost": "1"}})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:CreateAgent")

	// Retagging the blue agent red through the public TagResource takes
	// it out of her reach.
	if _, err := f.runHealth(t, f.root, "TagResource", &hs.TagResourceInput{ResourceArn: blue.Arn, Tags: map[string]string{"team": "red"}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.run(t, c, "UpdateAgent", &s.UpdateAgentInput{DomainId: d.DomainId, AgentId: blue.AgentId, Name: new("x")})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:UpdateAgent on resource: "+blue.Arn)
	out, err := f.runHealth(t, f.root, "ListTagsForResource", &hs.ListTagsForResourceInput{ResourceArn: blue.Arn})
	if err != nil || !maps.Equal(out.(*hs.ListTagsForResourceOutput).Tags, map[string]string{"team": "red"}) {
		t.Fatalf("ListTagsForResource = %v, %v", out, err)
	}
	if _, err := f.runHealth(t, f.root, "UntagResource", &hs.UntagResourceInput{ResourceArn: blue.Arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if got := call[*s.GetAgentOutput](t, f, f.root, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: blue.AgentId}).Agent; got.Tags != nil {
		t.Errorf("tags after UntagResource = %v", got.Tags)
	}
	_, err = f.runHealth(t, f.root, "ListTagsForResource", &hs.ListTagsForResourceInput{ResourceArn: d.Arn + "/session/0f8fad5b-d9cb-469f-a165-70867728950e"})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")
}

// A domain being deleted accepts no console request; once deleted, its
// console resources are gone.
func TestDomainNotActive(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	agent := call[*s.CreateAgentOutput](t, f, f.root, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "intake"}).Agent
	if _, err := f.runHealth(t, f.root, "DeleteDomain", &hs.DeleteDomainInput{DomainId: d.DomainId}); err != nil {
		t.Fatal(err)
	}
	_, err := f.run(t, f.root, "CreateAgent", &s.CreateAgentInput{DomainId: d.DomainId, Name: "late"})
	wantError(t, err, warden.EValidationError, "ValidationException", "only an ACTIVE domain accepts this request")
	if _, err := f.store.FinishDomainDeletion(t.Context(), testAccount, testRegion, d.DomainId); err != nil {
		t.Fatal(err)
	}
	_, err = f.run(t, f.root, "GetAgent", &s.GetAgentInput{DomainId: d.DomainId, AgentId: agent.AgentId})
	wantError(t, err, warden.EValidationError, "ValidationException", "is DELETED")
	if _, err := f.store.Agent(t.Context(), testAccount, testRegion, d.DomainId, agent.AgentId, 0); warden.ErrorCode(err) != warden.ENoSuchEntity {
		t.Errorf("the agent of a deleted domain: %v", err)
	}
}
