package ssh

import (
	"net"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	cssh "charm.land/ssh"
)

// connLimiter caps connections in total and per remote IP. It runs in
// charm's ConnCallback, before the SSH handshake, so a flood from one
// address is turned away before it costs a key exchange.
type connLimiter struct {
	mu              sync.Mutex
	total           int
	perIP           map[string]int
	maxTotal, maxIP int
}

func newConnLimiter(maxTotal, maxIP int) *connLimiter {
	return &connLimiter{perIP: map[string]int{}, maxTotal: maxTotal, maxIP: maxIP}
}

func (l *connLimiter) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.maxTotal || l.perIP[ip] >= l.maxIP {
		return false
	}
	l.total++
	l.perIP[ip]++
	return true
}

func (l *connLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perIP[ip]--; l.perIP[ip] <= 0 {
		delete(l.perIP, ip)
	}
}

// callback counts a connection in, or refuses it (returning nil closes
// it); the count is released when charm closes the connection.
func (l *connLimiter) callback(logger *log.Logger) cssh.ConnCallback {
	return func(_ cssh.Context, c net.Conn) net.Conn {
		ip := remoteIP(c.RemoteAddr())
		if !l.acquire(ip) {
			logger.Warn("connection refused: too many connections", "remote", ip)
			return nil
		}
		return &countedConn{Conn: c, release: sync.OnceFunc(func() { l.release(ip) })}
	}
}

func remoteIP(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// countedConn releases its place in the limiter once, when closed.
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.release()
	return err
}

// memberSessions caps one member's concurrent sessions on this server.
type memberSessions struct {
	mu   sync.Mutex
	open map[string]int
	max  int
}

func newMemberSessions(max int) *memberSessions {
	return &memberSessions{open: map[string]int{}, max: max}
}

// acquire counts a session for member and returns its release, or false
// when the member already has the maximum open.
func (m *memberSessions) acquire(member string) (func(), bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.open[member] >= m.max {
		return nil, false
	}
	m.open[member]++
	return sync.OnceFunc(func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.open[member]--; m.open[member] <= 0 {
			delete(m.open, member)
		}
	}), true
}

// clampWindow bounds a terminal size the client claims.
func clampWindow(w, h int) (int, int) {
	return min(max(w, 0), MaxWidth), min(max(h, 0), MaxHeight)
}

// clampedSession is a session whose PTY size and window changes are
// clamped before bubbletea (through wish's middleware and MakeOptions)
// sees them. Only the window-change channel is replaced; everything else
// is the session itself.
type clampedSession struct {
	cssh.Session
	pty   cssh.Pty
	winch chan cssh.Window
}

// clampSession wraps s. pty and winch are s.Pty()'s, read once: charm's
// session writes the PTY's window on every window-change request, so
// reading it again later would race.
func clampSession(s cssh.Session, pty cssh.Pty, winch <-chan cssh.Window) *clampedSession {
	pty.Window.Width, pty.Window.Height = clampWindow(pty.Window.Width, pty.Window.Height)
	pty.Window.WidthPixels, pty.Window.HeightPixels = 0, 0
	cs := &clampedSession{Session: s, pty: pty, winch: make(chan cssh.Window, 1)}
	go cs.forward(winch)
	return cs
}

// forward copies window changes, clamped, keeping only the latest when
// the program is slower than the client: a flood of resizes costs one
// pending message, not a queue. It drains the session's channel until
// charm closes it at the session's end, so charm's request loop never
// blocks on it (which would leak that loop). The channel's first window
// is the PTY request's own, which cs.pty holds: it is no change.
func (cs *clampedSession) forward(in <-chan cssh.Window) {
	<-in
	for w := range in {
		w.Width, w.Height = clampWindow(w.Width, w.Height)
		w.WidthPixels, w.HeightPixels = 0, 0
		select {
		case <-cs.winch: // drop the stale size
		default:
		}
		cs.winch <- w // cannot block: this is the only sender
	}
}

// Pty returns the clamped PTY and window changes.
func (cs *clampedSession) Pty() (cssh.Pty, <-chan cssh.Window, bool) {
	return cs.pty, cs.winch, true
}

// programFilter is the programs' message filter. Setting a filter replaces
// the one wish's MakeOptions installs, so it repeats its job (a suspend
// request, ctrl+z, would stop the whole server process: resume instead)
// and clamps sizes once more, whatever their source.
func programFilter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	case tea.WindowSizeMsg:
		m.Width, m.Height = clampWindow(m.Width, m.Height)
		return m
	}
	return msg
}
