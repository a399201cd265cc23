package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// insertShares stores a new election's sealed shares inside its creating
// transaction, audited.
func (s *Store) insertShares(ctx context.Context, tx pgx.Tx, e models.Election, actor string) error {
	if e.Trustees == nil {
		return nil
	}
	if len(e.SealedShares) != len(e.Trustees.Keys) {
		return fmt.Errorf("election %s: %d sealed shares for %d trustees", e.ID, len(e.SealedShares), len(e.Trustees.Keys))
	}
	for i, sealed := range e.SealedShares {
		if _, err := tx.Exec(ctx, `INSERT INTO trustee_shares (election_id, idx, sealed) VALUES ($1, $2, $3)`, e.ID, i+1, sealed); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, actor, models.AuditTrusteeShares(e))
}

// TrusteeShares returns an election's sealed shares in trustee order.
func (s *Store) TrusteeShares(ctx context.Context, electionID string) ([][]byte, error) {
	var out [][]byte
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT sealed FROM trustee_shares WHERE election_id = $1 ORDER BY idx`, electionID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[[]byte])
		return err
	})
	return out, err
}

// StartCountSession abandons the election's open count session, if any,
// and opens one for key.
func (s *Store) StartCountSession(ctx context.Context, electionID, key, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, electionID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckCountSession(e); err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE count_sessions SET state = 'abandoned', finished_at = $1 WHERE election_id = $2 AND state = 'open'`,
			nanos(now), electionID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO count_sessions (election_id, session_key, state, started_at) VALUES ($1, $2, 'open', $3)
			ON CONFLICT (election_id, session_key) DO NOTHING`, electionID, key, nanos(now))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("election %s: count session %s: %w", electionID, key, models.ErrExists)
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCountSessionStarted(electionID, key))
	})
}

// openSession checks, with the session's row locked, that key is the
// election's open count session.
func openSession(ctx context.Context, tx pgx.Tx, electionID, key string) error {
	var state string
	err := tx.QueryRow(ctx, `SELECT state FROM count_sessions WHERE election_id = $1 AND session_key = $2 FOR UPDATE`, electionID, key).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("election %s has no count session %s: %w", electionID, key, models.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if state != string(models.SessionOpen) {
		return fmt.Errorf("the count session %s of election %s is %s: %w", key, electionID, state, models.ErrWrongState)
	}
	return nil
}

// RecordReleases stores the releases a count of the open session used,
// each audited.
func (s *Store) RecordReleases(ctx context.Context, electionID, key string, releases []models.UsedRelease, actor string) error {
	if releases == nil {
		releases = []models.UsedRelease{}
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := openSession(ctx, tx, electionID, key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE count_sessions SET releases = $1 WHERE election_id = $2 AND session_key = $3`, releases, electionID, key); err != nil {
			return err
		}
		for _, r := range releases {
			if err := s.appendAudit(ctx, tx, actor, models.AuditReleaseUsed(electionID, key, r)); err != nil {
				return err
			}
		}
		return nil
	})
}

// FinishCountSession closes the open session.
func (s *Store) FinishCountSession(ctx context.Context, electionID, key, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := openSession(ctx, tx, electionID, key); err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE count_sessions SET state = 'finished', finished_at = $1 WHERE election_id = $2 AND session_key = $3`,
			nanos(now), electionID, key); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCountSessionFinished(electionID, key))
	})
}

// CountSessions lists an election's count sessions, oldest first.
func (s *Store) CountSessions(ctx context.Context, electionID string) ([]models.CountSession, error) {
	var out []models.CountSession
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT session_key, state, started_at, finished_at, releases FROM count_sessions
			WHERE election_id = $1 ORDER BY started_at, session_key`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cs models.CountSession
			var state string
			var started int64
			var finished *int64
			if err := rows.Scan(&cs.Key, &state, &started, &finished, &cs.Releases); err != nil {
				return err
			}
			cs.State = models.CountSessionState(state)
			cs.StartedAt, cs.FinishedAt = fromNanos(&started), fromNanos(finished)
			if len(cs.Releases) == 0 {
				cs.Releases = nil
			}
			out = append(out, cs)
		}
		return rows.Err()
	})
	return out, err
}
