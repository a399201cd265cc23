package models

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const defNominations = `nominations_open = 2026-03-01T09:00:00Z
nominations_close = 2026-03-15T09:00:00Z
[electorate]
member_for = "90d"
[nominations]
supporters = 2
self = false
nominee_member_for = "90d"
nominator_in_good_standing = true
max_per_nominator = 3
publish_nominators = false
`

func TestParseNominations(t *testing.T) {
	d := mustParseDef(t, defHead+defNominations)
	want := NominationRules{
		Opens: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Closes: time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC),
		Supporters: 2, NomineeMemberFor: 90 * 24 * time.Hour, NominatorInGoodStanding: true, MaxPerNominator: 3,
	}
	if d.Nominations == nil || *d.Nominations != want || d.MemberFor != 90*24*time.Hour || len(d.Candidates) != 0 {
		t.Fatalf("parsed %+v, member_for %v; want %+v", d.Nominations, d.MemberFor, want)
	}
	// The defaults: one supporter, no self-nomination, nominators in good
	// standing and published.
	d = mustParseDef(t, defHead+"nominations_open = 2026-03-01T09:00:00Z\nnominations_close = 2026-03-15T09:00:00Z\n")
	if r := d.Nominations; r.Supporters != 1 || r.Self || !r.NominatorInGoodStanding || !r.PublishNominators || r.MaxPerNominator != 0 {
		t.Fatalf("defaults %+v", r)
	}
	// A definition without nominations fingerprints as before issue 13.
	plain := mustParseDef(t, defHead+defThree)
	data, err := json.Marshal(plain)
	if err != nil || strings.Contains(string(data), "Nominations") || strings.Contains(string(data), "MemberFor") {
		t.Fatal("a definition without nominations writes their fields, changing every fingerprint")
	}
}

func TestParseNominationsRefusals(t *testing.T) {
	for _, tc := range []struct{ name, src, words string }{
		{"open only", defHead + "nominations_open = 2026-03-01T09:00:00Z\n", "a nomination period needs nominations_close"},
		{"close only", defHead + "nominations_close = 2026-03-01T09:00:00Z\n", "a nomination period needs nominations_open"},
		{"close before open", defHead + "nominations_open = 2026-03-15T09:00:00Z\nnominations_close = 2026-03-01T09:00:00Z\n", "must be after nominations_open"},
		{"close after opening", defHead + "nominations_open = 2026-03-15T09:00:00Z\nnominations_close = 2026-04-02T09:00:00Z\n", "must be at or before opens_at"},
		{"candidates too", defHead + "nominations_open = 2026-03-01T09:00:00Z\nnominations_close = 2026-03-15T09:00:00Z\n" + defThree, "leave out the [[candidate]] tables"},
		{"no supporters", defHead + "nominations_open = 2026-03-01T09:00:00Z\nnominations_close = 2026-03-15T09:00:00Z\n[nominations]\nsupporters = 0\n", "nominations.supporters must be 1 to 1000, not 0"},
		{"bad period", defHead + "nominations_open = 2026-03-01T09:00:00Z\nnominations_close = 2026-03-15T09:00:00Z\n[nominations]\nnominee_member_for = \"3 months\"\n", `nominee_member_for "3 months": not a period`},
		{"unknown rule", defHead + "nominations_open = 2026-03-01T09:00:00Z\nnominations_close = 2026-03-15T09:00:00Z\n[nominations]\nself_nomination = true\n", "self_nomination"},
		{"bad member_for", defHead + defThree + "[electorate]\nmember_for = \"ninety\"\n", `electorate.member_for "ninety": not a period`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDefinition("e.toml", []byte(tc.src), defNoFiles)
			if err == nil || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("error %v, want one saying %q", err, tc.words)
			}
		})
	}
}

// The standing of a member under a year's term, 30 days' window, 14
// days' grace, at moments around their expiry.
func TestStandingAt(t *testing.T) {
	f := Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}
	until := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	m := Member{ID: "ada", Status: Active, GoodUntil: until}
	for _, tc := range []struct {
		at   time.Time
		want StandingState
		good bool
	}{
		{until.AddDate(0, 0, -31), StandingGood, true},
		{until.AddDate(0, 0, -30), StandingExpiring, true},
		{until.Add(-time.Second), StandingExpiring, true},
		{until, StandingGrace, true},
		{until.AddDate(0, 0, 14).Add(-time.Second), StandingGrace, true},
		{until.AddDate(0, 0, 14), StandingLapsed, false},
	} {
		st := m.StandingAt(f, tc.at)
		if st.State != tc.want || st.InGood() != tc.good {
			t.Errorf("at %v: %s (good %v), want %s", tc.at, st.State, st.InGood(), tc.want)
		}
	}
	if st := (Member{Status: Suspended, GoodUntil: until}).StandingAt(f, until.AddDate(-1, 0, 0)); st.InGood() {
		t.Error("a suspended member is in good standing")
	}
	if st := (Member{Status: Active}).StandingAt(Foundation{}, until); st.State != StandingGood {
		t.Errorf("without a term: %s", st.State)
	}
}

