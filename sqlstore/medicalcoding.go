package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/warden-iam/warden"
)

// Amazon Connect Health medical coding jobs, kept like patient insights
// jobs: found through their domain, which carries the account and region
// every lookup is scoped to, with the request sealed. No cached
// authorization answer depends on them.

var _ warden.MedicalCodingService = (*Store)(nil)

const codingJobColumns = `j.id, j.domain_id, d.account_id, d.region, j.client_token, j.request, j.request_digest, j.status,
	j.status_details, j.output_uri, j.created_at, j.updated_at`

// codingJobAAD binds a sealed job request to its job; the prefix differs
// from patient insights jobs', so a request cannot be moved between the
// two tables.
func codingJobAAD(jobID string) string { return "health-coding-job:" + jobID }

func (s *Store) scanCodingJob(row interface{ Scan(...any) error }) (*warden.MedicalCodingJob, error) {
	var j warden.MedicalCodingJob
	var token sql.NullString
	var sealed, digest []byte
	var status string
	var created, updated int64
	if err := row.Scan(&j.ID, &j.DomainID, &j.AccountID, &j.Region, &token, &sealed, &digest, &status,
		&j.StatusDetails, &j.OutputURI, &created, &updated); err != nil {
		return nil, err
	}
	request, err := s.keys.open(codingJobAAD(j.ID), sealed)
	if err != nil {
		return nil, fmt.Errorf("medical coding job %s: %w", j.ID, err)
	}
	if len(digest) != len(j.RequestDigest) {
		return nil, fmt.Errorf("medical coding job %s: request digest of %d bytes", j.ID, len(digest))
	}
	j.ClientToken, j.Request, j.Status = token.String, request, warden.JobStatus(status)
	copy(j.RequestDigest[:], digest)
	j.CreatedAt, j.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &j, nil
}

func codingJobNotFound(id, domainID string) error {
	return warden.Errorf(warden.ENoSuchEntity, "Medical coding job %s not found in domain %s.", id, domainID)
}

func (s *Store) codingJob(ctx context.Context, q querier, account, region, domainID, id string) (*warden.MedicalCodingJob, error) {
	j, err := s.scanCodingJob(q.QueryRowContext(ctx, `SELECT `+codingJobColumns+`
		FROM health_coding_jobs j JOIN health_domains d ON d.id = j.domain_id
		WHERE j.id = $1 AND j.domain_id = $2 AND d.account_id = $3 AND d.region = $4`, id, domainID, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, codingJobNotFound(id, domainID)
	}
	return j, err
}

func (s *Store) CreateMedicalCodingJob(ctx context.Context, in *warden.MedicalCodingJob) (*warden.MedicalCodingJob, bool, error) {
	now := s.clock()
	job := *in
	job.Status, job.StatusDetails, job.OutputURI, job.CreatedAt, job.UpdatedAt = warden.JobSubmitted, "", "", now, now
	var stored *warden.MedicalCodingJob
	err := s.changeHealth(ctx, "sqlstore.CreateMedicalCodingJob", func(tx querier) error {
		stored = nil
		d, err := s.domain(ctx, tx, job.AccountID, job.Region, job.DomainID)
		if err != nil {
			return err
		}
		if job.ClientToken != "" {
			prior, err := s.scanCodingJob(tx.QueryRowContext(ctx, `SELECT `+codingJobColumns+`
				FROM health_coding_jobs j JOIN health_domains d ON d.id = j.domain_id
				WHERE j.domain_id = $1 AND j.client_token = $2`, job.DomainID, job.ClientToken))
			switch {
			case err == nil && prior.RequestDigest == job.RequestDigest:
				stored = prior
				return nil
			case err == nil:
				return warden.Errorf(warden.EEntityAlreadyExists,
					"The client token %s was used for medical coding job %s with different parameters.", job.ClientToken, prior.ID)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if d.Status != warden.DomainActive {
			return warden.ErrDomainNotActive(d)
		}
		running, err := count(ctx, tx, `SELECT count(*) FROM health_coding_jobs WHERE domain_id = $1 AND status IN ('SUBMITTED', 'IN_PROGRESS')`, job.DomainID)
		if err != nil {
			return err
		}
		if running >= warden.MaxConcurrentMedicalCodingJobs {
			return warden.Errorf(warden.ELimitExceeded, "Domain %s already runs %d medical coding jobs, the most it may run at once.",
				job.DomainID, warden.MaxConcurrentMedicalCodingJobs)
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM health_coding_jobs WHERE id = $1`, job.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "Medical coding job %s already exists.", job.ID)
		}
		var token any
		if job.ClientToken != "" {
			token = job.ClientToken
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO health_coding_jobs (id, domain_id, client_token, request, request_digest, status,
			status_details, output_uri, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '', '', $7, $7)`,
			job.ID, job.DomainID, token, s.keys.seal(codingJobAAD(job.ID), job.Request), job.RequestDigest[:], string(job.Status), micros(now))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if stored != nil {
		return stored, false, nil
	}
	job.Request = slices.Clone(in.Request)
	return &job, true, nil
}

func (s *Store) MedicalCodingJob(ctx context.Context, account, region, domainID, id string) (*warden.MedicalCodingJob, error) {
	var j *warden.MedicalCodingJob
	err := s.view(ctx, "sqlstore.MedicalCodingJob", func(q querier) error {
		var err error
		j, err = s.codingJob(ctx, q, account, region, domainID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

func (s *Store) UpdateMedicalCodingJob(ctx context.Context, account, region, domainID, id string, u warden.JobUpdate) (*warden.MedicalCodingJob, error) {
	var j *warden.MedicalCodingJob
	err := s.changeHealth(ctx, "sqlstore.UpdateMedicalCodingJob", func(tx querier) error {
		var err error
		if j, err = s.codingJob(ctx, tx, account, region, domainID, id); err != nil {
			return err
		}
		// The moves are patient insights jobs' (jobMoves): both follow
		// the same JobStatus life.
		if !slices.Contains(jobMoves[j.Status], u.Status) {
			return warden.Errorf(warden.EValidationError, "Medical coding job %s cannot move from %s to %s.", id, j.Status, u.Status)
		}
		j.Status, j.StatusDetails, j.OutputURI, j.UpdatedAt = u.Status, u.StatusDetails, u.OutputURI, s.clock()
		_, err = tx.ExecContext(ctx, `UPDATE health_coding_jobs SET status = $1, status_details = $2, output_uri = $3, updated_at = $4
			WHERE id = $5`, string(j.Status), j.StatusDetails, j.OutputURI, micros(j.UpdatedAt), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

func (s *Store) UnfinishedMedicalCodingJobs(ctx context.Context) ([]*warden.MedicalCodingJob, error) {
	var jobs []*warden.MedicalCodingJob
	err := s.view(ctx, "sqlstore.UnfinishedMedicalCodingJobs", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+codingJobColumns+`
			FROM health_coding_jobs j JOIN health_domains d ON d.id = j.domain_id
			WHERE j.status IN ('SUBMITTED', 'IN_PROGRESS') ORDER BY j.created_at, j.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := s.scanCodingJob(rows)
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	return jobs, err
}
