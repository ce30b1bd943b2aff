package sqlstore_test

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

func createSubscription(t testing.TB, s warden.Store, d *warden.Domain) *warden.Subscription {
	t.Helper()
	sub, err := s.CreateSubscription(t.Context(), warden.CreateSubscriptionInput{ID: warden.NewSubscriptionID(), DomainID: d.ID, AccountID: d.AccountID, Region: d.Region})
	noErr(t, err)
	return sub
}

func newScribeSession(sub *warden.Subscription) *warden.ScribeSession {
	return &warden.ScribeSession{ID: warden.NewJobID(), DomainID: sub.DomainID, SubscriptionID: sub.ID, AccountID: sub.AccountID,
		Region: sub.Region, LanguageCode: "en-US", SampleRate: 16000, MediaEncoding: "pcm"}
}

func TestScribeSessionLifecycle(t *testing.T) {
	RunWithStore(t, "lifecycle", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		sub := createSubscription(t, s, d)

		in := newScribeSession(sub)
		in.Status, in.AudioURI = warden.ScribeCompleted, "s3://ignored/" // the store decides these
		created, err := s.CreateScribeSession(ctx, in)
		noErr(t, err)
		if created.Status != warden.ScribeInProgress || created.AudioURI != "" || created.CreatedAt.IsZero() || !created.EndedAt.IsZero() {
			t.Fatalf("CreateScribeSession = %+v", created)
		}
		_, err = s.CreateScribeSession(ctx, newScribeSessionWithID(sub, in.ID))
		wantErr(t, err, warden.EEntityAlreadyExists, "")

		got, err := s.ScribeSession(ctx, acct, healthRegion, d.ID, sub.ID, in.ID)
		noErr(t, err)
		if got.Status != warden.ScribeInProgress || got.SampleRate != 16000 || got.MediaEncoding != "pcm" || got.LanguageCode != "en-US" ||
			got.ARN() != sub.ARN() || !got.CreatedAt.Equal(created.CreatedAt) {
			t.Fatalf("ScribeSession = %+v", got)
		}

		config := []byte(`{"postStreamActionSettings":{"outputS3Uri":"s3://out/x"}}`)
		ended, err := s.EndScribeSession(ctx, acct, healthRegion, d.ID, sub.ID, in.ID, warden.ScribeSessionEnd{Status: warden.ScribeCompleted,
			Configuration: config, AudioBytes: 64000, AudioURI: "s3://out/x/audio.pcm", RecordURI: "s3://out/x/session.json"})
		noErr(t, err)
		if ended.Status != warden.ScribeCompleted || ended.EndedAt.IsZero() || ended.AudioBytes != 64000 {
			t.Fatalf("EndScribeSession = %+v", ended)
		}
		got, err = s.ScribeSession(ctx, acct, healthRegion, d.ID, sub.ID, in.ID)
		noErr(t, err)
		if !bytes.Equal(got.Configuration, config) || got.AudioURI != "s3://out/x/audio.pcm" || got.RecordURI != "s3://out/x/session.json" ||
			!got.EndedAt.Equal(ended.EndedAt) {
			t.Fatalf("ScribeSession after the end = %+v", got)
		}
		// A session ends once.
		_, err = s.EndScribeSession(ctx, acct, healthRegion, d.ID, sub.ID, in.ID, warden.ScribeSessionEnd{Status: warden.ScribeFailed, FailureReason: "x"})
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.EndScribeSession(ctx, acct, healthRegion, d.ID, sub.ID, warden.NewJobID(), warden.ScribeSessionEnd{Status: warden.ScribeFailed})
		wantErr(t, err, warden.ENoSuchEntity, "")
		other := createSubscription(t, s, d)
		second, err := s.CreateScribeSession(ctx, newScribeSession(other))
		noErr(t, err)
		_, err = s.EndScribeSession(ctx, acct, healthRegion, d.ID, other.ID, second.ID, warden.ScribeSessionEnd{Status: warden.ScribeInProgress})
		wantErr(t, err, warden.EValidationError, "")

		// Another account or region does not see it; another subscription
		// may use the same session ID.
		_, err = s.ScribeSession(ctx, newAccount(t, s), healthRegion, d.ID, sub.ID, in.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.ScribeSession(ctx, acct, "us-west-2", d.ID, sub.ID, in.ID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.CreateScribeSession(ctx, newScribeSessionWithID(other, in.ID))
		noErr(t, err)
	})
}

func newScribeSessionWithID(sub *warden.Subscription, id string) *warden.ScribeSession {
	ss := newScribeSession(sub)
	ss.ID = id
	return ss
}

func TestScribeSessionNeedsActiveSubscription(t *testing.T) {
	RunWithStore(t, "active", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		sub := createSubscription(t, s, d)
		_, err := s.SetSubscriptionStatus(ctx, acct, healthRegion, d.ID, sub.ID, warden.SubscriptionInactive)
		noErr(t, err)
		_, err = s.CreateScribeSession(ctx, newScribeSession(sub))
		wantErr(t, err, warden.EValidationError, "")
		missing := newScribeSession(sub)
		missing.SubscriptionID = warden.NewSubscriptionID()
		_, err = s.CreateScribeSession(ctx, missing)
		wantErr(t, err, warden.ENoSuchEntity, "")
		missing.DomainID = warden.NewDomainID()
		_, err = s.CreateScribeSession(ctx, missing)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}

// The quota counts the sessions of the account in the region that stream,
// across domains; one that ends frees its place.
func TestScribeSessionQuota(t *testing.T) {
	RunWithStore(t, "quota", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		subs := []*warden.Subscription{createSubscription(t, s, createDomain(t, s, acct, "a")), createSubscription(t, s, createDomain(t, s, acct, "b"))}
		var first *warden.ScribeSession
		for i := range warden.MaxConcurrentScribeSessions {
			ss, err := s.CreateScribeSession(ctx, newScribeSession(subs[i%2]))
			noErr(t, err)
			if first == nil {
				first = ss
			}
		}
		_, err := s.CreateScribeSession(ctx, newScribeSession(subs[0]))
		wantErr(t, err, warden.ELimitExceeded, "")
		// Another account has its own quota.
		_, err = s.CreateScribeSession(ctx, newScribeSession(createSubscription(t, s, createDomain(t, s, newAccount(t, s), "c"))))
		noErr(t, err)

		_, err = s.EndScribeSession(ctx, acct, healthRegion, first.DomainID, first.SubscriptionID, first.ID, warden.ScribeSessionEnd{Status: warden.ScribeFailed, FailureReason: "gone"})
		noErr(t, err)
		_, err = s.CreateScribeSession(ctx, newScribeSession(subs[1]))
		noErr(t, err)

		n, err := s.FailUnfinishedScribeSessions(ctx, first.CreatedAt, "Warden restarted.")
		noErr(t, err)
		if n != 0 {
			t.Errorf("FailUnfinishedScribeSessions moved %d sessions created after its time", n)
		}
		n, err = s.FailUnfinishedScribeSessions(ctx, time.Now().Add(time.Hour), "Warden restarted.")
		noErr(t, err)
		if n != warden.MaxConcurrentScribeSessions+1 {
			t.Errorf("FailUnfinishedScribeSessions moved %d sessions", n)
		}
		got, err := s.ScribeSession(ctx, acct, healthRegion, first.DomainID, first.SubscriptionID, first.ID)
		noErr(t, err)
		if got.Status != warden.ScribeFailed || got.FailureReason != "gone" {
			t.Errorf("an ended session was changed: %+v", got)
		}
	})
}

func TestListScribeSessions(t *testing.T) {
	RunWithStore(t, "list", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		d := createDomain(t, s, acct, "clinic")
		subs := []*warden.Subscription{createSubscription(t, s, d), createSubscription(t, s, d)}
		var created []*warden.ScribeSession
		for i := range 7 {
			ss, err := s.CreateScribeSession(ctx, newScribeSession(subs[i%2]))
			noErr(t, err)
			created = append(created, ss)
			if i%3 == 0 {
				_, err := s.EndScribeSession(ctx, acct, healthRegion, d.ID, ss.SubscriptionID, ss.ID,
					warden.ScribeSessionEnd{Status: warden.ScribeCompleted, Configuration: []byte(`{"a":1}`)})
				noErr(t, err)
			}
		}
		// Creation order; sessions created in the same microsecond go by
		// subscription and ID.
		slices.SortStableFunc(created, func(a, b *warden.ScribeSession) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.SubscriptionID, b.SubscriptionID), strings.Compare(a.ID, b.ID))
		})
		want := names(created, func(ss *warden.ScribeSession) string { return ss.ID })
		// A session of another domain is not listed.
		_, err := s.CreateScribeSession(ctx, newScribeSession(createSubscription(t, s, createDomain(t, s, acct, "other"))))
		noErr(t, err)
		for _, n := range []int{1, 3, 100} {
			all, _ := collect(t, n, func(opts warden.ListOptions) (*warden.Page[*warden.ScribeSession], error) {
				return s.ListScribeSessions(ctx, acct, healthRegion, d.ID, opts)
			})
			got := names(all, func(ss *warden.ScribeSession) string { return ss.ID })
			if got != want {
				t.Errorf("page size %d: %s, want %s", n, got, want)
			}
			for _, ss := range all {
				if ss.Configuration != nil {
					t.Errorf("a listed session carries its configuration")
				}
			}
		}
		_, err = s.ListScribeSessions(ctx, acct, healthRegion, warden.NewDomainID(), warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.ListScribeSessions(ctx, acct, healthRegion, d.ID, warden.ListOptions{Marker: "bogus"})
		wantErr(t, err, warden.EInvalidInput, "")
	})
}

