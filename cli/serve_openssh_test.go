//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/xpty"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	boothssh "vote.example.org/booth/ssh"
)

// screenWait is how long the test waits for a screen before it fails; it
// measures nothing.
const screenWait = 30 * time.Second

// receiptPattern is a receipt as the booth shows it: 26 base32 characters
// in groups of four.
var receiptPattern = regexp.MustCompile(`[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}-[A-Z2-7]{2}`)

// TestOpenSSHClientVotes drives the real OpenSSH client, in a
// pseudo-terminal, against the SSH server on the demo's data: home → election → rank a
// candidate → review → confirm → receipt. The store must then hold exactly
// one more ballot, with one candidate ranked, and the receipt shown must be
// the one it is filed under.
func TestOpenSSHClientVotes(t *testing.T) {
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("OpenSSH client not installed: skipped")
	}
	_, priv, pubLine := newTestKey(t)
	// The demo seeds a data directory and is stopped; the test then serves
	// it again, as a second start of the demo would.
	dir := t.TempDir()
	seeded := startDemoProcess(t, demoConfig{Home: homeWithKey(t, pubLine), Dir: dir})
	if err := seeded.stop(t); err != nil {
		t.Fatalf("stopping the demo: %v", err)
	}
	p := &demoProcess{dir: dir, port: startServe(t, dir)}
	before := demoBallotTexts(t, p.dir)

	term, cmd := startOpenSSH(t, sshPath, p, priv)
	term.waitFor(t, "Signed in as")
	term.waitFor(t, "Board of Directors 2026") // the home list has loaded
	term.send(t, "\r")
	term.waitFor(t, "Vote: rank the candidates")
	term.send(t, "\r")
	term.waitFor(t, "YOUR BALLOT")
	term.send(t, "\r") // add the candidate under the cursor
	term.send(t, "r")
	term.waitFor(t, "REVIEW YOUR BALLOT")
	term.send(t, "cast\r")
	term.waitFor(t, "Your ballot is cast")
	receipt := term.waitForPattern(t, receiptPattern)
	term.send(t, "\r") // back home
	term.waitFor(t, "Signed in as")
	term.send(t, "\x03") // ctrl+c leaves the booth
	if err := cmd.wait(); err != nil {
		t.Errorf("ssh did not leave cleanly after ctrl+c: %v\nscreen text:\n%s", err, term.text())
	}

	electionID := checkOneBallot(t, p.dir, before)
	svc := models.NewService(openStore(t, p.dir))
	if state, err := svc.VerifyReceipt(context.Background(), electionID, receipt); err != nil || state != models.ReceiptCounted {
		t.Errorf("the receipt shown, %s, reads %q in %s (%v); want counted", receipt, state, electionID, err)
	}
}

// sshProcess is the ssh client running in the pseudo-terminal.
type sshProcess struct{ done chan error }

func (c sshProcess) wait() error {
	select {
	case err := <-c.done:
		return err
	case <-time.After(screenWait):
		return errors.New("ssh is still running")
	}
}

// startOpenSSH writes the key and a known_hosts file holding the demo's
// host key, and starts `ssh -tt` in a new 80×24 pseudo-terminal. The
// user's own configuration, agent and known hosts are kept out.
func startOpenSSH(t *testing.T, sshPath string, p *demoProcess, priv ed25519.PrivateKey) (*screen, sshProcess) {
	t.Helper()
	keyPath := writeTestKey(t, priv)
	hostPub, err := os.ReadFile(filepath.Join(p.dir, demoHostKey+".pub"))
	if err != nil {
		t.Fatal(err)
	}
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(knownHosts, []byte(fmt.Sprintf("[127.0.0.1]:%s %s", p.port, hostPub)), 0o600); err != nil {
		t.Fatal(err)
	}
	pty, err := xpty.NewPty(80, 24)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	cmd := exec.Command(sshPath, "-tt", "-F", "/dev/null", "-i", keyPath, "-p", p.port,
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
		"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile="+knownHosts,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-l", "voter", "127.0.0.1")
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "SSH_AUTH_SOCK=") || strings.HasPrefix(kv, "TERM=")
	}), "TERM=xterm-256color")
	// ssh's own session, with the pseudo-terminal as its controlling
	// terminal, so a resize reaches it as SIGWINCH.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := pty.Start(cmd); err != nil {
		pty.Close()
		t.Fatalf("starting ssh: %v", err)
	}
	proc := sshProcess{done: make(chan error, 1)}
	go func() { proc.done <- cmd.Wait() }()
	s := &screen{pty: pty, changed: make(chan struct{}, 1)}
	go s.read()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-proc.done
		}
		pty.Close()
	})
	return s, proc
}

// screen collects what the client prints. The booth's renderer draws only
// the cells that changed, so the text is compared with escape sequences
// and white space removed, from the last key sent on; when a screen still
// does not match, a resize makes the booth redraw it whole.
type screen struct {
	pty     xpty.Pty
	mu      sync.Mutex
	out     []byte
	mark    int // where the output after the last key starts
	changed chan struct{}
	tall    bool
}

