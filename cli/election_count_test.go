package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

var receiptLine = regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}-[A-Z2-7]{2}\n$`)

// votingDir makes a data directory with three members and an election
// "e1" open now (the commands use the real clock); it returns the
// directory and the tally key's path. test creates its database as test
// data; otherwise it is a real one, with a TEST-DATA-ONLY file touched in
// it, which must not make it test data.
func votingDir(t *testing.T, test bool) (dir, keyPath string) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	open := sqlite.Open
	if test {
		open = func(dir string) (*sqlite.Store, error) { return sqlite.OpenTestData(dir, nil) }
	} else if err := os.WriteFile(filepath.Join(dir, testDataMarker), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := models.NewService(st)
	for _, id := range []string{"ann", "bob", "cy"} {
		if err := st.AddMember(ctx, models.Member{ID: id, Name: strings.ToUpper(id)}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	d := models.Definition{
		ID: "e1", Title: "Board", Method: tally.IRV, Seats: 1,
		Candidates: []models.Candidate{{ID: "ada", Name: "Ada"}, {ID: "ken", Name: "Ken"}},
		OpensAt:    now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), PublishLedger: true, TieSeed: "s",
	}
	keyPath = filepath.Join(t.TempDir(), "e1.key")
	if _, _, err := svc.CreateElection(ctx, d, keyPath, "test"); err != nil {
		t.Fatal(err)
	}
	if err := svc.OpenElection(ctx, "e1", "test"); err != nil {
		t.Fatal(err)
	}
	return dir, keyPath
}

// closeElection closes e1 in dir.
func closeElection(t *testing.T, dir string) {
	t.Helper()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := models.NewService(st)
	if err := svc.CloseElection(context.Background(), "e1", "test"); err != nil {
		t.Fatal(err)
	}
}

func TestCastCommand(t *testing.T) {
	dir, _ := votingDir(t, true)
	code, out, errOut := booth(t, "# first choice\nken\nada\n", "--data", dir, "cast", "e1", "--member", "ann")
	if code != 0 || !receiptLine.MatchString(out) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want a receipt", code, out, errOut)
	}
	code, _, errOut = booth(t, "ada\n", "--data", dir, "cast", "e1", "--member", "ann")
	if code != 1 || !strings.Contains(errOut, "already voted") {
		t.Errorf("a second cast: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, "linus\n", "--data", dir, "cast", "e1", "--member", "bob")
	if code != 1 || !strings.Contains(errOut, "ballot:1:") {
		t.Errorf("an invalid ballot: exit %d, %q; want the line named", code, errOut)
	}
	code, _, errOut = booth(t, "ada\n", "--data", dir, "cast", "e1")
	if code != 1 || !strings.Contains(errOut, "--member") {
		t.Errorf("no member: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, strings.Repeat("#\n", maxBallotText), "--data", dir, "cast", "e1", "--member", "bob")
	if code != 1 || !strings.Contains(errOut, "longer than") {
		t.Errorf("an oversize ballot: exit %d, %q", code, errOut)
	}
	if voted := turnout(t, dir); voted != 1 {
		t.Fatalf("%d members voted, want 1", voted)
	}
}

func TestCastCommandRefusesRealDataDir(t *testing.T) {
	dir, _ := votingDir(t, false)
	code, out, errOut := booth(t, "ada\n", "--data", dir, "cast", "e1", "--member", "ann")
	if code != 1 || out != "" || !strings.Contains(errOut, testDataMarker) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want a refusal naming %s", code, out, errOut, testDataMarker)
	}
	if voted := turnout(t, dir); voted != 0 {
		t.Fatalf("%d members voted in a real data directory", voted)
	}
}

func turnout(t *testing.T, dir string) int {
	t.Helper()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tu, err := st.Turnout(context.Background(), "e1")
	if err != nil {
		t.Fatal(err)
	}
	return tu.Voted
}

func TestElectionCountCommands(t *testing.T) {
	dir, keyPath := votingDir(t, true)
	for member, text := range map[string]string{"ann": "ken\n", "bob": "ken\nada\n", "cy": "ada\n"} {
		if code, _, errOut := booth(t, text, "--data", dir, "cast", "e1", "--member", member); code != 0 {
			t.Fatalf("cast for %s: %s", member, errOut)
		}
	}
	code, _, errOut := booth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	if code != 1 || !strings.Contains(errOut, "is open") {
		t.Errorf("counting an open election: exit %d, %q", code, errOut)
	}
	closeElection(t, dir)
	code, _, errOut = booth(t, "", "--data", dir, "election", "results", "e1")
	if code != 1 || !strings.Contains(errOut, "no result yet") {
		t.Errorf("results before the count: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, "", "--data", dir, "election", "count", "e1")
	if code != 1 || !strings.Contains(errOut, "--key is required") {
		t.Errorf("count without --key: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, "", "--data", dir, "election", "count", "e1", "--key", writeFile(t, "k", "nonsense\n"))
	if code != 1 || !strings.Contains(errOut, "tally key") {
		t.Errorf("count with a bad key file: exit %d, %q", code, errOut)
	}

	code, out, errOut := booth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	if code != 0 || !strings.Contains(out, "Ken") || !strings.Contains(out, "Elected:") {
		t.Fatalf("count: exit %d, stderr %q, sheet:\n%s", code, errOut, out)
	}
	code, out, errOut = booth(t, "", "--data", dir, "election", "results", "e1", "--json")
	var res struct {
		Ballots int64
		Elected []string
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Ballots != 3 || len(res.Elected) != 1 || res.Elected[0] != "Ken" {
		t.Fatalf("results --json: exit %d, stderr %q, %s", code, errOut, out)
	}
	code, out, _ = booth(t, "", "--data", dir, "election", "results", "e1")
	if code != 0 || !strings.Contains(out, "Counted ") || !strings.Contains(out, "Elected:") {
		t.Errorf("results: exit %d:\n%s", code, out)
	}

	outDir := filepath.Join(t.TempDir(), "export")
	code, _, errOut = booth(t, "", "--data", dir, "election", "export", "e1", "--key", keyPath)
	if code != 1 || !strings.Contains(errOut, "--out is required") {
		t.Errorf("export without --out: exit %d, %q", code, errOut)
	}
	code, out, errOut = booth(t, "", "--data", dir, "election", "export", "e1", "--out", outDir, "--key", keyPath)
	if code != 0 {
		t.Fatalf("export: exit %d, %q", code, errOut)
	}
	for _, name := range []string{"definition.json", "result.json", "ledger.json", "voters.json", "ballots.blt"} {
		if _, err := os.Stat(filepath.Join(outDir, name)); err != nil {
			t.Errorf("export wrote no %s (%s)", name, out)
		}
	}
}

func TestAuditCommands(t *testing.T) {
	dir, _ := votingDir(t, false)
	code, out, errOut := booth(t, "", "--data", dir, "audit", "verify")
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	head, _ := models.VerifyChain(log)
	want := "audit chain intact: " + strconv.Itoa(len(log)) + " entries, head " + models.HashString(head) + "\n"
	if code != 0 || out != want || len(log) < 3 {
		t.Fatalf("audit verify: exit %d, %q (stderr %q), want %q", code, out, errOut, want)
	}
	code, out, _ = booth(t, "", "--data", dir, "audit", "log", "--json")
	var entries []struct {
		Seq    int64
		Action string
		Hash   string
	}
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != len(log) || entries[len(log)-1].Hash != models.HashString(head) {
		t.Fatalf("audit log --json: exit %d:\n%s", code, out)
	}
	code, out, _ = booth(t, "", "--data", dir, "audit", "log")
	if code != 0 || strings.Count(out, "\n") != len(log)+1 || !strings.Contains(out, "election.open") {
		t.Fatalf("audit log: exit %d:\n%s", code, out)
	}

	// Someone edits an entry directly in the database.
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit SET detail = 'nothing happened' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errOut = booth(t, "", "--data", dir, "audit", "verify")
	if code != 1 || out != "" || !strings.Contains(errOut, "audit entry 2") || !strings.Contains(errOut, "edited") {
		t.Fatalf("audit verify after an edit: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A test data directory does not make a PostgreSQL database a test one.
func TestCastCommandRefusesPostgreSQL(t *testing.T) {
	dir, _ := votingDir(t, true)
	t.Setenv("BOOTH_DB", "postgres://officer@db.example.org/booth")
	code, out, errOut := booth(t, "ada\n", "--data", dir, "cast", "e1", "--member", "ann")
	if code != 1 || out != "" || !strings.Contains(errOut, "PostgreSQL") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want a refusal naming PostgreSQL", code, out, errOut)
	}
	if voted := turnout(t, dir); voted != 0 {
		t.Fatalf("%d members voted", voted)
	}
}
