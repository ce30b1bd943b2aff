package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/warden-iam/warden"
)

// Connect Health's asynchronous jobs, patient insights and medical coding,
// each in a table of its own with the same columns: found through their
// domain, which carries the account and region every lookup is scoped to,
// with the request sealed. No cached authorization answer depends on them.

// jobKind is one table of jobs and how its jobs are named.
type jobKind struct {
	table string
	// aad prefixes a job's ID to bind its sealed request to the job and to
	// the table: a request cannot be moved to another job or kind.
	aad string
	// noun and plural name the kind in messages.
	noun, plural string
	// max bounds a domain's jobs that are SUBMITTED or IN_PROGRESS.
	max int
}

var (
	insightsJobs = jobKind{table: "health_insights_jobs", aad: "health-insights-job:",
		noun: "patient insights job", plural: "patient insights jobs", max: warden.MaxConcurrentPatientInsightsJobs}
	codingJobs = jobKind{table: "health_coding_jobs", aad: "health-coding-job:",
		noun: "medical coding job", plural: "medical coding jobs", max: warden.MaxConcurrentMedicalCodingJobs}
)

const jobColumns = `j.id, j.domain_id, d.account_id, d.region, j.client_token, j.request, j.request_digest, j.status,
	j.status_details, j.output_uri, j.created_at, j.updated_at`

// from is the FROM clause that joins the kind's jobs to their domains.
func (k jobKind) from() string {
	return ` FROM ` + k.table + ` j JOIN health_domains d ON d.id = j.domain_id `
}

// title is the noun at the start of a sentence.
func (k jobKind) title() string { return string(k.noun[0]-'a'+'A') + k.noun[1:] }

// jobMoves lists the status changes a job accepts.
var jobMoves = map[warden.JobStatus][]warden.JobStatus{
	warden.JobSubmitted:  {warden.JobInProgress, warden.JobFailed},
	warden.JobInProgress: {warden.JobInProgress, warden.JobSucceeded, warden.JobFailed},
}

func (s *Store) scanJob(k jobKind, row interface{ Scan(...any) error }) (*warden.HealthJob, error) {
	var j warden.HealthJob
	var token sql.NullString
	var sealed, digest []byte
	var status string
	var created, updated int64
	if err := row.Scan(&j.ID, &j.DomainID, &j.AccountID, &j.Region, &token, &sealed, &digest, &status,
		&j.StatusDetails, &j.OutputURI, &created, &updated); err != nil {
		return nil, err
	}
	request, err := s.keys.open(k.aad+j.ID, sealed)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", k.noun, j.ID, err)
	}
	if len(digest) != len(j.RequestDigest) {
		return nil, fmt.Errorf("%s %s: request digest of %d bytes", k.noun, j.ID, len(digest))
	}
	j.ClientToken, j.Request, j.Status = token.String, request, warden.JobStatus(status)
	copy(j.RequestDigest[:], digest)
	j.CreatedAt, j.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &j, nil
}

func (s *Store) job(ctx context.Context, q querier, k jobKind, account, region, domainID, id string) (*warden.HealthJob, error) {
	j, err := s.scanJob(k, q.QueryRowContext(ctx, `SELECT `+jobColumns+k.from()+`
		WHERE j.id = $1 AND j.domain_id = $2 AND d.account_id = $3 AND d.region = $4`, id, domainID, account, region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "%s %s not found in domain %s.", k.title(), id, domainID)
	}
	return j, err
}

// createJob stores a new SUBMITTED job, or returns the job its client
// token already started with the same request (created false).
func (s *Store) createJob(ctx context.Context, k jobKind, op string, in *warden.HealthJob) (*warden.HealthJob, bool, error) {
	now := s.clock()
	job := *in
	job.Status, job.StatusDetails, job.OutputURI, job.CreatedAt, job.UpdatedAt = warden.JobSubmitted, "", "", now, now
	var stored *warden.HealthJob
	err := s.changeHealth(ctx, op, func(tx querier) error {
		stored = nil
		d, err := s.domain(ctx, tx, job.AccountID, job.Region, job.DomainID)
		if err != nil {
			return err
		}
		if job.ClientToken != "" {
			prior, err := s.scanJob(k, tx.QueryRowContext(ctx, `SELECT `+jobColumns+k.from()+`
				WHERE j.domain_id = $1 AND j.client_token = $2`, job.DomainID, job.ClientToken))
			switch {
			case err == nil && prior.RequestDigest == job.RequestDigest:
				stored = prior
				return nil
			case err == nil:
				return warden.Errorf(warden.EEntityAlreadyExists,
					"The client token %s was used for %s %s with different parameters.", job.ClientToken, k.noun, prior.ID)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if d.Status != warden.DomainActive {
			return warden.ErrDomainNotActive(d)
		}
		running, err := count(ctx, tx, `SELECT count(*) FROM `+k.table+` WHERE domain_id = $1 AND status IN ('SUBMITTED', 'IN_PROGRESS')`, job.DomainID)
		if err != nil {
			return err
		}
		if running >= k.max {
			return warden.Errorf(warden.ELimitExceeded, "Domain %s already runs %d %s, the most it may run at once.", job.DomainID, k.max, k.plural)
		}
		if taken, err := count(ctx, tx, `SELECT count(*) FROM `+k.table+` WHERE id = $1`, job.ID); err != nil {
			return err
		} else if taken > 0 {
			return warden.Errorf(warden.EEntityAlreadyExists, "%s %s already exists.", k.title(), job.ID)
		}
		var token any
		if job.ClientToken != "" {
			token = job.ClientToken
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO `+k.table+` (id, domain_id, client_token, request, request_digest, status,
			status_details, output_uri, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '', '', $7, $7)`,
			job.ID, job.DomainID, token, s.keys.seal(k.aad+job.ID, job.Request), job.RequestDigest[:], string(job.Status), micros(now))
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

func (s *Store) readJob(ctx context.Context, k jobKind, op, account, region, domainID, id string) (*warden.HealthJob, error) {
	var j *warden.HealthJob
	err := s.view(ctx, op, func(q querier) error {
		var err error
		j, err = s.job(ctx, q, k, account, region, domainID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

func (s *Store) updateJob(ctx context.Context, k jobKind, op, account, region, domainID, id string, u warden.JobUpdate) (*warden.HealthJob, error) {
	var j *warden.HealthJob
	err := s.changeHealth(ctx, op, func(tx querier) error {
		var err error
		if j, err = s.job(ctx, tx, k, account, region, domainID, id); err != nil {
			return err
		}
		if !slices.Contains(jobMoves[j.Status], u.Status) {
			return warden.Errorf(warden.EValidationError, "%s %s cannot move from %s to %s.", k.title(), id, j.Status, u.Status)
		}
		j.Status, j.StatusDetails, j.OutputURI, j.UpdatedAt = u.Status, u.StatusDetails, u.OutputURI, s.clock()
		_, err = tx.ExecContext(ctx, `UPDATE `+k.table+` SET status = $1, status_details = $2, output_uri = $3, updated_at = $4
			WHERE id = $5`, string(j.Status), j.StatusDetails, j.OutputURI, micros(j.UpdatedAt), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

func (s *Store) unfinishedJobs(ctx context.Context, k jobKind, op string) ([]*warden.HealthJob, error) {
	var jobs []*warden.HealthJob
	err := s.view(ctx, op, func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT `+jobColumns+k.from()+`
			WHERE j.status IN ('SUBMITTED', 'IN_PROGRESS') ORDER BY j.created_at, j.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := s.scanJob(k, rows)
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	return jobs, err
}
