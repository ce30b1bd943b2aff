// Package sqlstore keeps Warden's IAM data in SQL: it implements
// warden.Store on database/sql, today with SQLite (modernc.org/sqlite, pure
// Go) in a data directory, written so that PostgreSQL can follow without a
// redesign: the SQL is the subset both engines accept ($N placeholders,
// ON CONFLICT, RETURNING, TEXT IDs, BIGINT unix-microsecond times), and each
// dialect has its own goose migrations under migrations/.
//
// The data directory holds the database (warden.db, in WAL mode) and the
// data key (warden.key, mode 0600) under which access-key secrets and MFA
// seeds are sealed with AES-256-GCM. Losing the key loses those secrets;
// back the two up together.
//
// Writes go through one connection in BEGIN IMMEDIATE transactions with
// synchronous=FULL, so a write is on disk before it is acknowledged; reads
// use a separate pool and never wait for the writer. The lookups every
// request makes (access keys, principal policies, Connect Health domains)
// are cached in memory and the cache is dropped by every write that could
// change them.
package sqlstore

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/warden-iam/warden"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// File names inside the data directory.
const (
	DatabaseFile = "warden.db"
	KeyFile      = "warden.key"
)

// busyTimeout is how long a statement waits for another connection's lock
// (another process's write transaction, a checkpoint) before SQLite reports
// SQLITE_BUSY and withTx retries the transaction.
var busyTimeout = 5 * time.Second

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Options configure a Store. The zero value is usable.
type Options struct {
	// AWSManagedPolicies resolves arn:aws:iam::aws:policy/… ARNs. Without
	// it the store knows no AWS managed policies.
	AWSManagedPolicies warden.AWSManagedPolicySource
	// Quotas are the limits the store enforces; nil means
	// warden.DefaultQuotas().
	Quotas *warden.Quotas
	// DisableCache turns off the authorization cache (for benchmarks and
	// for comparing cached with uncached answers in tests).
	DisableCache bool
	// SyncInterval bounds how stale cached answers can be after a write by
	// another process sharing the data directory (an admin command run
	// beside the server): this often, the store reads the generation that
	// every write bumps. Writes through this Store are seen at once.
	// Zero means one second, which is within the delay AWS documents for
	// IAM changes to take effect ("Changes that I make are not always
	// immediately visible", IAM User Guide, Troubleshooting IAM).
	SyncInterval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives operational messages; nil means slog.Default().
	Logger *slog.Logger
}

// Store implements warden.Store on a SQL database.
type Store struct {
	dir     string
	dialect dialect
	write   *sql.DB // one connection: SQLite has one writer at a time
	read    *sql.DB
	// Prepared statements of each pool.
	writeStmts, readStmts *stmtCache

	keys   *keyring
	quotas warden.Quotas
	now    func() time.Time
	log    *slog.Logger
	aws    warden.AWSManagedPolicySource
	// awsCatalogue is the AWS managed policies in ListPolicies order.
	awsCatalogue []*warden.AWSManagedPolicy

	// generation counts committed writes that can change an authorization
	// answer; cache entries remember the generation they were read at.
	generation atomic.Uint64
	cache      *authCache // nil when disabled
	// controls caches OrganizationControls when cache is not nil.
	controls controlsCache
	// stopSync ends the goroutine that picks up other processes' writes;
	// syncDone is closed when it has.
	stopSync context.CancelFunc
	syncDone chan struct{}
	keyUse   keyUseLog
}

var _ warden.Store = (*Store)(nil)

// Open opens the store in the data directory dir, creating the directory,
// the data key and the database as needed and migrating the schema to the
// newest version.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	keys, err := loadOrCreateKeyring(filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s := &Store{
		dir:     dir,
		dialect: sqliteDialect,
		keys:    keys,
		aws:     opts.AWSManagedPolicies,
		quotas:  warden.DefaultQuotas(),
		now:     time.Now,
		log:     slog.Default(),
	}
	if s.aws != nil {
		s.awsCatalogue = slices.SortedFunc(slices.Values(s.aws.AWSManagedPolicies()), func(a, b *warden.AWSManagedPolicy) int {
			return strings.Compare(nameKey(a.Policy.Name), nameKey(b.Policy.Name))
		})
	}
	if opts.Quotas != nil {
		s.quotas = *opts.Quotas
	}
	if opts.Now != nil {
		s.now = opts.Now
	}
	if opts.Logger != nil {
		s.log = opts.Logger
	}
	if !opts.DisableCache {
		s.cache = newAuthCache()
	}
	if err := s.openSQLite(ctx, filepath.Join(dir, DatabaseFile)); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	syncCtx, stop := context.WithCancel(context.Background())
	s.stopSync, s.syncDone = stop, make(chan struct{})
	go s.syncGenerations(syncCtx, cmp.Or(opts.SyncInterval, time.Second))
	return s, nil
}

