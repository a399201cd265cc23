package postgres

import (
	"context"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

var ctx = context.Background()

// openTest opens a store on dsn and closes it when the test ends.
func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newStore opens a store on a new, empty database.
func newStore(t testing.TB) *Store { return openTest(t, TestDatabase(t)) }

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) models.Store { return newStore(t) })
}

// Several pools on one database, as several front ends have.
func TestStoreShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T, n int) []models.Store {
		dsn := TestDatabase(t)
		stores := make([]models.Store, n)
		for i := range stores {
			stores[i] = openTest(t, dsn)
		}
		return stores
	})
}
