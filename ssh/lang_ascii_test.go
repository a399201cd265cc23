package ssh

import (
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// A member who chose Japanese (ssh HOST set lang ja) and connects from a
// client whose locale is not UTF-8 (LANG=C) gets the booth in English, not
// Japanese through the ASCII writer, where every message, the instructions
// to cast included, would become rows of "?".
func TestJapanesePreferenceUnderASCIILocaleIsReadable(t *testing.T) {
	e := newTestEnv(t, nil)
	e.openElection(testDefinition("b26", "Board 2026"))
	if _, errOut, code := e.runIn("ada", nil, "set lang ja", ""); code != 0 {
		t.Fatalf("set lang ja: %s", errOut)
	}
	c := e.client("ada")
	sess, err := c.NewSession()
	must(t, err)
	t.Cleanup(func() { sess.Close() })
	must(t, sess.Setenv("LANG", "C"))
	must(t, sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}))
	out := &lockedBuffer{}
	sess.Stdout, sess.Stderr = out, out
	must(t, sess.Shell())
	tm := &term{t: t, sess: sess, out: out}
	tm.waitFor("Board 2026")
	got := replay(out.String(), 80, 24)
	if strings.Count(got, "????") >= 3 {
		t.Fatalf("the booth in Japanese under LANG=C is question marks:\n%s", got)
	}
}

// set lang ja from a client whose locale shows only ASCII answers in
// English and says why, and linear mode on such a client says it once.
func TestJapanesePreferenceUnderASCIILocaleIsExplained(t *testing.T) {
	e := newTestEnv(t, nil)
	out, errOut, code := e.runIn("ada", []string{"LANG=C"}, "set lang ja", "")
	if code != 0 || !strings.Contains(out, "shows only ASCII") || strings.Contains(out, "??") {
		t.Fatalf("set lang ja under LANG=C (exit %d) does not say, readably, why the booth stays English:\n%s%s", code, out, errOut)
	}
	tt := e.teletypeSession(t, "ada", "dumb", map[string]string{"LANG": "C"}, "")
	tt.expect("Your language is set to ja")
	tt.answer("Election number", "quit")
	tt.expect("Goodbye.")
	tt.wait()
}
