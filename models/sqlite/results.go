package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// SaveResult stores the count of a closed election (replacing an earlier
// count of it) and moves the election to Counted.
func (s *Store) SaveResult(ctx context.Context, electionID string, r models.StoredResult, actor string) error {
	if err := models.CheckResultToStore(electionID, r); err != nil {
		return err
	}
	doc, err := json.Marshal(r.Result)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, electionID)
		if err != nil {
			return err
		}
		if err := models.CheckCount(e); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO results (election_id, result, counted_at) VALUES (?, ?, ?)
			ON CONFLICT (election_id) DO UPDATE SET result = excluded.result, counted_at = excluded.counted_at`,
			electionID, string(doc), formatTime(r.CountedAt))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = ? WHERE id = ?`, string(models.Counted), electionID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCounted(electionID, e.State, r.Result.Ballots))
	})
}

// Result returns an election's stored count; ErrNotFound before a count.
func (s *Store) Result(ctx context.Context, electionID string) (models.StoredResult, error) {
	var r models.StoredResult
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		var doc, at string
		err := tx.QueryRowContext(ctx, `SELECT result, counted_at FROM results WHERE election_id = ?`, electionID).Scan(&doc, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("result of election %s: %w", electionID, models.ErrNotFound)
		}
		if err != nil {
			return err
		}
		r.Result = new(tally.Result)
		if err := json.Unmarshal([]byte(doc), r.Result); err != nil {
			return fmt.Errorf("stored result of election %s: %w", electionID, err)
		}
		r.CountedAt, err = parseTime(at)
		return err
	})
	return r, err
}
