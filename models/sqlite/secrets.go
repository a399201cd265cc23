package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"vote.example.org/booth/models"
)

// OrderSecret returns the store's candidate-order secret, storing fresh
// as it when there is none yet. It is read first, so only the first call
// on a store takes the write lock.
func (s *Store) OrderSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	var secret []byte
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, models.SecretCandidateOrder).Scan(&secret)
	})
	if !errors.Is(err, sql.ErrNoRows) {
		return secret, err
	}
	if err := models.CheckFreshSecret(fresh); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			models.SecretCandidateOrder, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, models.SecretCandidateOrder).Scan(&secret)
	})
	return secret, err
}
