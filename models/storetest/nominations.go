package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// Issue 13: membership terms and nominations. Every rule is checked in the
// store's transaction at the store's time; both stores agree.

// Rules is the foundation the suite's standing tests set: a year's term,
// renewable 30 days before the expiry, 14 days of grace.
var Rules = models.Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}

// NomDefinition is election id with a nomination period of a week ending
// a week before the opening at T0.Add(14 days), for seats seats, with the
// rules as edit leaves them (one supporter, no self-nomination, nominees
// members for 90 days at the opening, nominators in good standing).
func NomDefinition(id string, seats int, edit func(*models.NominationRules)) models.Definition {
	opens := T0.Add(14 * 24 * time.Hour)
	r := models.NominationRules{
		Opens: T0, Closes: T0.Add(7 * 24 * time.Hour), Supporters: 1,
		NomineeMemberFor: 90 * 24 * time.Hour, NominatorInGoodStanding: true, PublishNominators: true,
	}
	if edit != nil {
		edit(&r)
	}
	return models.Definition{
		ID: id, Title: "Board " + id, Method: tally.Meek, Seats: seats,
		OpensAt: opens, ClosesAt: opens.Add(48 * time.Hour), Nominations: &r,
	}
}

// Veteran is a member who joined a year before T0, good until a year
// after it (under Rules).
func Veteran(id string) models.Member {
	m := Member(id)
	m.Joined = T0.AddDate(-1, 0, 0)
	m.GoodUntil = T0.AddDate(1, 0, 0)
	return m
}

// setupNominations fills s with the veterans ids, the Rules, and the
// draft election "n1" taking nominations (NomDefinition), the clock at
// an hour into the period.
func setupNominations(t testing.TB, s models.Store, ids []string, seats int, edit func(*models.NominationRules)) {
	t.Helper()
	At(s, T0)
	must(t, s.SetFoundation(ctx, Rules, Officer))
	ms := make([]models.Member, len(ids))
	for i, id := range ids {
		ms[i] = Veteran(id)
	}
	must(t, s.ImportMembers(ctx, ms, Officer))
	must(t, s.CreateElection(ctx, models.Election{Definition: NomDefinition("n1", seats, edit), Recipients: []string{"age1test"}}, Officer))
	At(s, T0.Add(time.Hour))
}

func nominate(s models.Store, by, whom string) error {
	return s.Nominate(ctx, models.Nominate{ElectionID: "n1", Nominator: by, Nominee: whom}, by)
}

func answer(s models.Store, who string, a models.NominationAction, statement string) error {
	_, err := s.ChangeNomination(ctx, models.NominationChange{ElectionID: "n1", NomineeID: who, Action: a, Statement: statement}, who)
	return err
}

func wantRefusal(t *testing.T, what string, err error, words string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), words) {
		t.Fatalf("%s: error %v, want one saying %q", what, err, words)
	}
}

