// Package postgres is booth's store for deployments that outgrow one
// machine: models.Store on PostgreSQL, shared by several `booth serve`
// front ends that have nothing else in common.
//
// Races: writing transactions run at READ COMMITTED and decide with unique
// constraints, conditional updates whose affected rows are checked, and
// locks where a read decides a write (an election's row while casting, an
// advisory lock on the audit chain's head and on a member's leases).
// Serialization failures and deadlocks are retried here, with backoff, so
// a caller sees one outcome.
//
// Secrecy: the roll and the box share no key, no timestamp and no
// sequence, but every row carries xmin, the transaction that wrote it, and
// a cast writes a roll mark and a ballot in one transaction. CloseElection
// therefore writes the election's box back in receipt-hash order, and its
// roll and its replaced receipts, each in a subtransaction of its own, so
// no two tables' rows share an xmin; then VACUUM FULL drops the old row
// versions. Cast and Replace write no audit entry and no time.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"vote.example.org/booth/models"
)

// Store is models.Store on PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	// clock fakes the store's time in this package's tests; nil, the
	// database server's clock (see txNow) decides for every front end.
	clock func() time.Time
	// horizonWait bounds how long CloseElection waits for transactions
	// older than the close to end before it clears old row versions.
	horizonWait time.Duration
}

var _ models.Store = (*Store)(nil)

// defaultMaxConns is a front end's connections unless the address sets
// pool_max_conns. Casts wait on the disk, not on the CPU, and PostgreSQL
// flushes the commits of concurrent casts together, so more connections
// than cores cast faster (4 to 16 took durable casts from about 800 to
// 2,800 a second on a 2-core machine).
const defaultMaxConns = 16

// connectTimeout bounds the first connection, so a wrong host is reported
// instead of hanging the command.
const connectTimeout = 10 * time.Second

// Open connects to the database dsn names (a postgres:// URL or key=value
// pairs, as libpq takes them) and migrates its schema.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL address is not valid: %s; write it as postgres://USER@HOST:PORT/DATABASE", parseProblem(err))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %s", oneLine(err))
	}
	s := &Store{pool: pool, horizonWait: defaultHorizonWait}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, connectProblem(cfg.ConnConfig, err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		if tooNew := (*models.SchemaTooNewError)(nil); errors.As(err, &tooNew) {
			return nil, fmt.Errorf("PostgreSQL database %s: %w", cfg.ConnConfig.Database, err)
		}
		return nil, fmt.Errorf("migrating database %s: %w", cfg.ConnConfig.Database, err)
	}
	return s, nil
}

// parseProblem says why an address did not parse without repeating the
// address: pgx's message quotes it whole, masking only the passwords it
// recognises (not "password = x", nor a quoted one with an escaped quote).
// The underlying error of a malformed address quotes a piece of it (which
// may be the password), so that one is left out too.
func parseProblem(err error) string {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return "it cannot be parsed"
	}
	bare := *pe
	bare.ConnString = ""
	msg := strings.TrimPrefix(bare.Error(), "cannot parse ``: ")
	if inner := pe.Unwrap(); inner != nil && strings.HasPrefix(msg, "failed to parse as ") {
		msg = strings.TrimSuffix(msg, " ("+inner.Error()+")")
	}
	return oneLine(errors.New(msg))
}

// SQLSTATE codes of a refused connection.
const (
	codeNoDatabase    = "3D000"
	codeAuthFailed    = "28P01"
	codeNotAuthorized = "28000"
)

// connectProblem says why the first connection failed and what to do.
func connectProblem(c *pgx.ConnConfig, err error) error {
	server := c.Host
	if !strings.HasPrefix(server, "/") {
		server = fmt.Sprintf("%s:%d", server, c.Port)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeNoDatabase:
			return fmt.Errorf("PostgreSQL on %s has no database %s: create it (createdb -O %s %s) or correct the address", server, c.Database, c.User, c.Database)
		case codeAuthFailed, codeNotAuthorized:
			return fmt.Errorf("PostgreSQL on %s refused user %s (%s): check the user and password in the address and the server's pg_hba.conf", server, c.User, pe.Message)
		}
	}
	return fmt.Errorf("cannot reach PostgreSQL (database %s on %s as %s): %s; check that the server is running and that the address gives the right host and port",
		c.Database, server, c.User, oneLine(err))
}

// oneLine joins an error's lines, dropping repeats (a connection tried
// with and without TLS fails twice alike), so that a command prints one.
func oneLine(err error) string {
	var parts []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" && !slices.Contains(parts, line) {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// maxAttempts bounds the tries of a transaction that keeps losing races;
// under any sane load a handful suffice.
const maxAttempts = 10

// write runs fn in a READ COMMITTED transaction, committing if fn returns
// nil and rolling back otherwise. The level is set explicitly, never left
// to the server's default_transaction_isolation: the store's checks after
// an advisory lock (a cast re-reading its caster's key and membership
// once the officer's removal has let go) need each statement to see what
// committed before it, which REPEATABLE READ or SERIALIZABLE, with the
// snapshot taken by the first statement before the lock wait, would not. A transaction that fails because it
// lost a race with another (a serialization failure or a deadlock; the
// server rolled it back whole) runs again after a randomised pause.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, fn)
		if err == nil || !lostRace(err) || attempt == maxAttempts {
			return err
		}
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 8)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// read runs fn in a read-only REPEATABLE READ transaction, so it sees one
// snapshot; such a transaction never fails a race.
func (s *Store) read(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// SQLSTATE codes this package acts on.
const (
	codeSerialization = "40001"
	codeDeadlock      = "40P01"
)

// lostRace reports whether the server rolled a transaction back because
// of a concurrent one, so that running it again can succeed.
func lostRace(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == codeSerialization || pe.Code == codeDeadlock)
}

// Times are stored as Unix nanoseconds (bigint), which keeps a time.Time
// exactly, as the SQLite store does; PostgreSQL's own timestamps keep
// microseconds only.

// nanos is t as stored.
func nanos(t time.Time) int64 { return t.UnixNano() }

// optNanos is t as stored in a column that is NULL until set.
func optNanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// fromNanos reads a stored time (NULL reads as the zero time).
func fromNanos(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// collect reads every row with fn. No rows give nil, as in the SQLite
// store.
func collect[T any](rows pgx.Rows, fn pgx.RowToFunc[T]) ([]T, error) {
	out, err := pgx.CollectRows(rows, fn)
	if len(out) == 0 {
		return nil, err
	}
	return out, err
}
