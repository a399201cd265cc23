package sqlite

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

func TestReviewI12Races(t *testing.T) {
	storetest.RunReviewI12Races(t, func(t *testing.T, n int, clock func() time.Time) []models.Store {
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

func TestReviewI12OpenWithStaleFingerprint(t *testing.T) {
	s := newStore(t)
	storetest.UseClock(s, storetest.NewClock())
	storetest.TestOpenWithStaleFingerprint(t, s)
}
