package sqlstore_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

func TestAccessKeys(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "Alice")
		k1, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(k1.ID) || len(k1.SecretAccessKey) != 40 ||
			k1.UserName != "Alice" || k1.Status != warden.AccessKeyActive || k1.AccountID != acct {
			t.Fatalf("CreateAccessKey = %+v", k1)
		}
		recent(t, "CreateDate", k1.CreateDate)
		k2, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		_, err = s.CreateAccessKey(ctx, acct, "alice")
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")

		page, err := s.ListAccessKeys(ctx, acct, "alice", warden.ListOptions{})
		noErr(t, err)
		if len(page.Items) != 2 {
			t.Fatalf("ListAccessKeys returned %d keys", len(page.Items))
		}
		for _, k := range page.Items {
			if k.SecretAccessKey != "" {
				t.Fatalf("ListAccessKeys leaked a secret: %+v", k)
			}
			if k.ID != k1.ID && k.ID != k2.ID || k.UserName != "Alice" {
				t.Fatalf("unexpected key %+v", k)
			}
		}

		noErr(t, s.UpdateAccessKey(ctx, acct, "alice", k1.ID, warden.AccessKeyInactive))
		got, _, err := s.AccessKey(ctx, k1.ID)
		noErr(t, err)
		if got.Status != warden.AccessKeyInactive || got.SecretAccessKey != k1.SecretAccessKey {
			t.Fatalf("AccessKey after deactivation = %+v", got)
		}
		wantErr(t, s.UpdateAccessKey(ctx, acct, "alice", k1.ID, "Paused"), warden.EValidationError, "")

		noErr(t, s.DeleteAccessKey(ctx, acct, "alice", k1.ID))
		_, _, err = s.AccessKey(ctx, k1.ID)
		wantErr(t, err, warden.ENoSuchEntity, "The Access Key with id "+k1.ID+" cannot be found.")
		// With one key gone, a new one fits.
		_, err = s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
	})

	RunWithStore(t, "OwnerMismatch", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		createUser(t, s, acct, "bob")
		k, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		msg := "The Access Key with id " + k.ID + " cannot be found."
		// Another user's key, the root user's keys and another account's
		// view are all "not found".
		wantErr(t, s.UpdateAccessKey(ctx, acct, "bob", k.ID, warden.AccessKeyInactive), warden.ENoSuchEntity, msg)
		wantErr(t, s.DeleteAccessKey(ctx, acct, "bob", k.ID), warden.ENoSuchEntity, msg)
		wantErr(t, s.DeleteAccessKey(ctx, acct, "", k.ID), warden.ENoSuchEntity, msg)
		_, err = s.AccessKeyLastUsed(ctx, newAccount(t, s), k.ID)
		wantErr(t, err, warden.ENoSuchEntity, msg)
		_, err = s.CreateAccessKey(ctx, acct, "ghost")
		wantErr(t, err, warden.ENoSuchEntity, "The user with name ghost cannot be found.")
		_, err = s.ListAccessKeys(ctx, acct, "ghost", warden.ListOptions{})
		wantErr(t, err, warden.ENoSuchEntity, "The user with name ghost cannot be found.")
	})

	RunWithStore(t, "RootKeys", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		_, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		r1, err := s.CreateAccessKey(ctx, acct, "")
		noErr(t, err)
		_, err = s.CreateAccessKey(ctx, acct, "")
		noErr(t, err)
		_, err = s.CreateAccessKey(ctx, acct, "")
		wantErr(t, err, warden.ELimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
		page, err := s.ListAccessKeys(ctx, acct, "", warden.ListOptions{MaxItems: 1})
		noErr(t, err)
		if len(page.Items) != 1 || !page.IsTruncated || page.Items[0].UserName != "" {
			t.Fatalf("root keys page = %+v", page)
		}
		_, principal, err := s.AccessKey(ctx, r1.ID)
		noErr(t, err)
		if principal.Kind != warden.PrincipalRoot || principal.ARN != "arn:aws:iam::"+acct+":root" {
			t.Fatalf("root key principal = %+v", principal)
		}
		_, err = s.CreateAccessKey(ctx, "000000000000", "")
		wantErr(t, err, warden.ENoSuchEntity, "The account with id 000000000000 cannot be found.")
	})

	RunWithStore(t, "LastUsed", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		k, err := s.CreateAccessKey(ctx, acct, "alice")
		noErr(t, err)
		used, err := s.AccessKeyLastUsed(ctx, acct, k.ID)
		noErr(t, err)
		if !used.Date.IsZero() || used.UserName != "alice" {
			t.Fatalf("never-used key = %+v", used)
		}
		at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		noErr(t, s.RecordAccessKeyUse(ctx, k.ID, "iam", "us-east-1", at))
		// A repeat within a minute for the same service and region is
		// coalesced; a different service is written at once.
		noErr(t, s.RecordAccessKeyUse(ctx, k.ID, "iam", "us-east-1", at.Add(30*time.Second)))
		used, err = s.AccessKeyLastUsed(ctx, acct, k.ID)
		noErr(t, err)
		if !used.Date.Equal(at) || used.ServiceName != "iam" || used.Region != "us-east-1" {
			t.Fatalf("after coalesced use = %+v", used)
		}
		noErr(t, s.RecordAccessKeyUse(ctx, k.ID, "sts", "eu-west-1", at.Add(40*time.Second)))
		noErr(t, s.RecordAccessKeyUse(ctx, k.ID, "sts", "eu-west-1", at.Add(2*time.Minute)))
		used, err = s.AccessKeyLastUsed(ctx, acct, k.ID)
		noErr(t, err)
		if !used.Date.Equal(at.Add(2*time.Minute)) || used.ServiceName != "sts" || used.Region != "eu-west-1" {
			t.Fatalf("after later use = %+v", used)
		}
		wantErr(t, s.RecordAccessKeyUse(ctx, "AKIANOSUCHKEY0000000", "iam", "us-east-1", at), warden.ENoSuchEntity, "")
	})
}
