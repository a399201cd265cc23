package models_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// The clock opens and closes elections, whoever ran the command that
// noticed the time had come: the audit log says so.
func TestTickIsAuditedAsTheClock(t *testing.T) {
	e := newEnv(t, 2)
	e.create(t, definition("e1"))
	e.clock.Set(t0)
	must(t, e.svc.Tick(ctx))
	e.clock.Set(t0.Add(48 * time.Hour))
	must(t, e.svc.Tick(ctx))
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	seen := 0
	for _, en := range log {
		if en.Action == "election.open" || en.Action == "election.close" {
			seen++
			if en.Actor != models.ClockActor {
				t.Errorf("%s audited as done by %q, want %q", en.Action, en.Actor, models.ClockActor)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("%d opens and closes audited, want 2", seen)
	}
}

// Opening an election before its opening time opens it now: the opening
// time moves to now (audited), members can vote at once, and the
// fingerprint recorded is the moved definition's.
func TestOpeningEarlyMovesTheOpening(t *testing.T) {
	e := newEnv(t, 2)
	d := definition("e1")
	e.create(t, d)
	early := t0.Add(-30 * time.Minute)
	e.clock.Set(early)
	must(t, e.svc.OpenElection(ctx, "e1", officer))
	el := e.election(t, "e1")
	if el.State != models.Open || !el.OpensAt.Equal(early) || el.Fingerprint != el.Definition.Fingerprint() {
		t.Fatalf("opened half an hour early: %s, opens %v, fingerprint %s of %s", el.State, el.OpensAt, el.Fingerprint, el.Definition.Fingerprint())
	}
	cast(t, e, "e1", memberID(0), "ada")
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	if last := log[len(log)-1]; last.Action != "election.open" ||
		!strings.Contains(last.Detail, "before its opening time 2026-03-01T12:00:00Z, which moved to 2026-03-01T11:30:00Z") {
		t.Errorf("the opening is audited as %s %q", last.Action, last.Detail)
	}
}

// Every refusal to cast says when voting opens or closed.
func TestRefusedCastSaysWhen(t *testing.T) {
	e := newEnv(t, 2)
	d := definition("e1")
	e.create(t, d)
	b := ballot(t, e, "e1", "ada")
	_, err := e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, b)
	if !errors.Is(err, models.ErrNotOpen) || !strings.Contains(err.Error(), "voting opens 2026-03-01 12:00 UTC") {
		t.Errorf("a cast before the opening: %v", err)
	}
	e.clock.Set(t0)
	must(t, e.svc.Tick(ctx))
	e.clock.Set(t0.Add(time.Hour))
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	_, err = e.svc.CastBallot(ctx, "e1", models.Caster{MemberID: memberID(0)}, b)
	if !errors.Is(err, models.ErrNotOpen) || !strings.Contains(err.Error(), "voting closed 2026-03-01 13:00 UTC") {
		t.Errorf("a cast after an early close: %v", err)
	}
}

// An election nobody may vote in never opens: by hand it is a clear error;
// at its opening time it stays a draft, the clock's attempts say why, and
// the audit log has it once however often it tries. Once members are
// eligible it opens.
func TestEmptyElectorateNeverOpens(t *testing.T) {
	e := newEnv(t, 0)
	d := definition("e1")
	d.Quorum = models.QuorumRule{Percent: 50}
	e.create(t, d)
	e.clock.Set(t0.Add(-time.Hour))
	err := e.svc.OpenElection(ctx, "e1", officer)
	if !errors.Is(err, models.ErrEmptyElectorate) || !strings.Contains(err.Error(), "its electorate is every active member, and there are none") {
		t.Fatalf("opening by hand with nobody eligible: %v", err)
	}
	for _, at := range []time.Time{t0, t0.Add(time.Minute), t0.Add(time.Hour)} {
		e.clock.Set(at)
		if err := e.svc.Tick(ctx); !errors.Is(err, models.ErrEmptyElectorate) {
			t.Fatalf("a tick at %v: %v, want the empty electorate", at, err)
		}
		if el := e.election(t, "e1"); el.State != models.Draft {
			t.Fatalf("at %v the election is %s", at, el.State)
		}
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	refused := 0
	for _, en := range log {
		if en.Action == "election.open.refused" {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("the refusal is audited %d times, want once", refused)
	}
	must(t, e.store.ImportMembers(ctx, []models.Member{{ID: "m001", Name: "One", Status: models.Active}}, officer))
	e.clock.Set(t0.Add(2 * time.Hour))
	must(t, e.svc.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Open {
		t.Fatalf("with a member eligible: %s", el.State)
	}
}

// Nobody voting among nobody does not meet a quorum.
func TestQuorumOfNobody(t *testing.T) {
	q := models.QuorumRule{Percent: 50}
	if q.QuorumMet(models.Turnout{}) {
		t.Error("0 of 0 meets a 50% quorum")
	}
	if !q.QuorumMet(models.Turnout{Voted: 1, Electorate: 2}) || !(models.QuorumRule{}).QuorumMet(models.Turnout{}) {
		t.Error("a met quorum, or none, is not met")
	}
}

// An election without ballots can be cancelled, audited, its roll and
// tally key record discarded; the clock leaves it be and members no
// longer see it. One with a ballot cannot.
func TestCancelElection(t *testing.T) {
	e := newEnv(t, 2)
	e.open(t, definition("e1"))
	e.open(t, definition("e2"))
	cast(t, e, "e2", memberID(0), "ada")
	wantErr(t, "cancelling an election with a ballot", e.svc.CancelElection(ctx, "e2", officer), models.ErrWrongState)
	must(t, e.svc.CancelElection(ctx, "e1", officer))
	el := e.election(t, "e1")
	if el.State != models.Cancelled || el.CancelledAt.IsZero() || el.Recipients != nil {
		t.Fatalf("after cancelling: %s at %v, recipients %v", el.State, el.CancelledAt, el.Recipients)
	}
	if roll, err := e.store.Roll(ctx, "e1"); err != nil || len(roll) != 0 {
		t.Errorf("roll after cancelling: %v, %v", roll, err)
	}
	mine, err := e.svc.MemberElections(ctx, memberID(1))
	must(t, err)
	for _, me := range mine {
		if me.ID == "e1" {
			t.Errorf("a member still sees the cancelled election")
		}
	}
	e.clock.Set(t0.Add(96 * time.Hour))
	must(t, e.svc.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Cancelled {
		t.Errorf("after the close time a cancelled election is %s", el.State)
	}
	wantErr(t, "cancelling twice", e.svc.CancelElection(ctx, "e1", officer), models.ErrWrongState)
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	if !slices.ContainsFunc(log, func(a models.AuditEntry) bool {
		return a.Action == "election.cancel" && a.Actor == officer &&
			a.Detail == "election e1 cancelled (was open, no ballots): its roll of 2 and its tally key record discarded"
	}) {
		t.Error("the cancel is not audited")
	}
}