// Every renewal rule and its refusal text.
func TestRenewTo(t *testing.T) {
	f := Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}
	until := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	m := Member{ID: "ada", Status: Active, GoodUntil: until}
	self, officer := Renewal{MemberID: "ada"}, Renewal{MemberID: "ada", ByOfficer: true, Reason: "paid"}
	for _, tc := range []struct {
		name  string
		m     Member
		f     Foundation
		r     Renewal
		at    time.Time
		want  time.Time
		words string
	}{
		{"in the window", m, f, self, until.AddDate(0, 0, -5), until.AddDate(1, 0, 0), ""},
		{"in the grace", m, f, self, until.AddDate(0, 0, 5), until.AddDate(1, 0, 0), ""},
		{"too early", m, f, self, until.AddDate(0, 0, -31), time.Time{}, "your membership is good until 2027-03-01; renewal opens 2027-01-30 (30 days before)"},
		{"too late", m, f, self, until.AddDate(0, 0, 14), time.Time{}, "your membership lapsed: it expired 2027-03-01 and its grace ended 2027-03-15; ask the officers to renew it"},
		{"no term", m, Foundation{}, self, until, time.Time{}, "memberships do not expire, so there is nothing to renew"},
		{"suspended", Member{ID: "ada", Status: Suspended, GoodUntil: until}, f, self, until, time.Time{}, "member ada is suspended"},
		{"officer, early", m, f, officer, until.AddDate(0, -6, 0), until.AddDate(1, 0, 0), ""},
		{"officer, lapsed", m, f, officer, until.AddDate(0, 1, 0), until.AddDate(1, 1, 0), ""},
		{"officer without a reason", m, f, Renewal{MemberID: "ada", ByOfficer: true}, until, time.Time{}, "needs a reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenewTo(tc.m, tc.f, tc.r, tc.at)
			if tc.words != "" {
				if err == nil || !strings.Contains(err.Error(), tc.words) {
					t.Fatalf("error %v, want one saying %q", err, tc.words)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("renewed to %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

// Every nomination rule and its refusal text, as CheckNominate words it.
func TestCheckNominate(t *testing.T) {
	f := Foundation{TermMonths: 12, WindowDays: 30, GraceDays: 14}
	opens := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	now := opens.AddDate(0, 0, -20)
	rules := &NominationRules{Opens: opens.AddDate(0, 0, -30), Closes: opens.AddDate(0, 0, -7), Supporters: 1,
		NomineeMemberFor: 90 * 24 * time.Hour, NominatorInGoodStanding: true, MaxPerNominator: 2}
	e := Election{Definition: Definition{ID: "board", OpensAt: opens, Nominations: rules}, State: Draft}
	member := func(id string, daysAgo int) Member {
		return Member{ID: id, Status: Active, Joined: now.AddDate(0, 0, -daysAgo), GoodUntil: now.AddDate(0, 6, 0)}
	}
	bob, ada := member("bob", 400), member("ada", 41)
	lapsed := member("lee", 400)
	lapsed.GoodUntil = now.AddDate(0, 0, -15)
	suspended := member("sam", 400)
	suspended.Status = Suspended
	pending := &Nomination{NomineeID: "cy", State: NominationPending, Supporters: []string{"bob"}}
	for _, tc := range []struct {
		name            string
		e               Election
		at              time.Time
		nominator, whom Member
		existing        *Nomination
		made            int
		words           string
	}{
		{"self", e, now, bob, bob, nil, 0, "you cannot nominate yourself in board: another member must nominate you"},
		{"lapsed nominator", e, now, lapsed, bob, nil, 0, "your membership has lapsed"},
		{"too recent nominee", e, now, bob, ada, nil, 0, "ada has been a member for 41 days; nominees need 90 days at the opening on 2027-03-01"},
		{"duplicate supporter", e, now, bob, member("cy", 400), pending, 1, "you have nominated cy in board already"},
		{"after the close", e, rules.Closes, bob, member("cy", 400), nil, 0, "nominations for board closed 2027-02-22 09:00 UTC"},
		{"before the opening", e, rules.Opens.Add(-time.Second), bob, member("cy", 400), nil, 0, "nominations for board open 2027-01-30 09:00 UTC"},
		{"suspended nominator", e, now, suspended, bob, nil, 0, "you are suspended: only active members nominate"},
		{"suspended nominee", e, now, bob, suspended, nil, 0, "sam is suspended and cannot be nominated"},
		{"too many", e, now, bob, member("cy", 400), nil, 2, "you have made 2 nominations in board, the most one member may make"},
		{"no nominations", Election{Definition: Definition{ID: "plain"}, State: Draft}, now, bob, ada, nil, 0, "election plain takes no nominations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckNominate(tc.e, tc.at, f, tc.nominator, tc.whom, tc.existing, tc.made)
			if err == nil || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("error %v, want one saying %q", err, tc.words)
			}
		})
	}
	if err := CheckNominate(e, now, f, bob, member("cy", 400), pending, 1); err == nil {
		t.Fatal("bob nominated cy twice")
	}
	if err := CheckNominate(e, now, f, member("di", 400), member("cy", 400), pending, 0); err != nil {
		t.Fatalf("a second supporter refused: %v", err)
	}
	// Accepting after the close, and too few nominees.
	_, err := CheckNominationChange(e, rules.Closes, NominationChange{ElectionID: "board", NomineeID: "cy", Action: Accept}, pending, member("cy", 400))
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "nominations for board closed") {
		t.Fatalf("accepting after the close: %v", err)
	}
	e.Seats = 2
	_, err = ClosingNominations(e, []Nomination{{NomineeID: "cy", State: NominationAccepted, Supporters: []string{"bob"}}},
		map[string]Member{"cy": member("cy", 400)}, f, rules.Closes)
	if !errors.Is(err, ErrTooFewNominees) || !strings.Contains(err.Error(), "1 accepted for 2 seats") {
		t.Fatalf("too few nominees: %v", err)
	}
}
