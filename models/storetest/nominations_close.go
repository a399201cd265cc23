package storetest

import (
	"slices"
	"strings"
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
	wantDropped(t, s, "c", "the membership is suspended")
}

// wantDropped checks that the close rejected who's nomination with a
// reason saying words, which the audit entry of the close names too.
func wantDropped(t *testing.T, s models.Store, who, words string) {
	t.Helper()
	ns, err := s.Nominations(ctx, "n1")
	must(t, err)
	var n models.Nomination
	for _, x := range ns {
		if x.NomineeID == who {
			n = x
		}
	}
	if n.State != models.NominationRejected || !strings.HasPrefix(n.Reason, "dropped at the close of the nominations: ") || !strings.Contains(n.Reason, words) {
		t.Fatalf("%s's nomination after the close: %s, reason %q; want rejected, saying %q", who, n.State, n.Reason, words)
	}
	log, err := s.AuditLog(ctx)
	must(t, err)
	last := log[len(log)-1]
	if last.Action != "nomination.close" || !strings.Contains(last.Detail, "; not standing: "+who+" ("+n.Reason+")") {
		t.Fatalf("audit of the close %s: %q; want it to name %s and why", last.Action, last.Detail, who)
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
	wantDropped(t, s, "g", "the membership has lapsed")
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
	wantDropped(t, s, "r", "a member for 88 days at the opening on 2026-03-09; nominees need 90 days")
}

// Opening early moves the opening to now; nominee_member_for is measured
// there, and the candidates are final, so the opening waits until every
// candidate qualifies rather than dropping one from a ballot announced.
func testEarlyOpeningWaitsForMemberFor(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b"}, 1, nil)
	r := Veteran("r")
	r.Joined = T0.Add(-80 * 24 * time.Hour) // 90 days at T0+10d, 94 at the opening T0+14d
	must(t, s.AddMember(ctx, r, Officer))
	must(t, nominate(s, "a", "b"))
	must(t, nominate(s, "a", "r"))
	must(t, answer(s, "b", models.Accept, "B."))
	must(t, answer(s, "r", models.Accept, "R."))
	if got := closeAndList(t, s); !slices.Equal(got, []string{"b", "r"}) {
		t.Fatalf("candidates %v, want [b r]: r qualifies at the opening set", got)
	}
	At(s, T0.Add(8*24*time.Hour))
	err := s.OpenElection(ctx, "n1", Fingerprint(t, s, "n1"), Officer)
	wantErr(t, "opening early before r qualifies", err, models.ErrWrongState)
	wantRefusal(t, "opening early before r qualifies", err, "r (a member for 88 days) would not have them now; open it from 2026-03-11 09:00 UTC")
	At(s, T0.Add(10*24*time.Hour))
	must(t, s.OpenElection(ctx, "n1", Fingerprint(t, s, "n1"), Officer))
	e, err := s.Election(ctx, "n1")
	must(t, err)
	if e.State != models.Open || !e.OpensAt.Equal(T0.Add(10*24*time.Hour)) {
		t.Fatalf("election %s opening %s, want open since %s, when r has 90 days", e.State, e.OpensAt, T0.Add(10*24*time.Hour))
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
