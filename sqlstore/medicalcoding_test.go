package sqlstore_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

func newCodingJob(d *warden.Domain, token, request string) *warden.MedicalCodingJob {
	return &warden.MedicalCodingJob{ID: warden.NewJobID(), DomainID: d.ID, AccountID: d.AccountID, Region: d.Region,
		ClientToken: token, Request: []byte(request), RequestDigest: sha256.Sum256([]byte(request))}
}

func TestMedicalCodingJobs(t *testing.T) {
	RunWithStore(t, "coding jobs", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")

		job, created, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "token-1", `{"text":"note 1"}`))
		noErr(t, err)
		if !created || job.Status != warden.JobSubmitted || job.CreatedAt.IsZero() || string(job.Request) != `{"text":"note 1"}` {
			t.Fatalf("CreateMedicalCodingJob = %+v, %v", job, created)
		}
		if job.ARN() != d.ARN()+"/medical-coding-job/"+job.ID {
			t.Errorf("ARN = %s", job.ARN())
		}
		replay, created, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "token-1", `{"text":"note 1"}`))
		noErr(t, err)
		if created || replay.ID != job.ID || !replay.CreatedAt.Equal(job.CreatedAt) {
			t.Errorf("the same token and request = %+v, created %v; want job %s", replay, created, job.ID)
		}
		_, _, err = s.CreateMedicalCodingJob(ctx, newCodingJob(d, "token-1", `{"text":"note 2"}`))
		wantErr(t, err, warden.EEntityAlreadyExists, "The client token token-1 was used for medical coding job "+job.ID+" with different parameters.")
		// A patient insights job's token is another job kind's: it does not
		// collide.
		_, created, err = s.CreatePatientInsightsJob(ctx, newJob(d, "token-1", `{"other":true}`))
		noErr(t, err)
		if !created {
			t.Error("a patient insights job with a medical coding job's token was not created")
		}
		// The same token in another domain is another job.
		other := createDomain(t, s, acct, "other")
		elsewhere, created, err := s.CreateMedicalCodingJob(ctx, newCodingJob(other, "token-1", `{"text":"note 2"}`))
		noErr(t, err)
		if !created || elsewhere.ID == job.ID {
			t.Errorf("the token in another domain = %+v, created %v", elsewhere, created)
		}
		// Jobs without a token are never the same job.
		a, _, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "", `{}`))
		noErr(t, err)
		b, _, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "", `{}`))
		noErr(t, err)
		if a.ID == b.ID {
			t.Fatal("two jobs without a token are one")
		}
		_, _, err = s.CreateMedicalCodingJob(ctx, &warden.MedicalCodingJob{ID: a.ID, DomainID: d.ID, AccountID: acct, Region: healthRegion})
		wantErr(t, err, warden.EEntityAlreadyExists, "")
		_, _, err = s.CreateMedicalCodingJob(ctx, newCodingJob(&warden.Domain{ID: warden.NewDomainID(), AccountID: acct, Region: healthRegion}, "", `{}`))
		wantErr(t, err, warden.ENoSuchEntity, "")

		for _, tt := range []struct {
			to   warden.JobStatus
			ok   bool
			desc string
		}{
			{warden.JobSucceeded, false, "SUBMITTED cannot succeed"},
			{warden.JobInProgress, true, "SUBMITTED starts"},
			{warden.JobInProgress, true, "IN_PROGRESS restarts"},
			{warden.JobSubmitted, false, "IN_PROGRESS cannot go back"},
			{warden.JobSucceeded, true, "IN_PROGRESS succeeds"},
			{warden.JobFailed, false, "SUCCEEDED is final"},
		} {
			got, err := s.UpdateMedicalCodingJob(ctx, acct, healthRegion, d.ID, job.ID, warden.JobUpdate{Status: tt.to, OutputURI: "s3://out/x.json"})
			if !tt.ok {
				wantErr(t, err, warden.EValidationError, "")
				continue
			}
			noErr(t, err)
			if got.Status != tt.to || got.UpdatedAt.Before(got.CreatedAt) {
				t.Errorf("%s: %+v", tt.desc, got)
			}
		}
		got, err := s.MedicalCodingJob(ctx, acct, healthRegion, d.ID, job.ID)
		noErr(t, err)
		if got.Status != warden.JobSucceeded || got.OutputURI != "s3://out/x.json" || got.RequestDigest != job.RequestDigest ||
			got.ClientToken != "token-1" || string(got.Request) != `{"text":"note 1"}` {
			t.Errorf("MedicalCodingJob = %+v", got)
		}
		failed, err := s.UpdateMedicalCodingJob(ctx, acct, healthRegion, d.ID, a.ID, warden.JobUpdate{Status: warden.JobFailed, StatusDetails: "denied"})
		noErr(t, err)
		if failed.Status != warden.JobFailed || failed.StatusDetails != "denied" {
			t.Errorf("a SUBMITTED job failed = %+v", failed)
		}

		// Lookups are scoped to the account, the region and the domain.
		_, err = s.MedicalCodingJob(ctx, acct, "us-west-2", d.ID, job.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.MedicalCodingJob(ctx, newAccount(t, s), healthRegion, d.ID, job.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.MedicalCodingJob(ctx, acct, healthRegion, other.ID, job.ID)
		wantErr(t, err, warden.ENoSuchEntity, "Medical coding job "+job.ID+" not found in domain "+other.ID+".")
		_, err = s.UpdateMedicalCodingJob(ctx, acct, "us-west-2", d.ID, b.ID, warden.JobUpdate{Status: warden.JobInProgress})
		wantErr(t, err, warden.ENoSuchEntity, "")
		// A patient insights job is not a medical coding job.
		pi, _, err := s.CreatePatientInsightsJob(ctx, newJob(d, "", `{}`))
		noErr(t, err)
		_, err = s.MedicalCodingJob(ctx, acct, healthRegion, d.ID, pi.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")

		unfinished, err := s.UnfinishedMedicalCodingJobs(ctx)
		noErr(t, err)
		var ids []string
		for _, j := range unfinished {
			ids = append(ids, j.ID)
		}
		// Oldest first; two jobs created in the same microsecond may come
		// in either order, so only the set is compared.
		want := []string{elsewhere.ID, b.ID}
		slices.Sort(ids)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("UnfinishedMedicalCodingJobs = %v; want %v", ids, want)
		}
		for i := 1; i < len(unfinished); i++ {
			if unfinished[i].CreatedAt.Before(unfinished[i-1].CreatedAt) {
				t.Errorf("UnfinishedMedicalCodingJobs is not oldest first: %v", ids)
			}
		}

		// A deleted domain takes no new jobs but still answers a replay.
		_, err = s.DeleteDomain(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		_, _, err = s.CreateMedicalCodingJob(ctx, newCodingJob(d, "token-2", `{}`))
		wantErr(t, err, warden.EValidationError, "")
		if j, created, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "token-1", `{"text":"note 1"}`)); err != nil || created || j.ID != job.ID {
			t.Errorf("replay on a deleting domain = %v, %v, %v", j, created, err)
		}
	})
}

