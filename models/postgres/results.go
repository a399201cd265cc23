package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// SaveResult stores the count of a closed election (replacing an earlier
// count of it) and moves the election to Counted.
func (s *Store) SaveResult(ctx context.Context, electionID string, r models.StoredResult, actor string) error {
	if err := models.CheckResultToStore(electionID, r); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, electionID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckCount(e); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO results (election_id, result, counted_at) VALUES ($1, $2, $3)
			ON CONFLICT (election_id) DO UPDATE SET result = excluded.result, counted_at = excluded.counted_at`,
			electionID, r.Result, nanos(r.CountedAt)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET state = $2 WHERE id = $1`, electionID, string(models.Counted)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditCounted(electionID, e.State, r.Result.Ballots))
	})
}

// Result returns an election's stored count; ErrNotFound before a count.
func (s *Store) Result(ctx context.Context, electionID string) (models.StoredResult, error) {
	var r models.StoredResult
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		var at int64
		r.Result = new(tally.Result)
		err := tx.QueryRow(ctx, `SELECT result, counted_at FROM results WHERE election_id = $1`, electionID).Scan(r.Result, &at)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("result of election %s: %w", electionID, models.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("stored result of election %s: %w", electionID, err)
		}
		r.CountedAt = fromNanos(&at)
		return nil
	})
	if err != nil {
		return models.StoredResult{}, err
	}
	return r, nil
}
