package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// TestDomainLookupFollowsWrites looks a domain up before and after every
// kind of write to it, cached and uncached: each lookup after a write sees
// the write, a failed write changes nothing, and what a caller does to an
// answer does not reach the next one.
func TestDomainLookupFollowsWrites(t *testing.T) {
	body := func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic", warden.Tag{Key: "Dept", Value: "cardio"})
		lookup := func() *warden.Domain {
			t.Helper()
			got, err := s.Domain(ctx, acct, healthRegion, d.ID)
			noErr(t, err)
			return got
		}

		first := lookup()
		first.Name, first.Tags[0].Value, first.Status = "changed", "changed", warden.DomainDeleted
		if again := lookup(); again.Name != "clinic" || again.Tags[0].Value != "cardio" || again.Status != warden.DomainActive {
			t.Fatalf("a caller's change to an answer reached the next lookup: %+v", again)
		}

		for _, step := range []struct {
			name  string
			write func() error
			check func(got *warden.Domain) bool
		}{
			{"tag", func() error {
				return s.TagDomain(ctx, acct, healthRegion, d.ID, []warden.Tag{{Key: "Owner", Value: "alice"}})
			},
				func(got *warden.Domain) bool {
					return slices.Equal(got.Tags, []warden.Tag{{Key: "Dept", Value: "cardio"}, {Key: "Owner", Value: "alice"}})
				}},
			{"retag", func() error {
				return s.TagDomain(ctx, acct, healthRegion, d.ID, []warden.Tag{{Key: "Dept", Value: "oncology"}})
			},
				func(got *warden.Domain) bool {
					return slices.Equal(got.Tags, []warden.Tag{{Key: "Dept", Value: "oncology"}, {Key: "Owner", Value: "alice"}})
				}},
			{"untag", func() error { return s.UntagDomain(ctx, acct, healthRegion, d.ID, []string{"Dept"}) },
				func(got *warden.Domain) bool {
					return slices.Equal(got.Tags, []warden.Tag{{Key: "Owner", Value: "alice"}})
				}},
			{"untag the last", func() error { return s.UntagDomain(ctx, acct, healthRegion, d.ID, []string{"Owner"}) },
				func(got *warden.Domain) bool { return len(got.Tags) == 0 }},
			{"delete", func() error {
				_, err := s.DeleteDomain(ctx, acct, healthRegion, d.ID)
				return err
			}, func(got *warden.Domain) bool { return got.Status == warden.DomainDeleting && !got.DeletingAt.IsZero() }},
			{"finish deletion", func() error {
				_, err := s.FinishDomainDeletion(ctx, acct, healthRegion, d.ID)
				return err
			}, func(got *warden.Domain) bool { return got.Status == warden.DomainDeleted }},
		} {
			lookup() // the answer before the write, cached where there is a cache
			noErr(t, step.write())
			if got := lookup(); !step.check(got) {
				t.Fatalf("after %s: stale answer %+v", step.name, got)
			}
		}

		// A write that fails leaves the answer as it was.
		other := createDomain(t, s, acct, "other", warden.Tag{Key: "k", Value: "v"})
		before, err := s.Domain(ctx, acct, healthRegion, other.ID)
		noErr(t, err)
		many := make([]warden.Tag, warden.MaxHealthTags)
		for i := range many {
			many[i] = warden.Tag{Key: fmt.Sprint("key", i), Value: "v"}
		}
		wantErr(t, s.TagDomain(ctx, acct, healthRegion, other.ID, many), warden.ELimitExceeded, "")
		after, err := s.Domain(ctx, acct, healthRegion, other.ID)
		noErr(t, err)
		if !slices.Equal(after.Tags, before.Tags) {
			t.Fatalf("a refused TagDomain changed the tags to %v", after.Tags)
		}

		// A domain created after a lookup found nothing is found at once.
		missing := warden.NewDomainID()
		_, err = s.Domain(ctx, acct, healthRegion, missing)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.CreateDomain(ctx, warden.CreateDomainInput{ID: missing, AccountID: acct, Region: healthRegion, Name: "late"})
		noErr(t, err)
		if got, err := s.Domain(ctx, acct, healthRegion, missing); err != nil || got.Name != "late" {
			t.Fatalf("Domain after CreateDomain = %+v, %v", got, err)
		}
	}
	RunWithStore(t, "cached", body)
	RunWithStoreOptions(t, "uncached", sqlstore.Options{AWSManagedPolicies: testCatalogue, DisableCache: true}, body)
}

// TestDomainWritesByAnotherProcess checks that a domain write through one
// store reaches another store's cached answer on the same data directory
// within the sync interval, as IAM writes do.
func TestDomainWritesByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	const interval = 20 * time.Millisecond
	server := openSQLite(t, dir, sqlstore.Options{SyncInterval: interval})
	admin := openSQLite(t, dir, sqlstore.Options{SyncInterval: interval})
	ctx := t.Context()
	acct := newAccount(t, admin)
	d := createDomain(t, admin, acct, "clinic", warden.Tag{Key: "Dept", Value: "cardio"})
	// A write of its own brings the server to the stored generation, so
	// that the answer it caches next is current and only the other store's
	// write can retire it.
	createUser(t, server, acct, "alice")
	if _, err := server.Domain(ctx, acct, healthRegion, d.ID); err != nil {
		t.Fatal(err)
	}
	noErr(t, admin.TagDomain(ctx, acct, healthRegion, d.ID, []warden.Tag{{Key: "Dept", Value: "oncology"}}))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(interval / 4) {
		got, err := server.Domain(ctx, acct, healthRegion, d.ID)
		noErr(t, err)
		if len(got.Tags) == 1 && got.Tags[0].Value == "oncology" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never saw the tag the other store wrote: %v", got.Tags)
		}
	}
}
