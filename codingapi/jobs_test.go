package codingapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/restjson"
)

var jobARNRE = regexp.MustCompile(`^arn:aws[-a-z]*:health-agent:[-a-z0-9]+:[0-9]{12}:domain/[-a-zA-Z0-9-]+/medical-coding-job/[-a-zA-Z0-9_/.]+$`)

func TestStartMedicalCodingJob(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "")
	in := startInput(d.ID, "token-1")
	started := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", in)
	if !jobARNRE.MatchString(started.JobArn) || started.JobArn != d.ARN()+"/medical-coding-job/"+started.JobId || started.CreationTime == nil {
		t.Fatalf("StartMedicalCodingJob = %+v", started)
	}
	got := f.get(t, d.ID, started.JobId)
	if got.JobStatus != s.JobStatusSubmitted || got.Text != in.Text || *got.EncounterContext.EncounterDate != "2026-01-15" ||
		*got.EncounterContext.EncounterDurationMinutes != 20 || *got.PatientContext.Sex != s.SexFemale ||
		got.OutputDataConfig.S3OutputPath != "s3://clinic-out/codes/" || got.MedicalCodingOutput != nil || got.StatusDetails != nil ||
		got.DatasetId != nil || !got.CreationTime.Equal(*started.CreationTime) || got.JobArn != started.JobArn {
		t.Errorf("GetMedicalCodingJob = %+v", got)
	}

	// The same client token and request start nothing new, from either
	// operation; another request with the token conflicts.
	replay := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", in)
	if replay.JobId != started.JobId || !replay.CreationTime.Equal(*started.CreationTime) {
		t.Errorf("replay = %+v; want job %s", replay, started.JobId)
	}
	console := call[*s.GenerateMedicalCodesOutput](t, f, f.root, "GenerateMedicalCodes", (*s.GenerateMedicalCodesInput)(in))
	if console.JobId != started.JobId {
		t.Errorf("GenerateMedicalCodes with the same token = %+v; want job %s", console, started.JobId)
	}
	changed := *in
	changed.Text = "Another note."
	_, err := f.run(t, f.root, "StartMedicalCodingJob", &changed)
	wantError(t, err, warden.EEntityAlreadyExists, "ConflictException", "token-1", started.JobId)
	if status := s.Service.Status(warden.ErrorCode(err)); status != 409 {
		t.Errorf("status = %d; want 409", status)
	}
	// Without a token every request is a new job.
	a := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, ""))
	b := call[*s.GenerateMedicalCodesOutput](t, f, f.root, "GenerateMedicalCodes", (*s.GenerateMedicalCodesInput)(startInput(d.ID, "")))
	if a.JobId == b.JobId || a.JobId == started.JobId {
		t.Errorf("jobs without a token: %s, %s", a.JobId, b.JobId)
	}

	_, err = f.run(t, f.root, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: d.ID, JobId: "no-such-job"})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "no-such-job")
	_, err = f.run(t, f.root, "StartMedicalCodingJob", startInput("dom-0000000000000000", ""))
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "dom-0000000000000000")
	_, err = f.run(t, f.root, "GenerateMedicalCodes", (*s.GenerateMedicalCodesInput)(startInput("dom-0000000000000000", "")))
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException", "dom-0000000000000000")
	// A job of another region is not found.
	west := *f.root
	west.Region = "us-west-2"
	_, err = f.run(t, &west, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: d.ID, JobId: started.JobId})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")

	// A deleted domain takes no new jobs.
	if _, err := f.store.DeleteDomain(t.Context(), testAccount, testRegion, d.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.run(t, f.root, "StartMedicalCodingJob", startInput(d.ID, "token-2"))
	wantError(t, err, warden.EValidationError, "ValidationException")
}

func TestConcurrentJobQuota(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "")
	for i := range warden.MaxConcurrentMedicalCodingJobs {
		call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, fmt.Sprint("t", i)))
	}
	_, err := f.run(t, f.root, "StartMedicalCodingJob", startInput(d.ID, "over"))
	wantError(t, err, warden.ELimitExceeded, "ServiceQuotaExceededException", "25 medical coding jobs")
	if status := s.Service.Status(warden.ErrorCode(err)); status != 402 {
		t.Errorf("status = %d; want 402", status)
	}
}

