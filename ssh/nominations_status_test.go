package ssh

import (
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// status tells a nominee whose nomination the close dropped (they no
// longer met the rules) that it did not reach the ballot, without blaming
// the officers; an officer's own rejection is still theirs.
func TestStatusTellsWhoRejectedANomination(t *testing.T) {
	e := newTestEnv(t, nil)
	now := time.Now().UTC().Truncate(time.Second)
	opens := now.AddDate(0, 0, 8)
	d := models.Definition{
		ID: "council", Title: "Council", Method: tally.Meek, Seats: 1, OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 2), TieSeed: "seed",
		Nominations: &models.NominationRules{Opens: now.Add(-time.Hour), Closes: now.AddDate(0, 0, 7), Supporters: 1, PublishNominators: true},
	}
	must(t, e.store.CreateElection(bg, models.Election{Definition: d, Recipients: []string{"age1test"}}, "officer"))
	must(t, e.svc.Nominate(bg, "council", "ada", "ken"))

	for _, tc := range []struct{ reason, want, not string }{
		{models.DroppedAtClose + "the membership has lapsed; only members in good standing stand",
			"Your nomination in council did not reach the ballot: at the close of the nominations, the membership has lapsed", "officers"},
		{"nominated by a member who is not one", "The officers rejected your nomination in council: nominated by a member who is not one", "did not reach"},
	} {
		if _, err := e.svc.DecideNomination(bg, "council", "ken", models.Reject, tc.reason, "officer"); err != nil {
			t.Fatal(err)
		}
		out, _, code := e.run("ken", "status", "")
		if code != 0 || !strings.Contains(out, tc.want) || strings.Contains(out, tc.not) {
			t.Errorf("status after a rejection %q (exit %d):\n%s\nwant %q, without %q", tc.reason, code, out, tc.want, tc.not)
		}
		if _, err := e.svc.DecideNomination(bg, "council", "ken", models.Reinstate, "reinstated", "officer"); err != nil {
			t.Fatal(err)
		}
	}
}
