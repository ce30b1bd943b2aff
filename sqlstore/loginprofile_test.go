package sqlstore_test

import (
	"testing"

	"github.com/warden-iam/warden"
)

func TestLoginProfiles(t *testing.T) {
	RunWithStore(t, "OK", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		createUser(t, s, acct, "Alice")
		p, err := s.CreateLoginProfile(ctx, acct, "alice", "first password", true)
		noErr(t, err)
		if p.UserName != "Alice" || !p.PasswordResetRequired {
			t.Fatalf("CreateLoginProfile = %+v", p)
		}
		recent(t, "CreateDate", p.CreateDate)
		got, err := s.LoginProfile(ctx, acct, "ALICE")
		noErr(t, err)
		if *got != *p {
			t.Fatalf("LoginProfile = %+v, want %+v", got, p)
		}
		_, err = s.CreateLoginProfile(ctx, acct, "alice", "other", false)
		wantErr(t, err, warden.EEntityAlreadyExists, "Login Profile for User Alice already exists.")

		for _, tt := range []struct {
			password string
			want     bool
		}{{"first password", true}, {"First password", false}, {"", false}} {
			ok, err := s.VerifyPassword(ctx, acct, "alice", tt.password)
			noErr(t, err)
			if ok != tt.want {
				t.Fatalf("VerifyPassword(%q) = %v", tt.password, ok)
			}
		}

		noErr(t, s.UpdateLoginProfile(ctx, acct, "alice", warden.UpdateLoginProfileInput{PasswordResetRequired: new(false)}))
		ok, err := s.VerifyPassword(ctx, acct, "alice", "first password")
		noErr(t, err)
		if !ok {
			t.Fatal("changing only the reset flag changed the password")
		}
		noErr(t, s.UpdateLoginProfile(ctx, acct, "alice", warden.UpdateLoginProfileInput{Password: new("second password")}))
		if ok, _ := s.VerifyPassword(ctx, acct, "alice", "first password"); ok {
			t.Fatal("old password still accepted")
		}
		if ok, _ := s.VerifyPassword(ctx, acct, "alice", "second password"); !ok {
			t.Fatal("new password rejected")
		}
		got, err = s.LoginProfile(ctx, acct, "alice")
		noErr(t, err)
		if got.PasswordResetRequired {
			t.Fatal("reset flag came back")
		}

		noErr(t, s.DeleteLoginProfile(ctx, acct, "alice"))
		msg := "Login Profile for User Alice cannot be found."
		_, err = s.LoginProfile(ctx, acct, "alice")
		wantErr(t, err, warden.ENoSuchEntity, msg)
		wantErr(t, s.DeleteLoginProfile(ctx, acct, "alice"), warden.ENoSuchEntity, msg)
		wantErr(t, s.UpdateLoginProfile(ctx, acct, "alice", warden.UpdateLoginProfileInput{}), warden.ENoSuchEntity, msg)
		_, err = s.VerifyPassword(ctx, acct, "alice", "second password")
		wantErr(t, err, warden.ENoSuchEntity, msg)
	})

	RunWithStore(t, "Errors", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		_, err := s.CreateLoginProfile(ctx, acct, "ghost", "pw", false)
		wantErr(t, err, warden.ENoSuchEntity, "The user with name ghost cannot be found.")
		createUser(t, s, acct, "alice")
		_, err = s.CreateLoginProfile(ctx, acct, "alice", "", false)
		wantErr(t, err, warden.EValidationError, "")
		_, err = s.CreateLoginProfile(ctx, acct, "alice", "bad\x00password", false)
		wantErr(t, err, warden.EValidationError, "")
	})
}
