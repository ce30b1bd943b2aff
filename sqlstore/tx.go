package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/warden-iam/warden"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between the SQL engines the store runs on.
// The SQL text itself is shared.
type dialect struct {
	name  string // migrations folder
	goose goose.Dialect
	// retryable reports errors after which the whole transaction should be
	// run again: SQLITE_BUSY for SQLite, serialization failures (SQLSTATE
	// 40001) and unique violations for PostgreSQL, whose writers race.
	retryable func(error) bool
}

var sqliteDialect = dialect{
	name:  "sqlite",
	goose: goose.DialectSQLite3,
	retryable: func(err error) bool {
		e, ok := errors.AsType[*sqlite.Error](err)
		// The primary result code is the low byte of an extended one
		// (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT, …).
		return ok && (e.Code()&0xff == sqlite3.SQLITE_BUSY || e.Code()&0xff == sqlite3.SQLITE_LOCKED)
	},
}

// maxAttempts bounds how often a transaction is retried. With a 5 s busy
// timeout per attempt this waits at most about half a minute for another
// process (an admin command, a backup) to release the database.
const maxAttempts = 5

// querier is what the unexported helpers run statements on: a transaction
// whose statements come from the pool's statement cache.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache keeps a prepared statement per query for a pool. Parsing and
// planning is most of the cost of a point lookup in SQLite; database/sql
// keeps a prepared statement per connection, and Tx.StmtContext reuses it.
// The queries are constants of this package, so the cache is bounded by
// the code.
//
// A query missing from the cache runs unprepared and is prepared after its
// transaction ends: preparing on the pool needs a free connection, and a
// goroutine that asked for one while holding another could wait forever on
// the one-connection write pool.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}} }

func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[query]
}

// prepare adds queries to the cache. The caller must hold no connection of
// the pool. Failures are left for a later miss to retry.
func (c *stmtCache) prepare(ctx context.Context, queries []string) {
	for _, query := range queries {
		if c.lookup(query) != nil {
			continue
		}
		st, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.stmts[query]; ok {
			st.Close()
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	clear(c.stmts)
	return errors.Join(errs...)
}

// stmtTx is a transaction that runs statements through a stmtCache and
// notes the queries the cache did not have.
type stmtTx struct {
	tx     *sql.Tx
	cache  *stmtCache
	missed *[]string
}

func newStmtTx(tx *sql.Tx, cache *stmtCache) stmtTx {
	return stmtTx{tx: tx, cache: cache, missed: new([]string)}
}

func (t stmtTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	*t.missed = append(*t.missed, query)
	return nil
}

func (t stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// done prepares the queries the transaction missed; call it once the
// transaction has ended.
func (t stmtTx) done(ctx context.Context) {
	if len(*t.missed) > 0 {
		t.cache.prepare(ctx, *t.missed)
	}
}

// update runs fn in a write transaction and, once it commits, invalidates
// the authorization cache: every IAM change can alter who may do what.
func (s *Store) update(ctx context.Context, op string, fn func(tx querier) error) error {
	return s.withTx(ctx, op, true, fn)
}

// record runs fn in a write transaction that changes only bookkeeping
// (last-used dates), which no cached answer depends on.
func (s *Store) record(ctx context.Context, op string, fn func(tx querier) error) error {
	return s.withTx(ctx, op, false, fn)
}

// withTx runs fn in a write transaction, retrying the whole transaction
// while the engine reports contention. fn must be safe to run again. Domain
// errors returned by fn roll the transaction back and are returned as they
// are; other errors are wrapped with op.
func (s *Store) withTx(ctx context.Context, op string, invalidate bool, fn func(tx querier) error) error {
	var err error
	for attempt := range maxAttempts {
		if attempt > 0 {
			backoff := time.Duration(10<<attempt)*time.Millisecond + rand.N(10*time.Millisecond)
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s: %w (after %w)", op, ctx.Err(), err)
			case <-time.After(backoff):
			}
		}
		var generation uint64
		generation, err = s.tryTx(ctx, invalidate, fn)
		if err == nil {
			if invalidate {
				s.advanceGeneration(generation)
			}
			return nil
		}
		if !s.dialect.retryable(err) {
			break
		}
		s.log.Debug("sqlstore: retrying transaction", "op", op, "attempt", attempt+1, "err", err)
	}
	if _, ok := errors.AsType[*warden.Error](err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

func (s *Store) tryTx(ctx context.Context, invalidate bool, fn func(tx querier) error) (generation uint64, err error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	q := newStmtTx(tx, s.writeStmts)
	defer func() {
		if err != nil {
			tx.Rollback()
		}
		q.done(ctx)
	}()
	if err = fn(q); err != nil {
		return 0, err
	}
	if invalidate {
		// Bumping the stored generation in the same transaction keeps it
		// true to the data for any process reading it.
		if err = q.QueryRowContext(ctx,
			`UPDATE store_state SET generation = generation + 1 WHERE id = 1 RETURNING generation`).Scan(&generation); err != nil {
			return 0, err
		}
	}
	return generation, tx.Commit()
}

// advanceGeneration moves the in-memory generation forward to g (never
// back), which makes every cache entry read before it stale.
func (s *Store) advanceGeneration(g uint64) {
	for {
		cur := s.generation.Load()
		if g <= cur || s.generation.CompareAndSwap(cur, g) {
			return
		}
	}
}

// view runs fn in a read transaction, which sees one consistent snapshot
// of the database however many statements fn runs.
func (s *Store) view(ctx context.Context, op string, fn func(tx querier) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	q := newStmtTx(tx, s.readStmts)
	defer func() {
		tx.Rollback()
		q.done(ctx)
	}()
	if err := fn(q); err != nil {
		if _, ok := errors.AsType[*warden.Error](err); ok {
			return err
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
