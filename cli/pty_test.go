//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/xpty"
)

// ptyTerm is a user's terminal: a booth command runs in-process with a
// pseudo-terminal's slave as its standard input and output, and the test
// types on the master.
type ptyTerm struct {
	t    *testing.T
	pty  *xpty.UnixPty
	mu   sync.Mutex
	out  bytes.Buffer
	args []string
	done chan int      // the command's exit code
	err  *bytes.Buffer // its standard error, to read once done
}

// startOnPty runs booth with args on an 80×24 pseudo-terminal, or skips
// the test where there is none.
func startOnPty(t *testing.T, args ...string) *ptyTerm {
	t.Helper()
	pt, err := xpty.NewPty(80, 24)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	up, ok := pt.(*xpty.UnixPty)
	if !ok {
		t.Skip("no Unix pseudo-terminal")
	}
	p := &ptyTerm{t: t, pty: up, args: args, done: make(chan int, 1), err: new(bytes.Buffer)}
	go p.read()
	go func() { p.done <- Run(args, up.Slave(), up.Slave(), p.err) }()
	t.Cleanup(func() { up.Close() })
	return p
}

// waitExit waits for the command to end with exit code 0; stuck says what
// failed to end it in time.
func (p *ptyTerm) waitExit(stuck string) {
	p.t.Helper()
	select {
	case code := <-p.done:
		if code != 0 {
			p.t.Fatalf("booth %s: exit %d: %s", strings.Join(p.args, " "), code, p.err.String())
		}
	case <-time.After(screenWait):
		p.t.Fatal(stuck)
	}
}

func (p *ptyTerm) read() {
	buf := make([]byte, 32<<10)
	for {
		n, err := p.pty.Read(buf)
		p.mu.Lock()
		p.out.Write(buf[:n])
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (p *ptyTerm) raw() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until text (white space aside) was printed after mark,
// escape sequences removed: the renderer draws only what changed.
func (p *ptyTerm) waitFor(mark int, text string) {
	p.t.Helper()
	want := spaces.ReplaceAllString(text, "")
	deadline := time.Now().Add(screenWait)
	for time.Now().Before(deadline) {
		if strings.Contains(spaces.ReplaceAllString(ansi.Strip(p.raw()[mark:]), ""), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("the terminal never showed %q; after the mark it showed:\n%q", text, ansi.Strip(p.raw()[mark:]))
}

func (p *ptyTerm) send(keys string) int {
	p.t.Helper()
	mark := len(p.raw())
	if _, err := p.pty.Write([]byte(keys)); err != nil {
		p.t.Fatalf("typing %q: %v", keys, err)
	}
	return mark
}
