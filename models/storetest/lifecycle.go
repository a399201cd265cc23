package storetest

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// An election opened before its opening time opens then: its definition's
// opening time moves (audited) and the fingerprint is the moved
// definition's, so casting works at once.
func testOpeningEarly(t *testing.T, s models.Store) {
	must(t, s.ImportMembers(ctx, []models.Member{Member("a")}, Officer))
	d := Definition("e1")
	d.OpensAt = T0.Add(2 * time.Hour)
	must(t, s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, Officer))
	early := T0.Add(time.Hour)
	must(t, At(s, early).OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer))
	e, err := s.Election(ctx, "e1")
	must(t, err)
	moved := d
	moved.OpensAt = early
	if e.State != models.Open || !e.OpensAt.Equal(early) || e.Fingerprint != moved.Fingerprint() {
		t.Fatalf("opened an hour early: %s, opens %v, fingerprint %q, want %q", e.State, e.OpensAt, e.Fingerprint, moved.Fingerprint())
	}
	must(t, At(s, early.Add(time.Minute)).Cast(ctx, CastIn("a", "r1")))
	log, err := s.AuditLog(ctx)
	must(t, err)
	if last := log[len(log)-1]; last.Action != "election.open" || !strings.HasSuffix(last.Detail, "before its opening time 2026-03-01T11:00:00Z, which moved to 2026-03-01T10:00:00Z") {
		t.Errorf("audited as %s %q", last.Action, last.Detail)
	}
}

// An election nobody may vote in stays a draft; the refusal is recorded
// and audited once for its definition, however often it is tried.
func testEmptyElectorate(t *testing.T, s models.Store) {
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e1")}, Officer))
	for range 3 {
		wantErr(t, "opening with nobody eligible", At(s, T0).OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer), models.ErrEmptyElectorate)
	}
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Draft || e.OpenRefused != Fingerprint(t, s, "e1") {
		t.Errorf("after refused openings: %s, refused %q", e.State, e.OpenRefused)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	if n := len(log); n != 2 || log[1].Action != "election.open.refused" ||
		log[1].Detail != "election e1 not opened: its electorate is every active member, and there are none; it stays a draft" {
		t.Errorf("audit log after three refused openings: %+v", log)
	}
}

// An election without ballots is cancelled: roll and recipients go, it
// reads as cancelled from then on, and a ballot is refused saying so. One
// with a ballot is not.
func testCancel(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e2"), Recipients: []string{"age1test"}}, Officer))
	must(t, At(s, T0).OpenElection(ctx, "e2", Fingerprint(t, s, "e2"), Officer))
	c := CastIn("a", "r1")
	c.ElectionID = "e2"
	must(t, At(s, T0.Add(time.Minute)).Cast(ctx, c))
	wantErr(t, "cancelling an election with a ballot", At(s, T0.Add(time.Hour)).CancelElection(ctx, "e2", Officer), models.ErrWrongState)

	at := T0.Add(time.Hour)
	must(t, At(s, at).CancelElection(ctx, "e1", Officer))
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Cancelled || !e.CancelledAt.Equal(at) || e.Recipients != nil {
		t.Errorf("cancelled: %s at %v, recipients %v", e.State, e.CancelledAt, e.Recipients)
	}
	if roll, err := s.Roll(ctx, "e1"); err != nil || len(roll) != 0 {
		t.Errorf("roll after the cancel: %v, %v", roll, err)
	}
	err = At(s, at.Add(time.Minute)).Cast(ctx, CastIn("b", "r2"))
	if when := models.NotOpenWhen(err).String(); !strings.Contains(when, "cancelled") {
		t.Errorf("a cast in a cancelled election: %v", err)
	}
	wantErr(t, "cancelling twice", At(s, at).CancelElection(ctx, "e1", Officer), models.ErrWrongState)
	wantErr(t, "closing a cancelled election", At(s, at).CloseElection(ctx, "e1", Officer), models.ErrWrongState)
	es, err := s.Elections(ctx)
	must(t, err)
	if es[0].ID != "e1" || es[0].State != models.Cancelled {
		t.Errorf("listed as %s %s", es[0].ID, es[0].State)
	}
}

// A ballot refused after an early close says when voting closed.
func testRefusalSaysWhenItClosed(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a"}, nil)
	closed := T0.Add(time.Hour)
	must(t, At(s, closed).CloseElection(ctx, "e1", Officer))
	err := At(s, closed.Add(time.Minute)).Cast(ctx, CastIn("a", "r1"))
	if when := models.NotOpenWhen(err).String(); when != "voting closed 2026-03-01 10:00 UTC" {
		t.Errorf("a cast after the early close: %v", err)
	}
}
