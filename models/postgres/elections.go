package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

const electionColumns = `id, definition, state, fingerprint, recipients, withdrawn, extensions, opened_at, closed_at, scrub_pending,
	cancelled_at, open_refused`

// scanElection reads one row of electionColumns.
func scanElection(row pgx.Row) (models.Election, error) {
	var (
		e                         models.Election
		state                     string
		opened, closed, cancelled *int64
	)
	err := row.Scan(&e.ID, &e.Definition, &state, &e.Fingerprint, &e.Recipients, &e.Withdrawn, &e.Extensions, &opened, &closed, &e.ScrubPending,
		&cancelled, &e.OpenRefused)
	if err != nil {
		return e, err
	}
	// Empty lists read back as nil, as a fresh Election has them.
	if len(e.Recipients) == 0 {
		e.Recipients = nil
	}
	if len(e.Withdrawn) == 0 {
		e.Withdrawn = nil
	}
	e.State = models.ElectionState(state)
	e.OpenedAt, e.ClosedAt, e.CancelledAt = fromNanos(opened), fromNanos(closed), fromNanos(cancelled)
	if !e.CancelledAt.IsZero() {
		e.State = models.Cancelled
	}
	return e, nil
}

// lockElection reads an election inside tx, locking its row with lock (FOR
// UPDATE, or "" for none); ErrNotFound if unknown. Every change of an
// election takes FOR UPDATE; a cast takes FOR KEY SHARE (lockForVoting),
// the weakest lock, which FOR UPDATE alone conflicts with: casts never wait
// for each other, and a close waits for the casts in flight and then makes
// the ones after it read the closed state.
func lockElection(ctx context.Context, tx pgx.Tx, id, lock string) (models.Election, error) {
	e, err := scanElection(tx.QueryRow(ctx, `SELECT `+electionColumns+` FROM elections WHERE id = $1 `+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("election %s: %w", id, models.ErrNotFound)
	}
	return e, err
}

// lockForVoting reads what a cast or a replacement checks of an election
// (its state, voting window, extensions, when it closed and whether
// ballots may be replaced) and takes FOR KEY SHARE on its row (see lockElection). It
// leaves the rest of the definition, candidates' statements and all, in
// the database: every cast reads this.
func lockForVoting(ctx context.Context, tx pgx.Tx, id string) (models.Election, error) {
	var (
		e                 models.Election
		state             string
		closed, cancelled *int64
	)
	err := tx.QueryRow(ctx, `SELECT state, extensions, definition->'OpensAt', definition->'ClosesAt',
		coalesce((definition->'Quorum'->>'Extend')::bigint, 0), coalesce((definition->>'AllowReplace')::boolean, false),
		closed_at, cancelled_at
		FROM elections WHERE id = $1 FOR KEY SHARE`, id).
		Scan(&state, &e.Extensions, &e.OpensAt, &e.ClosesAt, &e.Quorum.Extend, &e.AllowReplace, &closed, &cancelled)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("election %s: %w", id, models.ErrNotFound)
	}
	e.ID, e.State = id, models.ElectionState(state)
	// What a refused ballot is told: when voting closed.
	e.ClosedAt, e.CancelledAt = fromNanos(closed), fromNanos(cancelled)
	if !e.CancelledAt.IsZero() {
		e.State = models.Cancelled
	}
	return e, err
}

// CreateElection stores a new election in the draft state.
func (s *Store) CreateElection(ctx context.Context, e models.Election, actor string) error {
	if err := models.CheckNewElection(e); err != nil {
		return err
	}
	recipients := e.Recipients
	if recipients == nil {
		recipients = []string{}
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO elections (id, definition, state, recipients) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO NOTHING`, e.ID, e.Definition, string(models.Draft), recipients)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("election %s: %w", e.ID, models.ErrExists)
		}
		if err := s.appendAudit(ctx, tx, actor, models.AuditElectionCreated(e)); err != nil {
			return err
		}
		return s.insertShares(ctx, tx, e, actor)
	})
}

// UpdateDefinition replaces a draft election's definition.
func (s *Store) UpdateDefinition(ctx context.Context, d models.Definition, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, d.ID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckEdit(e); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET definition = $2 WHERE id = $1`, d.ID, d); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditDefinitionReplaced(d.ID))
	})
}

