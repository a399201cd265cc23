package models_test

import (
	"testing"
	"time"

	"vote.example.org/booth/models"
)

func TestMemberElections(t *testing.T) {
	e := newEnv(t, 2)
	open := definition("a-open")
	e.open(t, open)
	soon := definition("b-soon")
	soon.OpensAt, soon.ClosesAt = t0.Add(24*time.Hour), t0.Add(72*time.Hour)
	e.create(t, soon)
	closed := definition("c-closed")
	closed.ClosesAt = t0.Add(2 * time.Hour)
	e.create(t, closed)
	must(t, e.svc.OpenElection(ctx, closed.ID, officer))
	later := definition("d-later-members")
	later.OpensAt, later.ClosesAt = t0.Add(24*time.Hour), t0.Add(72*time.Hour)
	later.JoinedBefore = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // nobody here joined that early
	e.create(t, later)

	b, err := models.ParseBallot(open, nil, "ada\n")
	must(t, err)
	if _, err := e.svc.CastBallot(ctx, open.ID, models.Caster{MemberID: memberID(0)}, b); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(t0.Add(3 * time.Hour))
	must(t, e.svc.Tick(ctx))

	got, err := e.svc.MemberElections(ctx, memberID(0))
	must(t, err)
	var ids []string
	for _, me := range got {
		ids = append(ids, string(me.State)+":"+me.ID)
	}
	want := []string{"open:a-open", "draft:b-soon", "closed:c-closed"}
	if len(ids) != len(want) {
		t.Fatalf("member sees %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("member sees %v, want %v", ids, want)
		}
	}
	if !got[0].Voted || got[0].Turnout != (models.Turnout{Voted: 1, Electorate: 2}) {
		t.Errorf("open election: voted %v, turnout %+v; want voted, 1 of 2", got[0].Voted, got[0].Turnout)
	}
	other, err := e.svc.MemberElections(ctx, memberID(1))
	must(t, err)
	if len(other) != 3 || other[0].Voted {
		t.Errorf("the other member sees %d elections (voted %v in the first), want 3, not voted", len(other), len(other) > 0 && other[0].Voted)
	}
	_, err = e.svc.MemberElections(ctx, "nobody")
	wantErr(t, "unknown member", err, models.ErrNotFound)
}
