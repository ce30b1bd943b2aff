package sqlstore

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

func TestPragmas(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tt := range []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{s.write, "journal_mode", "wal"},
		{s.write, "synchronous", "2"}, // FULL
		{s.write, "foreign_keys", "1"},
		{s.write, "busy_timeout", "5000"},
		{s.read, "query_only", "1"},
		{s.read, "foreign_keys", "1"},
	} {
		var got string
		if err := tt.db.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
		}
	}
	if s.write.Stats().MaxOpenConnections != 1 {
		t.Errorf("write pool allows %d connections", s.write.Stats().MaxOpenConnections)
	}
	// The read pool cannot write, whatever a bug upstream asks of it.
	if _, err := s.read.ExecContext(t.Context(), `DELETE FROM accounts`); err == nil {
		t.Error("the read pool accepted a write")
	}
}

// TestRetryOnBusy holds the database's write lock from another connection
// (as another process would) for longer than the busy timeout: the first
// attempt fails with SQLITE_BUSY, and withTx retries until the lock is
// released.
func TestRetryOnBusy(t *testing.T) {
	defer func(d time.Duration) { busyTimeout = d }(busyTimeout)
	busyTimeout = 20 * time.Millisecond
	dir := t.TempDir()
	s, err := Open(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DatabaseFile)+"?_busy_timeout=0&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(150 * time.Millisecond)
		tx.Rollback()
		close(released)
	}()

	start := time.Now()
	if _, err := s.CreateAccount(t.Context(), "123456789012"); err != nil {
		t.Fatalf("CreateAccount while another connection held the lock: %v", err)
	}
	select {
	case <-released:
	default:
		t.Fatalf("CreateAccount returned after %v, before the lock was released", time.Since(start))
	}

	// Held longer than all attempts together, the lock makes the write fail
	// with the engine's error, not a domain one.
	tx, err = other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = s.CreateAccount(t.Context(), "")
	if err == nil || warden.ErrorCode(err) != warden.EInternalFailure || !sqliteDialect.retryable(err) {
		t.Fatalf("CreateAccount under a held lock = %v; want a busy error after the retries", err)
	}
}

func TestKeyUseLog(t *testing.T) {
	var l keyUseLog
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		use  keyUse
		want bool
	}{
		{keyUse{"iam", "us-east-1", at}, true},
		{keyUse{"iam", "us-east-1", at.Add(59 * time.Second)}, false},
		{keyUse{"iam", "eu-west-1", at.Add(59 * time.Second)}, true},
		{keyUse{"iam", "eu-west-1", at.Add(2 * time.Minute)}, true},
		{keyUse{"iam", "eu-west-1", at}, true}, // a clock that went back is recorded
	} {
		if got := l.due("AKIA", tt.use); got != tt.want {
			t.Fatalf("due(%+v) = %v, want %v", tt.use, got, tt.want)
		}
	}
}

func TestAuthCacheGenerations(t *testing.T) {
	c := newAuthCache()
	pp := &warden.PrincipalPolicies{}
	c.putPrincipalPolicies(3, "a", pp)
	if got, ok := c.principalPolicies(3, "a"); !ok || got != pp {
		t.Fatal("entry of the current generation not found")
	}
	if _, ok := c.principalPolicies(4, "a"); ok {
		t.Fatal("entry of an older generation answered")
	}
	// A loader that read before generation 4 must not store its result
	// once the cache has moved on.
	c.putPrincipalPolicies(4, "b", pp)
	c.putPrincipalPolicies(3, "a", pp)
	if _, ok := c.principalPolicies(4, "a"); ok {
		t.Fatal("stale result stored under a newer generation")
	}
	if _, ok := c.principalPolicies(4, "b"); !ok {
		t.Fatal("current entry lost")
	}
}
