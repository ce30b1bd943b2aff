package codingapi

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/restjson"
)

// jobRequest is what a medical coding job keeps of the request that
// started it: everything but its domain, which names the job, and its
// client token. StartMedicalCodingJob and GenerateMedicalCodes take the
// same request, so a client token replayed on either finds the same job.
// Its JSON encoding is deterministic (struct fields in order, no maps), so
// equal requests have equal digests.
type jobRequest struct {
	DatasetID        *string                          `json:"datasetId,omitempty"`
	Text             string                           `json:"text"`
	EncounterContext *s.MedicalCodingEncounterContext `json:"encounterContext,omitempty"`
	PatientContext   *s.MedicalCodingPatientContext   `json:"patientContext,omitempty"`
	OutputDataConfig s.OutputDataConfig               `json:"outputDataConfig"`
}

// started is what both start operations answer.
type started struct {
	id, arn string
	at      time.Time
}

func (a *API) startMedicalCodingJob(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.StartMedicalCodingJobInput) (*s.StartMedicalCodingJobOutput, error) {
	req := jobRequest{DatasetID: in.DatasetId, Text: in.Text, EncounterContext: in.EncounterContext,
		PatientContext: in.PatientContext, OutputDataConfig: in.OutputDataConfig}
	st, err := a.start(ctx, c, op, in.DomainId, deref(in.ClientToken), req)
	if err != nil {
		return nil, err
	}
	return &s.StartMedicalCodingJobOutput{JobId: st.id, JobArn: st.arn, CreationTime: new(st.at)}, nil
}

func (a *API) generateMedicalCodes(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GenerateMedicalCodesInput) (*s.GenerateMedicalCodesOutput, error) {
	req := jobRequest{DatasetID: in.DatasetId, Text: in.Text, EncounterContext: in.EncounterContext,
		PatientContext: in.PatientContext, OutputDataConfig: in.OutputDataConfig}
	st, err := a.start(ctx, c, op, in.DomainId, deref(in.ClientToken), req)
	if err != nil {
		return nil, err
	}
	return &s.GenerateMedicalCodesOutput{JobId: st.id, JobArn: st.arn, CreationTime: new(st.at)}, nil
}

// start authorizes, checks and stores a new job, or finds the one a
// replayed client token started, and queues a new one to run.
//
// StartMedicalCodingJob is authorized on the domain and the job, as the
// user guide lists its resources; GenerateMedicalCodes, a console
// permission without resource types, on "*". Either way a caller without
// permission learns nothing of whether the domain exists.
func (a *API) start(ctx context.Context, c *authz.Caller, op *restjson.Operation, domainID, token string, req jobRequest) (started, error) {
	dom, err := a.findDomain(ctx, c, domainID)
	if err != nil {
		return started{}, err
	}
	id := warden.NewJobID()
	targets := []target{{arn: "*"}}
	if op.Action != actionGenerate {
		targets = []target{dom.target, {arn: warden.MedicalCodingJobARN(c.Region, account(c), domainID, id), tags: dom.target.tags}}
	}
	if err := a.authorize(ctx, c, op.Action, targets...); err != nil {
		return started{}, err
	}
	if dom.missing != nil {
		return started{}, dom.missing
	}
	if err := a.check(c, domainID, req); err != nil {
		return started{}, err
	}
	request, err := json.Marshal(req)
	if err != nil {
		return started{}, fmt.Errorf("codingapi: encoding a job request: %w", err)
	}
	// The store answers a replayed client token with the job it started,
	// whatever the domain's status now, and a reused one with a conflict.
	job, created, err := a.store.CreateMedicalCodingJob(ctx, &warden.MedicalCodingJob{
		ID: id, DomainID: domainID, AccountID: account(c), Region: c.Region,
		ClientToken: token, Request: request, RequestDigest: sha256.Sum256(request),
	})
	if err != nil {
		return started{}, err
	}
	if created {
		a.jobs.Enqueue(keyOf(job))
	}
	return started{id: job.ID, arn: job.ARN(), at: job.CreatedAt}, nil
}

