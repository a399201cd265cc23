package ssh

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
)

const kioskPassphrase = "staff-at-stand-7"

// addDevice registers a kiosk device and returns its key.
func (e *testEnv) addDevice(name string) gossh.Signer {
	e.t.Helper()
	signer, key := newKey(e.t)
	must(e.t, e.store.AddKioskDevice(bg, models.KioskDevice{Name: name, Key: key}, "officer"))
	return signer
}

// A laptop registered as a kiosk device gets the kiosk over real SSH:
// staff set the passphrase, members vote with codes, the terminal is wiped
// after each, and keys that would leave do nothing. One member, one
// ballot: a kiosk voter's key casts nothing more, and a key voter's code
// opens nothing.
func TestKioskDeviceOverSSH(t *testing.T) {
	e := newTestEnv(t, nil)
	device := e.addDevice("stand-1")
	c, err := e.dial(gossh.PublicKeys(device))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	tm := e.terminal(c, 80, 24)
	tm.waitFor("choose the passphrase")
	tm.send(kioskPassphrase + keyEnter)
	tm.waitFor("Once more")
	tm.send(kioskPassphrase + keyEnter)
	tm.waitFor("Type it below")
	tm.send("\x03\x04\x1a\x1c") // ctrl+c, ctrl+d, ctrl+z, ctrl+\ do nothing

	kenCode, err := e.svc.IssueCode(bg, "ken", "", 0, "staff")
	must(t, err)
	adaCode, err := e.svc.IssueCode(bg, "ada", "board", 0, "staff")
	must(t, err)

	tm.send(kenCode.Code + keyEnter)
	tm.waitFor("with a one-time code")
	tm.waitFor("not voted yet") // the list of elections has loaded
	tm.toReview(1)
	tm.send("\x03\x1a") // still nothing, in the voter's booth
	tm.send("cast" + keyEnter)
	tm.waitFor("Your ballot is cast")
	receipt := regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){5}-[A-Z2-7]{2}`).FindString(tm.out.String())
	if receipt == "" {
		t.Fatal("no receipt reached the terminal")
	}
	tm.finishAtKiosk("Member ken", receipt, receipt[:9], "Alma Example", "Board election")
	if strings.Contains(tm.out.String(), "\x1b]52") || strings.Contains(tm.out.String(), kioskPassphrase) {
		t.Error("the kiosk wrote the clipboard or showed the passphrase")
	}
	if box, voted := e.ballots("board"); box != 1 || voted != 1 {
		t.Fatalf("after the kiosk vote the store holds %d ballots and %d voters; want 1 and 1", box, voted)
	}

	// Kiosk first, then the key: refused.
	_, stderr, status := e.run("ken", "cast board", "alma\n")
	if status == 0 || !strings.Contains(stderr, "already voted") {
		t.Errorf("ken cast by key after voting at the kiosk: status %d, %q", status, stderr)
	}
	// Key first, then the kiosk: the code issued before opens nothing.
	if _, stderr, status := e.run("ada", "cast board", "bert\n"); status != 0 {
		t.Fatalf("ada casting by key: %d %s", status, stderr)
	}
	tm.send(adaCode.Code + keyEnter)
	tm.waitFor("You have already voted")
	if box, voted := e.ballots("board"); box != 2 || voted != 2 {
		t.Fatalf("the store holds %d ballots and %d voters; want 2 and 2", box, voted)
	}

	// Staff end the kiosk; the session ends cleanly.
	tm.send("\x18")
	tm.waitFor("This is for the stand's staff")
	tm.send(kioskPassphrase + keyEnter)
	ended := make(chan error, 1)
	go func() { ended <- tm.sess.Wait() }()
	select {
	case err := <-ended:
		if err != nil {
			t.Fatalf("the kiosk session ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the passphrase did not end the kiosk")
	}
}

// finishAtKiosk acknowledges the receipt and checks that the kiosk wipes
// the terminal back to the welcome screen, sending none of gone after.
func (tm *term) finishAtKiosk(gone ...string) {
	tm.t.Helper()
	mark := len(tm.out.String())
	// Enter until the receipt's guard against a double press has passed;
	// on the welcome screen an empty enter does nothing.
	if !eventually(func() bool {
		tm.send(keyEnter)
		time.Sleep(100 * time.Millisecond)
		out := tm.out.String()[mark:]
		return strings.Contains(out, "\x1b[3J") && strings.Contains(out, "Welcome")
	}) {
		tm.t.Fatalf("after the receipt the terminal was not wiped back to the welcome screen:\n%q", tm.out.String()[mark:])
	}
	// The terminal, fed all the session sent, shows the welcome screen:
	// the wipe of the scrollback, which some terminals (and this
	// emulator) take as a wipe of the screen too, came before its frame.
	var screen string
	if !eventually(func() bool {
		screen = replay(tm.out.String(), 80, 24)
		return strings.Contains(screen, "Type it below")
	}) {
		tm.t.Errorf("after the wipe the terminal shows:\n%s", screen)
	}
	after := tm.out.String()[mark:]
	for _, g := range gone {
		if strings.Contains(after, g) {
			tm.t.Errorf("the terminal got %q after the voter finished", g)
		}
	}
}

// A kiosk device's key runs no command.
func TestKioskDeviceRunsNoCommand(t *testing.T) {
	e := newTestEnv(t, nil)
	c, err := e.dial(gossh.PublicKeys(e.addDevice("stand-1")))
	must(t, err)
	defer c.Close()
	for _, cmd := range []string{"status", "code issue ada", "cast board"} {
		out, stderr, status := runOn(t, c, cmd, "alma\n")
		if status == 0 || out != "" || !strings.Contains(stderr, "opens the kiosk only") {
			t.Errorf("%q from a kiosk device: status %d, stdout %q, stderr %q", cmd, status, out, stderr)
		}
	}
}

var issuedCode = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}\n`)

