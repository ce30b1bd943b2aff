package sqlstore

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
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

func FuzzKeyringOpen(f *testing.F) {
	k, err := newKeyring(make([]byte, dataKeySize))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("AKIAEXAMPLE", k.seal("AKIAEXAMPLE", []byte("secret")))
	f.Add("", []byte{sealVersion})
	f.Add("x", []byte{})
	f.Fuzz(func(t *testing.T, aad string, sealed []byte) {
		plain, err := k.open(aad, sealed)
		if err != nil {
			return
		}
		// Whatever opens must seal back to something that opens the same.
		again, err := k.open(aad, k.seal(aad, plain))
		if err != nil || string(again) != string(plain) {
			t.Fatalf("round trip of %q failed", plain)
		}
	})
}

func TestKeyringBindsAdditionalData(t *testing.T) {
	k, err := newKeyring(make([]byte, dataKeySize))
	if err != nil {
		t.Fatal(err)
	}
	sealed := k.seal("AKIAONE", []byte("secret"))
	if _, err := k.open("AKIATWO", sealed); err == nil {
		t.Fatal("a secret sealed for one key ID opened under another")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.open("AKIAONE", sealed); err == nil {
		t.Fatal("a tampered secret opened")
	}
	other, _ := newKeyring(append(make([]byte, dataKeySize-1), 1))
	if _, err := other.open("AKIAONE", k.seal("AKIAONE", []byte("secret"))); err == nil {
		t.Fatal("a secret opened under another data key")
	}
}

func TestMigrationsDownAndUp(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fsys, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(t.Context(), 0); err != nil {
		t.Fatalf("migrating down: %v", err)
	}
	if _, err := p.Up(t.Context()); err != nil {
		t.Fatalf("migrating up again: %v", err)
	}
}

// TestMigrationsPerDialect keeps the PostgreSQL schema the same as the
// SQLite one but for the column types and collations that must differ:
// the store's SQL is shared, so the tables and columns must be too.
func TestMigrationsPerDialect(t *testing.T) {
	sqliteFiles, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil || len(sqliteFiles) == 0 {
		t.Fatalf("no SQLite migrations: %v", err)
	}
	for _, path := range sqliteFiles {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			lite, err := fs.ReadFile(migrations, path)
			if err != nil {
				t.Fatal(err)
			}
			pg, err := fs.ReadFile(migrations, "migrations/postgres/"+name)
			if err != nil {
				t.Fatalf("no PostgreSQL counterpart: %v", err)
			}
			normalize := func(b []byte) []string {
				var out []string
				for line := range strings.Lines(string(b)) {
					line = strings.TrimSpace(line)
					if line == "" || strings.HasPrefix(line, "--") && !strings.HasPrefix(line, "-- +goose") {
						continue
					}
					line = strings.ReplaceAll(line, ` COLLATE "C"`, "")
					line = strings.ReplaceAll(line, "BYTEA", "BLOB")
					out = append(out, strings.Join(strings.Fields(line), " "))
				}
				return out
			}
			if a, b := normalize(lite), normalize(pg); !slices.Equal(a, b) {
				t.Fatalf("the dialects' schemas differ beyond types and collations:\nsqlite:   %q\npostgres: %q", a, b)
			}
		})
	}
}