// actionGenerate is the console's permission to start a medical coding
// job.
const actionGenerate = "health-agent:GenerateMedicalCodes"

// dateLayout is the YYYY-MM-DD form of encounterDate and dateOfBirth.
const dateLayout = "2006-01-02"

// check applies what the user guide says of a request beyond the model's
// constraints: dates are real calendar dates, the encounter no later than
// tomorrow and the birth not in the future (both in UTC), and a dataset
// is an ACTIVE medical coding dataset of the domain, which Warden, having
// no dataset API, never has.
//
// Returns ValidationError.
func (a *API) check(c *authz.Caller, domainID string, req jobRequest) error {
	today := a.clock(c).UTC().Truncate(24 * time.Hour)
	if e := req.EncounterContext; e != nil && e.EncounterDate != nil {
		d, err := time.Parse(dateLayout, *e.EncounterDate)
		if err != nil {
			return warden.Errorf(warden.EValidationError, "encounterContext.encounterDate %q is not a date (YYYY-MM-DD).", *e.EncounterDate)
		}
		if d.After(today.AddDate(0, 0, 1)) {
			return warden.Errorf(warden.EValidationError, "encounterContext.encounterDate %s is later than tomorrow (UTC).", *e.EncounterDate)
		}
	}
	if p := req.PatientContext; p != nil && p.DateOfBirth != nil {
		d, err := time.Parse(dateLayout, *p.DateOfBirth)
		if err != nil {
			return warden.Errorf(warden.EValidationError, "patientContext.dateOfBirth is not a date (YYYY-MM-DD).")
		}
		if d.After(today) {
			return warden.Errorf(warden.EValidationError, "patientContext.dateOfBirth is in the future.")
		}
	}
	if req.DatasetID != nil {
		return warden.Errorf(warden.EValidationError,
			"Dataset %s is not an ACTIVE medical coding dataset of domain %s: Warden keeps no medical coding datasets.", *req.DatasetID, domainID)
	}
	return nil
}

func (a *API) getMedicalCodingJob(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetMedicalCodingJobInput) (*s.GetMedicalCodingJobOutput, error) {
	dom, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	missing := dom.missing
	var job *warden.MedicalCodingJob
	if missing == nil {
		job, err = a.store.MedicalCodingJob(ctx, account(c), c.Region, in.DomainId, in.JobId)
		switch {
		case warden.ErrorCode(err) == warden.ENoSuchEntity:
			missing = err
		case err != nil:
			return nil, err
		}
	}
	t := target{arn: warden.MedicalCodingJobARN(c.Region, account(c), in.DomainId, in.JobId), tags: dom.target.tags}
	if err := a.authorize(ctx, c, op.Action, dom.target, t); err != nil {
		return nil, err
	}
	if missing != nil {
		return nil, missing
	}
	return jobOut(job)
}

// jobOut is a job as GetMedicalCodingJob describes it.
func jobOut(job *warden.MedicalCodingJob) (*s.GetMedicalCodingJobOutput, error) {
	var req jobRequest
	if err := json.Unmarshal(job.Request, &req); err != nil {
		return nil, &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Op: "codingapi.GetMedicalCodingJob",
			Err: fmt.Errorf("job %s: %w", job.ID, err)}
	}
	out := &s.GetMedicalCodingJobOutput{
		JobId: job.ID, JobArn: job.ARN(), JobStatus: s.JobStatus(job.Status),
		CreationTime: new(job.CreatedAt), UpdatedTime: new(job.UpdatedAt),
		DatasetId: req.DatasetID, Text: req.Text, EncounterContext: req.EncounterContext,
		PatientContext: req.PatientContext, OutputDataConfig: req.OutputDataConfig,
	}
	if job.StatusDetails != "" {
		out.StatusDetails = new(job.StatusDetails)
	}
	if job.OutputURI != "" {
		out.MedicalCodingOutput = &s.MedicalCodingOutput{Uri: job.OutputURI}
	}
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
