package ssh

import (
	"strings"
	"testing"
)

// Over the real OpenSSH client: a member who chose Japanese and sends
// LANG=C gets the full-screen booth in English, ASCII only, with the
// note that says why on the first screen.
func TestOpenSSHFullScreenSaysWhyEnglish(t *testing.T) {
	e := newTestEnv(t, nil)
	e.openElection(testDefinition("b26", "Board 2026"))
	if _, errOut, code := e.runIn("ada", nil, "set lang ja", ""); code != 0 {
		t.Fatalf("set lang ja: %s", errOut)
	}
	o := e.startOpenSSH(t, "ada", "xterm-256color", "-o", "SetEnv=LANG=C")
	o.waitFor("Board 2026")
	o.waitFor("\x1b[?1049h") // the full-screen booth, not linear mode
	eventually(func() bool {
		return strings.Contains(strings.Join(strings.Fields(replay(o.out.String(), 80, 24)), " "), "to read it in ja.")
	})
	screen := replay(o.out.String(), 80, 24)
	got := strings.Join(strings.Fields(screen), " ")
	if !strings.Contains(got, "Your language is set to ja, but your terminal's locale shows only ASCII, so the booth speaks English here; connect with a UTF-8 locale (ssh -o SetEnv=LANG=en_US.UTF-8) to read it in ja.") {
		t.Errorf("the first screen does not say why it is English:\n%s", screen)
	}
	if i := notASCII(o.out.String()); i >= 0 {
		t.Errorf("a byte above ASCII at %d: %q", i, tail(o.out.String()[:i+1], 200))
	}
	o.send("\x03")
	o.wait()
}
