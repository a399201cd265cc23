package ssh

import (
	"fmt"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// Two seats filled from one three-way tie put Bert and Cleo in two ties.
// Linear mode reads the sheet line by line, as a teletype does, and the
// teletype refuses a line printed twice: each of a tie's lines opens with
// the tie's number, so the two ties' lines stay apart.
func TestLinearResultsCandidateInTwoTies(t *testing.T) {
	e := newTestEnv(t, nil)
	var ms []models.Member
	for i := range 3 {
		_, key := newKey(t)
		ms = append(ms, models.Member{ID: fmt.Sprintf("t%02d", i), Name: "Voter", Status: models.Active, Keys: []models.Key{key}})
	}
	must(t, e.store.ImportMembers(bg, ms, "officer"))
	d := testDefinition("ties", "Tied board")
	d.Method, d.Seats = tally.Approval, 2
	e.openElection(d)
	for i, id := range []string{"alma", "bert", "cleo"} {
		if _, err := e.svc.CastBallot(bg, d.ID, models.Caster{MemberID: ms[i].ID}, models.Ballot{Ranks: [][]string{{id}}}); err != nil {
			t.Fatal(err)
		}
	}
	e.count(d.ID)

	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.answer("Election number", tt.number("Tied board"))
	tt.expect("Closed and counted")
	tt.answer("Type 1 see the results", "1")
	tt.expect("Result of Tied board")
	tt.expect("Ties")
	for _, line := range []string{"  1  Round 1: tied to elect:", "  1      Alma Example", "  1      Bert Example",
		"  1      Cleo Example", "  1    Chosen by lot: ", "  2  Round 1: tied to elect:", "  2    Chosen by lot: "} {
		tt.expect(line)
	}
	if in2 := strings.Count(tt.transcript(), "\n  2      "); in2 != 2 {
		t.Errorf("the second tie lists %d candidates, want the 2 the first left:\n%s", in2, tt.transcript())
	}
	tt.expect("End of the result of Tied board.")
	tt.answer("Type 1 see the results", "back")
	tt.answer("Election number", "quit")
	tt.wait()
	if err := tt.problems(); err != nil {
		t.Fatal(err)
	}
}
