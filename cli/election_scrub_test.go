package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// Issue 10 item 1 on the command line: an election "closed, not scrubbed"
// shows as such, every command that opens the store retries the scrub and
// only warns when it cannot finish, counting refuses with what to do, and
// `booth election compact` finishes it.
func TestScrubCommands(t *testing.T) {
	dir, keyPath := votingDir(t, true)
	castAndClose(t, dir, map[string]string{"ann": "ken\n", "bob": "ada\nken\n", "cy": "ada\n"})
	dbPath := filepath.Join(dir, sqlite.DBFile)
	setPending := func() {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`UPDATE elections SET scrub_pending = 1 WHERE id = 'e1'`); err != nil {
			t.Fatal(err)
		}
	}
	// Another program reading the database (an sqlite3 shell, a backup)
	// keeps its read transaction open.
	setPending()
	reader, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	held, err := reader.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback()
	var n int
	if err := held.QueryRow(`SELECT count(*) FROM elections`).Scan(&n); err != nil {
		t.Fatal(err)
	}

	const warning = "booth: warning: election e1 is closed but its storage is not scrubbed yet: another connection is still reading the database"
	for _, args := range [][]string{{"election", "show", "e1"}, {"election", "list"}, {"member", "list"}} {
		code, out, errOut := booth(t, "", append([]string{"--data", dir}, args...)...)
		if code != 0 || !strings.HasPrefix(errOut, warning) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("booth %s while a reader holds the database: exit %d, stderr %q; want exit 0 and one warning line", strings.Join(args, " "), code, errOut)
		}
		if args[0] == "election" && !strings.Contains(out, "closed, not scrubbed") {
			t.Errorf("booth %s does not say the election is not scrubbed:\n%s", strings.Join(args, " "), out)
		}
	}
	if v := showElection(t, dir, "e1"); v["scrubbed"] != false || v["state"] != "closed" {
		t.Errorf("show --json of an election not scrubbed: state %v, scrubbed %v", v["state"], v["scrubbed"])
	}
	code, _, errOut := booth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	if code != 1 || !strings.Contains(errOut, "booth election count: election e1 is closed but its storage is not scrubbed yet") ||
		!strings.Contains(errOut, "run `booth election compact e1` once other readers of the database have finished") {
		t.Errorf("counting while not scrubbed: exit %d, %q", code, errOut)
	}

	// The reader is gone: the next command that opens the store scrubs.
	held.Rollback()
	reader.Close()
	if code, _, errOut := booth(t, "", "--data", dir, "member", "list"); code != 0 || errOut != "" {
		t.Fatalf("member list after the reader left: exit %d, %q", code, errOut)
	}
	if out := mustBooth(t, "", "--data", dir, "election", "show", "e1"); !strings.Contains(out, "closed, scrubbed") {
		t.Errorf("show after the retry:\n%s", out)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(mustBooth(t, "", "--data", dir, "election", "list", "--json")), &list); err != nil || len(list) != 1 || list[0]["scrubbed"] != true {
		t.Errorf("list --json after the retry: %v, %v", list, err)
	}

	setPending()
	if out := mustBooth(t, "", "--data", dir, "election", "compact", "e1"); !strings.HasPrefix(out, "election e1 is scrubbed: ") {
		t.Errorf("compact of an election not scrubbed printed %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "election", "compact", "e1"); out != "election e1 was scrubbed already; the database was compacted again\n" {
		t.Errorf("compact of a scrubbed election printed %q", out)
	}
	if out := mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath); !strings.Contains(out, "Elected:        Ada") {
		t.Errorf("count after the scrub:\n%s", out)
	}
	if code, _, errOut := booth(t, "", "--data", dir, "election", "compact", "nope"); code != 1 || !strings.Contains(errOut, `no election "nope"`) {
		t.Errorf("compact of an unknown election: exit %d, %q", code, errOut)
	}
}

// castAndClose casts the ballots (by member) in e1 of dir and closes it.
func castAndClose(t *testing.T, dir string, ballots map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := models.NewService(st)
	e, err := st.Election(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	for m, text := range ballots {
		b, err := models.ParseBallot(e.Definition, nil, text)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CastBallot(ctx, "e1", models.Caster{MemberID: m}, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.CloseElection(ctx, "e1", "test"); err != nil {
		t.Fatal(err)
	}
}
