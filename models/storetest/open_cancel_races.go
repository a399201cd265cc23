package storetest

import (
	"errors"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// RunOpenCancelRaces races the opening and cancelling writes across several stores
// on one database.
func RunOpenCancelRaces(t *testing.T, open func(t *testing.T, n int, clock func() time.Time) []models.Store) {
	setup := func(t *testing.T, members int) []models.Store {
		stores := openOnOneClock(t, open)
		Setup(t, stores[0], MemberIDs(members), nil)
		return stores
	}
	// A cancel racing casts: either the cancel wins and no ballot is in
	// the box nor any mark on a roll, or a ballot landed and the cancel
	// was refused. Never a ballot in a cancelled election's box.
	t.Run("CancelDuringCasts", func(t *testing.T) {
		for round := range 8 {
			stores := setup(t, 8)
			at := T0.Add(time.Hour)
			ids := MemberIDs(8)
			ok, refused := race(t, stores, 9, func(i int, s models.Store) error {
				if i == 4+round%4 {
					err := At(s, at).CancelElection(ctx, "e1", Officer)
					if err != nil {
						return errors.Join(err, errCancelRefused)
					}
					return errCancelled
				}
				if i > 4+round%4 {
					i--
				}
				// Later rounds let the cancel start first more often.
				time.Sleep(time.Duration(round*i) * time.Millisecond)
				return At(s, at).Cast(ctx, CastIn(ids[i], ids[i]))
			}, errCancelled, errCancelRefused, models.ErrNotOpen)
			e, err := stores[0].Election(ctx, "e1")
			must(t, err)
			bs, err := stores[0].Ballots(ctx, "e1")
			must(t, err)
			t.Logf("round %d: %d casts, cancelled %d, cancel refused %d, casts refused %d, state %s, %d ballots", round, ok, refused[0], refused[1], refused[2], e.State, len(bs))
			switch {
			case e.State == models.Cancelled && (len(bs) != 0 || ok != 0):
				t.Errorf("round %d: cancelled with %d ballots in the box (%d casts succeeded)", round, len(bs), ok)
			case e.State != models.Cancelled && refused[0] != 0:
				t.Errorf("round %d: cancel succeeded yet state %s", round, e.State)
			case e.State == models.Open && len(bs) != ok:
				t.Errorf("round %d: %d ballots for %d casts", round, len(bs), ok)
			}
		}
	})
	// Several front ends open one draft at once, early: one opens it, the
	// others are refused; one roll, one audit entry.
	t.Run("EarlyOpenRace", func(t *testing.T) {
		stores := openOnOneClock(t, open)
		At(stores[0], T0)
		ms := []models.Member{Member("a"), Member("b")}
		must(t, stores[0].ImportMembers(ctx, ms, Officer))
		d := Definition("e1")
		d.OpensAt = T0.Add(time.Hour)
		must(t, stores[0].CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, Officer))
		ok, refused := race(t, stores, 16, func(i int, s models.Store) error {
			return At(s, T0.Add(time.Duration(i)*time.Minute)).OpenElection(ctx, "e1", d.Fingerprint(), Officer)
		}, models.ErrWrongState)
		if ok != 1 || refused[0] != 15 {
			t.Errorf("%d opened, %d refused", ok, refused[0])
		}
		e, err := stores[0].Election(ctx, "e1")
		must(t, err)
		if e.Fingerprint != e.Definition.Fingerprint() {
			t.Errorf("recorded fingerprint %s, definition's %s", e.Fingerprint, e.Definition.Fingerprint())
		}
		roll, err := stores[0].Roll(ctx, "e1")
		must(t, err)
		if len(roll) != 2 {
			t.Errorf("roll of %d", len(roll))
		}
	})
}

var (
	errCancelled     = errors.New("cancelled")
	errCancelRefused = errors.New("cancel refused")
)

// RunOpenWithStaleFingerprint: the clock decides to open an election from a
// definition it read before the transaction (Service.Tick); an officer's edit
// that postponed the opening lands in between. The store must not open the
// edited definition, which the caller never saw: inside the transaction, the
// fingerprint the caller gave is not the definition's.
func RunOpenWithStaleFingerprint(t *testing.T, s models.Store) {
	must(t, s.ImportMembers(ctx, []models.Member{Member("a")}, Officer))
	d := Definition("e1")
	must(t, s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, Officer))
	seen := d.Fingerprint() // what the clock read: opening time T0-1h... passed
	postponed := d
	postponed.OpensAt = T0.Add(24 * time.Hour)
	must(t, At(s, T0).UpdateDefinition(ctx, postponed, Officer))
	err := At(s, T0).OpenElection(ctx, "e1", seen, models.ClockActor)
	e, rerr := s.Election(ctx, "e1")
	must(t, rerr)
	if e.State != models.Draft {
		t.Errorf("the clock opened a definition it never read (err %v): state %s, opens %v (postponed to %v), fingerprint recorded %s, definition's %s",
			err, e.State, e.OpensAt, postponed.OpensAt, e.Fingerprint, e.Definition.Fingerprint())
	}
}
