package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"time"

	"vote.example.org/booth/models"
)

// AcquireLease takes a session lease for memberID if fewer than limit live
// leases are held for them. BEGIN IMMEDIATE makes the count and the insert
// one step: two processes cannot both take the last slot.
func (s *Store) AcquireLease(ctx context.Context, memberID, holder string, limit int, ttl time.Duration, now time.Time) (string, error) {
	if err := models.CheckLeaseRequest(memberID, limit, ttl); err != nil {
		return "", err
	}
	id := rand.Text()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE member_id = ? AND expires <= ?`, memberID, formatTime(now)); err != nil {
			return err
		}
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM leases WHERE member_id = ?`, memberID).Scan(&live); err != nil {
			return err
		}
		if err := models.CheckLeaseSlots(memberID, live, limit); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO leases (id, member_id, holder, expires) VALUES (?, ?, ?, ?)`,
			id, memberID, holder, formatTime(now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// RenewLeases moves the expiry of the live leases among ids to now+ttl and
// deletes every expired lease. An expired lease is not renewed: its slot
// may have gone to another session.
func (s *Store) RenewLeases(ctx context.Context, ids []string, ttl time.Duration, now time.Time) error {
	if err := models.CheckLeaseTTL(ttl); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		nowText, until := formatTime(now), formatTime(now.Add(ttl))
		if _, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE expires <= ?`, nowText); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE leases SET expires = ? WHERE id = ?`, until, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReleaseLease deletes a lease; one already gone is not an error.
func (s *Store) ReleaseLease(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE id = ?`, id)
		return err
	})
}
