package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models/sqlite"
)

// Only a command that creates something creates the data directory; the
// others say there is none and how to make one.
func TestOnlyCreatingCommandsCreateTheDataDirectory(t *testing.T) {
	t.Setenv(dbEnv, "")
	t.Setenv(dataDirEnv, "")
	for _, args := range [][]string{
		{"election", "list"}, {"member", "list"}, {"audit", "verify"}, {"election", "show", "e1"},
	} {
		dir := filepath.Join(t.TempDir(), "booth-data")
		code, out, errOut := booth(t, "", append([]string{"--data", dir}, args...)...)
		if code == 0 || out != "" || !strings.Contains(errOut, "no booth data in "+dir) || !strings.Contains(errOut, "booth member add") {
			t.Errorf("%v in a directory without data: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v created %s", args, dir)
		}
	}
	dir := filepath.Join(t.TempDir(), "booth-data")
	key, _ := memberTestKey(t, "ann")
	mustBooth(t, key, "--data", dir, "member", "add", "ann", "--name", "Ann", "--key", "-")
	if out := mustBooth(t, "", "--data", dir, "member", "list"); !strings.Contains(out, "ann") {
		t.Errorf("member list after member add:\n%s", out)
	}
}

// newDataDir is a data directory holding an empty booth database.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	must(t, st.Close())
	return dir
}
