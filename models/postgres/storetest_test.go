package postgres

import (
	"context"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

var ctx = context.Background()

// openTest opens a store on dsn, on a clock of its own at T0 (see
// storetest.At), and closes it when the test ends.
func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	return openTestClock(t, dsn, storetest.NewClock())
}

// openTestClock opens a store on dsn on clock c.
func openTestClock(t testing.TB, dsn string, c *storetest.Clock) *Store {
	t.Helper()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s.clock = c.Now
	storetest.UseClock(s, c)
	t.Cleanup(func() { s.Close() })
	return s
}

// newStore opens a store on a new, empty database.
func newStore(t testing.TB) *Store { return openTest(t, pgtest.Database(t)) }

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock func() time.Time) models.Store {
		s := newStore(t)
		s.clock = clock
		return s
	})
}

// Several pools on one database, as several front ends have.
func TestStoreShared(t *testing.T) {
	storetest.RunShared(t, sharedStores)
}
