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

const healthRegion = "us-east-1"

func createDomain(t testing.TB, s warden.Store, account, name string, tags ...warden.Tag) *warden.Domain {
	t.Helper()
	d, err := s.CreateDomain(t.Context(), warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: account, Region: healthRegion, Name: name, Tags: tags})
	noErr(t, err)
	return d
}

func TestHealthDomainLifecycle(t *testing.T) {
	RunWithStore(t, "lifecycle", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		web := &warden.WebAppConfiguration{RoleARN: "arn:aws:iam::" + acct + ":role/ehr", IdentityCenterInstanceID: "ssoins-1",
			IdentityCenterApplicationID: "apl-1", IdentityCenterRegion: "us-west-2", URL: "https://x/"}
		created, err := s.CreateDomain(ctx, warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: acct, Region: healthRegion, Name: "clinic",
			KMSKeyARN: "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd", WebApp: web,
			Tags: []warden.Tag{{Key: "env", Value: "prod"}, {Key: "Env", Value: "other"}, {Key: "Dept", Value: "cardio"}}})
		noErr(t, err)
		if created.Status != warden.DomainActive || created.EncryptionType() != "CUSTOMER_MANAGED_KEY" || created.CreatedAt.IsZero() {
			t.Fatalf("CreateDomain = %+v", created)
		}
		got, err := s.Domain(ctx, acct, healthRegion, created.ID)
		noErr(t, err)
		// Keys are case-sensitive, listed in byte order.
		wantTags := []warden.Tag{{Key: "Dept", Value: "cardio"}, {Key: "Env", Value: "other"}, {Key: "env", Value: "prod"}}
		if !slices.Equal(got.Tags, wantTags) || *got.WebApp != *web || got.KMSKeyARN != created.KMSKeyARN || !got.CreatedAt.Equal(created.CreatedAt) {
			t.Fatalf("Domain = %+v, web %+v", got, got.WebApp)
		}
		if got.ARN() != "arn:aws:health-agent:us-east-1:"+acct+":domain/"+created.ID {
			t.Errorf("ARN = %s", got.ARN())
		}

		sub, err := s.CreateSubscription(ctx, warden.CreateSubscriptionInput{ID: warden.NewSubscriptionID(), DomainID: created.ID, AccountID: acct, Region: healthRegion})
		noErr(t, err)

		_, err = s.FinishDomainDeletion(ctx, acct, healthRegion, created.ID)
		wantErr(t, err, warden.EValidationError, "")
		deleting, err := s.DeleteDomain(ctx, acct, healthRegion, created.ID)
		noErr(t, err)
		if deleting.Status != warden.DomainDeleting || deleting.DeletingAt.IsZero() {
			t.Fatalf("DeleteDomain = %+v", deleting)
		}
		again, err := s.DeleteDomain(ctx, acct, healthRegion, created.ID)
		noErr(t, err)
		if again.Status != warden.DomainDeleting || !again.DeletingAt.Equal(deleting.DeletingAt) {
			t.Errorf("a second DeleteDomain = %+v; want it unchanged", again)
		}
		pending, err := s.DeletingDomains(ctx)
		noErr(t, err)
		if !slices.ContainsFunc(pending, func(d *warden.Domain) bool { return d.ID == created.ID }) {
			t.Errorf("DeletingDomains lacks %s", created.ID)
		}
		_, err = s.CreateSubscription(ctx, warden.CreateSubscriptionInput{ID: warden.NewSubscriptionID(), DomainID: created.ID, AccountID: acct, Region: healthRegion})
		wantErr(t, err, warden.EValidationError, "")

		deleted, err := s.FinishDomainDeletion(ctx, acct, healthRegion, created.ID)
		noErr(t, err)
		if deleted.Status != warden.DomainDeleted {
			t.Fatalf("FinishDomainDeletion = %+v", deleted)
		}
		gotSub, err := s.Subscription(ctx, acct, healthRegion, created.ID, sub.ID)
		noErr(t, err)
		if gotSub.Status != warden.SubscriptionDeleted {
			t.Errorf("the subscription of a deleted domain is %s", gotSub.Status)
		}
		if d, err := s.DeleteDomain(ctx, acct, healthRegion, created.ID); err != nil || d.Status != warden.DomainDeleted {
			t.Errorf("DeleteDomain of a deleted domain = %+v, %v", d, err)
		}
		pending, err = s.DeletingDomains(ctx)
		noErr(t, err)
		if slices.ContainsFunc(pending, func(d *warden.Domain) bool { return d.ID == created.ID }) {
			t.Errorf("DeletingDomains still lists %s", created.ID)
		}
	})
}

