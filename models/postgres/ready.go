package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Ready answers a front end's readiness check: the database answers a
// query on a connection of the pool, and its newest recorded migration is
// this booth's newest.
func (s *Store) Ready(ctx context.Context) error {
	all, err := embeddedMigrations()
	if err != nil {
		return err
	}
	want := all[len(all)-1].version
	var have int32
	err = s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have)
	})
	if err != nil {
		return fmt.Errorf("the PostgreSQL database does not answer: %s", oneLine(err))
	}
	if int(have) != want {
		return fmt.Errorf("the PostgreSQL database has schema version %d, this booth's is %d: run the booth that matches it", have, want)
	}
	return nil
}
