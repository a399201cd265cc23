package postgres

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// sharedStores opens n stores on one database, on one clock: front ends
// racing each other.
func sharedStores(t *testing.T, n int, clock func() time.Time) []models.Store {
	dsn := pgtest.Database(t)
	stores := make([]models.Store, n)
	for i := range stores {
		s := openTest(t, dsn)
		s.clock = clock
		stores[i] = s
	}
	return stores
}

func TestSharedLifecycleRaces(t *testing.T) { storetest.RunLifecycleRaces(t, sharedStores) }

func TestOpenCancelRaces(t *testing.T) { storetest.RunOpenCancelRaces(t, sharedStores) }

func TestOpenWithStaleFingerprintIsRefused(t *testing.T) {
	storetest.RunOpenWithStaleFingerprint(t, newStore(t))
}