// Staff issue codes over SSH with their own key; other members may not.
func TestCodeIssueOverSSH(t *testing.T) {
	e := newTestEnv(t, nil)
	if _, stderr, status := e.run("ada", "code issue ken", ""); status == 0 || !strings.Contains(stderr, "not allowed") {
		t.Errorf("a member who is not staff: status %d, %q", status, stderr)
	}
	must(t, e.store.SetStaff(bg, "ken", true, "officer"))
	for _, tc := range []struct{ cmd, says string }{
		{"code", "usage: ssh HOST code issue MEMBER [ELECTION]"},
		{"code issue", "usage"},
		{"code revoke ada", "usage"},
		{"code issue ada board extra", "usage"},
		{"code issue nobody", `no member "nobody"`},
		{"code issue sus", "sus is not active"},
		{"code issue ada nowhere", `no election "nowhere"`},
	} {
		out, stderr, status := e.run("ken", tc.cmd, "")
		if status == 0 || out != "" || !strings.Contains(stderr, tc.says) {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want a refusal saying %q", tc.cmd, status, out, stderr, tc.says)
		}
	}
	out, stderr, status := e.run("ken", "code issue ada board", "")
	if status != 0 || !issuedCode.MatchString(out) || !strings.Contains(out, "for member ada, board only; works once") {
		t.Fatalf("code issue: status %d, stdout %q, stderr %q", status, out, stderr)
	}
	voter, err := e.svc.RedeemCode(bg, strings.SplitN(out, "\n", 2)[0])
	must(t, err)
	if voter.Member.ID != "ada" || voter.ElectionID != "board" {
		t.Errorf("the code opens %+v, want ada's board", voter)
	}
	log, err := e.store.AuditLog(bg)
	must(t, err)
	last := log[len(log)-1]
	if last.Action != "kiosk.code.issue" || last.Actor != "ken (staff, over SSH)" || strings.Contains(last.Detail, "ada") {
		t.Errorf("audit entry %+v: want the issue by ken over SSH, not naming ada", last)
	}
	// Once ada has voted, no code for her.
	if _, _, status := e.run("ada", "cast board", "alma\n"); status != 0 {
		t.Fatal("ada could not cast")
	}
	if _, stderr, status := e.run("ken", "code issue ada board", ""); status == 0 || !strings.Contains(stderr, "ada has already voted in board") {
		t.Errorf("a code for a member who voted: status %d, %q", status, stderr)
	}
	if _, err := e.svc.RedeemCode(bg, "0000-0000-00"); !errors.Is(err, models.ErrCodeInvalid) {
		t.Errorf("an unissued code: %v", err)
	}
}
