package ssh

import (
	"sync"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Bounds on what one session channel may ask of charm's request loop,
// which keeps every env request and never forgets one.
const (
	// maxEnvRequests is how many env requests one channel may make; the
	// booth needs none (the terminal type comes with the pty-req), so this
	// only leaves room for what ordinary clients send (LANG, LC_*).
	maxEnvRequests = 16
	// maxEnvBytes bounds one env request's name and value together.
	maxEnvBytes = 1 << 10
)

// channelLimiter caps the session channels open on one connection. The
// per-member limit counts only sessions that reached a shell or a command;
// a channel that never asks for one costs goroutines all the same.
type channelLimiter struct {
	mu   sync.Mutex
	open map[*gossh.ServerConn]int
	max  int
}

func newChannelLimiter(max int) *channelLimiter {
	return &channelLimiter{open: map[*gossh.ServerConn]int{}, max: max}
}

func (l *channelLimiter) acquire(c *gossh.ServerConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[c] >= l.max {
		return false
	}
	l.open[c]++
	return true
}

func (l *channelLimiter) release(c *gossh.ServerConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[c]--; l.open[c] <= 0 {
		delete(l.open, c)
	}
}

// sessionChannel is the "session" channel handler: charm's own, behind a
// per-connection channel cap and a filter on the channel's requests. The
// channel counts until charm's request loop ends, which is when the
// channel or its connection closes.
func (s *Server) sessionChannel(srv *cssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx cssh.Context) {
	if !s.channels.acquire(conn) {
		_ = nc.Reject(gossh.ResourceShortage, "too many sessions on this connection")
		return
	}
	defer s.channels.release(conn)
	cssh.DefaultSessionHandler(srv, conn, filteredChannel{nc}, ctx)
}

// filteredChannel accepts the channel and hands charm its requests through
// filterRequests.
type filteredChannel struct{ gossh.NewChannel }

func (f filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go filterRequests(reqs, out)
	return ch, out, nil
}

// filterRequests forwards a channel's requests to charm's request loop,
// in order, until the channel's request stream ends (then it closes out,
// which ends charm's loop). It refuses env requests beyond maxEnvRequests
// or maxEnvBytes. It answers, and drops, window changes that come before
// the shell or command request: charm's loop blocks on each one until its
// window channel (already holding the pty-req's size) is read, and nobody
// reads it before a handler runs, so a client resizing and never asking
// for a shell would strand the loop for good. A dropped size is not
// passed on after the shell request either: charm would write it into the
// session's PTY while handle reads that PTY, a data race. The booth starts
// at the pty-req's size and follows the resizes after the shell request.
func filterRequests(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	envs := 0
	started := false
	for req := range in {
		switch req.Type {
		case "env":
			var kv struct{ Key, Value string }
			if envs >= maxEnvRequests || gossh.Unmarshal(req.Payload, &kv) != nil || len(kv.Key)+len(kv.Value) > maxEnvBytes {
				_ = req.Reply(false, nil)
				continue
			}
			envs++
		case "window-change":
			if !started {
				_ = req.Reply(true, nil)
				continue
			}
		case "shell", "exec":
			// The server accepts every first shell or exec (see harden's
			// SessionRequestCallback), so from here on a handler reads
			// the window channel: the booth, or drainWindows.
			started = true
		}
		out <- req
	}
}

// drainWindows reads a session's window changes until charm closes the
// channel, which it does when the session's request loop ends (charm's
// session.handleRequests; the server keeps charm's emulated PTY, whose
// handler never fails, so the close is always registered). Charm's loop
// blocks on every window change until the size is read, so a session
// that does not run the booth must still read them. A nil channel (no
// pty-req) needs nothing.
func drainWindows(winch <-chan cssh.Window) {
	if winch == nil {
		return
	}
	for range winch {
	}
}
