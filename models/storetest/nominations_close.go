package storetest

import (
	"slices"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// The close of the nominations applies the rules again: a nominee who
// accepted becomes a candidate only if they may still stand.

// closeAndList closes n1's nominations at its close and returns the
// candidates' IDs.
func closeAndList(t *testing.T, s models.Store) []string {
	t.Helper()
	At(s, T0.Add(7*24*time.Hour))
	must(t, s.CloseNominations(ctx, "n1", Officer))
	e, err := s.Election(ctx, "n1")
	must(t, err)
	var ids []string
	for _, c := range e.Candidates {
		ids = append(ids, c.ID)
	}
	return ids
}

// A nominee suspended by the officers after accepting must not reach the
// ballot: Nominate refuses a suspended nominee, the close must too.
func testSuspendedNomineeNotCandidate(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b", "c", "d"}, 1, nil)
	must(t, nominate(s, "a", "b"))
	must(t, nominate(s, "a", "c"))
	must(t, answer(s, "b", models.Accept, "B."))
	must(t, answer(s, "c", models.Accept, "C."))
	must(t, s.SetMemberStatus(ctx, "c", models.Suspended, Officer))
	if got := closeAndList(t, s); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("candidates %v after c was suspended before the close, want [b]", got)
	}
}

// A nominee in their grace when nominated, lapsed by the close (and so
// not on the roll at the opening), must not reach the ballot: the issue
// measures a nominee's standing at the election's opening.
func testLapsedNomineeNotCandidate(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b"}, 1, nil)
	g := Veteran("g")
	g.GoodUntil = T0.Add(-10 * 24 * time.Hour) // grace (14 days) ends T0+4d
	must(t, s.AddMember(ctx, g, Officer))
	must(t, nominate(s, "a", "b"))
	must(t, nominate(s, "a", "g"))
	must(t, answer(s, "b", models.Accept, "B."))
	must(t, answer(s, "g", models.Accept, "G."))
	if got := closeAndList(t, s); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("candidates %v with g lapsed since T0+4d, before the close, want [b]", got)
	}
}

// nominee_member_for is measured at the opening; an edit that moves the
// opening earlier during the period must not leave a nominee who no
// longer qualifies on the ballot.
func testOpeningMovedEarlierMemberFor(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b"}, 1, nil)
	r := Veteran("r")
	r.Joined = T0.Add(-80 * 24 * time.Hour) // 94 days at T0+14d, 88 at T0+8d
	must(t, s.AddMember(ctx, r, Officer))
	must(t, nominate(s, "a", "b"))
	must(t, nominate(s, "a", "r"))
	must(t, answer(s, "b", models.Accept, "B."))
	must(t, answer(s, "r", models.Accept, "R."))
	e, err := s.Election(ctx, "n1")
	must(t, err)
	d := e.Definition
	d.OpensAt = T0.Add(8 * 24 * time.Hour)
	d.ClosesAt = d.OpensAt.Add(48 * time.Hour)
	must(t, s.UpdateDefinition(ctx, d, Officer))
	if got := closeAndList(t, s); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("candidates %v: r has 88 days at the new opening, nominees need 90; want [b]", got)
	}
}

// "extend" may only extend: moving the close earlier would cut the period
// short under members who plan to nominate before the announced close.
func testExtendCannotShorten(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b"}, 1, nil)
	err := s.ExtendNominations(ctx, "n1", T0.Add(2*time.Hour), Officer)
	if err == nil {
		e, _ := s.Election(ctx, "n1")
		t.Fatalf("extend moved the close from %s back to %s (an hour from now)", T0.Add(7*24*time.Hour), e.Nominations.Closes)
	}
	wantRefusal(t, "extending to an earlier close", err, "extend moves the close later; to close sooner, change nominations_close with booth election edit n1")
	wantRefusal(t, "extending to the same close", s.ExtendNominations(ctx, "n1", T0.Add(7*24*time.Hour), Officer), "is not after the current one")
}

// The close counts supporters under the rules in force at the close, but
// not a self-nomination those rules forbid: an edit during the period
// turning self off leaves a self-nominated candidate on the ballot, whose
// bundle booth verify then refuses ("nominated themselves").
func testSelfNominationAfterSelfTurnedOff(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b", "c"}, 1, func(r *models.NominationRules) { r.Self = true })
	must(t, nominate(s, "a", "a"))
	must(t, nominate(s, "c", "b"))
	must(t, answer(s, "a", models.Accept, "A."))
	must(t, answer(s, "b", models.Accept, "B."))
	e, err := s.Election(ctx, "n1")
	must(t, err)
	d := e.Definition
	r := *d.Nominations
	r.Self = false
	d.Nominations = &r
	must(t, s.UpdateDefinition(ctx, d, Officer))
	if got := closeAndList(t, s); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("candidates %v: a's only supporter is a, and the rules now forbid self-nomination; want [b]", got)
	}
}
