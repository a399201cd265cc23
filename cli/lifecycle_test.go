package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
