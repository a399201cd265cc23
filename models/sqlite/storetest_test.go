package sqlite

import (
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) models.Store { return newStore(t) })
}

// Several handles on one database file meet in SQLite's locks (BEGIN
// IMMEDIATE and busy_timeout), as several processes would, not only in
// one handle's writer queue.
func TestStoreShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T, n int) []models.Store {
		dir := t.TempDir()
		stores := make([]models.Store, n)
		for i := range stores {
			stores[i] = openStore(t, dir)
		}
		return stores
	})
}