// Terms: rules stored and audited, a renewal adds one term to the old
// expiry, members renew only in the window or grace, officers lapse.
func testStanding(t *testing.T, s models.Store) {
	f, err := s.Foundation(ctx)
	must(t, err)
	if f != (models.Foundation{}) {
		t.Fatalf("a new store's rules are %+v, want none", f)
	}
	setupNominations(t, s, []string{"a", "b", "c"}, 1, nil)
	if f, err = s.Foundation(ctx); err != nil || f != Rules {
		t.Fatalf("rules read back as %+v (%v), want %+v", f, err, Rules)
	}
	m, err := s.Member(ctx, "a")
	must(t, err)
	if !m.GoodUntil.Equal(T0.AddDate(1, 0, 0)) {
		t.Fatalf("a is good until %v, want %v", m.GoodUntil, T0.AddDate(1, 0, 0))
	}
	// Too early: the window opens 30 days before the expiry.
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "a"}, "a")
	wantErr(t, "a renewal before the window", err, models.ErrRefused)
	wantRefusal(t, "a renewal before the window", err, "renewal opens 2027-01-30")
	// In the window: one term more, from the old expiry.
	At(s, T0.AddDate(1, 0, -10))
	m, err = s.RenewMember(ctx, models.Renewal{MemberID: "a"}, "a")
	must(t, err)
	if want := T0.AddDate(2, 0, 0); !m.GoodUntil.Equal(want) {
		t.Fatalf("renewed until %v, want %v", m.GoodUntil, want)
	}
	// In the grace, b renews; past it, c may not, but an officer may.
	At(s, T0.AddDate(1, 0, 10))
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "b"}, "b")
	must(t, err)
	At(s, T0.AddDate(1, 0, 20))
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "c"}, "c")
	wantRefusal(t, "a renewal after the grace", err, "ask the officers to renew it")
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "c", ByOfficer: true}, Officer)
	wantRefusal(t, "an officer's renewal without a reason", err, "needs a reason")
	m, err = s.RenewMember(ctx, models.Renewal{MemberID: "c", ByOfficer: true, Reason: "paid by cheque"}, Officer)
	must(t, err)
	if want := T0.AddDate(2, 0, 20); !m.GoodUntil.Equal(want) {
		t.Fatalf("an officer renewed a lapsed member until %v, want %v", m.GoodUntil, want)
	}
	// A lapse ends the standing now and the member cannot renew it.
	m, err = s.LapseMember(ctx, "b", "dues bounced", Officer)
	must(t, err)
	now := T0.AddDate(1, 0, 20)
	if st := m.StandingAt(Rules, now); st.State != models.StandingLapsed {
		t.Fatalf("a lapsed member's standing is %s", st.State)
	}
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "b"}, "b")
	wantRefusal(t, "a lapsed member's renewal", err, "lapsed")
	_, err = s.LapseMember(ctx, "b", "again", Officer)
	wantErr(t, "a second lapse", err, models.ErrRefused)
	_, err = s.RenewMember(ctx, models.Renewal{MemberID: "nobody"}, "nobody")
	wantErr(t, "an unknown member's renewal", err, models.ErrNotFound)
	wantRefusal(t, "rules that cannot work", s.SetFoundation(ctx, models.Foundation{TermMonths: 12}, Officer), "a term needs a renewal window")
	log, err := s.AuditLog(ctx)
	must(t, err)
	var got []string
	for _, e := range log {
		if e.Action == "member.renew" || e.Action == "member.lapse" || e.Action == "foundation.set" {
			got = append(got, e.Action+": "+e.Detail)
		}
	}
	want := []string{
		"foundation.set: membership rules set: term 12 months, renewal window 30 days, grace 14 days",
		"member.renew: member a renewed their membership, good until 2028-03-01T09:00:00Z",
		"member.renew: member b renewed their membership, good until 2028-03-01T09:00:00Z",
		"member.renew: member c renewed by an officer, good until 2028-03-21T09:00:00Z: paid by cheque",
		"member.lapse: member b lapsed by an officer: dues bounced",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audit entries\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	verifyChain(t, s)
}

// The frozen electorate is the members in good standing at the freeze,
// joined before joined_before and members for member_for.
func testElectorateInGoodStanding(t *testing.T, s models.Store) {
	At(s, T0)
	must(t, s.SetFoundation(ctx, Rules, Officer))
	lapsed, grace, recent, old := Veteran("lapsed"), Veteran("grace"), Veteran("recent"), Veteran("old")
	lapsed.GoodUntil = T0.Add(-15 * 24 * time.Hour) // past the 14 days of grace
	grace.GoodUntil = T0.Add(-13 * 24 * time.Hour)  // within it
	recent.Joined = T0.Add(-89 * 24 * time.Hour)    // not 90 days a member
	old.GoodUntil = time.Time{}                     // added before the term: no expiry
	must(t, s.ImportMembers(ctx, []models.Member{lapsed, grace, recent, old, Veteran("v")}, Officer))
	d := Definition("e1")
	d.MemberFor = 90 * 24 * time.Hour
	must(t, s.CreateElection(ctx, models.Election{Definition: d, Recipients: []string{"age1test"}}, Officer))
	must(t, s.OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer))
	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	var ids []string
	for _, r := range roll {
		ids = append(ids, r.MemberID)
	}
	if want := []string{"grace", "old", "v"}; !slices.Equal(ids, want) {
		t.Fatalf("the roll holds %v, want %v", ids, want)
	}
}