func TestHealthScoping(t *testing.T) {
	RunWithStore(t, "scoping", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		for _, tt := range []struct{ name, account, region string }{
			{"another account", other, healthRegion},
			{"another region", acct, "us-west-2"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Domain(ctx, tt.account, tt.region, d.ID)
				wantErr(t, err, warden.ENoSuchEntity, "Domain "+d.ID+" not found.")
				_, err = s.DeleteDomain(ctx, tt.account, tt.region, d.ID)
				wantErr(t, err, warden.ENoSuchEntity, "")
				wantErr(t, s.TagDomain(ctx, tt.account, tt.region, d.ID, []warden.Tag{{Key: "k"}}), warden.ENoSuchEntity, "")
				_, err = s.ListSubscriptions(ctx, tt.account, tt.region, d.ID, warden.ListOptions{})
				wantErr(t, err, warden.ENoSuchEntity, "")
				page, err := s.ListDomains(ctx, tt.account, tt.region, "", warden.ListOptions{})
				noErr(t, err)
				if len(page.Items) != 0 {
					t.Errorf("ListDomains = %d domains", len(page.Items))
				}
			})
		}
	})
}

func TestHealthDomainQuota(t *testing.T) {
	RunWithStore(t, "quota", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var first *warden.Domain
		for i := range warden.MaxDomainsPerRegion {
			d := createDomain(t, s, acct, fmt.Sprint("d", i))
			if i == 0 {
				first = d
			}
		}
		in := warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: acct, Region: healthRegion, Name: "one too many"}
		_, err := s.CreateDomain(ctx, in)
		wantErr(t, err, warden.ELimitExceeded, "You have reached the quota of 10 domains per account in us-east-1.")
		// Another region has its own quota.
		_, err = s.CreateDomain(ctx, warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: acct, Region: "us-west-2", Name: "west"})
		noErr(t, err)
		// A DELETING domain still counts; a DELETED one does not.
		_, err = s.DeleteDomain(ctx, acct, healthRegion, first.ID)
		noErr(t, err)
		_, err = s.CreateDomain(ctx, in)
		wantErr(t, err, warden.ELimitExceeded, "")
		_, err = s.FinishDomainDeletion(ctx, acct, healthRegion, first.ID)
		noErr(t, err)
		_, err = s.CreateDomain(ctx, in)
		noErr(t, err)
		_, err = s.CreateDomain(ctx, warden.CreateDomainInput{ID: in.ID, AccountID: newAccount(t, s), Region: healthRegion, Name: "same id"})
		wantErr(t, err, warden.EEntityAlreadyExists, "")
	})
}

func TestHealthListDomains(t *testing.T) {
	RunWithStore(t, "list", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var ids []string
		for i := range 5 {
			ids = append(ids, createDomain(t, s, acct, fmt.Sprint("d", i)).ID)
		}
		_, err := s.DeleteDomain(ctx, acct, healthRegion, ids[1])
		noErr(t, err)
		_, err = s.DeleteDomain(ctx, acct, healthRegion, ids[3])
		noErr(t, err)

		for _, tt := range []struct {
			status warden.DomainStatus
			want   []string
		}{
			{"", ids},
			{warden.DomainActive, []string{ids[0], ids[2], ids[4]}},
			{warden.DomainDeleting, []string{ids[1], ids[3]}},
			{warden.DomainDeleted, nil},
		} {
			t.Run(string(tt.status), func(t *testing.T) {
				var got []string
				opts := warden.ListOptions{MaxItems: 2}
				for pages := 0; ; pages++ {
					if pages > len(ids) {
						t.Fatal("the listing does not end")
					}
					page, err := s.ListDomains(ctx, acct, healthRegion, tt.status, opts)
					noErr(t, err)
					for _, d := range page.Items {
						got = append(got, d.ID)
					}
					if !page.IsTruncated {
						break
					}
					opts.Marker = page.Marker
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("ListDomains = %v; want %v in creation order", got, tt.want)
				}
			})
		}
		_, err = s.ListDomains(ctx, acct, healthRegion, "", warden.ListOptions{Marker: "not-a-marker!"})
		wantErr(t, err, warden.EInvalidInput, "")
	})
}

