package ssh

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
)

// runIn runs a command without a PTY for member, with env sent as the
// OpenSSH client's SendEnv/SetEnv would send it.
func (e *testEnv) runIn(member string, env []string, cmd, stdin string) (string, string, int) {
	e.t.Helper()
	c := e.client(member)
	sess, err := c.NewSession()
	must(e.t, err)
	defer sess.Close()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		must(e.t, sess.Setenv(k, v))
	}
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr, sess.Stdin = &out, &errOut, strings.NewReader(stdin)
	err = sess.Run(cmd)
	var exit *gossh.ExitError
	switch {
	case err == nil:
		return out.String(), errOut.String(), 0
	case errors.As(err, &exit):
		return out.String(), errOut.String(), exit.ExitStatus()
	}
	e.t.Fatalf("running %q: %v", cmd, err)
	return "", "", -1
}

// The commands answer in the language of the session's locale, LC_ALL
// before LC_MESSAGES before LANG, with the officers' own title in it;
// English otherwise.
func TestCommandsInTheSessionLanguage(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("b26", "Board 2026")
	d.Translations = map[string]models.Translation{"ja": {Title: "理事会 2026"}, "es": {Title: "Junta 2026"}}
	e.openElection(d)
	// As OpenSSH sends them for ssh -o SetEnv=LANG=ja_JP.UTF-8 when its
	// configuration also has SendEnv LANG: the last one counts.
	ja := []string{"LANG=C", "LANG=ja_JP.UTF-8"}

	out, _, code := e.runIn("ada", ja, "status", "")
	if code != 0 || !strings.Contains(out, "状態") || !strings.Contains(out, "理事会 2026") || !strings.Contains(out, "受付中") {
		t.Errorf("status in Japanese (exit %d):\n%s", code, out)
	}
	// Columns line up by display width: each line's title starts in the
	// same column although the header's words are twice as wide.
	// The table follows the notices, if any.
	ls := strings.Split(strings.TrimRight(out, "\n"), "\n")
	h := slices.IndexFunc(ls, func(l string) bool { return strings.Contains(l, "題名") })
	if h < 0 || h+1 >= len(ls) || !strings.Contains(ls[h+1], "理事会") {
		t.Fatalf("status in Japanese has no table with a header and a row:\n%s", out)
	}
	head := ansi.StringWidth(ls[h][:strings.Index(ls[h], "題名")])
	row := ansi.StringWidth(ls[h+1][:strings.Index(ls[h+1], "理事会")])
	if head != row {
		t.Errorf("the title column starts at %d in the header, %d below it:\n%s", head, row, out)
	}

	out, _, _ = e.runIn("ada", ja, "help", "")
	if !strings.Contains(out, "コマンド") || !strings.Contains(out, "  whoami ") {
		t.Errorf("help in Japanese:\n%s", out)
	}
	_, errOut, code := e.runIn("ada", ja, "frobnicate", "")
	if code != 1 || !strings.Contains(errOut, `"frobnicate" というコマンドはありません`) {
		t.Errorf("an unknown command in Japanese (exit %d): %q", code, errOut)
	}
	// A ballot's problems, written for the member to fix, are in their
	// language; the candidate ids stay as the officers wrote them.
	_, errOut, code = e.runIn("ken", ja, "cast b26", "zed\n")
	if code != 1 || !strings.Contains(errOut, `"zed" は候補者ではありません。次のいずれかを使ってください: alma, bert, cleo`) {
		t.Errorf("a bad ballot in Japanese (exit %d): %q", code, errOut)
	}
	out, errOut, code = e.runIn("ada", []string{"LANG=en_US.UTF-8", "LC_ALL=es_ES.UTF-8"}, "cast b26", "alma\n")
	if code != 0 || !strings.Contains(errOut, "Tu papeleta está emitida.") || strings.TrimSpace(out) == "" {
		t.Errorf("cast with LC_ALL Spanish (exit %d): %q %q", code, out, errOut)
	}
	// The member's preference comes before the locale.
	if _, errOut, code := e.runIn("ken", nil, "set lang ja", ""); code != 0 {
		t.Fatalf("set lang ja: exit %d: %s", code, errOut)
	}
	out, _, _ = e.runIn("ken", []string{"LANG=es_ES.UTF-8"}, "status", "")
	if !strings.Contains(out, "理事会 2026") || !strings.Contains(out, "状態") {
		t.Errorf("status after set lang ja, with LANG=es_ES.UTF-8:\n%s", out)
	}
	if _, errOut, code := e.runIn("ken", nil, "set lang auto", ""); code != 0 {
		t.Fatalf("set lang auto: exit %d: %s", code, errOut)
	}
	out, _, _ = e.runIn("ken", []string{"LANG=C"}, "status", "")
	if !strings.Contains(out, "\nELECTION  STATE  YOU        TITLE\n") || !strings.Contains(out, "Board 2026") {
		t.Errorf("status with LANG=C:\n%s", out)
	}
}

// The booth on a terminal opens in the language of the session's locale.
func TestBoothInTheSessionLanguage(t *testing.T) {
	e := newTestEnv(t, nil)
	e.openElection(testDefinition("b26", "Board 2026"))
	c := e.client("ada")
	sess, err := c.NewSession()
	must(t, err)
	t.Cleanup(func() { sess.Close() })
	must(t, sess.Setenv("LANG", "ja_JP.UTF-8"))
	must(t, sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}))
	out := &lockedBuffer{}
	sess.Stdout, sess.Stderr = out, out
	must(t, sess.Shell())
	tm := &term{t: t, sess: sess, out: out}
	tm.waitFor("受付中")
	if got := replay(out.String(), 80, 24); !strings.Contains(got, "としてサインイン") {
		t.Errorf("the booth with LANG=ja_JP.UTF-8:\n%s", got)
	}
}