// Every nomination rule refuses with its reason, through the store.
func testNominationRules(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b", "c", "d", "lap", "new", "sus"}, 1, func(r *models.NominationRules) { r.MaxPerNominator = 2 })
	at := T0.Add(time.Hour)
	must(t, s.SetMemberStatus(ctx, "sus", models.Suspended, Officer))
	m := Veteran("new2")
	m.Joined = T0.Add(-41 * 24 * time.Hour)
	must(t, s.AddMember(ctx, m, Officer))
	_, err := At(s, at).LapseMember(ctx, "lap", "unpaid", Officer)
	must(t, err)
	must(t, nominate(s, "a", "b"))
	for _, tc := range []struct {
		name, by, whom, words string
	}{
		{"self", "a", "a", "you cannot nominate yourself"},
		{"lapsed nominator", "lap", "b", "only members in good standing may nominate"},
		{"too recent nominee", "a", "new2", "new2 has been a member for 41 days; nominees need 90 days at the opening on 2026-03-15"},
		{"duplicate supporter", "a", "b", "you have nominated b in n1 already"},
		{"suspended nominator", "sus", "b", "you are suspended"},
		{"suspended nominee", "a", "sus", "sus is suspended and cannot be nominated"},
		{"lapsed nominee", "a", "lap", "lap is not a member in good standing"},
		{"unknown nominee", "a", "nobody", "not found"},
	} {
		wantRefusal(t, tc.name, nominate(s, tc.by, tc.whom), tc.words)
	}
	must(t, nominate(s, "a", "c"))
	wantRefusal(t, "over the limit", nominate(s, "a", "d"), "you have made 2 nominations in n1, the most one member may make")
	// Answers: only the nominee's own, and in order.
	wantRefusal(t, "declining an unknown nomination", answer(s, "d", models.Decline, ""), "you have no nomination in n1")
	wantRefusal(t, "withdrawing a pending nomination", answer(s, "b", models.Withdraw, ""), "decline a pending one")
	wantRefusal(t, "a statement with an escape", answer(s, "b", models.Accept, "I \x1b[31mwin"), "statement")
	must(t, answer(s, "b", models.Accept, "I will serve."))
	must(t, answer(s, "c", models.Decline, ""))
	wantRefusal(t, "nominating one who declined", nominate(s, "b", "c"), "c declined their nomination in n1")
	wantRefusal(t, "accepting after declining", answer(s, "c", models.Accept, "changed my mind"), "it cannot be accepted")
	// Officers reject with a reason the nominee sees, and reinstate.
	_, err = s.ChangeNomination(ctx, models.NominationChange{ElectionID: "n1", NomineeID: "b", Action: models.Reject}, Officer)
	wantRefusal(t, "a rejection without a reason", err, "needs a reason")
	_, err = s.ChangeNomination(ctx, models.NominationChange{ElectionID: "n1", NomineeID: "b", Action: models.Reject, Reason: "not eligible under by-law 4"}, Officer)
	must(t, err)
	wantRefusal(t, "nominating a rejected nominee", nominate(s, "d", "b"), "the officers rejected b's nomination in n1: not eligible under by-law 4")
	n, err := s.ChangeNomination(ctx, models.NominationChange{ElectionID: "n1", NomineeID: "b", Action: models.Reinstate, Reason: "by-law 4 misread"}, Officer)
	must(t, err)
	if n.State != models.NominationPending || n.Reason != "" {
		t.Fatalf("a reinstated nomination is %s (%q), want pending", n.State, n.Reason)
	}
	ns, err := s.Nominations(ctx, "n1")
	must(t, err)
	if len(ns) != 2 || ns[0].NomineeID != "b" || !slices.Equal(ns[0].Supporters, []string{"a"}) || ns[0].Statement != "I will serve." ||
		ns[1].NomineeID != "c" || ns[1].State != models.NominationDeclined {
		t.Fatalf("nominations %+v", ns)
	}
	// After the close: neither nominating nor accepting.
	At(s, T0.Add(7*24*time.Hour))
	wantRefusal(t, "nominating after the close", nominate(s, "d", "a"), "nominations for n1 closed 2026-03-08 09:00 UTC")
	wantRefusal(t, "accepting after the close", answer(s, "b", models.Accept, "late"), "nominations for n1 closed")
	// Before the opening: nothing either.
	_, err = s.ChangeNomination(ctx, models.NominationChange{ElectionID: "n1", NomineeID: "b", Action: models.Reject, Reason: "late"}, Officer)
	wantErr(t, "rejecting after the close", err, models.ErrRefused)
}

