package ssh

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Startups is the cap on connections that have not signed in yet, like
// OpenSSH's MaxStartups start:rate:full. Below Start such connections are
// let in; from Start on a newcomer is refused with a chance of Rate
// percent, rising linearly to certainty at Full. A newcomer from a
// network holding at least two fewer of them than the network holding
// the most (see connLimiter.pick) is exempt: it is let in, and at Full the
// oldest unsigned connection of that heaviest network is closed to make
// room. A flood from a few networks, however many addresses or IPv6 /64s
// it holds within them, so keeps out neither members nor anyone else, and
// the pool, well below the total, leaves signed-in members their own
// places.
type Startups struct{ Start, Rate, Full int }

// DefaultStartups is the pre-authentication cap for the default total of
// DefaultMaxConns connections: OpenSSH's 10:30:100, scaled for a booth
// whose members arrive in bursts when an election opens.
var DefaultStartups = Startups{Start: 64, Rate: 30, Full: 256}

// startupsFor is the default cap for a total of maxConns connections: a
// sixteenth of it (at most DefaultStartups.Full), starting to drop at a
// quarter of that.
func startupsFor(maxConns int) Startups {
	full := max(1, min(DefaultStartups.Full, maxConns/16))
	return Startups{Start: full / 4, Rate: DefaultStartups.Rate, Full: full}
}

// ParseStartups reads start:rate:full, as --max-startups takes it.
func ParseStartups(v string) (Startups, error) {
	var st Startups
	parts := strings.Split(v, ":")
	if len(parts) != 3 {
		return st, fmt.Errorf("%q is not start:rate:full (such as %s)", v, DefaultStartups)
	}
	for i, p := range []*int{&st.Start, &st.Rate, &st.Full} {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return st, fmt.Errorf("%q is not start:rate:full (such as %s): %q is no number", v, DefaultStartups, parts[i])
		}
		*p = n
	}
	return st, st.check()
}

func (st Startups) check() error {
	if st.Full < 1 || st.Start < 0 || st.Start > st.Full || st.Rate < 0 || st.Rate > 100 {
		return fmt.Errorf("%s: need 0 <= start <= full, full >= 1 and a rate from 0 to 100 (percent), such as %s", st, DefaultStartups)
	}
	return nil
}

// String gives st as start:rate:full.
func (st Startups) String() string { return fmt.Sprintf("%d:%d:%d", st.Start, st.Rate, st.Full) }

// dropChance is the chance that a newcomer not exempt (see Startups) is
// refused, with n connections in the pool.
func (st Startups) dropChance(n int) float64 {
	if n >= st.Full {
		return 1
	}
	if n < st.Start {
		return 0
	}
	return (float64(st.Rate) + float64(100-st.Rate)*float64(n-st.Start)/float64(st.Full-st.Start)) / 100
}

// Why a connection is refused or closed, as the log says it (see
// refusalLog).
const (
	refusedTotal    = "connection refused: the server has its maximum of connections open"
	refusedSource   = "connection refused: too many connections from this address"
	refusedStartups = "connection refused: too many connections still signing in"
	closedForRoom   = "connection closed while signing in: its network held the most connections signing in, and the place went to a newcomer from another"
	refusedMember   = "sign-in refused: this member has the maximum of connections open"
	refusedClosed   = "sign-in refused: the connection was closed while signing in"
	closedNoSession = "connection closed: signed in but opened no session in time"
)

// A trackedConn's states: counted out (the zero state: refused, closed,
// or never counted), signing in, signed in.
const (
	stateOut = iota
	stateSigningIn
	stateSignedIn
)

// Phases of a connection signing in: in the handshake (no SSH version or
// key exchange yet: all a bare TCP flood ever reaches), then in user
// authentication. The pool closes connections still in the handshake
// before those already authenticating.
const (
	phaseHandshake = iota
	phaseAuth
)

// connLimiter counts connections: in total and per source address (an
// IPv4 address or an IPv6 /64, see sourceKey) from accept to close, those
// not signed in yet in the pre-authentication pool (Startups), balanced
// by networks (see networks), and those signed in per member. Its accept
// check runs in charm's ConnCallback, before the SSH handshake, so a flood
// is turned away before it costs a key exchange.
type connLimiter struct {
	mu        sync.Mutex
	total     int
	perSource map[string]int
	// pool holds the connections not signed in yet, oldest first;
	// pending counts them. inNet counts them per network (each of their
	// networks), in every phase.
	pool      []*trackedConn
	pending   int
	inNet     map[string]*int
	scratch   []*trackedConn // pick's
	perMember map[string]int

	maxTotal, maxSource, maxMember int
	startups                       Startups
	// chance returns a number in [0, 1) for the random early drop.
	chance func() float64
}

