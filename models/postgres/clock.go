package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// The store's time on PostgreSQL is the database server's, so every front
// end decides by one clock, whatever its own machine's says. It is
// clock_timestamp(), the time when it is read, not now(), the start of the
// transaction: a cast reads it after the lock it waited for.

// Now is the database server's time.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	if s.clock != nil {
		return s.clock().UTC(), nil
	}
	var now time.Time
	err := s.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&now)
	return now.UTC(), err
}

// txNow is the database server's time read inside tx, after the locks tx
// holds so far.
func (s *Store) txNow(ctx context.Context, tx pgx.Tx) (time.Time, error) {
	if s.clock != nil {
		return s.clock().UTC(), nil
	}
	var now time.Time
	err := tx.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&now)
	return now.UTC(), err
}
