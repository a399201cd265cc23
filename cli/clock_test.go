package cli

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models/sqlite"
)

// setRecordedTime writes the SQLite database's recorded time behind the
// store's back, as a clock that ran ahead would have left it.
func setRecordedTime(t *testing.T, dir string, at time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE store_info SET latest_time = ?`, at.UTC().Format("2006-01-02T15:04:05.000000000Z")); err != nil {
		t.Fatal(err)
	}
}

// TestClockAcceptCommand (issue 10 item 4, review F2): after a clock that
// ran 30 days ahead wrote the database's recorded time and was corrected,
// every command is refused, naming `booth clock accept`; that command
// shows both times, clears the lockout, is audited, and refuses when
// nothing is locked out.
func TestClockAcceptCommand(t *testing.T) {
	dir := newDataDir(t)
	if code, out, _ := booth(t, "", "--data", dir, "clock", "accept"); code != 1 || strings.Contains(out, "accepted") {
		t.Errorf("accept with nothing locked out: exit %d, stdout %q", code, out)
	}
	ahead := time.Now().UTC().Add(30 * 24 * time.Hour)
	setRecordedTime(t, dir, ahead)

	code, _, errOut := booth(t, "", "--data", dir, "election", "list")
	if code != 1 || !strings.Contains(errOut, "behind the time the store recorded") || !strings.Contains(errOut, "booth clock accept") {
		t.Fatalf("a command with the recorded time 30 days ahead: exit %d, %q", code, errOut)
	}
	out := mustBooth(t, "", "--data", dir, "clock", "accept")
	for _, want := range []string{"recorded time:        " + ahead.Format(time.DateTime), "this machine's clock: ", "accepted this machine's clock"} {
		if !strings.Contains(out, want) {
			t.Errorf("booth clock accept does not print %q:\n%s", want, out)
		}
	}
	mustBooth(t, "", "--data", dir, "election", "list")
	if log := mustBooth(t, "", "--data", dir, "audit", "log"); !strings.Contains(log, "clock.accept") || !strings.Contains(log, ahead.Format("2006-01-02T15:04:05")) {
		t.Errorf("the audit log does not record the accepted clock with the recorded time:\n%s", log)
	}
	if code, _, errOut := booth(t, "", "--data", dir, "clock", "accept"); code != 1 || !strings.Contains(errOut, "nothing to accept") {
		t.Errorf("accepting twice: exit %d, %q", code, errOut)
	}
}

// TestCompactUnderClockSkew (issue 10 item 1, review F2): with the
// recorded time 30 days ahead of a corrected clock, `booth election
// compact` still finishes a pending scrub, which decides nothing by time.
func TestCompactUnderClockSkew(t *testing.T) {
	dir, _ := votingDir(t, true)
	castAndClose(t, dir, map[string]string{"ann": "ken\n", "bob": "ada\n"})
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE elections SET scrub_pending = 1 WHERE id = 'e1'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	setRecordedTime(t, dir, time.Now().Add(30*24*time.Hour))
	code, out, errOut := booth(t, "", "--data", dir, "election", "compact", "e1")
	if code != 0 || !strings.Contains(out, "election e1 is scrubbed") {
		t.Fatalf("compact with the recorded time 30 days ahead: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
