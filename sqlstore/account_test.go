package sqlstore_test

import (
	"regexp"
	"testing"

	"github.com/warden-iam/warden"
)

func TestBootstrap(t *testing.T) {
	RunWithStore(t, "OK", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		_, err := s.Endpoint(ctx)
		wantErr(t, err, warden.ENoSuchEntity, "Warden has not been bootstrapped.")

		b, err := s.Bootstrap(ctx, warden.BootstrapInput{AccountAlias: "acme", URL: "https://iam.example.test", Region: "eu-west-1"})
		noErr(t, err)
		if !regexp.MustCompile(`^[0-9]{12}$`).MatchString(b.Account.ID) || b.Account.Alias != "acme" {
			t.Fatalf("account = %+v", b.Account)
		}
		recent(t, "account CreateDate", b.Account.CreateDate)
		key := b.RootAccessKey
		if key.UserName != "" || key.AccountID != b.Account.ID || key.Status != warden.AccessKeyActive || len(key.SecretAccessKey) != 40 {
			t.Fatalf("root key = %+v", key)
		}

		ep, err := s.Endpoint(ctx)
		noErr(t, err)
		if *ep != *b.Endpoint || ep.AccountID != b.Account.ID || ep.URL != "https://iam.example.test" || ep.Region != "eu-west-1" {
			t.Fatalf("Endpoint = %+v, bootstrap returned %+v", ep, b.Endpoint)
		}

		// The root key signs as the root user.
		got, principal, err := s.AccessKey(ctx, key.ID)
		noErr(t, err)
		if got.SecretAccessKey != key.SecretAccessKey || principal.Kind != warden.PrincipalRoot ||
			principal.ARN != "arn:aws:iam::"+b.Account.ID+":root" || principal.ID != b.Account.ID {
			t.Fatalf("AccessKey = %+v, %+v", got, principal)
		}

		_, err = s.Bootstrap(ctx, warden.BootstrapInput{})
		wantErr(t, err, warden.EEntityAlreadyExists, "Warden is already bootstrapped with account "+b.Account.ID+".")

		ep, err = s.UpdateEndpoint(ctx, "https://other.test", "us-east-1")
		noErr(t, err)
		if ep.URL != "https://other.test" || ep.Region != "us-east-1" || ep.AccountID != b.Account.ID {
			t.Fatalf("UpdateEndpoint = %+v", ep)
		}
	})

	RunWithStore(t, "GivenAccountID", func(t *testing.T, s warden.Store) {
		b, err := s.Bootstrap(t.Context(), warden.BootstrapInput{AccountID: "111122223333"})
		noErr(t, err)
		if b.Account.ID != "111122223333" {
			t.Fatalf("account ID = %s", b.Account.ID)
		}
	})

	RunWithStore(t, "ErrInvalidAccountID", func(t *testing.T, s warden.Store) {
		_, err := s.Bootstrap(t.Context(), warden.BootstrapInput{AccountID: "1234"})
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.UpdateEndpoint(t.Context(), "x", "y")
		wantErr(t, err, warden.ENoSuchEntity, "Warden has not been bootstrapped.")
	})

	RunWithStore(t, "RolledBackOnConflict", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		noErr(t, s.CreateAccountAlias(ctx, newAccount(t, s), "taken"))
		_, err := s.Bootstrap(ctx, warden.BootstrapInput{AccountID: "444455556666", AccountAlias: "taken"})
		wantErr(t, err, warden.EEntityAlreadyExists, "The account alias taken already exists.")
		// Nothing of the failed bootstrap remains.
		_, err = s.Account(ctx, "444455556666")
		wantErr(t, err, warden.ENoSuchEntity, "The account with id 444455556666 cannot be found.")
		_, err = s.Endpoint(ctx)
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}

