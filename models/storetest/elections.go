package storetest

import (
	"reflect"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func testElectionRoundTrip(t *testing.T, s models.Store) {
	d := Definition("e1")
	d.JoinedBefore = T0.Add(-time.Hour)
	d.Recipients = []string{"ssh-ed25519 AAAAofficer"}
	d.OpensAt = d.OpensAt.Add(123456789) // nanoseconds survive
	e := models.Election{Definition: d, Recipients: []string{"age1abc", "age1def"}}
	must(t, s.CreateElection(ctx, e, Officer))
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("a0")}, Officer))

	got, err := s.Election(ctx, "e1")
	must(t, err)
	want := e
	want.State = models.Draft
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Election:\n got %+v\nwant %+v", got, want)
	}
	all, err := s.Elections(ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != "a0" || all[1].ID != "e1" || all[0].Recipients != nil || all[0].Withdrawn != nil {
		t.Errorf("Elections = %+v", all)
	}

	wantErr(t, "duplicate", s.CreateElection(ctx, e, Officer), models.ErrExists)
	wantErr(t, "created open", s.CreateElection(ctx, models.Election{Definition: Definition("x"), State: models.Open}, Officer), models.ErrWrongState)
	if err := s.CreateElection(ctx, models.Election{}, Officer); err == nil {
		t.Error("an election without an ID accepted")
	}
	_, err = s.Election(ctx, "nope")
	wantErr(t, "unknown election", err, models.ErrNotFound)
}

func testUpdateDefinitionOnlyInDraft(t *testing.T, s models.Store) {
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("e1")}, Officer))
	d := Definition("e1")
	d.Title = "Board, revised"
	must(t, s.UpdateDefinition(ctx, d, Officer))
	got, err := s.Election(ctx, "e1")
	must(t, err)
	if got.Title != "Board, revised" {
		t.Errorf("title %q after update", got.Title)
	}
	wantErr(t, "unknown", s.UpdateDefinition(ctx, Definition("nope"), Officer), models.ErrNotFound)
	must(t, s.AddMember(ctx, Member("alice"), Officer)) // an empty electorate never opens
	must(t, At(s, T0).OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer))
	d.Title = "Too late"
	wantErr(t, "after opening", s.UpdateDefinition(ctx, d, Officer), models.ErrWrongState)
	got, err = s.Election(ctx, "e1")
	must(t, err)
	if got.Title != "Board, revised" {
		t.Errorf("a refused update changed the title to %q", got.Title)
	}
}

func testOpenFreezesTheElectorate(t *testing.T, s models.Store) {
	ms := []models.Member{Member("zed"), Member("amy"), Member("sus"), Member("new"), Member("gone"), Member("edge")}
	ms[2].Status = models.Suspended
	ms[3].Joined = T0 // joined on the cut-off: not eligible
	ms[4].Status = models.Removed
	ms[5].Joined = T0.Add(-time.Nanosecond) // a nanosecond before: eligible
	must(t, s.ImportMembers(ctx, ms, Officer))
	d := Definition("e1")
	d.JoinedBefore = T0
	must(t, s.CreateElection(ctx, models.Election{Definition: d}, Officer))
	if err := At(s, T0).OpenElection(ctx, "e1", "", Officer); err == nil {
		t.Fatal("an election opened without a fingerprint")
	}
	opened := T0.Add(time.Minute)
	fp := Fingerprint(t, s, "e1")
	must(t, At(s, opened).OpenElection(ctx, "e1", fp, Officer))

	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	want := []models.RollEntry{{MemberID: "amy"}, {MemberID: "edge"}, {MemberID: "zed"}}
	if !reflect.DeepEqual(roll, want) {
		t.Errorf("roll %v, want %v", roll, want)
	}
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Open || e.Fingerprint != fp || !e.OpenedAt.Equal(opened) {
		t.Errorf("opened election: state %s fingerprint %q opened %v", e.State, e.Fingerprint, e.OpenedAt)
	}
	marks, err := s.MemberRoll(ctx, "amy")
	must(t, err)
	if !reflect.DeepEqual(marks, []models.RollMark{{ElectionID: "e1"}}) {
		t.Errorf("MemberRoll(amy) = %v", marks)
	}
	if marks, err := s.MemberRoll(ctx, "sus"); err != nil || marks != nil {
		t.Errorf("MemberRoll of a member on no roll = %v, %v", marks, err)
	}
	// A member added after opening is not on the roll.
	must(t, s.AddMember(ctx, Member("late"), Officer))
	wantErr(t, "late member", At(s, T0.Add(time.Hour)).Cast(ctx, CastIn("late", "r1")), models.ErrNotOnRoll)

	wantErr(t, "open twice", At(s, T0).OpenElection(ctx, "e1", Fingerprint(t, s, "e1"), Officer), models.ErrWrongState)
	wantErr(t, "open unknown", At(s, T0).OpenElection(ctx, "nope", "fp", Officer), models.ErrNotFound)
	if roll, _ := s.Roll(ctx, "e1"); len(roll) != 3 {
		t.Errorf("roll rows after refused openings: %d, want 3", len(roll))
	}
	tu, err := s.Turnout(ctx, "e1")
	must(t, err)
	if tu != (models.Turnout{Voted: 0, Electorate: 3}) {
		t.Errorf("turnout %+v", tu)
	}
}