func newConnLimiter(maxTotal, maxSource, maxMember int, st Startups) *connLimiter {
	return &connLimiter{
		perSource: map[string]int{}, inNet: map[string]*int{}, perMember: map[string]int{},
		maxTotal: maxTotal, maxSource: maxSource, maxMember: maxMember, startups: st, chance: rand.Float64,
	}
}

// trackedConn is a connection the limiter counts. Its fields past Conn,
// source and remote are the limiter's, under its lock.
type trackedConn struct {
	net.Conn
	l *connLimiter
	// source is what the per-address limits count by; remote is the
	// address for the log.
	source, remote string
	// nets are the networks source lies in, widest first, ending with
	// source itself (see networks).
	nets []string
	// inNet are the pool's counts of nets while c is in the pool.
	inNet  []*int
	state  int
	phase  int
	member string
	// noSession closes the connection if it opens no session in time
	// once signed in; sessionStarted stops it.
	noSession      *time.Timer
	sessionStarted bool
}

// admit counts c in, or returns why it is refused. When it lets c in by
// taking another connection's place, it returns that connection, already
// counted out, for the caller to close. Below Start everyone is let in;
// from Start a newcomer pick exempts is let in, at Full in place of the
// victim pick names; any other newcomer is refused at random, at Full
// always: a connection in progress is never closed for one.
func (l *connLimiter) admit(c *trackedConn) (victim *trackedConn, refused string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.maxTotal {
		return nil, refusedTotal
	}
	if l.perSource[c.source] >= l.maxSource {
		return nil, refusedSource
	}
	if c.nets == nil {
		c.nets = networks(c.source)
	}
	if l.pending >= l.startups.Start {
		v, ok := l.pick(c)
		switch {
		case !ok:
			if l.chance() < l.startups.dropChance(l.pending) {
				return nil, refusedStartups
			}
		case l.pending >= l.startups.Full:
			victim = v
			l.countOut(victim)
		}
	}
	c.l, c.state, c.phase = l, stateSigningIn, phaseHandshake
	l.total++
	l.perSource[c.source]++
	l.pool = append(l.pool, c)
	l.pending++
	l.countNets(c, 1)
	return victim, ""
}

// pick finds the connection a newcomer c would displace. It walks the
// networks from the widest down, each time into the one holding the most
// connections in any phase (of equals, the one whose connection is
// oldest), to the heaviest source, and takes its oldest connection still
// in the handshake, or else its oldest. Weighing by every phase matters:
// a flood whose connections finish the key exchange (cheap) would
// otherwise weigh nothing against a member's handshake.
// c is exempt (ok) only if, where its networks part from that path, its
// own holds at least two fewer: so a source's only connection gives way
// to no newcomer of a network as light, the places go to the networks
// holding the fewest, and one network with many addresses (an IPv6 /48
// with its 65,536 /64s) counts as one heavy source, not as many light
// ones.
func (l *connLimiter) pick(c *trackedConn) (victim *trackedConn, ok bool) {
	// It runs for every newcomer to a pool past Start, under the lock:
	// it reuses one slice and reads the counts through each connection's
	// pointers rather than the map.
	cands := append(l.scratch[:0], l.pool...)
	defer func() { clear(cands); l.scratch = cands[:0] }()
	parted := false
	for level := 0; len(cands) > 0; level++ {
		var heaviest *int
		best := -1
		for _, o := range cands { // oldest first: of equals the first wins
			if level >= len(o.nets) {
				continue
			}
			if n := *o.inNet[level]; n > best {
				heaviest, best = o.inNet[level], n
			}
		}
		if best < 0 {
			break // below the heaviest source: its connections, oldest first
		}
		if !parted && (level >= len(c.nets) || l.inNet[c.nets[level]] != heaviest) {
			parted = true
			own := 0
			if level < len(c.nets) {
				if n := l.inNet[c.nets[level]]; n != nil {
					own = *n
				}
			}
			if best < own+2 {
				return nil, false
			}
		}
		cands = slices.DeleteFunc(cands, func(o *trackedConn) bool {
			return level >= len(o.nets) || o.inNet[level] != heaviest
		})
	}
	if !parted || len(cands) == 0 {
		return nil, false // c is of the heaviest source itself
	}
	if i := slices.IndexFunc(cands, func(o *trackedConn) bool { return o.phase == phaseHandshake }); i >= 0 {
		return cands[i], true
	}
	return cands[0], true
}