// The model's constraints answer ValidationException before a handler
// runs; what the user guide adds (real dates, no future births, datasets)
// the handler checks.
func TestValidation(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "")
	path := "/domain/" + d.ID + "/medical-coding-job"
	body := func(members string) string {
		return `{"text":"note","outputDataConfig":{"s3OutputPath":"s3://clinic-out/codes/"}` + members + `}`
	}
	for _, tt := range []struct {
		name, path, body string
		want             string // a part of the ValidationException's message; "" for none
	}{
		{"minimal", path, body(""), ""},
		{"no text", path, `{"outputDataConfig":{"s3OutputPath":"s3://clinic-out/x"}}`, "text"},
		{"blank text", path, `{"text":"  ","outputDataConfig":{"s3OutputPath":"s3://clinic-out/x"}}`, "text"},
		{"text too long", path, `{"text":"` + strings.Repeat("a", 100001) + `","outputDataConfig":{"s3OutputPath":"s3://clinic-out/x"}}`, "text"},
		{"longest text", path, `{"text":"` + strings.Repeat("é", 100000) + `","outputDataConfig":{"s3OutputPath":"s3://clinic-out/x"}}`, ""},
		{"no output", path, `{"text":"note"}`, "outputDataConfig"},
		{"output not S3", path, `{"text":"note","outputDataConfig":{"s3OutputPath":"https://clinic-out/x"}}`, "s3OutputPath"},
		{"duration zero", path, body(`,"encounterContext":{"encounterDurationMinutes":0}`), "encounterDurationMinutes"},
		{"duration over a day", path, body(`,"encounterContext":{"encounterDurationMinutes":1441}`), "encounterDurationMinutes"},
		{"reason with symbols", path, body(`,"encounterContext":{"encounterReason":"pain; fever"}`), "encounterReason"},
		{"reason too long", path, body(`,"encounterContext":{"encounterReason":"` + strings.Repeat("a", 257) + `"}`), "encounterReason"},
		{"unknown encounter type", path, body(`,"encounterContext":{"encounterType":"HOME"}`), "encounterType"},
		{"date not YYYY-MM-DD", path, body(`,"encounterContext":{"encounterDate":"15/01/2026"}`), "encounterDate"},
		{"unknown sex", path, body(`,"patientContext":{"sex":"OTHER"}`), "sex"},
		{"unknown status", path, body(`,"patientContext":{"status":"RETURNING"}`), "status"},
		{"empty insurance", path, body(`,"patientContext":{"insurance":""}`), "insurance"},
		{"long client token", path, body(`,"clientToken":"` + strings.Repeat("t", 65) + `"`), "clientToken"},
		{"bad domain", "/domain/nope/medical-coding-job", body(""), "domainId"},
		{"job id too long", "/domain/" + d.ID + "/medical-coding-job/" + strings.Repeat("j", 37), "", "jobId"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			method := "POST"
			if tt.body == "" {
				method = "GET"
			}
			_, _, err := decode(t, method, tt.path, tt.body)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				return
			}
			wantError(t, err, warden.EValidationError, "ValidationException", tt.want)
		})
	}

	// The clinical note is sensitive: a violation does not quote it.
	_, _, err := decode(t, "POST", path, `{"text":"`+strings.Repeat("secret ", 20000)+`","outputDataConfig":{"s3OutputPath":"s3://clinic-out/x"}}`)
	if err == nil || strings.Contains(warden.ErrorMessage(err), "secret") {
		t.Errorf("a note too long = %v", err)
	}

	f.now = time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		change func(in *s.StartMedicalCodingJobInput)
		want   string
	}{
		{"encounter tomorrow", func(in *s.StartMedicalCodingJobInput) { in.EncounterContext.EncounterDate = new("2026-03-11") }, ""},
		{"encounter after tomorrow", func(in *s.StartMedicalCodingJobInput) { in.EncounterContext.EncounterDate = new("2026-03-12") }, "encounterDate 2026-03-12 is later than tomorrow"},
		{"no such day", func(in *s.StartMedicalCodingJobInput) { in.EncounterContext.EncounterDate = new("2026-02-30") }, "is not a date"},
		{"born today", func(in *s.StartMedicalCodingJobInput) { in.PatientContext.DateOfBirth = new("2026-03-10") }, ""},
		{"born tomorrow", func(in *s.StartMedicalCodingJobInput) { in.PatientContext.DateOfBirth = new("2026-03-11") }, "dateOfBirth is in the future"},
		{"born on no day", func(in *s.StartMedicalCodingJobInput) { in.PatientContext.DateOfBirth = new("1970-13-01") }, "dateOfBirth is not a date"},
		{"a dataset", func(in *s.StartMedicalCodingJobInput) { in.DatasetId = new("ds-1") }, "Dataset ds-1 is not an ACTIVE medical coding dataset of domain " + d.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := startInput(d.ID, "")
			tt.change(in)
			_, err := f.run(t, f.root, "StartMedicalCodingJob", in)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("StartMedicalCodingJob: %v", err)
				}
				return
			}
			wantError(t, err, warden.EValidationError, "ValidationException", tt.want)
		})
	}
}

