package sqlstore

import (
	"testing"

	"github.com/warden-iam/warden"
)

// TestDomainCache checks that Domain answers from the cache while nothing
// is written through the store, and that exactly the writes to a domain or
// its tags advance the generation that empties it: subscription and job
// writes keep the cached answers, IAM's included.
func TestDomainCache(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	acct, err := s.CreateAccount(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	const region = "us-east-1"
	d, err := s.CreateDomain(ctx, warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: acct.ID, Region: region, Name: "clinic"})
	if err != nil {
		t.Fatal(err)
	}
	name := func() string {
		t.Helper()
		got, err := s.Domain(ctx, acct.ID, region, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Name
	}
	// A change behind the store's back, which no write path makes, shows
	// whether an answer came from the cache.
	rename := func(to string) {
		t.Helper()
		if _, err := s.write.ExecContext(ctx, `UPDATE health_domains SET name = $1 WHERE id = $2`, to, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if name() != "clinic" {
		t.Fatal("first lookup")
	}
	rename("behind")
	if got := name(); got != "clinic" {
		t.Fatalf("a repeated lookup read the database (%q) instead of the cache", got)
	}

	var subID string
	for _, step := range []struct {
		name       string
		write      func() error
		invalidate bool
	}{
		{"CreateSubscription", func() error {
			sub, err := s.CreateSubscription(ctx, warden.CreateSubscriptionInput{ID: warden.NewSubscriptionID(), DomainID: d.ID, AccountID: acct.ID, Region: region})
			if sub != nil {
				subID = sub.ID
			}
			return err
		}, false},
		{"SetSubscriptionStatus", func() error {
			_, err := s.SetSubscriptionStatus(ctx, acct.ID, region, d.ID, subID, warden.SubscriptionInactive)
			return err
		}, false},
		{"CreatePatientInsightsJob", func() error {
			_, _, err := s.CreatePatientInsightsJob(ctx, &warden.PatientInsightsJob{ID: warden.NewJobID(), DomainID: d.ID, AccountID: acct.ID, Region: region, Request: []byte("{}")})
			return err
		}, false},
		{"CreateDomain", func() error {
			_, err := s.CreateDomain(ctx, warden.CreateDomainInput{ID: warden.NewDomainID(), AccountID: acct.ID, Region: region, Name: "other"})
			return err
		}, true},
		{"TagDomain", func() error { return s.TagDomain(ctx, acct.ID, region, d.ID, []warden.Tag{{Key: "k", Value: "v"}}) }, true},
		{"UntagDomain", func() error { return s.UntagDomain(ctx, acct.ID, region, d.ID, []string{"k"}) }, true},
		{"DeleteDomain", func() error {
			_, err := s.DeleteDomain(ctx, acct.ID, region, d.ID)
			return err
		}, true},
		{"FinishDomainDeletion", func() error {
			_, err := s.FinishDomainDeletion(ctx, acct.ID, region, d.ID)
			return err
		}, true},
	} {
		cached := name()
		rename(step.name)
		before := s.generation.Load()
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		advanced := s.generation.Load() > before
		got := name()
		switch {
		case advanced != step.invalidate:
			t.Errorf("%s: generation advanced %v; want %v", step.name, advanced, step.invalidate)
		case step.invalidate && got != step.name:
			t.Errorf("after %s: Domain answered %q from before the write", step.name, got)
		case !step.invalidate && got != cached:
			t.Errorf("after %s: the cached answer %q was dropped (read %q)", step.name, cached, got)
		}
	}
}