// openSQLite opens the two pools on the database file, migrates it and
// checks that it belongs with the data key.
func (s *Store) openSQLite(ctx context.Context, path string) error {
	// synchronous=FULL makes SQLite fsync the WAL at every commit, so an
	// acknowledged IAM write survives power loss and not only a crashed
	// process (NORMAL would survive the latter only). IAM writes come at
	// administrator pace; the fsync costs them a millisecond or so, and
	// reads none.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" +
		"_busy_timeout=" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) +
		"&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1"
	var err error
	if s.write, err = sql.Open("sqlite", base+"&_txlock=immediate"); err != nil {
		return err
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)
	s.writeStmts = newStmtCache(s.write)

	// Migrate before the read pool opens: a read-only connection cannot
	// switch a new file to WAL.
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if s.read, err = sql.Open("sqlite", base+"&_query_only=1"); err != nil {
		return err
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	s.read.SetMaxOpenConns(readers)
	s.read.SetMaxIdleConns(readers)
	s.readStmts = newStmtCache(s.read)
	if err := s.read.PingContext(ctx); err != nil {
		return err
	}
	return s.checkKey(ctx)
}

// migrate brings the schema to the newest version. goose runs each
// migration file in a transaction, so an interrupted migration leaves the
// previous version intact.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+s.dialect.name)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(s.dialect.goose, s.write, fsys,
		goose.WithSlog(s.log), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating %s: %w", s.dialect.name, err)
	}
	return nil
}

// checkKey records the data key's fingerprint in a new database, or checks
// it against the one recorded: a database opened with a different key would
// otherwise fail only when a secret is first read.
func (s *Store) checkKey(ctx context.Context) error {
	want := s.keys.fingerprint()
	if _, err := s.write.ExecContext(ctx, `INSERT INTO store_state (id, generation, key_check) VALUES (1, 0, $1)
		ON CONFLICT (id) DO NOTHING`, want); err != nil {
		return err
	}
	var got string
	var generation uint64
	if err := s.write.QueryRowContext(ctx, `SELECT key_check, generation FROM store_state WHERE id = 1`).Scan(&got, &generation); err != nil {
		return err
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		return fmt.Errorf("the data key %s does not belong to the database %s: restore the key file it was created with",
			filepath.Join(s.dir, KeyFile), filepath.Join(s.dir, DatabaseFile))
	}
	s.generation.Store(generation)
	return nil
}

// syncGenerations picks up writes made by other processes: every
// interval it reads the stored generation and advances the in-memory one,
// which drops cached answers older than those writes. Polling keeps the
// request path down to an atomic load.
func (s *Store) syncGenerations(ctx context.Context, interval time.Duration) {
	defer close(s.syncDone)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		var generation uint64
		if err := s.read.QueryRowContext(ctx, `SELECT generation FROM store_state WHERE id = 1`).Scan(&generation); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("sqlstore: reading the store generation", "err", err)
			}
			continue
		}
		s.advanceGeneration(generation)
	}
}

// Close closes the database. Every acknowledged write is already durable.
func (s *Store) Close() error {
	if s.stopSync != nil {
		s.stopSync()
		<-s.syncDone
	}
	var errs []error
	for _, c := range []*stmtCache{s.readStmts, s.writeStmts} {
		if c != nil {
			errs = append(errs, c.close())
		}
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// fingerprintLabel is the message the data key's fingerprint is an HMAC of.
const fingerprintLabel = "warden data key check v1"

func keyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(fingerprintLabel))
	return hex.EncodeToString(m.Sum(nil))
}
