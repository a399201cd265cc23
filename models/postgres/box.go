package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// Cast marks the member's roll row and puts the ballot in the box, in one
// transaction that also checks the caster's standing and key, and that the
// election is open at the database's time, read after the election's row
// lock (a cast that waited for a close is refused); any failure rolls both
// back. One ballot per member comes from the conditional update
// of the roll mark: of two casts for one member, the second waits for the
// first's row lock, finds the mark set and changes nothing. It writes no
// audit entry and no time.
func (s *Store) Cast(ctx context.Context, c models.Cast) error {
	if err := c.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockForVoting(ctx, tx, c.ElectionID)
		if err != nil {
			return err
		}
		if err := s.checkCast(ctx, tx, e, models.Caster{MemberID: c.MemberID, Key: c.Key}); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE roll SET voted = true WHERE election_id = $1 AND member_id = $2 AND NOT voted`,
			c.ElectionID, c.MemberID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return whyNotMarked(ctx, tx, c.ElectionID, c.MemberID)
		}
		return fileBallot(ctx, tx, c.ElectionID, c.ReceiptHash, c.Sealed)
	})
}

// checkCast checks, after the election's row lock (e was read under it),
// that the caster is still an active member holding the key they signed
// in with (models.CheckCaster) and that e is open at the database's time,
// read after that lock and the member's.
//
// The member's advisory lock is taken shared; RemoveKey and
// SetMemberStatus take it exclusive, so a cast that read the old standing
// commits before the change does: once the removal returned, no session of
// that key casts. A row lock would do the same but mark the member's row
// with the cast's transaction, which numbers the casts in order, in a
// table the close does not rewrite.
func (s *Store) checkCast(ctx context.Context, tx pgx.Tx, e models.Election, c models.Caster) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1, hashtext($2))`, lockMember, c.MemberID); err != nil {
		return err
	}
	var (
		now      time.Time
		status   *string
		holdsKey bool
	)
	err := tx.QueryRow(ctx, `SELECT clock_timestamp(), (SELECT status FROM members WHERE id = $1),
		EXISTS (SELECT 1 FROM keys WHERE member_id = $1 AND fingerprint = $2)`, c.MemberID, c.Key).Scan(&now, &status, &holdsKey)
	if err != nil {
		return err
	}
	if s.clock != nil {
		now = s.clock()
	}
	if err := models.CheckOpenAt(e, now); err != nil {
		return err
	}
	var st models.MemberStatus
	if status != nil {
		st = models.MemberStatus(*status)
	}
	return models.CheckCaster(c, status != nil, st, holdsKey)
}

// lockMemberStanding takes the member's advisory lock exclusive, for a
// change of their standing or keys (see checkCast).
func lockMemberStanding(ctx context.Context, tx pgx.Tx, memberID string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockMember, memberID)
	return err
}

// whyNotMarked explains why the roll update touched no row
// (models.NotMarked).
func whyNotMarked(ctx context.Context, tx pgx.Tx, electionID, memberID string) error {
	var onRoll bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM roll WHERE election_id = $1 AND member_id = $2)`, electionID, memberID).Scan(&onRoll)
	if err != nil {
		return err
	}
	return models.NotMarked(electionID, memberID, onRoll)
}

// fileBallot puts a ballot in the box under a receipt hash new to the
// election (models.ReceiptTaken). The replaced receipts are checked after
// the insert, which waits for any transaction moving that hash out of the
// box.
func fileBallot(ctx context.Context, tx pgx.Tx, electionID string, receipt [32]byte, sealed []byte) error {
	tag, err := tx.Exec(ctx, `INSERT INTO box (election_id, receipt_hash, sealed) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, electionID, receipt[:], sealed)
	if err != nil {
		return err
	}
	var wasReplaced bool
	if tag.RowsAffected() == 1 {
		err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM replaced WHERE election_id = $1 AND receipt_hash = $2)`,
			electionID, receipt[:]).Scan(&wasReplaced)
		if err != nil {
			return err
		}
	}
	if tag.RowsAffected() == 0 || wasReplaced {
		return models.ReceiptTaken(electionID)
	}
	return nil
}

// Replace swaps the ballot under r.OldReceipt for a new one, in one
// transaction that checks the caster and the window as Cast does, and
// records the old receipt as replaced. Of two
// replacements of one receipt, the second waits for the first's delete
// and then finds nothing to replace. Like Cast, it writes no audit entry
// and no time, and the caster is stored nowhere.
func (s *Store) Replace(ctx context.Context, r models.Replacement) error {
	if err := r.Check(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockForVoting(ctx, tx, r.ElectionID)
		if err != nil {
			return err
		}
		if err := models.CheckReplaceAllowed(e); err != nil {
			return err
		}
		if err := s.checkCast(ctx, tx, e, models.Caster{MemberID: r.MemberID, Key: r.Key}); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM box WHERE election_id = $1 AND receipt_hash = $2`, r.ElectionID, r.OldReceipt[:])
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return models.ReceiptNotInBox(r.ElectionID)
		}
		if err := fileBallot(ctx, tx, r.ElectionID, r.NewReceipt, r.Sealed); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO replaced (election_id, receipt_hash) VALUES ($1, $2)`, r.ElectionID, r.OldReceipt[:])
		return err
	})
}

// readElection runs fn in a read transaction after checking that the
// election exists (ErrNotFound otherwise).
func (s *Store) readElection(ctx context.Context, electionID string, fn func(pgx.Tx) error) error {
	return s.read(ctx, func(tx pgx.Tx) error {
		var known bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM elections WHERE id = $1)`, electionID).Scan(&known); err != nil {
			return err
		}
		if !known {
			return fmt.Errorf("election %s: %w", electionID, models.ErrNotFound)
		}
		return fn(tx)
	})
}

