package postgres

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// AcquireLease takes a session lease for memberID if fewer than limit live
// leases are held for them, by any front end. An advisory lock on the
// member, held from the count to the commit, makes two front ends racing
// for the last slot take turns: the second counts the first's lease.
func (s *Store) AcquireLease(ctx context.Context, memberID, holder string, limit int, ttl time.Duration, now time.Time) (string, error) {
	if err := models.CheckLeaseRequest(memberID, limit, ttl); err != nil {
		return "", err
	}
	id := rand.Text()
	err := s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockLeases, memberID); err != nil {
			return err
		}
		// Two statements, not one: a DELETE that waits for a renewal's row
		// lock rechecks that row, but a count in the same statement would
		// see the lease as its snapshot had it (expired) and not count it.
		// The count's own snapshot comes after the renewal's commit.
		if _, err := tx.Exec(ctx, `DELETE FROM leases WHERE member_id = $1 AND expires <= $2`, memberID, nanos(now)); err != nil {
			return err
		}
		var live int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM leases WHERE member_id = $1 AND expires > $2`, memberID, nanos(now)).Scan(&live)
		if err != nil {
			return err
		}
		if err := models.CheckLeaseSlots(memberID, live, limit); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO leases (id, member_id, holder, expires) VALUES ($1, $2, $3, $4)`,
			id, memberID, holder, nanos(now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// RenewLeases moves the expiry of the live leases among ids to now+ttl and
// deletes expired leases that no other transaction is busy with. An
// expired lease is not renewed: its slot may have gone to another session.
func (s *Store) RenewLeases(ctx context.Context, ids []string, ttl time.Duration, now time.Time) error {
	if err := models.CheckLeaseTTL(ttl); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM leases WHERE id IN (
			SELECT id FROM leases WHERE expires <= $1 FOR UPDATE SKIP LOCKED)`, nanos(now)); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `UPDATE leases SET expires = $3 WHERE id = ANY($1) AND expires > $2`, ids, nanos(now), nanos(now.Add(ttl)))
		return err
	})
}

// ReleaseLease deletes a lease; one already gone is not an error.
func (s *Store) ReleaseLease(ctx context.Context, id string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM leases WHERE id = $1`, id)
		return err
	})
}
