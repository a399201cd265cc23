package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vote.example.org/booth/models/sqlite"
)

// Issue 10 review C: audit verify --bundle looked the publication up by
// the SHA-256 of the whole file, so a copy with one newline more (which
// booth verify accepts) was reported as a cut chain.
func TestAuditVerifyBundleWithATrailingNewline(t *testing.T) {
	dir, file, _, _ := publishedBundle(t)
	data, err := os.ReadFile(file)
	must(t, err)
	copied := file + ".nl"
	must(t, os.WriteFile(copied, append(data, '\n', '\n'), 0o644))
	out := mustBooth(t, "", "--data", dir, "audit", "verify", "--bundle", copied)
	if !strings.Contains(out, "audit chain intact") {
		t.Errorf("audit verify --bundle of a copy with trailing newlines:\n%s", out)
	}
}

var auditHeadLine = regexp.MustCompile(`audit head: entry ([0-9]+), ([0-9a-f]{64})\n`)

// Issue 10 review B: entries added after the last publication (here the
// count's, the unsealing among them) could be removed before the next
// publication, and the bundle then signed the cut chain as its head. The
// head that count prints, published then, or signed with audit head
// --sign, shows the cut.
func TestAuditHeadPublishedAtCountCatchesACutBeforePublish(t *testing.T) {
	dir, keyPath, _ := publishedDir(t)
	before := mustBooth(t, "", "--data", dir, "audit", "log")
	out := mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	m := auditHeadLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("count does not print the audit head:\n%s", out)
	}
	if now := mustBooth(t, "", "--data", dir, "audit", "head"); now != m[0] {
		t.Errorf("audit head says %q, count said %q", now, m[0])
	}
	signed := filepath.Join(t.TempDir(), "head-at-count")
	mustBooth(t, "", "--data", dir, "audit", "head", "--sign", "--out", signed)
	for _, args := range [][]string{{"--head", m[2]}, {"--head-file", signed}} {
		mustBooth(t, "", append([]string{"--data", dir, "audit", "verify"}, args...)...)
	}

	// The cut: every entry after those before the count.
	n := strings.Count(before, "\n") - 1 // rows after the header
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
	must(t, err)
	_, err = db.Exec(`DELETE FROM audit WHERE seq > ?`, n)
	must(t, err)
	must(t, db.Close())
	file := filepath.Join(t.TempDir(), "e1.bundle")
	mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", file, "--key", keyPath)

	for _, args := range [][]string{{"--head", m[2]}, {"--head-file", signed}} {
		code, out, errOut := booth(t, "", append([]string{"--data", dir, "audit", "verify"}, args...)...)
		if code != 1 || !strings.Contains(errOut, "audit chain cut") {
			t.Errorf("audit verify %s after the count's entries were cut: exit %d\n%s%s", args[0], code, out, errOut)
		}
	}
}

// A signed head is checked against the data directory's host key and
// refused when changed.
func TestAuditHeadFileIsChecked(t *testing.T) {
	dir, _, _, _ := publishedBundle(t)
	signed := filepath.Join(t.TempDir(), "head")
	mustBooth(t, "", "--data", dir, "audit", "head", "--sign", "--out", signed)
	data, err := os.ReadFile(signed)
	must(t, err)
	other, _, _, _ := publishedBundle(t)
	changed := filepath.Join(t.TempDir(), "changed")
	must(t, os.WriteFile(changed, regexp.MustCompile(`entry [0-9]+`).ReplaceAll(data, []byte("entry 1")), 0o644))
	for _, tc := range []struct{ dir, file, want string }{
		{other, signed, "not by this server's host key"},
		{dir, changed, "its signature does not verify"},
		{dir, filepath.Join(dir, hostKeyName+".pub"), "not a signed audit head"},
	} {
		code, _, errOut := booth(t, "", "--data", tc.dir, "audit", "verify", "--head-file", tc.file)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("audit verify --head-file %s: exit %d, %q; want %q", tc.file, code, errOut, tc.want)
		}
	}
}
