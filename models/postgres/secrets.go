package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// OrderSecret returns the store's candidate-order secret, storing fresh
// as it when there is none yet. Of front ends racing to store theirs, the
// first insert wins and every one returns it.
func (s *Store) OrderSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	var secret []byte
	err := s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, models.SecretCandidateOrder).Scan(&secret)
	})
	if !errors.Is(err, pgx.ErrNoRows) {
		return secret, err
	}
	if err := models.CheckFreshSecret(fresh); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
			models.SecretCandidateOrder, fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, models.SecretCandidateOrder).Scan(&secret)
	})
	return secret, err
}
