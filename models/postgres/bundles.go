package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// SaveBundle stores a counted election's published results bundle,
// replacing an earlier one, and audits the publication with the bundle's
// SHA-256, so the audit chain commits to exactly the file published.
func (s *Store) SaveBundle(ctx context.Context, electionID string, data []byte, actor string) error {
	if err := models.CheckBundleToStore(electionID, data); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, electionID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		if err := models.CheckPublish(e); err != nil {
			return err
		}
		// xmax is zero on a row this statement inserted, and set on one
		// it updated.
		var first bool
		if err := tx.QueryRow(ctx, `INSERT INTO bundles (election_id, data) VALUES ($1, $2)
			ON CONFLICT (election_id) DO UPDATE SET data = excluded.data
			RETURNING xmax = 0`, electionID, data).Scan(&first); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditPublished(electionID, first, data))
	})
}

// Bundle returns an election's published results bundle; ErrNotFound
// before one is published.
func (s *Store) Bundle(ctx context.Context, electionID string) ([]byte, error) {
	var data []byte
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT data FROM bundles WHERE election_id = $1`, electionID).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("results bundle of election %s: %w", electionID, models.ErrNotFound)
		}
		return err
	})
	return data, err
}

// ReplacedReceipts lists the hashes of the receipts whose ballots were
// replaced, in receipt-hash order.
func (s *Store) ReplacedReceipts(ctx context.Context, electionID string) ([][32]byte, error) {
	var out [][32]byte
	err := s.readElection(ctx, electionID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT receipt_hash FROM replaced WHERE election_id = $1 ORDER BY receipt_hash`, electionID)
		var err error
		out, err = collect(rows, func(row pgx.CollectableRow) ([32]byte, error) {
			var hash []byte
			if err := row.Scan(&hash); err != nil {
				return [32]byte{}, err
			}
			return toHash(electionID, hash)
		})
		return err
	})
	return out, err
}