// The close makes the valid nominees the candidates, fingerprinted with
// the definition, which is final from then on; too few stay a draft, once
// audited, and the officers may extend.
func testCloseNominations(t *testing.T, s models.Store) {
	setupNominations(t, s, []string{"a", "b", "c", "d"}, 2, func(r *models.NominationRules) { r.Supporters = 2 })
	must(t, nominate(s, "a", "b"))
	must(t, nominate(s, "c", "b"))
	must(t, nominate(s, "a", "c"))
	must(t, answer(s, "b", models.Accept, "B's statement."))
	must(t, answer(s, "c", models.Accept, "C's statement."))
	wantErr(t, "closing before the close", s.CloseNominations(ctx, "n1", Officer), models.ErrWrongState)
	wantErr(t, "opening with nominations open", s.OpenElection(ctx, "n1", Fingerprint(t, s, "n1"), Officer), models.ErrWrongState)
	closes := T0.Add(7 * 24 * time.Hour)
	At(s, closes)
	// c has one supporter of the two needed: one candidate for two seats.
	for range 2 {
		wantErr(t, "too few nominees", s.CloseNominations(ctx, "n1", Officer), models.ErrTooFewNominees)
	}
	short := 0
	log, err := s.AuditLog(ctx)
	must(t, err)
	for _, e := range log {
		if e.Action == "nomination.short" {
			short++
			if want := "election n1 not opened: 1 accepted nominees for 2 seats; the officers may extend the nominations"; e.Detail != want {
				t.Errorf("audit %q, want %q", e.Detail, want)
			}
		}
	}
	if short != 1 {
		t.Fatalf("%d audit entries for the short nominations, want 1", short)
	}
	wantRefusal(t, "extending past the opening", s.ExtendNominations(ctx, "n1", T0.Add(15*24*time.Hour), Officer), "postpone the opening first")
	must(t, s.ExtendNominations(ctx, "n1", closes.Add(24*time.Hour), Officer))
	At(s, closes.Add(time.Hour))
	must(t, nominate(s, "d", "c"))
	At(s, closes.Add(24*time.Hour))
	must(t, s.CloseNominations(ctx, "n1", Officer))
	e, err := s.Election(ctx, "n1")
	must(t, err)
	want := []models.Candidate{{ID: "b", Name: "Member b", Statement: "B's statement."}, {ID: "c", Name: "Member c", Statement: "C's statement."}}
	if !slices.Equal(e.Candidates, want) || !e.Nominations.Closed {
		t.Fatalf("candidates %+v (closed %v), want %+v", e.Candidates, e.Nominations.Closed, want)
	}
	wantErr(t, "editing a final definition", s.UpdateDefinition(ctx, e.Definition, Officer), models.ErrWrongState)
	wantErr(t, "closing twice", s.CloseNominations(ctx, "n1", Officer), models.ErrWrongState)
	wantErr(t, "extending after the close", s.ExtendNominations(ctx, "n1", closes.Add(48*time.Hour), Officer), models.ErrWrongState)
	At(s, e.OpensAt)
	must(t, s.OpenElection(ctx, "n1", e.Definition.Fingerprint(), Officer))
	if e, err = s.Election(ctx, "n1"); err != nil || e.Fingerprint != e.Definition.Fingerprint() || len(e.Candidates) != 2 {
		t.Fatalf("opened %+v, %v", e, err)
	}
	log, err = s.AuditLog(ctx)
	must(t, err)
	var got []string
	for _, en := range log {
		if strings.HasPrefix(en.Action, "nomination.") {
			got = append(got, en.Action+": "+en.Detail)
		}
	}
	if len(got) != 9 || got[8] != fmt.Sprintf("nomination.close: election n1: nominations closed, candidates b, c, fingerprint %s", e.Fingerprint) ||
		got[0] != "nomination.nominate: election n1: member a nominated b" ||
		got[6] != "nomination.extend: election n1: nominations close moved from 2026-03-08T09:00:00Z to 2026-03-09T09:00:00Z" {
		t.Fatalf("nomination audit entries:\n%s", strings.Join(got, "\n"))
	}
	verifyChain(t, s)
}

