package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vote.example.org/booth/models"
)

// Cast marks the member's roll row and puts the ballot in the box, in one
// BEGIN IMMEDIATE transaction that also checks the caster's standing and
// key, and that the election is open at the store's time, read once the
// transaction holds the write lock (a cast that waited for the lock across
// the close is refused); any failure rolls both back. It writes no audit
// entry and no time.
func (s *Store) Cast(ctx context.Context, c models.Cast) error {
	if err := c.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, c.ElectionID)
		if err != nil {
			return err
		}
		if err := s.checkCast(ctx, tx, e, models.Caster{MemberID: c.MemberID, Key: c.Key}); err != nil {
			return err
		}
		n, err := rowsAffected(tx.ExecContext(ctx,
			`UPDATE roll SET voted = 1 WHERE election_id = ? AND member_id = ? AND voted = 0`, c.ElectionID, c.MemberID))
		if err != nil {
			return err
		}
		if n == 0 {
			return whyNotMarked(ctx, tx, c.ElectionID, c.MemberID)
		}
		return fileBallot(ctx, tx, c.ElectionID, c.ReceiptHash, c.Sealed)
	})
}

// checkCast checks, inside tx and after its lock (e was read under it),
// that e is open at the store's time (models.CheckOpenAt), then that the
// caster is still an active member holding the key they signed in with
// (models.CheckCaster).
func (s *Store) checkCast(ctx context.Context, tx *sql.Tx, e models.Election, c models.Caster) error {
	now, err := s.storeTime(ctx, tx)
	if err != nil {
		return err
	}
	if err := models.CheckOpenAt(e, now); err != nil {
		return err
	}
	var (
		status   string
		holdsKey bool
	)
	err = tx.QueryRowContext(ctx, `SELECT status, EXISTS (SELECT 1 FROM keys WHERE member_id = ?1 AND fingerprint = ?2)
		FROM members WHERE id = ?1`, c.MemberID, c.Key).Scan(&status, &holdsKey)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return models.CheckCaster(c, err == nil, models.MemberStatus(status), holdsKey)
}

// whyNotMarked explains why the roll update touched no row
// (models.NotMarked).
func whyNotMarked(ctx context.Context, tx *sql.Tx, electionID, memberID string) error {
	var onRoll bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM roll WHERE election_id = ? AND member_id = ?)`, electionID, memberID).Scan(&onRoll)
	if err != nil {
		return err
	}
	return models.NotMarked(electionID, memberID, onRoll)
}

// fileBallot puts a ballot in the box under a receipt hash new to the
// election (models.ReceiptTaken). Writers take turns (BEGIN IMMEDIATE), so
// the replaced receipts can be checked before the insert.
func fileBallot(ctx context.Context, tx *sql.Tx, electionID string, receipt [32]byte, sealed []byte) error {
	var wasReplaced bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM replaced WHERE election_id = ? AND receipt_hash = ?)`,
		electionID, receipt[:]).Scan(&wasReplaced)
	if err != nil {
		return err
	}
	if wasReplaced {
		return models.ReceiptTaken(electionID)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO box (election_id, receipt_hash, sealed) VALUES (?, ?, ?)`, electionID, receipt[:], sealed)
	if isUnique(err) {
		return models.ReceiptTaken(electionID)
	}
	return err
}

// Replace swaps the ballot under r.OldReceipt for a new one, in one
// transaction that checks the caster and the window as Cast does, and
// records the old receipt as replaced. Like Cast, it writes no audit entry
// and no time, and the caster is stored nowhere.
func (s *Store) Replace(ctx context.Context, r models.Replacement) error {
	if err := r.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, r.ElectionID)
		if err != nil {
			return err
		}
		if err := models.CheckReplaceAllowed(e); err != nil {
			return err
		}
		if err := s.checkCast(ctx, tx, e, models.Caster{MemberID: r.MemberID, Key: r.Key}); err != nil {
			return err
		}
		n, err := rowsAffected(tx.ExecContext(ctx, `DELETE FROM box WHERE election_id = ? AND receipt_hash = ?`, r.ElectionID, r.OldReceipt[:]))
		if err != nil {
			return err
		}
		if n == 0 {
			return models.ReceiptNotInBox(r.ElectionID)
		}
		if err := fileBallot(ctx, tx, r.ElectionID, r.NewReceipt, r.Sealed); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO replaced (election_id, receipt_hash) VALUES (?, ?)`, r.ElectionID, r.OldReceipt[:])
		return err
	})
}

