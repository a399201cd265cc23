package ssh

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// hostileText holds what officer-supplied text must never bring to a
// member's terminal: a screen erase, a clipboard write (OSC 52), a bidi
// override and a zero-width character.
const hostileText = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202eevil\u200b"

// hostileElection opens an election whose every text carries hostileText.
func hostileElection(e *testEnv) {
	d := testDefinition("hostile", "Hostile "+hostileText+" title")
	d.Description = "Read me " + hostileText + "\nsecond line"
	d.Candidates[0].Name = "Alma " + hostileText
	d.Candidates[0].Statement = "My statement " + hostileText
	d.Candidates[1].Affiliation = "Party " + hostileText
	e.openElection(d)
}

// assertNoEscapes fails on anything of hostileText that reached the
// output (assertInert's checks, and any escape or zero-width character).
func assertNoEscapes(t *testing.T, what, out string) {
	t.Helper()
	assertInert(t, what, out)
	for _, bad := range []string{"\x1b", "\u200b"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%s printed %q raw:\n%q", what, bad, out)
		}
	}
}

func TestShow(t *testing.T) {
	e := newTestEnv(t, nil)
	hostileElection(e)
	out, errOut, code := e.run("ada", "show hostile", "")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errOut)
	}
	assertNoEscapes(t, "show", out)
	for _, want := range []string{"Hostile", "Election:     hostile (open)", "How it works: Rank as many options",
		"Read me", "second line", "alma  Alma", "My statement", "bert  Bert Example (Party", "cleo  Cleo Example", "Fingerprint:  " + mustElection(t, e, "hostile").Fingerprint, "ssh HOST ballot hostile"} {
		if !strings.Contains(out, want) {
			t.Errorf("show does not say %q:\n%s", want, out)
		}
	}

	out, _, code = e.run("ada", "show hostile --json", "")
	if code != 0 {
		t.Fatalf("show --json: exit %d", code)
	}
	assertNoEscapes(t, "show --json", out)
	var d models.ElectionDetail
	must(t, json.Unmarshal([]byte(out), &d))
	if d.ID != "hostile" || len(d.Candidates) != 3 || d.Candidates[0].ID != "alma" || !strings.Contains(d.Candidates[0].Statement, "\u202e") {
		t.Fatalf("show --json read back as %+v", d)
	}

	for _, tc := range []struct{ cmd, want string }{
		{"show nosuch", `no election "nosuch" on your roll`},
		{"show", "takes 1 argument(s), not 0"},
		{"show hostile --yaml", `unknown option "--yaml"`},
	} {
		_, errOut, code := e.run("ada", tc.cmd, "")
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %q; want an error saying %q", tc.cmd, code, errOut, tc.want)
		}
	}
}

// A ballot made from ballot's template, cast with only the ranking
// written under it, is read as the ranking and accepted.
func TestBallotTemplateRoundTrip(t *testing.T) {
	e := newTestEnv(t, nil)
	hostileElection(e)
	ids := methodElections(e)
	for method, ranking := range map[tally.Method]string{
		tally.Schulze: "cleo\nalma = bert\n", tally.IRV: "bert\ncleo\n", tally.Meek: "alma\n", tally.Scottish: "cleo\nbert\nalma\n",
		tally.Approval: "bert\ncleo\n", tally.YesNo: "no\n",
	} {
		id := ids[method]
		tmpl, errOut, code := e.run("ada", "ballot "+id, "")
		if code != 0 {
			t.Fatalf("ballot %s: exit %d: %s", id, code, errOut)
		}
		for _, l := range strings.Split(strings.TrimSuffix(tmpl, "\n"), "\n") {
			if !strings.HasPrefix(l, "#") {
				t.Fatalf("ballot %s: the template has a line that is not a comment: %q", id, l)
			}
		}
		// Unchanged, it casts nothing.
		if _, errOut, code := e.run("ada", "cast "+id+" --dry-run", tmpl); code == 0 || !strings.Contains(errOut, "the ballot is empty") {
			t.Errorf("%s: the template unchanged: exit %d, %q; want it refused as empty", id, code, errOut)
		}
		filled := tmpl + ranking
		out, errOut, code := e.run("ada", "cast "+id+" --dry-run", filled)
		if code != 0 || !strings.Contains(out, "Your ballot was read as:") || !strings.Contains(out, "Nothing was stored") {
			t.Fatalf("%s --dry-run: exit %d\n%s%s", id, code, out, errOut)
		}
		if box, voted := e.ballots(id); box != 0 || voted != 0 {
			t.Fatalf("%s: a dry run stored %d ballots, %d roll marks", id, box, voted)
		}
		want, err := models.ParseBallot(mustElection(t, e, id).Definition, nil, ranking)
		must(t, err)
		if !strings.Contains(out, want.Describe(mustElection(t, e, id).Definition)) {
			t.Errorf("%s: the dry run read the filled template as\n%s\nwant the ranking's reading\n%s", id, out, want.Describe(mustElection(t, e, id).Definition))
		}
		receipt, errOut, code := e.run("ada", "cast "+id, filled)
		if code != 0 {
			t.Fatalf("cast %s from the template: exit %d: %s", id, code, errOut)
		}
		if _, err := models.NormalizeReceipt(strings.TrimSpace(receipt)); err != nil {
			t.Errorf("cast %s printed %q, not a receipt", id, receipt)
		}
		if !strings.Contains(errOut, "Your ballot was read as:\n"+want.Describe(mustElection(t, e, id).Definition)) {
			t.Errorf("cast %s did not say how it read the ballot before the receipt:\n%s", id, errOut)
		}
		if box, voted := e.ballots(id); box != 1 || voted != 1 {
			t.Fatalf("%s: after the cast %d ballots, %d roll marks", id, box, voted)
		}
	}
	tmpl, _, _ := e.run("ada", "ballot hostile", "")
	assertNoEscapes(t, "ballot", tmpl)
	if !strings.Contains(tmpl, "# Candidates (id, then name):") || !strings.Contains(tmpl, "bert") {
		t.Errorf("the template names no candidates:\n%s", tmpl)
	}
}