// Start and Get are authorized on the domain and the job, GenerateMedicalCodes
// on "*"; a caller without permission learns nothing of what exists.
func TestAuthorization(t *testing.T) {
	f := newFixture(t)
	d := f.domain(t, "")
	job := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, ""))
	jobs := d.ARN() + "/medical-coding-job/*"
	get := &s.GetMedicalCodingJobInput{DomainId: d.ID, JobId: job.JobId}
	missing := "dom-0000000000000000"
	gen := func(domainID string) *s.GenerateMedicalCodesInput {
		return (*s.GenerateMedicalCodesInput)(startInput(domainID, ""))
	}

	nobody := f.user(t, "nobody", "")
	for _, tt := range []struct {
		op       string
		in       restjson.Input
		resource string
	}{
		{"StartMedicalCodingJob", startInput(d.ID, ""), d.ARN()},
		{"StartMedicalCodingJob", startInput(missing, ""), "domain/" + missing},
		{"GetMedicalCodingJob", get, d.ARN()},
		{"GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: d.ID, JobId: "no-such-job"}, d.ARN()},
		{"GenerateMedicalCodes", gen(d.ID), "on resource: *"},
		{"GenerateMedicalCodes", gen(missing), "on resource: *"},
	} {
		_, err := f.run(t, nobody, tt.op, tt.in)
		wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:"+tt.op, tt.resource)
		if status := s.Service.Status(warden.ErrorCode(err)); status != 401 {
			t.Errorf("status = %d; want 401", status)
		}
	}

	// The domain alone is not enough: the job is a resource of its own.
	domainOnly := f.user(t, "domain-only", identityDoc(allow(d.ARN(), "health-agent:StartMedicalCodingJob", "health-agent:GetMedicalCodingJob")))
	_, err := f.run(t, domainOnly, "StartMedicalCodingJob", startInput(d.ID, ""))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:StartMedicalCodingJob on resource: "+d.ARN()+"/medical-coding-job/")
	_, err = f.run(t, domainOnly, "GetMedicalCodingJob", get)
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "on resource: "+d.ARN()+"/medical-coding-job/"+job.JobId)

	// The user guide's policy: the domain and its medical coding jobs.
	coder := f.user(t, "coder", identityDoc(`{"Effect":"Allow","Action":["health-agent:StartMedicalCodingJob","health-agent:GetMedicalCodingJob"],
		"Resource":["`+d.ARN()+`","`+jobs+`"]}`))
	mine := call[*s.StartMedicalCodingJobOutput](t, f, coder, "StartMedicalCodingJob", startInput(d.ID, ""))
	call[*s.GetMedicalCodingJobOutput](t, f, coder, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: d.ID, JobId: mine.JobId})
	_, err = f.run(t, coder, "GenerateMedicalCodes", gen(d.ID))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GenerateMedicalCodes on resource: *")
	// Once allowed, a job that does not exist is not found.
	_, err = f.run(t, coder, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: d.ID, JobId: "no-such-job"})
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")

	// The seed's full-access console policy grants GenerateMedicalCodes on
	// "*", and neither Start nor Get.
	console := f.user(t, "console", seed(t, "connect-health--full-access-console.json", d.ID))
	call[*s.GenerateMedicalCodesOutput](t, f, console, "GenerateMedicalCodes", gen(d.ID))
	_, err = f.run(t, console, "GenerateMedicalCodes", gen(missing))
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")
	_, err = f.run(t, console, "StartMedicalCodingJob", startInput(d.ID, ""))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:StartMedicalCodingJob")

	// An explicit deny on the jobs wins over an allow on everything.
	denied := f.user(t, "denied", identityDoc(allow("*", "health-agent:*"),
		`{"Effect":"Deny","Action":"health-agent:GetMedicalCodingJob","Resource":"`+jobs+`"}`))
	_, err = f.run(t, denied, "GetMedicalCodingJob", get)
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "with an explicit deny in an identity-based policy")
}

