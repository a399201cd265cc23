package ssh

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Issue 10 item 12: the connection limits under a flood.

// floodConn opens a TCP connection from the loopback address local
// (Linux routes all of 127/8 to lo) and waits until the server has
// decided on it: it either sends its SSH version (let in, then left
// unauthenticated) or closes the connection (refused). It reports
// whether it was let in; the connection stays open until the test ends.
func (e *testEnv) floodConn(local net.IP) bool {
	e.t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: local}, Timeout: 10 * time.Second}
	conn, err := d.Dial("tcp", e.addr)
	must(e.t, err)
	e.t.Cleanup(func() { conn.Close() })
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if strings.HasPrefix(line, "SSH-") {
		return true
	}
	// Anything else but silence is a refusal: EOF or a reset.
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		e.t.Fatalf("the server neither answered nor closed a connection from %s", local)
	}
	return false
}

// flood opens perAddr unauthenticated connections from each of addrs
// loopback addresses 127.0.<block>.1…, concurrently, and returns how
// many were let in.
func (e *testEnv) flood(block, addrs, perAddr int) int {
	e.t.Helper()
	var (
		wg sync.WaitGroup
		mu sync.Mutex
		in int
	)
	for a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ip := net.IPv4(127, 0, byte(block), byte(a+1))
			for range perAddr {
				if e.floodConn(ip) {
					mu.Lock()
					in++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return in
}

// A flood of unauthenticated connections from many addresses, which
// filled every place before (10,000 connections from 200 addresses
// refused a real member while it lasted), keeps no member out: the
// connections still signing in have a pool well below the total, and a
// newcomer from an address holding fewer of them than the busiest one is
// let in. Signed-in members keep their connections through a second
// flood.
func TestUnauthenticatedFloodDoesNotKeepMembersOut(t *testing.T) {
	// 64 places in all: a flood of 200 from 20 addresses (under the 64
	// per address) would take every one of them without the pool.
	e := newTestEnv(t, func(c *Config) { c.MaxConns = 64 })
	in := e.flood(1, 20, 10)
	t.Logf("first flood: %d of 200 unauthenticated connections let in", in)

	c, err := e.dial(gossh.PublicKeys(e.keys["ada"]))
	if err != nil {
		t.Fatalf("ada could not connect during a flood of unauthenticated connections: %v", err)
	}
	defer c.Close()
	if receipt, errOut, code := runOn(t, c, "cast board", "alma\nbert\n"); code != 0 || receipt == "" {
		t.Fatalf("ada's cast during the flood: exit %d, stderr %q", code, errOut)
	}

	in = e.flood(2, 20, 10)
	t.Logf("second flood: %d of 200 let in", in)
	if out, _, code := runOn(t, c, "status", ""); code != 0 || !strings.Contains(out, "board") {
		t.Fatalf("ada's connection after a second flood: exit %d, %q", code, out)
	}
	if _, err := e.dial(gossh.PublicKeys(e.keys["ken"])); err != nil {
		t.Fatalf("ken could not connect during the second flood: %v", err)
	}
	if box, voted := e.ballots("board"); box != 1 || voted != 1 {
		t.Fatalf("box %d, roll %d after ada's cast; want 1 and 1", box, voted)
	}
	// The sign-in is logged with the member, the address and the key.
	fp := gossh.FingerprintSHA256(e.keys["ada"].PublicKey())
	if !regexp.MustCompile(`signed in member=ada remote=127\.0\.0\.1 key=` + regexp.QuoteMeta(fp)).MatchString(e.logs.String()) {
		t.Fatalf("ada's sign-in is not logged with her address and key:\n%s", tail(e.logs.String(), 3000))
	}
}

// The per-address limits count an IPv6 /64 as one address (one
// subscriber's), and an IPv4-mapped IPv6 address as the IPv4 address.
func TestSourceKeyGroupsIPv6By64(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"::1", "::/64"},
	} {
		if got := sourceKey(&net.TCPAddr{IP: net.ParseIP(tc.addr), Port: 40000}); got != tc.want {
			t.Errorf("sourceKey(%s) = %q, want %q", tc.addr, got, tc.want)
		}
	}
	zoned := &net.TCPAddr{IP: net.ParseIP("fe80::1"), Zone: "eth0", Port: 40000}
	if got := sourceKey(zoned); got != "fe80::/64" {
		t.Errorf("sourceKey(%s) = %q, want fe80::/64", zoned, got)
	}
}

// dialProxied6 is dialProxied with a PROXY protocol TCP6 header.
func (e *testEnv) dialProxied6(member, clientIP string) (*gossh.Client, error) {
	conn, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintf(conn, "PROXY TCP6 %s ::1 40000 2222\r\n", clientIP); err != nil {
		conn.Close()
		return nil, err
	}
	return e.handshake(conn, member)
}

