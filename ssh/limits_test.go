package ssh

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestConnectionsOverThePerIPCapAreRefused(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConnsPerIP = 2 })
	first := e.client("ada")
	e.client("ken")
	if c, err := e.dial(gossh.PublicKeys(e.keys["ada"])); err == nil {
		c.Close()
		t.Fatal("a third connection from one IP was let in")
	}
	// Closing a connection frees its place.
	first.Close()
	e.waitForPlace(t, "ada")
}

// A member at the limit is refused with the limit in words that agree
// with it: "1 session", "2 sessions".
func TestSessionsPerMemberAreCapped(t *testing.T) {
	for _, tt := range []struct {
		limit int
		want  string
	}{
		{1, "you already have 1 session open on this server: close it first"},
		{2, "you already have 2 sessions open on this server: close one first"},
	} {
		e := newTestEnv(t, func(c *Config) { c.MaxSessionsPerMember = tt.limit })
		c := e.client("ada")
		for range tt.limit {
			e.terminal(c, 80, 24).waitFor("Signed in as")
		}
		_, errOut, code := e.run("ada", "whoami", "")
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Fatalf("limit %d, one more session: exit %d, stderr %q, want %q", tt.limit, code, errOut, tt.want)
		}
		// Another member is not affected.
		if out, _, code := e.run("ken", "whoami", ""); code != 0 || !strings.Contains(out, "ken") {
			t.Fatalf("ken's session: exit %d\n%s", code, out)
		}
	}
}

// heap returns the live heap after a full collection.
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A client claiming a huge terminal, then flooding window changes, costs
// little: the booth draws at the size it is told.
func TestHugeTerminalDoesNotAllocate(t *testing.T) {
	e := newTestEnv(t, nil)
	c := e.client("ada")
	// A warm-up session loads what every session shares (styles, key
	// tables), so the measure below is one session's own cost.
	warm := e.terminal(c, 80, 24)
	warm.waitFor("Signed in as")
	before := heap()

	tm := e.terminal(c, 10000, 10000)
	tm.waitFor("Signed in as")
	for range 500 {
		must(t, tm.sess.WindowChange(10000, 10000))
		must(t, tm.sess.WindowChange(20, 9000))
	}
	must(t, tm.sess.WindowChange(10000, 10000))
	// A request after the flood is answered only once the flood was read.
	if _, _, code := runOn(t, c, "whoami", ""); code != 0 {
		t.Fatal("whoami after the flood failed")
	}
	after := heap()
	// Clamped to 200×80, the session holds the text of its screen and
	// its program (0.15–0.22 MB measured), where a 10000×10000 screen's
	// text alone would be 100 MB, and parsing it into cells gigabytes.
	const limit = 2 << 20
	if after > before && after-before > limit {
		t.Fatalf("a 10000×10000 terminal and a resize flood grew the heap by %.1f MB (limit %d MB)",
			float64(after-before)/(1<<20), limit>>20)
	}
	t.Logf("heap growth for one clamped 10000×10000 session: %.2f MB", float64(int64(after)-int64(before))/(1<<20))
}

// Sessions dropped mid-vote (the client's connection closed while the
// booth runs) leave no goroutine behind. Each drop comes after the screen
// showed the last key's effect: a key still in flight when the program
// ends can strand bubbletea's input goroutine (ultraviolet's
// TerminalReader sends events without watching its context), an upstream
// race this server cannot reach.
func TestDroppedSessionsLeakNoGoroutines(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxSessionsPerMember = 100; c.MaxConnsPerIP = 100 })
	settle := func(n int) bool {
		return eventually(func() bool { return runtime.NumGoroutine() <= n })
	}
	// Serve starts the server's one ticker; make sure it runs before
	// counting, whether Serve got there yet or not.
	e.srv.tickOnce.Do(func() { go e.srv.tick() })
	base := runtime.NumGoroutine()

	for i := range 50 {
		c, err := e.dial(gossh.PublicKeys(e.keys[[]string{"ada", "ken"}[i%2]]))
		must(t, err)
		tm := e.terminal(c, 80, 24)
		tm.waitFor("turnout") // the elections are listed
		tm.send(keyEnter)
		tm.waitFor("CANDIDATES")
		tm.send("v")
		tm.waitFor("NOT RANKED")
		tm.send(keyEnter)
		tm.waitFor("1 ranked") // mid-vote, every key read
		c.Close()
	}
	if !settle(base) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("goroutines: %d after 50 dropped sessions, baseline %d\n%s", runtime.NumGoroutine(), base, buf[:n])
	}
	if n := e.srv.sessions.Load(); n != 0 {
		t.Fatalf("%d sessions still counted", n)
	}
}

// Shutdown ends open booth sessions politely and returns within its
// deadline.
func TestShutdownWithOpenSessions(t *testing.T) {
	e := newTestEnv(t, nil)
	var terms []*term
	for _, m := range []string{"ada", "ada", "ken"} {
		tm := e.terminal(e.client(m), 80, 24)
		tm.waitFor("Signed in as")
		terms = append(terms, tm)
	}
	// A command still waiting for its standard input.
	c := e.client("ken")
	pending, err := c.NewSession()
	must(t, err)
	stdin, err := pending.StdinPipe()
	must(t, err)
	defer stdin.Close()
	must(t, pending.Start("cast board"))

	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for i, tm := range terms {
		ended := make(chan struct{})
		go func() { _ = tm.sess.Wait(); close(ended) }()
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatalf("session %d did not end", i)
		}
		// The program restored the terminal on its way out.
		if !strings.Contains(tm.out.String(), "\x1b[?1049l") {
			t.Errorf("session %d: the alternate screen was not left", i)
		}
	}
	if box, _ := e.ballots("board"); box != 0 {
		t.Fatal("the interrupted cast cast a ballot")
	}
	if _, err := e.dial(gossh.PublicKeys(e.keys["ada"])); err == nil {
		t.Fatal("the server still accepts connections after Shutdown")
	}
}

// Only plain sessions exist: no subsystem (sftp), no port forwarding in
// either direction.
func TestNoForwardingOrSubsystems(t *testing.T) {
	e := newTestEnv(t, nil)
	c := e.client("ada")
	sess, err := c.NewSession()
	must(t, err)
	defer sess.Close()
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was granted")
	}
	if conn, err := c.Dial("tcp", e.addr); err == nil {
		conn.Close()
		t.Error("local port forwarding (direct-tcpip) was allowed")
	}
	if l, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
		t.Error("remote port forwarding (tcpip-forward) was allowed")
	}
}

// waitForPlace waits until member can connect again: a closed
// connection's place is released.
func (e *testEnv) waitForPlace(t *testing.T, member string) {
	t.Helper()
	if !eventually(func() bool {
		c, err := e.dial(gossh.PublicKeys(e.keys[member]))
		if err == nil {
			c.Close()
		}
		return err == nil
	}) {
		t.Fatal("a closed connection's place was never released")
	}
}
