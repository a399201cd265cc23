package sqlite

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

func TestOpenCancelRaces(t *testing.T) {
	storetest.RunOpenCancelRaces(t, func(t *testing.T, n int, clock func() time.Time) []models.Store {
		dir := t.TempDir()
		stores := make([]models.Store, n)
		for i := range stores {
			s := openStore(t, dir)
			s.now = clock
			stores[i] = s
		}
		return stores
	})
}

func TestOpenWithStaleFingerprintIsRefused(t *testing.T) {
	s := newStore(t)
	storetest.UseClock(s, storetest.NewClock())
	storetest.RunOpenWithStaleFingerprint(t, s)
}
