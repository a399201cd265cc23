package ssh

import (
	"fmt"
	"strings"
	"testing"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
)

// A candidate id may be all digits (isDefID allows "1", "2", "3":
// numbered proposals), and with the member's shuffled order "3" can be
// both list number 3 and the id of another proposal, which is what "3"
// means to ssh HOST cast and in the ballot template. Linear mode refuses
// such an answer and says to type #N; #N is then read as the list number.
func TestLinearNumericIDsAreNotSilentlyRenumbered(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("props", "Proposals")
	d.FixedOrder = false
	d.Method = "irv"
	d.Candidates = []models.Candidate{{ID: "1", Name: "Proposal one"}, {ID: "2", Name: "Proposal two"}, {ID: "3", Name: "Proposal three"}}
	e.openElection(d)
	secret, err := e.svc.OrderSecret(bg)
	must(t, err)
	// A member whose shuffled order puts some id at another number (of
	// the test members, one is all but certain to).
	member, k := "", -1
	for _, m := range []string{"ada", "ken"} {
		for i, c := range booth.CandidateOrder(secret, m, d) {
			if k < 0 && d.Candidates[c].ID != fmt.Sprint(i+1) {
				member, k = m, i+1
			}
		}
	}
	if k < 0 {
		t.Fatal("every test member's order keeps each id at its own number")
	}
	tt := e.teletypeSession(t, member, "dumb", nil, "")
	tt.answer("Election number", tt.number("Proposals"))
	tt.answer("Type 1 ", "1")
	tt.answer("Your ranking", fmt.Sprint(k))
	var after string
	if !eventually(func() bool {
		after = tt.out.String()[tt.read:]
		return strings.Contains(after, "Nothing is stored yet") || strings.Contains(after, "Your ranking")
	}) {
		t.Fatalf("no answer:\n%s", after)
	}
	if strings.Contains(after, "read back:") {
		t.Fatalf("%q is both list number %d and the id of another candidate; linear mode took it silently as the number:\n%s", fmt.Sprint(k), k, after)
	}
	if !strings.Contains(after, "#") {
		t.Fatalf("the refusal does not say how to answer:\n%s", after)
	}
	tt.answer("Your ranking", fmt.Sprint("#", k))
	tt.expect("read back:")
	tt.expect("1. " + d.Candidates[booth.CandidateOrder(secret, member, d)[k-1]].Name)
}
