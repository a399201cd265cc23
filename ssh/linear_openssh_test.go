//go:build linux || darwin || freebsd || netbsd || openbsd

package ssh

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/xpty"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
)

// openSSH is the real OpenSSH client in a session with the test server.
type openSSH struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.Writer
	out   *lockedBuffer
	done  chan struct{} // closed when ssh has ended
}

// startOpenSSH runs ssh -tt as member with the terminal type term and
// the extra options opts (such as -o SetEnv=...), then args.
func (e *testEnv) startOpenSSH(t *testing.T, member, term string, opts ...string) *openSSH {
	t.Helper()
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("OpenSSH client not installed: skipped")
	}
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	block, err := gossh.MarshalPrivateKey(priv, "")
	must(t, err)
	keyPath := filepath.Join(dir, "id_ed25519")
	must(t, os.WriteFile(keyPath, pem.EncodeToMemory(block), 0o600))
	signer, err := gossh.NewSignerFromKey(priv)
	must(t, err)
	key, err := models.ParseKey(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	must(t, err)
	must(t, e.store.AddKey(bg, member, key, "officer"))
	host, port, _ := strings.Cut(e.addr, ":")
	known := filepath.Join(dir, "known_hosts")
	must(t, os.WriteFile(known, []byte(fmt.Sprintf("[%s]:%s %s", host, port, gossh.MarshalAuthorizedKey(e.hostKey))), 0o600))
	args := append([]string{"-tt", "-F", "/dev/null", "-i", keyPath, "-p", port,
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
		"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + known,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-l", "voter"}, opts...)
	args = append(args, host)
	cmd := exec.Command(sshPath, args...)
	// Only what the test names reaches the server: -F /dev/null sends no
	// LANG or LC_* of the test's own environment.
	cmd.Env = []string{"TERM=" + term, "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	// ssh in a pseudo-terminal of its own, as a member runs it: it sends
	// the terminal's size, and the full-screen booth draws only with one.
	pty, err := xpty.NewPty(80, 24)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := pty.Start(cmd); err != nil {
		pty.Close()
		t.Fatalf("starting ssh: %v", err)
	}
	out := &lockedBuffer{}
	go func() { _, _ = io.Copy(out, pty) }()
	o := &openSSH{t: t, cmd: cmd, stdin: pty, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(o.done) }()
	t.Cleanup(func() {
		select {
		case <-o.done:
		default:
			_ = cmd.Process.Kill()
			select {
			case <-o.done:
			case <-time.After(5 * time.Second):
				t.Errorf("ssh outlived its kill; it showed:\n%q", tail(out.String(), 2000))
			}
		}
		pty.Close()
	})
	return o
}

func (o *openSSH) waitFor(s string) {
	o.t.Helper()
	if !eventually(func() bool { return strings.Contains(o.out.String(), s) }) {
		o.t.Fatalf("ssh never showed %q; it showed:\n%q", s, tail(o.out.String(), 3000))
	}
}

func (o *openSSH) send(s string) {
	o.t.Helper()
	if _, err := io.WriteString(o.stdin, s); err != nil {
		o.t.Fatalf("typing %q: %v", s, err)
	}
}

func (o *openSSH) wait() {
	o.t.Helper()
	select {
	case <-o.done:
	case <-time.After(20 * time.Second):
		o.t.Fatalf("ssh did not end; it showed:\n%q", tail(o.out.String(), 3000))
	}
}

// notASCII is the first byte of out at or above 0x80, or -1.
func notASCII(out string) int {
	for i := range len(out) {
		if out[i] >= 0x80 {
			return i
		}
	}
	return -1
}

// The real OpenSSH client reaches linear mode with -o SetEnv=ACCESSIBLE=1
// and with TERM=dumb, and gets the full-screen booth otherwise.
func TestOpenSSHLinearMode(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, tc := range []struct {
		name, term string
		opts       []string
		linear     bool
	}{
		{"SetEnv=ACCESSIBLE=1", "xterm-256color", []string{"-o", "SetEnv=ACCESSIBLE=1"}, true},
		{"TERM=dumb", "dumb", nil, true},
		{"plain", "xterm-256color", []string{"-o", "RemoteCommand=plain"}, true},
		{"xterm", "xterm-256color", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := e.startOpenSSH(t, "ada", tc.term, tc.opts...)
			o.waitFor("Signed in as")
			if !tc.linear {
				o.waitFor("\x1b[?1049h")
				o.send("\x03")
				o.wait()
				return
			}
			o.waitFor("linear mode")
			o.waitFor("Election number (1 to 1), or list: ")
			o.send("1\r")
			o.waitFor("Type 1 vote")
			o.send("quit\r")
			o.waitFor("Goodbye.")
			o.wait()
			if strings.Contains(o.out.String(), "\x1b") {
				t.Errorf("linear mode sent an escape sequence:\n%q", o.out.String())
			}
		})
	}
}

// With LANG=C sent by the client, not one byte at or above 0x80 reaches
// it, in linear mode or in the full-screen booth, whatever the officers'
// text holds; accented names keep their letters.
func TestOpenSSHLangCIsASCII(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("intl", "Élection für Vorstand — 2026")
	d.Candidates[0].Name = "José Müller"
	d.Candidates[1].Name = "山田 太郎"
	d.Description = "Wählen Sie • bitte…"
	e.openElection(d)
	for _, tc := range []struct {
		name, term string
		opts       []string
		linear     bool
	}{
		{"linear", "dumb", []string{"-o", "SetEnv=LANG=C"}, true},
		{"full screen", "xterm-256color", []string{"-o", "SetEnv=LANG=C"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := e.startOpenSSH(t, "ada", tc.term, tc.opts...)
			if tc.linear {
				o.waitFor("Election number (1 to 2), or list: ")
				o.send("2\r")
				o.waitFor("Type 1 vote")
				o.send("quit\r")
				o.waitFor("Goodbye.")
			} else {
				o.waitFor("Signed in as")
				o.waitFor("Board election")
				o.send("\x1b[B") // down to the second election
				o.send("\r")
				// A candidate: the title is on home too, and ctrl+c
				// before the election is drawn would leave it unchecked.
				o.waitFor("Jose Muller")
				o.send("\x03")
			}
			o.wait()
			out := o.out.String()
			if i := notASCII(out); i >= 0 {
				t.Fatalf("byte %#x at %d of the output:\n%q", out[i], i, out[max(i-200, 0):min(i+200, len(out))])
			}
			for _, want := range []string{"Jose Muller", "Election fur Vorstand"} {
				if !strings.Contains(out, want) {
					t.Errorf("the ASCII output does not say %q:\n%q", want, tail(out, 3000))
				}
			}
		})
	}
}
