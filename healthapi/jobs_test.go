package healthapi

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
)

var jobARNRE = regexp.MustCompile(`^arn:aws[-a-z]*:health-agent:[-a-z0-9]+:[0-9]{12}:domain/[-a-zA-Z0-9-]+/patient-insights-job/[-a-zA-Z0-9_/.]+$`)

func TestStartPatientInsightsJob(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	in := jobInput(d.DomainId, "token-1", "s3://clinic-in/notes.txt")
	in.InputDataConfig.FhirServer = &s.FHIRServer{FhirEndpoint: "https://fhir.example.com/r4", OauthToken: new("secret-token")}
	started := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", in)
	if !jobARNRE.MatchString(started.JobArn) || started.JobArn != d.Arn+"/patient-insights-job/"+started.JobId || started.CreationTime == nil {
		t.Fatalf("StartPatientInsightsJob = %+v", started)
	}
	got := call[*s.GetPatientInsightsJobOutput](t, f, f.root, "GetPatientInsightsJob", &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: started.JobId})
	if got.JobStatus != s.JobStatusSubmitted || got.PatientContext.PatientId != "patient-1" || *got.PatientContext.DateOfBirth != "1970-01-01" ||
		got.InputDataConfig.S3Sources[0].Uri != "s3://clinic-in/notes.txt" || got.OutputDataConfig.S3OutputPath != "s3://clinic-out/insights/" ||
		got.InsightsOutput != nil || got.StatusDetails != nil || !got.CreationTime.Equal(*started.CreationTime) {
		t.Errorf("GetPatientInsightsJob = %+v", got)
	}
	if f := got.InputDataConfig.FhirServer; f == nil || f.FhirEndpoint != "https://fhir.example.com/r4" || f.OauthToken != nil {
		t.Errorf("fhirServer = %+v; want the endpoint without the token", f)
	}

	// The same client token and request start nothing new.
	replay := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", in)
	if replay.JobId != started.JobId || !replay.CreationTime.Equal(*started.CreationTime) {
		t.Errorf("replay = %+v; want job %s", replay, started.JobId)
	}
	changed := *in
	changed.EncounterContext.EncounterReason = "follow up"
	_, err := f.run(t, f.root, "StartPatientInsightsJob", &changed)
	wantError(t, err, warden.EEntityAlreadyExists, "ConflictException", "token-1", started.JobId)
	if status := s.Service.Status(warden.ErrorCode(err)); status != 409 {
		t.Errorf("status = %d; want 409", status)
	}

	noInput := jobInput(d.DomainId, "")
	_, err = f.run(t, f.root, "StartPatientInsightsJob", noInput)
	wantError(t, err, warden.EValidationError, "ValidationException", "inputDataConfig")

	_, err = f.run(t, f.root, "GetPatientInsightsJob", &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: "no-such-job"})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "no-such-job")
	_, err = f.run(t, f.root, "StartPatientInsightsJob", jobInput("dom-0000000000000000", "", "s3://in/x"))
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")
}

func TestConcurrentJobQuota(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	for i := range warden.MaxConcurrentPatientInsightsJobs - 1 {
		call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, fmt.Sprint("t", i), "s3://in/x"))
	}
	last := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "last", "s3://in/x"))
	_, err := f.run(t, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "over", "s3://in/x"))
	wantError(t, err, warden.ELimitExceeded, "ServiceQuotaExceededException", "25 patient insights jobs")
	// A replay of a running job is not a new job.
	call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "last", "s3://in/x"))
	// A finished job frees its place.
	f.api.runJob(t.Context(), jobKey{testAccount, testRegion, d.DomainId, last.JobId})
	call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "over", "s3://in/x"))
}

// jobDomain creates a domain whose web app role has the trust policy
// trust(domainID) and the permissions policy given.
func (f *fixture) jobDomain(t *testing.T, name string, trust func(domainID string) string, permissions string) (*s.CreateDomainOutput, string) {
	t.Helper()
	role := f.role(t, name, seed(t, "connect-health--service-role-trust.json", "placeholder"), permissions)
	d := call[*s.CreateDomainOutput](t, f, f.root, "CreateDomain", &s.CreateDomainInput{Name: name,
		WebAppSetupConfiguration: &s.CreateWebAppConfiguration{EhrRole: role, IdcInstanceId: "ssoins-1", IdcRegion: testRegion}})
	if err := f.store.UpdateAssumeRolePolicy(t.Context(), testAccount, name, trust(d.DomainId)); err != nil {
		t.Fatal(err)
	}
	return d, role
}

// runToEnd starts a job and runs it in the foreground.
func (f *fixture) runToEnd(t *testing.T, d *s.CreateDomainOutput, sources ...string) *s.GetPatientInsightsJobOutput {
	t.Helper()
	started := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "", sources...))
	f.api.runJob(t.Context(), jobKey{testAccount, testRegion, d.DomainId, started.JobId})
	return call[*s.GetPatientInsightsJobOutput](t, f, f.root, "GetPatientInsightsJob", &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: started.JobId})
}

