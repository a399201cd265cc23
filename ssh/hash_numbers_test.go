package ssh

import (
	"strings"
	"testing"

	"vote.example.org/booth/tally"
)

// "#3" is the member's number 3 at linear mode's ranking prompt, and its
// help says so; in a ballot file "#" starts a comment, and ballot's
// template says to write ids there: a "#3" copied from linear mode is
// not silently read as a choice. The full-screen booth takes no typed
// ranking (its digits place the candidate under the cursor), so its
// help has nothing to say about #N.
func TestHashNumbersAreExplained(t *testing.T) {
	e := newTestEnv(t, nil)
	hostileElection(e)
	ids := methodElections(e)

	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.answer("Election number", tt.number("Election by "+string(tally.IRV)))
	tt.answer("Type 1 ", "1")
	tt.answer("Your ranking", "help")
	tt.expect("#3 is always your number 3, even where a candidate's id is a number too.")
	tt.answer("Your ranking", "#1")
	tt.expect("read back:")

	for method, want := range map[tally.Method]bool{tally.IRV: true, tally.Schulze: true, tally.Approval: true, tally.YesNo: false} {
		tmpl, errOut, code := e.run("ada", "ballot "+ids[method], "")
		if code != 0 {
			t.Fatalf("ballot %s: exit %d: %s", ids[method], code, errOut)
		}
		if got := strings.Contains(tmpl, "# Write ids, not list numbers: #3 here is a comment, not candidate 3.\n"); got != want {
			t.Errorf("%s: the template says how #3 reads there: %v, want %v:\n%s", method, got, want, tmpl)
		}
		if !want {
			continue
		}
		if _, errOut, code := e.run("ada", "cast "+ids[method]+" --dry-run", tmpl+"#1\n"); code == 0 || !strings.Contains(errOut, "the ballot is empty") {
			t.Errorf("%s: a ballot of #1 alone: exit %d, %q; want it refused as empty", method, code, errOut)
		}
	}
}