// countNets adds d to the counts of c's networks, and points c.inNet at
// them.
func (l *connLimiter) countNets(c *trackedConn, d int) {
	if c.inNet == nil {
		c.inNet = make([]*int, len(c.nets))
	}
	for i, n := range c.nets {
		count := l.inNet[n]
		if count == nil {
			count = new(int)
			l.inNet[n] = count
		}
		c.inNet[i] = count
		if *count += d; *count == 0 {
			delete(l.inNet, n)
		}
	}
}

// authenticating records that c, signing in, finished its key exchange
// and is in user authentication.
func (l *connLimiter) authenticating(c *trackedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.state != stateSigningIn || c.phase == phaseAuth {
		return
	}
	c.phase = phaseAuth
}

// signedIn moves c from the pre-authentication pool to its member's
// connections, or returns why it cannot: c was closed already (to make
// room, or at its end), or the member has the maximum open. A signed-in
// connection then has wait to open a session before onTimeout runs.
func (l *connLimiter) signedIn(c *trackedConn, member string, wait time.Duration, onTimeout func()) (refused string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.state != stateSigningIn {
		return refusedClosed
	}
	if l.perMember[member] >= l.maxMember {
		return refusedMember
	}
	l.leavePool(c)
	c.state, c.member = stateSignedIn, member
	l.perMember[member]++
	c.noSession = time.AfterFunc(wait, onTimeout)
	return ""
}

// startSession records that c opened a session: it is kept.
func (l *connLimiter) startSession(c *trackedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c.sessionStarted = true
	if c.noSession != nil {
		c.noSession.Stop()
	}
}

// expire reports whether c, signed in, has opened no session; it is then
// counted out, for the caller to close.
func (l *connLimiter) expire(c *trackedConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.state != stateSignedIn || c.sessionStarted {
		return false
	}
	l.countOut(c)
	return true
}

// countOut forgets c; a connection is counted out once, whoever comes
// first (its close, its eviction, its expiry).
func (l *connLimiter) countOut(c *trackedConn) {
	switch c.state {
	case stateSigningIn:
		l.leavePool(c)
	case stateSignedIn:
		if c.noSession != nil {
			c.noSession.Stop()
		}
		if l.perMember[c.member]--; l.perMember[c.member] <= 0 {
			delete(l.perMember, c.member)
		}
	default:
		return
	}
	c.state = stateOut
	l.total--
	if l.perSource[c.source]--; l.perSource[c.source] <= 0 {
		delete(l.perSource, c.source)
	}
}

// leavePool takes c, signing in, out of the pre-authentication pool.
func (l *connLimiter) leavePool(c *trackedConn) {
	l.pool = slices.DeleteFunc(l.pool, func(o *trackedConn) bool { return o == c })
	l.countNets(c, -1)
	l.pending--
}

// Close closes the connection and counts it out.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.l.mu.Lock()
	c.l.countOut(c)
	c.l.mu.Unlock()
	return err
}

// connKey is where a connection's trackedConn sits in its charm context.
type connKey struct{}

// admitConn is the server's ConnCallback: it counts a connection in, or
// refuses it (returning nil closes it); the count is released when charm
// closes the connection.
func (s *Server) admitConn(ctx cssh.Context, nc net.Conn) net.Conn {
	addr := nc.RemoteAddr()
	c := &trackedConn{Conn: nc, source: sourceKey(addr), remote: remoteIP(addr)}
	victim, refused := s.conns.admit(c)
	if refused != "" {
		s.refuse(refused, "remote", c.remote)
		return nil
	}
	if victim != nil {
		s.refuse(closedForRoom, "remote", victim.remote)
		_ = victim.Conn.Close()
	}
	ctx.SetValue(connKey{}, c)
	return c
}

