package ssh

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
)

func TestWhoami(t *testing.T) {
	e := newTestEnv(t, nil)
	out, _, code := e.run("ada", "whoami", "")
	fp := gossh.FingerprintSHA256(e.keys["ada"].PublicKey())
	want := "member  ada\nname    Member ada\nkey     " + fp + "\nstanding: in good standing (memberships do not expire)\n" +
		"plain   off (the full-screen booth; ssh -t HOST plain for linear mode)\nlang    auto (from your client's locale: en now)\n"
	if code != 0 || out != want {
		t.Fatalf("whoami: exit %d\n%q\nwant\n%q", code, out, want)
	}
}

func TestCastFromStdinThenStatusShowsVoted(t *testing.T) {
	e := newTestEnv(t, nil)
	out, _, code := e.run("ada", "status", "")
	if code != 0 || !strings.Contains(out, "board") || !strings.Contains(out, "not voted") {
		t.Fatalf("status before voting: exit %d\n%s", code, out)
	}

	receipt, errOut, code := e.run("ada", "cast board", "# my ballot\nalma\nbert = cleo\n")
	if code != 0 || strings.Count(receipt, "\n") != 1 || len(strings.TrimSpace(receipt)) < 16 {
		t.Fatalf("cast: exit %d, stdout %q, stderr %q", code, receipt, errOut)
	}
	if state, err := e.svc.VerifyReceipt(bg, "board", strings.TrimSpace(receipt)); err != nil || state != models.ReceiptCounted {
		t.Fatalf("the printed receipt reads as %v, %v", state, err)
	}

	out, _, _ = e.run("ada", "status", "")
	if !strings.Contains(out, "board") || strings.Contains(out, "not voted") || !strings.Contains(out, "voted") {
		t.Fatalf("status after voting:\n%s", out)
	}

	_, errOut, code = e.run("ada", "cast board", "cleo\n")
	if code == 0 || !strings.Contains(errOut, "already voted") {
		t.Fatalf("second cast: exit %d, stderr %q", code, errOut)
	}
	if box, voted := e.ballots("board"); box != 1 || voted != 1 {
		t.Fatalf("the store holds %d ballots and %d voters, want 1 and 1", box, voted)
	}
	// The log tells who connected, never what they did.
	logs := e.logs.String()
	if !strings.Contains(logs, "member=ada") {
		t.Errorf("the connections were not logged:\n%s", logs)
	}
	for _, secret := range []string{"cast", "board", strings.TrimSpace(receipt), "voted"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log mentions %q:\n%s", secret, logs)
		}
	}
}

func TestCommandErrorsExitNonZero(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, tc := range []struct{ cmd, stdin, want string }{
		{"frobnicate", "", "unknown command"},
		{"cast", "", "takes 1 argument"},
		{"cast board extra", "", "takes 1 argument"},
		{"cast nosuch", "alma\n", "no election"},
		{"cast board", "zed\n", "ballot:1"},
		{"cast board", strings.Repeat("alma\n", 20000), "longer than"},
		{"elections --bogus", "", "unknown option"},
		{"whoami --json", "", "unknown option"},
		{"results board", "", "is open"},
		{"results nosuch", "", "no election"},
		{"", "", "needs a terminal"},
	} {
		out, errOut, code := e.run("ada", tc.cmd, tc.stdin)
		if code == 0 || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want a non-zero exit and %q on stderr", tc.cmd, code, out, errOut, tc.want)
		}
	}
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatalf("refused casts left %d ballots", box)
	}
}

func TestHelpAndElections(t *testing.T) {
	e := newTestEnv(t, nil)
	out, _, code := e.run("ken", "help", "")
	if code != 0 || !strings.Contains(out, "cast ELECTION < BALLOT") {
		t.Fatalf("help: exit %d\n%s", code, out)
	}
	out, _, code = e.run("ken", "elections", "")
	if code != 0 || !strings.Contains(out, "board") || !strings.Contains(out, "Board election") {
		t.Fatalf("elections: exit %d\n%s", code, out)
	}
	out, _, code = e.run("ken", "elections --json", "")
	var list []models.MemberElectionSummary
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil {
		t.Fatalf("elections --json: exit %d, %v\n%s", code, err, out)
	}
	if len(list) != 1 || list[0].ID != "board" || list[0].State != "open" || list[0].Voted || list[0].Electorate != 2 {
		t.Fatalf("elections --json: %+v", list)
	}
}

// hostileName carries a clipboard write (OSC 52), a carriage return that
// would overwrite the line, and a right-to-left override.
const hostileName = "Eve \x1b]52;c;ZXZpbA==\a Evil\rMallory \u202eyrotciv"

func assertInert(t *testing.T, what, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b]52", "\r", "\u202e", "\a"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s reaches the client with %q:\n%q", what, bad, out)
		}
	}
}

func TestResultsAndHostileTextAreInert(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("evil", "Evil \x1b[2J title\r")
	d.Candidates[0].Name = hostileName
	e.openElection(d)
	if _, errOut, code := e.run("ada", "cast evil", "alma\n"); code != 0 {
		t.Fatalf("cast: %s", errOut)
	}
	out, _, code := e.run("ada", "elections", "")
	if code != 0 || !strings.Contains(out, "Evil") {
		t.Fatalf("elections: exit %d\n%s", code, out)
	}
	assertInert(t, "elections", out)
	e.count("evil")

	out, errOut, code := e.run("ada", "results evil", "")
	if code != 0 || !strings.Contains(out, "Mallory") || !strings.Contains(out, "Counted:") {
		t.Fatalf("results: exit %d\n%s%s", code, out, errOut)
	}
	assertInert(t, "the result sheet", out)

	out, _, code = e.run("ada", "results evil --json", "")
	var res struct {
		Candidates []string `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil {
		t.Fatalf("results --json: exit %d, %v\n%s", code, err, out)
	}
	assertInert(t, "the JSON result", out)
	// Escaping changes nothing for a program reading the JSON.
	if len(res.Candidates) == 0 || res.Candidates[0] != hostileName {
		t.Fatalf("the JSON result names %q, want %q", res.Candidates, hostileName)
	}
	for _, cmd := range []string{"elections --json", "status"} {
		out, _, _ := e.run("ada", cmd, "")
		assertInert(t, cmd, out)
	}
}

// An election whose roll does not hold the member answers like one that
// does not exist: cast neither confirms it nor shows its candidates.
func TestCastOnAnotherRollLooksLikeNoElection(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("members-2000", "Founders' election")
	d.JoinedBefore = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // only a founder joined that early
	founder := models.Member{ID: "founder", Name: "Founder", Status: models.Active, Joined: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}
	must(t, e.store.AddMember(bg, founder, "officer"))
	e.openElection(d)
	_, errOut, code := e.run("ada", "cast members-2000", "alma\n")
	_, errNone, codeNone := e.run("ada", "cast nosuch", "alma\n")
	if code == 0 || !strings.Contains(errOut, `no election "members-2000" on your roll`) {
		t.Errorf("cast on another roll: exit %d, %q", code, errOut)
	}
	if codeNone == 0 || strings.Replace(errNone, "nosuch", "members-2000", 1) != errOut {
		t.Errorf("the answers differ:\n%q\n%q", errOut, errNone)
	}
	if strings.Contains(errOut, "alma") || strings.Contains(errOut, "Founders") {
		t.Errorf("the refusal shows the election's content: %q", errOut)
	}
}
