package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Issue 10 item 12, after review: a flood of bare TCP connections from
// many sources must not close a member's connection while it signs in.

// sixtyFour is the /64 number i of the /48 2001:db8:<site>::/48.
func sixtyFour(site, i int) string { return fmt.Sprintf("2001:db8:%x:%x::/64", site, i) }

// An attacker holding one unsigned connection from each of many IPv6
// /64s of one /48 (a tunnel broker gives out a /48: 65,536 /64s) kept the
// pool full at one connection per source, and each newcomer from a fresh
// /64 closed the oldest connection: a member's became the oldest within a
// pool's worth of connections and was closed. The /48 now weighs as one
// heavy source: its newcomers are refused, not the member's connection.
func TestManySourceFloodKeepsMembersConnection(t *testing.T) {
	st := DefaultStartups
	l := newConnLimiter(4096, 64, 6, st)
	// The attacker wins every random early drop: below full its
	// connections are let in.
	l.chance = func() float64 { return 0.999 }
	conn := func(src string) *trackedConn { return &trackedConn{source: src, remote: src} }
	next := 0
	attack := func() (*trackedConn, string) {
		next++
		v, refused := l.admit(conn(sixtyFour(0, next)))
		return v, refused
	}
	for range st.Full {
		if _, refused := attack(); refused != "" {
			t.Fatalf("filling the pool: %s", refused)
		}
	}
	member := conn("198.51.100.7")
	victim, refused := l.admit(member)
	if refused != "" || victim == nil {
		t.Fatalf("a member from another network at a full pool: victim %v, %q; want an attacker's place", victim, refused)
	}
	let := 0
	for i := 1; i <= 2000; i++ {
		v, refused := attack()
		if v == member {
			t.Fatalf("the member's connection, still signing in, was closed for attacker connection %d", i)
		}
		if refused == "" {
			let++
		}
	}
	if member.state != stateSigningIn || l.pending > st.Full {
		t.Fatalf("after the flood: member's state %d, %d signing in; want still signing in, at most %d", member.state, l.pending, st.Full)
	}
	// A second member from yet another network still gets in.
	if _, refused := l.admit(conn("203.0.113.9")); refused != "" {
		t.Fatalf("a second member during the flood: %s", refused)
	}
	t.Logf("%d of 2,000 attacker connections let in", let)
}

// Where the networks are all distinct and as light as the member's (a
// botnet), a source's only connection gives way to no newcomer: the
// newcomer is refused at a full pool, the connection in progress kept.
func TestFullPoolRefusesNewcomerRatherThanAnOnlyConnection(t *testing.T) {
	st := Startups{Start: 4, Rate: 30, Full: 16}
	l := newConnLimiter(1000, 64, 6, st)
	conn := func(src string) *trackedConn { return &trackedConn{source: src, remote: src} }
	member := conn("198.51.100.7")
	if _, refused := l.admit(member); refused != "" {
		t.Fatal(refused)
	}
	for i := range 1000 {
		v, _ := l.admit(conn(fmt.Sprintf("10.%d.%d.1", i/256, i%256)))
		if v == member {
			t.Fatalf("the member's only connection was closed for a newcomer from a network as light (connection %d)", i)
		}
	}
	if l.pending != st.Full || member.state != stateSigningIn {
		t.Fatalf("%d signing in, member state %d; want %d, signing in", l.pending, member.state, st.Full)
	}
}

// A connection in user authentication gives way only after those still in
// the handshake: the heaviest network's oldest handshake is closed first.
func TestFullPoolClosesHandshakesBeforeAuthentications(t *testing.T) {
	st := Startups{Start: 0, Rate: 0, Full: 4}
	l := newConnLimiter(100, 100, 100, st)
	l.chance = func() float64 { return 0.999 }
	conn := func(src string) *trackedConn { return &trackedConn{source: src, remote: src} }
	a1, a2, a3, b1 := conn("192.0.2.1"), conn("192.0.2.1"), conn("192.0.2.1"), conn("198.51.100.1")
	for _, c := range []*trackedConn{a1, a2, a3, b1} {
		if _, refused := l.admit(c); refused != "" {
			t.Fatal(refused)
		}
	}
	l.authenticating(a1)
	victim, refused := l.admit(conn("203.0.113.1"))
	if refused != "" || victim != a2 {
		t.Fatalf("full: victim %v, %q; want a's oldest still in the handshake (a2), not a1 authenticating", victim, refused)
	}
	// a still holds the most (a1 authenticating, a3 in the handshake:
	// every phase weighs), and of its connections the handshake goes
	// first.
	victim, refused = l.admit(conn("203.0.114.1"))
	if refused != "" || victim != a3 {
		t.Fatalf("full again: victim %v, %q; want a3 (a holds two, the newcomer's network none; a3 is still in the handshake)", victim, refused)
	}
	if l.pending != 4 || l.total != 4 {
		t.Fatalf("%d signing in, %d in all; want 4, 4", l.pending, l.total)
	}
}

