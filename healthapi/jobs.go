package healthapi

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// jobRequest is what a patient insights job keeps of the request that
// started it: everything but its domain, which names the job, and its
// client token. Its JSON encoding is deterministic (struct fields in
// order, no maps), so equal requests have equal digests.
type jobRequest struct {
	PatientContext   s.PatientInsightsPatientContext   `json:"patientContext"`
	InsightsContext  s.InsightsContext                 `json:"insightsContext"`
	EncounterContext s.PatientInsightsEncounterContext `json:"encounterContext"`
	UserContext      s.UserContext                     `json:"userContext"`
	InputDataConfig  s.InputDataConfig                 `json:"inputDataConfig"`
	OutputDataConfig s.OutputDataConfig                `json:"outputDataConfig"`
}

func (a *API) startPatientInsightsJob(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.StartPatientInsightsJobInput) (*s.StartPatientInsightsJobOutput, error) {
	dom, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	id := warden.NewJobID()
	job := target{arn: warden.PatientInsightsJobARN(c.Region, account(c), in.DomainId, id), tags: dom.target.tags}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, dom.target, job); err != nil {
		return nil, err
	}
	if dom.missing != nil {
		return nil, dom.missing
	}
	if in.InputDataConfig.FhirServer == nil && len(in.InputDataConfig.S3Sources) == 0 {
		return nil, warden.Errorf(warden.EValidationError, "inputDataConfig must name a FHIR server or at least one S3 source.")
	}
	request, err := json.Marshal(jobRequest{
		PatientContext: in.PatientContext, InsightsContext: in.InsightsContext, EncounterContext: in.EncounterContext,
		UserContext: in.UserContext, InputDataConfig: in.InputDataConfig, OutputDataConfig: in.OutputDataConfig,
	})
	if err != nil {
		return nil, fmt.Errorf("healthapi: encoding a job request: %w", err)
	}
	// The store answers a replayed client token with the job it started,
	// whatever the domain's status now, and a reused one with a conflict.
	started, created, err := a.store.CreatePatientInsightsJob(ctx, &warden.PatientInsightsJob{
		ID: id, DomainID: in.DomainId, AccountID: account(c), Region: c.Region,
		ClientToken: deref(in.ClientToken), Request: request, RequestDigest: sha256.Sum256(request),
	})
	if err != nil {
		return nil, err
	}
	if created {
		a.work.enqueue(started)
	}
	return &s.StartPatientInsightsJobOutput{JobArn: started.ARN(), JobId: started.ID, CreationTime: new(started.CreatedAt)}, nil
}

func (a *API) getPatientInsightsJob(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetPatientInsightsJobInput) (*s.GetPatientInsightsJobOutput, error) {
	dom, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	missing := dom.missing
	var job *warden.PatientInsightsJob
	if missing == nil {
		job, err = a.store.PatientInsightsJob(ctx, account(c), c.Region, in.DomainId, in.JobId)
		switch {
		case warden.ErrorCode(err) == warden.ENoSuchEntity:
			missing = err
		case err != nil:
			return nil, err
		}
	}
	t := target{arn: warden.PatientInsightsJobARN(c.Region, account(c), in.DomainId, in.JobId), tags: dom.target.tags}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, dom.target, t); err != nil {
		return nil, err
	}
	if missing != nil {
		return nil, missing
	}
	return jobOut(job)
}

// jobOut is a job as GetPatientInsightsJob describes it. A FHIR server's
// OAuth token is a credential the caller gave; it is used, never shown.
func jobOut(job *warden.PatientInsightsJob) (*s.GetPatientInsightsJobOutput, error) {
	var req jobRequest
	if err := json.Unmarshal(job.Request, &req); err != nil {
		return nil, &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Op: "healthapi.GetPatientInsightsJob",
			Err: fmt.Errorf("job %s: %w", job.ID, err)}
	}
	if f := req.InputDataConfig.FhirServer; f != nil {
		f.OauthToken = nil
	}
	out := &s.GetPatientInsightsJobOutput{
		JobId: job.ID, JobArn: job.ARN(), JobStatus: s.JobStatus(job.Status),
		CreationTime: new(job.CreatedAt), UpdatedTime: new(job.UpdatedAt),
		PatientContext: req.PatientContext, InsightsContext: req.InsightsContext, EncounterContext: req.EncounterContext,
		UserContext: req.UserContext, InputDataConfig: req.InputDataConfig, OutputDataConfig: req.OutputDataConfig,
	}
	if job.StatusDetails != "" {
		out.StatusDetails = new(job.StatusDetails)
	}
	if job.OutputURI != "" {
		out.InsightsOutput = &s.InsightsOutput{Uri: job.OutputURI}
	}
	return out, nil
}
