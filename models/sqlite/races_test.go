package sqlite

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// sharedStores opens n stores on one database, on one clock: front ends
// racing each other.
func sharedStores(t *testing.T, n int, clock func() time.Time) []models.Store {
	dir := t.TempDir()
	stores := make([]models.Store, n)
	for i := range stores {
		s := openStore(t, dir)
		s.now = clock
		stores[i] = s
	}
	return stores
}

func TestSharedLifecycleRaces(t *testing.T) { storetest.RunLifecycleRaces(t, sharedStores) }

func TestOpenCancelRaces(t *testing.T) { storetest.RunOpenCancelRaces(t, sharedStores) }

func TestOpenWithStaleFingerprintIsRefused(t *testing.T) {
	s := newStore(t)
	storetest.UseClock(s, storetest.NewClock())
	storetest.RunOpenWithStaleFingerprint(t, s)
}
