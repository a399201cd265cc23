package postgres

import (
	"errors"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// Issue 10 item 4: a front end whose clock was 3 h ahead closed every
// election of a shared database, for good, with closed_at in the future.
// The lifecycle now runs on the database server's clock: such a front
// end's tick opens what is due by the server's time and closes nothing
// early, and a close it makes is dated by the server.
func TestTickByTheDatabaseClockNotTheFrontEnds(t *testing.T) {
	s, err := Open(ctx, pgtest.Database(t)) // the real server clock, not a fake
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	dbNow, err := s.Now(ctx)
	must(t, err)
	if skew := time.Since(dbNow); skew > time.Minute || skew < -time.Minute {
		t.Fatalf("the test server's clock is %v off this machine's; the test needs them close", skew)
	}
	must(t, s.ImportMembers(ctx, []models.Member{storetest.Member("a"), storetest.Member("b")}, storetest.Officer))
	for id, window := range map[string][2]time.Duration{"now": {-time.Hour, time.Hour}, "later": {time.Hour, 4 * time.Hour}} {
		d := storetest.Definition(id)
		d.OpensAt, d.ClosesAt, d.Quorum = dbNow.Add(window[0]), dbNow.Add(window[1]), models.QuorumRule{}
		must(t, s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, storetest.Officer))
	}
	ahead := models.NewService(s)
	ahead.Now = func() time.Time { return time.Now().Add(3 * time.Hour) }
	must(t, ahead.Tick(ctx))
	for id, want := range map[string]models.ElectionState{"now": models.Open, "later": models.Draft} {
		e, err := s.Election(ctx, id)
		must(t, err)
		if e.State != want {
			t.Errorf("election %q after a tick by a clock 3 h ahead: %s, want %s", id, e.State, want)
		}
	}
	c := storetest.CastIn("a", "ra")
	c.ElectionID = "now"
	must(t, s.Cast(ctx, c))

	must(t, ahead.CloseElection(ctx, "now", storetest.Officer))
	e, err := s.Election(ctx, "now")
	must(t, err)
	if e.ClosedAt.After(time.Now().Add(time.Minute)) || e.OpenedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("opened at %v and closed at %v by a front end 3 h ahead: in the future", e.OpenedAt, e.ClosedAt)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	for _, entry := range log {
		if entry.At.After(time.Now().Add(time.Minute)) {
			t.Errorf("audit entry %d dated %v, in the future", entry.Seq, entry.At)
		}
	}
}

// Issue 10 item 4: a cast started 2 s before the close committed 5.2 s
// after it and was accepted, because its time was read before it waited
// for its lock. The time is now read after the lock: a cast that waits
// across the close is refused.
func TestCastWaitingForItsLockAcrossTheCloseIsRefused(t *testing.T) {
	s := newStore(t)
	storetest.Setup(t, s, []string{"a"}, nil)
	e, err := s.Election(ctx, "e1")
	must(t, err)
	closes := e.EffectiveClose()
	storetest.At(s, closes.Add(-2*time.Second))

	// Another transaction holds the election's row, as a change of it
	// would, while the cast starts.
	blocker, err := s.pool.Begin(ctx)
	must(t, err)
	defer blocker.Rollback(ctx)
	_, err = blocker.Exec(ctx, `SELECT 1 FROM elections WHERE id = 'e1' FOR UPDATE`)
	must(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Cast(ctx, storetest.CastIn("a", "ra")) }()
	waitForLockWait(t, s)

	storetest.At(s, closes.Add(5200*time.Millisecond))
	must(t, blocker.Commit(ctx))
	if err := <-done; !errors.Is(err, models.ErrNotOpen) {
		t.Fatalf("a cast whose lock came 5.2 s after the close: %v, want %v", err, models.ErrNotOpen)
	}
	if tu, _ := s.Turnout(ctx, "e1"); tu.Voted != 0 {
		t.Errorf("%d roll marks after the refused cast", tu.Voted)
	}
}

// waitForLockWait returns once some session of s's database waits for a
// lock.
func waitForLockWait(t *testing.T, s *Store) {
	t.Helper()
	for range 500 {
		var waiting bool
		must(t, s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting))
		if waiting {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the cast never waited for the election's row")
}
