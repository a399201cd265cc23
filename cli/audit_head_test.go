package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/sqlite"
)

// Issue 10 item 11: deleting the last entries of the audit log left a
// consistent chain, and booth audit verify said "intact". Checked against
// a published head (--head) or the head a results bundle carries, signed
// with the host key (--bundle), the cut shows.
func TestAuditVerifyCatchesACutTail(t *testing.T) {
	dir, file, _, foreign := publishedBundle(t)
	data, err := os.ReadFile(file)
	must(t, err)
	b, err := bundle.Open(data)
	must(t, err)
	out := mustBooth(t, "", "--data", dir, "audit", "verify")
	latest := regexp.MustCompile(`head ([0-9a-f]{64})`).FindStringSubmatch(out)[1]

	// Untouched: every published head is in the chain.
	out = mustBooth(t, "", "--data", dir, "audit", "verify", "--bundle", file)
	for _, want := range []string{"the head published in " + file + " is entry " + itoa(b.AuditSeq) + " of the chain; entry " + itoa(b.AuditSeq+1) + " records its publication\n", "audit chain intact: "} {
		if !strings.Contains(out, want) {
			t.Errorf("audit verify --bundle does not say %q:\n%s", want, out)
		}
	}
	for _, head := range []string{b.AuditHead, latest} {
		if out := mustBooth(t, "", "--data", dir, "audit", "verify", "--head", head); !strings.Contains(out, "the published head is entry") {
			t.Errorf("audit verify --head %s:\n%s", head, out)
		}
	}

	cut := func(fromSeq int64) {
		t.Helper()
		db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
		must(t, err)
		defer db.Close()
		_, err = db.Exec(`DELETE FROM audit WHERE seq >= ?`, fromSeq)
		must(t, err)
	}
	// The publication's own entry goes: the links still hold.
	cut(b.AuditSeq + 1)
	mustBooth(t, "", "--data", dir, "audit", "verify")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bundle", file}, "audit chain cut: " + file + ": the audit chain records no publication of this bundle (sha256 "},
		{[]string{"--bundle", file}, "the entries after it were removed from the chain's end"},
		{[]string{"--head", latest}, "audit chain cut: the published head " + latest + " is not in the audit chain, which ends at entry " + itoa(b.AuditSeq)},
	} {
		code, out, errOut := booth(t, "", append([]string{"--data", dir, "audit", "verify"}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("audit verify %s after the cut: exit %d, stdout %q, stderr %q; want %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
	// The bundle's head itself goes.
	cut(b.AuditSeq)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bundle", file}, "the audit chain ends at entry " + itoa(b.AuditSeq-1) + ", before the published head (entry " + itoa(b.AuditSeq) + ", " + b.AuditHead + "): entries were removed from its end"},
		{[]string{"--head", b.AuditHead}, "is not in the audit chain, which ends at entry " + itoa(b.AuditSeq-1)},
		// Only a head signed by this server's host key counts.
		{[]string{"--bundle", foreign}, foreign + ": signed by another key than the one expected"},
		{[]string{"--head", "abc"}, `--head "abc" is not an audit head`},
		{[]string{"--head", latest, "--bundle", file}, "give one of --head, --head-file and --bundle"},
	} {
		code, _, errOut := booth(t, "", append([]string{"--data", dir, "audit", "verify"}, tc.args...)...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("audit verify %s: exit %d, stderr %q; want %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
