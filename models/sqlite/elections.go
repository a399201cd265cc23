package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"vote.example.org/booth/models"
)

const electionColumns = `id, definition, state, fingerprint, recipients, withdrawn, extensions, opened_at, closed_at, scrub_pending,
	cancelled_at, open_refused`

// CreateElection stores a new election in the draft state.
func (s *Store) CreateElection(ctx context.Context, e models.Election, actor string) error {
	if err := models.CheckNewElection(e); err != nil {
		return err
	}
	def, err := json.Marshal(e.Definition)
	if err != nil {
		return err
	}
	recipients, err := jsonList(e.Recipients)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO elections (id, definition, state, recipients) VALUES (?, ?, ?, ?)`,
			e.ID, string(def), string(models.Draft), recipients)
		if isUnique(err) {
			return fmt.Errorf("election %s: %w", e.ID, models.ErrExists)
		}
		if err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, actor, models.AuditElectionCreated(e)); err != nil {
			return err
		}
		return s.insertShares(ctx, tx, e, actor)
	})
}

// UpdateDefinition replaces a draft election's definition.
func (s *Store) UpdateDefinition(ctx context.Context, d models.Definition, actor string) error {
	def, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if err := models.CheckEdit(e); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET definition = ? WHERE id = ?`, string(def), d.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditDefinitionReplaced(d.ID))
	})
}

// Election returns one election.
func (s *Store) Election(ctx context.Context, id string) (models.Election, error) {
	var e models.Election
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		e, err = loadElection(ctx, tx, id)
		return err
	})
	return e, err
}

// Elections lists every election, by ID.
func (s *Store) Elections(ctx context.Context) ([]models.Election, error) {
	var es []models.Election
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+electionColumns+` FROM elections ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanElection(rows)
			if err != nil {
				return err
			}
			es = append(es, e)
		}
		return rows.Err()
	})
	return es, err
}

// loadElection reads one election inside tx; ErrNotFound if unknown.
func loadElection(ctx context.Context, tx *sql.Tx, id string) (models.Election, error) {
	e, err := scanElection(tx.QueryRowContext(ctx, `SELECT `+electionColumns+` FROM elections WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("election %s: %w", id, models.ErrNotFound)
	}
	return e, err
}

func scanElection(row interface{ Scan(...any) error }) (models.Election, error) {
	var (
		e                                     models.Election
		id, def, state, recipients, withdrawn string
		opened, closed, cancelled             string
	)
	if err := row.Scan(&id, &def, &state, &e.Fingerprint, &recipients, &withdrawn, &e.Extensions, &opened, &closed, &e.ScrubPending,
		&cancelled, &e.OpenRefused); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(def), &e.Definition); err != nil {
		return e, fmt.Errorf("election %s: stored definition: %w", id, err)
	}
	if err := json.Unmarshal([]byte(recipients), &e.Recipients); err != nil {
		return e, fmt.Errorf("election %s: stored recipients: %w", id, err)
	}
	if err := json.Unmarshal([]byte(withdrawn), &e.Withdrawn); err != nil {
		return e, fmt.Errorf("election %s: stored withdrawals: %w", id, err)
	}
	// Empty lists read back as nil, as a fresh Election has them.
	if len(e.Recipients) == 0 {
		e.Recipients = nil
	}
	if len(e.Withdrawn) == 0 {
		e.Withdrawn = nil
	}
	e.State = models.ElectionState(state)
	var err error
	if e.OpenedAt, err = parseTime(opened); err != nil {
		return e, err
	}
	if e.ClosedAt, err = parseTime(closed); err != nil {
		return e, err
	}
	if e.CancelledAt, err = parseTime(cancelled); err == nil && !e.CancelledAt.IsZero() {
		e.State = models.Cancelled
	}
	return e, err
}

// jsonList encodes a string list, nil as [].
func jsonList(l []string) (string, error) {
	if l == nil {
		l = []string{}
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// OpenElection opens a draft: it records the fingerprint and freezes the
// electorate, one roll row per eligible member, written in member-ID order
// so the rows carry no order of their own. The opening time is the store's.
// An empty electorate leaves it a draft: the refusal is recorded and
// committed (the first time for the definition), then returned.
func (s *Store) OpenElection(ctx context.Context, id, fingerprint, actor string) error {
	if err := models.CheckOpenRequest(id, fingerprint); err != nil {
		return err
	}
	var refused error
	err := s.write(ctx, func(tx *sql.Tx) error {
		refused = nil
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := models.CheckOpen(e, fingerprint); err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		nominees, err := nomineesIn(ctx, tx, id)
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
		// Stored times are fixed-width text (timeLayout), so joined < cutoff
		// compares them as times; "" for no cutoff takes everyone, and a
		// member without an expiry ('') is in good standing.
		res, err := tx.ExecContext(ctx, `INSERT INTO roll (election_id, member_id, voted)
			SELECT ?1, id, 0 FROM members WHERE status = ?2 AND (?3 = '' OR joined < ?3)
				AND (?4 = '' OR good_until = '' OR good_until > ?4) ORDER BY id`,
			id, string(models.Active), formatTime(el.JoinedBefore), formatTime(el.StandingAfter))
		if err != nil {
			return err
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n := int(rows)
		var record bool
		if record, refused = models.CheckElectorate(e, fingerprint, n); refused != nil {
			if !record {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `UPDATE elections SET open_refused = ? WHERE id = ?`, fingerprint, id); err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, models.AuditOpenRefused(e))
		}
		o := models.OpeningAt(e, fingerprint, now)
		def, err := json.Marshal(o.Definition)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = ?, fingerprint = ?, opened_at = ?, definition = ? WHERE id = ?`,
			string(models.Open), o.Fingerprint, formatTime(now), string(def), id); err != nil {
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
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		var ballots int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM box WHERE election_id = ?) + (SELECT count(*) FROM replaced WHERE election_id = ?)`,
			id, id).Scan(&ballots); err != nil {
			return err
		}
		if err := models.CheckCancel(e, ballots); err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM roll WHERE election_id = ?`, id)
		if err != nil {
			return err
		}
		roll, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = ?, recipients = '[]', cancelled_at = ? WHERE id = ?`,
			string(models.Closed), formatTime(now), id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditElectionCancelled(id, e.State, int(roll)))
	})
}

// Extend grants one more close extension to an open election.
func (s *Store) Extend(ctx context.Context, id string, from int, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := models.CheckExtend(e, from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET extensions = extensions + 1 WHERE id = ?`, id); err != nil {
			return err
		}
		e.Extensions++
		return s.appendAudit(ctx, tx, actor, models.AuditElectionExtended(e))
	})
}

// WithdrawCandidate withdraws a candidate from a draft or open election.
func (s *Store) WithdrawCandidate(ctx context.Context, electionID, candidateID, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, electionID)
		if err != nil {
			return err
		}
		if err := models.CheckWithdraw(e, candidateID); err != nil {
			return err
		}
		w, err := jsonList(append(e.Withdrawn, candidateID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET withdrawn = ? WHERE id = ?`, w, electionID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCandidateWithdrawn(electionID, candidateID))
	})
}
