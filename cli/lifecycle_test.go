package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

// An election closed early shows when it closed, not its scheduled close:
// in election list (text and --json) and election show.
func TestEarlyCloseShowsTheActualClose(t *testing.T) {
	data, _ := electionDir(t)
	now := time.Now().UTC()
	def := filepath.Join(t.TempDir(), "board.toml")
	must(t, os.WriteFile(filepath.Join(filepath.Dir(def), "ada.md"), []byte("# Ada\n"), 0o644))
	must(t, os.WriteFile(def, []byte(electionFile("board", "Board 2090", now.Add(-time.Minute), now.Add(7*24*time.Hour))), 0o644))
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "board.key"))
	mustBooth(t, "", "--data", data, "election", "close", "board")
	scheduled := utc(now.Add(7 * 24 * time.Hour))

	var list []map[string]any
	must(t, json.Unmarshal([]byte(mustBooth(t, "", "--data", data, "election", "list", "--json")), &list))
	closed, err := time.Parse(time.RFC3339, list[0]["effective_close"].(string))
	if err != nil || closed.Sub(now) > time.Minute || list[0]["closed_at"] != list[0]["effective_close"] {
		t.Errorf("list --json after an early close: %v", list[0])
	}
	if out := mustBooth(t, "", "--data", data, "election", "list"); strings.Contains(out, scheduled) || !strings.Contains(out, utc(closed)) {
		t.Errorf("list after an early close shows the scheduled close %s, not %s:\n%s", scheduled, utc(closed), out)
	}
	out := mustBooth(t, "", "--data", data, "election", "show", "board")
	if !strings.Contains(out, "Closed:") || !strings.Contains(out, utc(closed)+", early: it was to close "+scheduled) {
		t.Errorf("show after an early close:\n%s", out)
	}
}

// The examples followed as the README says (import the members, create the
// elections) make elections that wait for their opening, whatever today's
// date, and open with the members as their electorate.
func TestExamplesAsTheREADMESays(t *testing.T) {
	data := filepath.Join(t.TempDir(), "booth-data")
	mustBooth(t, "", "--data", data, "member", "import", "../examples/members.csv")
	for _, def := range []string{"board-2026", "question-2026"} {
		mustBooth(t, "", "--data", data, "election", "create", "../examples/"+def+".toml", "--key-out", filepath.Join(t.TempDir(), def+".key"))
	}
	var list []map[string]any
	must(t, json.Unmarshal([]byte(mustBooth(t, "", "--data", data, "election", "list", "--json")), &list))
	for _, e := range list {
		if e["state"] != "draft" {
			t.Errorf("%s is %s right after the README's create, want a draft waiting for its opening", e["id"], e["state"])
		}
	}
	out := mustBooth(t, "", "--data", data, "election", "open", "board-2026")
	if !strings.Contains(out, "electorate frozen at 3 members") {
		t.Errorf("open printed:\n%s", out)
	}
}

// Opening before the opening time says the opening moved to now; an
// election without ballots can then be cancelled, and shows as cancelled.
func TestOpenEarlyThenCancel(t *testing.T) {
	data, def := electionDir(t)
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "board.key"))
	out := mustBooth(t, "", "--data", data, "election", "open", "board")
	if !strings.Contains(out, "opened before its opening time") || !strings.Contains(out, "voting opens now") {
		t.Errorf("open before the opening time printed:\n%s", out)
	}
	v := showElection(t, data, "board")
	if opens, err := time.Parse(time.RFC3339, v["opens_at"].(string)); err != nil || v["state"] != "open" || time.Since(opens) > time.Minute {
		t.Errorf("opened early: %s, opens %v (want now)", v["state"], v["opens_at"])
	}
	out = mustBooth(t, "", "--data", data, "election", "cancel", "board")
	if !strings.Contains(out, "election board cancelled: its roll and the record of its tally key are discarded") {
		t.Errorf("cancel printed:\n%s", out)
	}
	if out := mustBooth(t, "", "--data", data, "election", "list"); !strings.Contains(out, "board  cancelled") {
		t.Errorf("list after the cancel:\n%s", out)
	}
	if out := mustBooth(t, "", "--data", data, "election", "show", "board"); !strings.Contains(out, "Cancelled:") {
		t.Errorf("show after the cancel:\n%s", out)
	}
	if code, _, errOut := booth(t, "", "--data", data, "election", "cancel", "board"); code == 0 || !strings.Contains(errOut, "only a draft or an open election without ballots can be cancelled") {
		t.Errorf("cancelling twice: exit %d, %q", code, errOut)
	}
}

// A quorum of nobody among nobody is not met.
func TestTurnoutTextOfAnEmptyRoll(t *testing.T) {
	e := models.Election{Definition: models.Definition{Quorum: models.QuorumRule{Percent: 50}}}
	if got := turnoutText(e, models.Turnout{}); !strings.Contains(got, "quorum: 50% — not met: nobody is on the roll") {
		t.Errorf("0 of 0:\n%s", got)
	}
}

// An election nobody may vote in stays a draft at its opening time; every
// command still works and warns about it.
func TestEmptyElectorateWarns(t *testing.T) {
	data, _ := electionDir(t)
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "ada.md"), []byte("# Ada\n"), 0o644))
	def := filepath.Join(src, "old.toml")
	text := strings.Replace(electionFile("old", "Founders", time.Now().Add(-time.Minute), time.Now().Add(time.Hour)), "[quorum]",
		"[electorate]\njoined_before = 2000-01-01T00:00:00Z\n\n[quorum]", 1)
	must(t, os.WriteFile(def, []byte(text), 0o644))
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "old.key"))
	for range 2 {
		code, out, errOut := booth(t, "", "--data", data, "election", "list")
		if code != 0 || !strings.Contains(out, "old  draft") || !strings.Contains(errOut, "booth: warning: opening election old at its opening time: election old stays a draft: no member is eligible to vote") {
			t.Errorf("list with an election nobody may vote in: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	}
}