const readInWriteOut = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::clinic-in/*"},
	{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`

// A job runs as the domain's role, assumed by health-agent.amazonaws.com
// for the job: the seed's service-role trust policy, scoped to the
// domain and account, decides.
func TestPatientInsightsJobRole(t *testing.T) {
	f := newFixture(t)
	f.storage.Put("s3://clinic-in/notes.txt", []byte("patient notes"))
	trustFor := func(account string) func(string) string {
		return func(domainID string) string {
			return strings.ReplaceAll(seed(t, "connect-health--service-role-trust.json", domainID), testAccount, account)
		}
	}
	otherDomain := func(string) string { return seed(t, "connect-health--service-role-trust.json", "dom-someotherdomain0") }

	t.Run("the domain's role", func(t *testing.T) {
		d, _ := f.jobDomain(t, "right", trustFor(testAccount), readInWriteOut)
		job := f.runToEnd(t, d, "s3://clinic-in/notes.txt")
		if job.JobStatus != s.JobStatusSucceeded || job.InsightsOutput == nil || job.StatusDetails != nil {
			t.Fatalf("job = %s %v %v", job.JobStatus, job.InsightsOutput, deref(job.StatusDetails))
		}
		want := "s3://clinic-out/insights/" + job.JobId + "/patient-insights.json"
		if job.InsightsOutput.Uri != want {
			t.Errorf("output = %s; want %s", job.InsightsOutput.Uri, want)
		}
		body, ok := f.storage.Object(want)
		var doc insightsDocument
		if !ok || json.Unmarshal(body, &doc) != nil || doc.JobID != job.JobId || len(doc.Sources) != 1 || doc.Sources[0].Bytes != len("patient notes") {
			t.Errorf("output document = %s", body)
		}
		session := warden.AssumedRoleARN(testAccount, "right", "patient-insights-"+job.JobId)
		if callers := f.storage.Callers(); len(callers) < 2 || callers[len(callers)-1] != session || callers[len(callers)-2] != session {
			t.Errorf("S3 callers = %v; want the role session %s", callers, session)
		}
	})
	for _, tt := range []struct {
		name        string
		trust       func(string) string
		permissions string
		sources     []string
		details     []string
	}{
		{"a role trusting another domain", otherDomain, readInWriteOut, []string{"s3://clinic-in/notes.txt"},
			[]string{"could not assume role arn:aws:iam::" + testAccount + ":role/", "User: health-agent.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::",
				"because no resource-based policy allows the sts:AssumeRole action"}},
		{"a role trusting another account", trustFor("999988887777"), readInWriteOut, []string{"s3://clinic-in/notes.txt"},
			[]string{"sts:AssumeRole", "because no resource-based policy allows the sts:AssumeRole action"}},
		{"a role that cannot read the source", trustFor(testAccount), identityDoc(allow("arn:aws:s3:::clinic-out/*", "s3:PutObject")), []string{"s3://clinic-in/notes.txt"},
			[]string{"Could not read s3://clinic-in/notes.txt", "s3:GetObject on resource: arn:aws:s3:::clinic-in/notes.txt", "because no identity-based policy allows the s3:GetObject action"}},
		{"a role that cannot write the output", trustFor(testAccount), identityDoc(allow("arn:aws:s3:::clinic-in/*", "s3:GetObject")), []string{"s3://clinic-in/notes.txt"},
			[]string{"Could not write s3://clinic-out/insights/", "s3:PutObject", "because no identity-based policy allows the s3:PutObject action"}},
		{"a missing source", trustFor(testAccount), readInWriteOut, []string{"s3://clinic-in/absent.txt"},
			[]string{"Could not read s3://clinic-in/absent.txt: The specified key does not exist."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := f.jobDomain(t, slugOf(tt.name), tt.trust, tt.permissions)
			job := f.runToEnd(t, d, tt.sources...)
			if job.JobStatus != s.JobStatusFailed || job.InsightsOutput != nil || job.StatusDetails == nil {
				t.Fatalf("job = %s, output %v", job.JobStatus, job.InsightsOutput)
			}
			for _, part := range tt.details {
				if !strings.Contains(*job.StatusDetails, part) {
					t.Errorf("statusDetails %q lacks %q", *job.StatusDetails, part)
				}
			}
		})
	}
	t.Run("a domain without a role", func(t *testing.T) {
		job := f.runToEnd(t, f.domain(t, "no-role", nil), "s3://clinic-in/notes.txt")
		if job.JobStatus != s.JobStatusFailed || !strings.Contains(deref(job.StatusDetails), "has no role") {
			t.Errorf("job = %s: %s", job.JobStatus, deref(job.StatusDetails))
		}
	})
}

// gatedStorage holds every read until it is released, so that a test can
// see a job IN_PROGRESS.
type gatedStorage struct {
	JobStorage
	reading chan struct{}
	release chan struct{}
}

func (g *gatedStorage) GetObject(ctx context.Context, as *authz.Caller, uri string, limit int64) ([]byte, error) {
	g.reading <- struct{}{}
	<-g.release
	return g.JobStorage.GetObject(ctx, as, uri, limit)
}

// Run runs the jobs it finds in the store and those started while it
// runs: SUBMITTED, IN_PROGRESS, then SUCCEEDED.
func TestRunRunsJobs(t *testing.T) {
	f := newFixture(t)
	gate := &gatedStorage{JobStorage: f.storage, reading: make(chan struct{}), release: make(chan struct{})}
	f.api = New(f.store, f.az, Options{Roles: f.api.opts.Roles, Storage: gate, Workers: 2})
	f.storage.Put("s3://clinic-in/notes.txt", []byte("notes"))
	d, _ := f.jobDomain(t, "ehr", func(id string) string { return seed(t, "connect-health--service-role-trust.json", id) }, readInWriteOut)
	status := func(id string) s.JobStatus {
		return call[*s.GetPatientInsightsJobOutput](t, f, f.root, "GetPatientInsightsJob", &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: id}).JobStatus
	}
	before := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "", "s3://clinic-in/notes.txt"))
	if got := status(before.JobId); got != s.JobStatusSubmitted {
		t.Fatalf("before Run: %s", got)
	}
	ctx, stop := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- f.api.Run(ctx) }()
	<-gate.reading
	if got := status(before.JobId); got != s.JobStatusInProgress {
		t.Errorf("while reading: %s", got)
	}
	close(gate.release)
	waitFor(t, func() bool { return status(before.JobId) == s.JobStatusSucceeded })

	during := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "", "s3://clinic-in/notes.txt"))
	<-gate.reading
	waitFor(t, func() bool { return status(during.JobId) == s.JobStatusSucceeded })
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	unfinished, err := f.store.UnfinishedPatientInsightsJobs(t.Context())
	if err != nil || len(unfinished) != 0 {
		t.Errorf("unfinished jobs = %d, %v", len(unfinished), err)
	}
}

// A job interrupted by the end of Run stays IN_PROGRESS and runs again
// at the next Run.
func TestRunResumesInterruptedJobs(t *testing.T) {
	f := newFixture(t)
	gate := &gatedStorage{JobStorage: f.storage, reading: make(chan struct{}), release: make(chan struct{})}
	roles := f.api.opts.Roles
	f.api = New(f.store, f.az, Options{Roles: roles, Storage: gate})
	f.storage.Put("s3://clinic-in/notes.txt", []byte("notes"))
	d, _ := f.jobDomain(t, "ehr", func(id string) string { return seed(t, "connect-health--service-role-trust.json", id) }, readInWriteOut)
	job := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "", "s3://clinic-in/notes.txt"))

	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.api.Run(ctx) }()
	<-gate.reading
	stop()
	close(gate.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	get := &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: job.JobId}
	if got := call[*s.GetPatientInsightsJobOutput](t, f, f.root, "GetPatientInsightsJob", get); got.JobStatus != s.JobStatusInProgress {
		t.Fatalf("after an interrupted Run: %s", got.JobStatus)
	}

	restarted := New(f.store, f.az, Options{Roles: roles, Storage: f.storage})
	f.api = restarted
	ctx, stop = contextWithCancel(t)
	go func() { done <- restarted.Run(ctx) }()
	waitFor(t, func() bool {
		return call[*s.GetPatientInsightsJobOutput](t, f, f.root, "GetPatientInsightsJob", get).JobStatus == s.JobStatusSucceeded
	})
	stop()
	<-done
}

// A caller needs health-agent:StartPatientInsightsJob on the domain and
// on the new job's ARN, and GetPatientInsightsJob on the job's.
func TestJobAuthorization(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "clinic", nil)
	started := call[*s.StartPatientInsightsJobOutput](t, f, f.root, "StartPatientInsightsJob", jobInput(d.DomainId, "", "s3://in/x"))
	c := f.user(t, "analyst", identityDoc(allow(d.Arn, "health-agent:StartPatientInsightsJob", "health-agent:GetPatientInsightsJob"),
		allow(d.Arn+"/patient-insights-job/"+started.JobId, "health-agent:GetPatientInsightsJob")))
	call[*s.GetPatientInsightsJobOutput](t, f, c, "GetPatientInsightsJob", &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: started.JobId})
	_, err := f.run(t, c, "StartPatientInsightsJob", jobInput(d.DomainId, "", "s3://in/x"))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:StartPatientInsightsJob on resource: "+d.Arn+"/patient-insights-job/")
	// A job that does not exist is denied before it is looked for.
	_, err = f.run(t, c, "GetPatientInsightsJob", &s.GetPatientInsightsJobInput{DomainId: d.DomainId, JobId: "other"})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", d.Arn+"/patient-insights-job/other")
}