// A job is seen with its domain's tags: a policy conditioned on
// aws:ResourceTag reaches the jobs of the domains it names and no others.
func TestABACOnDomainTags(t *testing.T) {
	f := newFixture(t)
	cardio := f.domain(t, "", warden.Tag{Key: "Department", Value: "cardiology"})
	onco := f.domain(t, "", warden.Tag{Key: "Department", Value: "oncology"})
	alice := f.user(t, "alice", identityDoc(`{"Effect":"Allow","Action":["health-agent:StartMedicalCodingJob","health-agent:GetMedicalCodingJob"],
		"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Department":"cardiology"}}}`))

	mine := call[*s.StartMedicalCodingJobOutput](t, f, alice, "StartMedicalCodingJob", startInput(cardio.ID, ""))
	call[*s.GetMedicalCodingJobOutput](t, f, alice, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: cardio.ID, JobId: mine.JobId})
	_, err := f.run(t, alice, "StartMedicalCodingJob", startInput(onco.ID, ""))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:StartMedicalCodingJob on resource: "+onco.ARN())
	theirs := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(onco.ID, ""))
	_, err = f.run(t, alice, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: onco.ID, JobId: theirs.JobId})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GetMedicalCodingJob")

	// Retagging the domain moves its jobs out of reach.
	if err := f.store.TagDomain(t.Context(), testAccount, testRegion, cardio.ID, []warden.Tag{{Key: "Department", Value: "oncology"}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.run(t, alice, "GetMedicalCodingJob", &s.GetMedicalCodingJobInput{DomainId: cardio.ID, JobId: mine.JobId})
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:GetMedicalCodingJob")
}

// startAndRun starts a job as the root user and runs it in the foreground.
func (f *fixture) startAndRun(t *testing.T, d *warden.Domain) *s.GetMedicalCodingJobOutput {
	t.Helper()
	started := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, ""))
	f.api.runJob(t.Context(), jobKey{testAccount, testRegion, d.ID, started.JobId})
	return f.get(t, d.ID, started.JobId)
}