func TestAccounts(t *testing.T) {
	RunWithStore(t, "CRUD", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		a, err := s.CreateAccount(ctx, "123456789012")
		noErr(t, err)
		got, err := s.Account(ctx, "123456789012")
		noErr(t, err)
		if *got != *a {
			t.Fatalf("Account = %+v, want %+v", got, a)
		}
		if got.RootARN() != "arn:aws:iam::123456789012:root" {
			t.Fatalf("RootARN = %s", got.RootARN())
		}
		_, err = s.CreateAccount(ctx, "123456789012")
		wantErr(t, err, warden.EEntityAlreadyExists, "The account with id 123456789012 already exists.")
		_, err = s.CreateAccount(ctx, "12345678901x")
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.Account(ctx, "999999999999")
		wantErr(t, err, warden.ENoSuchEntity, "The account with id 999999999999 cannot be found.")
	})

	RunWithStore(t, "List", func(t *testing.T, s warden.Store) {
		want := map[string]bool{}
		for range 5 {
			want[newAccount(t, s)] = true
		}
		all, pages := collect(t, 2, func(o warden.ListOptions) (*warden.Page[*warden.Account], error) {
			return s.ListAccounts(t.Context(), o)
		})
		if len(all) != 5 || pages != 3 {
			t.Fatalf("listed %d accounts in %d pages, want 5 in 3", len(all), pages)
		}
		for i, a := range all {
			if !want[a.ID] || i > 0 && all[i-1].ID >= a.ID {
				t.Fatalf("unexpected or unordered account %s", a.ID)
			}
		}
	})

	RunWithStore(t, "Alias", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct, other := newAccount(t, s), newAccount(t, s)
		noErr(t, s.CreateAccountAlias(ctx, acct, "first"))
		noErr(t, s.CreateAccountAlias(ctx, acct, "second")) // replaces
		a, err := s.Account(ctx, acct)
		noErr(t, err)
		if a.Alias != "second" {
			t.Fatalf("alias = %q", a.Alias)
		}
		noErr(t, s.CreateAccountAlias(ctx, acct, "second")) // idempotent for the owner
		wantErr(t, s.CreateAccountAlias(ctx, other, "second"), warden.EEntityAlreadyExists, "The account alias second already exists.")
		wantErr(t, s.CreateAccountAlias(ctx, other, "Bad_Alias"), warden.EValidationError, "")
		wantErr(t, s.CreateAccountAlias(ctx, "000000000000", "fresh"), warden.ENoSuchEntity, "")
		wantErr(t, s.DeleteAccountAlias(ctx, acct, "first"), warden.ENoSuchEntity, "The account alias first cannot be found.")
		noErr(t, s.DeleteAccountAlias(ctx, acct, "second"))
		noErr(t, s.CreateAccountAlias(ctx, other, "second")) // free again
	})

	RunWithStore(t, "Summary", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "alice")
		createUser(t, s, acct, "bob")
		createGroup(t, s, acct, "admins")
		createRole(t, s, acct, "worker")
		p := createPolicy(t, s, acct, "p")
		noErr(t, s.AttachPolicy(ctx, acct, warden.UserIdentity("alice"), p.ARN))
		noErr(t, s.AttachPolicy(ctx, acct, warden.RoleIdentity("worker"), readOnlyARN))
		_, err := s.CreateAccessKey(ctx, acct, "")
		noErr(t, err)
		_, err = s.CreateVirtualMFADevice(ctx, acct, "dev", "")
		noErr(t, err)
		newAccount(t, s) // other accounts do not count

		sum, err := s.AccountSummary(ctx, acct)
		noErr(t, err)
		for key, want := range map[string]int{
			"Users": 2, "Groups": 1, "Roles": 1, "Policies": 1, "PolicyVersionsInUse": 2, "MFADevices": 1, "MFADevicesInUse": 0,
			"AccountAccessKeysPresent": 1, "UsersQuota": 5000, "AccessKeysPerUserQuota": 2, "VersionsPerPolicyQuota": 5,
			"AttachedPoliciesPerRoleQuota": 10, "PolicySizeQuota": 6144, "AssumeRolePolicySizeQuota": 2048,
		} {
			if sum[key] != want {
				t.Errorf("summary[%s] = %d, want %d", key, sum[key], want)
			}
		}
		_, err = s.AccountSummary(ctx, "000000000000")
		wantErr(t, err, warden.ENoSuchEntity, "")
	})
}
