package healthapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

// maxSourceBytes bounds one input document of a patient insights job.
const maxSourceBytes = 10 << 20

// outputName is the name of a job's output under its output path:
// s3OutputPath/JOB/patient-insights.json.
const outputName = "patient-insights.json"

// jobKey names a job in the store.
type jobKey struct{ account, region, domainID, id string }

func keyOf(j *warden.PatientInsightsJob) jobKey {
	return jobKey{j.AccountID, j.Region, j.DomainID, j.ID}
}

// background is the work the API does after it has answered: running
// patient insights jobs and finishing domain deletions. Everything it
// does is recorded in the store first, so Run resumes what a stopped
// server left undone.
type background struct {
	api *API

	jobs *JobQueue[jobKey]

	mu  sync.Mutex
	ctx context.Context // Run's while it runs, else nil
	wg  sync.WaitGroup  // Run's workers and deletion timers
}

func newBackground(a *API) *background {
	return &background{api: a, jobs: NewJobQueue(a.runJob)}
}

// Run runs patient insights jobs and finishes domain deletions until ctx
// is done, starting with what the store says is unfinished. Jobs
// interrupted by the end of ctx stay IN_PROGRESS and run again at the
// next Run. It returns once its work has stopped, with the error of
// reading the unfinished work, if any.
func (a *API) Run(ctx context.Context) error {
	b := a.work
	b.mu.Lock()
	b.ctx = ctx
	b.mu.Unlock()

	var errs []error
	deleting, err := a.store.DeletingDomains(ctx)
	errs = append(errs, err)
	for _, d := range deleting {
		b.finishDeletion(d)
	}
	jobs, err := a.store.UnfinishedPatientInsightsJobs(ctx)
	errs = append(errs, err)
	for _, j := range jobs {
		b.enqueue(j)
	}
	errs = append(errs, a.failInterruptedSessions(ctx))
	b.wg.Go(func() { b.jobs.Work(ctx, a.opts.Workers) })
	<-ctx.Done()
	// No new timers from here on: the store remembers what is left.
	b.mu.Lock()
	b.ctx = nil
	b.mu.Unlock()
	b.wg.Wait()
	return errors.Join(errs...)
}

// enqueue queues a job to run, once however often it is asked.
func (b *background) enqueue(j *warden.PatientInsightsJob) { b.jobs.Enqueue(keyOf(j)) }

// finishDeletion makes a DELETING domain DELETED once DeletionDelay has
// passed since DeleteDomain. Before Run starts there is nothing to do:
// Run finds the domain in the store.
func (b *background) finishDeletion(d *warden.Domain) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx := b.ctx
	if ctx == nil {
		return
	}
	a := b.api
	wait := d.DeletingAt.Add(a.opts.DeletionDelay).Sub(a.opts.Now())
	b.wg.Go(func() {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := a.store.FinishDomainDeletion(ctx, d.AccountID, d.Region, d.ID); err != nil && ctx.Err() == nil {
			a.opts.Logger.Error("healthapi: finishing a domain deletion", "domain", d.ARN(), "error", err)
		}
	})
}

// runJob runs one patient insights job to its end (RunJob).
func (a *API) runJob(ctx context.Context, k jobKey) {
	log := a.opts.Logger.With("job", warden.PatientInsightsJobARN(k.region, k.account, k.domainID, k.id))
	RunJob(ctx, log, "patient insights job", JobSteps{
		Read: func(ctx context.Context) (*warden.HealthJob, error) {
			j, err := a.store.PatientInsightsJob(ctx, k.account, k.region, k.domainID, k.id)
			return (*warden.HealthJob)(j), err
		},
		Update: func(ctx context.Context, u warden.JobUpdate) (*warden.HealthJob, error) {
			j, err := a.store.UpdatePatientInsightsJob(ctx, k.account, k.region, k.domainID, k.id, u)
			return (*warden.HealthJob)(j), err
		},
		Execute: func(ctx context.Context, j *warden.HealthJob) (string, string) {
			return a.execute(ctx, (*warden.PatientInsightsJob)(j))
		},
	})
}

// execute does a job's work as the domain's role: it assumes the role as
// health-agent.amazonaws.com for the job (aws:SourceArn is the job's ARN,
// aws:SourceAccount its account, which the role's trust policy should
// require: "The confused deputy problem", IAM User Guide), reads each S3
// source and writes the output. It returns the output's URI, or why the
// job failed.
func (a *API) execute(ctx context.Context, job *warden.PatientInsightsJob) (outputURI, failure string) {
	var req jobRequest
	if err := json.Unmarshal(job.Request, &req); err != nil {
		a.opts.Logger.Error("healthapi: reading a job request", "job", job.ARN(), "error", err)
		return "", "An internal error occurred."
	}
	caller, failure := AssumeDomainRole(ctx, a.store, a.opts.Roles, a.opts.Now(), RoleWork{
		Account: job.AccountID, Region: job.Region, DomainID: job.DomainID, SourceARN: job.ARN(),
		SessionName: "patient-insights-" + job.ID, Purpose: "read the job's inputs with",
	})
	if failure != "" {
		return "", failure
	}
	if a.opts.Storage == nil {
		return "", "Warden was started without an object store; the job cannot read its inputs."
	}
	out := insightsDocument{
		JobID: job.ID, DomainID: job.DomainID, InsightsType: string(req.InsightsContext.InsightsType),
		PatientID: req.PatientContext.PatientId, EncounterReason: req.EncounterContext.EncounterReason,
		Note: "Warden runs the job's data access as Amazon Connect Health does and records what it read; it derives no clinical insights.",
	}
	if f := req.InputDataConfig.FhirServer; f != nil {
		out.FHIREndpoint = f.FhirEndpoint
	}
	for _, src := range req.InputDataConfig.S3Sources {
		body, err := a.opts.Storage.GetObject(ctx, caller, src.Uri, maxSourceBytes)
		if err != nil {
			return "", fmt.Sprintf("Could not read %s: %s", src.Uri, DeniedWording(err, "s3:GetObject"))
		}
		sum := sha256.Sum256(body)
		out.Sources = append(out.Sources, sourceSummary{URI: src.Uri, Bytes: len(body), SHA256: hex.EncodeToString(sum[:])})
	}
	out.GeneratedAt = a.opts.Now().UTC()
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return "", "An internal error occurred."
	}
	uri := strings.TrimSuffix(req.OutputDataConfig.S3OutputPath, "/") + "/" + job.ID + "/" + outputName
	if err := a.opts.Storage.PutObject(ctx, caller, uri, "application/json", body); err != nil {
		return "", fmt.Sprintf("Could not write %s: %s", uri, DeniedWording(err, "s3:PutObject"))
	}
	return uri, ""
}

// insightsDocument is the output a job writes.
type insightsDocument struct {
	JobID           string          `json:"jobId"`
	DomainID        string          `json:"domainId"`
	InsightsType    string          `json:"insightsType"`
	PatientID       string          `json:"patientId"`
	EncounterReason string          `json:"encounterReason"`
	Sources         []sourceSummary `json:"sources"`
	FHIREndpoint    string          `json:"fhirEndpoint,omitempty"`
	GeneratedAt     time.Time       `json:"generatedAt"`
	Note            string          `json:"note"`
}

type sourceSummary struct {
	URI    string `json:"uri"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}
