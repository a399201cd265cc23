package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// The kiosk's tables: one-time codes (by hash), the staff, and the thin
// clients' keys. See migrations/0004_codes.sql.

// IssueCode stores a new code and audits its issue without naming the
// member.
func (s *Store) IssueCode(ctx context.Context, c models.KioskCode, actor string) error {
	if c.MemberID == "" || c.Expires.IsZero() {
		return errors.New("a kiosk code needs a member and an expiry")
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		var memberKnown, electionKnown bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE id = $1),
			EXISTS (SELECT 1 FROM elections WHERE id = $2)`, c.MemberID, c.ElectionID).Scan(&memberKnown, &electionKnown); err != nil {
			return err
		}
		switch {
		case !memberKnown:
			return fmt.Errorf("member %s: %w", c.MemberID, models.ErrNotFound)
		case c.ElectionID != "" && !electionKnown:
			return fmt.Errorf("election %s: %w", c.ElectionID, models.ErrNotFound)
		}
		var election *string // NULL: any open election
		if c.ElectionID != "" {
			election = &c.ElectionID
		}
		tag, err := tx.Exec(ctx, `INSERT INTO kiosk_codes (hash, member_id, election_id, expires) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, c.Hash[:], c.MemberID, election, nanos(c.Expires))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("kiosk code hash: %w", models.ErrExists)
		}
		scope := "any open election"
		if c.ElectionID != "" {
			scope = "election " + c.ElectionID
		}
		return s.appendAudit(ctx, tx, actor, "kiosk.code.issue",
			fmt.Sprintf("kiosk code %s issued for %s, valid until %s", c.ID(), scope, c.Expires.UTC().Format(time.RFC3339)))
	})
}

// RedeemCode takes a code out of the store, once: the DELETE that finds
// it removes it (of two kiosks redeeming one code, the second finds none),
// and every expired code goes with it.
func (s *Store) RedeemCode(ctx context.Context, hash [32]byte, now time.Time) (models.KioskCode, error) {
	var found []models.KioskCode
	err := s.write(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `DELETE FROM kiosk_codes WHERE hash = $1 OR expires <= $2
			RETURNING hash, member_id, election_id, expires`, hash[:], nanos(now))
		var err error
		found, err = collect(rows, scanCode)
		return err
	})
	if err != nil {
		return models.KioskCode{}, err
	}
	for _, c := range found {
		switch {
		case c.Hash != hash:
		case !now.Before(c.Expires):
			return models.KioskCode{}, models.ErrCodeExpired
		default:
			return c, nil
		}
	}
	return models.KioskCode{}, models.ErrCodeInvalid
}

// scanCode reads a row of hash, member_id, election_id, expires.
func scanCode(row pgx.CollectableRow) (models.KioskCode, error) {
	var (
		c        models.KioskCode
		hash     []byte
		election *string
		expires  int64
	)
	if err := row.Scan(&hash, &c.MemberID, &election, &expires); err != nil {
		return c, err
	}
	copy(c.Hash[:], hash)
	if election != nil {
		c.ElectionID = *election
	}
	c.Expires = fromNanos(&expires)
	return c, nil
}

// Codes lists the codes not yet used or revoked, expired ones included
// until they are deleted, in hash order.
func (s *Store) Codes(ctx context.Context) ([]models.KioskCode, error) {
	var out []models.KioskCode
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT hash, member_id, election_id, expires FROM kiosk_codes ORDER BY hash`)
		var err error
		out, err = collect(rows, scanCode)
		return err
	})
	return out, err
}

// RevokeCode deletes a code before it is used.
func (s *Store) RevokeCode(ctx context.Context, hash [32]byte, actor string) error {
	id := models.KioskCode{Hash: hash}.ID()
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM kiosk_codes WHERE hash = $1`, hash[:])
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("kiosk code %s: %w", id, models.ErrNotFound)
		}
		return s.appendAudit(ctx, tx, actor, "kiosk.code.revoke", fmt.Sprintf("kiosk code %s revoked", id))
	})
}

// DeleteExpiredCodes drops the codes that expired at or before now.
func (s *Store) DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM kiosk_codes WHERE expires <= $1`, nanos(now))
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}
