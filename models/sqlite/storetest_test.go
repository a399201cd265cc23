package sqlite

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock func() time.Time) models.Store {
		s := newStore(t)
		s.now = clock
		return s
	})
}

// Several handles on one database file meet in SQLite's locks (BEGIN
// IMMEDIATE and busy_timeout), as several processes would, not only in
// one handle's writer queue.
func TestStoreShared(t *testing.T) {
	storetest.RunShared(t, sharedStores)
}
