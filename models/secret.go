package models

import (
	"context"
	"crypto/rand"
	"fmt"
)

// SecretCandidateOrder names the store's secret that seeds each member's
// shuffled candidate order. Seeded with public values only (the member and
// election IDs), anyone could compute a member's screen order, and with it
// tie a ballot written in that order to its voter (issue 10 item 2).
const SecretCandidateOrder = "candidate-order"

// OrderSecretSize is the length of the candidate-order secret in bytes.
const OrderSecretSize = 32

// CheckFreshSecret refuses a secret a store is asked to keep that is too
// short to be one.
func CheckFreshSecret(fresh []byte) error {
	if len(fresh) < OrderSecretSize {
		return fmt.Errorf("a new server secret of %d bytes: at least %d are needed", len(fresh), OrderSecretSize)
	}
	return nil
}

// OrderSecret returns the server's secret for shuffling members' candidate
// orders, drawing it from crypto/rand the first time a store is asked.
// Every front end on one store gets the same secret, so a member sees the
// same order whichever serves them; it never leaves the server.
func (s *Service) OrderSecret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, OrderSecretSize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	return s.store.OrderSecret(ctx, fresh)
}