func TestMedicalCodingConcurrentJobQuota(t *testing.T) {
	RunWithStore(t, "coding job quota", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		var first *warden.MedicalCodingJob
		for i := range warden.MaxConcurrentMedicalCodingJobs {
			j, _, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, fmt.Sprint("t", i), fmt.Sprint(i)))
			noErr(t, err)
			if i == 0 {
				first = j
			}
		}
		_, _, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "over", "over"))
		wantErr(t, err, warden.ELimitExceeded, "")
		// Patient insights jobs count apart.
		_, _, err = s.CreatePatientInsightsJob(ctx, newJob(d, "over", "over"))
		noErr(t, err)
		// Another domain runs its own jobs.
		_, _, err = s.CreateMedicalCodingJob(ctx, newCodingJob(createDomain(t, s, acct, "other"), "over", "over"))
		noErr(t, err)
		_, err = s.UpdateMedicalCodingJob(ctx, acct, healthRegion, d.ID, first.ID, warden.JobUpdate{Status: warden.JobFailed, StatusDetails: "no"})
		noErr(t, err)
		_, _, err = s.CreateMedicalCodingJob(ctx, newCodingJob(d, "over", "over"))
		noErr(t, err)
	})
}

// The job request holds the clinical note: it must not reach the disk in
// plain text.
func TestMedicalCodingJobRequestEncrypted(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, sqlstore.Options{})
	ctx := t.Context()
	acct := newAccount(t, s)
	d := createDomain(t, s, acct, "clinic")
	const note = "clinical-note-that-must-not-leak-0123456789"
	job, _, err := s.CreateMedicalCodingJob(ctx, newCodingJob(d, "tok", `{"text":"`+note+`"}`))
	noErr(t, err)
	noErr(t, s.Close())
	var all []byte
	for name, data := range readDataFiles(t, dir) {
		if name != sqlstore.KeyFile {
			all = append(all, data...)
		}
	}
	if !bytes.Contains(all, []byte(job.ID)) {
		t.Fatal("the raw files do not contain the job ID; the scan reads the wrong files")
	}
	if bytes.Contains(all, []byte(note)) {
		t.Error("the job request appears in the data files in plain text")
	}
	s2 := openSQLite(t, dir, sqlstore.Options{})
	got, err := s2.MedicalCodingJob(ctx, acct, healthRegion, d.ID, job.ID)
	noErr(t, err)
	if !bytes.Contains(got.Request, []byte(note)) {
		t.Errorf("the request did not survive a reopen: %s", got.Request)
	}
}