// Election returns one election.
func (s *Store) Election(ctx context.Context, id string) (models.Election, error) {
	var e models.Election
	err := s.read(ctx, func(tx pgx.Tx) error {
		var err error
		e, err = lockElection(ctx, tx, id, ``)
		return err
	})
	return e, err
}

// Elections lists every election, by ID.
func (s *Store) Elections(ctx context.Context) ([]models.Election, error) {
	var es []models.Election
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+electionColumns+` FROM elections ORDER BY id`)
		var err error
		es, err = collect(rows, func(row pgx.CollectableRow) (models.Election, error) { return scanElection(row) })
		return err
	})
	return es, err
}

// OpenElection opens a draft: it records the fingerprint and freezes the
// electorate, one roll row per eligible member, inserted in member-ID
// order so the rows carry no order of their own. The opening time is the
// database's. An empty electorate leaves it a draft: the refusal is
// recorded and committed (the first time for the definition), then
// returned.
func (s *Store) OpenElection(ctx context.Context, id, fingerprint, actor string) error {
	if err := models.CheckOpenRequest(id, fingerprint); err != nil {
		return err
	}
	var refused error
	err := s.write(ctx, func(tx pgx.Tx) error {
		refused = nil
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckOpen(e, fingerprint); err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		nominees, err := lockNominees(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := models.CheckEarlyOpening(e, now, nominees); err != nil {
			return err
		}
		f, err := loadFoundation(ctx, tx)
		if err != nil {
			return err
		}
		el := models.ElectorateAt(e, f, now)
		var cutoff, standing *int64 // NULL: no limit
		if !el.JoinedBefore.IsZero() {
			cutoff = optNanos(el.JoinedBefore)
		}
		if !el.StandingAfter.IsZero() {
			standing = optNanos(el.StandingAfter)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO roll (election_id, member_id, voted)
			SELECT $1, id, false FROM members
			WHERE status = 'active' AND ($2::bigint IS NULL OR joined < $2)
				AND ($3::bigint IS NULL OR good_until IS NULL OR good_until > $3)
			ORDER BY id`, id, cutoff, standing)
		if err != nil {
			return err
		}
		n := int(tag.RowsAffected())
		var record bool
		if record, refused = models.CheckElectorate(e, fingerprint, n); refused != nil {
			if !record {
				return nil
			}
			if _, err := tx.Exec(ctx, `UPDATE elections SET open_refused = $2 WHERE id = $1`, id, fingerprint); err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, models.AuditOpenRefused(e))
		}
		o := models.OpeningAt(e, fingerprint, now)
		if _, err := tx.Exec(ctx, `UPDATE elections SET state = $2, fingerprint = $3, opened_at = $4, definition = $5 WHERE id = $1`,
			id, string(models.Open), o.Fingerprint, nanos(now), o.Definition); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditElectionOpened(id, o, n))
	})
	if err != nil {
		return err
	}
	return refused
}

// CancelElection gives up a draft or open election without ballots: its
// roll and recipients go, and it is kept closed with the time it was
// cancelled.
func (s *Store) CancelElection(ctx context.Context, id, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		var ballots int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM box WHERE election_id = $1) + (SELECT count(*) FROM replaced WHERE election_id = $1)`,
			id).Scan(&ballots); err != nil {
			return err
		}
		if err := models.CheckCancel(e, ballots); err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM roll WHERE election_id = $1`, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET state = $2, recipients = '{}', cancelled_at = $3 WHERE id = $1`,
			id, string(models.Closed), nanos(now)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditElectionCancelled(id, e.State, int(tag.RowsAffected())))
	})
}

// Extend grants one more close extension to an open election.
func (s *Store) Extend(ctx context.Context, id string, from int, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckExtend(e, from); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE elections SET extensions = extensions + 1 WHERE id = $1 RETURNING extensions`, id).
			Scan(&e.Extensions); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditElectionExtended(e))
	})
}

// WithdrawCandidate withdraws a candidate from a draft or open election.
func (s *Store) WithdrawCandidate(ctx context.Context, electionID, candidateID, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, electionID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckWithdraw(e, candidateID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET withdrawn = array_append(withdrawn, $2) WHERE id = $1`, electionID, candidateID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCandidateWithdrawn(electionID, candidateID))
	})
}
