package postgres

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

func TestOpenCancelRaces(t *testing.T) {
	storetest.RunOpenCancelRaces(t, func(t *testing.T, n int, clock func() time.Time) []models.Store {
		dsn := pgtest.Database(t)
		stores := make([]models.Store, n)
		for i := range stores {
			s := openTest(t, dsn)
			s.clock = clock
			stores[i] = s
		}
		return stores
	})
}

func TestOpenWithStaleFingerprintIsRefused(t *testing.T) {
	storetest.RunOpenWithStaleFingerprint(t, newStore(t))
}
