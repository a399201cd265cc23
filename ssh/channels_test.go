package ssh

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// ptyReq and windowChange are the payloads of the requests of those names.
var (
	ptyReq = gossh.Marshal(struct {
		Term                 string
		Cols, Rows, PxW, PxH uint32
		Modes                string
	}{"xterm", 80, 24, 0, 0, "\x00"})
	windowChange = gossh.Marshal(struct{ Cols, Rows, PxW, PxH uint32 }{100, 30, 0, 0})
)

func envReq(key, value string) []byte {
	return gossh.Marshal(struct{ Key, Value string }{key, value})
}

// goroutinesSettle waits until the goroutines are back to base, failing
// with every goroutine's stack if they never are.
func goroutinesSettle(t *testing.T, base int, what string) {
	t.Helper()
	if !eventually(func() bool { return runtime.NumGoroutine() <= base }) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("goroutines: %d after %s, baseline %d\n%s", runtime.NumGoroutine(), what, base, buf[:n])
	}
}

// goroutineBase starts the server's ticker (so it is in the count whether
// Serve got to it yet or not) and returns the goroutines running now.
func goroutineBase(e *testEnv) int {
	e.srv.tickOnce.Do(func() { go e.srv.tick() })
	return runtime.NumGoroutine()
}

// A window change sent before any shell or command, on a channel then
// dropped, strands nothing: charm's request loop blocks on it until the
// window channel is read, and nobody reads it before a handler runs.
func TestWindowChangesBeforeShellLeakNoGoroutines(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConnsPerIP = 100 })
	base := goroutineBase(e)
	for range 20 {
		c, err := e.dial(gossh.PublicKeys(e.keys["ada"]))
		must(t, err)
		ch, reqs, err := c.OpenChannel("session", nil)
		must(t, err)
		go gossh.DiscardRequests(reqs)
		if ok, err := ch.SendRequest("pty-req", true, ptyReq); err != nil || !ok {
			t.Fatalf("pty-req: %v, %v", ok, err)
		}
		for range 3 {
			_, err := ch.SendRequest("window-change", false, windowChange)
			must(t, err)
		}
		c.Close()
	}
	goroutinesSettle(t, base, "20 connections resizing before any shell")
}

// Window changes during a command run on a PTY (`ssh -t HOST cast …`)
// strand nothing when the connection drops: only the booth read them.
func TestWindowChangesDuringACommandLeakNoGoroutines(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConnsPerIP = 100 })
	base := goroutineBase(e)
	for range 10 {
		c, err := e.dial(gossh.PublicKeys(e.keys["ada"]))
		must(t, err)
		sess, err := c.NewSession()
		must(t, err)
		must(t, sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}))
		stdin, err := sess.StdinPipe()
		must(t, err)
		must(t, sess.Start("cast board")) // waits for its ballot on stdin
		// Resize once the command runs: handle has read the session's
		// PTY by the time it counts the session.
		if !eventually(func() bool { return e.srv.sessions.Load() == 1 }) {
			t.Fatal("the cast never started")
		}
		for range 3 {
			must(t, sess.WindowChange(30, 100))
		}
		stdin.Close()
		c.Close()
		if !eventually(func() bool { return e.srv.sessions.Load() == 0 }) {
			t.Fatal("the cast never ended")
		}
	}
	goroutinesSettle(t, base, "10 connections resizing during a command")
}

// A channel's env requests are capped in number and size: charm keeps
// every one it is given.
func TestEnvRequestsAreCapped(t *testing.T) {
	e := newTestEnv(t, nil)
	c := e.client("ada")
	open := func() gossh.Channel {
		ch, reqs, err := c.OpenChannel("session", nil)
		must(t, err)
		go gossh.DiscardRequests(reqs)
		t.Cleanup(func() { ch.Close() })
		return ch
	}
	send := func(ch gossh.Channel, key, value string) bool {
		ok, err := ch.SendRequest("env", true, envReq(key, value))
		must(t, err)
		return ok
	}

	ch := open()
	for i := range maxEnvRequests {
		if !send(ch, "LC_X", "C") {
			t.Fatalf("env request %d refused", i+1)
		}
	}
	if send(ch, "LC_X", "C") {
		t.Fatalf("env request %d accepted", maxEnvRequests+1)
	}
	if send(open(), "BIG", strings.Repeat("x", maxEnvBytes)) {
		t.Fatal("an env request over the size limit was accepted")
	}

	// Nor does a flood of big ones cost memory.
	before := heap()
	flood := open()
	val := strings.Repeat("x", 64<<10)
	for range 300 {
		_, err := flood.SendRequest("env", false, envReq("A", val))
		must(t, err)
	}
	send(flood, "A", "b") // answered once the flood was read
	after := heap()
	const limit = 4 << 20
	if after > before && after-before > limit {
		t.Fatalf("300 env requests of 64 KB grew the heap by %.1f MB (limit %d MB)",
			float64(after-before)/(1<<20), limit>>20)
	}
	t.Logf("heap growth for 300 env requests of 64 KB: %.2f MB", float64(int64(after)-int64(before))/(1<<20))
}

// One connection cannot open session channels without end: past the cap
// they are refused, and closing one frees its place.
func TestSessionChannelsPerConnectionAreCapped(t *testing.T) {
	e := newTestEnv(t, nil)
	c := e.client("ada")
	limit := DefaultMaxSessionsPerMember + 1
	var chans []gossh.Channel
	for i := range limit {
		ch, reqs, err := c.OpenChannel("session", nil)
		if err != nil {
			t.Fatalf("channel %d refused: %v", i+1, err)
		}
		go gossh.DiscardRequests(reqs)
		chans = append(chans, ch)
	}
	for range 20 {
		ch, _, err := c.OpenChannel("session", nil)
		if err == nil {
			ch.Close()
			t.Fatalf("more than %d session channels opened on one connection", limit)
		}
		var oce *gossh.OpenChannelError
		if !errors.As(err, &oce) || oce.Reason != gossh.ResourceShortage {
			t.Fatalf("an extra channel was refused with %v; want a resource shortage", err)
		}
	}
	// Another connection has its own places.
	if out, _, code := e.run("ada", "whoami", ""); code != 0 || !strings.Contains(out, "ada") {
		t.Fatalf("whoami on another connection: exit %d\n%s", code, out)
	}
	chans[0].Close()
	if !eventually(func() bool {
		ch, reqs, err := c.OpenChannel("session", nil)
		if err == nil {
			go gossh.DiscardRequests(reqs)
			ch.Close()
		}
		return err == nil
	}) {
		t.Fatal("a closed channel's place was never released")
	}
}