func mustElection(t *testing.T, e *testEnv, id string) models.Election {
	t.Helper()
	el, err := e.svc.Election(bg, id)
	must(t, err)
	return el
}

func TestCastDryRunRefusals(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, tc := range []struct{ cmd, stdin, want string }{
		{"cast board --dry-run", "zed\n", `ballot:1: "zed" is not a candidate: use one of alma, bert, cleo`},
		{"cast board --dry-run", "", "the ballot is empty"},
		{"cast board --dry-run --json", "alma\n", `unknown option "--json"`},
		{"cast nosuch --dry-run", "alma\n", `no election "nosuch" on your roll`},
	} {
		_, errOut, code := e.run("ada", tc.cmd, tc.stdin)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s < %q: exit %d, %q; want an error saying %q", tc.cmd, tc.stdin, code, errOut, tc.want)
		}
	}
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatalf("refused dry runs stored %d ballots", box)
	}
}

func TestReplaceCommand(t *testing.T) {
	e := newTestEnv(t, nil)
	ids := methodElections(e)
	q := ids[tally.YesNo] // allows replacing
	first, errOut, code := e.run("ken", "cast "+q, "yes\n")
	if code != 0 {
		t.Fatalf("cast: %s", errOut)
	}
	first = strings.TrimSpace(first)
	unknown, err := models.NewReceipt(rand.Reader)
	must(t, err)
	for _, tc := range []struct{ cmd, stdin, want string }{
		{"replace " + q, "no\n", "the first line of standard input must be the receipt"},
		{"replace " + q, unknown + "\nno\n", "has that receipt"},
		{"replace " + q, first + "\nmaybe\n", `"maybe" is not an answer`},
		{"replace " + ids[tally.Schulze], first + "\nalma\n", "does not allow replacing a ballot"},
		{"replace nosuch", first + "\nno\n", `no election "nosuch" on your roll`},
	} {
		_, errOut, code := e.run("ken", tc.cmd, tc.stdin)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s < %q: exit %d, %q; want an error saying %q", tc.cmd, tc.stdin, code, errOut, tc.want)
		}
	}
	out, errOut, code := e.run("ken", "replace "+q, first+"\r\nno\n")
	if code != 0 {
		t.Fatalf("replace: exit %d: %s", code, errOut)
	}
	second := strings.TrimSpace(out)
	if _, err := models.NormalizeReceipt(second); err != nil || second == first {
		t.Fatalf("replace printed %q; want a new receipt", out)
	}
	if !strings.Contains(errOut, "Your ballot was read as:\nYour answer: No.") || !strings.Contains(errOut, "the old one no longer counts") {
		t.Errorf("replace said:\n%s", errOut)
	}
	if box, voted := e.ballots(q); box != 1 || voted != 1 {
		t.Fatalf("after the replace %d ballots, %d roll marks", box, voted)
	}
	if _, errOut, code := e.run("ken", "replace "+q, first+"\nyes\n"); code == 0 || !strings.Contains(errOut, "already replaced") {
		t.Errorf("replacing with the old receipt again: exit %d, %q", code, errOut)
	}
}

func TestResultsJSONHasIDsTitleAndTurnout(t *testing.T) {
	e := newTestEnv(t, nil)
	for who, ballot := range map[string]string{"ada": "bert\nalma\n", "ken": "bert\n"} {
		if _, errOut, code := e.run(who, "cast board", ballot); code != 0 {
			t.Fatal(errOut)
		}
	}
	e.count("board")
	out, errOut, code := e.run("ada", "results board --json", "")
	if code != 0 {
		t.Fatalf("results --json: %s", errOut)
	}
	var r struct {
		Election     string   `json:"election"`
		Title        string   `json:"title"`
		Method       string   `json:"method"`
		Candidates   []string `json:"candidates"`
		CandidateIDs []string `json:"candidate_ids"`
		Elected      []string `json:"elected"`
		ElectedIDs   []string `json:"elected_ids"`
		Turnout      struct{ Voted, Electorate int }
	}
	must(t, json.Unmarshal([]byte(out), &r))
	if r.Election != "board" || r.Title != "Board election" || r.Method != "schulze" ||
		strings.Join(r.CandidateIDs, ",") != "alma,bert,cleo" || strings.Join(r.Candidates, ",") != "Alma Example,Bert Example,Cleo Example" ||
		strings.Join(r.ElectedIDs, ",") != "bert" || strings.Join(r.Elected, ",") != "Bert Example" ||
		r.Turnout.Voted != 2 || r.Turnout.Electorate != 2 {
		t.Fatalf("results --json read back as %+v from\n%s", r, out)
	}
	if !strings.HasPrefix(out, "{\n  \"method\": \"schulze\"") {
		t.Errorf("the result report's keys no longer come first:\n%s", out)
	}
}