func (s *screen) read() {
	buf := make([]byte, 32<<10)
	for {
		n, err := s.pty.Read(buf)
		s.mu.Lock()
		s.out = append(s.out, buf[:n]...)
		s.mu.Unlock()
		select {
		case s.changed <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// text is the output since the last key, without escape sequences.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(string(s.out[s.mark:]))
}

func (s *screen) send(t *testing.T, keys string) {
	t.Helper()
	s.mu.Lock()
	s.mark = len(s.out)
	s.mu.Unlock()
	if _, err := s.pty.Write([]byte(keys)); err != nil {
		t.Fatalf("typing %q: %v", keys, err)
	}
}

var spaces = regexp.MustCompile(`\s+`)

// waitFor waits until text (white space aside) has been printed since the
// last key.
func (s *screen) waitFor(t *testing.T, text string) {
	t.Helper()
	want := spaces.ReplaceAllString(text, "")
	s.waitUntil(t, text, func(got string) bool { return strings.Contains(got, want) })
}

// waitForPattern waits for re and returns what matched.
func (s *screen) waitForPattern(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	var found string
	s.waitUntil(t, re.String(), func(got string) bool {
		found = re.FindString(got)
		return found != ""
	})
	return found
}

func (s *screen) waitUntil(t *testing.T, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.After(screenWait)
	redraw := time.NewTicker(time.Second)
	defer redraw.Stop()
	for {
		if ok(spaces.ReplaceAllString(s.text(), "")) {
			return
		}
		select {
		case <-s.changed:
		case <-redraw.C:
			s.tall = !s.tall
			_ = s.pty.Resize(80, 24+btoi(s.tall))
		case <-deadline:
			got := s.text()
			t.Fatalf("the screen never showed %q; since the last key it showed (the end):\n%s", what, got[max(len(got)-4000, 0):])
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeTestKey writes an ed25519 private key as ssh-keygen does (OpenSSH
// format, mode 0600) and returns its path.
func writeTestKey(t *testing.T, priv ed25519.PrivateKey) string {
	t.Helper()
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func openStore(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// demoBallotTexts unseals every ballot of every open demo election with
// the tally keys the demo keeps, by election: the ballots as text, sorted
// (the box has no order that could tell whose is whose).
func demoBallotTexts(t *testing.T, dir string) map[string][]string {
	t.Helper()
	st := openStore(t, dir)
	ctx := context.Background()
	elections, err := st.Elections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, e := range elections {
		if e.State != models.Open {
			continue
		}
		f, err := os.Open(tallyKeyPath(dir, e.ID))
		if err != nil {
			t.Fatal(err)
		}
		ids, err := models.ParseIdentities(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		box, err := st.Ballots(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range box {
			text, err := models.Unseal(ids, b.Sealed)
			if err != nil {
				t.Fatalf("unsealing a ballot of %s: %v", e.ID, err)
			}
			out[e.ID] = append(out[e.ID], string(text))
		}
		slices.Sort(out[e.ID])
	}
	return out
}

// checkOneBallot checks that member "you" has voted in exactly one
// election, whose box gained exactly one ballot, ranking one candidate,
// and nothing else changed. It returns that election's id.
func checkOneBallot(t *testing.T, dir string, before map[string][]string) string {
	t.Helper()
	marks, err := openStore(t, dir).MemberRoll(context.Background(), demoYou)
	if err != nil {
		t.Fatal(err)
	}
	var voted []string
	for _, m := range marks {
		if m.Voted {
			voted = append(voted, m.ElectionID)
		}
	}
	if len(voted) != 1 {
		t.Fatalf("member you voted in %v, want exactly one election", voted)
	}
	after := demoBallotTexts(t, dir)
	for id, texts := range after {
		added := multisetMinus(texts, before[id])
		switch {
		case id != voted[0] && (len(added) != 0 || len(texts) != len(before[id])):
			t.Errorf("election %s: ballots changed from %q to %q, but you did not vote there", id, before[id], texts)
		case id == voted[0] && (len(added) != 1 || len(texts) != len(before[id])+1):
			t.Errorf("election %s: ballots went from %q to %q, want exactly one more", id, before[id], texts)
		case id == voted[0] && len(strings.Fields(added[0])) != 1:
			t.Errorf("election %s: the new ballot is %q, want one candidate ranked", id, added[0])
		}
	}
	return voted[0]
}

// multisetMinus returns the elements of a not matched one for one in b.
func multisetMinus(a, b []string) []string {
	left := slices.Clone(b)
	var out []string
	for _, x := range a {
		if i := slices.Index(left, x); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// startServe serves the test data in dir over SSH with the demo's host
// key until the test ends, as booth demo serves its data (booth serve
// refuses test data, issue 10 item 3), and returns the port it listens on.
func startServe(t *testing.T, dir string) string {
	t.Helper()
	st, err := sqlite.OpenTestData(dir, nil)
	must(t, err)
	srv, err := boothssh.New(boothssh.Config{
		Listen: "127.0.0.1:0", HostKeyPath: filepath.Join(dir, demoHostKey),
		Service: models.NewService(st),
		Logger:  log.New(io.Discard),
	})
	must(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("the SSH server did not stop: %v", err)
		}
		<-served
		st.Close()
	})
	_, port, err := net.SplitHostPort(ln.Addr().String())
	must(t, err)
	return port
}