func TestHealthDomainTags(t *testing.T) {
	RunWithStore(t, "tags", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic", warden.Tag{Key: "team", Value: "a"})
		noErr(t, s.TagDomain(ctx, acct, healthRegion, d.ID, []warden.Tag{{Key: "team", Value: "b"}, {Key: "cost", Value: "1"}}))
		noErr(t, s.UntagDomain(ctx, acct, healthRegion, d.ID, []string{"cost", "absent"}))
		got, err := s.Domain(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		if !slices.Equal(got.Tags, []warden.Tag{{Key: "team", Value: "b"}}) {
			t.Fatalf("tags = %v", got.Tags)
		}
		wantErr(t, s.TagDomain(ctx, acct, healthRegion, d.ID, []warden.Tag{{Key: "aws:owner", Value: "x"}}), warden.EValidationError, "")
		many := make([]warden.Tag, warden.MaxHealthTags)
		for i := range many {
			many[i] = warden.Tag{Key: fmt.Sprint("k", i)}
		}
		wantErr(t, s.TagDomain(ctx, acct, healthRegion, d.ID, many), warden.ELimitExceeded, "A resource can have at most 50 tags.")
		noErr(t, s.TagDomain(ctx, acct, healthRegion, d.ID, many[:warden.MaxHealthTags-1]))
		_, err = s.CreateDomain(ctx, warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: acct, Region: healthRegion, Name: "x",
			Tags: append(many, warden.Tag{Key: "one more"})})
		wantErr(t, err, warden.EValidationError, "")
	})
}

