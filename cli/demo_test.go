package cli

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// demoProcess is booth demo running in the test: its output, read line by
// line as it is printed, and how to stop it.
type demoProcess struct {
	cancel context.CancelFunc
	done   chan error
	out    *bufio.Scanner
	text   strings.Builder // everything printed up to "Press Ctrl+C"
	dir    string
	port   string
	keyArg string // the -i KEY of the printed command, if any
}

// connectLine matches the command the demo tells the user to type.
var connectLine = regexp.MustCompile(`^    ssh (?:-i (\S+) )?-p (\d+) localhost$`)

// startDemoProcess runs runDemo as `booth demo` would (on a free port) and
// reads its instructions: the data directory and the ssh command.
func startDemoProcess(t *testing.T, cfg demoConfig) *demoProcess {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	if cfg.Logs == nil {
		cfg.Logs = io.Discard
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &demoProcess{cancel: cancel, done: make(chan error, 1), out: bufio.NewScanner(pr)}
	go func() {
		err := runDemo(ctx, pw, cfg)
		pw.CloseWithError(err)
		p.done <- err
	}()
	t.Cleanup(func() { p.stop(t) })
	for p.out.Scan() {
		line := p.out.Text()
		p.text.WriteString(line + "\n")
		if dir, ok := strings.CutPrefix(line, "Data directory: "); ok {
			p.dir, _, _ = strings.Cut(dir, " (removed")
		}
		if m := connectLine.FindStringSubmatch(line); m != nil {
			p.keyArg, p.port = m[1], m[2]
		}
		if line == "Press Ctrl+C to stop." {
			break
		}
	}
	if p.port == "" || p.dir == "" {
		t.Fatalf("booth demo did not print the data directory and an ssh command; it printed:\n%s(error: %v)", p.text.String(), p.out.Err())
	}
	// Keep draining, so the demo's last words never block it.
	go func() {
		for p.out.Scan() {
		}
	}()
	return p
}

// stop cancels the demo, as Ctrl+C does, and returns what runDemo
// returned; later calls return nil.
func (p *demoProcess) stop(t *testing.T) error {
	t.Helper()
	if p.cancel == nil {
		return nil
	}
	p.cancel()
	p.cancel = nil
	return <-p.done
}

// newTestKey makes an ed25519 key and returns its signer and public line.
func newTestKey(t *testing.T) (gossh.Signer, ed25519.PrivateKey, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return signer, priv, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub))) + " tester@laptop"
}

