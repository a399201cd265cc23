package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// closeFails is a store on which closing one election fails, as a full
// disk or a refused write would.
type closeFails struct {
	models.Store
	id string
}

var errDiskFull = errors.New("disk full")

func (s closeFails) CloseElection(ctx context.Context, id, actor string) error {
	if id == s.id {
		return errDiskFull
	}
	return s.Store.CloseElection(ctx, id, actor)
}

// TestTickCarriesOnPastAnElectionItCannotClose (issue 10, review F4): an
// election Tick cannot close (or open, or extend) must not stop it closing
// the others or retrying a pending scrub; its error comes back with the
// rest, joined.
func TestTickCarriesOnPastAnElectionItCannotClose(t *testing.T) {
	// Without e2, whose close scrubs e3 too, e3's scrub is left to the
	// retry at the end of the tick.
	for _, withE2 := range []bool{true, false} {
		e := newEnv(t, 2)
		e.open(t, definition("e1"))
		if withE2 {
			e.open(t, definition("e2"))
		}
		e.open(t, definition("e3"))
		must(t, e.svc.CloseElection(ctx, "e3", officer))
		setScrubPending(t, e.dir, "e3")

		e.clock.Set(t0.Add(48 * time.Hour))
		err := e.frontEnd(closeFails{Store: e.store, id: "e1"}).Tick(ctx)
		if !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "closing election e1") {
			t.Errorf("tick with e1's close failing: %v, want e1's error", err)
		}
		if errors.Is(err, models.ErrNotScrubbed) {
			t.Errorf("tick reports a scrub failure with no other reader: %v", err)
		}
		if el := e.election(t, "e1"); el.State != models.Open {
			t.Errorf("e1 is %s, want open (its close failed)", el.State)
		}
		if withE2 {
			if el := e.election(t, "e2"); el.State != models.Closed || el.ScrubPending {
				t.Errorf("e2 is %s (scrub pending %v), want closed and scrubbed: e1's failure stopped the tick", el.State, el.ScrubPending)
			}
		}
		if el := e.election(t, "e3"); el.ScrubPending {
			t.Errorf("with e2 %v: e3 is still not scrubbed: e1's failure stopped the tick before its scrub retry", withE2)
		}
	}
}