// The pool balances by networks: IPv6 /32 and /48 above the /64, IPv4 /24
// above the address, and 6to4 and Teredo addresses by the IPv4 address
// they embed.
func TestSourceNetworks(t *testing.T) {
	for _, tc := range []struct{ addr, key, nets string }{
		{"192.0.2.1", "192.0.2.1", "192.0.2.0/24 192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1", "192.0.2.0/24 192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64", "2001:db8::/32 2001:db8:1::/48 2001:db8:1:2::/64"},
		{"2002:c000:201:7::1", "192.0.2.1", "192.0.2.0/24 192.0.2.1"},                   // 6to4
		{"2001:0:4136:e378:8000:63bf:3fff:fdfe", "192.0.2.1", "192.0.2.0/24 192.0.2.1"}, // Teredo
	} {
		key := sourceKey(&net.TCPAddr{IP: net.ParseIP(tc.addr), Port: 40000})
		if key != tc.key {
			t.Errorf("sourceKey(%s) = %q, want %q", tc.addr, key, tc.key)
		}
		if nets := strings.Join(networks(key), " "); nets != tc.nets {
			t.Errorf("networks(%s) = %q, want %q", key, nets, tc.nets)
		}
	}
}

// signInCtx is the little of a charm context signIn uses.
type signInCtx struct {
	cssh.Context
	base context.Context
	conn *trackedConn
}

func (c signInCtx) Value(k any) any {
	if k == (connKey{}) {
		return c.conn
	}
	return c.base.Value(k)
}
func (c signInCtx) Deadline() (time.Time, bool) { return c.base.Deadline() }
func (c signInCtx) Done() <-chan struct{}       { return c.base.Done() }
func (c signInCtx) Err() error                  { return c.base.Err() }

// A connection closed to make room while its member authenticates is
// told so, and logged so: not that the member has too many connections.
func TestSignInAfterClosingForRoomSaysWhy(t *testing.T) {
	e := newTestEnv(t, nil)
	c := &trackedConn{Conn: nopConn{}, source: "192.0.2.1", remote: "192.0.2.1"}
	if _, refused := e.srv.conns.admit(c); refused != "" {
		t.Fatal(refused)
	}
	e.srv.conns.mu.Lock()
	e.srv.conns.countOut(c) // as admit does to a newcomer's victim
	e.srv.conns.mu.Unlock()
	err := e.srv.signIn(signInCtx{base: context.Background(), conn: c}, e.keys["ada"].PublicKey())
	banner, ok := errors.AsType[*gossh.BannerError](err)
	if !ok || strings.Contains(banner.Message, "connections open") || !strings.Contains(banner.Message, "closed") {
		t.Fatalf("signing in on a connection closed for room: %v", err)
	}
	if logs := e.logs.String(); strings.Contains(logs, refusedMember) || !strings.Contains(logs, "closed while signing in") {
		t.Fatalf("the log does not say the connection was closed:\n%s", tail(logs, 2000))
	}
}

type nopConn struct{ net.Conn }

func (nopConn) Close() error { return nil }

