package sqlstore_test

import (
	"bytes"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// roleParent returns the role as the principal a role session stands for.
func roleParent(r *warden.Role) warden.Principal {
	return warden.Principal{Kind: warden.PrincipalRole, AccountID: r.AccountID, ARN: r.ARN, ID: r.ID, Name: r.Name, Path: r.Path}
}

func TestSessions(t *testing.T) {
	RunWithStore(t, "issue and resolve", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		role := createRole(t, s, acct, "reader")
		in := warden.CreateSessionInput{
			Kind: warden.SessionAssumedRole, Parent: roleParent(role), Name: "alice-session", SourceIdentity: "alice",
			Tags: []warden.Tag{{Key: "team", Value: "care"}, {Key: "shift", Value: "day"}}, TransitiveTagKeys: []string{"team"},
			Policies:           []warden.SessionPolicy{{Name: warden.InlineSessionPolicy, Document: doc("iam:GetUser")}},
			MFAAuthenticatedAt: time.Now().Add(-time.Minute), Duration: time.Hour, Region: "eu-west-1",
		}
		sess, err := s.CreateSession(ctx, in)
		noErr(t, err)
		if !warden.IsTemporaryAccessKeyID(sess.AccessKeyID) || len(sess.AccessKeyID) != 20 || sess.Token == "" || sess.SecretAccessKey == "" {
			t.Fatalf("credentials %q %q %q", sess.AccessKeyID, sess.SecretAccessKey, sess.Token)
		}
		recent(t, "IssuedAt", sess.IssuedAt)
		if sess.Expires.Sub(sess.IssuedAt) != time.Hour {
			t.Errorf("lifetime %v", sess.Expires.Sub(sess.IssuedAt))
		}

		key, p, err := s.AccessKey(ctx, sess.AccessKeyID)
		noErr(t, err)
		if key.SecretAccessKey != sess.SecretAccessKey || key.Status != warden.AccessKeyActive || key.AccountID != acct {
			t.Errorf("key = %+v", key)
		}
		got := p.Session
		if p.Kind != warden.PrincipalAssumedRole || p.ARN != "arn:aws:sts::"+acct+":assumed-role/reader/alice-session" || p.ID != role.ID+":alice-session" {
			t.Errorf("principal = %+v", p)
		}
		if got.Token != "" || got.TokenSHA256 != warden.SessionTokenDigest(sess.Token) {
			t.Error("the lookup must carry the token's digest and never the token")
		}
		if got.Parent.ARN != role.ARN || got.SourceIdentity != "alice" || !slices.Equal(got.Tags, in.Tags) ||
			!slices.Equal(got.TransitiveTagKeys, in.TransitiveTagKeys) || !slices.Equal(got.Policies, in.Policies) {
			t.Errorf("session = %+v", got)
		}
		if !got.MFAAuthenticatedAt.Equal(in.MFAAuthenticatedAt.Truncate(time.Microsecond)) || !got.Expires.Equal(sess.Expires) || !got.IssuedAt.Equal(sess.IssuedAt) {
			t.Errorf("times: mfa %v issued %v expires %v", got.MFAAuthenticatedAt, got.IssuedAt, got.Expires)
		}
		if p.PolicyARN() != role.ARN {
			t.Errorf("PolicyARN = %s", p.PolicyARN())
		}
		r, err := s.Role(ctx, acct, "reader")
		noErr(t, err)
		if r.LastUsed == nil || r.LastUsed.Region != "eu-west-1" || !r.LastUsed.Date.Equal(sess.IssuedAt) {
			t.Errorf("RoleLastUsed = %+v", r.LastUsed)
		}
	})

	RunWithStore(t, "user and root sessions", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		u := createUser(t, s, acct, "bob")
		user := warden.Principal{Kind: warden.PrincipalUser, AccountID: acct, ARN: u.ARN, ID: u.ID, Name: u.Name, Path: u.Path}
		root := warden.Principal{Kind: warden.PrincipalRoot, AccountID: acct, ARN: warden.RootARN(acct), ID: acct}
		for _, tt := range []struct {
			kind    warden.SessionKind
			parent  warden.Principal
			name    string
			wantARN string
		}{
			{warden.SessionToken, user, "", u.ARN},
			{warden.SessionToken, root, "", warden.RootARN(acct)},
			{warden.SessionFederatedUser, user, "fed", "arn:aws:sts::" + acct + ":federated-user/fed"},
			{warden.SessionFederatedUser, root, "fed2", "arn:aws:sts::" + acct + ":federated-user/fed2"},
		} {
			sess, err := s.CreateSession(ctx, warden.CreateSessionInput{Kind: tt.kind, Parent: tt.parent, Name: tt.name, Duration: 15 * time.Minute})
			noErr(t, err)
			_, p, err := s.AccessKey(ctx, sess.AccessKeyID)
			noErr(t, err)
			if p.ARN != tt.wantARN || p.Session.Kind != tt.kind || p.Session.Parent.ARN != tt.parent.ARN || p.AccountID != acct {
				t.Errorf("%s of %s: principal %+v", tt.kind, tt.parent.ARN, p)
			}
		}
	})

	RunWithStore(t, "deleting the parent ends its sessions", func(t *testing.T, s warden.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		role := createRole(t, s, acct, "temp")
		u := createUser(t, s, acct, "carol")
		roleSession, err := s.CreateSession(ctx, warden.CreateSessionInput{Kind: warden.SessionAssumedRole, Parent: roleParent(role), Name: "s", Duration: time.Hour})
		noErr(t, err)
		userSession, err := s.CreateSession(ctx, warden.CreateSessionInput{Kind: warden.SessionToken,
			Parent: warden.Principal{Kind: warden.PrincipalUser, AccountID: acct, ARN: u.ARN, ID: u.ID, Name: u.Name, Path: u.Path}, Duration: time.Hour})
		noErr(t, err)
		for _, id := range []string{roleSession.AccessKeyID, userSession.AccessKeyID} {
			_, _, err := s.AccessKey(ctx, id) // cached from here on
			noErr(t, err)
		}
		noErr(t, s.DeleteRole(ctx, acct, "temp"))
		noErr(t, s.DeleteUser(ctx, acct, "carol"))
		for _, id := range []string{roleSession.AccessKeyID, userSession.AccessKeyID} {
			_, _, err := s.AccessKey(ctx, id)
			wantErr(t, err, warden.ENoSuchEntity, "The Access Key with id "+id+" cannot be found.")
		}
		// A role of the same name is another role: the old sessions stay
		// ended, and it cannot be assumed in the old role's name.
		again := createRole(t, s, acct, "temp")
		_, _, err = s.AccessKey(ctx, roleSession.AccessKeyID)
		wantErr(t, err, warden.ENoSuchEntity, "")
		_, err = s.CreateSession(ctx, warden.CreateSessionInput{Kind: warden.SessionAssumedRole, Parent: roleParent(role), Name: "s", Duration: time.Hour})
		wantErr(t, err, warden.ENoSuchEntity, "The principal "+role.ARN+" cannot be found.")
		_, err = s.CreateSession(ctx, warden.CreateSessionInput{Kind: warden.SessionAssumedRole, Parent: roleParent(again), Name: "s", Duration: time.Hour})
		noErr(t, err)
	})

	RunWithStore(t, "malformed input", func(t *testing.T, s warden.Store) {
		acct := newAccount(t, s)
		role := createRole(t, s, acct, "r")
		for name, in := range map[string]warden.CreateSessionInput{
			"role as federated user": {Kind: warden.SessionFederatedUser, Parent: roleParent(role), Name: "x", Duration: time.Hour},
			"no duration":            {Kind: warden.SessionAssumedRole, Parent: roleParent(role), Name: "x"},
			"unknown kind":           {Kind: "Other", Parent: roleParent(role), Duration: time.Hour},
		} {
			if _, err := s.CreateSession(t.Context(), in); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

// Expired sessions are still resolved (the verifier answers ExpiredToken)
// until a day after expiry, when issuing another session purges them.
func TestSessionPurge(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := openSQLite(t, t.TempDir(), sqlstore.Options{Now: clock, DisableCache: true})
	ctx := t.Context()
	acct := newAccount(t, s)
	role := createRole(t, s, acct, "r")
	in := warden.CreateSessionInput{Kind: warden.SessionAssumedRole, Parent: roleParent(role), Name: "s", Duration: 15 * time.Minute}
	old, err := s.CreateSession(ctx, in)
	noErr(t, err)

	mu.Lock()
	now = now.Add(15*time.Minute + 23*time.Hour)
	mu.Unlock()
	_, err = s.CreateSession(ctx, in)
	noErr(t, err)
	_, p, err := s.AccessKey(ctx, old.AccessKeyID)
	noErr(t, err)
	if !p.Session.Expires.Before(clock()) {
		t.Fatal("the old session should have expired")
	}

	mu.Lock()
	now = now.Add(time.Hour + time.Second)
	mu.Unlock()
	_, err = s.CreateSession(ctx, in)
	noErr(t, err)
	_, _, err = s.AccessKey(ctx, old.AccessKeyID)
	wantErr(t, err, warden.ENoSuchEntity, "")
}

// Neither a session's secret nor its token is in the data files: the
// secret is sealed and only a digest of the token is kept.
func TestSessionSecretsAtRest(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, sqlstore.Options{})
	acct := newAccount(t, s)
	role := createRole(t, s, acct, "r")
	sess, err := s.CreateSession(t.Context(), warden.CreateSessionInput{Kind: warden.SessionAssumedRole, Parent: roleParent(role), Name: "s", Duration: time.Hour})
	noErr(t, err)
	noErr(t, s.Close())
	var all []byte
	for name, data := range readDataFiles(t, dir) {
		if name != sqlstore.KeyFile {
			all = append(all, data...)
		}
	}
	if !bytes.Contains(all, []byte(sess.AccessKeyID)) {
		t.Fatal("the data files do not contain the session's key ID; the scan reads the wrong files")
	}
	for what, secret := range map[string]string{"secret": sess.SecretAccessKey, "token": sess.Token} {
		if bytes.Contains(all, []byte(secret)) {
			t.Errorf("the session %s is in the data files in plain text", what)
		}
	}
}

func TestSealedMessages(t *testing.T) {
	s := openSQLite(t, t.TempDir(), sqlstore.Options{})
	sealed := s.SealMessage("purpose one", []byte("the message"))
	if bytes.Contains(sealed, []byte("the message")) {
		t.Fatal("sealed message is readable")
	}
	got, err := s.OpenMessage("purpose one", sealed)
	noErr(t, err)
	if string(got) != "the message" {
		t.Errorf("opened %q", got)
	}
	if _, err := s.OpenMessage("purpose two", sealed); err == nil {
		t.Error("a message opened for another purpose")
	}
	other := openSQLite(t, t.TempDir(), sqlstore.Options{})
	if _, err := other.OpenMessage("purpose one", sealed); err == nil {
		t.Error("another installation opened the message")
	}
}