const writeOut = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-out/*"}]}`

// A job runs as the domain's role, assumed by health-agent.amazonaws.com
// for the job under the seed's service-role trust policy, and writes its
// output as that role; every refusal fails the job saying which action on
// which resource was denied and why.
func TestJobRunsAsTheDomainsRole(t *testing.T) {
	f := newFixture(t)

	t.Run("succeeds", func(t *testing.T) {
		// The trust policy names the domain, which needs the role first:
		// create the domain, then trust it.
		role := f.role(t, "coding", "dom-placeholder0000", writeOut)
		d := f.domain(t, role)
		if err := f.store.UpdateAssumeRolePolicy(t.Context(), testAccount, "coding", seed(t, "connect-health--service-role-trust.json", d.ID)); err != nil {
			t.Fatal(err)
		}
		job := f.startAndRun(t, d)
		want := "s3://clinic-out/codes/" + job.JobId + "/medical-codes.json"
		if job.JobStatus != s.JobStatusSucceeded || job.MedicalCodingOutput == nil || job.MedicalCodingOutput.Uri != want || job.StatusDetails != nil {
			t.Fatalf("job = %s %+v %v", job.JobStatus, job.MedicalCodingOutput, deref(job.StatusDetails))
		}
		if !job.UpdatedTime.After(*job.CreationTime) && !job.UpdatedTime.Equal(*job.CreationTime) {
			t.Errorf("updatedTime %v before creationTime %v", job.UpdatedTime, job.CreationTime)
		}
		body, ok := f.storage.Object(want)
		if !ok {
			t.Fatalf("no output at %s", want)
		}
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("output %s: %v", body, err)
		}
		read, _ := out["read"].(map[string]any)
		text, _ := read["text"].(map[string]any)
		if out["jobId"] != job.JobId || out["emulator"] != "Warden" || !strings.Contains(out["note"].(string), "runs no coding model") ||
			text["characters"] != float64(len(startInput("", "").Text)) || text["sha256"] == "" || read["patientContext"] == nil {
			t.Errorf("output = %s", body)
		}
		for _, k := range []string{"codes", "medicalCodes", "icd10", "cpt"} {
			if _, ok := out[k]; ok {
				t.Errorf("the output has %q:\n%s", k, body)
			}
		}
		if strings.Contains(string(body), "hypertension") {
			t.Error("the output repeats the clinical note")
		}
		callers := f.storage.Callers()
		if len(callers) == 0 || callers[len(callers)-1] != "arn:aws:sts::"+testAccount+":assumed-role/coding/medical-coding-"+job.JobId {
			t.Errorf("callers = %v; want the role session", callers)
		}
	})

	t.Run("trusted for another domain", func(t *testing.T) {
		role := f.role(t, "elsewhere", "dom-someotherdomain0", writeOut)
		job := f.startAndRun(t, f.domain(t, role))
		details := deref(job.StatusDetails)
		if job.JobStatus != s.JobStatusFailed || job.MedicalCodingOutput != nil ||
			!strings.Contains(details, "could not assume role "+role) || !strings.Contains(details, "sts:AssumeRole") ||
			!strings.Contains(details, "health-agent.amazonaws.com") {
			t.Fatalf("job = %s %q", job.JobStatus, details)
		}
	})

	t.Run("may not write the output", func(t *testing.T) {
		role := f.role(t, "readonly", "dom-placeholder0000", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
		d := f.domain(t, role)
		if err := f.store.UpdateAssumeRolePolicy(t.Context(), testAccount, "readonly", seed(t, "connect-health--service-role-trust.json", d.ID)); err != nil {
			t.Fatal(err)
		}
		job := f.startAndRun(t, d)
		details := deref(job.StatusDetails)
		uri := "s3://clinic-out/codes/" + job.JobId + "/medical-codes.json"
		if job.JobStatus != s.JobStatusFailed || !strings.Contains(details, "Could not write "+uri) || !strings.Contains(details, "s3:PutObject") ||
			!strings.Contains(details, "arn:aws:s3:::clinic-out/codes/"+job.JobId+"/medical-codes.json") ||
			!strings.Contains(details, "because no identity-based policy allows the s3:PutObject action") {
			t.Fatalf("job = %s %q", job.JobStatus, details)
		}
		if _, ok := f.storage.Object(uri); ok {
			t.Error("a failed job wrote its output")
		}
	})

	t.Run("a domain without a role", func(t *testing.T) {
		job := f.startAndRun(t, f.domain(t, ""))
		if job.JobStatus != s.JobStatusFailed || !strings.Contains(deref(job.StatusDetails), "webAppSetupConfiguration.ehrRole") {
			t.Fatalf("job = %s %q", job.JobStatus, deref(job.StatusDetails))
		}
	})
}

// Run runs what the store says is unfinished, a job left IN_PROGRESS by a
// stopped server included, and what is started while it runs.
func TestRunResumesUnfinishedJobs(t *testing.T) {
	f := newFixture(t)
	role := f.role(t, "coding", "dom-placeholder0000", writeOut)
	d := f.domain(t, role)
	if err := f.store.UpdateAssumeRolePolicy(t.Context(), testAccount, "coding", seed(t, "connect-health--service-role-trust.json", d.ID)); err != nil {
		t.Fatal(err)
	}
	waiting := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, ""))
	interrupted := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, ""))
	if _, err := f.store.UpdateMedicalCodingJob(t.Context(), testAccount, testRegion, d.ID, interrupted.JobId, warden.JobUpdate{Status: warden.JobInProgress}); err != nil {
		t.Fatal(err)
	}

	// A new API, as after a restart, over the same store.
	api := New(f.store, f.az, Options{Roles: f.api.opts.Roles, Storage: f.storage, Workers: 2})
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- api.Run(ctx) }()
	f.api = api
	later := call[*s.StartMedicalCodingJobOutput](t, f, f.root, "StartMedicalCodingJob", startInput(d.ID, ""))
	for _, id := range []string{waiting.JobId, interrupted.JobId, later.JobId} {
		waitFor(t, func() bool { return f.get(t, d.ID, id).JobStatus == s.JobStatusSucceeded })
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
}
