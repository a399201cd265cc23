package sqlite

import (
	"context"
	"errors"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// The fixtures of the conformance suite, under the short names these
// SQLite-only tests use.
var (
	ctx        = context.Background()
	t0         = storetest.T0
	member     = storetest.Member
	memberIDs  = storetest.MemberIDs
	definition = storetest.Definition
	receipt    = storetest.Receipt
	cast       = storetest.CastIn
)

const officer = storetest.Officer

func newStore(t testing.TB) *Store {
	t.Helper()
	return openStore(t, t.TempDir())
}

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	return openStoreClock(t, dir, storetest.NewClock())
}

// openStoreClock opens the store in dir on clock c (see storetest.At).
func openStoreClock(t testing.TB, dir string, c *storetest.Clock) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	s.now = c.Now
	storetest.UseClock(s, c)
	t.Cleanup(func() { s.Close() })
	return s
}

// setup makes a store with the given members and an open election "e1"
// (definition changed by edit, if given).
func setup(t testing.TB, ids []string, edit func(*models.Definition)) *Store {
	t.Helper()
	s := newStore(t)
	storetest.Setup(t, s, ids, edit)
	return s
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// count runs a counting query directly on the database.
func count(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