// Clients at two addresses of one IPv6 /64 share its per-address cap; a
// client in the next /64 does not. An IPv4 client and its IPv4-mapped
// IPv6 form share one.
func TestPerAddressCapCountsIPv6By64(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.ProxyFrom = []string{"127.0.0.1/32"}
		c.MaxConnsPerIP = 2
	})
	for _, ip := range []string{"2001:db8::1", "2001:db8::2"} {
		if _, err := e.dialProxied6("ada", ip); err != nil {
			t.Fatalf("a connection from %s: %v", ip, err)
		}
	}
	if c, err := e.dialProxied6("ken", "2001:db8::3"); err == nil {
		c.Close()
		t.Fatal("a third connection from 2001:db8::/64 passed a cap of two per address")
	}
	if _, err := e.dialProxied6("ken", "2001:db8:0:1::1"); err != nil {
		t.Fatalf("a connection from the next /64 was refused: %v", err)
	}

	if _, err := e.dialProxied("ken", "203.0.113.7"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dialProxied6("ken", "::ffff:203.0.113.7"); err != nil {
		t.Fatal(err)
	}
	if c, err := e.dialProxied("ken", "203.0.113.7"); err == nil {
		c.Close()
		t.Fatal("203.0.113.7 and ::ffff:203.0.113.7 were counted apart")
	}
}

// dialWithBanner connects as member and returns what the server showed
// during authentication.
func (e *testEnv) dialWithBanner(member string) (*gossh.Client, string, error) {
	var banner strings.Builder
	c, err := gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User:            "vote",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(e.keys[member])},
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
		BannerCallback:  func(m string) error { banner.WriteString(m); return nil },
		Timeout:         10 * time.Second,
	})
	return c, banner.String(), err
}

// A member's signed-in connections are capped; the one too many is told
// why, and others are not affected.
func TestConnectionsPerMemberAreCapped(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConnsPerMember = 2 })
	first := e.client("ada")
	e.client("ada")
	c, banner, err := e.dialWithBanner("ada")
	if err == nil {
		c.Close()
		t.Fatal("a third connection of ada's passed a cap of two per member")
	}
	if !strings.Contains(banner, "you already have 2 connections open") {
		t.Fatalf("the refused member was shown %q", banner)
	}
	if !strings.Contains(e.logs.String(), refusedMember) {
		t.Fatalf("the refusal is not logged:\n%s", e.logs.String())
	}
	if out, _, code := e.run("ken", "whoami", ""); code != 0 || !strings.Contains(out, "ken") {
		t.Fatalf("ken's session: exit %d\n%s", code, out)
	}
	first.Close()
	e.waitForPlace(t, "ada")
}

// A connection that signs in and opens no session is closed after the
// wait, and the log says so; one that opened a session is kept.
func TestSignedInConnectionWithoutSessionIsClosed(t *testing.T) {
	const wait = 300 * time.Millisecond
	e := newTestEnv(t, func(c *Config) { c.SessionWait = wait })
	idle := e.client("ada")
	closed := make(chan struct{})
	go func() { _ = idle.Wait(); close(closed) }()

	used := e.client("ken")
	if _, _, code := runOn(t, used, "whoami", ""); code != 0 {
		t.Fatal("ken's whoami failed")
	}

	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatalf("a connection without a session was still open 20 s after a wait of %s", wait)
	}
	if !regexp.MustCompile(regexp.QuoteMeta(closedNoSession) + ` member=ada remote=127\.0\.0\.1`).MatchString(e.logs.String()) {
		t.Fatalf("the closing is not logged with the member:\n%s", e.logs.String())
	}
	// ada's place is free again; ken's connection, which had a session,
	// still serves.
	time.Sleep(3 * wait)
	if out, _, code := runOn(t, used, "whoami", ""); code != 0 || !strings.Contains(out, "ken") {
		t.Fatalf("ken's connection, which opened a session, was closed: exit %d", code)
	}
}

// Refusals write at most one line a second per reason, and the lines
// account for every refusal (1,413 lines in a second before).
func TestRefusalLoggingIsBounded(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConnsPerIP = 1 })
	ip := net.IPv4(127, 0, 3, 1)
	if !e.floodConn(ip) {
		t.Fatal("the first connection was refused")
	}
	const refusals = 300
	start := time.Now()
	for range refusals {
		if e.floodConn(ip) {
			t.Fatal("a connection over the cap of one per address was let in")
		}
	}
	elapsed := time.Since(start)

	lines := func() []string {
		var ls []string
		for l := range strings.SplitSeq(e.logs.String(), "\n") {
			if strings.Contains(l, refusedSource) {
				ls = append(ls, l)
			}
		}
		return ls
	}
	suppressed := regexp.MustCompile(`suppressed=(\d+)`)
	accounted := func() int {
		n := 0
		for _, l := range lines() {
			if strings.Contains(l, "remote=") {
				n++
			}
			if m := suppressed.FindStringSubmatch(l); m != nil {
				k, _ := strconv.Atoi(m[1])
				n += k
			}
		}
		return n
	}
	// The count of the last second's refusals comes a second later.
	if !eventually(func() bool { return accounted() == refusals }) {
		t.Fatalf("the log accounts for %d of %d refusals:\n%s", accounted(), refusals, strings.Join(lines(), "\n"))
	}
	// One line per second of flood and reason, one more for the count of
	// the last second.
	if limit := int(elapsed/refusalLogEvery) + 2; len(lines()) > limit {
		t.Fatalf("%d refusals in %s wrote %d lines; at most %d expected", refusals, elapsed, len(lines()), limit)
	}
	t.Logf("%d refusals in %s: %d log lines", refusals, elapsed.Round(time.Millisecond), len(lines()))
}

