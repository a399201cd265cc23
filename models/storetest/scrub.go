package storetest

import (
	"errors"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// The close's scrub as a state (issue 10 item 1): an election is "closed,
// not scrubbed" only while its scrub has not completed. With no other
// reader of the database the close completes it at once; Scrub with
// nothing pending compacts without writing anything, and a close that is
// refused marks nothing.
func testScrubState(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e2")}, Officer))
	at := T0.Add(time.Hour)
	must(t, At(s, at).Cast(ctx, CastIn("a", "ra")))
	pending := func(id string) bool {
		t.Helper()
		e, err := s.Election(ctx, id)
		must(t, err)
		return e.ScrubPending
	}
	if pending("e1") || pending("e2") {
		t.Fatal("an open or draft election reads as not scrubbed")
	}
	must(t, s.CloseElection(ctx, "e1", Officer))
	if pending("e1") {
		t.Error("a close with no other reader left the election not scrubbed")
	}
	if err := s.CloseElection(ctx, "e2", Officer); !errors.Is(err, models.ErrWrongState) || pending("e2") {
		t.Errorf("closing a draft: %v, scrub pending %v; want ErrWrongState and nothing marked", err, pending("e2"))
	}
	entries := verifyChain(t, s)
	done, err := s.Scrub(ctx, time.Second, Officer)
	if err != nil || len(done) != 0 {
		t.Errorf("a scrub with nothing pending: %v, %v; want nothing and no error", done, err)
	}
	if n := verifyChain(t, s); n != entries {
		t.Errorf("a scrub with nothing pending appended %d audit entries", n-entries)
	}
	es, err := s.Elections(ctx)
	must(t, err)
	for _, e := range es {
		if e.ScrubPending {
			t.Errorf("Elections lists %s as not scrubbed", e.ID)
		}
	}
	if bs, err := s.Ballots(ctx, "e1"); err != nil || len(bs) != 1 {
		t.Errorf("after the scrub: %d ballots, %v", len(bs), err)
	}
}