// toHash reads a stored receipt hash.
func toHash(electionID string, b []byte) ([32]byte, error) {
	var h [32]byte
	if len(b) != len(h) {
		return h, fmt.Errorf("election %s: a stored receipt hash of %d bytes", electionID, len(b))
	}
	copy(h[:], b)
	return h, nil
}

// Ballots returns the election's box in receipt-hash order (bytea compares
// as bytes).
func (s *Store) Ballots(ctx context.Context, electionID string) ([]models.SealedBallot, error) {
	var out []models.SealedBallot
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT receipt_hash, sealed FROM box WHERE election_id = $1 ORDER BY receipt_hash`, electionID)
		var err error
		out, err = collect(rows, func(row pgx.CollectableRow) (models.SealedBallot, error) {
			var (
				b    models.SealedBallot
				hash []byte
			)
			if err := row.Scan(&hash, &b.Sealed); err != nil {
				return b, err
			}
			b.ReceiptHash, err = toHash(electionID, hash)
			return b, err
		})
		return err
	})
	return out, err
}

// Receipt says whether a receipt's ballot is in the box, was replaced, or
// is unknown.
func (s *Store) Receipt(ctx context.Context, electionID string, receiptHash [32]byte) (models.ReceiptState, error) {
	state := models.ReceiptUnknown
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT CASE
			WHEN EXISTS (SELECT 1 FROM box WHERE election_id = $1 AND receipt_hash = $2) THEN $3
			WHEN EXISTS (SELECT 1 FROM replaced WHERE election_id = $1 AND receipt_hash = $2) THEN $4
			ELSE $5 END`, electionID, receiptHash[:],
			string(models.ReceiptCounted), string(models.ReceiptReplaced), string(models.ReceiptUnknown)).Scan(&state)
	})
	return state, err
}

// Voters lists the members who voted, in ID order.
func (s *Store) Voters(ctx context.Context, electionID string) ([]string, error) {
	var ids []string
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT member_id FROM roll WHERE election_id = $1 AND voted ORDER BY member_id`, electionID)
		var err error
		ids, err = collect(rows, pgx.RowTo[string])
		return err
	})
	return ids, err
}

// Roll returns the electorate in member-ID order.
func (s *Store) Roll(ctx context.Context, electionID string) ([]models.RollEntry, error) {
	var roll []models.RollEntry
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT member_id, voted FROM roll WHERE election_id = $1 ORDER BY member_id`, electionID)
		var err error
		roll, err = collect(rows, pgx.RowToStructByPos[models.RollEntry])
		return err
	})
	return roll, err
}

// Turnout counts the roll marks and the electorate.
func (s *Store) Turnout(ctx context.Context, electionID string) (models.Turnout, error) {
	var t models.Turnout
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		var err error
		t, err = turnout(ctx, tx, electionID)
		return err
	})
	return t, err
}

func turnout(ctx context.Context, tx pgx.Tx, electionID string) (models.Turnout, error) {
	var t models.Turnout
	err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE voted), count(*) FROM roll WHERE election_id = $1`, electionID).
		Scan(&t.Voted, &t.Electorate)
	return t, err
}

// MemberRoll lists the elections whose roll holds the member.
func (s *Store) MemberRoll(ctx context.Context, memberID string) ([]models.RollMark, error) {
	var marks []models.RollMark
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT election_id, voted FROM roll WHERE member_id = $1 ORDER BY election_id`, memberID)
		var err error
		marks, err = collect(rows, pgx.RowToStructByPos[models.RollMark])
		return err
	})
	return marks, err
}