// End to end, through PROXY protocol headers as a front proxy passes
// them: an attacker cycling bare TCP connections from fresh IPv6 /64s of
// one /48 kept a member 20 ms away from signing in at all (0 of 10); every
// sign-in now succeeds.
func TestManySourceFloodLetsMembersSignIn(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.ProxyFrom = []string{"127.0.0.1/32"}
		c.MaxConns = 512 // a pool of 32, starting to drop at 8
	})
	stop := make(chan struct{})
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		held []net.Conn
		n    atomic.Int64
	)
	for g := range 3 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				conn, err := net.DialTimeout("tcp", e.addr, time.Second)
				if err != nil {
					continue
				}
				fmt.Fprintf(conn, "PROXY TCP6 2001:db8:%x:%x::1 ::1 40000 2222\r\n", g+1, i%65536)
				n.Add(1)
				mu.Lock()
				held = append(held, conn)
				if len(held) > 300 { // bounds the test's own descriptors
					held[0].Close()
					held = held[1:]
				}
				mu.Unlock()
				time.Sleep(500 * time.Microsecond)
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	time.Sleep(300 * time.Millisecond)
	ok := 0
	var lastErr error
	for range 10 {
		conn, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
		must(t, err)
		fmt.Fprintf(conn, "PROXY TCP6 2001:db8:ffff:1::7 ::1 40000 2222\r\n")
		c, err := e.handshake(delayedConn{conn, 20 * time.Millisecond}, "ada")
		if err != nil {
			lastErr = err
			continue
		}
		ok++
		c.Close()
	}
	t.Logf("attacker connections: %d; ada signed in %d of 10", n.Load(), ok)
	if ok < 10 {
		t.Fatalf("ada signed in %d of 10 times during a flood from one /48's /64s (last: %v)", ok, lastErr)
	}
}

// delayedConn delays every read: a member some way off.
type delayedConn struct {
	net.Conn
	delay time.Duration
}

func (c delayedConn) Read(b []byte) (int, error) {
	time.Sleep(c.delay)
	return c.Conn.Read(b)
}

// A connection whose key exchange is done is marked as in user
// authentication before its first authentication request is answered.
func TestKeyExchangeMarksConnectionAuthenticating(t *testing.T) {
	e := newTestEnv(t, nil)
	reached, release := make(chan struct{}), make(chan struct{})
	cfg := &gossh.ClientConfig{
		User:            "ada",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(e.keys["ada"])},
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
		// The server sends its banner on the first authentication request.
		BannerCallback: func(string) error { close(reached); <-release; return nil },
	}
	done := make(chan error, 1)
	go func() {
		c, err := gossh.Dial("tcp", e.addr, cfg)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("no banner")
	}
	l := e.srv.conns
	l.mu.Lock()
	var phases []int
	for _, c := range l.pool {
		phases = append(phases, c.phase)
	}
	l.mu.Unlock()
	close(release)
	if len(phases) != 1 || phases[0] != phaseAuth {
		t.Fatalf("phases of the connections signing in: %v; want one in user authentication (%d)", phases, phaseAuth)
	}
	if err := <-done; err != nil {
		t.Fatalf("ada's sign-in: %v", err)
	}
}

// A flood from one network whose connections finish the key exchange
// (cheap) and wait in user authentication weighs as much as it holds: a
// newcomer from it displaces no member's handshake (at most one of its
// own network's) in a network of two
// (a NAT, a campus /24), and a newcomer from elsewhere displaces one of
// the flood's (second review of issue 10 item 12).
func TestAuthenticatingFloodStillWeighs(t *testing.T) {
	st := Startups{Start: 0, Rate: 0, Full: 20}
	l := newConnLimiter(1000, 1000, 100, st)
	l.chance = func() float64 { return 0.999 }
	conn := func(src string) *trackedConn { return &trackedConn{source: src, remote: src} }
	var flood []*trackedConn
	for i := range 18 {
		c := conn(fmt.Sprintf("203.0.113.%d", 1+i%4))
		if _, refused := l.admit(c); refused != "" {
			t.Fatal(refused)
		}
		l.authenticating(c)
		flood = append(flood, c)
	}
	m1, m2 := conn("198.51.100.7"), conn("198.51.100.8")
	for _, c := range []*trackedConn{m1, m2} {
		if _, refused := l.admit(c); refused != "" {
			t.Fatal(refused)
		}
	}
	if victim, refused := l.admit(conn("203.0.113.9")); refused == "" && !slices.Contains(flood, victim) {
		t.Errorf("a newcomer from the network holding 18 of 20 places closed %s's handshake", victim.source)
	}
	victim, refused := l.admit(conn("192.0.2.1"))
	if refused != "" || !slices.Contains(flood, victim) {
		t.Errorf("a newcomer from a fresh network: victim %v, %q; want one of the flood's connections", victim, refused)
	}
}
