package sqlite

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// clockAheadThenCorrected plays the review's scenario (issue 10 items 1
// and 4, review F2): the machine's clock runs 30 days ahead, the tick
// closes e1 while a reader holds the database, so its scrub stays
// pending, then the clock is corrected. It returns the store, its
// service and the corrected time.
func clockAheadThenCorrected(t *testing.T) (*Store, *models.Service, *storetest.Clock, time.Time) {
	t.Helper()
	dir := t.TempDir()
	clock := storetest.NewClock()
	s := openStoreClock(t, dir, clock)
	storetest.Setup(t, s, []string{"a", "b", "c"}, nil)
	svc := models.NewService(s)
	real := t0.Add(30 * time.Minute)
	clock.Set(real)
	for _, id := range []string{"a", "b", "c"} {
		must(t, s.Cast(ctx, cast(id, "r"+id)))
	}

	clock.Set(real.Add(30 * 24 * time.Hour))
	reader, err := openStoreClock(t, dir, clock).db.Conn(ctx)
	must(t, err)
	_, err = reader.ExecContext(ctx, `BEGIN DEFERRED`)
	must(t, err)
	var n int
	must(t, reader.QueryRowContext(ctx, `SELECT count(*) FROM box`).Scan(&n))
	wantErr(t, "the tick with a reader holding the database", svc.Tick(ctx), models.ErrNotScrubbed)
	_, _ = reader.ExecContext(ctx, `ROLLBACK`)
	reader.Close()
	if e, _ := s.Election(ctx, "e1"); e.State != models.Closed || !e.ScrubPending {
		t.Fatalf("e1 is %s, scrub pending %v; want closed, not scrubbed", e.State, e.ScrubPending)
	}

	corrected := real.Add(time.Minute)
	clock.Set(corrected)
	return s, svc, clock, corrected
}

// TestScrubRecordedAfterClockCorrected: recording a scrub decides nothing
// by time, so a clock that went back does not keep a closed election
// uncountable; everything that does decide by time is still refused.
func TestScrubRecordedAfterClockCorrected(t *testing.T) {
	s, svc, _, _ := clockAheadThenCorrected(t)
	if _, err := svc.Compact(ctx, "e1", officer); err != nil {
		t.Fatalf("compact with the clock corrected: %v", err)
	}
	if e, _ := s.Election(ctx, "e1"); e.ScrubPending {
		t.Fatal("e1 is still not scrubbed after the clock was corrected")
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	if last := log[len(log)-1]; last.Action != "election.scrub" ||
		last.Detail != "storage of e1 scrubbed after the close: WAL emptied, file vacuumed" {
		t.Errorf("the last audit entry is %s (%q), want election.scrub", last.Action, last.Detail)
	}
	wantErr(t, "adding a member by the corrected clock", s.AddMember(ctx, member("d"), officer), models.ErrClockSkew)
}

// TestAcceptLocalClockClearsLockout: `booth clock accept`'s store side
// sets the recorded time back to the corrected clock, audited with both
// times, after which the store works again; it refuses when nothing is
// locked out.
func TestAcceptLocalClockClearsLockout(t *testing.T) {
	s, _, _, corrected := clockAheadThenCorrected(t)
	_, err := s.Now(ctx)
	if !errors.Is(err, models.ErrClockSkew) || !strings.Contains(err.Error(), "booth clock accept") {
		t.Fatalf("the lockout's error does not name `booth clock accept`: %v", err)
	}
	local, recorded, err := s.AcceptLocalClock(ctx, officer)
	must(t, err)
	if !local.Equal(corrected) || recorded.Sub(local) < 29*24*time.Hour {
		t.Errorf("accept returned local %v, recorded %v", local, recorded)
	}
	must(t, s.AddMember(ctx, member("d"), officer))
	if _, err := s.Now(ctx); err != nil {
		t.Errorf("the store's time after accepting the clock: %v", err)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	var accepted *models.AuditEntry
	for i := range log {
		if log[i].Action == "clock.accept" {
			accepted = &log[i]
		}
	}
	if accepted == nil {
		t.Fatal("no clock.accept entry in the audit log")
	}
	want := "local clock accepted: the recorded time " + recorded.Format(time.RFC3339) + ", " +
		recorded.Sub(local).Round(time.Second).String() + " ahead of it, set back to " + local.Format(time.RFC3339)
	if accepted.Detail != want {
		t.Errorf("the clock.accept entry %q, want %q", accepted.Detail, want)
	}
	if accepted.Actor != officer || !accepted.At.Equal(local.Truncate(time.Second)) {
		t.Errorf("the clock.accept entry is by %s at %v", accepted.Actor, accepted.At)
	}
	if _, _, err := s.AcceptLocalClock(ctx, officer); !errors.Is(err, models.ErrNothingToAccept) {
		t.Errorf("accepting again: %v, want ErrNothingToAccept", err)
	}
	after, err := s.AuditLog(ctx)
	must(t, err)
	if len(after) != len(log) {
		t.Error("a refused accept was audited")
	}
}
