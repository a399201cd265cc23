package ssh

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models/sqlite"
)

// A booth session whose member's preferences cannot be read opens with
// the defaults, as the commands do, rather than being refused: the
// preferences only shape the session. The error is logged.
func TestBoothOpensWithDefaultsWhenPreferencesFail(t *testing.T) {
	e := newTestEnv(t, nil)
	db, err := sql.Open("sqlite", filepath.Join(e.dir, sqlite.DBFile))
	must(t, err)
	defer db.Close()
	// A real store error: the table the preferences live in is gone.
	_, err = db.Exec("DROP TABLE member_preferences")
	must(t, err)
	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.expect("linear mode")
	tt.answer("Election number", "quit")
	tt.expect("Goodbye.")
	tt.wait()
	if logs := e.logs.String(); !strings.Contains(logs, "reading a member's preferences") {
		t.Fatalf("the failed read was not logged:\n%s", logs)
	}
}