// homeWithKey makes a home directory whose .ssh holds the public key line
// as id_ed25519.pub, plus a file booth must skip.
func homeWithKey(t *testing.T, pubLine string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"id_ed25519.pub": pubLine + "\n",
		"notes.pub":      "this is not a key\n",
	} {
		if err := os.WriteFile(filepath.Join(home, ".ssh", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// sshCommand runs a non-interactive command on the demo's server as the
// key's owner, checking the host key the demo wrote.
func sshCommand(t *testing.T, dir, port string, signer gossh.Signer, command string) (string, error) {
	t.Helper()
	hostPub, err := os.ReadFile(filepath.Join(dir, demoHostKey+".pub"))
	if err != nil {
		t.Fatal(err)
	}
	hostKey, _, _, _, err := gossh.ParseAuthorizedKey(hostPub)
	if err != nil {
		t.Fatal(err)
	}
	client, err := gossh.Dial("tcp", net.JoinHostPort("127.0.0.1", port), &gossh.ClientConfig{
		User:            "anyone",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(hostKey),
	})
	if err != nil {
		return "", err
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return "", err
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(command)
	return string(out), err
}

// checkDemoStore opens the demo's store beside the running demo and checks
// the foundation it seeded.
func checkDemoStore(t *testing.T, dir string, wantKey string) {
	t.Helper()
	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	members, err := st.Members(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != len(demoMembers)+1 {
		t.Errorf("the demo has %d members, want %d", len(members), len(demoMembers)+1)
	}
	you, err := st.MemberByFingerprint(ctx, wantKey)
	if err != nil || you.ID != demoYou || you.Status != models.Active {
		t.Errorf("the key %s belongs to %q (%v), want the active member %q", wantKey, you.ID, err, demoYou)
	}
	elections, err := st.Elections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	states := map[models.ElectionState]int{}
	for _, e := range elections {
		states[e.State]++
		if e.Nominations != nil {
			// Taking nominations: a draft, with "you" nominated.
			ns, err := st.Nominations(ctx, e.ID)
			if err != nil || e.State != models.Draft || !slices.ContainsFunc(ns, func(n models.Nomination) bool { return n.NomineeID == demoYou }) {
				t.Errorf("election %s (%s) has the nominations %+v (%v); want you nominated", e.ID, e.State, ns, err)
			}
			continue
		}
		turnout, err := st.Turnout(ctx, e.ID)
		if err != nil || turnout.Voted == 0 || turnout.Electorate != len(members) {
			t.Errorf("election %s: turnout %+v (%v), want some of %d members voted", e.ID, turnout, err, len(members))
		}
		if _, err := os.Stat(tallyKeyPath(dir, e.ID)); err != nil {
			t.Errorf("election %s: no tally key kept in the data directory: %v", e.ID, err)
		}
	}
	if len(elections) != 5 || states[models.Open] != 3 || states[models.Counted] != 1 || states[models.Draft] != 1 {
		t.Errorf("the demo has elections in states %v, want 3 open, 1 taking nominations and 1 counted", states)
	}
	res, err := st.Result(ctx, "council-2025")
	if err != nil || res.Result == nil || len(res.Result.Elected) != 2 {
		t.Errorf("the past election's result: %+v, %v; want two elected", res.Result, err)
	}
	if _, err := os.Stat(filepath.Join(dir, testDataMarker)); err != nil {
		t.Errorf("the demo's data directory is not marked as test data: %v", err)
	}
}

func TestDemoSeedsServesAndStops(t *testing.T) {
	signer, _, pubLine := newTestKey(t)
	p := startDemoProcess(t, demoConfig{Home: homeWithKey(t, pubLine)})
	if p.keyArg != "" {
		t.Errorf("the demo made a key although ~/.ssh has one:\n%s", p.text.String())
	}
	for _, want := range []string{"Registered your key", "id_ed25519.pub", "Skipped", "notes.pub", "tally keys", "Host key fingerprint: SHA256:"} {
		if !strings.Contains(p.text.String(), want) {
			t.Errorf("the demo's instructions lack %q:\n%s", want, p.text.String())
		}
	}
	checkDemoStore(t, p.dir, gossh.FingerprintSHA256(signer.PublicKey()))

	out, err := sshCommand(t, p.dir, p.port, signer, "whoami")
	if err != nil || !regexp.MustCompile(`(?m)^member\s+you$`).MatchString(out) {
		t.Errorf("ssh whoami = %q, %v; want member you", out, err)
	}

	if err := p.stop(t); err != nil {
		t.Fatalf("the demo stopped with %v", err)
	}
	if _, err := os.Stat(p.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the temporary data directory %s is still there after the demo stopped (%v)", p.dir, err)
	}
	if conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", p.port)); err == nil {
		conn.Close()
		t.Error("the demo's port still accepts connections after it stopped")
	}
}

func TestDemoMakesAKeyWhenTheUserHasNone(t *testing.T) {
	p := startDemoProcess(t, demoConfig{Home: t.TempDir()})
	if p.keyArg != filepath.Join(p.dir, demoKeyFile) {
		t.Fatalf("the demo printed the key %q, want %s:\n%s", p.keyArg, filepath.Join(p.dir, demoKeyFile), p.text.String())
	}
	fi, err := os.Stat(p.keyArg)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the demo key: %v, mode %v; want mode 0600", err, fi.Mode().Perm())
	}
	data, err := os.ReadFile(p.keyArg)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatalf("the demo key is not an OpenSSH private key: %v", err)
	}
	checkDemoStore(t, p.dir, gossh.FingerprintSHA256(signer.PublicKey()))
	out, err := sshCommand(t, p.dir, p.port, signer, "whoami")
	if err != nil || !regexp.MustCompile(`(?m)^member\s+you$`).MatchString(out) {
		t.Errorf("ssh whoami with the demo key = %q, %v; want member you", out, err)
	}
}

func TestDemoDataDirectory(t *testing.T) {
	signer, _, pubLine := newTestKey(t)
	home := homeWithKey(t, pubLine)
	dir := filepath.Join(t.TempDir(), "demo")

	// A named directory is kept, and a second demo serves it as it is.
	for range 2 {
		p := startDemoProcess(t, demoConfig{Home: home, Dir: dir})
		checkDemoStore(t, dir, gossh.FingerprintSHA256(signer.PublicKey()))
		if err := p.stop(t); err != nil {
			t.Fatalf("the demo stopped with %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, sqlite.DBFile)); err != nil {
			t.Fatalf("the --data directory lost its database: %v", err)
		}
	}

	real := t.TempDir()
	st, err := sqlite.Open(real)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{real, "not a demo's"},
		{other, "not empty"},
	} {
		var out, errOut strings.Builder
		code := Run([]string{"demo", "--listen", "127.0.0.1:0", "--data", tc.dir}, strings.NewReader(""), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("booth demo --data %s: status %d, stderr %q; want a refusal saying %q", tc.dir, code, errOut.String(), tc.want)
		}
		if _, err := os.Stat(filepath.Join(tc.dir, testDataMarker)); err == nil {
			t.Errorf("booth demo marked %s as test data although it refused it", tc.dir)
		}
	}
}

func TestDemoPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "demo")
	err = runDemo(context.Background(), io.Discard, demoConfig{Listen: ln.Addr().String(), Dir: dir, Home: t.TempDir(), Logs: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Errorf("booth demo on a port in use: %v; want an error pointing to --listen", err)
	}
}

// The demo's test data, where a command-line cast votes for anyone, is
// never served beyond this machine (issue 10 item 3, second review).
func TestDemoListensOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0"} {
		dir := filepath.Join(t.TempDir(), "demo")
		err := runDemo(context.Background(), io.Discard, demoConfig{Listen: addr, Dir: dir, Home: t.TempDir(), Logs: io.Discard})
		if err == nil || !strings.Contains(err.Error(), "loopback addresses only") {
			t.Errorf("booth demo --listen %s: %v; want a refusal naming loopback addresses", addr, err)
		}
	}
}
