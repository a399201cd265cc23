package ssh

import (
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// secondFrontEnd starts another server on e's store and host key, as a
// second front end on a shared database, and returns its address.
func (e *testEnv) secondFrontEnd(tweak func(*Config)) string {
	e.t.Helper()
	cfg := Config{HostKeyPath: e.srv.cfg.HostKeyPath, Service: e.svc, Logger: log.New(e.logs)}
	if tweak != nil {
		tweak(&cfg)
	}
	_, addr := e.serve(cfg)
	return addr
}

// A member's session limit holds across front ends sharing the store, and
// a place is free again once its session ends.
func TestSessionLimitHoldsAcrossFrontEnds(t *testing.T) {
	one := func(c *Config) { c.MaxSessionsPerMember = 1 }
	e := newTestEnv(t, one)
	other := e.secondFrontEnd(one)

	first := e.terminal(e.client("ada"), 80, 24)
	first.waitFor("Signed in as")

	c, err := gossh.Dial("tcp", other, &gossh.ClientConfig{User: "vote", Auth: []gossh.AuthMethod{gossh.PublicKeys(e.keys["ada"])},
		HostKeyCallback: gossh.FixedHostKey(e.hostKey), Timeout: 10 * time.Second})
	must(t, err)
	defer c.Close()
	second := e.terminal(c, 80, 24)
	second.waitFor("you already have 1 session open: close it first")

	first.send(keyCtrlC)
	if err := first.sess.Wait(); err != nil {
		var exit *gossh.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("the first session did not end: %v", err)
		}
	}
	third := e.terminal(c, 80, 24)
	third.waitFor("Signed in as")
}

// A lease that its front end stopped renewing (the process was killed)
// does not keep the member out.
func TestAnAbandonedLeaseExpires(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxSessionsPerMember = 1 })
	past := time.Now().Add(-2 * leaseTTL)
	if _, err := e.store.AcquireLease(bg, "ada", "a killed front end", 1, leaseTTL, past); err != nil {
		t.Fatal(err)
	}
	tm := e.terminal(e.client("ada"), 80, 24)
	tm.waitFor("Signed in as")
	if strings.Contains(tm.out.String(), "session open") {
		t.Fatal("an expired lease kept the member out")
	}
}

// Renewing keeps a front end's leases alive past their first expiry.
func TestLeasesAreRenewed(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxSessionsPerMember = 1 })
	clock := time.Now()
	l := newSessionLeases(e.store, 1, func() time.Time { return clock })
	release, err := l.acquire(bg, "ken")
	must(t, err)
	defer release()
	clock = clock.Add(leaseTTL * 2 / 3)
	must(t, l.renew(bg))
	clock = clock.Add(leaseTTL * 2 / 3) // past the first expiry
	if _, err := newSessionLeases(e.store, 1, func() time.Time { return clock }).acquire(bg, "ken"); err == nil {
		t.Fatal("a renewed lease had expired")
	}
	release()
	if _, err := newSessionLeases(e.store, 1, func() time.Time { return clock }).acquire(bg, "ken"); err != nil {
		t.Fatalf("a released lease still counted: %v", err)
	}
}
