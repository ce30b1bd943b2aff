package codingapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/healthapi"
)

// outputName is the name of a job's output under its output path:
// s3OutputPath/JOB/medical-codes.json ("Amazon Connect Health user guide",
// medical coding results).
const outputName = "medical-codes.json"

// jobKey names a job in the store.
type jobKey struct{ account, region, domainID, id string }

func keyOf(j *warden.MedicalCodingJob) jobKey {
	return jobKey{j.AccountID, j.Region, j.DomainID, j.ID}
}

// Run runs medical coding jobs until ctx is done, starting with those the
// store says are unfinished. Jobs interrupted by the end of ctx stay
// IN_PROGRESS and run again at the next Run. It returns once its work has
// stopped, with the error of reading the unfinished jobs, if any.
func (a *API) Run(ctx context.Context) error {
	jobs, err := a.store.UnfinishedMedicalCodingJobs(ctx)
	for _, j := range jobs {
		a.jobs.Enqueue(keyOf(j))
	}
	a.jobs.Work(ctx, a.opts.Workers)
	return err
}

// runJob runs one medical coding job to its end (healthapi.RunJob).
func (a *API) runJob(ctx context.Context, k jobKey) {
	log := a.opts.Logger.With("job", warden.MedicalCodingJobARN(k.region, k.account, k.domainID, k.id))
	healthapi.RunJob(ctx, log, "medical coding job", healthapi.JobSteps{
		Read: func(ctx context.Context) (*warden.HealthJob, error) {
			j, err := a.store.MedicalCodingJob(ctx, k.account, k.region, k.domainID, k.id)
			return (*warden.HealthJob)(j), err
		},
		Update: func(ctx context.Context, u warden.JobUpdate) (*warden.HealthJob, error) {
			j, err := a.store.UpdateMedicalCodingJob(ctx, k.account, k.region, k.domainID, k.id, u)
			return (*warden.HealthJob)(j), err
		},
		Execute: func(ctx context.Context, j *warden.HealthJob) (string, string) {
			return a.execute(ctx, (*warden.MedicalCodingJob)(j))
		},
	})
}

// execute does a job's work as the domain's role: it assumes the role as
// health-agent.amazonaws.com for the job (aws:SourceArn is the job's ARN,
// aws:SourceAccount its account, which the role's trust policy should
// require: "The confused deputy problem", IAM User Guide) and writes the
// output as the role session. It returns the output's URI, or why the job
// failed, naming the action, the resource and the reason of a denial.
func (a *API) execute(ctx context.Context, job *warden.MedicalCodingJob) (outputURI, failure string) {
	var req jobRequest
	if err := json.Unmarshal(job.Request, &req); err != nil {
		a.opts.Logger.Error("codingapi: reading a job request", "job", job.ARN(), "error", err)
		return "", "An internal error occurred."
	}
	caller, failure := healthapi.AssumeDomainRole(ctx, a.store, a.opts.Roles, a.opts.Now(), healthapi.RoleWork{
		Account: job.AccountID, Region: job.Region, DomainID: job.DomainID, SourceARN: job.ARN(),
		SessionName: "medical-coding-" + job.ID, Purpose: "write the job's output with",
	})
	if failure != "" {
		return "", failure
	}
	if a.opts.Storage == nil {
		return "", "Warden was started without an object store; the job cannot write its output."
	}
	body, err := json.MarshalIndent(codesDocument(job, req, a.opts.Now().UTC()), "", "  ")
	if err != nil {
		return "", "An internal error occurred."
	}
	uri := strings.TrimSuffix(req.OutputDataConfig.S3OutputPath, "/") + "/" + job.ID + "/" + outputName
	if err := a.opts.Storage.PutObject(ctx, caller, uri, "application/json", body); err != nil {
		return "", fmt.Sprintf("Could not write %s: %s", uri, healthapi.DeniedWording(err, "s3:PutObject"))
	}
	return uri, ""
}

// emulatorNote is what a job's output says in place of medical codes.
const emulatorNote = "Warden emulates Amazon Connect Health medical coding jobs: it runs the job as the service does " +
	"(assuming the domain's role and writing this file as that role) and records what the job read. " +
	"It runs no coding model, so this document holds no ICD-10-CM or CPT codes."

// codesOutput is the document a job writes: what it read, and no codes.
type codesOutput struct {
	JobID       string     `json:"jobId"`
	JobArn      string     `json:"jobArn"`
	DomainID    string     `json:"domainId"`
	Emulator    string     `json:"emulator"`
	Note        string     `json:"note"`
	Read        readRecord `json:"read"`
	GeneratedAt time.Time  `json:"generatedAt"`
}

// readRecord is the job's input as the output lists it. The clinical note
// is described rather than repeated: its size and digest identify it.
type readRecord struct {
	Text             textSummary                      `json:"text"`
	DatasetID        *string                          `json:"datasetId,omitempty"`
	EncounterContext *s.MedicalCodingEncounterContext `json:"encounterContext,omitempty"`
	PatientContext   *s.MedicalCodingPatientContext   `json:"patientContext,omitempty"`
}

type textSummary struct {
	Characters int    `json:"characters"`
	Bytes      int    `json:"bytes"`
	SHA256     string `json:"sha256"`
}

func codesDocument(job *warden.MedicalCodingJob, req jobRequest, now time.Time) codesOutput {
	sum := sha256.Sum256([]byte(req.Text))
	return codesOutput{
		JobID: job.ID, JobArn: job.ARN(), DomainID: job.DomainID,
		Emulator: "Warden", Note: emulatorNote,
		Read: readRecord{
			Text:      textSummary{Characters: utf8.RuneCountInString(req.Text), Bytes: len(req.Text), SHA256: hex.EncodeToString(sum[:])},
			DatasetID: req.DatasetID, EncounterContext: req.EncounterContext, PatientContext: req.PatientContext,
		},
		GeneratedAt: now,
	}
}
