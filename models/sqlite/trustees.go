package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"vote.example.org/booth/models"
)

// insertShares stores a new election's sealed shares inside its creating
// transaction, audited.
func (s *Store) insertShares(ctx context.Context, tx *sql.Tx, e models.Election, actor string) error {
	if e.Trustees == nil {
		return nil
	}
	if len(e.SealedShares) != len(e.Trustees.Keys) {
		return fmt.Errorf("election %s: %d sealed shares for %d trustees", e.ID, len(e.SealedShares), len(e.Trustees.Keys))
	}
	for i, sealed := range e.SealedShares {
		if _, err := tx.ExecContext(ctx, `INSERT INTO trustee_shares (election_id, idx, sealed) VALUES (?, ?, ?)`, e.ID, i+1, sealed); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, actor, models.AuditTrusteeShares(e))
}

// TrusteeShares returns an election's sealed shares in trustee order.
func (s *Store) TrusteeShares(ctx context.Context, electionID string) ([][]byte, error) {
	var out [][]byte
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT sealed FROM trustee_shares WHERE election_id = ? ORDER BY idx`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return err
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, err
}

// StartCountSession abandons the election's open count session, if any,
// and opens one for key.
func (s *Store) StartCountSession(ctx context.Context, electionID, key, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, electionID)
		if err != nil {
			return err
		}
		if err := models.CheckCountSession(e); err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE count_sessions SET state = 'abandoned', finished_at = ? WHERE election_id = ? AND state = 'open'`,
			formatTime(now), electionID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO count_sessions (election_id, session_key, state, started_at) VALUES (?, ?, 'open', ?)`,
			electionID, key, formatTime(now))
		if isUnique(err) {
			return fmt.Errorf("election %s: count session %s: %w", electionID, key, models.ErrExists)
		}
		if err != nil {
			return err
		}
		return s.appendAuditAt(ctx, tx, now, actor, models.AuditCountSessionStarted(electionID, key))
	})
}

// openSession checks that key is the election's open count session.
func openSession(ctx context.Context, tx *sql.Tx, electionID, key string) error {
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM count_sessions WHERE election_id = ? AND session_key = ?`, electionID, key).Scan(&state)
	if err == sql.ErrNoRows {
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
	data, err := json.Marshal(releases)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := openSession(ctx, tx, electionID, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE count_sessions SET releases = ? WHERE election_id = ? AND session_key = ?`, string(data), electionID, key); err != nil {
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
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := openSession(ctx, tx, electionID, key); err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE count_sessions SET state = 'finished', finished_at = ? WHERE election_id = ? AND session_key = ?`,
			formatTime(now), electionID, key); err != nil {
			return err
		}
		return s.appendAuditAt(ctx, tx, now, actor, models.AuditCountSessionFinished(electionID, key))
	})
}

// CountSessions lists an election's count sessions, oldest first.
func (s *Store) CountSessions(ctx context.Context, electionID string) ([]models.CountSession, error) {
	var out []models.CountSession
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT session_key, state, started_at, finished_at, releases FROM count_sessions
			WHERE election_id = ? ORDER BY started_at, rowid`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cs models.CountSession
			var state, started, finished, releases string
			if err := rows.Scan(&cs.Key, &state, &started, &finished, &releases); err != nil {
				return err
			}
			cs.State = models.CountSessionState(state)
			if cs.StartedAt, err = parseTime(started); err != nil {
				return err
			}
			if cs.FinishedAt, err = parseTime(finished); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(releases), &cs.Releases); err != nil {
				return fmt.Errorf("election %s: stored releases: %w", electionID, err)
			}
			out = append(out, cs)
		}
		return rows.Err()
	})
	return out, err
}