func TestHealthSubscriptions(t *testing.T) {
	RunWithStore(t, "subscriptions", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		var subs []*warden.Subscription
		for range 3 {
			sub, err := s.CreateSubscription(ctx, warden.CreateSubscriptionInput{ID: warden.NewSubscriptionID(), DomainID: d.ID, AccountID: acct, Region: healthRegion})
			noErr(t, err)
			subs = append(subs, sub)
		}
		sub := subs[0]
		if sub.Status != warden.SubscriptionActive || !sub.ActivatedAt.Equal(sub.CreatedAt) || !sub.DeactivatedAt.IsZero() {
			t.Fatalf("CreateSubscription = %+v", sub)
		}
		if sub.ARN() != d.ARN()+"/subscription/"+sub.ID {
			t.Errorf("ARN = %s", sub.ARN())
		}
		inactive, err := s.SetSubscriptionStatus(ctx, acct, healthRegion, d.ID, sub.ID, warden.SubscriptionInactive)
		noErr(t, err)
		if inactive.Status != warden.SubscriptionInactive || inactive.DeactivatedAt.IsZero() || inactive.CheckStreamable() == nil {
			t.Fatalf("deactivated = %+v", inactive)
		}
		again, err := s.SetSubscriptionStatus(ctx, acct, healthRegion, d.ID, sub.ID, warden.SubscriptionInactive)
		noErr(t, err)
		if !again.LastUpdatedAt.Equal(inactive.LastUpdatedAt) {
			t.Errorf("deactivating an inactive subscription changed it: %+v", again)
		}
		active, err := s.SetSubscriptionStatus(ctx, acct, healthRegion, d.ID, sub.ID, warden.SubscriptionActive)
		noErr(t, err)
		if active.Status != warden.SubscriptionActive || active.ActivatedAt.Before(inactive.DeactivatedAt) || active.CheckStreamable() != nil {
			t.Fatalf("reactivated = %+v", active)
		}
		_, err = s.SetSubscriptionStatus(ctx, acct, healthRegion, d.ID, sub.ID, warden.SubscriptionDeleted)
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.Subscription(ctx, acct, healthRegion, d.ID, "sub-nope")
		wantErr(t, err, warden.ENoSuchEntity, "Subscription sub-nope not found in domain "+d.ID+".")
		// A subscription is found only through its own domain.
		other := createDomain(t, s, acct, "other")
		_, err = s.Subscription(ctx, acct, healthRegion, other.ID, sub.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")

		page, err := s.ListSubscriptions(ctx, acct, healthRegion, d.ID, warden.ListOptions{MaxItems: 2})
		noErr(t, err)
		next, err := s.ListSubscriptions(ctx, acct, healthRegion, d.ID, warden.ListOptions{MaxItems: 2, Marker: page.Marker})
		noErr(t, err)
		var got []string
		for _, s := range append(page.Items, next.Items...) {
			got = append(got, s.ID)
		}
		if !page.IsTruncated || next.IsTruncated || !slices.Equal(got, []string{subs[0].ID, subs[1].ID, subs[2].ID}) {
			t.Errorf("ListSubscriptions = %v (truncated %v, %v)", got, page.IsTruncated, next.IsTruncated)
		}

		_, err = s.DeleteDomain(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		_, err = s.SetSubscriptionStatus(ctx, acct, healthRegion, d.ID, sub.ID, warden.SubscriptionInactive)
		wantErr(t, err, warden.EValidationError, "")
	})
}

func newJob(d *warden.Domain, token, request string) *warden.PatientInsightsJob {
	return &warden.PatientInsightsJob{ID: warden.NewJobID(), DomainID: d.ID, AccountID: d.AccountID, Region: d.Region,
		ClientToken: token, Request: []byte(request), RequestDigest: sha256.Sum256([]byte(request))}
}

func TestHealthPatientInsightsJobs(t *testing.T) {
	RunWithStore(t, "jobs", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")

		job, created, err := s.CreatePatientInsightsJob(ctx, newJob(d, "token-1", `{"patient":"p-1"}`))
		noErr(t, err)
		if !created || job.Status != warden.JobSubmitted || job.CreatedAt.IsZero() || string(job.Request) != `{"patient":"p-1"}` {
			t.Fatalf("CreatePatientInsightsJob = %+v, %v", job, created)
		}
		if job.ARN() != d.ARN()+"/patient-insights-job/"+job.ID {
			t.Errorf("ARN = %s", job.ARN())
		}
		replay, created, err := s.CreatePatientInsightsJob(ctx, newJob(d, "token-1", `{"patient":"p-1"}`))
		noErr(t, err)
		if created || replay.ID != job.ID || !replay.CreatedAt.Equal(job.CreatedAt) {
			t.Errorf("the same token and request = %+v, created %v; want job %s", replay, created, job.ID)
		}
		_, _, err = s.CreatePatientInsightsJob(ctx, newJob(d, "token-1", `{"patient":"p-2"}`))
		wantErr(t, err, warden.EEntityAlreadyExists, "The client token token-1 was used for patient insights job "+job.ID+" with different parameters.")
		// Jobs without a token are never the same job.
		a, _, err := s.CreatePatientInsightsJob(ctx, newJob(d, "", `{}`))
		noErr(t, err)
		b, _, err := s.CreatePatientInsightsJob(ctx, newJob(d, "", `{}`))
		noErr(t, err)
		if a.ID == b.ID {
			t.Fatal("two jobs without a token are one")
		}

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
			got, err := s.UpdatePatientInsightsJob(ctx, acct, healthRegion, d.ID, job.ID, warden.JobUpdate{Status: tt.to, OutputURI: "s3://out/x.json"})
			if !tt.ok {
				wantErr(t, err, warden.EValidationError, "")
				continue
			}
			noErr(t, err)
			if got.Status != tt.to || got.UpdatedAt.Before(got.CreatedAt) {
				t.Errorf("%s: %+v", tt.desc, got)
			}
		}
		got, err := s.PatientInsightsJob(ctx, acct, healthRegion, d.ID, job.ID)
		noErr(t, err)
		if got.Status != warden.JobSucceeded || got.OutputURI != "s3://out/x.json" || got.RequestDigest != job.RequestDigest || got.ClientToken != "token-1" {
			t.Errorf("PatientInsightsJob = %+v", got)
		}
		_, err = s.PatientInsightsJob(ctx, acct, "us-west-2", d.ID, job.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")

		unfinished, err := s.UnfinishedPatientInsightsJobs(ctx)
		noErr(t, err)
		var ids []string
		for _, j := range unfinished {
			ids = append(ids, j.ID)
		}
		if !slices.Equal(ids, []string{a.ID, b.ID}) {
			t.Errorf("UnfinishedPatientInsightsJobs = %v; want %v", ids, []string{a.ID, b.ID})
		}

		// A deleted domain takes no new jobs but still answers a replay.
		_, err = s.DeleteDomain(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		_, _, err = s.CreatePatientInsightsJob(ctx, newJob(d, "token-2", `{}`))
		wantErr(t, err, warden.EValidationError, "")
		if j, created, err := s.CreatePatientInsightsJob(ctx, newJob(d, "token-1", `{"patient":"p-1"}`)); err != nil || created || j.ID != job.ID {
			t.Errorf("replay on a deleting domain = %v, %v, %v", j, created, err)
		}
	})
}

func TestHealthConcurrentJobQuota(t *testing.T) {
	RunWithStore(t, "job quota", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		var first *warden.PatientInsightsJob
		for i := range warden.MaxConcurrentPatientInsightsJobs {
			j, _, err := s.CreatePatientInsightsJob(ctx, newJob(d, fmt.Sprint("t", i), fmt.Sprint(i)))
			noErr(t, err)
			if i == 0 {
				first = j
			}
		}
		_, _, err := s.CreatePatientInsightsJob(ctx, newJob(d, "over", "over"))
		wantErr(t, err, warden.ELimitExceeded, "")
		// Another domain runs its own jobs.
		_, _, err = s.CreatePatientInsightsJob(ctx, newJob(createDomain(t, s, acct, "other"), "over", "over"))
		noErr(t, err)
		_, err = s.UpdatePatientInsightsJob(ctx, acct, healthRegion, d.ID, first.ID, warden.JobUpdate{Status: warden.JobFailed, StatusDetails: "no"})
		noErr(t, err)
		_, _, err = s.CreatePatientInsightsJob(ctx, newJob(d, "over", "over"))
		noErr(t, err)
	})
}

