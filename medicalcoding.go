package warden

import "context"

// Amazon Connect Health medical coding jobs (preview): asynchronous jobs of
// a domain that turn a clinical note into medical codes, written to S3.
// They are named like patient insights jobs, under their domain ("Amazon
// Connect Health user guide", medical coding):
//
//	arn:aws:health-agent:REGION:ACCOUNT:domain/DOMAIN/medical-coding-job/JOB
//
// A job moves through the same JobStatus values as a patient insights
// job: SUBMITTED, IN_PROGRESS, then SUCCEEDED or FAILED.

// MaxConcurrentMedicalCodingJobs bounds the jobs of a domain that are
// SUBMITTED or IN_PROGRESS. AWS documents no such quota for the preview;
// Warden applies the patient insights one.
const MaxConcurrentMedicalCodingJobs = 25

// MedicalCodingJob is an asynchronous medical coding job of a domain.
type MedicalCodingJob HealthJob

// ARN returns the job's ARN.
func (j *MedicalCodingJob) ARN() string {
	return MedicalCodingJobARN(j.Region, j.AccountID, j.DomainID, j.ID)
}

// MedicalCodingJobARN returns the ARN of a medical coding job of a domain.
func MedicalCodingJobARN(region, account, domainID, jobID string) string {
	return DomainARN(region, account, domainID) + "/medical-coding-job/" + jobID
}

// MedicalCodingService keeps Connect Health's medical coding jobs. Every
// lookup is scoped to an account and a region through the job's domain: a
// job of another account or region is not found. It does not authorize.
type MedicalCodingService interface {
	// CreateMedicalCodingJob stores a new SUBMITTED job of an ACTIVE
	// domain. When the domain already has a job with the same client token
	// and request digest, that job is returned with created false and
	// nothing is stored.
	//
	// Returns NoSuchEntity for the domain, ValidationError when it is not
	// ACTIVE, EntityAlreadyExists when the client token belongs to a job
	// with another request, and LimitExceeded when the domain already has
	// MaxConcurrentMedicalCodingJobs jobs SUBMITTED or IN_PROGRESS.
	CreateMedicalCodingJob(ctx context.Context, job *MedicalCodingJob) (stored *MedicalCodingJob, created bool, err error)

	// MedicalCodingJob returns a job of a domain with its request.
	//
	// Returns NoSuchEntity.
	MedicalCodingJob(ctx context.Context, account, region, domainID, id string) (*MedicalCodingJob, error)

	// UpdateMedicalCodingJob moves a job on: SUBMITTED to IN_PROGRESS or
	// FAILED, IN_PROGRESS to SUCCEEDED or FAILED (or IN_PROGRESS again,
	// when a restart runs it anew).
	//
	// Returns NoSuchEntity, and ValidationError for any other move.
	UpdateMedicalCodingJob(ctx context.Context, account, region, domainID, id string, u JobUpdate) (*MedicalCodingJob, error)

	// UnfinishedMedicalCodingJobs returns every job, of any account and
	// region, that is SUBMITTED or IN_PROGRESS, oldest first: the work left
	// to do after a restart.
	UnfinishedMedicalCodingJobs(ctx context.Context) ([]*MedicalCodingJob, error)
}
