package ssh

import (
	"context"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// A shutdown while a nominee's statement is still
// arriving on standard input must not accept the nomination with the
// part read so far (readBallot refuses the same way: "nothing was cast").
func TestShutdownMidStatementAcceptsNothing(t *testing.T) {
	e := newTestEnv(t, nil)
	now := time.Now().UTC().Truncate(time.Second)
	opens := now.AddDate(0, 0, 8)
	d := models.Definition{
		ID: "council", Title: "Council", Method: tally.Meek, Seats: 1, OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 2), TieSeed: "seed",
		Nominations: &models.NominationRules{Opens: now.Add(-time.Hour), Closes: now.AddDate(0, 0, 7), Supporters: 1, PublishNominators: true},
	}
	must(t, e.store.CreateElection(bg, models.Election{Definition: d, Recipients: []string{"age1test"}}, "officer"))
	must(t, e.svc.Nominate(bg, "council", "ada", "ken"))

	c := e.client("ken")
	sess, err := c.NewSession()
	must(t, err)
	stdin, err := sess.StdinPipe()
	must(t, err)
	must(t, sess.Start("nominations accept council"))
	_, err = stdin.Write([]byte("# I will serve\n\nMy plans are, first"))
	must(t, err)
	time.Sleep(300 * time.Millisecond) // the part reaches the server

	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	defer cancel()
	must(t, e.srv.Shutdown(ctx))
	_ = sess.Wait()
	ns, err := e.store.Nominations(bg, "council")
	must(t, err)
	if len(ns) != 1 || ns[0].State != models.NominationPending {
		t.Fatalf("after a shutdown mid-statement the nomination is %s with statement %q; want it still pending", ns[0].State, ns[0].Statement)
	}
}
