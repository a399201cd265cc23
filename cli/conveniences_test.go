package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// booth --version names the module's version and, when the build knows
// it, the revision it was built from.
func TestVersion(t *testing.T) {
	out := mustBooth(t, "", "--version")
	if !regexp.MustCompile(`^booth \S+`).MatchString(out) || strings.Count(out, "\n") != 1 {
		t.Errorf("booth --version printed %q", out)
	}
}

// election turnout --json is the turnout and the quorum for scripts.
func TestTurnoutJSON(t *testing.T) {
	data, def := electionDir(t)
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "board.key"))
	mustBooth(t, "", "--data", data, "election", "open", "board")
	var v map[string]any
	out := mustBooth(t, "", "--data", data, "election", "turnout", "board", "--json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("turnout --json: %v\n%s", err, out)
	}
	if v["id"] != "board" || v["voted"] != 0.0 || v["electorate"] != 2.0 || v["quorum_percent"] != 50.0 || v["quorum_met"] != false || v["quorum_extend"] != "72h0m0s" {
		t.Errorf("turnout --json: %s", out)
	}
}

// Shell completion suggests election and member ids, from the data
// directory, without creating one.
func TestCompletionSuggestsIDs(t *testing.T) {
	data, def := electionDir(t)
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "board.key"))
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"election", "show", ""}, []string{"board\tBoard 2090"}},
		{[]string{"election", "open", "b"}, []string{"board\tBoard 2090"}},
		{[]string{"member", "show", ""}, []string{"ann\tANN", "ben\tBEN"}},
		{[]string{"member", "suspend", "b"}, []string{"ben\tBEN"}},
	} {
		out := mustBooth(t, "", append([]string{"__complete", "--data", data}, tc.args...)...)
		for _, w := range tc.want {
			if !strings.Contains(out, w+"\n") {
				t.Errorf("completing %q: %q does not suggest %q", tc.args, out, w)
			}
		}
		if strings.Contains(out, "ann") && tc.args[len(tc.args)-1] == "b" {
			t.Errorf("completing %q suggests ann: %q", tc.args, out)
		}
	}
	empty := filepath.Join(t.TempDir(), "none")
	if out := mustBooth(t, "", "__complete", "--data", empty, "election", "show", ""); strings.Contains(out, "board") {
		t.Errorf("completing without data: %q", out)
	}
}