// electionExists reports ErrNotFound for an unknown election.
func electionExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM elections WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("election %s: %w", id, models.ErrNotFound)
	}
	return err
}

// Ballots returns the election's box in receipt-hash order.
func (s *Store) Ballots(ctx context.Context, electionID string) ([]models.SealedBallot, error) {
	var out []models.SealedBallot
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT receipt_hash, sealed FROM box WHERE election_id = ? ORDER BY receipt_hash`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				b    models.SealedBallot
				hash []byte
			)
			if err := rows.Scan(&hash, &b.Sealed); err != nil {
				return err
			}
			if len(hash) != len(b.ReceiptHash) {
				return fmt.Errorf("election %s: a stored receipt hash of %d bytes", electionID, len(hash))
			}
			copy(b.ReceiptHash[:], hash)
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, err
}

// Receipt says whether a receipt's ballot is in the box, was replaced, or
// is unknown.
func (s *Store) Receipt(ctx context.Context, electionID string, receiptHash [32]byte) (models.ReceiptState, error) {
	state := models.ReceiptUnknown
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		var inBox, wasReplaced bool
		err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM box WHERE election_id = ?1 AND receipt_hash = ?2),
			EXISTS (SELECT 1 FROM replaced WHERE election_id = ?1 AND receipt_hash = ?2)`,
			electionID, receiptHash[:]).Scan(&inBox, &wasReplaced)
		switch {
		case err != nil:
			return err
		case inBox:
			state = models.ReceiptCounted
		case wasReplaced:
			state = models.ReceiptReplaced
		}
		return nil
	})
	return state, err
}

// Voters lists the members who voted, in ID order.
func (s *Store) Voters(ctx context.Context, electionID string) ([]string, error) {
	var ids []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		var err error
		ids, err = queryStrings(ctx, tx, `SELECT member_id FROM roll WHERE election_id = ? AND voted = 1 ORDER BY member_id`, electionID)
		return err
	})
	return ids, err
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Roll returns the electorate in member-ID order.
func (s *Store) Roll(ctx context.Context, electionID string) ([]models.RollEntry, error) {
	var roll []models.RollEntry
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT member_id, voted FROM roll WHERE election_id = ? ORDER BY member_id`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r models.RollEntry
			if err := rows.Scan(&r.MemberID, &r.Voted); err != nil {
				return err
			}
			roll = append(roll, r)
		}
		return rows.Err()
	})
	return roll, err
}

// Turnout counts the roll marks and the electorate.
func (s *Store) Turnout(ctx context.Context, electionID string) (models.Turnout, error) {
	var t models.Turnout
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		var err error
		t, err = turnout(ctx, tx, electionID)
		return err
	})
	return t, err
}

func turnout(ctx context.Context, tx *sql.Tx, electionID string) (models.Turnout, error) {
	var t models.Turnout
	err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(voted), 0), count(*) FROM roll WHERE election_id = ?`, electionID).
		Scan(&t.Voted, &t.Electorate)
	return t, err
}

// MemberRoll lists the elections whose roll holds the member.
func (s *Store) MemberRoll(ctx context.Context, memberID string) ([]models.RollMark, error) {
	var marks []models.RollMark
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT election_id, voted FROM roll WHERE member_id = ? ORDER BY election_id`, memberID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m models.RollMark
			if err := rows.Scan(&m.ElectionID, &m.Voted); err != nil {
				return err
			}
			marks = append(marks, m)
		}
		return rows.Err()
	})
	return marks, err
}