// Twenty members nominate the same person at once: one nomination, with
// twenty supporters.
func testNominateRace(t *testing.T, stores []models.Store) {
	ids := append(MemberIDs(20), "x")
	setupNominations(t, stores[0], ids, 1, nil)
	ok, _ := race(t, stores, 20, func(i int, s models.Store) error { return nominate(s, ids[i], "x") })
	ns, err := stores[0].Nominations(ctx, "n1")
	must(t, err)
	if ok != 20 || len(ns) != 1 || len(ns[0].Supporters) != 20 {
		t.Fatalf("%d nominations succeeded; the store holds %+v", ok, ns)
	}
}

// Nominees accept while the period closes: whoever the close finds
// accepted is a candidate, and an acceptance the close did not see was
// refused, never recorded.
func testAcceptWhileClosing(t *testing.T, stores []models.Store) {
	s := stores[0]
	ids := MemberIDs(12)
	setupNominations(t, s, ids, 1, nil)
	for _, id := range ids[1:] {
		must(t, nominate(s, ids[0], id))
	}
	must(t, answer(s, ids[1], models.Accept, "first"))
	closes := T0.Add(7 * 24 * time.Hour)
	At(s, closes.Add(-time.Second))
	ok, refused := race(t, stores, 11, func(i int, st models.Store) error {
		if i == 0 {
			At(st, closes)
			return st.CloseNominations(ctx, "n1", Officer)
		}
		return answer(st, ids[i+1], models.Accept, "statement") // nominees ids[2]..ids[11]
	}, models.ErrRefused, models.ErrWrongState)
	e, err := s.Election(ctx, "n1")
	must(t, err)
	if !e.Nominations.Closed {
		// The close raced ahead of the clock: the test moves it itself.
		t.Fatalf("the nominations did not close (%d ok, %v refused)", ok, refused)
	}
	ns, err := s.Nominations(ctx, "n1")
	must(t, err)
	var accepted []string
	for _, n := range ns {
		if n.State == models.NominationAccepted {
			accepted = append(accepted, n.NomineeID)
		}
	}
	var cands []string
	for _, c := range e.Candidates {
		cands = append(cands, c.ID)
	}
	if !slices.Equal(accepted, cands) {
		t.Fatalf("accepted %v but the candidates are %v", accepted, cands)
	}
}