// The configuration may hold the encounter's clinical context: it must not
// reach the disk in plain text.
func TestScribeConfigurationEncrypted(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, sqlstore.Options{})
	ctx := t.Context()
	acct := newAccount(t, s)
	sub := createSubscription(t, s, createDomain(t, s, acct, "clinic"))
	ss, err := s.CreateScribeSession(ctx, newScribeSession(sub))
	noErr(t, err)
	const secret = "patient-reports-chest-pain-0123456789"
	_, err = s.EndScribeSession(ctx, acct, healthRegion, sub.DomainID, sub.ID, ss.ID, warden.ScribeSessionEnd{Status: warden.ScribeCompleted,
		Configuration: []byte(`{"encounterContext":{"unstructuredContext":"` + secret + `"}}`)})
	noErr(t, err)
	noErr(t, s.Close())
	var all []byte
	for name, data := range readDataFiles(t, dir) {
		if name != sqlstore.KeyFile {
			all = append(all, data...)
		}
	}
	if !bytes.Contains(all, []byte(ss.ID)) {
		t.Fatal("the raw files do not contain the session ID; the scan reads the wrong files")
	}
	if bytes.Contains(all, []byte(secret)) {
		t.Error("the configuration appears in the data files in plain text")
	}
	got, err := openSQLite(t, dir, sqlstore.Options{}).ScribeSession(ctx, acct, healthRegion, sub.DomainID, sub.ID, ss.ID)
	noErr(t, err)
	if !bytes.Contains(got.Configuration, []byte(secret)) {
		t.Errorf("the configuration did not survive a reopen: %s", got.Configuration)
	}
}