// serverConfig gives each connection's x/crypto configuration a hook
// for the moment its client has proved it holds the key: charm has none.
func (s *Server) serverConfig(ctx cssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		// Called once the key exchange is done, before user
		// authentication: the connection is no bare flood.
		PreAuthConnCallback: func(gossh.ServerPreAuthConn) {
			s.metrics.handshakes.Inc()
			if c, ok := ctx.Value(connKey{}).(*trackedConn); ok {
				s.conns.authenticating(c)
			}
		},
		VerifiedPublicKeyCallback: func(_ gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			return perms, s.signIn(ctx, key)
		},
	}
}

// signIn moves a connection whose client proved it holds key out of the
// pre-authentication pool, under its member's connection cap, and logs
// it: member, address, key, never anything about voting. A member over
// the cap is refused with a banner saying why.
func (s *Server) signIn(ctx cssh.Context, key gossh.PublicKey) error {
	c, ok := ctx.Value(connKey{}).(*trackedConn)
	if !ok {
		return nil
	}
	fp := gossh.FingerprintSHA256(key)
	// The session identifies the key again and says what is wrong with
	// it; here it only names whom the cap counts.
	name := "key " + fp
	if id, err := s.identifyKey(ctx, fp); err == nil {
		name = id.name()
	}
	switch s.conns.signedIn(c, name, s.cfg.SessionWait, func() { s.closeWithoutSession(c) }) {
	case "":
	case refusedClosed:
		// Closed to make room for a newcomer (or at its end): the
		// client is mostly gone by now, so the log is what tells.
		s.refuse(refusedClosed, "member", name, "remote", c.remote)
		return &gossh.BannerError{
			Err:     errors.New("connection closed while signing in"),
			Message: "booth: the server closed this connection while you signed in, as it was busy: connect again\n",
		}
	default:
		s.refuse(refusedMember, "member", name, "remote", c.remote)
		return &gossh.BannerError{
			Err:     errors.New("too many connections for this member"),
			Message: fmt.Sprintf("booth: you already have %d connections open to this server: close one first\n", s.cfg.MaxConnsPerMember),
		}
	}
	s.log.Info("signed in", "member", name, "remote", c.remote, "key", fp)
	return nil
}

// closeWithoutSession closes a signed-in connection that opened no
// session within SessionWait.
func (s *Server) closeWithoutSession(c *trackedConn) {
	if s.conns.expire(c) {
		s.refuse(closedNoSession, "member", c.member, "remote", c.remote, "waited", s.cfg.SessionWait)
		_ = c.Conn.Close()
	}
}

// sessionStarted keeps the connection of sess: it opened a session.
func (s *Server) sessionStarted(sess cssh.Session) {
	if c, ok := sess.Context().Value(connKey{}).(*trackedConn); ok {
		s.conns.startSession(c)
	}
}

// sourceKey is what the per-address limits count by: an IPv4 address
// (IPv4-mapped IPv6 included, and the IPv4 address a 6to4 or Teredo
// address embeds: one IPv4 address yields as many of those as it likes)
// or an IPv6 /64, the block one subscriber usually holds whole.
func sourceKey(a net.Addr) string {
	ip, err := netip.ParseAddr(remoteIP(a))
	if err != nil {
		return remoteIP(a)
	}
	ip = embeddedIPv4(ip.Unmap().WithZone(""))
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}

var (
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
)

// embeddedIPv4 is the IPv4 address a 6to4 (2002:aabb:ccdd::/48) or
// Teredo (2001::/32, the client's address inverted in the last 32 bits)
// address stands for; any other address is returned as it is.
func embeddedIPv4(ip netip.Addr) netip.Addr {
	b := ip.As16()
	switch {
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6]))
	case teredo.Contains(ip):
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
	}
	return ip
}

// networks are the networks the pre-authentication pool balances a
// source (a sourceKey) by, widest first, ending with the source: an IPv4
// address's /24; an IPv6 /64's /32 and /48, the blocks a provider and one
// site are usually given, so that a site's 65,536 /64s weigh as one. A
// source that is no address is its own only network.
func networks(source string) []string {
	if p, err := netip.ParsePrefix(source); err == nil && p.Addr().Is6() {
		return []string{
			netip.PrefixFrom(p.Addr(), 32).Masked().String(),
			netip.PrefixFrom(p.Addr(), 48).Masked().String(),
			source,
		}
	}
	if ip, err := netip.ParseAddr(source); err == nil && ip.Is4() {
		return []string{netip.PrefixFrom(ip, 24).Masked().String(), source}
	}
	return []string{source}
}

// remoteIP is a connection's remote address without its port.
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
