package models_test

import (
	"context"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// CastTestBallot, a Service method any front end
// can call, casts nothing and audits nothing on a real (not test-data)
// store, even for a member and an election that would take the ballot.
func TestCastTestBallotRefusesRealStore(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := models.NewService(st)
	now := time.Now().UTC()
	if err := st.AddMember(ctx, models.Member{ID: "ada", Name: "Ada", Status: models.Active, Joined: now.Add(-time.Hour)}, "o"); err != nil {
		t.Fatal(err)
	}
	d := models.Definition{ID: "q", Title: "Q", Method: tally.Schulze, Seats: 1, OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour),
		TieSeed: "s", Candidates: []models.Candidate{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}}
	if _, _, err := svc.CreateElection(ctx, d, t.TempDir()+"/k", "o"); err != nil {
		t.Fatal(err)
	}
	if err := svc.OpenElection(ctx, "q", "o"); err != nil {
		t.Fatal(err)
	}
	before, _ := svc.AuditLog(ctx)
	if _, err := svc.CastTestBallot(ctx, "q", "ada", "a\n", "o"); err == nil {
		t.Fatal("CastTestBallot cast on a real store")
	}
	after, _ := svc.AuditLog(ctx)
	tu, _ := svc.Turnout(ctx, "q")
	if len(after) != len(before) || tu.Voted != 0 {
		t.Errorf("a refused test cast left %d audit entries and %d votes", len(after)-len(before), tu.Voted)
	}
}
