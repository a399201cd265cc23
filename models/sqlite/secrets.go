package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"vote.example.org/booth/models"
)

// OrderSecret returns the store's candidate-order secret, storing fresh
// as it when there is none yet (models.FirstSecret). It is read first, so
// only the first call on a store takes the write lock.
func (s *Store) OrderSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	const query = `SELECT value FROM secrets WHERE name = ?`
	read := func() ([]byte, bool, error) {
		var secret []byte
		err := s.read(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, query, models.SecretCandidateOrder).Scan(&secret)
		})
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		}
		return secret, err == nil, err
	}
	keepFirst := func(fresh []byte) ([]byte, error) {
		var secret []byte
		err := s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
				models.SecretCandidateOrder, fresh); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, query, models.SecretCandidateOrder).Scan(&secret)
		})
		return secret, err
	}
	return models.FirstSecret(fresh, read, keepFirst)
}
