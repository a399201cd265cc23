package ssh

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	cssh "charm.land/ssh"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

var bg = context.Background()

// testEnv is a server on 127.0.0.1 over a real SQLite store, with members
// holding generated keys and one open election, "board".
type testEnv struct {
	t       testing.TB
	svc     *models.Service
	store   *sqlite.Store
	dir     string
	srv     *Server
	addr    string
	hostKey gossh.PublicKey
	keys    map[string]gossh.Signer // member ID → the member's key
	tally   map[string]string       // election ID → its tally key
	logs    *lockedBuffer
}

// members of every test store: ada and ken are active, sus is suspended.
var testMembers = []string{"ada", "ken", "sus"}

func newTestEnv(t testing.TB, tweak func(*Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(dir)
	must(t, err)
	t.Cleanup(func() { st.Close() })
	e := &testEnv{t: t, store: st, dir: dir, keys: map[string]gossh.Signer{}, tally: map[string]string{}, logs: &lockedBuffer{},
		svc: models.NewService(st)}
	var ms []models.Member
	for _, id := range testMembers {
		signer, key := newKey(t)
		e.keys[id] = signer
		ms = append(ms, models.Member{ID: id, Name: "Member " + id, Status: models.Active, Keys: []models.Key{key}})
	}
	must(t, st.ImportMembers(bg, ms, "officer"))
	must(t, st.SetMemberStatus(bg, "sus", models.Suspended, "officer"))
	e.openElection(testDefinition("board", "Board election"))
	e.start(tweak)
	return e
}

// newKey generates an ed25519 key: the signer and the key as registered.
func newKey(t testing.TB) (gossh.Signer, models.Key) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	signer, err := gossh.NewSignerFromKey(priv)
	must(t, err)
	key, err := models.ParseKey(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	must(t, err)
	return signer, key
}

func testDefinition(id, title string) models.Definition {
	now := time.Now().UTC().Truncate(time.Second)
	return models.Definition{
		ID: id, Title: title, Method: tally.Schulze, Seats: 1, FixedOrder: true,
		Candidates: []models.Candidate{
			{ID: "alma", Name: "Alma Example"},
			{ID: "bert", Name: "Bert Example"},
			{ID: "cleo", Name: "Cleo Example"},
		},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(48 * time.Hour), TieSeed: "seed",
	}
}

// openElection stores d (validation is the models' business; the store
// takes what it is given, which lets tests store hostile text) and opens it.
func (e *testEnv) openElection(d models.Definition) {
	e.t.Helper()
	identity, recipient, err := models.NewTallyKey()
	must(e.t, err)
	e.tally[d.ID] = identity
	must(e.t, e.store.CreateElection(bg, models.Election{Definition: d, State: models.Draft, Recipients: []string{recipient}}, "officer"))
	// A running server's lifecycle ticker may open it first.
	if err := e.svc.OpenElection(bg, d.ID, "officer"); err != nil && !errors.Is(err, models.ErrWrongState) {
		e.t.Fatal(err)
	}
}

func (e *testEnv) start(tweak func(*Config)) {
	e.t.Helper()
	keyPath := filepath.Join(e.dir, "host_key")
	_, err := InitHostKey(keyPath)
	must(e.t, err)
	signer, err := LoadHostKey(keyPath)
	must(e.t, err)
	e.hostKey = signer.PublicKey()
	cfg := Config{HostKeyPath: keyPath, Service: e.svc, Logger: log.New(e.logs)}
	if tweak != nil {
		tweak(&cfg)
	}
	e.srv, e.addr = e.serve(cfg)
}

// serve starts a server with cfg on a loopback port until the test ends.
func (e *testEnv) serve(cfg Config) (*Server, string) {
	e.t.Helper()
	srv, err := New(cfg)
	must(e.t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(e.t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	e.t.Cleanup(func() {
		_ = srv.Close()
		if err := <-served; !errors.Is(err, cssh.ErrServerClosed) {
			e.t.Errorf("Serve: %v", err)
		}
		// Close does not wait for the sessions' handlers, which still
		// release their leases in the store: the test's store and data
		// directory go only after them.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if !srv.waitSessions(ctx) {
			e.t.Error("sessions still ran 10 s after their server closed")
		}
	})
	return srv, l.Addr().String()
}

// dial connects with the given auth methods.
func (e *testEnv) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User:            "vote",
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
		Timeout:         10 * time.Second,
	})
}

// client connects as a member.
func (e *testEnv) client(member string) *gossh.Client {
	e.t.Helper()
	c, err := e.dial(gossh.PublicKeys(e.keys[member]))
	must(e.t, err)
	e.t.Cleanup(func() { c.Close() })
	return c
}

// run runs a command without a PTY and returns stdout, stderr and the exit
// status.
func (e *testEnv) run(member, cmd, stdin string) (string, string, int) {
	e.t.Helper()
	c := e.client(member)
	defer c.Close()
	return runOn(e.t, c, cmd, stdin)
}

func runOn(t testing.TB, c *gossh.Client, cmd, stdin string) (string, string, int) {
	t.Helper()
	sess, err := c.NewSession()
	must(t, err)
	defer sess.Close()
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
	t.Fatalf("running %q: %v", cmd, err)
	return "", "", -1
}

// term is an interactive session with a PTY.
type term struct {
	t     testing.TB
	sess  *gossh.Session
	stdin io.WriteCloser
	out   *lockedBuffer
}

func (e *testEnv) terminal(c *gossh.Client, w, h int) *term {
	e.t.Helper()
	sess, err := c.NewSession()
	must(e.t, err)
	e.t.Cleanup(func() { sess.Close() })
	must(e.t, sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}))
	stdin, err := sess.StdinPipe()
	must(e.t, err)
	out := &lockedBuffer{}
	sess.Stdout, sess.Stderr = out, out
	must(e.t, sess.Shell())
	return &term{t: e.t, sess: sess, stdin: stdin, out: out}
}

// waitFor waits until the output holds s; a bounded wait for an outcome,
// not a measurement.
func (tm *term) waitFor(s string) {
	tm.t.Helper()
	if !eventually(func() bool { return strings.Contains(tm.out.String(), s) }) {
		tm.t.Fatalf("the terminal never showed %q; it showed:\n%q", s, tail(tm.out.String(), 3000))
	}
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, keys); err != nil {
		tm.t.Fatalf("typing %q: %v", keys, err)
	}
}

// replay feeds output to a w×h terminal emulator and returns its screen.
func replay(output string, w, h int) string {
	term := vt.NewEmulator(w, h)
	// Its answers to queries (the background colour) block its writes
	// until read. The reader stays blocked when done: closing the
	// emulator races with a read in x/vt v0.1.0.
	go io.Copy(io.Discard, term)
	_, _ = term.Write([]byte(output))
	return term.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// eventually polls cond for up to 20 seconds.
func eventually(cond func() bool) bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ballots counts the ballots in an election's box and the members marked
// as voted on its roll.
func (e *testEnv) ballots(election string) (box, voted int) {
	e.t.Helper()
	b, err := e.store.Ballots(bg, election)
	must(e.t, err)
	v, err := e.store.Voters(bg, election)
	must(e.t, err)
	return len(b), len(v)
}

// count closes an open election and counts it, as the officers would.
func (e *testEnv) count(election string) {
	e.t.Helper()
	must(e.t, e.svc.CloseElection(bg, election, "officer"))
	ids, err := models.ParseIdentities(strings.NewReader(e.tally[election]))
	must(e.t, err)
	_, err = e.svc.Count(bg, election, ids, "officer")
	must(e.t, err)
}