// The pre-authentication pool: below start everyone is let in; from
// start, newcomers from the busiest address are refused at random (a
// chance rising from rate to certainty at full); a newcomer from a
// lighter address is let in, at full in place of the busiest address's
// oldest connection; a signed-in connection leaves the pool.
func TestStartupsDropAtRandomAndMakeRoomForLighterAddresses(t *testing.T) {
	st := Startups{Start: 2, Rate: 50, Full: 4}
	for n, want := range map[int]float64{0: 0, 1: 0, 2: 0.5, 3: 0.75, 4: 1, 9: 1} {
		if got := st.dropChance(n); got != want {
			t.Errorf("dropChance(%d) = %v, want %v", n, got, want)
		}
	}
	l := newConnLimiter(100, 100, 100, st)
	var roll float64
	l.chance = func() float64 { return roll }
	conn := func(src string) *trackedConn { return &trackedConn{source: src} }
	admit := l.admit

	a1, a2 := conn("a"), conn("a")
	roll = 0 // the worst roll: below start nothing is dropped
	for _, c := range []*trackedConn{a1, a2} {
		if _, refused := admit(c); refused != "" {
			t.Fatalf("below start: %s", refused)
		}
	}
	// At start (2 signing in, a chance of 0.5): a's third is refused on a
	// roll under the chance, let in on one above it.
	roll = 0.49
	if _, refused := admit(conn("a")); refused != refusedStartups {
		t.Fatalf("a roll of 0.49 against a chance of 0.5: %q", refused)
	}
	roll = 0.5
	a3 := conn("a")
	if _, refused := admit(a3); refused != "" {
		t.Fatalf("a roll of 0.5 against a chance of 0.5: %q", refused)
	}
	// b holds fewer than a: let in whatever the roll.
	roll = 0
	b1 := conn("b")
	if victim, refused := admit(b1); refused != "" || victim != nil {
		t.Fatalf("b, lighter than a, below full: victim %v, %q", victim, refused)
	}
	// Full (4): a newcomer from a is refused; one from c takes a's oldest
	// place.
	roll = 0.999
	if _, refused := admit(conn("a")); refused != refusedStartups {
		t.Fatalf("a at full: %q", refused)
	}
	victim, refused := admit(conn("c"))
	if refused != "" || victim != a1 {
		t.Fatalf("c at full: victim %v (want a's oldest), %q", victim, refused)
	}
	if l.pending != 4 || l.total != 4 || l.perSource["a"] != 2 {
		t.Fatalf("after the eviction: %d signing in, %d in all, %d from a; want 4, 4, 2", l.pending, l.total, l.perSource["a"])
	}
	// A signed-in connection leaves the pool, not the total.
	if l.signedIn(b1, "ada", time.Hour, func() {}) != "" {
		t.Fatal("b's sign-in was refused")
	}
	if l.pending != 3 || l.total != 4 || l.perMember["ada"] != 1 {
		t.Fatalf("after a sign-in: %d signing in, %d in all, %d of ada's; want 3, 4, 1", l.pending, l.total, l.perMember["ada"])
	}
	// Closing counts out once, whatever came first.
	l.mu.Lock()
	l.countOut(b1)
	l.countOut(b1)
	l.countOut(a1) // evicted already
	l.mu.Unlock()
	if l.pending != 3 || l.total != 3 || len(l.perMember) != 0 {
		t.Fatalf("after closing: %d signing in, %d in all, members %v; want 3, 3, none", l.pending, l.total, l.perMember)
	}
}

func TestParseStartups(t *testing.T) {
	if st, err := ParseStartups("10:30:100"); err != nil || st != (Startups{10, 30, 100}) {
		t.Fatalf("ParseStartups(10:30:100) = %v, %v", st, err)
	}
	for _, bad := range []string{"", "10:30", "a:30:100", "10:130:100", "100:30:10", "0:30:0"} {
		if _, err := ParseStartups(bad); err == nil || !strings.Contains(err.Error(), DefaultStartups.String()) {
			t.Errorf("ParseStartups(%q): %v", bad, err)
		}
	}
}
