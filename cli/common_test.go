package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/sqlite"
)

// Officer commands run against PostgreSQL given by --db or $BOOTH_DB, and
// the flag wins over the variable. Needs PostgreSQL (BOOTH_TEST_POSTGRES).
func TestOfficerCommandsOnPostgreSQL(t *testing.T) {
	dsn := pgtest.Database(t)
	data := t.TempDir()
	t.Setenv(dataDirEnv, data)
	t.Setenv(dbEnv, "postgres://nobody@127.0.0.1:1/unreachable")
	for _, id := range []string{"ann", "ben"} {
		key, _ := memberTestKey(t, id)
		mustBooth(t, key, "--db", dsn, "member", "add", id, "--name", strings.ToUpper(id), "--key", "-")
	}
	t.Setenv(dbEnv, dsn)
	if ms := mustBooth(t, "", "member", "list"); !strings.Contains(ms, "ann") || !strings.Contains(ms, "ben") {
		t.Errorf("member list through $%s:\n%s", dbEnv, ms)
	}

	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "ada.md"), []byte("# Ada\n"), 0o644))
	def := filepath.Join(src, "board.toml")
	now := time.Now()
	must(t, os.WriteFile(def, []byte(electionFile("board", "Board 2090", now.Add(time.Hour), now.Add(48*time.Hour))), 0o644))
	mustBooth(t, "", "election", "create", def, "--key-out", filepath.Join(t.TempDir(), "board.key"))
	if out := mustBooth(t, "", "election", "open", "board"); !strings.Contains(out, "electorate frozen at 2 members") {
		t.Errorf("open printed:\n%s", out)
	}
	if out := mustBooth(t, "", "--db", dsn, "election", "turnout", "board"); !strings.HasPrefix(out, "voted: 0 of 2 members") {
		t.Errorf("turnout printed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(data, sqlite.DBFile)); err == nil {
		t.Errorf("an SQLite database was created in %s while --db or $%s named PostgreSQL", data, dbEnv)
	}
}

// A wrong database address is one line naming the problem and where the
// address came from, without repeating a password.
func TestBadDatabaseAddress(t *testing.T) {
	t.Setenv(dbEnv, "")
	for _, tc := range []struct {
		name, env string
		args      []string
		want      string
	}{
		{"not a URL", "", []string{"--db", "host=db password=s3cret", "member", "list"},
			"booth member list: --db is not a PostgreSQL URL: write it as postgres://USER@HOST:PORT/DATABASE"},
		{"not a URL, from the environment", "mysql://u:s3cret@db/booth", []string{"member", "list"},
			"booth member list: $BOOTH_DB is not a PostgreSQL URL"},
		{"nobody listening", "postgres://u:s3cret@127.0.0.1:1/booth?connect_timeout=5", []string{"election", "list"},
			"booth election list: opening the database given by $BOOTH_DB: cannot reach PostgreSQL (database booth on 127.0.0.1:1 as u)"},
	} {
		t.Setenv(dbEnv, tc.env)
		code, out, errOut := booth(t, "", append([]string{"--data", t.TempDir()}, tc.args...)...)
		if code != 1 || out != "" || !strings.HasPrefix(errOut, tc.want) || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "s3cret") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want one line starting %q", tc.name, code, out, errOut, tc.want)
		}
	}
}

// An officer who runs booth as the service's user through sudo is named
// in the audit log, not only the service's user.
func TestActorThroughSudo(t *testing.T) {
	t.Setenv("SUDO_USER", "")
	me := actor()
	t.Setenv("SUDO_USER", me)
	if got := actor(); got != me {
		t.Errorf("sudo to oneself: actor %q, want %q", got, me)
	}
	t.Setenv("SUDO_USER", "alice")
	if got, want := actor(), "alice via sudo as "+me; got != want {
		t.Errorf("actor %q, want %q", got, want)
	}
}
