package sqlite

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// Issue 10 item 4: a cast started 2 s before the close committed 5.2 s
// after it and was accepted, because its time was read before it waited
// for the write lock. The time is now read once BEGIN IMMEDIATE holds the
// lock: a cast that waits across the close is refused.
func TestCastWaitingForTheWriteLockAcrossTheCloseIsRefused(t *testing.T) {
	dir := t.TempDir()
	clock := storetest.NewClock()
	s := openStoreClock(t, dir, clock)
	storetest.Setup(t, s, []string{"a"}, nil)
	e, err := s.Election(ctx, "e1")
	must(t, err)
	closes := e.EffectiveClose()
	clock.Set(closes.Add(-2 * time.Second))

	// Another process (here another handle on the file) holds the write
	// lock while the cast starts.
	other := openStoreClock(t, dir, clock)
	blocker, err := other.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE
	must(t, err)
	defer blocker.Rollback()
	done := make(chan error, 1)
	go func() { done <- s.Cast(ctx, cast("a", "ra")) }()
	select {
	case err := <-done:
		t.Fatalf("the cast did not wait for the write lock: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	clock.Set(closes.Add(5200 * time.Millisecond))
	must(t, blocker.Rollback())
	if err := <-done; !errors.Is(err, models.ErrNotOpen) {
		t.Fatalf("a cast whose lock came 5.2 s after the close: %v, want %v", err, models.ErrNotOpen)
	}
	if n := count(t, s, `SELECT count(*) FROM box`); n != 0 {
		t.Errorf("%d ballots after the refused cast", n)
	}
}

// Issue 10 item 4: on SQLite the store's time is the local clock, checked
// against the latest time the store recorded. A clock that fell behind it
// by more than models.ClockTolerance (set back by hand, a restored
// snapshot, a data directory moved to another machine, or correct again
// after running ahead) is refused with a clear error, for casts, the
// lifecycle and officers' changes alike; a small step back is not.
func TestClockBehindTheRecordedTimeIsRefused(t *testing.T) {
	dir := t.TempDir()
	clock := storetest.NewClock()
	s := openStoreClock(t, dir, clock)
	storetest.Setup(t, s, []string{"a", "b"}, nil) // officers' changes record T0
	svc := models.NewService(s)

	ticked := t0.Add(time.Hour)
	clock.Set(ticked)
	now, err := s.Now(ctx) // a tick records its time
	must(t, err)
	if !now.Equal(ticked) {
		t.Fatalf("Now = %v, want the local clock %v", now, ticked)
	}
	clock.Set(ticked.Add(-30 * time.Second)) // within the tolerance
	must(t, s.Cast(ctx, cast("a", "ra")))

	clock.Set(ticked.Add(-models.ClockTolerance - time.Second))
	_, err = s.Now(ctx)
	wantErr(t, "Now behind the recorded time", err, models.ErrClockSkew)
	if !strings.Contains(err.Error(), "set the clock right") || !strings.Contains(err.Error(), s.path) {
		t.Errorf("the refusal does not say where and what to do: %v", err)
	}
	wantErr(t, "a tick", svc.Tick(ctx), models.ErrClockSkew)
	wantErr(t, "a cast", s.Cast(ctx, cast("b", "rb")), models.ErrClockSkew)
	wantErr(t, "a close", s.CloseElection(ctx, "e1", officer), models.ErrClockSkew)
	wantErr(t, "an officer's change", s.AddMember(ctx, member("late"), officer), models.ErrClockSkew)
	// Another process on the same directory with the same clock: the same.
	wantErr(t, "another handle", openStoreClock(t, dir, clock).Cast(ctx, cast("b", "rb")), models.ErrClockSkew)

	clock.Set(ticked)
	must(t, s.Cast(ctx, cast("b", "rb")))
	if e, _ := s.Election(ctx, "e1"); e.State != models.Open {
		t.Errorf("election %s after refused closes", e.State)
	}
}

// Casts never record the time: a time written with each cast would say
// when someone voted.
func TestCastsRecordNoTime(t *testing.T) {
	clock := storetest.NewClock()
	s := openStoreClock(t, t.TempDir(), clock)
	storetest.Setup(t, s, []string{"a"}, nil)
	var before string
	must(t, s.db.QueryRow(`SELECT latest_time FROM store_info`).Scan(&before))
	clock.Set(t0.Add(5 * time.Hour))
	must(t, s.Cast(ctx, cast("a", "ra")))
	var after string
	must(t, s.db.QueryRow(`SELECT latest_time FROM store_info`).Scan(&after))
	if after != before {
		t.Errorf("a cast moved the recorded time from %s to %s", before, after)
	}
}

// Issue 10 item 3: whether a database holds test data is decided when it
// is created, inside it, and never changed after.
func TestTestDataIsDecidedAtCreation(t *testing.T) {
	real := t.TempDir()
	s := openStore(t, real)
	if test, err := s.TestData(ctx); err != nil || test {
		t.Fatalf("a database made by Open: test data %v, %v; want false", test, err)
	}
	if _, err := OpenTestData(real, nil); err == nil || !strings.Contains(err.Error(), "real booth database") {
		t.Errorf("OpenTestData on a real database: %v, want a refusal", err)
	}
	if _, err := s.db.Exec(`UPDATE store_info SET test_data = 1`); err == nil {
		t.Error("the test-data mark of a real database was changed")
	}
	if _, err := s.db.Exec(`DELETE FROM store_info`); err == nil {
		t.Error("the store's record was deleted")
	}
	if test, _ := s.TestData(ctx); test {
		t.Error("the real database became test data")
	}

	dir := t.TempDir()
	td, err := OpenTestData(dir, nil)
	must(t, err)
	defer td.Close()
	if test, err := td.TestData(ctx); err != nil || !test {
		t.Errorf("a database made by OpenTestData: test data %v, %v; want true", test, err)
	}
	again := openStore(t, dir)
	if test, _ := again.TestData(ctx); !test {
		t.Error("test data read back as real")
	}
}
