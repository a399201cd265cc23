//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// booth kiosk start on a real terminal: staff set the passphrase (never
// echoed), a member votes with a code while the keys that would leave do
// nothing, the kiosk wipes the screen and the scrollback, and staff end
// it with the passphrase.
func TestKioskStartOnATerminal(t *testing.T) {
	dir, _ := votingDir(t, false)
	st, err := sqlite.Open(dir)
	must(t, err)
	svc := models.NewService(st)
	ic, err := svc.IssueCode(context.Background(), "ann", "", 0, "staff")
	must(t, err)
	must(t, st.Close())

	p := startOnPty(t, "--data", dir, "kiosk", "start", "--name", "Stand A")

	const pass = "stand-staff-pass"
	p.waitFor(0, "Passphrase:")
	p.waitFor(p.send("short\r"), "it needs at least 8")
	p.waitFor(p.send(pass+"\r"), "Once more:")
	p.waitFor(p.send(pass+"\r"), "Type it below")
	p.send("\x03\x04\x1a\x1c") // ctrl+c, ctrl+d, ctrl+z, ctrl+\: nothing
	mark := p.send(strings.ToLower(ic.Code) + "\r")
	p.waitFor(mark, "with a one-time code")
	p.waitFor(mark, "not voted yet") // the list of elections has loaded
	p.waitFor(p.send("\r"), "CANDIDATES")
	p.waitFor(p.send("v"), "NOT RANKED")
	p.waitFor(p.send("\r"), "1 ranked")
	p.waitFor(p.send("r"), "REVIEW YOUR BALLOT")
	p.send("\x03")
	p.waitFor(p.send("cast\r"), "Your ballot is cast")

	// Enter until the receipt's guard against a double press has passed.
	mark = len(p.raw())
	deadline := time.Now().Add(screenWait)
	for !strings.Contains(p.raw()[mark:], "\x1b[3J") && time.Now().Before(deadline) {
		p.send("\r")
		time.Sleep(200 * time.Millisecond)
	}
	p.waitFor(mark, "Welcome")
	if !strings.Contains(p.raw()[mark:], "\x1b[3J") {
		t.Fatal("the scrollback was not cleared after the voter")
	}
	p.waitFor(p.send("\x18"), "This is for the stand's staff")
	p.send(pass + "\r")
	p.waitExit("the passphrase did not end the kiosk")
	p.waitFor(0, "The kiosk has ended.")
	if strings.Contains(p.raw(), pass) || strings.Contains(p.raw(), "short") {
		t.Error("the terminal echoed a passphrase")
	}

	st, err = sqlite.Open(dir)
	must(t, err)
	defer st.Close()
	if voters, err := st.Voters(context.Background(), "e1"); err != nil || len(voters) != 1 || voters[0] != "ann" {
		t.Errorf("voters %q, %v; want ann, who voted at the kiosk", voters, err)
	}
}
