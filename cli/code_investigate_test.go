package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// Issue 10 item 6: the election committee reads who issued which kiosk
// code for whom with the tally key, and nothing without it; the reading
// is audited.
func TestCodeInvestigate(t *testing.T) {
	dir, keyPath := votingDir(t, false)
	st, err := sqlite.Open(dir)
	must(t, err)
	ctx := context.Background()
	must(t, st.SetStaff(ctx, "cy", true, "test"))
	svc := models.NewService(st)
	staffs, err := svc.StaffIssueCode(ctx, "cy", "bob", "e1")
	must(t, err)
	must(t, st.Close())
	mustBooth(t, "", "--data", dir, "code", "issue", "--member", "ann")

	otherKey := filepath.Join(t.TempDir(), "other.key")
	_, _, err = (models.NewService(reopen(t, dir))).CreateElection(ctx,
		models.Definition{ID: "e2", Title: "Other", Method: "irv", Seats: 1, Candidates: []models.Candidate{{ID: "x", Name: "X"}}, TieSeed: "s",
			OpensAt: time.Now().Add(time.Hour), ClosesAt: time.Now().Add(2 * time.Hour)}, otherKey, "test")
	must(t, err)
	code, _, errOut := booth(t, "", "--data", dir, "code", "investigate", "e1", "--key", otherKey)
	if code == 0 || !strings.Contains(errOut, "the key does not open the kiosk code records of election e1") {
		t.Errorf("investigate with another election's key: exit %d, %q", code, errOut)
	}
	out := mustBooth(t, "", "--data", dir, "code", "investigate", "e1", "--key", keyPath)
	for _, want := range []string{"ISSUED BY", "staff cy", " bob ", staffs.ID(), "officer ", " ann ", " any ", "issued", "#"} {
		if !strings.Contains(out, want) {
			t.Errorf("code investigate lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "MISSING") {
		t.Errorf("a record without its audit entry:\n%s", out)
	}
	var fs []struct{ Staff, Officer, Member string }
	if err := json.Unmarshal([]byte(mustBooth(t, "", "--data", dir, "code", "investigate", "e1", "--key", keyPath, "--json")), &fs); err != nil || len(fs) != 2 {
		t.Fatalf("code investigate --json: %v, %+v", err, fs)
	}
	st = reopen(t, dir)
	log, err := st.AuditLog(ctx)
	must(t, err)
	n := 0
	for _, e := range log {
		if e.Action == "kiosk.code.investigate" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d investigations audited, want the 2 that unsealed records", n)
	}
}

func reopen(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(dir)
	must(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// code investigate says what is wrong with its options: --trustees needs
// releases and no --key, --release goes with --trustees, and without
// either the message names both ways.
func TestCodeInvestigateTrusteeOptions(t *testing.T) {
	dir, keyPath := votingDir(t, false)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--trustees"}, "--trustees needs the trustees' releases"},
		{[]string{"--trustees", "--release", "r1", "--key", keyPath}, "--key is not used with --trustees"},
		{[]string{"--release", "r1"}, "--release and --session-key go with --trustees"},
		{nil, "an election with trustees: --trustees --release FILE"},
	} {
		code, _, errOut := booth(t, "", append([]string{"--data", dir, "code", "investigate", "e1"}, c.args...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("code investigate e1 %v: exit %d, %q; want %q", c.args, code, errOut, c.want)
		}
	}
}
