package sqlstore

import (
	"context"

	"github.com/warden-iam/warden"
)

// Amazon Connect Health medical coding jobs, kept like patient insights
// jobs (healthjobs.go).

var _ warden.MedicalCodingService = (*Store)(nil)

func (s *Store) CreateMedicalCodingJob(ctx context.Context, in *warden.MedicalCodingJob) (*warden.MedicalCodingJob, bool, error) {
	j, created, err := s.createJob(ctx, codingJobs, "sqlstore.CreateMedicalCodingJob", (*warden.HealthJob)(in))
	return (*warden.MedicalCodingJob)(j), created, err
}

func (s *Store) MedicalCodingJob(ctx context.Context, account, region, domainID, id string) (*warden.MedicalCodingJob, error) {
	j, err := s.readJob(ctx, codingJobs, "sqlstore.MedicalCodingJob", account, region, domainID, id)
	return (*warden.MedicalCodingJob)(j), err
}

func (s *Store) UpdateMedicalCodingJob(ctx context.Context, account, region, domainID, id string, u warden.JobUpdate) (*warden.MedicalCodingJob, error) {
	j, err := s.updateJob(ctx, codingJobs, "sqlstore.UpdateMedicalCodingJob", account, region, domainID, id, u)
	return (*warden.MedicalCodingJob)(j), err
}

func (s *Store) UnfinishedMedicalCodingJobs(ctx context.Context) ([]*warden.MedicalCodingJob, error) {
	jobs, err := s.unfinishedJobs(ctx, codingJobs, "sqlstore.UnfinishedMedicalCodingJobs")
	out := make([]*warden.MedicalCodingJob, len(jobs))
	for i, j := range jobs {
		out[i] = (*warden.MedicalCodingJob)(j)
	}
	return out, err
}
