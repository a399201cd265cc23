package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// The kiosk's tables: one-time codes (by hash), the staff, and the thin
// clients' keys. See migrations/0004_codes.sql.

// IssueCode stores a new code, its log entry and its sealed records, and
// audits its issue without naming the member. For a staff member, an
// advisory lock on them is held from counting their recent issues to the
// commit, so two front ends cannot both take the last one.
func (s *Store) IssueCode(ctx context.Context, ci models.CodeIssue, actor string) error {
	if err := ci.Check(); err != nil {
		return err
	}
	c := ci.Code
	return s.write(ctx, func(tx pgx.Tx) error {
		var memberKnown, staffKnown bool
		var elections int
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE id = $1),
			EXISTS (SELECT 1 FROM members WHERE id = $2),
			(SELECT count(*) FROM elections WHERE id = ANY($3))`, c.MemberID, ci.Staff, c.Opens).Scan(&memberKnown, &staffKnown, &elections); err != nil {
			return err
		}
		switch {
		case !memberKnown:
			return fmt.Errorf("member %s: %w", c.MemberID, models.ErrNotFound)
		case ci.Staff != "" && !staffKnown:
			return fmt.Errorf("member %s: %w", ci.Staff, models.ErrNotFound)
		case elections != len(c.Opens):
			return fmt.Errorf("election %s: %w", strings.Join(c.Opens, " or "), models.ErrNotFound)
		}
		var election, staff *string // NULL: any open election; an officer
		if c.ElectionID != "" {
			election = &c.ElectionID
		}
		if ci.Staff != "" {
			staff = &ci.Staff
			if err := underRate(ctx, tx, ci); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO kiosk_codes (hash, member_id, election_id, expires, opens) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, c.Hash[:], c.MemberID, election, nanos(c.Expires), c.Opens)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("kiosk code hash: %w", models.ErrExists)
		}
		// A hash is logged once: one that comes again is taken, even when
		// its first code is gone.
		tag, err = tx.Exec(ctx, `INSERT INTO kiosk_code_issues (hash, staff, election_id, issued, expires) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, c.Hash[:], staff, election, nanos(ci.Issued), nanos(c.Expires))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("kiosk code hash (issued before): %w", models.ErrExists)
		}
		for _, r := range ci.Records {
			tag, err := tx.Exec(ctx, `INSERT INTO kiosk_code_records (election_id, key, sealed) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				r.ElectionID, r.Key[:], r.Sealed)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("kiosk code record key: %w", models.ErrExists)
			}
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCodeIssued(c))
	})
}

// underRate applies the staff member's code limit (CodeIssue.RateQuery),
// under the staff member's advisory lock, held to the commit.
func underRate(ctx context.Context, tx pgx.Tx, ci models.CodeIssue) error {
	since, nth, limited := ci.RateQuery()
	if !limited {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockCodes, ci.Staff); err != nil {
		return err
	}
	var issued int64
	err := tx.QueryRow(ctx, `SELECT issued FROM kiosk_code_issues WHERE staff = $1 AND issued > $2
		ORDER BY issued DESC LIMIT 1 OFFSET $3`, ci.Staff, nanos(since), nth).Scan(&issued)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return ci.RateRefusal(fromNanos(&issued))
}

// RedeemCode takes a code out of the store, once: the DELETE that finds
// it removes it (of two kiosks redeeming one code, the second finds none),
// and every expired code goes with it. The log entry of a code redeemed
// in time says it was used.
func (s *Store) RedeemCode(ctx context.Context, hash [32]byte, now time.Time) (models.KioskCode, error) {
	var (
		c         models.KioskCode
		redeemErr error
	)
	err := s.write(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `DELETE FROM kiosk_codes WHERE hash = $1 OR expires <= $2
			RETURNING hash, member_id, election_id, expires, opens`, hash[:], nanos(now))
		found, err := collect(rows, scanCode)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(found, func(c models.KioskCode) bool { return c.Hash == hash })
		c = models.KioskCode{}
		if i >= 0 {
			c = found[i]
		}
		if redeemErr = models.CheckRedeem(c, i >= 0, now); redeemErr == nil {
			_, err = tx.Exec(ctx, `UPDATE kiosk_code_issues SET state = 'used' WHERE hash = $1`, hash[:])
		}
		return err
	})
	if err != nil {
		return models.KioskCode{}, err
	}
	if redeemErr != nil {
		return models.KioskCode{}, redeemErr
	}
	return c, nil
}

// scanCode reads a row of hash, member_id, election_id, expires, opens.
func scanCode(row pgx.CollectableRow) (models.KioskCode, error) {
	var (
		c        models.KioskCode
		hash     []byte
		election *string
		expires  int64
	)
	if err := row.Scan(&hash, &c.MemberID, &election, &expires, &c.Opens); err != nil {
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
		rows, _ := tx.Query(ctx, `SELECT hash, member_id, election_id, expires, opens FROM kiosk_codes ORDER BY hash`)
		var err error
		out, err = collect(rows, scanCode)
		return err
	})
	return out, err
}

// RevokeCode deletes a code before it is used; its log entry says it was
// revoked.
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
		if _, err := tx.Exec(ctx, `UPDATE kiosk_code_issues SET state = 'revoked' WHERE hash = $1`, hash[:]); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCodeRevoked(hash))
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

// CodeLog lists a staff member's issues (everyone's when staff is ""),
// newest first; the member only while the code is live.
func (s *Store) CodeLog(ctx context.Context, staff string) ([]models.CodeLogEntry, error) {
	var out []models.CodeLogEntry
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT i.hash, coalesce(i.staff, ''), coalesce(i.election_id, ''), i.issued, i.expires, i.state, coalesce(c.member_id, '')
			FROM kiosk_code_issues i LEFT JOIN kiosk_codes c ON c.hash = i.hash
			WHERE $1 = '' OR i.staff = $1 ORDER BY i.issued DESC, i.hash`, staff)
		var err error
		out, err = collect(rows, func(row pgx.CollectableRow) (models.CodeLogEntry, error) {
			var (
				e               models.CodeLogEntry
				hash            []byte
				issued, expires int64
				state           string
			)
			err := row.Scan(&hash, &e.Staff, &e.ElectionID, &issued, &expires, &state, &e.MemberID)
			copy(e.Hash[:], hash)
			e.Issued, e.Expires, e.State = fromNanos(&issued), fromNanos(&expires), models.CodeState(state)
			return e, err
		})
		return err
	})
	return out, err
}

// CodeRecords lists an election's sealed records in key order.
func (s *Store) CodeRecords(ctx context.Context, electionID string) ([]models.SealedCodeRecord, error) {
	var out []models.SealedCodeRecord
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT key, sealed FROM kiosk_code_records WHERE election_id = $1 ORDER BY key`, electionID)
		var err error
		out, err = collect(rows, func(row pgx.CollectableRow) (models.SealedCodeRecord, error) {
			r := models.SealedCodeRecord{ElectionID: electionID}
			var key []byte
			err := row.Scan(&key, &r.Sealed)
			copy(r.Key[:], key)
			return r, err
		})
		return err
	})
	return out, err
}