// The job request holds patient data and possibly a FHIR server's OAuth
// token: it must not reach the disk in plain text.
func TestHealthJobRequestEncrypted(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, sqlstore.Options{})
	ctx := t.Context()
	acct := newAccount(t, s)
	d := createDomain(t, s, acct, "clinic")
	const secret = "oauth-token-that-must-not-leak-0123456789"
	job, _, err := s.CreatePatientInsightsJob(ctx, newJob(d, "tok", `{"oauthToken":"`+secret+`"}`))
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
	if bytes.Contains(all, []byte(secret)) {
		t.Error("the job request appears in the data files in plain text")
	}
	s2 := openSQLite(t, dir, sqlstore.Options{})
	got, err := s2.PatientInsightsJob(ctx, acct, healthRegion, d.ID, job.ID)
	noErr(t, err)
	if !bytes.Contains(got.Request, []byte(secret)) {
		t.Errorf("the request did not survive a reopen: %s", got.Request)
	}
}

func BenchmarkHealthDomain(b *testing.B) {
	s := openSQLite(b, b.TempDir(), sqlstore.Options{})
	acct := newAccount(b, s)
	d := createDomain(b, s, acct, "clinic", warden.Tag{Key: "Department", Value: "cardiology"})
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Domain(ctx, acct, healthRegion, d.ID); err != nil {
			b.Fatal(err)
		}
	}
}