func testCloseAndExtend(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a", "b"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("draft")}, Officer))

	wantErr(t, "extend draft", s.Extend(ctx, "draft", 0, Officer), models.ErrWrongState)
	wantErr(t, "close draft", At(s, T0).CloseElection(ctx, "draft", Officer), models.ErrWrongState)
	wantErr(t, "close unknown", At(s, T0).CloseElection(ctx, "nope", Officer), models.ErrNotFound)
	wantErr(t, "extend unknown", s.Extend(ctx, "nope", 0, Officer), models.ErrNotFound)

	must(t, s.Extend(ctx, "e1", 0, Officer))
	wantErr(t, "extend from a stale count", s.Extend(ctx, "e1", 0, Officer), models.ErrWrongState)
	must(t, s.Extend(ctx, "e1", 1, Officer))
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.Extensions != 2 || !e.EffectiveClose().Equal(T0.Add(96*time.Hour)) {
		t.Errorf("after two extensions: %d, closes %v", e.Extensions, e.EffectiveClose())
	}

	closed := T0.Add(time.Hour + 5)
	must(t, At(s, closed).CloseElection(ctx, "e1", Officer))
	e, err = s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Closed || !e.ClosedAt.Equal(closed) || e.ClosedAt.Location() != time.UTC {
		t.Errorf("closed election: state %s closed at %v", e.State, e.ClosedAt)
	}
	wantErr(t, "close twice", At(s, closed).CloseElection(ctx, "e1", Officer), models.ErrWrongState)
	wantErr(t, "extend closed", s.Extend(ctx, "e1", 2, Officer), models.ErrWrongState)
	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	if len(roll) != 2 {
		t.Errorf("roll after close: %v", roll)
	}
}

func testWithdrawCandidate(t *testing.T, s models.Store) {
	Setup(t, s, []string{"a"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: Definition("draft")}, Officer))
	must(t, s.WithdrawCandidate(ctx, "draft", "ken", Officer))
	must(t, s.WithdrawCandidate(ctx, "e1", "ada", Officer))
	must(t, s.WithdrawCandidate(ctx, "e1", "ken", Officer))
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(e.Withdrawn, []string{"ada", "ken"}) {
		t.Errorf("withdrawn %v", e.Withdrawn)
	}
	wantErr(t, "unknown candidate", s.WithdrawCandidate(ctx, "e1", "bob", Officer), models.ErrNotFound)
	wantErr(t, "unknown election", s.WithdrawCandidate(ctx, "nope", "ada", Officer), models.ErrNotFound)
	wantErr(t, "twice", s.WithdrawCandidate(ctx, "e1", "ada", Officer), models.ErrExists)
	must(t, At(s, T0.Add(time.Hour)).CloseElection(ctx, "e1", Officer))
	wantErr(t, "after close", s.WithdrawCandidate(ctx, "e1", "nota", Officer), models.ErrWrongState)
}
