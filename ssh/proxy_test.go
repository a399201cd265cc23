package ssh

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// dialProxied connects as member through a load balancer that says, with a
// PROXY protocol v1 header, that the client is at clientIP.
func (e *testEnv) dialProxied(member, clientIP string) (*gossh.Client, error) {
	conn, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintf(conn, "PROXY TCP4 %s 127.0.0.1 40000 2222\r\n", clientIP); err != nil {
		conn.Close()
		return nil, err
	}
	return e.handshake(conn, member)
}

func (e *testEnv) handshake(conn net.Conn, member string) (*gossh.Client, error) {
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	c, chans, reqs, err := gossh.NewClientConn(conn, e.addr, &gossh.ClientConfig{
		User:            "vote",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(e.keys[member])},
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	client := gossh.NewClient(c, chans, reqs)
	e.t.Cleanup(func() { client.Close() })
	return client, nil
}

// Behind a load balancer, the limits and the logs see each client's own
// address, and nobody reaches the server around the balancer.
func TestProxyProtocolGivesTheClientsAddress(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.ProxyFrom = []string{"127.0.0.1/32"}
		c.MaxConnsPerIP = 1
	})
	first, err := e.dialProxied("ada", "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	if out, _, code := runOn(t, first, "whoami", ""); code != 0 || !strings.Contains(out, "ada") {
		t.Fatalf("whoami through the balancer: exit %d, %q", code, out)
	}
	if !eventually(func() bool { return strings.Contains(e.logs.String(), "remote=203.0.113.7") }) {
		t.Fatalf("the session log does not name the client's address:\n%s", e.logs.String())
	}
	// The per-address cap counts the client's address, not the balancer's.
	if _, err := e.dialProxied("ken", "203.0.113.8"); err != nil {
		t.Fatalf("a second client behind the same balancer was refused: %v", err)
	}
	if c, err := e.dialProxied("ken", "203.0.113.7"); err == nil {
		c.Close()
		t.Fatal("a second connection from 203.0.113.7 passed a cap of one per address")
	}
	// A connection from the balancer's address without a header is refused.
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.handshake(conn, "ada"); err == nil {
		c.Close()
		t.Fatal("a connection without a PROXY header was served")
	}
}

// A client that is not a trusted balancer cannot claim an address with a
// header of its own.
func TestProxyHeaderFromAnUntrustedPeerIsRefused(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.ProxyFrom = []string{"10.0.0.0/8"} })
	if c, err := e.dialProxied("ada", "203.0.113.7"); err == nil {
		c.Close()
		t.Fatal("a PROXY header from 127.0.0.1, which is not a trusted balancer, was honoured")
	}
}

func TestBadProxySendersAreRefusedAtStart(t *testing.T) {
	e := newTestEnv(t, nil)
	_, err := New(Config{HostKeyPath: e.srv.cfg.HostKeyPath, Service: e.svc, ProxyFrom: []string{"not-an-address"}})
	if err == nil || !strings.Contains(err.Error(), "not-an-address") {
		t.Fatalf("New with a bad PROXY sender: %v", err)
	}
}
