package ssh

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models"
)

// Keys as a terminal sends them.
const (
	keyEnter = "\r"
	keyCtrlC = "\x03"
)

// toReview opens the first election on the home screen, ranks the first
// n candidates and goes to the review screen.
func (tm *term) toReview(n int) {
	tm.t.Helper()
	tm.waitFor("turnout") // the elections are listed
	tm.send(keyEnter)
	tm.waitFor("CANDIDATES")
	tm.send("v")
	tm.waitFor("NOT RANKED")
	for i := 1; i <= n; i++ {
		tm.send(keyEnter)
		tm.waitFor(fmt.Sprintf("%d ranked", i))
	}
	tm.send("r")
	tm.waitFor("REVIEW YOUR BALLOT")
}

// A member votes through the booth's keys over real SSH; the store then
// holds exactly one ballot, and a second session of the same member,
// open at the same time, cannot cast another.
func TestMemberVotesThroughTheBooth(t *testing.T) {
	e := newTestEnv(t, nil)
	first := e.terminal(e.client("ada"), 80, 24)
	second := e.terminal(e.client("ada"), 80, 24)
	first.toReview(2)
	second.toReview(2)
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatal("a ballot was stored before the confirmation")
	}

	first.send("cast" + keyEnter)
	first.waitFor("Your ballot is cast")
	if box, voted := e.ballots("board"); box != 1 || voted != 1 {
		t.Fatalf("after casting, the store holds %d ballots and %d voters; want 1 and 1", box, voted)
	}

	mark := len(second.out.String())
	second.send("cast" + keyEnter)
	if !eventually(func() bool { return strings.Contains(second.out.String()[mark:], "already voted") }) {
		t.Fatalf("the second session did not say the member already voted:\n%q", second.out.String()[mark:])
	}
	if strings.Contains(second.out.String()[mark:], "Your ballot is cast") {
		t.Fatal("the second session cast a ballot")
	}
	if box, voted := e.ballots("board"); box != 1 || voted != 1 {
		t.Fatalf("after the second session, the store holds %d ballots and %d voters; want 1 and 1", box, voted)
	}
	if _, err := e.svc.CastBallot(bg, "board", models.Caster{MemberID: "ada"}, models.Ballot{}); !errors.Is(err, models.ErrAlreadyVoted) {
		t.Fatalf("CastBallot for a member who voted: %v", err)
	}

	// A new session shows the member has voted; ctrl+c leaves cleanly.
	third := e.terminal(e.client("ada"), 80, 24)
	third.waitFor("voted ✓")
	third.send(keyCtrlC)
	ended := make(chan error, 1)
	go func() { ended <- third.sess.Wait() }()
	select {
	case err := <-ended:
		if err != nil {
			t.Fatalf("leaving with ctrl+c: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ctrl+c did not end the session")
	}
}

// A candidate name (and title) carrying OSC 52, a carriage return and a
// right-to-left override reaches the member's terminal inert.
func TestHostileCandidateNameReachesTheTerminalInert(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("evil", "Evil \x1b]52;c;ZXZpbA==\a title\r")
	d.ClosesAt = d.OpensAt.Add(2 * time.Hour) // closes first: first on the home screen
	d.Candidates[1].Name = hostileName
	e.openElection(d)

	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout") // the elections are listed
	tm.send(keyEnter)
	tm.waitFor("CANDIDATES")
	tm.waitFor("Mallory")
	tm.send("v")
	tm.waitFor("NOT RANKED")
	out := tm.out.String()
	for _, bad := range []string{"\x1b]52", "ZXZpbA", "\u202e", "Evil\r", "\r\r"} {
		if strings.Contains(out, bad) {
			t.Errorf("the terminal received %q:\n%q", bad, out)
		}
	}
}

// The booth asks the member's terminal for its background colour, and a
// light terminal's answer gives it the light palette (its titles in
// colour 54 rather than 183).
func TestTheBoothFollowsTheTerminalsBackground(t *testing.T) {
	e := newTestEnv(t, nil)
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("turnout")
	tm.waitFor(ansi.RequestBackgroundColor)
	if out := tm.out.String(); !strings.Contains(out, "38;5;183") || strings.Contains(out, "38;5;54") {
		t.Fatalf("before the answer the titles are not in the dark palette's colour:\n%q", out)
	}
	mark := len(tm.out.String())
	tm.send("\x1b]11;rgb:ffff/ffff/ffff\x1b\\")
	if !eventually(func() bool { return strings.Contains(tm.out.String()[mark:], "38;5;54") }) {
		t.Fatalf("after a light background's answer the booth sent:\n%q", tm.out.String()[mark:])
	}
}
