package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
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

// querier is what the unexported helpers need; *sql.Tx satisfies it.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// update runs fn in a write transaction and, once it commits, invalidates
// the authorization cache: every IAM change can alter who may do what.
func (s *Store) update(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.withTx(ctx, op, true, fn)
}

// record runs fn in a write transaction that changes only bookkeeping
// (last-used dates), which no cached answer depends on.
func (s *Store) record(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.withTx(ctx, op, false, fn)
}

// withTx runs fn in a write transaction, retrying the whole transaction
// while the engine reports contention. fn must be safe to run again. Domain
// errors returned by fn roll the transaction back and are returned as they
// are; other errors are wrapped with op.
func (s *Store) withTx(ctx context.Context, op string, invalidate bool, fn func(tx *sql.Tx) error) error {
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

func (s *Store) tryTx(ctx context.Context, invalidate bool, fn func(tx *sql.Tx) error) (generation uint64, err error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return 0, err
	}
	if invalidate {
		// Bumping the stored generation in the same transaction keeps it
		// true to the data for any process reading it.
		if err = tx.QueryRowContext(ctx,
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
func (s *Store) view(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if _, ok := errors.AsType[*warden.Error](err); ok {
			return err
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
