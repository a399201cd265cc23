package sqlite

import (
	"reflect"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func TestElectionRoundTrip(t *testing.T) {
	s := newStore(t)
	d := definition("e1")
	d.JoinedBefore = t0.Add(-time.Hour)
	d.Recipients = []string{"ssh-ed25519 AAAAofficer"}
	e := models.Election{Definition: d, Recipients: []string{"age1abc", "age1def"}}
	must(t, s.CreateElection(ctx, e, officer))
	must(t, s.CreateElection(ctx, models.Election{Definition: definition("a0")}, officer))

	got, err := s.Election(ctx, "e1")
	must(t, err)
	want := e
	want.State = models.Draft
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Election:\n got %+v\nwant %+v", got, want)
	}
	all, err := s.Elections(ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != "a0" || all[1].ID != "e1" {
		t.Errorf("Elections = %v", all)
	}

	wantErr(t, "duplicate", s.CreateElection(ctx, e, officer), models.ErrExists)
	wantErr(t, "created open", s.CreateElection(ctx, models.Election{Definition: definition("x"), State: models.Open}, officer), models.ErrWrongState)
	_, err = s.Election(ctx, "nope")
	wantErr(t, "unknown election", err, models.ErrNotFound)
}

func TestUpdateDefinitionOnlyInDraft(t *testing.T) {
	s := newStore(t)
	must(t, s.CreateElection(ctx, models.Election{Definition: definition("e1")}, officer))
	d := definition("e1")
	d.Title = "Board, revised"
	must(t, s.UpdateDefinition(ctx, d, officer))
	got, err := s.Election(ctx, "e1")
	must(t, err)
	if got.Title != "Board, revised" {
		t.Errorf("title %q after update", got.Title)
	}
	wantErr(t, "unknown", s.UpdateDefinition(ctx, definition("nope"), officer), models.ErrNotFound)
	must(t, s.OpenElection(ctx, "e1", "fp", t0, officer))
	d.Title = "Too late"
	wantErr(t, "after opening", s.UpdateDefinition(ctx, d, officer), models.ErrWrongState)
	got, err = s.Election(ctx, "e1")
	must(t, err)
	if got.Title != "Board, revised" {
		t.Errorf("a refused update changed the title to %q", got.Title)
	}
}

func TestOpenFreezesTheElectorate(t *testing.T) {
	s := newStore(t)
	ms := []models.Member{member("zed"), member("amy"), member("sus"), member("new"), member("gone")}
	ms[2].Status = models.Suspended
	ms[3].Joined = t0 // joined on the cut-off: not eligible
	ms[4].Status = models.Removed
	must(t, s.ImportMembers(ctx, ms, officer))
	d := definition("e1")
	d.JoinedBefore = t0
	must(t, s.CreateElection(ctx, models.Election{Definition: d}, officer))
	opened := t0.Add(time.Minute)
	must(t, s.OpenElection(ctx, "e1", "fp-123", opened, officer))

	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	want := []models.RollEntry{{MemberID: "amy"}, {MemberID: "zed"}}
	if !reflect.DeepEqual(roll, want) {
		t.Errorf("roll %v, want %v", roll, want)
	}
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Open || e.Fingerprint != "fp-123" || !e.OpenedAt.Equal(opened) {
		t.Errorf("opened election: state %s fingerprint %q opened %v", e.State, e.Fingerprint, e.OpenedAt)
	}
	// A member added after opening is not on the roll.
	must(t, s.AddMember(ctx, member("late"), officer))
	wantErr(t, "late member", s.Cast(ctx, cast("late", "r1", t0.Add(time.Hour))), models.ErrNotOnRoll)

	wantErr(t, "open twice", s.OpenElection(ctx, "e1", "fp", t0, officer), models.ErrWrongState)
	wantErr(t, "open unknown", s.OpenElection(ctx, "nope", "fp", t0, officer), models.ErrNotFound)
	if n := count(t, s, `SELECT count(*) FROM roll`); n != 2 {
		t.Errorf("roll rows after refused openings: %d, want 2", n)
	}
}

func TestCloseAndExtend(t *testing.T) {
	s := setup(t, []string{"a", "b"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: definition("draft")}, officer))

	wantErr(t, "extend draft", s.Extend(ctx, "draft", officer), models.ErrWrongState)
	wantErr(t, "close draft", s.CloseElection(ctx, "draft", t0, officer), models.ErrWrongState)
	wantErr(t, "close unknown", s.CloseElection(ctx, "nope", t0, officer), models.ErrNotFound)
	wantErr(t, "extend unknown", s.Extend(ctx, "nope", officer), models.ErrNotFound)

	must(t, s.Extend(ctx, "e1", officer))
	must(t, s.Extend(ctx, "e1", officer))
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if e.Extensions != 2 || !e.EffectiveClose().Equal(t0.Add(96*time.Hour)) {
		t.Errorf("after two extensions: %d, closes %v", e.Extensions, e.EffectiveClose())
	}

	closed := t0.Add(time.Hour)
	must(t, s.CloseElection(ctx, "e1", closed, officer))
	e, err = s.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Closed || !e.ClosedAt.Equal(closed) {
		t.Errorf("closed election: state %s closed at %v", e.State, e.ClosedAt)
	}
	wantErr(t, "close twice", s.CloseElection(ctx, "e1", closed, officer), models.ErrWrongState)
	wantErr(t, "extend closed", s.Extend(ctx, "e1", officer), models.ErrWrongState)
	roll, err := s.Roll(ctx, "e1")
	must(t, err)
	if len(roll) != 2 {
		t.Errorf("roll after close: %v", roll)
	}
}

func TestWithdrawCandidate(t *testing.T) {
	s := setup(t, []string{"a"}, nil)
	must(t, s.CreateElection(ctx, models.Election{Definition: definition("draft")}, officer))
	must(t, s.WithdrawCandidate(ctx, "draft", "ken", officer))
	must(t, s.WithdrawCandidate(ctx, "e1", "ada", officer))
	must(t, s.WithdrawCandidate(ctx, "e1", "ken", officer))
	e, err := s.Election(ctx, "e1")
	must(t, err)
	if !reflect.DeepEqual(e.Withdrawn, []string{"ada", "ken"}) {
		t.Errorf("withdrawn %v", e.Withdrawn)
	}
	wantErr(t, "unknown candidate", s.WithdrawCandidate(ctx, "e1", "bob", officer), models.ErrNotFound)
	wantErr(t, "unknown election", s.WithdrawCandidate(ctx, "nope", "ada", officer), models.ErrNotFound)
	wantErr(t, "twice", s.WithdrawCandidate(ctx, "e1", "ada", officer), models.ErrExists)
	must(t, s.CloseElection(ctx, "e1", t0.Add(time.Hour), officer))
	wantErr(t, "after close", s.WithdrawCandidate(ctx, "e1", "nota", officer), models.ErrWrongState)
}
