package ssh

import (
	"strings"
	"testing"
)

// The booth's home and `ssh HOST status` show a notice for an open
// election the member has not voted in; it disappears once they voted.
func TestNoticeUntilVoted(t *testing.T) {
	e := newTestEnv(t, nil)
	const notice = "and you have not voted yet"
	out, _, code := e.run("ada", "status", "")
	if code != 0 || !strings.HasPrefix(out, "Notice: Voting in “") || !strings.Contains(out, notice) {
		t.Fatalf("status before voting: exit %d\n%s", code, out)
	}
	tm := e.terminal(e.client("ada"), 100, 30)
	tm.waitFor("turnout")
	if screen := replay(tm.out.String(), 100, 30); !strings.Contains(screen, "! Voting in “") || !strings.Contains(screen, "have not voted yet") {
		t.Fatalf("the home screen shows no notice:\n%s", screen)
	}
	tm.sess.Close()

	if _, errOut, code := e.run("ada", "cast board", "alma\n"); code != 0 {
		t.Fatalf("cast: exit %d: %s", code, errOut)
	}
	out, _, _ = e.run("ada", "status", "")
	if strings.Contains(out, "Notice:") {
		t.Fatalf("status after voting still shows a notice:\n%s", out)
	}
	tm = e.terminal(e.client("ada"), 100, 30)
	tm.waitFor("voted ✓")
	if screen := replay(tm.out.String(), 100, 30); strings.Contains(screen, "! Voting in") {
		t.Fatalf("the home screen after voting still shows a notice:\n%s", screen)
	}
	// Another member who has not voted still sees theirs.
	if out, _, _ := e.run("ken", "status", ""); !strings.Contains(out, notice) {
		t.Fatalf("ken's status:\n%s", out)
	}
}

// With two open elections not voted in, the booth's home counts them in
// one line, while `ssh HOST status` keeps a Notice line for each: scripts
// read those.
func TestStatusKeepsANoticePerElection(t *testing.T) {
	e := newTestEnv(t, nil)
	e.openElection(testDefinition("budget", "Budget vote"))
	out, _, code := e.run("ada", "status", "")
	if code != 0 || strings.Count(out, "Notice: Voting in “") != 2 || !strings.Contains(out, "“Board election”") || !strings.Contains(out, "“Budget vote”") {
		t.Fatalf("status with two elections not voted in: exit %d\n%s", code, out)
	}
	tm := e.terminal(e.client("ada"), 100, 30)
	tm.waitFor("turnout")
	screen := replay(tm.out.String(), 100, 30)
	if !strings.Contains(screen, "! You have not voted yet in 2 open elections.") || strings.Contains(screen, "! Voting in") {
		t.Fatalf("the home screen with two elections not voted in:\n%s", screen)
	}
}
