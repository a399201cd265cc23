package cli

import (
	"context"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// Issue 10 item 3: a file named TEST-DATA-ONLY touched in a real data
// directory made booth cast work there (a ballot stored for someone else,
// nothing audited). Whether a database is test data is now decided inside
// it, when it is created, and the file proves nothing.
func TestCastCommandRefusesRealDataDirWithTouchedMarker(t *testing.T) {
	dir, _ := votingDir(t, false) // a real database, TEST-DATA-ONLY touched
	before := auditLength(t, dir)
	code, out, errOut := booth(t, "ada\n", "--data", dir, "cast", "e1", "--member", "ann")
	if code != 1 || out != "" || !strings.Contains(errOut, "was not created as test or demo data") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want a refusal saying the database is not test data", code, out, errOut)
	}
	if voted := turnout(t, dir); voted != 0 {
		t.Fatalf("%d members voted in a real data directory", voted)
	}
	if after := auditLength(t, dir); after != before {
		t.Errorf("a refused cast changed the audit log: %d entries, then %d", before, after)
	}
	// Nothing can make the existing database test data afterwards.
	if _, err := sqlite.OpenTestData(dir, nil); err == nil || !strings.Contains(err.Error(), "real booth database") {
		t.Errorf("opening a real database as test data: %v, want a refusal", err)
	}
	code, _, errOut = booth(t, "ada\n", "--data", t.TempDir(), "cast", "e1", "--member", "ann")
	if code != 1 || !strings.Contains(errOut, "holds no booth database") {
		t.Errorf("booth cast on an empty directory: exit %d, %q; want a refusal that creates nothing", code, errOut)
	}
}

// Issue 10 item 3: every command-line cast is audited, naming the election
// but not the member (the audit log never puts a member next to a time
// that could be their cast's).
func TestCastCommandIsAudited(t *testing.T) {
	dir, _ := votingDir(t, true)
	if code, out, errOut := booth(t, "ken\n", "--data", dir, "cast", "e1", "--member", "ann"); code != 0 || !receiptLine.MatchString(out) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want a receipt", code, out, errOut)
	}
	log := auditLog(t, dir)
	var casts []models.AuditEntry
	for _, e := range log {
		if e.Action == "ballot.cast.command-line" {
			casts = append(casts, e)
		}
	}
	if len(casts) != 1 || casts[0].Detail != "command-line cast in election e1 (test data)" {
		t.Fatalf("audit entries of command-line casts: %+v, want one naming election e1", casts)
	}
	if strings.Contains(casts[0].Detail, "ann") || casts[0].Actor == "ann" {
		t.Errorf("the audit entry names the member: %+v", casts[0])
	}
}

// Issue 10 item 3: booth demo's store is test data, so booth cast works
// there, audited.
func TestCastCommandWorksInADemoStore(t *testing.T) {
	p := startDemoProcess(t, demoConfig{Home: t.TempDir(), Dir: t.TempDir()})
	code, out, errOut := booth(t, "yes\n", "--data", p.dir, "cast", "bylaw-7-2", "--member", demoYou)
	if code != 0 || !receiptLine.MatchString(out) {
		t.Fatalf("booth cast in the demo's store: exit %d, stdout %q, stderr %q; want a receipt", code, out, errOut)
	}
	st, err := sqlite.Open(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if test, err := st.TestData(context.Background()); err != nil || !test {
		t.Errorf("the demo's database is test data: %v, %v; want true", test, err)
	}
	found := false
	for _, e := range auditLog(t, p.dir) {
		found = found || e.Action == "ballot.cast.command-line"
	}
	if !found {
		t.Error("the cast in the demo's store left no audit entry")
	}
}

func auditLog(t *testing.T, dir string) []models.AuditEntry {
	t.Helper()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func auditLength(t *testing.T, dir string) int { return len(auditLog(t, dir)) }
