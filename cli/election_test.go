package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// electionFile is a definition of a Meek election of two seats among
// three candidates, voting from opens to closes.
func electionFile(id, title string, opens, closes time.Time) string {
	return `id = "` + id + `"
title = "` + title + `"
method = "meek"
seats = 2
opens_at = ` + opens.UTC().Format(time.RFC3339) + `
closes_at = ` + closes.UTC().Format(time.RFC3339) + `
allow_replace = true
tie_seed = "seed"

[quorum]
percent = 50
extend = "3d"

[[candidate]]
id = "ada"
name = "Ada Lovelace"
statement_file = "ada.md"

[[candidate]]
id = "bob"
name = "Bob"

[[candidate]]
id = "cy"
name = "Cy"
`
}

// electionDir is a test data directory with members ann and ben, and a
// definition file "board.toml" (with its statement file) opening in an
// hour; it returns the data directory and the definition's path.
func electionDir(t *testing.T) (data, def string) {
	t.Helper()
	data = t.TempDir()
	st, err := sqlite.OpenTestData(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, id := range []string{"ann", "ben"} {
		key, _ := memberTestKey(t, id)
		if code, _, errOut := booth(t, key, "--data", data, "member", "add", id, "--name", strings.ToUpper(id), "--key", "-"); code != 0 {
			t.Fatalf("member add %s: %s", id, errOut)
		}
	}
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "ada.md"), []byte("# Ada\n\nI will count.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	def = filepath.Join(src, "board.toml")
	if err := os.WriteFile(def, []byte(electionFile("board", "Board 2090", now.Add(time.Hour), now.Add(48*time.Hour))), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, def
}

func mustBooth(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := booth(t, stdin, args...)
	if code != 0 {
		t.Fatalf("booth %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func showElection(t *testing.T, data, id string) map[string]any {
	t.Helper()
	var v map[string]any
	out := mustBooth(t, "", "--data", data, "election", "show", id, "--json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	return v
}

// The whole life of an election from the command line. Needs the SQLite
// store, the service and booth cast.
func TestElectionLifecycle(t *testing.T) {
	data, def := electionDir(t)
	keyOut := filepath.Join(t.TempDir(), "board.key")
	out := mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", keyOut)
	if !strings.Contains(out, "created draft election board: Board 2090") || !strings.Contains(out, keyOut) {
		t.Errorf("create printed:\n%s", out)
	}
	if fi, err := os.Stat(keyOut); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("tally key file: %v, %v", fi, err)
	}
	code, _, errOut := booth(t, "", "--data", data, "election", "create", def, "--key-out", keyOut+"2")
	if code != 1 || !strings.Contains(errOut, "election board already exists (draft)") {
		t.Errorf("second create: exit %d, %q", code, errOut)
	}

	v := showElection(t, data, "board")
	if v["state"] != "draft" || v["fingerprint"] != "" || v["method_sentence"] != "Rank as many candidates as you like; 2 seats are filled by Meek STV." {
		t.Errorf("show --json of the draft: %v", v)
	}
	cands := v["candidates"].([]any)
	if len(cands) != 3 || cands[0].(map[string]any)["statement"] != "# Ada\n\nI will count.\n" {
		t.Errorf("candidates %v", cands)
	}

	// A draft can be edited.
	text, _ := os.ReadFile(def)
	if err := os.WriteFile(def, []byte(strings.Replace(string(text), "Board 2090", "Board election", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustBooth(t, "", "--data", data, "election", "edit", def)
	list := mustBooth(t, "", "--data", data, "election", "list")
	if !strings.Contains(list, "board  draft") || !strings.Contains(list, "Board election") {
		t.Errorf("list:\n%s", list)
	}

	out = mustBooth(t, "", "--data", data, "election", "open", "board")
	fp := showElection(t, data, "board")["fingerprint"].(string)
	if len(fp) != 64 || !strings.Contains(out, "fingerprint: "+fp) || !strings.Contains(out, "electorate frozen at 2 members") {
		t.Errorf("open printed:\n%s\nfingerprint %q", out, fp)
	}
	code, _, errOut = booth(t, "", "--data", data, "election", "edit", def)
	if code != 1 || !strings.Contains(errOut, "election board is open: a definition can be edited only before it opens") {
		t.Errorf("edit after open: exit %d, %q", code, errOut)
	}

	// The roll is the electorate only, and says nothing of who voted.
	roll := mustBooth(t, "", "--data", data, "election", "roll", "board")
	if !strings.Contains(roll, "ann  ANN") || !strings.Contains(roll, "ben  BEN") || !strings.Contains(roll, "2 members") {
		t.Errorf("roll:\n%s", roll)
	}
	var rollJSON []map[string]any
	if err := json.Unmarshal([]byte(mustBooth(t, "", "--data", data, "election", "roll", "board", "--json")), &rollJSON); err != nil || len(rollJSON) != 2 {
		t.Fatalf("roll --json: %v %v", rollJSON, err)
	}
	for _, m := range rollJSON {
		if len(m) != 2 || m["id"] == nil || m["name"] == nil {
			t.Errorf("roll entry %v: want only id and name", m)
		}
	}

	out = mustBooth(t, "", "--data", data, "election", "withdraw", "board", "cy")
	if !strings.Contains(out, "candidate cy (Cy) withdrawn from election board") {
		t.Errorf("withdraw printed %q", out)
	}
	if c := showElection(t, data, "board")["candidates"].([]any)[2].(map[string]any); c["withdrawn"] != true {
		t.Errorf("cy after withdrawal: %v", c)
	}
	code, _, errOut = booth(t, "", "--data", data, "election", "withdraw", "board", "bob")
	if code != 1 || !strings.Contains(errOut, "would leave 1 standing for 2 seats") {
		t.Errorf("withdrawing below the seats: exit %d, %q", code, errOut)
	}

	out = mustBooth(t, "", "--data", data, "election", "turnout", "board")
	if out != "voted: 0 of 2 members (0.0%)\nquorum: 50% — not met: 1 more ballot needed; the close moves on by 3 days at a time until it is met\n" {
		t.Errorf("turnout:\n%s", out)
	}
	out = mustBooth(t, "", "--data", data, "election", "close", "board")
	if !strings.Contains(out, "election board is closed: 0 of 2 members voted") {
		t.Errorf("close printed %q", out)
	}
	if v := showElection(t, data, "board"); v["state"] != "closed" || v["fingerprint"] != fp {
		t.Errorf("after close: %v", v)
	}
}

// Every problem of a definition is printed as FILE:LINE: reason, and
// nothing is created. Needs the SQLite store.
func TestElectionCreateRefusesBadFile(t *testing.T) {
	data, def := electionDir(t)
	text, _ := os.ReadFile(def)
	bad := strings.Replace(string(text), `id = "board"`, `id = "Board"`, 1)
	bad = strings.Replace(bad, `id = "cy"`, `id = "bob"`, 1)
	bad = strings.Replace(bad, "seats = 2", "seats = 3\ncolour = \"red\"", 1)
	if err := os.WriteFile(def, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := booth(t, "", "--data", data, "election", "create", def)
	want := []string{
		"booth election create: 4 problems in " + def + ", nothing was created:\n",
		def + ":1: id \"Board\" is not valid",
		def + ":4: 3 seats need more than 3 candidates",
		def + ":5: unknown key \"colour\"",
		def + ":25: candidate id \"bob\" is already used by the candidate on line 21",
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if list := mustBooth(t, "", "--data", data, "election", "list", "--json"); strings.TrimSpace(list) != "[]" {
		t.Errorf("an election was created: %s", list)
	}
}

// Refusals of the election commands, each with what to do. Needs the
// SQLite store.
func TestElectionCommandRefusals(t *testing.T) {
	data, def := electionDir(t)
	now := time.Now()
	past := filepath.Join(filepath.Dir(def), "past.toml")
	if err := os.WriteFile(past, []byte(electionFile("old", "Old", now.Add(-48*time.Hour), now.Add(-time.Hour))), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nope.toml")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"election", "create", past}, "booth election create: election old closes at "},
		{[]string{"election", "create", missing}, "booth election create: open " + missing},
		{[]string{"election", "edit", def}, "booth election edit: no election \"board\": 'booth election list' shows the elections"},
		{[]string{"election", "show", "nope"}, "booth election show: no election \"nope\""},
		{[]string{"election", "open", "nope"}, "booth election open: no election \"nope\""},
		{[]string{"election", "close", "nope"}, "booth election close: no election \"nope\""},
		{[]string{"election", "withdraw", "nope", "ada"}, "booth election withdraw: no election \"nope\""},
	} {
		code, _, errOut := booth(t, "", append([]string{"--data", data}, tt.args...)...)
		if code != 1 || !strings.HasPrefix(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args[1:], code, errOut, tt.want)
		}
	}

	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "k"))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"election", "close", "board"}, "only an open election can be closed"},
		{[]string{"election", "turnout", "board"}, "election board is a draft: its electorate is fixed when it opens"},
		{[]string{"election", "roll", "board"}, "election board is a draft"},
		{[]string{"election", "withdraw", "board", "eve"}, `"eve" is not a candidate of election board`},
	} {
		code, _, errOut := booth(t, "", append([]string{"--data", data}, tt.args...)...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args[1:], code, errOut, tt.want)
		}
	}
	mustBooth(t, "", "--data", data, "election", "open", "board")
	code, _, errOut := booth(t, "", "--data", data, "election", "open", "board")
	if code != 1 || !strings.Contains(errOut, "only a draft election can be opened") {
		t.Errorf("second open: exit %d, %q", code, errOut)
	}
}

// Turnout counts ballots cast and says when the quorum is met. Needs the
// SQLite store, the service and booth cast.
func TestElectionTurnoutAndShow(t *testing.T) {
	data, def := electionDir(t)
	// Opening an hour ago, so ballots are accepted now.
	now := time.Now()
	if err := os.WriteFile(def, []byte(electionFile("board", "Board", now.Add(-time.Hour), now.Add(time.Hour))), 0o644); err != nil {
		t.Fatal(err)
	}
	mustBooth(t, "", "--data", data, "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "k"))
	// The lifecycle has opened it: opens_at has passed.
	if v := showElection(t, data, "board"); v["state"] != "open" {
		t.Fatalf("state %v, want open", v["state"])
	}
	receipt := mustBooth(t, "ada\nbob\n", "--data", data, "cast", "board", "--member", "ann")
	if receipt == "" {
		t.Fatal("no receipt")
	}
	out := mustBooth(t, "", "--data", data, "election", "turnout", "board")
	if out != "voted: 1 of 2 members (50.0%)\nquorum: 50% — met\n" {
		t.Errorf("turnout:\n%s", out)
	}
	show := mustBooth(t, "", "--data", data, "election", "show", "board")
	for _, want := range []string{"State:        open\n", "Method:       meek, 2 seats: Rank as many candidates", "Quorum:       50% of the electorate; until it is met the close moves on by 3 days at a time\n", "  ada  Ada Lovelace\n"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	if strings.Contains(mustBooth(t, "", "--data", data, "election", "roll", "board"), "voted") {
		t.Error("the roll tells who voted")
	}
}

// The example in the repository creates, statements and all.
func TestElectionCreateExample(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS("../examples")); err != nil {
		t.Fatal(err)
	}
	// Fixed times in the future, so the fingerprint shown can be checked.
	path := filepath.Join(src, "board-2026.toml")
	text, _ := os.ReadFile(path)
	fixed := []byte(strings.NewReplacer(`opens_at = "+1h"`, "opens_at = 2099-12-01T14:00:00Z",
		`closes_at = "+14d"`, "closes_at = 2099-12-15T14:00:00Z", `joined_before = "+1h"`, "joined_before = 2099-11-01T00:00:00Z").Replace(string(text)))
	if err := os.WriteFile(path, fixed, 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustBooth(t, "", "--data", data, "election", "create", path, "--key-out", filepath.Join(t.TempDir(), "k"))
	if !strings.Contains(out, "created draft election board-2026") {
		t.Errorf("create printed:\n%s", out)
	}
	v := showElection(t, data, "board-2026")
	if v["seats"] != 3.0 || len(v["candidates"].([]any)) != 5 || v["quorum_extend"] != "72h0m0s" {
		t.Errorf("show: %v", v)
	}
	// A draft shows the fingerprint its definition will be recorded with.
	d, err := models.ParseDefinition(path, fixed, func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(src, rel)) })
	if err != nil {
		t.Fatal(err)
	}
	if show := mustBooth(t, "", "--data", data, "election", "show", "board-2026"); !strings.Contains(show, "(the draft's is now "+d.Fingerprint()+")") {
		t.Errorf("show:\n%s", show)
	}
}

func TestPeriodAndTurnoutText(t *testing.T) {
	for d, want := range map[time.Duration]string{72 * time.Hour: "3 days", 24 * time.Hour: "1 day", 36 * time.Hour: "36h", 90 * time.Minute: "1h30m", 45 * time.Minute: "45m"} {
		if got := period(d); got != want {
			t.Errorf("period(%v) = %q, want %q", d, got, want)
		}
	}
	closes := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	e := models.Election{Definition: models.Definition{ClosesAt: closes, Quorum: models.QuorumRule{Percent: 50, Extend: 72 * time.Hour}}, Extensions: 2}
	got := turnoutText(e, models.Turnout{Voted: 3, Electorate: 9})
	want := "voted: 3 of 9 members (33.3%)\nquorum: 50% — not met: 2 more ballots needed; the close moves on by 3 days at a time until it is met\nextended: 2 times; closes 2026-12-21T14:00:00Z\n"
	if got != want {
		t.Errorf("turnout:\n%s\nwant\n%s", got, want)
	}
	if got := turnoutText(models.Election{}, models.Turnout{}); got != "voted: 0 of 0 members (0.0%)\nquorum: none\n" {
		t.Errorf("no quorum: %q", got)
	}
}
