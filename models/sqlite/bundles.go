package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vote.example.org/booth/models"
)

// SaveBundle stores a counted election's published results bundle,
// replacing an earlier one, and audits the publication with the bundle's
// SHA-256, so the audit chain commits to exactly the file published.
func (s *Store) SaveBundle(ctx context.Context, electionID string, data []byte, actor string) error {
	if err := models.CheckBundleToStore(electionID, data); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, electionID)
		if err != nil {
			return err
		}
		if err := models.CheckPublish(e); err != nil {
			return err
		}
		var first bool
		if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM bundles WHERE election_id = ?)`, electionID).Scan(&first); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bundles (election_id, data) VALUES (?, ?)
			ON CONFLICT (election_id) DO UPDATE SET data = excluded.data`, electionID, data); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditPublished(electionID, first, data))
	})
}

// Bundle returns an election's published results bundle; ErrNotFound
// before one is published.
func (s *Store) Bundle(ctx context.Context, electionID string) ([]byte, error) {
	var data []byte
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT data FROM bundles WHERE election_id = ?`, electionID).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
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
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, electionID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT receipt_hash FROM replaced WHERE election_id = ? ORDER BY receipt_hash`, electionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var hash []byte
			if err := rows.Scan(&hash); err != nil {
				return err
			}
			var h [32]byte
			if len(hash) != len(h) {
				return fmt.Errorf("election %s: a stored replaced receipt hash of %d bytes", electionID, len(hash))
			}
			copy(h[:], hash)
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
}
